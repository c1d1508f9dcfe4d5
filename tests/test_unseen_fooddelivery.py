"""The food-delivery folder (tests/fixtures/corpora/fooddelivery): a subsidy war told
by a Simplified news feature, a Traditional Hong Kong preview, a Reuters report and a
memo whose questions are a bulleted list under 待解决的问题, one of them with the
memo's note "（待查）". Written to try the tool on an industry no rule was written
for; each assertion is what a reader of the briefing must be able to trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("fooddelivery")


def _figures(model: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {c["name"]: [(f["measure"], f["raw"]) for f in c.get("figures", [])] for c in model["companies"]}


def test_a_measure_qualifier_is_no_company(model: dict[str, Any]) -> None:
    # "集团第二季经调整净利润将按年下跌逾八成": 经调整 (adjusted) qualifies the profit
    names = {c["name"] for c in model["companies"]}
    assert "经调整" not in names
    assert any(raw == "逾八成" for _, raw in _figures(model)["美团"])


def test_an_analysts_estimate_of_a_group_is_not_the_analysts(model: dict[str, Any]) -> None:
    # "高盛估计，三家平台二季度…合计投入约250亿元": Goldman estimates, the platforms spend
    figures = _figures(model)
    assert not figures.get("高盛")
    assert all(raw != "约250亿元" for owned in figures.values() for _, raw in owned)


def test_its_after_a_speaker_is_the_speaker(model: dict[str, Any]) -> None:
    # "京东则表示，其外卖业务日订单量已稳定在2,500萬單左右" in an article about 美团
    figures = _figures(model)
    assert ("日订单量", "2,500萬單左右") in figures["京东"]
    assert all(raw != "2,500萬單左右" for _, raw in figures["美团"])
    # "据美团披露，7月12日其即时零售日订单量…", "淘宝闪购则表示，7月5日其日订单量…"
    assert ("日订单量", "突破1.2亿单") in figures["美团"]
    assert ("日订单量", "超过8000万单") in figures["淘宝闪购"]


def test_a_day_of_the_article_dates_its_figure(model: dict[str, Any]) -> None:
    meituan = next(c for c in model["companies"] if c["name"] == "美团")
    orders = next(f for f in meituan["figures"] if f["raw"] == "突破1.2亿单")
    assert orders["year"] == 2025


def test_a_subsidiary_named_only_in_the_sources_is_its_parents(model: dict[str, Any]) -> None:
    keeta = next(c for c in model["companies"] if c["name"] == "Keeta")
    assert keeta["parent"] == "美团"
    assert any(f["measure"] == "香港市场份额" for f in keeta["figures"])


def test_the_memos_note_is_no_question(model: dict[str, Any]) -> None:
    texts = [sub for q in model["questions"] for sub in q["sub_questions"]]
    assert "（待查）" not in texts
    assert any(t.endswith("有多大？（待查）") for t in texts)


def test_how_long_is_answered_by_a_passage_on_when_it_ends(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if q["text"].startswith("补贴战会持续多久"))
    texts = [e["text"] for e in q["evidence"]]
    ends = next(i for i, t in enumerate(texts) if "短期内难以结束" in t)
    profit = next(i for i, t in enumerate(texts) if "經調整淨利潤" in t or "经调整净利润" in t)
    assert ends < profit  # it says when the war ends; the profit line only names the war
    assert q["status"] != "answered"  # a view that it will not end soon says not how long


def test_the_briefing_is_named_for_the_industry_every_title_names(model: dict[str, Any]) -> None:
    # 外卖 (jieba tags it a verb, "to take out") in every title, the English one through
    # the glossary ("food delivery"); not 补贴, what the sources argue about
    assert model["title"] == "外卖简报"
