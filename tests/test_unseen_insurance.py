"""The life-insurance folder (tests/fixtures/corpora/insurance): a feature with front
matter, a Hong Kong site's plain text with a credit line, an English report and an
English memo over Chinese sources. Written to try the tool on an industry no rule
was written for: each assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("insurance")


def test_a_sites_credit_line_dates_the_story(model: dict[str, Any]) -> None:
    source = next(s for s in model["sources"] if s["path"] == "02_etnet_aia.txt")
    assert source["date"] == "2025-08-22"
    assert source["author"] == "李家明"


def test_the_english_report_argues_with_the_chinese_sources(model: dict[str, Any]) -> None:
    themes = {t["label"]: t for t in model["themes"]}
    spread = next(t for label, t in themes.items() if "利差损" in label)
    assert {"01_caixin_nbv.md", "03_bloomberg_insurers.md"} <= set(spread["documents"])
    commissions = next(t for label, t in themes.items() if "佣金" in label)
    assert "03_bloomberg_insurers.md" in commissions["documents"]


def test_a_headlines_company_names_no_theme(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]} | {"友邦", "平安", "国寿"}
    assert not any(n in t["label"] for t in model["themes"] for n in names)


def test_an_english_question_finds_the_chinese_answer(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if q["text"].startswith("Will AIA"))
    assert q["status"] != "open"
    assert any("匯率" in e["text"] or "汇率" in e["text"] for e in q["evidence"])


def test_one_growth_in_two_wordings_is_one_label(model: dict[str, Any]) -> None:
    row = next(k for k in model["key_figures"] if k["measure"].startswith("新业务价值") and k["unit"] == "%")
    assert "/" not in row["measure"]
    assert [e["company"] for e in row["entries"]][:3] == ["中国平安", "中国人寿", "友邦保险"]
