"""The medical-aesthetics folder (tests/fixtures/corpora/aesthetics): a feature, a Hong
Kong paper, an English report and a research record with a Q&A list. Written to try the
tool on an industry no rule was written for: each assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("aesthetics")


def test_the_folder_is_titled_by_its_subject_not_its_argument(model: dict[str, Any]) -> None:
    assert model["title"] == "医美简报"
    price_war = next(t for t in model["themes"] if t["label"] == "价格战")
    assert len(price_war["documents"]) == 4


def test_the_record_s_q_and_a_lines_are_its_questions(model: dict[str, Any]) -> None:
    record = next(s for s in model["sources"] if s["path"] == "04_memo.md")
    assert record["kind"] == "memo"
    texts = [q["text"] for q in model["questions"]]
    assert texts[0] == "玻尿酸价格战会不会传导到头部品牌？"
    assert len(texts) == 3


def test_companies_reporting_results_are_compared(model: dict[str, Any]) -> None:
    row = next(k for k in model["key_figures"] if k["measure"] == "营收")
    assert (row["year"], row["period"]) == (2024, "前三季度")
    assert {e["company"] for e in row["entries"]} == {"爱美客", "华熙生物", "昊海生科"}


def test_a_rate_down_from_last_year_s_is_last_year_s_growth(model: dict[str, Any]) -> None:
    figures = company_figures(model, "爱美客")
    earlier = next(f for f in figures if f["value"] == 47)
    assert "下降" not in earlier["measure"] and earlier["year"] == 2023
    names = {c["name"] for c in model["companies"]}
    assert not any(n.startswith(("Imeik", "Bloomage")) for n in names)  # 爱美客, 华熙生物 in English
