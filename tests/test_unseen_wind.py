"""The wind-turbine folder (tests/fixtures/corpora/wind): an HTML page, a Taiwanese
paper's plain text, an English report and a memo with "1）" questions. Written to try
the tool on an industry no rule was written for: each assertion is what a reader must
trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("wind")


def test_the_folder_is_titled_by_its_subject_not_its_argument(model: dict[str, Any]) -> None:
    assert model["title"] == "风机简报"
    price_war = next(t for t in model["themes"] if t["label"] == "价格战")
    assert len(price_war["documents"]) >= 3


def test_a_clause_between_a_place_and_a_body_is_no_organisation(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert not any("市场" in n for n in names)
    assert "Goldwind" not in names  # 金风科技 in English


def test_an_argument_two_sources_make_is_a_theme(model: dict[str, Any]) -> None:
    theme = next(t for t in model["themes"] if "反补贴" in t["label"])
    assert {"02_ctee_wind.txt", "03_reuters_wind.md"} <= set(theme["documents"])
    assert theme["quotes"], "the second source speaks"


def test_the_european_commission_is_evidence_on_the_eu(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if q["text"].startswith("欧盟反补贴调查"))
    assert q["status"] != "open"
    assert any("European Commission" in e["text"] for e in q["evidence"])
