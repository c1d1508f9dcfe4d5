"""The hotels-and-travel folder (tests/fixtures/corpora/hotels): an HTML page with
navigation and a footer, a Taiwanese paper's plain text whose credit line names the
paper, the date and the reporter, a Financial Times report and a memo with front
matter whose questions are headings labelled "Q:". Written to try the tool on an
industry no rule was written for; each assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("hotels")


def _company(model: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in model["companies"] if c["name"] == name)


def test_the_papers_credit_line_dates_the_story(model: dict[str, Any]) -> None:
    source = next(s for s in model["sources"] if s["path"] == "02_ctee_travel.txt")
    assert source["date"] == "2025-08-29"
    assert source["author"] == "陳怡君" or source["author"] == "陈怡君"


def test_hotel_measures_are_named_as_the_industry_names_them(model: dict[str, Any]) -> None:
    # "RevPAR（每间可售房收入）同比下降3.8%" is no fall in revenue
    huazhu = {(f["measure"], f["raw"]) for f in _company(model, "华住集团")["figures"]}
    assert ("RevPAR同比下降", "3.8%") in huazhu
    assert ("平均房价下降", "3.1%") in huazhu
    assert not any(m.startswith("营收") for m, _ in huazhu)


def test_a_base_year_dates_nothing_and_a_recovery_is_no_share(model: dict[str, Any]) -> None:
    # "预订量已恢复至2019年同期的120%以上": 2025's bookings against 2019's
    trip = _company(model, "携程")
    recovery = next(f for f in trip["figures"] if f["raw"] == "120%以上")
    assert recovery["measure"] == "预订量恢复率"
    assert recovery["year"] != 2019


def test_where_an_analyst_sits_is_no_organisation(model: dict[str, Any]) -> None:
    assert not any("-based" in c["name"] for c in model["companies"])


def test_questions_lose_their_label_and_when_is_not_answered_by_a_fall(model: dict[str, Any]) -> None:
    texts = [q["text"] for q in model["questions"]]
    assert texts[0] == "国内酒店RevPAR什么时候止跌？"
    assert not any(t.startswith("Q") for t in texts)
    when = model["questions"][0]
    assert when["status"] != "answered"
    assert any("into 2026" in e["text"] for e in when["evidence"])


def test_a_share_of_revenue_is_asked_and_found(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if q["text"].startswith("携程国际业务"))
    assert any("14 per cent of group revenue" in e["text"] for e in q["evidence"])
    assert not any("没有国际业务占收入" in m for m in q["missing"])


def test_a_sentence_on_another_company_is_no_evidence_for_this_one(model: dict[str, Any]) -> None:
    # "…攜程…。同程旅行第二季營收則年增10.1%…": the sentence before names 携程, this one 同程
    q = next(q for q in model["questions"] if q["text"].startswith("携程国际业务"))
    assert not any(e["text"].startswith(("同程旅行", "同程旅")) for e in q["evidence"])


def test_the_memo_argues_with_the_sources(model: dict[str, Any]) -> None:
    # the memo's "供给过剩周期" is the FT's glut (供过于求): one theme, both sources
    theme = next(t for t in model["themes"] if "供过于求" in t["terms"])
    assert {"03_ft_trip.md", "04_memo.md"} <= set(theme["documents"])
