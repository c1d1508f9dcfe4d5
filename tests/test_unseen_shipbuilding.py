"""The shipbuilding folder (tests/fixtures/corpora/shipbuilding): a feature, a Taiwanese
paper, an English report and a memo written as an email with its questions numbered in
one paragraph. Written to try the tool on an industry no rule was written for: each
assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("shipbuilding")


def test_the_email_s_numbered_questions_are_three(model: dict[str, Any]) -> None:
    memo = next(s for s in model["sources"] if s["path"] == "04_email_memo.txt")
    assert memo["kind"] == "memo"
    assert [q["text"] for q in model["questions"]] == [
        "这一轮订单高峰能持续到哪一年？",
        "美国港口费如果落地，中国船厂的海外订单会减少多少？",
        "熟练工人短缺会不会限制中国船厂的扩产？",
    ]


def test_a_group_s_affiliate_is_not_its_electronics_arm(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert {"中国船舶", "三星重工", "HD现代重工"} <= names
    assert "三星电子" not in names and "现代汽车" not in names


def test_an_order_book_s_worth_is_no_count(model: dict[str, Any]) -> None:
    worth = next(f for f in company_figures(model, "HD现代重工") if f["value"] == 148e8)
    assert (worth["measure"], worth["unit"]) == ("订单金额", "美元")


def test_a_what_if_is_answered_by_what_the_sources_say_of_its_supposition(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if "港口费" in q["text"])
    assert "港口費" in q["evidence"][0]["text"]
    assert any("port fees" in e["text"] for e in q["evidence"])


def test_a_theme_s_gist_names_the_concept_it_argues(model: dict[str, Any]) -> None:
    theme = next(t for t in model["themes"] if "新船价格" in t["label"])
    assert len(theme["documents"]) == 4
    assert "新船价格" in theme["gist"] or "newbuilding prices" in theme["gist"]
