"""The gold jewellery folder (tests/fixtures/corpora/gold): a feature, a Hong Kong paper,
an English report and notes whose questions are a Markdown task list. Written to try
the tool on an industry no rule was written for: each assertion is what a reader must
trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("gold")


def test_a_ticked_item_before_the_open_ones_is_answered(model: dict[str, Any]) -> None:
    done = model["questions"][0]
    assert done["done"] and done["status"] == "answered"
    assert [q["done"] for q in model["questions"][1:]] == [False] * 4


def test_the_market_s_consumption_and_its_parts_are_key_figures(model: dict[str, Any]) -> None:
    sized = {
        (k["scope"], e["value"]): k
        for k in model["key_figures"]
        for e in k["entries"]
        if e["company"] == "全国黄金市场"
    }
    total = sized[("", 741.15)]
    assert (total["measure"], total["unit"], total["source"], total["period"]) == (
        "消费量",
        "吨",
        "中国黄金协会",
        "前三季度",
    )
    assert ("黄金首饰", 403.47) in sized


def test_hong_kong_turnover_and_attributable_profit(model: dict[str, Any]) -> None:
    figures = {(f["measure"], f["value"]) for f in company_figures(model, "周大福")}
    assert ("营收", 39394000000.0) in figures and ("营收同比下降", 20.4) in figures
    assert ("股东应得利润同比下降", 44.4) in figures
    assert not any("比例" in m for m, _ in figures)


def test_a_trade_before_brand_is_no_company(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert "珠宝品牌" not in names and {"周大福", "老铺黄金"} <= names


def test_a_choice_of_causes_is_answered_by_passages_naming_one(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if "金价驱动" in q["text"])
    others = [e for e in q["evidence"] if e["document"] != "04_notes.md"]
    assert len({e["document"] for e in others}) >= 2
    assert all("金价" in e["text"] or "金價" in e["text"] for e in others)


def test_takeaways_are_the_sources_findings_said_once(model: dict[str, Any]) -> None:
    texts = [t["text"] for t in model["summary"]]
    assert not any(t["document"] == "04_notes.md" and "896" in t["text"] for t in model["summary"])
    assert sum("896" in t for t in texts) <= 1
    assert not any("收報" in t or "收报" in t for t in texts)  # a day's close
    assert any("741.15吨" in t for t in texts)


def test_one_change_under_two_words_is_one_theme(model: dict[str, Any]) -> None:
    labels = [t["label"] for t in model["themes"]]
    assert sum(label.startswith("克重金饰") for label in labels) == 1
    assert not any("回落" in label for label in labels)  # only the notes' what-if supposes it
