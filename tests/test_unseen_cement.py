"""The cement folder (tests/fixtures/corpora/cement): a feature, a Hong Kong paper's
plain text, an English report and plain-text notes whose questions carry no label.
Written to try the tool on an industry no rule was written for: each assertion is
what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("cement")


def test_capacity_cuts_are_one_argument_of_every_source(model: dict[str, Any]) -> None:
    theme = next(t for t in model["themes"] if "去产能" in t["label"])
    assert len(theme["documents"]) == 4
    assert "产能退出" not in theme["label"]  # a variant of the concept, not a second one


def test_one_company_in_two_languages_is_one_case(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert "海螺水泥" in names and "Anhui Conch" not in names


def test_hong_kong_net_profit_is_net_profit(model: dict[str, Any]) -> None:
    conch = next(c for c in model["companies"] if c["name"] == "海螺水泥")
    assert not any(f["measure"] == "同比增长" for f in conch["figures"])


def test_unlabelled_questions_are_found_and_their_company_named(model: dict[str, Any]) -> None:
    texts = [q["text"] for q in model["questions"]]
    assert any(t.startswith("政府会不会出台") for t in texts)
    overseas = next(q for q in model["questions"] if "华新" in q["text"])
    assert any("华新水泥" in e["text"] for e in overseas["evidence"])
