"""Organisations an English source names by their pinyin (table-driven)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.analysis.romanized import pinyin_forms, reads_as

CORPORA = Path(__file__).parent / "fixtures" / "corpora"


@pytest.mark.parametrize(
    ("word", "name", "expected"),
    [
        ("飞鹤", "Feihe", True),
        ("君乐宝", "Junlebao", True),  # 乐 read le, not yue
        ("伊利", "Yili", True),
        ("蒙牛", "Mengniu", True),
        ("飞鹤", "Feihong", False),
        ("飞鹤", "Hefei", False),  # order matters
        ("安踏", "Anta", True),
        ("安踏体育", "Anta", False),  # all of the word, not its start
    ],
)
def test_reads_as(word: str, name: str, expected: bool) -> None:
    assert reads_as(word, name) is expected


@pytest.mark.parametrize(
    ("names", "words", "taken", "expected"),
    [
        (["Feihe"], ["飞鹤", "增长", "市场"], [], {"Feihe": "飞鹤"}),
        # two words read as it: no guess
        (["Yili"], ["伊利", "一粒"], [], {}),
        # a word that already names another organisation is not joined again
        (["Yili"], ["伊利"], ["伊利"], {}),
        # not one capitalised word: a person's surname, an acronym, a phrase
        (["Li"], ["李", "力"], [], {}),
        (["CATL"], ["宁德时代"], [], {}),
        (["Danone", "Nestle"], ["达能", "雀巢"], [], {}),
    ],
)
def test_pinyin_forms(names: list[str], words: list[str], taken: list[str], expected: dict[str, str]) -> None:
    assert pinyin_forms(names, words, frozenset(taken)) == expected


@pytest.fixture(scope="module")
def dairy():
    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    return build_briefing(read_corpus(CORPORA / "dairy"), date=dt.date(2026, 12, 2))


def test_a_memo_question_on_the_chinese_name_finds_the_english_report(dairy) -> None:
    """The memo asks about 飞鹤; the wire story reports on Feihe: one company, shown
    by the Chinese name with the English beside it (as 伊利 with Yili), and the
    question's evidence is the story's sentence on it, not 'nothing found'."""
    assert not [c for c in dairy.companies if c.name == "Feihe"]
    feihe = next(c for c in dairy.companies if c.name == "飞鹤")
    assert feihe.english == "Feihe"
    assert "Feihe" in feihe.aliases
    assert "飞鹤" not in feihe.shown_aliases and "Feihe" not in feihe.shown_aliases
    # its figures are the English story's, under the name shown
    assert any(f.document.startswith("02_") for f in feihe.figures)
    assert all(e.company != "Feihe" for k in dairy.key_figures for e in k.entries)
    q = next(q for q in dairy.questions if "飞鹤" in q.text)
    assert q.status != "open"
    assert any("Feihe" in e.text and e.document.startswith("02_") for e in q.evidence)


def test_trade_names_reach_english_evidence(dairy) -> None:
    """原奶 in the memo's question is "raw milk" in the wire story (glossary)."""
    q = next(q for q in dairy.questions if "原奶" in q.text)
    assert any("raw milk" in e.text and e.document.startswith("01_") for e in q.evidence)
