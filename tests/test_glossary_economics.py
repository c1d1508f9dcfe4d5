"""The glossary's economic vocabulary (briefing/data/glossary.yaml) on English sentences of
several industries (tests/fixtures/nlp/glossary_economics.yaml): each sentence carries the
Chinese terms, and each term is one the themes count (an English source argues through
them only), and a label built on it names an argument (argument_words.txt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.nlp import en_tokens, is_theme_term

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "nlp" / "glossary_economics.yaml").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_an_english_sentence_carries_the_economic_terms(case: dict[str, Any]) -> None:
    tokens = en_tokens(case["text"])
    for term in case["terms"]:
        assert term in tokens, (term, tokens)
        assert is_theme_term(term), term


@pytest.mark.parametrize(
    "term", ["供过于求", "去产能", "高端化", "降价", "市场萎缩", "反倾销", "关税", "贸易救济"]
)
def test_a_label_on_an_economic_term_names_an_argument(term: str) -> None:
    from briefing.analysis.themes import is_argument

    assert is_argument(term)
