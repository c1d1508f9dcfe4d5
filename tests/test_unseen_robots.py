"""The humanoid-robot folder (tests/fixtures/corpora/robots): a feature, a Taiwanese
paper's plain text, an English report and plain-text notes whose questions stand
between statements. Written to try the tool on an industry no rule was written for:
each assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("robots")


def test_the_folder_is_titled_by_its_subject(model: dict[str, Any]) -> None:
    assert model["title"] == "人形机器人简报"
    notes = next(s for s in model["sources"] if s["path"] == "04_memo.txt")
    assert (notes["kind"], notes["date"]) == ("memo", "2024-12")


def test_a_kind_of_company_is_no_company(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert {"宇树科技", "优必选", "智元机器人", "上银科技"} <= names
    assert not any(n.startswith(("人形机器人", "合作开发")) for n in names)


def test_a_post_money_valuation_is_the_raiser_s_of_the_story_s_year(model: dict[str, Any]) -> None:
    valuations = [f for f in company_figures(model, "宇树科技") if f["measure"] == "估值"]
    assert any(f["value"] == 8e9 and f["year"] == 2024 for f in valuations), valuations


def test_delivered_units_are_a_fact_and_the_expected_ones_a_range(model: dict[str, Any]) -> None:
    figures = company_figures(model, "优必选")
    delivered = next(f for f in figures if f["value"] == 10)
    assert delivered["measure"] == "交付量" and delivered["year"] != 2025
    expected = next(f for f in figures if f["measure"].endswith("预测"))
    assert (expected["value"], expected["value_max"], expected["year"]) == (500, 1000, 2025)


def test_the_notes_questions_between_statements_are_read(model: dict[str, Any]) -> None:
    texts = [q["text"] for q in model["questions"]]
    assert "这些估值背后有没有真实的订单支撑？" in texts
    assert "丝杠和减速器的国产化率现在大概是多少？" in texts
    assert any(t.endswith("靠的是零部件国产替代还是规模效应？") for t in texts)
    assert len(texts) == 3


def test_the_english_report_argues_the_themes_too(model: dict[str, Any]) -> None:
    labels = {t["label"]: t["documents"] for t in model["themes"]}
    assert "03_reuters_robots.md" in labels["量产"]
    assert "03_reuters_robots.md" in labels["国产替代"]
