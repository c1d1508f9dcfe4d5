"""A theme's quotes argue it, and its gist names who it speaks of.

* A quote says the theme's concept: a term its label names (路线 under 技术路线), or
  two of its terms together; a sentence of the same section or document that says
  neither (a revenue line under 地缘政治, a tariff line that lists 电池 under 技术路线)
  is not quoted, and the theme shows fewer quotes.
* A gist that opens with a pointer back to an organisation (公司, 该公司, 其) names the
  organisation the document's reading resolved it to (公司（百济神州）…); the JSON's
  ``gist_source`` keeps the sentence as written.

Checked on folders of several industries (airlines, banks, coffee, games, healthcare,
EVs, solar), the seeds and the field corpus; the airline folder
(tests/fixtures/analysis/quote_concept_folder) was written so that, before these rules,
a theme quoted a profit line under 运力瓶颈 and a gist opened with a bare 公司.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest

from briefing.analysis import build_briefing
from briefing.analysis.themes import (
    _opening_referent,
    concept_variants,
    concept_words,
    opening_pointer,
    with_referent,
)
from briefing.model import Briefing, Theme
from briefing.nlp import is_term, vocabulary_terms
from briefing.readers import read_corpus
from briefing.script import to_simplified

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
FOLDERS = {
    "airlines": ROOT / "tests" / "fixtures" / "analysis" / "quote_concept_folder",
    **{name: CORPORA / name for name in ("banks", "coffee", "games", "healthcare", "nev", "solar")},
    "seeds": ROOT / "seeds",
    "field": ROOT.parent / "shared" / "field-corpus",
}
DATE = dt.date(2026, 12, 2)


@functools.cache
def _model(folder: str) -> Briefing:
    path = FOLDERS[folder]
    if not path.is_dir():
        pytest.skip(f"{path} is not here")
    return build_briefing(read_corpus(path), date=DATE)


def _spellings(term: str) -> set[str]:
    return {term, *(w for w, t in concept_variants().items() if t == term)}


def _said(text: str, words: set[str]) -> set[str]:
    """The words of ``words`` a sentence says: in its Simplified text, or (English)
    through the glossary."""
    simplified = to_simplified(text)
    found = {w for w in words if w in simplified and not w.isascii()}
    return found | set(vocabulary_terms(simplified, words)) & words


def _concept_said(theme: Theme, text: str) -> bool:
    label = to_simplified(theme.label)
    defining = [t for t in theme.terms if any(w in label for w in _spellings(t))] or theme.terms
    spelled = {w: t for t in theme.terms for w in _spellings(t)}
    said = {spelled[w] for w in _said(text, set(spelled))}
    return bool(said & set(defining)) or len(said) >= 2


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_quote_says_its_themes_concept(folder: str) -> None:
    for theme in _model(folder).themes:
        for quote in theme.quotes:
            assert _concept_said(theme, quote.text), (theme.label, theme.terms, quote.text)


_POINTER_RE = re.compile(r"^(?:该公司|這家公司|这家公司|公司|其)(?!实|他|余|中|次)")


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_gist_opens_with_an_unresolved_pointer(folder: str) -> None:
    for theme in _model(folder).themes:
        gist = to_simplified(theme.gist.lstrip())
        m = _POINTER_RE.match(gist)
        assert not m or gist[m.end() :].startswith("（"), (theme.label, theme.gist)


# (folder, a word of the theme's label, what no quote of it may hold: a sentence of its
# section or document that argues something else)
_OFF_CONCEPT = [
    ("healthcare", "地缘", "CDMO"),  # 藥明生物's revenue, the other sentence of its 地緣政治陰影 section
    ("solar", "路线", "关税"),  # 贸易壁垒：美国提高光伏电池和组件关税… lists 电池 only
    ("airlines", "运力瓶颈", "溢利"),  # 國泰's profit line, in the article whose headline names 运力瓶颈
]


@pytest.mark.parametrize(("folder", "word", "off"), _OFF_CONCEPT)
def test_a_sentence_off_the_concept_is_not_quoted(folder: str, word: str, off: str) -> None:
    (theme,) = [t for t in _model(folder).themes if word in t.label]
    assert not any(off in to_simplified(q.text) for q in theme.quotes), [q.text for q in theme.quotes]


# (folder, a word of the theme's label, the organisation, the source sentence's opening)
_RESOLVED = [
    ("healthcare", "亏损", "百济神州", "公司全年"),
    ("airlines", "亏损", "东方航空", "公司全年"),
]


@pytest.mark.parametrize(("folder", "word", "owner", "source"), _RESOLVED)
def test_a_gists_pointer_names_the_organisation(folder: str, word: str, owner: str, source: str) -> None:
    """The sentence that opens with 公司 is shown with the organisation it means, as the
    theme's gist ("公司（百济神州）全年…") or as one of its quotes (pointer and owner)."""
    (theme,) = [t for t in _model(folder).themes if word in t.label]
    assert theme.gist_source is not None
    if to_simplified(theme.gist_source.text).startswith(source):
        assert to_simplified(theme.gist).startswith(f"公司（{owner}）"), theme.gist
    else:
        quote = next(q for q in theme.quotes if to_simplified(q.text).startswith(source))
        assert (quote.pointer, quote.owner) == ("公司", owner)


