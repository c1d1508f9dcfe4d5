"""The tea-drinks folder (tests/fixtures/corpora/tea): a web page, a Hong Kong paper, an
English report and a research outline whose questions are numbered （一）（二）（三）.
Written to try the tool on an industry no rule was written for: each assertion is what a
reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("tea")


def test_a_papers_name_and_date_in_brackets_date_the_story(model: dict[str, Any]) -> None:
    paper = next(s for s in model["sources"] if s["path"] == "02_hket_tea.txt")
    assert (paper["date"], paper["site"]) == ("2024-04-23", "香港經濟日報")
    texts = [t["text"] for t in model["summary"]] + [
        e["text"] for q in model["questions"] for e in q["evidence"]
    ]
    assert not any("【" in t for t in texts)


def test_the_outline_s_questions_carry_no_numbering(model: dict[str, Any]) -> None:
    assert [q["text"][:4] for q in model["questions"]] == ["加盟商的", "茶百道上", "出海能否"]


def test_a_second_company_in_the_same_period_owns_its_figures(model: dict[str, Any]) -> None:
    assert (6140000000.0, "营收") in {(f["value"], f["measure"]) for f in company_figures(model, "古茗")}
    assert 6140000000.0 not in {f["value"] for f in company_figures(model, "蜜雪冰城")}


def test_names_are_names_not_their_kind_or_a_credit(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert {"蜜雪冰城", "古茗", "茶百道"} <= names
    assert not any("品牌" in n or "【" in n or "日报" in n for n in names)


def test_a_question_in_the_wake_of_an_event_hears_the_sector_s_view(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if "估值逻辑" in q["text"])
    assert any("估值更趨謹慎" in e["text"] for e in q["evidence"])  # names no 茶百道
    assert q["status"] != "answered"
    assert not any("逻辑发生" in m for m in q["missing"])


def test_the_writer_s_note_to_self_argues_nothing(model: dict[str, Any]) -> None:
    said = [t["gist"] for t in model["themes"]] + [t["text"] for t in model["summary"]]
    assert not any(s.startswith("需要关注") for s in said)
