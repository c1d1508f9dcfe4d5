"""Themes on small folders: several distinct arguments, not one cluster that swallows them.

A folder of four or five short sources argues several things (margins, high rates,
asset quality …); a summary line or one sentence that names them all together does
not make them one theme.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from briefing.analysis import build_briefing
from briefing.analysis.themes import _keyword_candidates, _summary_finding
from briefing.model import Briefing
from briefing.readers import read_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
FIELD = ROOT.parent / "shared" / "field-corpus"
DATE = dt.date(2026, 12, 2)


@functools.cache
def _themes(folder: str) -> Briefing:
    path = FIELD if folder == "field" else ROOT / "seeds" if folder == "seeds" else CORPORA / folder
    if not path.is_dir():
        pytest.skip(f"{path} is not here")
    return build_briefing(read_corpus(path), date=DATE)


# Each small folder: the least number of themes, and ideas (any of the words in a
# theme's label or terms) a reader would name.
_SMALL = {
    "banks": (
        3,
        {"margins": {"息差"}, "rates, dividends or assets": {"高息", "股息", "资产", "减值", "不良"}},
    ),
    "healthcare": (4, {"domestic substitution": {"国产"}, "price cuts": {"支架", "降价"}}),
    "coffee": (3, {"price war": {"价格战"}, "store economics": {"单店"}}),
    "nev": (6, {"vertical integration": {"垂直整合"}, "swapping": {"换电"}}),
}


@pytest.mark.parametrize("folder", sorted(_SMALL))
def test_a_small_folder_finds_several_arguments(folder: str) -> None:
    least, ideas = _SMALL[folder]
    themes = _themes(folder).themes
    labels = [t.label for t in themes]
    assert least <= len(themes) <= 8, labels
    for idea, words in ideas.items():
        assert any(any(w in x for w in words for x in (t.label, *t.terms)) for t in themes), (idea, labels)


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "seeds", "field"])
def test_themes_are_distinct_on_every_folder(folder: str) -> None:
    """No two themes share a label or a gist; no theme's gist is another's quote;
    no theme's quoted sentences are all another theme's."""
    themes = _themes(folder).themes
    assert len({t.label for t in themes}) == len(themes)
    assert len({t.gist for t in themes}) == len(themes)
    for t in themes:
        assert t.gist_source.text not in {q.text for q in t.quotes}, t.label
        said = {t.gist_source.text, *(q.text for q in t.quotes)}
        for other in themes:
            if other is t:
                continue
            theirs = {other.gist_source.text, *(q.text for q in other.quotes)}
            assert other.gist_source.text not in said, (t.label, other.label)
            assert not said <= theirs, (t.label, other.label)


def test_seeds_keep_five_to_eight_themes() -> None:
    assert 5 <= len(_themes("seeds").themes) <= 8


def test_banks_theme_on_margins_leads() -> None:
    themes = _themes("banks").themes
    assert "息差" in themes[0].label, [t.label for t in themes]


# ------------------------------------------------------------------ rules


def _sentences(*spec: tuple[int, int]) -> set[tuple[int, int]]:
    return set(spec)


@pytest.mark.parametrize(
    ("case", "sentences", "together"),
    [
        # one shared sentence (a summary, a list) is chance: two candidates
        (
            "one shared sentence",
            {"息差": _sentences((0, 1), (0, 2), (0, 3)), "高息": _sentences((0, 3), (1, 0))},
            False,
        ),
        # two shared sentences: one argument
        (
            "two shared",
            {"息差": _sentences((0, 1), (0, 2), (0, 3)), "收窄": _sentences((0, 1), (0, 2))},
            True,
        ),
    ],
)
def test_keyword_clusters_need_two_shared_sentences(case: str, sentences: dict, together: bool) -> None:
    ranked = list(sentences)
    scores = dict.fromkeys(ranked, 1.0)
    rarity = dict.fromkeys(ranked, 16.0)
    cands = _keyword_candidates(ranked, set(), scores, rarity, sentences)
    joined = any(set(ranked) <= set(c.terms) for c in cands)
    assert joined is together, (case, [c.terms for c in cands])


def test_a_term_joins_a_cluster_through_its_lead_not_a_neighbour() -> None:
    # 芯片 shares two sentences with 换电站 but none with the lead 换电: not the swapping theme
    sentences = {
        "换电": _sentences((0, 1), (0, 5), (0, 6)),
        "换电站": _sentences((0, 1), (0, 5), (1, 2), (1, 7)),
        "芯片": _sentences((1, 2), (1, 7)),
    }
    ranked = ["换电", "换电站", "芯片"]
    cands = _keyword_candidates(
        ranked, set(), dict.fromkeys(ranked, 1.0), dict.fromkeys(ranked, 16.0), sentences
    )
    swapping = next(c for c in cands if c.terms[0] == "换电")
    assert "换电站" in swapping.terms
    assert "芯片" not in swapping.terms


@pytest.mark.parametrize(
    ("text", "terms", "finding"),
    [
        (
            "主要发现：商业银行净息差降至1.69%的历史低点；招商银行凭借零售业务守住了2.15%的净息差；汇丰控股受惠于高息环境，利润创新高。",
            {"高息"},
            "汇丰控股受惠于高息环境，利润创新高。",
        ),
        (
            "主要发现：单价平均下降80%以上；迈瑞医疗等国产企业份额上升；微创医疗净亏损。",
            {"国产"},
            "迈瑞医疗等国产企业份额上升",
        ),
        # the term in two findings: none is this theme's own
        ("主要发现：净息差降至历史低点；招商银行守住了净息差水平。", {"息差"}, None),
        # one finding only: the line is the finding, not a list of them
        ("结论：门店扩张带来的单店盈利压力正在显现。", {"单店"}, None),
        # too short to stand alone
        ("小结：价格战；单店盈利待验证。", {"价格战"}, None),
    ],
)
def test_a_memo_summary_backs_a_theme_with_its_own_finding(
    text: str, terms: set[str], finding: str | None
) -> None:
    assert _summary_finding(text, terms, text) == finding


def test_a_heading_theme_is_named_by_the_heading_not_a_word_of_its_list() -> None:
    """The commercial-space memo's ETF-list heading (主要商业航天相关ETF) is about
    商业航天; 低空, one entry of the list, is not what the heading names."""
    labels = [t.label for t in _themes("field").themes]
    assert "低空" not in labels
    assert "商业航天" in labels
