"""Table-driven tests for the sentence splitter and the figure finder (tests/fixtures/nlp/*.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import FIXTURES, SEEDS

from briefing import nlp
from briefing.analysis.document import figures_in, is_meta_line
from briefing.nlp import split_sentences


def _cases(name: str) -> list[Any]:
    data = yaml.safe_load((FIXTURES / "nlp" / f"{name}.yaml").read_text("utf-8"))
    return [pytest.param(c, id=c["id"]) for c in data["cases"]]


@pytest.mark.parametrize("case", _cases("split_sentences"))
def test_split_sentences(case: dict[str, Any]) -> None:
    text = case["input"]
    assert [text[a:b] for a, b in split_sentences(text)] == case["expected"]


@pytest.mark.parametrize("case", _cases("figures_in"))
def test_figures_in(case: dict[str, Any]) -> None:
    hits = figures_in(case["input"])
    assert [[h.value, h.unit, h.measure] for h in hits] == case["expected"]
    for key in ("qualifier", "value_max", "stock"):
        if key in case:
            assert [getattr(h, key) for h in hits] == case[key], key


@pytest.mark.parametrize("case", _cases("is_meta_line"))
def test_is_meta_line(case: dict[str, Any]) -> None:
    assert is_meta_line(case["input"]) is case["expected"]


_COINED = yaml.safe_load((FIXTURES / "nlp" / "coined_terms.yaml").read_text("utf-8"))


@pytest.mark.parametrize(
    "case", _COINED["is_coined_term"], ids=[c["word"] for c in _COINED["is_coined_term"]]
)
def test_is_coined_term(case: dict[str, Any]) -> None:
    from briefing.nlp import is_coined_term

    assert is_coined_term(case["word"]) is case["expected"]


@pytest.mark.parametrize(
    "case", _COINED["coined_in"], ids=["|".join(c["tokens"]) for c in _COINED["coined_in"]]
)
def test_coined_words_of_a_sentence(case: dict[str, Any]) -> None:
    from briefing.analysis.document import _coined_in

    assert _coined_in(case["tokens"], set(case.get("orgs", []))) == set(case["expected"])


@pytest.mark.parametrize("case", _COINED["is_theme_term"], ids=[c["word"] for c in _COINED["is_theme_term"]])
def test_is_theme_term(case: dict[str, Any]) -> None:
    from briefing.nlp import is_theme_term

    assert is_theme_term(case["word"]) is case["expected"]


def test_jiebas_tags_are_cached_once_per_dictionary_not_per_installation(tmp_path, monkeypatch) -> None:
    """Two installations of one jieba (two virtual environments: the same
    dictionary, different modification times) share one cached tag file; a
    different dictionary gets its own."""
    import os

    from briefing import nlp

    (tmp_path / "cache" / "briefing").mkdir(parents=True)
    monkeypatch.setattr(nlp, "cache_folder", lambda: tmp_path / "cache" / "briefing")
    text = "阿里巴巴 10 nt\n产业 20 n\n"
    first, second, other = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    first.write_text(text, "utf-8")
    second.write_text(text, "utf-8")
    os.utime(second, (1_000_000, 1_000_000))
    other.write_text(text + "云计算 30 n\n", "utf-8")
    for path in (first, second):
        assert nlp._jieba_tags(path).get("产业") == "n"
    cached = sorted((tmp_path / "cache" / "briefing").glob("briefing-jieba-tags-*"))
    assert len(cached) == 1, cached
    assert nlp._jieba_tags(other).get("云计算") == "n"
    assert len(list((tmp_path / "cache" / "briefing").glob("briefing-jieba-tags-*"))) == 2


def test_jiebas_tags_read_in_parts_give_each_word_its_first_tag_in_order(tmp_path, monkeypatch) -> None:
    """A word listed under several tags gets the first in ``_Tags.ORDER``; one listed
    under a tag outside it (j, abbreviations) still shows it; the same from the file."""
    from briefing import nlp

    (tmp_path / "cache" / "briefing").mkdir(parents=True)
    monkeypatch.setattr(nlp, "cache_folder", lambda: tmp_path / "cache" / "briefing")
    path = tmp_path / "dict.txt"
    path.write_text("阿里巴巴 10 nt\n产业 20 v\n产业 5 n\n医保 3 j\n光伏 2 j\n光伏 2 n\nABC 1 eng\n", "utf-8")
    for tags in (nlp._jieba_tags(path), nlp._jieba_tags(path)):  # made, then read back
        assert [tags.get(w) for w in ("阿里巴巴", "产业", "医保", "光伏", "ABC", "无")] == [
            "nt",
            "n",
            "x",
            "n",
            "eng",
            "x",
        ]
        assert [w for w in ("产业", "医保", "光伏", "阿里") if "j" in tags.listed_under(w)] == [
            "医保",
            "光伏",
        ]
        tags["产业"] = "vn"  # the domain dictionary's tag wins
        assert tags.get("产业") == "vn"


@pytest.mark.parametrize("case", _cases("segmentation"))
def test_domain_words_are_cut_whole(case: dict[str, Any]) -> None:
    from briefing.nlp import zh_cut

    words = zh_cut(case["input"])
    for word in case["words"]:
        assert word in words, (word, words)


def test_jiebas_dictionary_loaded_in_pieces_cuts_as_the_whole(monkeypatch) -> None:
    """jieba's dictionary is loaded a piece at a time (``nlp._Pieces``: a character's
    entry, the entries beginning with two characters): the words cut and the total
    are those of jieba's own load with the domain words and gazetteer names added,
    and so, once loaded whole, is the dictionary."""
    from briefing import nlp

    texts = [p.read_text("utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
    texts += [
        "中远海运净利润下降78%，阿里巴巴推出新产品",
        "赫伯罗特与达飞海运",
        "Apple 与 TSMC 的 3nm 芯片",
        "中",
    ]
    pieces = nlp._Jieba()
    monkeypatch.setattr(nlp._Pieces, "open", classmethod(lambda cls, tk, version: None))
    whole = nlp._Jieba()
    assert pieces.pieces is not None and whole.pieces is None
    assert pieces.tk.total == whole.tk.total
    for text in texts:
        pieces.need(text)
        assert pieces.tk.lcut(text, HMM=True) == whole.tk.lcut(text, HMM=True)
    assert len(pieces.tk.FREQ) < len(whole.tk.FREQ) / 2
    pieces.load_whole()
    assert pieces.tk.FREQ == whole.tk.FREQ
    assert pieces.tk.user_word_tag_tab == whole.tk.user_word_tag_tab


def test_a_long_run_loads_jiebas_whole_dictionary(monkeypatch) -> None:
    from briefing import nlp

    monkeypatch.setattr(nlp, "PIECEMEAL_CHARS", 10)
    segmenter = nlp._Jieba()
    segmenter.need("中远海运")
    assert not segmenter.whole
    segmenter.need("阿里巴巴推出新产品")
    assert segmenter.whole and len(segmenter.tk.FREQ) > 400_000


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("国内酒店进入供给过剩周期", "供给过剩"),
        ("宝武将主动压减粗钢产量", "压减粗钢产量"),
        ("碳酸锂价格跌破8万元", "碳酸锂价格"),
    ],
)
def test_a_concept_variant_is_cut_whole_and_is_no_term(text: str, phrase: str) -> None:
    """concept_variants.yaml's phrases stay whole for the term they argue (供给过剩 for
    供过于求), and none is a theme term of its own (else a sentence counts twice)."""
    assert phrase in nlp.zh_cut(text)
    assert not nlp.is_theme_term(phrase)