def test_the_games_folder_argues_own_ip() -> None:
    """The Taiwan article's headline (押寶自製IP) and three of its sentences argue making
    one's own IP rather than licensing; the memo asks about it: a theme, labelled as the
    author puts it."""
    labels = [t.label for t in _model("games").themes]
    assert "自制IP" in labels and len(labels) >= 4, labels


@pytest.mark.parametrize(
    ("label", "terms", "defining"),
    [
        ("技术路线", ["电池", "路线"], {"路线"}),
        ("地缘政治", ["地缘", "政治", "阴影"], {"地缘", "政治"}),
        ("亏损收窄", ["亏损", "净亏损"], {"亏损"}),
        ("出海", ["出海"], {"出海", "海外"}),
        # a joined label that names none of its terms as written: all of them define it
        ("模式、技术与产业的升级", ["模式升级", "技术升级"], {"模式升级", "技术升级"}),
    ],
)
def test_concept_words(label: str, terms: list[str], defining: set[str]) -> None:
    words, every = concept_words(label, terms)
    assert defining <= set(words) and set(every) == set(terms)
    assert not (set(words) - defining - {w for t in defining for w in _spellings(t)})


@pytest.mark.parametrize(
    ("line", "referent", "shown"),
    [
        ("公司全年總收入為24.6億美元。", ("公司", "百济神州"), "公司（百济神州）全年總收入為24.6億美元。"),
        ("该公司计划扩产。", ("该公司", "宁德时代"), "该公司（宁德时代）计划扩产。"),
        ("其PD-1单抗已纳入医保。", ("其", "信达生物"), "其（信达生物）PD-1单抗已纳入医保。"),
        ("公司全年收入增长。", None, "公司全年收入增长。"),  # nothing resolved: as written
        ("…公司全年收入增长。", ("公司", "百济神州"), "…公司全年收入增长。"),  # a clip, not the opening
        ("公司（百济神州）全年收入增长。", ("公司", "百济神州"), "公司（百济神州）全年收入增长。"),
        # a note under its organisation's heading: the organisation before it
        (
            "2023年交付16.0万辆，净亏损207.2亿元。",
            ("", "蔚来"),
            "（蔚来）2023年交付16.0万辆，净亏损207.2亿元。",
        ),
        ("（蔚来）2023年交付16.0万辆。", ("", "蔚来"), "（蔚来）2023年交付16.0万辆。"),
        # the pointer opens the clause after a speaker's
        (
            "分析員指出，集團需要在明年償還約300億元債務。",
            ("集團", "新世界发展"),
            "分析員指出，集團（新世界发展）需要在明年償還約300億元債務。",
        ),
        (
            "分析员指出，新世界集团需要偿还债务。",
            ("集团", "新世界发展"),
            "分析员指出，新世界集团需要偿还债务。",
        ),
    ],
)
def test_with_referent(line: str, referent: tuple[str, str] | None, shown: str) -> None:
    assert with_referent(line, referent) == shown


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("公司全年總收入為24.6億美元。", "公司"),
        ("該公司計劃擴產。", "該公司"),
        ("其PD-1单抗已纳入医保。", "其"),
        ("其实行业仍在亏损。", None),
        ("其他企业也在扩产。", None),
        ("其中美国市场占约七成。", None),
        ("百济神州的收入增长。", None),
        ("公司法修订后，董事责任更重。", None),
        ("公司债发行规模回升。", None),
        ("其一，成本仍在下降。", None),
        ("其余企业仍在亏损。", None),
        ("该企业表示将减产。", "该企业"),
    ],
)
def test_opening_pointer(text: str, pointer: str | None) -> None:
    assert opening_pointer(text) == pointer


@pytest.mark.parametrize(
    ("word", "term"),
    [("IP", True), ("ip", False), ("of", False), ("AI", False), ("SaaS", True), ("12", False)],
)
def test_two_letter_words_are_terms_only_as_the_domain_dictionary_lists_them(word: str, term: bool) -> None:
    assert is_term(word) is term


@pytest.mark.parametrize("folder", ["airlines", "games", "healthcare", "solar"])
def test_a_quote_said_before_shows_the_clause_that_says_its_concept(folder: str) -> None:
    """A theme's quote shown in full earlier (as a takeaway) comes back as its clause
    that says the theme's concept ("…希望把动画IP改编成手机游戏。" under 自制IP), not
    its opening ("智冠去年以新台币4.5亿元入股…")."""
    from briefing.charts import charts_for
    from briefing.render import render

    model = _model(folder)
    text = render(model, charts_for(model))
    for i, theme in enumerate(model.themes, 1):
        section = text.split(f"### {i}. {theme.label}", 1)[1].split("\n### ", 1)[0]
        for line in section.splitlines():
            if line.startswith("> "):
                shown = re.sub(r"\s*(?:\[\d+\]\(#[^)]*\)|\[\d+\])+\s*$", "", line[2:])
                assert _concept_said(theme, shown), (theme.label, line)


@pytest.mark.parametrize(
    ("text", "referent"),
    [
        # a figure the reading owned through the pointer
        (
            "百济神州2023年收入增长约七成。公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。",
            ("公司", "百济神州"),
        ),
        # a pronoun subject that acts
        ("宁德时代发布了新一代电池。该公司计划在2025年把产能扩大一倍。", ("该公司", "宁德时代")),
        ("信达生物2023年产品收入约57亿元。其PD-1单抗的价格在谈判中下降了64%。", ("其", "信达生物")),
        # no organisation named before: nothing to name
        ("行业整体仍在调整。公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。", None),
    ],
)
def test_opening_referent(tmp_path: Path, text: str, referent: tuple[str, str] | None) -> None:
    """The second sentence's pointer, resolved as the document's reading resolved it."""
    from briefing.analysis import analyse_all

    (tmp_path / "a.txt").write_text(f"标题\n\n{text}\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    (analysis,) = analyse_all(corpus)
    doc = corpus.documents[0]
    second = analysis.sentences[-1]
    assert _opening_referent(analysis, second, doc.text[second.start : second.end]) == referent


def test_a_gist_whose_pointer_is_not_resolved_is_another_sentence(monkeypatch) -> None:
    """Where the reading cannot say whose 公司 it is, the theme is stated by another of
    its sentences where it has one (here: as if 东方航空 had not been resolved in the
    airline folder, whose 亏损收窄 also says 东方航空2023年归母净利润亏损…); a theme
    with no other sentence keeps it rather than being dropped."""
    from briefing.analysis import themes

    monkeypatch.setattr(themes, "_opening_referent", lambda *args, **kwargs: None)
    model = build_briefing(read_corpus(FOLDERS["airlines"]), date=DATE)
    (theme,) = [t for t in model.themes if "亏损" in t.label]
    assert not _POINTER_RE.match(to_simplified(theme.gist)), theme.gist
    assert [t.label for t in model.themes] == [t.label for t in _model("airlines").themes]


@pytest.mark.parametrize(
    ("heading", "line", "owner"),
    [
        # a memo's note under its organisation's heading is about it
        ("### 蔚来（NIO）", "- 2023年交付16.0万辆，净亏损207.2亿元；换电站超过2300座。", "蔚来"),
        ("### 比亚迪", "- 垂直整合：自产刀片电池、IGBT芯片，海外销量24.3万辆。", "比亚迪"),
        # a heading that names no organisation, or one that is a statement
        ("### 换电网络", "- 2023年交付16.0万辆，净亏损207.2亿元；换电站超过2300座。", None),
        ("### 蔚来在2023年交付了16.0万辆新车并且把换电站扩大到超过两千三百座", "- 净亏损207.2亿元。", None),
    ],
)
def test_heading_owner(tmp_path: Path, heading: str, line: str, owner: str | None) -> None:
    from briefing.analysis import analyse_all
    from briefing.analysis.themes import _heading_owner

    (tmp_path / "a.md").write_text(f"# 换电笔记\n\n## 玩家\n\n{heading}\n\n{line}\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    (analysis,) = analyse_all(corpus)
    assert _heading_owner(corpus.documents[0], analysis.sentences[-1]) == owner


def test_a_gist_under_an_organisations_heading_names_it() -> None:
    """A theme stated by a note its heading leaves the organisation to ("2023年交付16.0万辆…"
    under "### 蔚来（NIO）") says whose it is, as the agenda's evidence does (nev's 换电模式)."""
    (theme,) = [t for t in _model("nev").themes if t.label == "换电模式"]
    assert theme.gist.startswith("（蔚来）2023年交付16.0万辆"), theme.gist
