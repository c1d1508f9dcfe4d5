"""Themes: the arguments made across the corpus, five to eight a reader could name.

Two sources of evidence are combined. The authors' own structure: numbered
points and the headings above them ("1、模式的升级", "为什么AI很火，落地却很难？");
sibling points that share a pattern become one theme ("模式、技术与产业的升级").
And term statistics: terms are scored by how much of each document they
occupy (so a short article counts as much as a long memo), weighted by a
general-language IDF so that ordinary words sink, and grouped into themes by
how often they share sentences.

What makes a theme an argument rather than a word count:

* A term counts where a sentence argues with it, not where it is one item of
  a list ("游戏、视频、金融、零售、电商等").
* A heading is its author's: a theme labelled by a heading counts its own
  document, and another document only where a sentence holds two of the
  heading's terms together.
* A section name that recurs (the same heading in two documents or twice in
  one: 国内股市, 实战级提示) or is made of framing words only is a rubric, not
  an argument; decorations (➊, 🎯, 第二篇：) never reach a label.
* A label names a concept: a contrast (消费互联网与产业互联网), a domain term,
  a phrase the authors use; an everyday noun on its own or paired with
  another (海外, 电商与金融) names nothing to argue about.
* The documents a theme lists, its mentions per document (the heatmap row),
  its source count and its quotes agree: all come from the same hits.
* Two themes resting on the same sentences, or with the same gist, are one.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from briefing.analysis.document import DocAnalysis, Sentence, title_cuts
from briefing.analysis.org_words import words as org_words
from briefing.analysis.quotable import MEMO_SUMMARY_RE, UNREAD, fitness, is_symbol, quote_marks, weak_gist
from briefing.analysis.statements import background, bare_subject
from briefing.excerpts import actor_stub, clip, leans_back, zh_punctuation
from briefing.gazetteer import gazetteer
from briefing.matching import WordSet
from briefing.model import Document, DocumentMentions, Quote, Theme, ThemeMatch
from briefing.nlp import (
    domain_words,
    en_tokens,
    glossary,
    is_abbreviation,
    is_theme_term,
    rarities,
    vocabulary_terms,
    word_heads,
    zh_cut,
)
from briefing.resources import data_lines, data_yaml
from briefing.script import CN_NUMERAL, HAN, is_han, to_simplified

MAX_THEMES = 8
"""Default upper bound: fewer, sharper themes beat many thin ones."""
MIN_THEMES = 5
"""Below this many arguments a theme with a weaker label may still be shown."""
_CURRENCY_RE = re.compile(r"新台币|人民币|美元|欧元|日元|港元|港币|英镑|韩元|亿元|万元")
"""Currency words: a label unit that holds one is the wording of a figure."""
ACROSS_SOURCES = 2
"""Sources that each state a theme's lead term once and so argue it together (反倾销 in a
mainland and a Taiwanese story): no mere mention, though each long document says it once."""
SAME_ARGUMENT = 0.5
"""Share of the smaller theme's sentences two themes must share to be one argument."""
SMALL_CORPUS = 150
"""Sentences (that argue some term) below which a folder is small: term clusters need closer company."""
FIT_SHARE = 0.25
"""Share of a theme's sentences its label's argument must be made in (one sentence
of ten saying 量产 does not make 量产 what the theme argues)."""
EVERYDAY_RARITY = 12.0
"""A two-character word more common than this (log inverse frequency in general
Chinese) is an everyday noun unless the domain dictionary knows it."""
log = logging.getLogger(__name__)

__all__ = [
    "MAX_THEMES",
    "clean_heading",
    "find_themes",
    "is_concept",
    "keep_labels",
    "point_statements",
    "zh_punctuation",
]


@dataclass
class _Candidate:
    label: str
    terms: list[str]
    origin: str
    home: set[int] = field(default_factory=set)
    """Documents whose authors stated the theme themselves."""
    anchors: list[str] = field(default_factory=list)
    """For a theme labelled by a heading: the heading's own terms; another
    document counts only where a sentence holds two of them."""
    hits: list[tuple[int, int]] = field(default_factory=list)
    ranked: list[tuple[float, int, int, str, int]] = field(default_factory=list)
    """Its quotable sentences, best first (see ``_ranked_sentences``)."""
    strength: float = 0.0
    kind: str = "keywords"
    """``points`` (an author's sibling points joined), ``heading``, ``title`` or ``keywords``."""
    heading: str = ""
    """For a heading or a title: its text, whose terms weigh more in the label."""
    options: list[str] = field(default_factory=list)
    """Labels it may take, best first (a stronger theme may have taken the first)."""
    section: tuple[int, int] | None = None
    """For a numbered section heading: the paragraphs its author argues it in
    (first, one past the last), all of which count for it."""
    per_doc: Counter[int] = field(default_factory=Counter)
    """Its sentences in each document (by index): the theme's heatmap row, made
    only for the themes chosen (a row per document for every candidate grows
    with candidates times documents)."""
    names: frozenset[str] = frozenset()
    """Organisations its heading names (友邦 of 友邦新业务价值增长): a case, never its label."""


# ------------------------------------------------------------------ headings


_DECORATION_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+(?:篇|部分|章|节|讲|条)[：:、.\s]*"
    r"|[（(]?(?:" + CN_NUMERAL + r"|\d+)[)）、.．:：]\s*"
    r"|[①-⑳❶-❿➀-➓]\s*[、.]?\s*)+"
)


def clean_heading(text: str) -> str:
    """A heading as a label: no emoji, circled numbers, "第二篇：" or "一、" prefixes,
    question words or closing punctuation ("➊ 基本面：不是见顶" → "基本面：不是见顶")."""
    text = re.sub("\\d\ufe0f?\u20e3", " ", text)  # keycap digits: 1️⃣
    text = "".join(
        " " if is_symbol(c) or "\u2460" <= c <= "\u24ff" or "\u2776" <= c <= "\u2793" else c for c in text
    )
    text = re.sub(r"\s+", " ", text).strip(" 、.．:：-—")
    text = _DECORATION_RE.sub("", text).strip()
    text = re.sub(r"^(?:为什么|为何|如何|怎样|怎么)", "", text)
    return text.rstrip("？?。.！!：: ").strip()


@functools.cache
def _rubric_words() -> tuple[str, ...]:
    words = {w for line in data_lines("rubric_words.txt") for w in line.split()}
    return tuple(sorted(words, key=len, reverse=True))


def is_rubric(label: str) -> bool:
    """A section name made of framing words ("实战级提示", "一句话总结", "结论"):
    what remains without them is too short to name an argument."""
    rest = label.lower()
    for word in _rubric_words():
        rest = rest.replace(word, "")
    han = sum(1 for c in rest if is_han(c))
    latin = len(re.findall(r"[A-Za-z]{2,}", rest))
    return han + 2 * latin <= 3


def _simplified_headings(doc: Document) -> list[str]:
    """The document's headings in Simplified script (headings are stored in the
    original script); paragraph offsets summed once, not once per heading."""
    if doc.text_simplified is None:
        return [h.text for h in doc.headings]
    paragraphs = doc.paragraphs()
    starts = list(itertools.accumulate((len(p) + 2 for p in paragraphs), initial=0))
    out = []
    for h in doc.headings:
        offset = paragraphs[h.paragraph].find(h.text)
        if offset < 0:
            out.append(h.text)
            continue
        start = starts[h.paragraph] + offset
        out.append(doc.text_simplified[start : start + len(h.text)])
    return out


def _point_groups(doc: Document) -> list[tuple[str | None, list[str], int]]:
    """Runs of an author's numbered points (1, 2, 3 …) in one document, as
    Simplified headings, each with the nearest section heading above it and
    the paragraph of its first point."""
    groups: list[tuple[str | None, list[str], int]] = []
    current: list[str] = []
    parent: str | None = None
    current_parent: str | None = None
    first = 0
    last = 0
    simplified = _simplified_headings(doc)
    for i, h in enumerate(doc.headings):
        if h.number is None:
            if len(current) >= 2:
                groups.append((current_parent, current, first))
            current, last = [], 0
            parent = simplified[i]
            continue
        if h.number == 1 or h.number != last + 1:
            if len(current) >= 2:
                groups.append((current_parent, current, first))
            current = []
            current_parent = parent
            first = h.paragraph
        current.append(simplified[i])
        last = h.number
    if len(current) >= 2:
        groups.append((current_parent, current, first))
    return groups


def _affix_label(items: list[str]) -> tuple[str, str, str, list[str]] | None:
    """ "模式的升级", "技术的升级", "产业的升级" → ("模式、技术与产业的升级", prefix, suffix, varying parts)."""
    if not all(any(is_han(c) for c in i) for i in items):
        return None
    prefix = items[0]
    for item in items[1:]:
        while not item.startswith(prefix):
            prefix = prefix[:-1]
    suffix = items[0]
    for item in items[1:]:
        while not item.endswith(suffix):
            suffix = suffix[1:]
    shortest = min(len(i) for i in items)
    if len(prefix) + len(suffix) >= shortest or len(prefix) + len(suffix) < 2:
        return None
    varying = [i[len(prefix) : len(i) - len(suffix)] for i in items]
    if any(not v or len(v) > 6 for v in varying):
        return None
    joined = "、".join(varying[:-1]) + "与" + varying[-1]
    label = (prefix + joined + suffix).strip("，,：: ")
    return label, prefix, suffix, varying


def _terms(text: str, vocabulary: set[str]) -> list[str]:
    """Theme terms of a short Simplified text (a heading), from the corpus' own terms."""
    return [t for t in vocabulary_terms(text, vocabulary) if t in vocabulary]


def _recurring_headings(docs: list[Document]) -> set[str]:
    """Section names used in two documents or twice in one: rubrics, not arguments."""
    seen: Counter[str] = Counter()
    for doc in docs:
        for h, text in zip(doc.headings, _simplified_headings(doc), strict=True):
            if h.number is None:
                seen[clean_heading(text)] += 1
    return {label for label, n in seen.items() if n >= 2 and label}


def point_statements(docs: list[Document]) -> list[tuple[int, str, int, list[str]]]:
    """The authors' sibling points that share a pattern, joined into one statement:
    ``(document index, statement, paragraph of the first point, varying parts)``
    ("产业互联网不是流量战争，而是产业、技术与模式革命")."""
    out = []
    for d_index, doc in enumerate(docs):
        for _, group, paragraph in _point_groups(doc):
            found = _affix_label(group)
            if found:
                label, _, _, varying = found
                out.append((d_index, zh_punctuation(clean_heading(label)), paragraph, varying))
    return out


def _sections(doc: Document, numbered: bool = True) -> dict[str, tuple[int, int]]:
    """Each numbered heading (Simplified; with ``numbered`` false, each unnumbered
    one) with the paragraphs of its section: from the heading to the next heading
    of the document (the last one: see below)."""
    simplified = _simplified_headings(doc)
    out: dict[str, tuple[int, int]] = {}
    longest = 0
    for i, h in enumerate(doc.headings):
        if (h.number is None) == numbered:
            continue
        if i + 1 < len(doc.headings):
            end = doc.headings[i + 1].paragraph
            longest = max(longest, end - h.paragraph)
        else:
            # the last section runs no longer than its longest sibling: what follows
            # it unheaded is the article's own close (对台湾供应链而言…)
            end = _closing(doc, h.paragraph)
            if longest:
                end = min(end, h.paragraph + longest)
        out.setdefault(simplified[i], (h.paragraph, end))
    return out


@functools.cache
def _closers() -> tuple[str, ...]:
    return tuple(line.strip().lower() for line in data_lines("section_closers.txt"))


def _closing(doc: Document, start: int) -> int:
    """Where the last section ends: at a paragraph that sums up the whole text
    ("整体而言，…", "In sum, …"), else at the end of the document."""
    for p, text in enumerate(doc.paragraphs()):
        if p > start and to_simplified(text.strip()[:16]).lower().startswith(_closers()):
            return p
    return 1 << 30


def _section_candidates(
    doc: Document,
    d_index: int,
    group: list[str],
    topic: set[str],
    vocabulary: set[str],
    rubrics: set[str],
    numbered: bool = True,
    sections: dict[str, tuple[int, int]] | None = None,
) -> list[_Candidate]:
    """An author's numbered sections that share no pattern and stand under no
    heading ("一、价格下降，但市场并未萎缩", "二、国产替代明显加速", "三、创新成为唯一
    出路"): each is one of the author's arguments, made in its own section. What
    stands before a colon ("药明生物：地缘政治阴影") is the case the section tells,
    not the argument, unless it argues itself ("技术路线之争：…")."""
    decorated = sections is not None
    if sections is None:
        sections = _sections(doc, numbered)
    out = []
    for item in group:
        label = clean_heading(item)
        prefix, colon, rest = label.replace(":", "：").partition("：")
        # the part before a colon is the section's case (药明生物, 下一代电池) unless it
        # is itself the argument (技术路线之争：TOPCon与BC电池)
        argued = label if not colon or is_argument(prefix) else rest.strip()
        if not any(is_han(c) for c in argued) or len(argued) < 4 or len(label) > 24:
            continue
        if label in rubrics or is_rubric(argued) or item not in sections:
            continue
        terms = [t for t in _terms(argued, vocabulary) if t not in topic]
        if decorated:
            # an emoji-numbered heading argues in words of change ("但兑现很慢"): its
            # sentences say them (兑现节奏极慢), where the corpus' vocabulary has none
            words = _argument_set().found_in(argued)
            terms += [
                w for w in sorted(words, key=argued.find) if len(w) >= 2 and w not in terms and w not in topic
            ]
        if not terms:
            continue
        out.append(
            _Candidate(
                label=argued,
                terms=terms[:6],
                origin="author",
                home={d_index},
                anchors=terms[:4],
                kind="heading",
                heading=argued,
                section=sections[item],
            )
        )
    return out


_DECORATED_NUMBER_RE = re.compile(
    "^\\s*(?:(?P<key>[1-9])\ufe0f?\u20e3|(?P<dingbat>[\u2776-\u277e\u2780-\u2788\u278a-\u2792]))"
)
"""Keycap digits (1️⃣) and dingbat circled numbers (➊, ❶, ➀) opening a heading."""


def _decorated_number(text: str) -> int | None:
    m = _DECORATED_NUMBER_RE.match(text)
    if not m:
        return None
    if m.group("key"):
        return int(m.group("key"))
    c = ord(m.group("dingbat"))
    for first in (0x2776, 0x2780, 0x278A):
        if first <= c <= first + 8:
            return c - first + 1
    return None


def _decorated_series(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    """Headings (Simplified) numbered 1, 2, 3 … in emoji or dingbats that the reader
    left unnumbered, in one run however many sub-headings stand between them; the
    longest such run of two or more, else nothing. Each with its section: up to the
    next heading of the run, the last up to the next heading no deeper than the run's.
    A run whose headings hold numbered points of their own is left to those points
    (➊ 基本面：… over 1. 2. 3.)."""
    simplified = _simplified_headings(doc)
    runs: list[list[int]] = []
    for i, h in enumerate(doc.headings):
        n = _decorated_number(h.text) if h.number is None else None
        if n is None:
            continue
        if n == 1 or not runs or len(runs[-1]) != n - 1:
            runs.append([])
        if len(runs[-1]) == n - 1:
            runs[-1].append(i)
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return []
    best = max(runs, key=len)
    parents = {p for p, _, _ in _point_groups(doc) if p}
    if any(simplified[i] in parents for i in best):
        return []
    top = min(doc.headings[i].level for i in best)
    last = best[-1]
    after = [h.paragraph for h in doc.headings[last + 1 :] if h.level <= top]
    ends = [doc.headings[i].paragraph for i in best[1:]] + [
        after[0] if after else _closing(doc, doc.headings[last].paragraph)
    ]
    return [(simplified[i], (doc.headings[i].paragraph, end)) for i, end in zip(best, ends, strict=True)]


def _author_candidates(docs: list[Document], topic: set[str], vocabulary: set[str]) -> list[_Candidate]:
    """Themes from the authors' own lists of points."""
    candidates = []
    rubrics = _recurring_headings(docs)
    known = vocabulary | set(domain_words())
    for d_index, doc in enumerate(docs):
        if doc.kind != "memo" and doc.headings and all(h.number is None for h in doc.headings):
            # An article's subheads, unnumbered ("产量七连降，收入仍在增长", "次高端承压，
            # 茅台找新增长点"), are its author's arguments as numbered sections are.
            subheads = [
                t for h, t in zip(doc.headings, _simplified_headings(doc), strict=True) if h.paragraph > 0
            ]
            if len(subheads) >= 2:
                candidates += _section_candidates(
                    doc, d_index, subheads, topic, vocabulary, rubrics, numbered=False
                )
        series = _decorated_series(doc)
        if series:
            # "1️⃣ 基本面：确定性很强，但兑现很慢 … 5️⃣ 时间：非常早，但周期会很长": numbered
            # in emoji, with sub-headings between them, they are the author's sections too
            candidates += _section_candidates(
                doc, d_index, [t for t, _ in series], topic, vocabulary, rubrics, sections=dict(series)
            )
        for parent, group, _ in _point_groups(doc):
            found = _affix_label(group)
            kind = "points" if found else "heading"
            if not found and parent is None:
                candidates += _section_candidates(doc, d_index, group, topic, vocabulary, rubrics)
                continue
            if found:
                label, prefix, suffix, varying = found
                cores = [t for t in _terms(prefix + " " + suffix.lstrip("的"), vocabulary) if t not in topic]
                heads = list(dict.fromkeys([*cores, suffix.lstrip("的")]))
                compounds = [v + c for v in varying for c in heads if len(c) >= 2 and v + c in known]
                terms = [
                    *compounds,
                    *cores,
                    *[v for v in varying if v in vocabulary and v not in topic],
                ]
                anchors = [*compounds, *cores]
            elif parent and any(is_han(c) for c in parent):
                label = clean_heading(parent)
                if label in rubrics or is_rubric(label) or len(label) > 24:
                    log.debug("heading %r is a rubric, not a theme", parent)
                    continue
                terms = _terms(parent, vocabulary)
                anchors = [t for t in terms if t not in topic]
                for item in group:
                    terms.extend(t for t in _terms(item, vocabulary) if t not in terms)
            else:
                continue
            label = clean_heading(label)
            terms = [t for t in dict.fromkeys(terms) if t not in topic]
            if terms and label:
                candidates.append(
                    _Candidate(
                        label=label,
                        terms=terms[:6],
                        origin="author",
                        home={d_index},
                        anchors=[t for t in dict.fromkeys(anchors) if t not in topic][:4],
                        kind=kind,
                        heading=label,
                    )
                )
    return candidates


_SERIES_RE = re.compile(r"^[^：:]{2,12}(?:周刊|周报|日报|早报|晚报|月刊|简报|快讯|专栏|早餐|观察)[：:]\s*")
_SITE_SUFFIX_RE = re.compile(
    r"\s*(?:[-_|｜—–]+\s*)?[【\[][^】\]]*[】\]]\s*$|\s+[-_|｜—–]\s+[^-_|｜—–]{1,20}$"
)
_ISSUE_RE = re.compile(r"[（(][^）)]*\d[^）)]*[）)]")


def _headline(title: str) -> str:
    """A title as a label: without the site's name or an issue number."""
    title = _SITE_SUFFIX_RE.sub("", title.strip())
    title = _ISSUE_RE.sub("", title)
    return clean_heading(_SERIES_RE.sub("", clean_heading(title)))


def _title_candidates(
    docs: list[Document], topic: set[str], vocabulary: set[str], authors: list[_Candidate]
) -> list[_Candidate]:
    """A Chinese article's headline is its author's argument ("比亚迪如何赶超特斯拉"),
    counted for its own document; titles that recur without their dates
    (陆家嘴财经早餐…) are a series' rubric."""

    stems: Counter[str] = Counter()
    labels: dict[int, str] = {}
    for d_index, doc in enumerate(docs):
        if doc.kind == "memo" or doc.language == "en" or not doc.title:
            continue
        label = _headline(to_simplified(doc.title))
        labels[d_index] = label
        stems[re.sub(r"[\d年月日号期星期一二三四五六日天]+", "", label)] += 1
    # (a section is one argument of the document, not what its headline says of all)
    stated = {d for c in authors if not c.section for d in c.home}
    out = []
    for d_index, label in labels.items():
        if stems[re.sub(r"[\d年月日号期星期一二三四五六日天]+", "", label)] >= 2:
            continue
        if not 6 <= len(label) <= 24 or is_rubric(label) or d_index in stated:
            continue  # a document whose author lists points is labelled by them
        terms = [t for t in _terms(label, vocabulary) if t not in topic]
        if terms:
            out.append(
                _Candidate(
                    label=label,
                    terms=terms[:6],
                    origin="author",
                    home={d_index},
                    anchors=terms[:4],
                    kind="title",
                    heading=label,
                )
            )
    return out


# -------------------------------------------------------------------- labels


@functools.cache
def _measure_words() -> frozenset[str]:
    """What figures measure (净利润, 市场份额, 销量): numbers, not arguments."""
    raw = data_yaml("measures.yaml") or {}
    return frozenset({str(k) for k in raw} | {str(v[0]) for v in raw.values()})


_AMOUNT_END_RE = re.compile(r"(?:申请量|业务量|销量|产量|销售额|零售额|总额|金额|数量|规模)$")
_TIME_UNIT_RE = re.compile(r"第?[一二三四]?(?:季度|单季|季|年度|月份|半年|上半年|下半年|全年|同期)")


def is_concept(term: str, rarity: float) -> bool:
    """A term that names something to argue about: a domain term, a compound
    (three or more characters), a Latin acronym (CPO, SaaS), or a rare word;
    not an everyday noun (海外, 业绩, 金融) and not a measure (净利润, 市场份额)."""
    if term in _measure_words() or _TIME_UNIT_RE.fullmatch(term):
        return False  # (季度 of "DRAM合约价四季度再涨" is when, not what)
    if term in domain_words() or re.search(r"[A-Za-z]", term):
        return True
    han = sum(1 for c in term if is_han(c))
    return rarity >= EVERYDAY_RARITY or (han >= 3 and rarity >= EVERYDAY_RARITY - 1.5)


def _contrast_partner(term: str, others: list[str], linked: Callable[[str, str], bool]) -> str | None:
    """A term that names the other side of the same thing: 消费互联网/产业互联网,
    B端/C端, 虚拟经济/实体经济, 去中心化/去平台化: same length, one contiguous
    part differs, and the two are discussed together. Two-character words
    differing in one Han character (生产/量产) are not sides of one thing."""
    for other in others:
        if other == term or len(other) != len(term) or not linked(term, other):
            continue
        diff = [i for i, (a, b) in enumerate(zip(term, other, strict=True)) if a != b]
        if not diff or diff[-1] - diff[0] + 1 != len(diff):
            continue
        shared = len(term) - len(diff)
        if shared >= 2 or (len(term) == 2 and shared == 1 and all(term[i].isascii() for i in diff)):
            return other
    return None


# ------------------------------------------------------------------- counting


def _listed(term: str, text: str) -> bool:
    """Every occurrence of ``term`` in ``text`` is one item of a list of three or
    more ("游戏、视频、金融、零售、电商等"): a mention, not an argument."""
    # str.find, not a regex per term: thousands of terms would each be compiled
    # (the re module's cache holds 512), the largest cost of find_themes.
    return _listed_at(term, text, text.find(term) if term else -1)


_CLAUSE_MARK_RE = re.compile(r"[，,；;：:。]")
_LAST_CLAUSE_MARK_RE = re.compile(r".*[，,；;：:。]", re.DOTALL)
_LIST_BEFORE = frozenset("、和与及")
_LIST_AFTER = frozenset("、等和与及")


def _listed_at(term: str, text: str, start: int) -> bool:
    """:func:`_listed`, given where ``term`` first occurs in ``text`` (-1: nowhere).
    Most terms of a sentence are no list item: its first occurrence, without a list
    mark beside it, says so without another call."""
    if start == -1 or not term:
        return False
    if (
        text[start - 1 : start] not in _LIST_BEFORE
        and text[start + len(term) : start + len(term) + 1] not in _LIST_AFTER
    ):
        return False
    found = False
    while start != -1:
        found = True
        end = start + len(term)
        before = text[start - 1 : start]
        after = text[end : end + 1]
        if not (before in ("、", "和", "与", "及") or after in ("、", "等", "和", "与", "及")):
            return False
        # the clause around it: after the last mark before it, up to the first after it
        before_mark = _LAST_CLAUSE_MARK_RE.match(text, 0, start)
        after_mark = _CLAUSE_MARK_RE.search(text, end)
        left = before_mark.end() if before_mark else 0
        if text.count("、", left, after_mark.start() if after_mark else len(text)) < 2:
            return False
        start = text.find(term, end)
    return found


_NO_NAMES: frozenset[str] = frozenset()


@functools.cache
def concept_variants() -> dict[str, str]:
    """Word → the theme term it argues under (海外 → 出海; concept_variants.yaml), and a
    regional word → the mainland's (伺服器 → 服务器: :func:`regional_words`)."""
    out = dict(_listed_variants())
    for word, term in regional_words().items():
        out.setdefault(word, term)
    return out


@functools.cache
def _listed_variants() -> dict[str, str]:
    """concept_variants.yaml: word → the theme term it argues under."""
    raw = data_yaml("concept_variants.yaml") or {}
    if not isinstance(raw, dict):
        raise ValueError("concept_variants.yaml: expected a mapping of term → list of words")
    out: dict[str, str] = {}
    for term, words in raw.items():
        if not isinstance(words, list):
            raise ValueError(f"concept_variants.yaml: {term!r} needs a list of words")
        for word in words:
            out.setdefault(str(word), str(term))
    return out


@functools.cache
def regional_words() -> dict[str, str]:
    """A Taiwanese or Hong Kong word → the mainland's (伺服器 → 服务器; regional_variants.yaml),
    where both are words of two characters or more: what the analysis counts it as."""
    from briefing.excerpts import regional_variants

    return {r: m for r, m in regional_variants() if len(r) >= 2 and len(m) >= 2}


@functools.lru_cache(maxsize=4096)
def _variants_of(term: str) -> tuple[str, ...]:
    """The words concept_variants.yaml files under ``term`` (出境旅游 under 出境游)."""
    return tuple(w for w, key in concept_variants().items() if key == term)


@functools.cache
def _variant_words() -> frozenset[str]:
    return frozenset(concept_variants())


@functools.cache
def _variant_phrases() -> dict[str, tuple[tuple[str, str], ...]]:
    """Listed words of four characters or more, which the segmenter cuts in pieces
    (高端市场: 高端 + 市场), by their first two characters: a sentence that holds that
    token and writes the phrase argues the phrase's term (no dictionary word of its own:
    it would count twice)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for word, term in _listed_variants().items():
        if len(word) >= 4 and is_han(word[0]):
            out[word[:2]].append((word, term))
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _spellings(term: str) -> tuple[str, ...]:
    """The term and the words that argue it under another name (出海, 海外)."""
    return (term, *sorted(w for w, t in concept_variants().items() if t == term))


def _argued_tokens(doc: Document, s: Sentence, names: AbstractSet[str]) -> tuple[str, ...]:
    """The sentence's terms (each once, in order), without those it only lists and
    without the pieces of the organisations it names ("银行" of 恒生银行 says
    nothing about banks).

    A tuple, not a set: the corpus keeps one per sentence, and a tuple takes a
    quarter of a set's memory (a 50 MB file has a million sentences)."""
    # Most sentences name no organisation: their tokens are kept without a test each.
    tokens = dict.fromkeys(s.tokens)
    if names:
        # One substring test in the names joined, not one per name (no token holds "\0").
        joined = "\0".join(names)
        tokens = {t: None for t in tokens if t in names or t not in joined}
    if doc.language != "en" and "、" in doc.analysis_text[s.start : s.end]:
        text = doc.analysis_text[s.start : s.end]
        kept: dict[str, None] = {}
        for t in tokens:
            # inline, the test that clears most tokens: no list mark beside the first occurrence
            at = text.find(t)
            if (
                at == -1
                or (
                    text[at - 1 : at] not in _LIST_BEFORE
                    and text[at + len(t) : at + len(t) + 1] not in _LIST_AFTER
                )
                or not _listed_at(t, text, at)
            ):
                kept[t] = None
        tokens = kept
    # A word that argues a theme term under another name (海外 for 出海) counts as it;
    # one set test per sentence, most sentences hold none.
    if not _variant_words().isdisjoint(tokens):
        variants, regional = concept_variants(), regional_words()
        # a regional word is the mainland's (伺服器 counts as 服务器, once)
        tokens = {regional.get(t, t): None for t in tokens}
        tokens.update((variants[t], None) for t in list(tokens) if t in variants)
    phrases = _variant_phrases()
    if not phrases.keys().isdisjoint(tokens):
        # …and a phrase cut in pieces (高阶市场 for 高端化), where the sentence writes it
        text = doc.analysis_text[s.start : s.end]
        for first in [t for t in tokens if t in phrases]:
            for word, term in phrases[first]:
                if word in text and term not in tokens:
                    tokens[term] = None
    return tuple(tokens)


# ---------------------------------------------------------------------- themes

_COMPOUND_HEADS = frozenset({"n", "nz", "vn", "an", "ns", "x", "v", "a", "b"})
_COMPOUND_TAILS = frozenset({"n", "nz", "vn"})
_ORDINAL_RE = re.compile(r"^第[一二三四五六七八九十]$")
_COMPOUND_RARITY = EVERYDAY_RARITY
"""A compound of the authors' own is no everyday word (its pieces may be)."""


def _compounds(
    docs: list[Document],
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
    names_at: list[list[AbstractSet[str]]],
) -> dict[str, set[tuple[int, int]]]:
    """Two-word noun phrases the authors write in two sentences or more where the
    segmenter sees two words (加盟模式, 零售业务, 第三空间, 下沉市场), with the
    sentences that argue them: a concept the pieces alone do not name. Not a
    measure (门店总数), not a piece of an organisation's name (星巴克中国计划), not
    one item of a list, not led by a generic word (中国计划) or a number, not
    mostly the scope of a figure (汽车业务毛利率)."""
    from briefing.nlp import generic_words, stopwords

    generic, stop, measures = generic_words(), stopwords(), _measure_words()
    found: dict[str, set[tuple[int, int]]] = defaultdict(set)
    pairs: dict[tuple[str, str], str | None] = {}
    scoped: Counter[str] = Counter()
    for d, sentences in enumerate(usable):
        if docs[d].language == "en":
            continue
        for s, sent in enumerate(sentences):
            text = docs[d].analysis_text[sent.start : sent.end]
            names = [n for n in names_at[d][s] if len(n) >= 2]
            # The sentence's tokens as cut (function words dropped, so two tokens are
            # one phrase only where the text writes them together); an ordinal the
            # stop list drops is read back from the text (第三空间).
            words = sent.tokens
            ordinals = "第" in text  # most sentences hold none: no search for one before each word
            for i, b in enumerate(words):
                # (the lengths _compound_of asks for, before a pair is made: most words fail)
                if not 2 <= len(b) <= 4:
                    continue
                heads = [words[i - 1]] if i else []
                if ordinals:
                    at = text.find(b)
                    if at >= 2 and _ORDINAL_RE.match(text[at - 2 : at]):
                        heads.append(text[at - 2 : at])
                for a in heads:
                    if len(a) < 2 or len(a) + len(b) > 6:
                        continue
                    # The tests of the two words alone, once per pair (a long file repeats them).
                    phrase = pairs.get((a, b), _UNSEEN)
                    if phrase is _UNSEEN:
                        phrase = pairs[(a, b)] = _compound_of(a, b, generic, stop, measures)
                    if phrase is None or phrase not in text:
                        continue
                    if any(_overlaps(text, phrase, n) for n in names) or _listed(phrase, text):
                        continue
                    found[phrase].add((d, s))
                    after = words[i + 1] if i + 1 < len(words) else ""
                    if after in measures and phrase + after in text:
                        scoped[phrase] += 1  # 汽车业务毛利率: the scope of a figure
    out = {
        p: places for p, places in sorted(found.items()) if len(places) >= 2 and scoped[p] * 2 < len(places)
    }
    log.debug("compounds: %s", {p: len(v) for p, v in out.items()})
    return out


def _compound_of(
    a: str, b: str, generic: AbstractSet[str], stop: AbstractSet[str], measures: AbstractSet[str]
) -> str | None:
    """``a + b`` when the two words, whatever the sentence, may make a compound."""
    from briefing.nlp import pos_tag

    phrase = a + b
    if len(a) < 2 or len(b) < 2 or len(phrase) > 6:
        return None
    if not _HAN_ONLY.fullmatch(phrase) or b in stop or phrase in measures:
        return None
    if a in generic and not (is_argument(b) and pos_tag(a) == pos_tag(b) == "n"):
        return None  # 中国计划, 实现商业化; but a generic noun's strategy is one (技术路线)
    if a in stop and not _ORDINAL_RE.match(a):
        return None
    if pos_tag(b) not in _COMPOUND_TAILS or not (pos_tag(a) in _COMPOUND_HEADS or _ORDINAL_RE.match(a)):
        return None
    return phrase


def _overlaps(text: str, phrase: str, name: str) -> bool:
    """The phrase, where the text writes it, shares characters with the name there."""
    at = text.find(phrase)
    while at >= 0:
        n = text.find(name, max(0, at - len(name) + 1))
        if 0 <= n < at + len(phrase):
            return True
        at = text.find(phrase, at + 1)
    return False


def find_themes(
    docs: list[Document],
    analyses: list[DocAnalysis],
    *,
    max_themes: int = MAX_THEMES,
    spares: dict[str, list[Quote]] | None = None,
    referents: dict[str, tuple[str, str]] | None = None,
) -> tuple[list[Theme], str | None]:
    """Themes across the corpus, strongest first (at most ``max_themes``), and the
    corpus' subject (the term every document is about, which frames the themes
    rather than being one). ``spares``, when given, receives for each theme's label
    the sentences that could state it instead of its gist (see :func:`gists_apart`);
    ``referents``, for each of those sentences and each gist that opens with a pointer
    back to an organisation (公司, 该公司, 其), the pointer and the organisation the
    document's reading resolved it to (see :func:`with_referent`)."""
    org_names = _org_names(analyses)
    rarity: dict[str, float] = {}
    for a in analyses:
        rarity.update(a.theme_terms)
    if any(d.language != "en" for d in docs):
        # A glossary concept only an English sentence makes a term (overcapacity → 产能过剩,
        # see is_theme_term) names themes where the folder is English; beside Chinese
        # sources their own words name them, and the English ones join through the glossary.
        chinese = {
            t for d, a in zip(docs, analyses, strict=True) if d.language != "en" for t in a.theme_terms
        }
        rarity = {t: r for t, r in rarity.items() if t in chinese or is_theme_term(t)}
    # The terms a variant argues under (出海 for 海外) count even where no source writes them
    # (not a regional word's: 芯片 is a term where a source writes it).
    variant_terms = tuple(sorted(set(_listed_variants().values())))
    missing = [t for t in variant_terms if t not in rarity and is_theme_term(t)]
    if missing:
        known = rarities(variant_terms)
        rarity.update((t, known[t]) for t in missing)
    vocabulary = set(rarity)
    # Garbled text, framing lines ("研究范围：…") and placeholders argue nothing.
    usable: list[list[Sentence]] = [
        [s for s in a.sentences if s.quotable] or list(a.sentences) for a in analyses
    ]
    named: dict[tuple[int, int], set[str]] = defaultdict(set)
    for d, a in enumerate(analyses):
        for m in a.mentions:
            named[(d, m.sentence)].update((m.name, m.surface))
    argued: list[list[tuple[str, ...]]] = []
    names_at: list[list[AbstractSet[str]]] = []
    for d, a in enumerate(analyses):
        every = len(usable[d]) == len(a.sentences)  # as ``usable``: the quotable ones, else all
        names_at.append(
            [named.get((d, i), _NO_NAMES) for i, s in enumerate(a.sentences) if every or s.quotable]
        )
        argued.append(
            [_argued_tokens(docs[d], s, names) for s, names in zip(usable[d], names_at[d], strict=True)]
        )
    in_names = _inside_names(usable, names_at)
    # The authors' own compounds (加盟模式, 零售业务, 第三空间) that the segmenter cuts
    # into everyday words: terms of their own where they recur.
    coined = _compounds(docs, usable, argued, names_at)
    # The subject is read from the titles in the documents' own words: a compound
    # (晶圆代工) would hide the word it is made of (代工), which the titles share.
    words_rarity = dict(rarity)
    for compound, places in coined.items():
        rarity[compound] = max(rarity.get(compound, 0.0), _COMPOUND_RARITY)
        vocabulary.add(compound)
        for d, s in places:
            if compound not in argued[d][s]:
                argued[d][s] += (compound,)
    # An English sentence writes a Chinese term in two glossary words, in either order
    # ("a subsidy war in the food delivery market": 补贴 + 外卖 for 外卖补贴).
    for d, doc in enumerate(docs):
        if doc.language != "en":
            continue
        for s, tokens in enumerate(argued[d]):
            han = [t for t in tokens if t and is_han(t[0])]
            if len(han) >= 2:
                joined = {a + b for a in han for b in han if a != b} & vocabulary
                argued[d][s] += tuple(sorted(joined - set(tokens)))

    share: list[Counter[str]] = []
    for sentences in argued:
        counts: Counter[str] = Counter()
        for tokens in sentences:
            for t in tokens:
                if t in vocabulary and t not in org_names:
                    counts[t] += 1
        n = max(len(sentences), 1)
        share.append(Counter({t: c / n for t, c in counts.items()}))

    # Terms the authors put in their own headings and points weigh more.
    heading_terms: Counter[str] = Counter()
    for a in analyses:
        for s in a.sentences:
            if s.heading:
                for t in set(s.tokens):
                    heading_terms[t] += 1

    df = Counter(t for c in share for t in c)
    n_docs = len(docs)
    spreads: dict[str, float] = defaultdict(float)
    for c in share:
        for t, v in c.items():
            spreads[t] += math.sqrt(v)
    scores: dict[str, float] = {}
    for term, d in df.items():
        boost = 1.0 + 0.5 * min(heading_terms[term], 2)
        single = 1.0 if d >= 2 or n_docs == 1 else 0.7
        scores[term] = spreads[term] * math.log(1 + rarity.get(term, 14.0)) * boost * single

    # The corpus subject (in every document, densest of all) frames every theme
    # rather than being one: it is kept as a secondary term only. A measure every
    # source quotes (首付款 of each deal, 营收) is what they count, and an argument
    # every source makes (价格战) what they argue: neither is their subject.
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    measures, arguments = _measure_words(), _argument_words_set()
    topic = {
        t
        for t in ranked[:3]
        if n_docs >= 3
        and df[t] >= math.ceil(0.8 * n_docs)
        and sum(c[t] for c in share) / n_docs > 0.25
        and t not in measures
        and t not in arguments
    }
    # What the authors name their subject in their titles (新能源汽车, 咖啡) frames the
    # themes rather than the densest word of their text (电池, 门店), which is then
    # what they argue about: a theme of its own.
    named = title_subject(docs, analyses, words_rarity) if n_docs >= 3 else None
    if named:
        topic = {t for t in df if t == named or (len(t) >= 2 and t in named)} or {named}
        # …in any region's word for it (AI伺服器 of AI服务器: concept_variants.yaml)
        topic |= {w for w, key in concept_variants().items() if key in topic}

    term_sentences: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for d_index, sentences in enumerate(argued):
        for s_index, tokens in enumerate(sentences):
            place = (d_index, s_index)  # one tuple per sentence, shared by its terms' sets
            for t in tokens:
                term_sentences[t].add(place)

    # Pieces the folder reads mostly inside organisations' names (电源 of 阳光电源):
    # inside a name in at least as many sentences as argued on their own.
    fragments = frozenset(t for t, n in in_names.items() if n >= len(term_sentences.get(t, ())))
    candidates = _author_candidates(docs, topic, vocabulary)
    candidates += _title_candidates(docs, topic, vocabulary, candidates)
    # A memo's summary line ("主要发现：…") restates all its findings in one sentence:
    # words it holds together are not argued together.
    summaries = {
        (d, s)
        for d, sentences in enumerate(usable)
        for s, sent in enumerate(sentences)
        if docs[d].kind == "memo" and MEMO_SUMMARY_RE.match(docs[d].analysis_text[sent.start : sent.end])
    }
    # (a term's set is shared unless a summary line holds it: a big file has millions of places)
    linking = {
        t: found - summaries if summaries and not found.isdisjoint(summaries) else found
        for t, found in term_sentences.items()
    }
    candidates += _keyword_candidates(ranked, topic, scores, rarity, linking)
    candidates = _fold(candidates, term_sentences)
    for cand in candidates:
        # a company is a case, not a theme term (信达 of 信达生物 in a headline's words)
        cand.terms = [t for t in cand.terms if t not in org_names] or cand.terms
        cand.anchors = [t for t in cand.anchors if t not in org_names] or cand.anchors
        # nor is a piece the folder mostly reads inside an organisation's name (电源 of 阳光电源)
        if cand.label not in fragments:
            cand.terms = [t for t in cand.terms if t not in fragments] or cand.terms
        if cand.heading:
            # (the heading's pieces looked up in the names, not every name in the heading:
            # a folder knows thousands of names, a heading is a line)
            heading = to_simplified(cand.heading)
            cand.names = (
                frozenset(
                    heading[i:j]
                    for i in range(len(heading))
                    for j in range(i + 2, min(i + 12, len(heading)) + 1)
                )
                & org_names
            )

    candidates = _unique(candidates)
    log.debug("candidates: %s", [(c.label, c.kind, c.terms) for c in candidates])
    themes: list[tuple[_Candidate, Theme]] = []
    quotables: dict[
        tuple[int, int], tuple[float, ...] | None
    ] = {}  # a sentence's fitness as a quote, once per sentence
    sentence_units: dict[tuple[int, int], tuple[str, ...]] = {}  # a sentence's label units, once
    for cand in candidates:
        theme = _theme(
            cand, docs, usable, argued, term_sentences, rarity, topic, quotables, max_themes, sentence_units
        )
        if theme is not None:
            themes.append((cand, theme))
    themes.sort(key=lambda ct: (-ct[1].strength, ct[1].label))
    # Each theme speaks with its own sentences: its gist is none a stronger theme
    # used (a theme with nothing of its own to say is that other theme).
    # A theme's gist is its own: first each theme (strongest first) takes a gist no
    # stronger one took, then quotes come from sentences no theme states as its gist.
    gists: dict[str, int] = {}
    kept: list[tuple[_Candidate, Theme]] = []
    # A theme is argued in two sentences at least (as the method note says). One whose
    # concept, and the change its label names, fewer sentences state (an author's
    # heading over a section that argues something else) comes after every theme argued
    # more often: it takes neither the place nor the sentences of one (固态与钠离子 over
    # 磷酸铁锂路线, whose section they share), and is shown only where the sources argue
    # fewer than MIN_THEMES others (healthcare's 地缘政治: no other sentence says it).
    argued_enough: list[tuple[_Candidate, Theme]] = []
    thin: list[tuple[_Candidate, Theme]] = []
    stating: dict[int, int] = {}  # per theme, the sentences that state its label
    for cand, theme in themes:
        n = stating[id(theme)] = _argued_in(cand, theme, usable, argued)
        concept = _changed_concept(theme)
        if n < MIN_ARGUED and concept and _argued_in(cand, theme, usable, argued, concept) >= MIN_ARGUED:
            # a change one sentence states (亏损收窄) of a concept several argue: the concept
            log.debug("theme %s: the change is said once, the theme is %s", theme.label, concept)
            theme.label = cand.label = concept
            n = stating[id(theme)] = _argued_in(cand, theme, usable, argued)
        if n >= MIN_ARGUED:
            argued_enough.append((cand, theme))
        else:
            log.debug("theme %s: argued in %d sentence(s), after the others", theme.label, n)
            thin.append((cand, theme))
    themes = argued_enough + thin
    few = {id(t) for _, t in thin}
    distinct = _distinct(themes, stating)
    # The sentences each theme could state itself with (its best two): a stronger
    # theme leaves another's to it where it has one as good of its own.
    needed: Counter[str] = Counter(t for c, _ in distinct for t in _best_texts(c.ranked, 2))
    if referents is None:
        referents = {}
    indexes: dict[int, _SentenceIndex] = {}  # per document, where a gist may need it

    def unresolved(r: tuple[float, int, int, str, int]) -> bool:
        """The sentence opens with a pointer back to an organisation its document's
        reading did not resolve (公司… with no company before it), or whose figures
        belong to organisations told before it that it does not name (see
        :func:`implied_owner`); else its referent, if it has one, is kept for the gist
        or quote that may show it ("2023年交付16.0万辆…" under "### 蔚来（NIO）": 蔚来)."""
        if r[3] in referents:
            return False
        if r[1] not in indexes:
            indexes[r[1]] = sentence_index(analyses[r[1]])
        got = implied_owner(docs[r[1]], analyses[r[1]], usable[r[1]][r[2]], r[3], indexes[r[1]])
        if got is LACKS_OWNER or (got is None and bare_subject(to_simplified(r[3]))):
            return True  # (a bare 集团 or 公司 after a speaker: "分析员指出，集团需要…")
        if got is not None:
            referents[r[3]] = got
        return False

    for cand, theme in distinct:
        if len(kept) == max_themes:
            break
        if len(kept) >= MIN_THEMES and (theme.mentions < 3 or id(theme) in few):
            log.debug("theme %s: %d sentences, thin beside %d themes", theme.label, theme.mentions, len(kept))
            continue  # enough themes: one argued in two sentences is thin
        free = [r for r in cand.ranked if r[3] not in gists]
        change = label_change(theme.label, theme.terms)
        if change != ((), ()):
            # a label that names a change (亏损收窄) is stated by a sentence that says it, where one does
            concept = concept_words(theme.label, theme.terms)[0]
            free = (
                [r for r in free if states_change(r[3], concept, change)]
                # …else one that names the concept changing (毛利率 of 毛利率回升)
                or [r for r in free if _says_any(r[3], list(concept))]
                or free
            )
        # The gist says the argument its label names (出口 of 出口钢材), where a sentence
        # does: not one that only names the thing argued about (钢材需求持续走弱).
        pointed = _pointed(theme)
        if pointed:
            free = [r for r in free if _argues(r, (pointed, ()), usable, argued)] or free
        mine = _best_texts(cand.ranked, 2)
        best = _gist_row(free, docs, arguing_only=True)
        own = _gist_row([r for r in free if needed[r[3]] - (r[3] in mine) == 0], docs, arguing_only=True)
        row = own if own is not None and best is not None and own[0] >= best[0] - 0.5 else best
        if row is not None and unresolved(row):
            # a gist that says 公司 and never whose: another sentence of the theme, where it has one
            row = _gist_row([r for r in free if not unresolved(r)], docs, arguing_only=True) or row
        if row is None:
            log.debug("theme %s has no sentence of its own", theme.label)
            continue
        gists[row[3]] = len(kept)
        kept.append((cand, theme))
    used: set[str] = set()
    labels = {theme.label for _, theme in kept}
    stated: list[tuple[_Candidate, Theme]] = []
    for i, (cand, theme) in enumerate(kept):
        row = next(r for r in cand.ranked if gists.get(r[3]) == i)
        others = [r for r in cand.ranked if r[3] not in gists]
        if not others and len(cand.per_doc) >= 2:
            # argued in two sources, the other's sentence another theme's gist (反补贴调查 beside
            # 出海): that source still speaks where it says the label itself, its sentence
            # shown once in full where it states
            others = [
                r for r in cand.ranked if r[1] != row[1] and r[3] != row[3] and _says_any(r[3], [theme.label])
            ][:1]
        if not others:
            log.debug("theme %s has no sentence to quote beside its gist", theme.label)
            continue
        # A quote argues the theme: it says the concept the label names (路线 under
        # 技术路线, not a tariff line that lists 电池); where none does, fewer quotes.
        words = concept_words(theme.label, theme.terms)
        change = label_change(theme.label, theme.terms)
        # …and, under a label that names a change of it (亏损收窄), states that change
        # for it, not only the concept (微创医疗…净亏损约6.9亿美元 under 亏损收窄).
        arguing = [r for r in others if _argues(r, words, usable, argued, change)]
        # …in the label's own concept where some do (运力瓶颈, not 国泰's profit, though the
        # headline that named the theme holds 盈利 too)
        arguing = [r for r in arguing if _says_any(r[3], list(words[0]))] or arguing
        # A line its author files under another theme's label (垂直整合：…海外销量24.3万辆
        # under 出海) is that theme's: quoted here only where it writes this theme's label
        # too (价格战：…加盟模式…单店盈利… under 加盟模式与单店盈利) or no other sentence argues it.
        arguing = [r for r in arguing if not _filed_elsewhere(r[3], theme.label, labels)] or arguing
        # The first quotes say what the label argues of its concept, where some do (成本
        # of 电池成本, not a line that only names 电池); only where some do: an argument
        # is often made without its label's word (国产企业份额上升 under 国产替代).
        rest = label_rest(theme.label, words[0]) if change == ((), ()) else ""
        saying = [r for r in arguing if _says_word(r, rest, usable, argued)] if rest else []
        fresh = [r for r in (saying or arguing) if r[3] not in used]
        # every source that argues it still speaks, if only with a sentence quoted before
        heard = {r[1] for r in fresh} | {row[1]}
        fresh += [r for r in arguing if r[1] not in heard and not heard.add(r[1])]
        # a source that argues the theme in three sentences or more speaks beside the one
        # quoted, if only in the theme's terms rather than its label's word (房企 in one
        # source, "sales" in another): the gist may yet give way to a takeaway
        quoted_from = {r[1] for r in fresh}
        strong = {d for d, n in cand.per_doc.items() if n >= 3} - quoted_from - {row[1]}
        if len(quoted_from) < 2 and strong:
            fresh += [
                r for r in others if r[1] in strong and not _filed_elsewhere(r[3], theme.label, labels)
            ][:1]
        fresh = fresh or arguing[:1]  # a quote beside the gist, if only one quoted before
        # A quote stands alone: one that leans on an organisation it does not name and
        # the reading could not tell (公司… with none before it, figures of several) is
        # passed over; one whose organisation it could tell is shown with it. (Asked of
        # the sentences the choice reaches only: a big folder's themes hold thousands.)
        gist, quotes = _gist_and_quotes(
            [row, *fresh], docs, gist_row=row, at_least_one=False, stands=lambda r: not unresolved(r)
        )
        if len(arguing) < len(others):
            log.debug(
                "theme %s: %d sentence(s) do not say %s", theme.label, len(others) - len(arguing), words
            )
        gist_line = with_referent(
            _gist(gist.text, terms=[theme.label, *theme.terms]), referents.get(gist.text)
        )
        where = {(docs[r[1]].path, r[3]): r[1] for r in fresh}
        for q in quotes:  # named beside the quote, as the gist names it
            d = where.get((q.document, q.text))
            if d is not None and (referent := referents.get(q.text)) is not None:
                q.pointer, q.owner = referent[0], _owner_as_written(docs[d], analyses[d], referent[1])
        theme.gist, theme.gist_source, theme.quotes = gist_line, gist, quotes
        used.update([gist.text, *(q.text for q in quotes)])
        stated.append((cand, theme))
        if spares is not None:
            said = {gist.text, *(q.text for q in quotes)}
            rows = [r for r in arguing if r[3] not in said and r[0] > -4.0]
            rows = [r for r in rows[:SPARE_ROWS] if not _states_nothing(r[3]) and not unresolved(r)]
            rows.sort(key=lambda r: docs[r[1]].language == "en")  # a Chinese sentence first, as the gist
            spares[theme.label] = [Quote(text=r[3], document=docs[r[1]].path, paragraph=r[4]) for r in rows]
    themes = stated
    for cand, theme in stated:
        theme.coverage = [
            DocumentMentions(document=doc.path, mentions=cand.per_doc.get(d, 0)) for d, doc in enumerate(docs)
        ]
    chosen = sorted((t for _, t in themes), key=lambda t: (-t.strength, t.label))
    top = chosen[0].strength if chosen else 1.0
    for t in chosen:
        t.strength = round(t.strength / top, 3)
    if named:
        subject = named
    else:
        from briefing.nlp import pos_tag

        # A place every source names (红海: the stories' setting) frames the themes
        # but names no industry: no title of its own ("红海简报" for container shipping).
        framing = [t for t in topic if pos_tag(t) != "ns" or t in domain_words()]
        if framing:
            subject = min(framing, key=lambda t: (-scores[t], t))
        elif topic:
            subject = None  # only a place frames them
        else:
            subject = title_subject(docs, analyses, words_rarity)
    return chosen, subject


_MEMO_TITLE_SPLIT_RE = re.compile(r"[-—_｜|：:，,\s]+")


def title_subject(docs: list[Document], analyses: list[DocAnalysis], rarity: dict[str, float]) -> str | None:
    """What the folder is about, from its titles, when no term dominates its text:
    the concept the titles share (at least half of them, a memo's title counting
    twice, as an analyst names the subject there: "银行业息差研究备忘"), also
    present in most documents' text. None for a folder of unrelated titles (a
    mixed folder stays generic). Organisations, measures and words of change
    are not subjects."""
    from briefing.script import to_simplified

    names = {m.name for a in analyses for m in a.mentions} | {m.surface for a in analyses for m in a.mentions}
    # The titles' abbreviations (光伏, 医保) are nouns the dictionary knows but does not
    # tag as such: a subject the titles share, though never a theme term of the text.
    cuts = [
        (a.title_words, a.title_ends)
        if a.title_words is not None and a.title_ends is not None
        else title_cuts(d.title)
        for d, a in zip(docs, analyses, strict=True)
    ]
    abbreviations = {w for words, _ in cuts for w in words if is_abbreviation(w)}
    vocabulary = set(rarity) | set(domain_words()) | abbreviations
    heads = word_heads(vocabulary)  # one vocabulary for every title
    titles: list[tuple[str, int]] = []
    longest_first = [
        n for n in sorted(names, key=len, reverse=True) if len(n) >= 2
    ]  # sorted once, not per title
    sectors: list[set[str]] = []  # per title, the industries of the organisations it names
    for doc in docs:
        title = to_simplified(doc.title or "")
        sectors.append(set())
        for name in longest_first:
            if name in title:
                sectors[-1].add(_sector_word(name))
            title = title.replace(name, " ")
        # English titles in the glossary's Chinese terms ("China's banks" → 银行), a
        # Taiwanese word as the mainland's (AI伺服器 → AI服务器: concept_variants.yaml)
        title += " " + " ".join(t for t in vocabulary_terms(title, vocabulary, heads=heads) if is_han(t[0]))
        title += " " + " ".join(key for word, key in concept_variants().items() if word in title)
        titles.append((title, 2 if doc.kind == "memo" else 1))
    weight_total = sum(w for _, w in titles)
    title_terms = [set(vocabulary_terms(title, vocabulary, heads=heads)) for title, _ in titles]
    found = set().union(*title_terms)
    votes: Counter[str] = Counter()
    for term in found:
        if term in names or term in _measure_words() or term in _CHANGES or len(term) < 2:
            continue
        if not (is_theme_term(term) or term in abbreviations):
            continue
        if not is_han(term[0]) and not (is_han(term[-1]) and term in domain_words()):
            continue  # an English word is no subject; a domain term led by one is (AI服务器)
        votes[term] = sum(w for title, w in titles if term in title)
    # A title votes for a word only where it writes more than a longer voted word that holds
    # it (创新药 is no vote for 新药)
    for term in list(votes):
        longer = [t for t in votes if t != term and term in t]
        if longer:
            votes[term] = sum(w for title, w in titles if term in _without(title, longer))
    if not votes and not any(sectors):
        return None
    subject = _voted_subject(docs, analyses, titles, title_terms, votes, weight_total, cuts, names)
    if subject is not None or not any(s - {""} for s in sectors):
        return subject
    # Titles that name their subject only by its companies ("China Vanke's bondholders…",
    # "新世界發展去年虧損…"): each such title votes for its companies' industry too.
    for i, found_sectors in enumerate(sectors):
        title_terms[i] |= found_sectors - {""}
    for term in {t for found_sectors in sectors for t in found_sectors if t}:
        votes[term] = sum(w for (title, w), terms in zip(titles, title_terms, strict=True) if term in terms)
    return _voted_subject(docs, analyses, titles, title_terms, votes, weight_total, cuts, names)


def _without(text: str, words: list[str]) -> str:
    for word in words:
        text = text.replace(word, " ")
    return text


def _sector_word(name: str) -> str:
    """The Chinese word of a listed organisation's industry (万科: 房地产, through the
    glossary's "real estate"), or "" where it has none."""
    org = gazetteer().orgs.get(gazetteer().alias_to_name.get(name, name))
    if org is None or not org.sector or org.type not in ("company", "investor"):
        return ""
    term = glossary().get(org.sector.lower(), "")
    return term if term and is_han(term[0]) else ""


def _voted_subject(
    docs: list[Document],
    analyses: list[DocAnalysis],
    titles: list[tuple[str, int]],
    title_terms: list[set[str]],
    votes: Counter[str],
    weight_total: int,
    cuts: list[tuple[list[str], list[str]]],
    names: set[str],
) -> str | None:
    """The voted term most titles share and most documents hold (see :func:`title_subject`)."""
    if not votes:
        return None
    # Documents whose text holds each voted term (the only terms asked about).
    # A document whose own title names the term counts too: "钢铁业寒冬未过" is about
    # steel though its text says 钢材, 粗钢 and names 宝武钢铁集团.
    in_text: Counter[str] = Counter()
    # (a compound of three characters or more as written, however the segmenter cut it:
    # 創新藥企 holds 创新药)
    written = [t for t in votes if len(t) >= 3 and all(is_han(c) for c in t)]
    for doc, a, named in zip(docs, analyses, title_terms, strict=True):
        held = votes.keys() & (set().union(*(s.tokens for s in a.sentences)) | named)
        held |= {t for t in written if t not in held and t in doc.analysis_text}
        in_text.update(held)
    best = min(votes, key=lambda t: (-votes[t], -in_text[t], -len(t), t))
    if votes[best] * 2 < weight_total or in_text[best] * 10 < 6 * len(docs):
        return None
    # The titles' own compound when they all write it so: 晶圆代工 rather than 代工 (two
    # titles at least: one title's 内地奢侈品 is where, not what).
    before = set()
    writing = 0
    for doc, (_, ends) in zip(docs, cuts, strict=True):
        title = to_simplified(doc.title or "")
        at = title.find(best)
        if at >= 0:
            writing += 1
            word = ends[at]
            noun = len(word) >= 2 and all(is_han(c) for c in word)
            before.add(word if noun and word not in names else "")
    if len(before) == 1 and "" not in before and writing >= 2:
        return before.pop() + best
    return best


def _org_names(analyses: list[DocAnalysis]) -> set[str]:
    """Organisation names, and the short names of discovered companies (汇丰控股 →
    汇丰): a company is a case, not a theme."""
    names = set(gazetteer().alias_to_name) | set(gazetteer().orgs)
    for a in analyses:
        for m in a.mentions:
            names.add(m.name)
            org = gazetteer().orgs.get(m.name)
            if (org.type if org else m.type or "company") not in ("company", "investor"):
                continue
            for name in {m.name, m.surface}:
                # the short forms a company goes by: 汇丰 of 汇丰控股, 信达 of 信达生物
                for n in range(2, len(name) - 1):
                    if name[:n] not in domain_words():
                        names.add(name[:n])
    return names


def _inside_names(usable: list[list[Sentence]], names_at: list[list[AbstractSet[str]]]) -> Counter[str]:
    """For each term, the sentences in which it is only a piece of an organisation's
    name the sentence gives (电源 of 阳光电源, 光电 of 中航光电): there it argues nothing."""
    inside: Counter[str] = Counter()
    for sentences, names_of in zip(usable, names_at, strict=True):
        for s, names in zip(sentences, names_of, strict=True):
            if not names:
                continue
            for t in set(s.tokens):
                if len(t) >= 2 and t not in names and any(t in n for n in names):
                    inside[t] += 1
    return inside


def _keyword_candidates(
    ranked: list[str],
    topic: set[str],
    scores: dict[str, float],
    rarity: dict[str, float],
    term_sentences: dict[str, set[tuple[int, int]]],
) -> list[_Candidate]:
    """Term clusters by sentence co-occurrence, each with a label that names a concept."""
    pool = [t for t in ranked if t not in topic][:36]
    log.debug(
        "keyword pool (term, score, rarity, sentences): %s",
        [
            (t, round(scores[t], 2), round(rarity.get(t, 14.0), 1), len(term_sentences.get(t, ())))
            for t in pool
        ],
    )
    clusters: list[list[str]] = []
    # In a small folder two words share a sentence by chance more often: a cluster needs more.
    sentences = len(set().union(*term_sentences.values())) if term_sentences else 0
    together = 0.34 if sentences >= SMALL_CORPUS else 0.5
    for term in pool:
        best, best_sim = None, 0.0
        for cluster in clusters:
            sims = []
            for other in cluster:
                a, b = term_sentences[term], term_sentences[other]
                shared = len(a & b)
                # one shared sentence is chance, above all in a small folder: two
                # arguments a single sentence joins stay two candidates
                if a and b:
                    sims.append(shared / min(len(a), len(b)) if shared >= 2 else 0.0)
            sim = sum(sims) / len(sims) if sims else 0.0
            if sims and sims[0] == 0.0:
                sim = 0.0  # a term joins through the cluster's lead, not a chain of neighbours
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is not None and best_sim >= together and len(best) < 4:
            best.append(term)
        elif len(clusters) < 24:
            clusters.append([term])
    out = []
    for cluster in clusters:
        lead = cluster[0]
        partner = _contrast_partner(
            lead,
            [*ranked[:80], *sorted(topic)],
            # (a subject the titles' companies name may be written in no sentence)
            lambda a, b: bool(term_sentences.get(a, _NO_PLACES) & term_sentences.get(b, _NO_PLACES)),
        )
        concept = [t for t in cluster if is_concept(t, rarity.get(t, 14.0))]
        if not partner and lead not in concept and concept and lead in _measure_words():
            lead = concept[0]  # "销量与新能源汽车" is about new-energy vehicles: the measure is not the label
            cluster = [lead, *(t for t in cluster if t != lead)]
        if partner:
            if partner not in cluster:
                cluster.append(partner)
            label = f"{lead}与{partner}"
        elif lead in concept:
            second = next((t for t in cluster if t in concept and t != lead), None)
            label = f"{lead}与{second}" if second and scores[second] >= 0.5 * scores[lead] else lead
        elif (
            concept
            or (lead in _measure_words() and is_argument(lead))
            or (sentences < SMALL_CORPUS and len({d for d, _ in term_sentences[lead]}) >= 2)
        ):
            # its lead names no concept (a measure that is itself argued: 息差; in a small
            # folder, where few words recur, one several sources argue: 国产): the label is
            # built from its sentences, and only where they argue something of it (国产替代)
            label = lead
        else:
            log.debug("cluster %s names no concept: not a theme", cluster)
            continue
        out.append(_Candidate(label=label, terms=cluster, origin="keywords"))
    return out


def _unique(candidates: list[_Candidate]) -> list[_Candidate]:
    """Each candidate once: a long file that repeats an author's list of points (a
    newsletter's every issue) makes the same candidate each time, and each would be
    ranked over the same sentences to give the same theme, which the strongest-first
    pass then drops as a copy (the cost grew with the square of the file)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for c in candidates:
        key = (
            c.label,
            tuple(c.terms),
            c.origin,
            tuple(sorted(c.home)),
            tuple(c.anchors),
            c.kind,
            c.heading,
            c.section,
        )
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _fold(candidates: list[_Candidate], term_sentences: dict[str, set[tuple[int, int]]]) -> list[_Candidate]:
    """A keyword cluster whose lead term an author's theme holds is that theme,
    when the term is argued mostly in the author's own document; a cluster
    argued widely stays a theme of its own (the heading is one author's)."""
    merged: list[_Candidate] = []
    for cand in candidates:
        host = None
        for m in merged:
            if m.section or cand.section:
                continue  # a section stands on its own sentences; the stronger argument wins later
            holds = cand.origin == "keywords" and any(cand.terms[0] in t for t in m.terms)
            held = (
                cand.origin == "author"
                and m.origin == "keywords"
                and any(m.terms[0] in t for t in cand.terms)
            )
            if holds or held:
                host = m
            if host is not None:
                break
        if host is None:
            merged.append(cand)
            continue
        author, keywords = (host, cand) if host.origin == "author" else (cand, host)
        hits = term_sentences.get(keywords.terms[0], set())
        at_home = sum(1 for d, _ in hits if d in author.home)
        if author.origin == "author" and hits and at_home < 0.5 * len(hits):
            merged.append(cand)
            continue
        if (
            author.origin == "author"
            and author.home
            and _argued_elsewhere(keywords.terms[0], author.home, hits)
        ):
            # 价格战 in one headline and in two other sources: the folder's argument, not the headline's
            log.debug("theme %s is argued beyond %s: a theme of its own", keywords.label, author.label)
            merged.append(cand)
            continue
        log.debug("theme %s folded into %s", keywords.label, author.label)
        # Only what the author argues at home folds; a member of the cluster argued
        # mostly elsewhere (贸易壁垒 beside 组件) stays an argument of its own.
        home, away = [], []
        for t in keywords.terms:
            found = term_sentences.get(t, set())
            mostly_away = found and sum(1 for d, _ in found if d in author.home) < 0.5 * len(found)
            split = author.home and t != keywords.terms[0] and mostly_away
            (away if split else home).append(t)
        if host is keywords:
            author.terms = list(dict.fromkeys([*author.terms, *home]))[:6]
            merged[merged.index(host)] = author
        else:
            host.terms = list(dict.fromkeys([*host.terms, *home]))[:6]
        if away:
            merged.append(_Candidate(label=away[0], terms=away, origin="keywords"))
    return merged


ARGUED_ELSEWHERE = 2
"""Documents besides an author's own that must argue a keyword for it to stay a theme of its own."""


def _argued_elsewhere(term: str, home: AbstractSet[int], hits: AbstractSet[tuple[int, int]]) -> bool:
    """A term that names an argument itself (价格战, 出海: argument_words.txt), which
    one author's headline or heading holds and at least two other documents argue,
    is the folder's argument rather than that author's: folded into the headline it
    would count in the headline's document only. A concept that argues nothing on its
    own (人工智能 under "AI很火，落地却很难") stays the headline's, whoever mentions it."""
    if term not in _argument_words_set():
        return False
    return len({d for d, _ in hits if d not in home}) >= ARGUED_ELSEWHERE


@functools.cache
def _argument_words_set() -> frozenset[str]:
    return frozenset(_argument_words())


@functools.cache
def _argument_words() -> tuple[str, ...]:
    words = {w for line in data_lines("argument_words.txt") for w in line.split()}
    return tuple(sorted(words, key=len, reverse=True))


def is_argument(label: str) -> bool:
    """A label names something to argue about: it holds a word of change,
    strategy, contest or risk (收窄, 降本, 替代, 价格战, 瓶颈: argument_words.txt),
    not only what is argued about (电动车, 医疗器械, 监护仪)."""
    return _argument_set().any_in(label)


@functools.cache
def _argument_set() -> WordSet:
    return WordSet(_argument_words())


_HAN_ONLY = re.compile(f"[{HAN}]+")

_POINT_LABEL_MAX = 16
"""An author's joined points longer than this are labelled by what varies and the shared head."""


def _label(
    cand: _Candidate,
    hits: list[tuple[int, int]],
    docs: list[Document],
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
    rarity: dict[str, float],
    topic: set[str],
    term_sentences: dict[str, set[tuple[int, int]]],
    sentence_units: dict[tuple[int, int], tuple[str, ...]] | None = None,
) -> list[str]:
    """Labels a reader could argue about, best first, built from the sources' own words.

    A contrast (消费互联网与产业互联网) or an author's joined points (模式、技术与产业的
    升级) label themselves. Otherwise the label is the best-supported argument in
    the theme's sentences: a term or a two-word phrase as written (息差收窄, 电池降本,
    国产替代) holding a word of change, strategy, contest or risk, paired with a
    second one argued alongside it (集采压价与国产替代). A heading or a headline is
    never the label itself; its words weigh more. Empty when the theme's
    sentences name things but argue nothing about them.

    ``sentence_units`` keeps each sentence's possible units (they depend on the
    sentence, the rarities and the subject only) across the candidates of one corpus."""
    if cand.kind == "points":
        label = cand.label
        if len(label) > _POINT_LABEL_MAX and re.search(r"[，,]", label):
            label = re.split(r"[，,]", label)[-1].removeprefix("而是").removeprefix("是")
        return [label] if len(label) >= 2 else []
    if cand.kind == "keywords" and "与" in cand.label and not is_argument(cand.label):
        a, _, b = cand.label.partition("与")
        if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) < len(a):
            return [cand.label]  # a contrast: two sides of one thing
    heading = _simplified_label(cand.heading)
    if cand.kind == "heading" and cand.section and heading:
        # An article's subhead says its argument in a short clause of its own
        # ("次高端承压，茅台找新增长点" → 次高端承压): that clause, as written, names it.
        clauses = [_CONJUNCTION_RE.sub("", c.strip()) for c in _HEADING_CLAUSE_RE.split(heading) if c.strip()]
        own = [
            c
            for c in clauses
            if len(clauses) >= 2 and 4 <= len(c) <= 8 and _HAN_ONLY.fullmatch(c) and is_argument(c)
        ]
        if own:
            return own[:1]
    if sentence_units is None:
        sentence_units = {}
    units: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for place in hits:
        found = sentence_units.get(place)
        if found is None:
            d, s = place
            found = sentence_units[place] = _sentence_units(
                docs[d], usable[d][s], argued[d][s], rarity, topic
            )
        for unit in found:
            units[unit].add(place)
    lead = set(cand.terms[:3])

    def score(unit: str) -> float:
        found = units[unit]
        spread = len({d for d, _ in found})
        # A word argued all over the corpus (息差 in a banks folder) names no one theme.
        everywhere = len(term_sentences.get(unit, ())) or len(found)
        value = (len(found) + 0.5 * (spread - 1)) * (0.5 + len(found) / max(everywhere, len(found)))
        # the theme's own terms name it; a bare argument word among them (量产 beside
        # 磷酸铁锂) only where it leads
        bare = unit in lead and is_argument(unit) and unit != cand.terms[0]
        value += 1.0 if not bare and (unit in lead or any(t in unit for t in lead if len(t) >= 2)) else 0.0
        value += 1.5 if heading and unit in heading else 0.0
        # an argument said of the theme's lead term (磷酸铁锂路线) names it better than a bare word
        value += 1.0 if cand.terms and cand.terms[0] in unit and unit != cand.terms[0] else 0.0
        return value + 0.1 * min(len(unit), 6)

    own = [t for t in cand.terms if len(t) >= 2] + (_terms(heading, set(rarity)) if heading else [])
    fit = math.ceil(FIT_SHARE * len(hits))

    def usable_unit(unit: str) -> bool:
        if not is_argument(unit) or _CURRENCY_RE.search(unit):
            return False  # "亏损新台币": a figure's words, not an argument
        if any(n in unit for n in cand.names):
            return False  # "友邦增长": one company's news is its case, not a theme
        if _AMOUNT_END_RE.search(unit) and not any(c in unit for c in _CHANGES):
            return False  # "补贴申请量": what a figure counts, not what is argued
        if not any(t in unit or unit in t for t in own):
            return False  # a label names the theme's own terms, not a word its sentences happen to hold
        # Said twice, or in the author's heading, or a phrase on the theme's lead term (换电模式).
        lead_phrase = unit not in rarity and any(unit.startswith(t) for t in cand.terms[:2])
        if len(units[unit]) < 2 and not (heading and unit in heading) and not lead_phrase:
            return False
        said_of_lead = any(t in unit and t != unit for t in cand.terms[:2])
        if len(units[unit]) < fit and not said_of_lead and not (heading and unit in heading):
            # A bare argument word (量产, 高息) two of twelve sentences hold, or a phrase
            # on another word, does not name what the theme argues; one said of the
            # theme's lead term (支架降价, 国产替代) does.
            return False
        if unit in rarity:  # a single word: a concept, not an everyday one (增长, 风险, 瓶颈)
            if len(unit) == 2 and unit not in domain_words() and not (heading and unit in heading):
                return rarity.get(unit, 14.0) >= 14.0
            return is_concept(unit, rarity.get(unit, 14.0)) or unit in domain_words()
        return True

    if log.isEnabledFor(logging.DEBUG):  # every unit scored: not for nothing
        log.debug(
            "units of %s: %s",
            cand.label,
            [
                (u, len(v), round(score(u), 1), is_argument(u))
                for u, v in sorted(units.items(), key=lambda kv: -score(kv[0]))[:14]
            ],
        )
    ranked = sorted((u for u in units if usable_unit(u)), key=lambda u: (-score(u), u))
    # A phrase that holds a chosen word says it better ("息差收窄" over "收窄").
    ranked = [u for u in ranked if not any(u != v and u in v and score(v) >= score(u) - 1 for v in ranked)]
    options: list[str] = []
    if ranked and ranked[0] in rarity and ranked[0] in _CHANGES:
        # One word of change ("负增长") on what changes, as the sentences put it ("汽车销量…负增长").
        found = _subject_of(ranked[0], cand, hits, docs, usable, topic)
        if found:
            options.append(found)
    variants = _listed_variants()
    for i, first in enumerate(ranked[:8]):
        for second in ranked[i + 1 :]:
            shared = units[first] & units[second]
            # (not one concept in two words: 专利悬崖 and its variant 专利到期)
            apart = not (second in first or first in second) and variants.get(first, first) != variants.get(
                second, second
            )
            # a second argument the same sentences make (集采与国产替代): a phrase may be rarer
            floor = 0.2 if second not in rarity else 0.5
            if shared and apart and score(second) >= floor * score(first) and len(first + second) <= 12:
                options.append(f"{first}与{second}")
                break
        options.append(first)
    if not options:
        options = _predicate_labels(cand, hits, docs, usable, rarity, topic, heading)
    return list(dict.fromkeys(options))


def _sentence_units(
    doc: Document, sent: Sentence, argued: tuple[str, ...], rarity: dict[str, float], topic: set[str]
) -> tuple[str, ...]:
    """What a sentence may give a theme's label (see :func:`_label`), in order: its
    argued terms, then, in Chinese, the two-word phrases it writes."""
    measures = _measure_words()
    out = [t for t in argued if t not in topic and t in rarity and t not in measures]
    if doc.language == "en":
        return tuple(out)
    text = doc.analysis_text[sent.start : sent.end]
    for a, b in itertools.pairwise(sent.tokens):
        if (  # the cheap tests first, the phrase made only for a pair that passes them
            a in rarity and a not in topic and 3 <= len(a) + len(b) <= 8 and (b in rarity or is_argument(b))
        ):
            phrase = a + b
            if phrase in text and _HAN_ONLY.fullmatch(phrase) and _noun_phrase(a, b):
                out.append(phrase)
    return tuple(out)


_NEGATION_RE = re.compile(r"(?:不是|并非|并不|没有|不会|未必|未|不|非|无)$")


def _negated(word: str, text: str) -> bool:
    """The word is denied where it is said ("不是见顶"): the author argues the opposite."""
    at = text.find(word)
    return at >= 0 and bool(_NEGATION_RE.search(text[max(0, at - 3) : at]))


_CLAUSE_END_RE = re.compile(r"[，,；;：:。！？!?、（(）)]")
_CONJUNCTION_RE = re.compile(r"^(?:但是|但|可是|然而|而且|而|却|也|且|并且|并)")
"""A clause's opening conjunction, no part of what it argues ("但兑现很慢" → 兑现很慢)."""
_HEADING_CLAUSE_RE = re.compile(r"[，,；;。！？!?]")


_SUPPOSES_RE = re.compile(r"如果|假如|假设|倘若|若是|会不会|会否|是否会|能否|是不是")
"""A question that supposes a change or asks whether one comes names no change the sources argue."""


def _predicate_labels(
    cand: _Candidate,
    hits: list[tuple[int, int]],
    docs: list[Document],
    usable: list[list[Sentence]],
    rarity: dict[str, float],
    topic: set[str],
    heading: str,
) -> list[str]:
    """Labels for a theme whose sentences hold no argument phrase of their own:
    its concept and what its sentences say happens to it, as written right after
    it in the same clause ("强生、美敦力等跨国企业在部分品类退出" → 跨国企业退出), or in
    the author's heading ("…生物科技：…走出寒冬了吗" → 生物科技寒冬); else, for a
    theme its author stated in a headline or heading, the concept alone where
    three sentences argue it. Everyday nouns (医院, 品牌) label nothing."""
    names = set(_argument_words())
    concepts = [
        t
        for t in dict.fromkeys([*(_terms(heading, set(rarity)) if heading else []), *cand.terms])
        if len(t) >= 2
        and t not in topic
        and t not in cand.names
        and not is_argument(t)
        and t not in _measure_words()
        and is_concept(t, rarity.get(t, 14.0))
    ]
    held: Counter[str] = Counter()
    said: dict[str, Counter[str]] = defaultdict(Counter)
    english_changes: list[tuple[str, str | None]] = []  # (term, direction) an English sentence says
    for d, s in hits:
        sent = usable[d][s]
        if docs[d].language == "en":
            # An English sentence reaches the concepts through the glossary only: an
            # argument word it also holds ("the infant formula market to shrink": 婴配粉,
            # 市场萎缩) is said of the concept, for want of Chinese word order.
            held_here = [t for t in concepts if t in sent.tokens]
            for term in held_here:
                held[term] += 1
                found = {
                    w
                    for t in sent.tokens
                    if t != term and is_han(t[0])
                    for w in names
                    if len(w) >= 2 and w in t
                }
                for word in found:
                    if word not in term:
                        said[term][word] += 1
                english_changes.append(
                    (
                        term,
                        _english_direction_of(
                            term, _en_clause_of(term, docs[d].analysis_text[sent.start : sent.end])
                        ),
                    )
                )
            continue
        text = docs[d].analysis_text[sent.start : sent.end]
        for term in concepts:
            # the term as written, or a word that argues it (出境旅游 for 出境游)
            written = next((w for w in (term, *_variants_of(term)) if w in text), None)
            if written is None:
                continue
            held[term] += 1
            for word in _said_around(written, text, text.find(written), names):
                said[term][word] += 1
    # What the analyst asks about a concept (零售业务的优势在哪里？) says what is argued
    # of it, as a sentence does: an open question of any memo of the folder (the one
    # asking "婴配粉市场萎缩之后…" may not be among the theme's sources).
    for d in sorted({d for d, _ in hits} | {d for d, doc in enumerate(docs) if doc.kind == "memo"}):
        for todo in docs[d].todos:
            if todo.done:
                continue
            asked = to_simplified(todo.text)
            if _SUPPOSES_RE.search(asked):
                continue  # "如果金价回落…需求会不会快速回落？": a change supposed, not argued
            for term in concepts:
                # as written, or in a word that argues it (资本支出 for 资本开支)
                written = next((w for w in (term, *_variants_of(term)) if w in asked), term)
                at = asked.find(written)
                if at >= 0:
                    for word in _said_around(written, asked, at, names):
                        said[term][word] += 1
    # "Hog prices have risen about 35%": the change an English sentence says of the
    # concept counts for the Chinese word the other sources say it with (回升).
    stated: dict[str, Counter[str]] = defaultdict(Counter)  # per term, the directions all sources state
    for term, direction in english_changes:
        if direction is not None:
            stated[term][direction] += 1
    for term, directions in stated.items():
        for word, n in said[term].items():
            if (direction := _direction_of(word)) is not None:
                directions[direction] += n
    for term, direction in english_changes:
        if direction is None:
            continue
        if 2 * min(stated[term]["up"], stated[term]["down"]) > max(stated[term]["up"], stated[term]["down"]):
            # rates that tripled, then fell from their peaks: no one direction, they swing
            said[term]["波动"] += 1
            continue
        same = [w for w in said[term] if _direction_of(w) == direction]
        # the Chinese word the others say it with, else the plain word of that direction
        word = max(same, key=lambda w: (said[term][w], len(w), w)) if same else _PLAIN_CHANGE.get(direction)
        if word:
            said[term][word] += 1
    ahead: set[tuple[str, str]] = set()
    changers: list[str] = []  # everyday words the headline says a change of (票价 of 票价却在下跌)
    if heading:
        # A word of the heading's clause that holds the term: "极兔搅局，格局重排" says
        # 格局 of 重排, not of 搅局; a colon keeps a subject with what follows it
        # ("生物科技：…走出寒冬了吗"). A change the headline reports (…，市场重回增长)
        # is its claim about all it names.
        clauses = [c for c in _HEADING_CLAUSE_RE.split(heading) if c]
        subject, colon, _ = heading.partition("：")
        subjects = {t for t in (*concepts, *cand.terms) if len(t) >= 2}
        for term in concepts:
            own_clause = "，".join(c for c in clauses if term in c)
            if colon and term in subject and len(subject) <= 8:
                own_clause = heading  # "基本面：不是见顶，反而刚开始兑现": all it claims is of 基本面
            for word in names:
                around = own_clause
                if word in _CHANGES and not any(
                    t != term and t in c and term not in c for c in clauses if word in c for t in subjects
                ):
                    # the headline's change is said of all it names, unless its clause has a
                    # subject of its own (客流创新高，票价却在下跌: 下跌 is 票价's, not 客流's)
                    around = heading
                if len(word) >= 2 and word in around and word not in term and not _negated(word, around):
                    # the author's own word for it; in its own clause before another's
                    # (酒店业RevPAR承压，连锁品牌加速加盟扩张: 承压 is RevPAR's first)
                    said[term][word] += 2 if (own_clause and word in own_clause) or not own_clause else 1.5
                    if word + term in around:
                        ahead.add((term, word))  # as the heading puts it: 自制IP, not IP自制
        # An everyday word the headline says a change of in a clause of its own (票价却在
        # 下跌) names the theme with that change (票价下跌), as a concept would.
        for term in cand.terms:
            if term in concepts or len(term) < 2 or term in topic or is_argument(term):
                continue
            if _TIME_UNIT_RE.fullmatch(term):
                continue  # "DRAM合约价四季度再涨": the quarter is when prices rise, not what does
            own_clause = "，".join(c for c in clauses if term in c)
            changed = [
                w for w in _CHANGES if w in own_clause and w not in term and not _negated(w, own_clause)
            ]
            changed = [w for w in changed if not any(w != v and w in v for v in changed)]
            if own_clause and len(changed) == 1:
                said[term][changed[0]] += 2
                changers.append(term)
    out = []
    if heading and cand.kind == "heading":
        # the author's own pairing in the heading (固态与钠离子的赛跑 → 固态与钠离子)
        out += [f"{a}与{b}" for a, b in itertools.permutations(concepts, 2) if f"{a}与{b}" in heading][:1]
    bare = []
    pairs: list[tuple[str, str, str]] = []  # (concept, word, label) of the labels said of a concept
    ordered = sorted(concepts, key=lambda t: (-held[t], concepts.index(t)))
    for term in [*changers, *ordered]:
        words = [w for w, _ in sorted(said[term].items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))]
        # the longest argument word at a place: 负增长, not 增长 inside it
        words = [w for w in words if not any(w != v and w in v for v in words)]
        # said twice, or by the author's heading (a word once in passing is no label)
        words = [w for w in words if said[term][w] >= 2]
        if words and len(term + words[0]) <= 8:
            out.append(words[0] + term if (term, words[0]) in ahead else term + words[0])
            pairs.append((term, words[0], out[-1]))
        elif (
            term not in changers
            and cand.kind != "keywords"
            and (held[term] >= 3 or (heading and term in heading and held[term] >= 2))
        ):
            # the concept alone only where its author made it the subject of a headline
            # or a heading (价值投资：烟屁股有多好); a word cluster needs an argument said of it
            bare.append(term)
    # The same change of a wider concept says less (挖掘机增长 beside 挖掘机销量增长).
    wider = {
        label for term, word, label in pairs for t, w, _ in pairs if w == word and term != t and term in t
    }
    out = [o for o in out if o not in wider]
    out += bare  # what is argued of a concept names a theme before a concept alone

    def in_heading(option: str) -> bool:
        """The heading says it, if with words between (挖掘机销量连续增长: 挖掘机销量增长)."""
        return option in heading or any(
            option.startswith(t) and t in heading and option[len(t) :] in heading[heading.find(t) :]
            for t in [*changers, *concepts]
        )

    if heading and cand.kind != "keywords" and out and not any(in_heading(o) for o in out):
        # The concepts found are not what the heading names (低空 under 主要商业航天相关ETF):
        # the heading's own noun phrase, where its sentences say it (商业航天), names it.
        texts = [docs[d].analysis_text[usable[d][s].start : usable[d][s].end] for d, s in hits]
        words = zh_cut(heading)
        own = [
            a + b
            for a, b in itertools.pairwise(words)
            if 3 <= len(a + b) <= 6
            and all(is_han(c) for c in a + b)
            and a + b not in topic
            and _noun_phrase(a, b)
            and sum(a + b in t for t in texts) >= 3
        ]
        out = [*own, *out] if own else out
    return out


def _said_around(term: str, text: str, at: int, names: set[str]) -> set[str]:
    """The argument words said of ``term`` (at ``at`` in ``text``) in its clause: right
    after it (跨国企业退出), or as what it is the source of before it (招商银行的优势来自
    零售业务: 优势 of 零售业务)."""
    rest = text[at + len(term) : at + len(term) + 10]
    end = _CLAUSE_END_RE.search(rest)
    clause = rest[: end.start()] if end else rest
    before = text[max(0, at - 10) : at]
    starts = [m.end() for m in _CLAUSE_END_RE.finditer(before)]
    before = before[starts[-1] :] if starts else before
    source = re.search(r"的([\u4e00-\u9fff]{2,4})(?:来自|源于|在于|来源于)$", before)
    out = {w for w in names if len(w) >= 2 and w in clause and not _negated(w, clause)}
    if source and source.group(1) in names:
        out.add(source.group(1))
    # a regional word counts as the word it argues under (成长 as 增长: concept_variants.yaml)
    variants = concept_variants()
    return {variants[w] if variants.get(w) in names else w for w in out}


_CHANGES = frozenset(
    [
        # a change of a change: the second word says what the first does (growth slows)
        "增长放缓",
        "增速放缓",
        "降幅收窄",
        "跌幅收窄",
        "亏损收窄",
        "下滑收窄",
        "增长",
        "负增长",
        "下滑",
        "下降",
        "下跌",
        "下行",
        "上涨",
        "上升",
        "回升",
        "回暖",
        "复苏",
        "放缓",
        "减速",
        "萎缩",
        "收缩",
        "收窄",
        "扩张",
        "走弱",
        "走强",
        "承压",
        "见顶",
        "波动",
        "触底",
        "反弹",
        "回调",
        "分化",
        "降本",
        "降价",
        "涨价",
        "瓶颈",
        "亏损",
        "短缺",
        "过剩",
        "赶超",
        "反超",
        "超越",
        "落地",
        "量产",
        "出海",
        "遇冷",
        "降温",
        "走俏",
        "热销",
        "升温",
        "关店",
    ]
)
"""Argument words that say what happens to something (负增长, 收窄): a label names the something too."""


_COMPARED = frozenset(
    ["同比", "环比", "按年", "按月", "按季", "较上年", "持续", "连续", "逐步", "进一步", "明显", "大幅"]
)
"""Words that say against what or how much something changes (同比负增长): not what changes."""


_LIST_MARK_RE = re.compile(r"[、与和及，,；;：:]")


def _subject_of(
    word: str,
    cand: _Candidate,
    hits: list[tuple[int, int]],
    docs: list[Document],
    usable: list[list[Sentence]],
    topic: set[str],
) -> str | None:
    """The theme's own term that the argument word follows closely in its sentences
    (汽车销量连续两月负增长 → 汽车销量负增长), as one label; None when none does."""

    near = 5
    for term in cand.terms[:4]:
        if term == word or word in term or term in topic or len(term) < 2 or is_argument(term):
            continue
        if len(term + word) > 8:
            continue
        # The term as written: itself, or an English form the glossary maps to it (AI → 人工智能).
        forms = [term, *(en for en, zh in glossary().items() if zh == term and len(en) <= 6)]
        # the author's heading or headline says it too (汽车销量连续两月负增长 is the title;
        # the body writes 汽车产销量…负增长)
        texts = (
            [_simplified_label(cand.heading)] if cand.heading and cand.kind in ("title", "heading") else []
        )
        texts += [docs[d].analysis_text[usable[d][s].start : usable[d][s].end] for d, s in hits]
        for text in texts:
            lowered = text.lower()
            for form in forms:
                at = lowered.find(form.lower())
                end = at + len(form)
                after = text.find(word, end)
                # said of it, not of the next item of a list (电池降本与出海: no 电池出海)
                if at >= 0 and 0 <= after - end <= near and not _LIST_MARK_RE.search(text, end, after):
                    return term + word
    # Else the word the sentences most often put right before it (产能瓶颈).
    before: Counter[str] = Counter()
    for d, s in hits:
        sent = usable[d][s]
        text = docs[d].analysis_text[sent.start : sent.end]
        at = text.find(word)
        while at > 0:
            words = zh_cut(text[max(0, at - 6) : at])
            prior = words[-1] if words else ""
            if (
                2 <= len(prior) <= 4
                and all(is_han(c) for c in prior)
                and prior not in _COMPARED
                and _noun_phrase(prior, word, verbs=True)
            ):
                before[prior] += 1
            at = text.find(word, at + len(word))
    if before:
        prior, n = min(before.items(), key=lambda kv: (-kv[1], kv[0]))
        if n >= 2 and prior not in topic:
            return prior + word
    return None


_PHRASE_HEAD = frozenset({"n", "nz", "vn", "an", "x", "eng", "nt"})
_PHRASE_TAIL = frozenset({"n", "nz", "vn", "an", "x", "eng"})


def _noun_phrase(first: str, second: str, verbs: bool = False) -> bool:
    """Two words that read as one noun phrase as written (电池降本, 息差收窄, 换电模式),
    not a verb and its object or a clause cut short (采用磷酸铁锂, 价格战打到). With
    ``verbs``, a verb-like first word jieba tags as a verb may qualify (产能瓶颈)."""
    from briefing.nlp import pos_tag

    head = pos_tag(first)
    if verbs and head == "v" and first not in ("遭遇", "出现", "面临", "进入", "成为", "形成"):
        head = "vn"
    return head in _PHRASE_HEAD and pos_tag(second) in _PHRASE_TAIL


def _simplified_label(text: str) -> str:
    from briefing.script import to_simplified

    return to_simplified(text or "")


def _theme(
    cand: _Candidate,
    docs: list[Document],
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
    term_sentences: dict[str, set[tuple[int, int]]],
    rarity: dict[str, float],
    topic: set[str],
    quotables: dict[tuple[int, int], tuple[float, ...] | None] | None = None,
    max_themes: int = MAX_THEMES,
    sentence_units: dict[tuple[int, int], tuple[str, ...]] | None = None,
) -> Theme | None:
    """The theme a candidate makes, or None when it is a mention rather than an argument."""
    # The subject frames every theme: a sentence that names only it argues none of them.
    counted = [t for t in cand.terms if t not in topic] or cand.terms
    terms = set(counted)
    hits = []
    found = set().union(*(term_sentences.get(t, set()) for t in counted))
    if cand.section:
        # a numbered section argues its heading in every sentence of it
        (home,) = cand.home
        first, end = cand.section
        found |= {(home, s) for s, sent in enumerate(usable[home]) if first < sent.paragraph < end}
    # The places themselves, not copies: a big file's candidates share millions of them.
    for place in sorted(found):
        # A heading or a title is its author's: it is argued in its own document only.
        if cand.home and place[0] not in cand.home:
            continue
        hits.append(place)
    per_doc: Counter[int] = Counter(d for d, _ in hits)
    only = {d: s for d, s in hits if per_doc[d] == 1}  # a document's one sentence (not a scan per document)
    lead = {t for t in counted[:2]} | set(cand.anchors)

    def one_line_argues(d: int) -> bool:
        """One sentence is a document's argument where it is terse by nature: a
        memo's note, an English article (which reaches the Chinese terms only
        through the glossary), a section heading that names the theme, or a
        short document; and the sentence holds one of the theme's lead terms."""
        s = only[d]
        if lead.isdisjoint(argued[d][s]):
            return False
        terse = docs[d].kind == "memo" or docs[d].language == "en" or len(usable[d]) < 10
        return terse or usable[d][s].heading or d in across

    # Where several sources each argue a lead term, once each is no mention
    # (垂直整合 in four sources, a sentence apiece): the theme is made across them.
    lead_docs = {d for d, s in hits if not lead.isdisjoint(argued[d][s])}
    if len(lead_docs) < 3:
        # two sources argue it together only where each says all of its lead terms (电动车
        # and 成本, not a line on 电动车 tariffs beside one on battery cost)
        # and, in Chinese, writes them (反倾销 in both)
        whole = set(counted[:2])

        def writes(d: int, s: int) -> bool:
            if docs[d].language == "en":
                return True
            text = docs[d].analysis_text[usable[d][s].start : usable[d][s].end]
            return all(t in text for t in whole)

        # an argument in its own word (反倾销, 价格战), not a thing it is about (海外, 电动车)
        arguing = any(is_argument(t) for t in whole)
        lead_docs = {d for d, s in hits if arguing and whole <= set(argued[d][s]) and writes(d, s)}
    across = lead_docs if not cand.home and len(lead_docs) >= ACROSS_SOURCES else set()
    kept = {d for d, c in per_doc.items() if c >= 2 or d in cand.home or one_line_argues(d)}
    hits = [place for place in hits if place[0] in kept]
    if len(hits) < 2:
        log.debug(
            "candidate %s %s: %d sentence(s), a mention (found %s, kept documents %s)",
            cand.label,
            cand.terms,
            len(hits),
            sorted(found),
            sorted(kept),
        )
        return None  # one sentence is a mention, not an argument
    cand.hits = hits
    per_doc = Counter(d for d, _ in hits)
    # Strength from the hits themselves: how much of each document argues it (a
    # short article counts as much as a long memo), across how many documents,
    # with ordinary words sinking by their general-language rarity.
    # every document kept argues it (one_line_argues): four sources a sentence
    # apiece rank above two with two each
    argued_in = len(per_doc)
    density = sum(math.sqrt(c / max(len(usable[d]), 1)) for d, c in per_doc.items())
    weight = sum(math.log(1 + rarity.get(t, 14.0)) for t in counted) / len(counted)
    strength = density * weight * (1.0 + 0.15 * (argued_in - 1))
    strength *= 1.25 if cand.origin == "author" and not cand.section else 1.0
    if cand.section:
        # one author's section: it leads no argument several sources make, it fills the gaps
        strength *= 0.8
    if cand.origin == "keywords" and sum(c >= 2 for c in per_doc.values()) < 2:
        strength *= 0.6  # a theme is argued across sources; one author's vocabulary is weaker evidence
    ranked = _ranked_sentences(docs, usable, hits, terms, cand.home, quotables, argued)
    if len({r[3] for r in ranked}) < 2:
        log.debug("candidate %s: fewer than two quotable sentences", cand.label)
        return None  # a gist and a quote are two sentences: one quotable sentence is a mention
    options = _label(cand, hits, docs, usable, argued, rarity, topic, term_sentences, sentence_units)
    if not options:
        log.debug("theme %s names no argument", cand.label)
        return None
    cand.label, cand.options = options[0], options
    ranked = _naming_label_first(ranked, cand.label, cand.terms)
    cand.ranked = _top_per_document(ranked, max(5 * max_themes + 1, KEEP_PER_DOCUMENT))
    gist, quotes = _gist_and_quotes(ranked, docs)
    order = sorted(per_doc, key=lambda d: (-per_doc[d], d))
    cand.per_doc = per_doc
    return Theme(
        label=zh_punctuation(cand.label),
        terms=[t for t in cand.terms if t not in topic] or cand.terms,
        documents=[docs[d].path for d in order],
        mentions=len(hits),
        strength=strength,
        coverage=[],
        gist=_gist(gist.text),
        quotes=quotes,
        origin=cand.origin,
        gist_source=gist,
    )


LABEL_SAID = 0.5
"""What saying the theme's label (all its parts: 固态 and 钠离子) adds to a sentence's
rank as the theme's gist or quote: the reader reads the label, then the line under it."""


@functools.lru_cache(maxsize=65536)
def _said(text: str) -> str:
    """A sentence as its label test reads it, Simplified, a memo's rubric (贸易壁垒：…)
    left out: once per sentence, not once per theme (a big file's themes share many)."""
    return to_simplified(without_framing(text))


def _naming_label_first(
    ranked: list[tuple[float, int, int, str, int]], label: str, terms: list[str] | None = None
) -> list[tuple[float, int, int, str, int]]:
    """The theme's sentences re-ranked once its label is known: one that says the label
    (出海 under 出海, not a line on 下半场 that shares two of its terms) comes first
    among equals. A memo summary's finding (scored below zero) stays where it is.
    A part no sentence writes whole (汽车销量负增长, made of a headline's words) is said
    by a sentence that says its argument (负增长)."""
    parts = [p for p in re.split(r"[与和、]", label) if len(p) >= 2] or [label]
    spellings = []
    for p in parts:
        forms = _spellings(p)
        if not any(w in _said(row[3]) for row in ranked for w in forms):
            forms = tuple(t for t in terms or () if t != p and t in p and is_argument(t)) or forms
        spellings.append(forms)
    out = []
    for row in ranked:
        said = (
            row[0] > -4.0
            and row[3].rstrip()[-1:] in "。！？.!?”」』\"'"  # a sentence, not a heading or a label
            and all(any(w in _said(row[3]) for w in forms) for forms in spellings)
        )
        out.append((row[0] + LABEL_SAID, *row[1:]) if said else row)
    out.sort(key=lambda x: (-x[0], x[1], x[2]))
    return out


def _ranked_sentences(
    docs: list[Document],
    usable: list[list[Sentence]],
    hits: list[tuple[int, int]],
    terms: set[str],
    home: set[int],
    quotables: dict[tuple[int, int], tuple[float, ...] | None] | None = None,
    argued: list[list[tuple[str, ...]]] | None = None,
) -> list[tuple[float, int, int, str, int]]:
    """The theme's quotable sentences, best first: (score, doc, sentence, text, paragraph).
    A sentence that names none of the theme's terms (one of a section's) comes last.

    ``quotables`` keeps what does not depend on the theme, per sentence, across
    the themes of one corpus (a big file's candidates share many sentences)."""
    if quotables is None:
        quotables = {}
    inside = [t for t in terms if len(t) >= 2 and is_han(t[0])]  # may count inside a longer word
    scored = []
    for d_index, s_index in hits:
        s = usable[d_index][s_index]
        place = (d_index, s_index)
        fit = quotables.get(place, _UNSEEN)
        if fit is _UNSEEN:
            fit = quotables[place] = _fitness(docs[d_index], s, argued[d_index][s_index] if argued else ())
        if fit is None:
            continue
        doc = docs[d_index]
        text = doc.text[s.start : s.end].strip()
        if not fit:
            # A memo's summary line restates its findings; the finding on this theme
            # (one clause between semicolons) may back it as a quote, never as its gist.
            finding = _summary_finding(text, terms, doc.analysis_text[s.start : s.end])
            if finding:
                scored.append(
                    (-5.0 + len(terms.intersection(s.tokens)), d_index, s_index, finding, s.paragraph)
                )
            continue
        held = terms.intersection(s.tokens)
        if argued:
            held.update(terms.intersection(argued[d_index][s_index]))
        distinct = len(held)
        missing = [t for t in inside if t not in held]
        if missing:
            # a term inside a longer word counts (固态 in 全固态电池)
            said = doc.analysis_text[s.start : s.end]
            distinct += sum(1 for t in missing if t in said)
        score = distinct + 0.5 * distinct / fit[0] - fit[1]
        score -= 2.0 if not distinct else 0.0
        score += 2.0 if d_index in home else 0.0
        for penalty in fit[2:]:  # in this order: the same sums to the last bit
            score -= penalty
        scored.append((score, d_index, s_index, text, s.paragraph))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    return scored


_UNSEEN = object()


def _best_texts(ranked: list[tuple[float, int, int, str, int]], n: int) -> set[str]:
    """The first ``n`` different sentences of a ranking (a sentence a long document
    repeats counts once)."""
    out: set[str] = set()
    for row in ranked:
        if len(out) == n:
            break
        out.add(row[3])
    return out


KEEP_PER_DOCUMENT = 64
"""At least this many of a document's best sentences stay with each theme candidate
(besides five per theme shown): the choices of gists and quotes look past the
sentences other themes took or need, and past no more in practice."""


def _top_per_document(
    ranked: list[tuple[float, int, int, str, int]], keep: int
) -> list[tuple[float, int, int, str, int]]:
    """The best ``keep`` distinct sentences of each document, in rank order.

    What a theme keeps for choosing its gist and quotes once all themes are
    known: each choice takes a document's best sentence that no other theme
    stated, quoted or needs, so the rest are not reached, and a big file's
    candidates would otherwise hold millions of rows."""
    seen: dict[int, set[str]] = defaultdict(set)
    out = []
    for row in ranked:
        texts = seen[row[1]]
        if len(texts) < keep and row[3] not in texts:
            texts.add(row[3])
            out.append(row)
    return out


def _fitness(doc: Document, s: Sentence, argued: tuple[str, ...]) -> tuple[float, ...] | None:
    """What ranking a sentence needs from it across themes, once per sentence: its
    :func:`briefing.analysis.quotable.fitness` with, in front, how many distinct words it holds
    (its tokens and its argued terms; at least 1)."""
    marks = s.quote
    if marks == UNREAD:
        marks = quote_marks(doc, s.start, s.end, never=not s.quotable or s.heading)
    fit = fitness(doc, s.start, s.end, marks)
    if not fit:
        return fit
    return (max(len(set(s.tokens).union(argued)), 1), *fit)


def _summary_finding(text: str, terms: set[str], simplified: str) -> str | None:
    """The one finding of a memo's summary line ("主要发现：A；B；C。") that holds a
    theme term, as a clause of its own with the mark that ends it in the line
    ("B；", "C。": the briefing shows a clause cut before the line's end with an
    ellipsis, see :func:`briefing.excerpts.finish_cut`); None when none or several do."""
    body = MEMO_SUMMARY_RE.sub("", text, count=1)
    plain = MEMO_SUMMARY_RE.sub("", simplified, count=1)
    parts = re.split(r"(?<=[；;])", body)
    plains = re.split(r"(?<=[；;])", plain)
    if len(parts) < 2 or len(parts) != len(plains):
        return None
    found = [p for p, q in zip(parts, plains, strict=True) if any(t in q for t in terms)]
    if len(found) != 1 or len(found[0].strip().rstrip("；;")) < 12:
        return None
    return found[0].strip()  # verbatim: the quote points into its paragraph


def _gist_row(
    ranked: list[tuple[float, int, int, str, int]], docs: list[Document], *, arguing_only: bool = False
) -> tuple[float, int, int, str, int] | None:
    """The sentence that states the theme: the best Chinese one where there is one;
    never a memo summary's finding (scored below zero: it backs a theme, it does not
    state it). None when no sentence can (``arguing_only``: when none argues)."""
    stating = [r for r in ranked if r[0] > -4.0]
    # A sentence that argues states it; a roadmap, a definition, a method note, a pointer
    # to a table or background (老祖宗…所著的「证券分析」) only where none does.
    arguing = (r for r in stating if not _states_nothing(r[3]))
    first = next(arguing, None)
    if first is None:
        if arguing_only:
            return None
        return next((r for r in stating if docs[r[1]].language != "en"), stating[0] if stating else None)
    if docs[first[1]].language != "en":
        return first
    return next((r for r in arguing if docs[r[1]].language != "en"), first)


@functools.lru_cache(maxsize=4096)
def _states_nothing(text: str) -> bool:
    """A sentence that argues nothing of its own as a gist (weak_gists.yaml, background_cues.yaml),
    or that leans on the sentence before ("NAND Flash合约价同期预计上涨5%至10%。")."""
    return bool(weak_gist(text)) or background(_said(text)) or leans_back(text)


def _gist_and_quotes(
    ranked: list[tuple[float, int, int, str, int]],
    docs: list[Document],
    gist_row: tuple[float, int, int, str, int] | None = None,
    *,
    at_least_one: bool = True,
    stands: Callable[[tuple[float, int, int, str, int]], bool] | None = None,
) -> tuple[Quote, list[Quote]]:
    """The gist's sentence (``gist_row``, else :func:`_gist_row`) and 1-3 other
    sentences as quotes, from different documents first; never the gist's sentence again
    (without ``at_least_one``, none where ``ranked`` holds no other sentence); only
    sentences that ``stands`` (asked once each, as the choice reaches them) lets stand."""
    gist_row = gist_row or _gist_row(ranked, docs) or ranked[0]
    gist = Quote(text=gist_row[3], document=docs[gist_row[1]].path, paragraph=gist_row[4])
    rest = [r for r in ranked if r is not gist_row and r[3] != gist_row[3]]
    quotes: list[Quote] = []
    used = {gist_row[1]}
    standing: dict[int, bool] = {}

    def alone(r: tuple[float, int, int, str, int]) -> bool:
        if stands is None:
            return True
        if id(r) not in standing:
            standing[id(r)] = stands(r)
        return standing[id(r)]

    for row in rest:
        _, d_index, _, text, paragraph = row
        if d_index in used or not alone(row):
            continue
        quotes.append(Quote(text=text, document=docs[d_index].path, paragraph=paragraph))
        used.add(d_index)
        if len(quotes) == 3:
            break
    if not quotes:
        first = next((r for r in rest if alone(r)), None)
        quotes = [Quote(text=first[3], document=docs[first[1]].path, paragraph=first[4])] if first else []
    if not quotes and at_least_one:
        quotes = [gist]  # a theme of one quotable sentence: the gist is a clip of it
    return gist, quotes


def concept_words(label: str, terms: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words that say a theme's concept: its terms its label names (路线 of
    技术路线, not 电池 beside it; 地缘 and 政治 of 地缘政治), else all its terms,
    each with the words that argue it under another name (出海: 海外); and all its terms."""
    said = to_simplified(label)
    defining = [t for t in terms if any(w in said for w in _spellings(t))] or list(terms)
    return tuple(dict.fromkeys(w for t in defining for w in _spellings(t))), tuple(terms)


@functools.cache
def _change_words() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(direction, Chinese words longest first, English words) of change_words.yaml."""
    raw = data_yaml("change_words.yaml") or {}
    if not isinstance(raw, dict):
        raise ValueError("change_words.yaml: expected a mapping of direction → zh/en lists")
    out = []
    for direction, lists in sorted(raw.items()):
        if not isinstance(lists, dict):
            raise ValueError(f"change_words.yaml: {direction!r} needs zh and en lists")
        zh = tuple(sorted({str(w) for w in lists.get("zh") or []}, key=lambda w: (-len(w), w)))
        en = tuple(sorted({str(w).lower() for w in lists.get("en") or []}))
        out.append((str(direction), zh, en))
    return tuple(out)


_PLAIN_CHANGE = {"up": "回升", "down": "下降"}
"""The Chinese word a change English sources state is labelled with, where no Chinese
source says it ("outbound bookings recovered" twice: 出境游回升)."""


_EN_PIECE_RE = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|[$€£¥]?\d[\d.,]*%?|\S")


@functools.cache
def _english_clauses() -> dict[str, frozenset[str]]:
    """english_clauses.yaml: not_object, subordinate, quantity, change_nouns."""
    raw = data_yaml("english_clauses.yaml") or {}
    return {
        key: frozenset(str(w).lower() for w in raw.get(key) or ())
        for key in ("not_object", "subordinate", "quantity", "change_nouns")
    }


def _finds(text: str, phrase: str) -> list[int]:
    """Where ``phrase`` starts in ``text`` (both lower-case)."""
    out, at = [], text.find(phrase)
    while at >= 0:
        out.append(at)
        at = text.find(phrase, at + 1)
    return out


def _english_direction_of(term: str, clause: str) -> str | None:
    """The one direction an English clause states of ``term`` (a glossary term): a
    word of change with an object changes the object ("diversions had pushed up
    rates": the rates rose, not the diversions), one without changes what comes
    before it since the last clause opener ("freight rates fell from their peaks"),
    a noun of change what follows its "in" or "of"; the term's own phrase may hold
    the change ("production cuts": 减产)."""
    from briefing.nlp import en_tokens

    lowered = clause.lower()
    # the term's own English phrases that hold a word of change, where the clause writes them
    own = [
        (at, at + len(phrase))
        for phrase in _english_spellings((term,))
        if " " in phrase
        for at in _finds(lowered, phrase)
    ]
    table = _english_clauses()
    words = list(_EN_PIECE_RE.finditer(clause))
    found: set[str] = set()
    start = 0
    for i, m in enumerate(words):
        word = m.group().lower()
        if word in table["subordinate"] and not (
            word == "than" and i and words[i - 1].group().lower() in table["quantity"]
        ):
            start = m.end()  # (not "more than tripled": a quantity, no clause)
        directions = {d for d, _, en in _change_words() if word in en}
        if len(directions) != 1:
            continue
        if any(a <= m.start() < b for a, b in own):
            found |= directions
            start = m.end()
            continue
        j = i + 1
        while j < len(words) and (
            words[j].group().lower() in ("up", "down") or words[j].group().endswith("ly")
        ):
            j += 1
        following = words[j].group().lower() if j < len(words) else ""
        beyond = words[j + 1].group() if j + 1 < len(words) else ""
        # "a 5% decline in revenue", not "revenue growth of 1% to 3%"
        named_after = word in table["change_nouns"] and following in ("in", "of") and beyond.isalpha()
        after = following.isalpha() and (following not in table["not_object"] or named_after)
        side = clause[m.end() :] if after else clause[start : m.start()]
        if term in en_tokens(side):
            found |= directions
        start = m.end()
    return found.pop() if len(found) == 1 else None


_EN_CLAUSE_RE = re.compile(r";\s+|,?\s+(?:but|while|whereas|although|though|even as)\s+", re.IGNORECASE)


def _en_clause_of(term: str, text: str) -> str:
    """The clauses of an English sentence that name ``term`` (through the glossary):
    in "…shifted value towards the contract manufacturers, but gross margins fell"
    what fell is the margins, not the manufacturers."""
    from briefing.nlp import en_tokens

    clauses = [c for c in _EN_CLAUSE_RE.split(text) if c.strip()]
    if len(clauses) < 2:
        return text
    return " ".join(c for c in clauses if term in en_tokens(c)) or text


def _direction_of(word: str) -> str | None:
    """The direction of a Chinese change word (回升: up), or None."""
    return next((direction for direction, zh, _ in _change_words() if word in zh), None)


def _changed_concept(theme: Theme) -> str | None:
    """The concept a label names a change of, where it is one term that argues on its own
    (亏损收窄 → 亏损, a word of argument_words.txt), else None (支架降价: 支架 names no argument)."""
    if label_change(theme.label, theme.terms) == ((), ()):
        return None
    said = to_simplified(theme.label)
    defining = [t for t in theme.terms if any(w in said for w in _spellings(t))]
    if len(defining) != 1 or not is_argument(defining[0]) or not said.startswith(defining[0]):
        return None
    return defining[0]


def label_change(label: str, terms: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The change a label says of its concept (亏损收窄: 收窄, 支架降价: 降价), as the
    Chinese and English words that state a change in that direction
    (change_words.yaml); empty when the label names no change beside its concept's
    words (负增长, 价格战), names two (a joined label, 价格下降，但市场并未萎缩), or
    changes in both directions."""
    said = to_simplified(label)
    if re.search(r"[与和、，,]", said):
        return (), ()
    defining = concept_words(label, terms)[0]
    rest = said
    for w in sorted(defining, key=len, reverse=True):
        rest = rest.replace(w, " ")
    found = [(zh, en) for _, zh, en in _change_words() if any(w in rest for w in zh)]
    if len(found) != 1:
        return (), ()
    return found[0]


_EN_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ZH_CLAUSE_RE = re.compile(r"[，,；;：:。！？!?]")


def states_change(
    text: str, concept: tuple[str, ...], change: tuple[tuple[str, ...], tuple[str, ...]]
) -> bool:
    """The sentence states the label's change for its concept: a Chinese clause that
    names a word of the concept, or the clause right after it, says a word of the
    change ("…虧損收窄至8.8億美元"), or,
    where no clause names the concept (an English sentence, one reached through two
    terms), the sentence does ("Coronary stents fell from…")."""
    zh, en = change
    if not zh and not en:
        return True
    said = to_simplified(text)
    if any(is_han(c) for c in said):
        parts = _ZH_CLAUSE_RE.split(said)
        # the clause that names the concept, or the one right after it ("…获得版号，较2022年的
        # 468款翻了一倍多"), not another clause of the sentence on something else
        at = [i for i, c in enumerate(parts) if any(w in c for w in concept)]
        clauses = [c for i in at for c in parts[i : i + 2]] or [said]
        return any(w in c for c in clauses for w in zh)
    return not set(_EN_WORD_RE.findall(said.lower())).isdisjoint(en)


MIN_ARGUED = 2
"""Sentences that must state a theme's concept (and the change its label names)."""


def _argued_in(
    cand: _Candidate,
    theme: Theme,
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
    label: str | None = None,
) -> int:
    """How many different sentences of the theme state it (:func:`_argues`), under its
    label or ``label``."""
    label = label or theme.label
    words = concept_words(label, theme.terms)
    change = label_change(label, theme.terms)
    return len({r[3] for r in cand.ranked if _argues(r, words, usable, argued, change)})


def _argues(
    row: tuple[float, int, int, str, int],
    words: tuple[tuple[str, ...], tuple[str, ...]],
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
    change: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> bool:
    """A theme's sentence argues it where it says one of its concept's words, or two
    of its terms together (资本 and 流量 under 产业、技术与模式革命, whose terms share
    sentences): among its terms (an English sentence reaches them through the glossary)
    or, in Chinese, in its text (固态 in 全固态电池). A memo summary's finding (a
    clause of its line) by its text only. A line that only lists a term beside another
    theme's (贸易壁垒：美国提高光伏电池和组件关税 under 技术路线) argues neither."""
    defining, terms = words
    every, han = _argue_words(words)
    said = _said(row[3])
    held = {w for w in han if w in said}
    if row[0] > -4.0:
        d, s = row[1], row[2]
        held |= every.intersection(usable[d][s].tokens)
        held |= every.intersection(argued[d][s])
    if held.isdisjoint(defining) and len(held.intersection(terms)) < 2:
        return False
    # under a label that names a change of its concept (亏损收窄), the sentence states that change
    return states_change(row[3], defining, change)


def label_rest(label: str, defining: tuple[str, ...]) -> str:
    """What a label says of its concept beside the concept's word, where that is an
    argument of its own: 成本 of 电池成本, 落地 of 人工智能落地; empty for a contrast or a
    list (X与Y), a label that is its term (价格战), a rest that argues nothing (技术 of
    技术路线) or one that only frames the concept (模式 of 换电模式: label_frames.txt)."""
    said = to_simplified(label)
    if re.search(r"[与和、，,]", said):
        return ""
    named = [w for w in sorted(defining, key=len, reverse=True) if w and w in said]
    if not named:
        return ""
    for w in named:
        said = said.replace(w, "", 1)
    if len(said) < 2 or not _HAN_ONLY.fullmatch(said) or not is_argument(said) or said in _label_frames():
        return ""
    return said


@functools.cache
def _label_frames() -> frozenset[str]:
    return frozenset(data_lines("label_frames.txt"))


def _says_word(
    row: tuple[float, int, int, str, int],
    word: str,
    usable: list[list[Sentence]],
    argued: list[list[tuple[str, ...]]],
) -> bool:
    """The sentence says ``word``: in its text, or (an English sentence, through the
    glossary) among its terms."""
    if word in _said(row[3]):
        return True
    if row[0] <= -4.0:
        return False
    d, s = row[1], row[2]
    return word in usable[d][s].tokens or word in argued[d][s]


_SIGNPOST_RE = re.compile(r"^\s*([^：:，,。]{1,12}?)\s*[：:]\s*(?=\S)")


@functools.lru_cache(maxsize=1024)
def _argue_words(
    words: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[frozenset[str], tuple[str, ...]]:
    """A theme's words as :func:`_argues` tests them, once per theme rather than per
    sentence: all of them, and those a Chinese text may hold inside a longer word."""
    both = (*words[0], *words[1])
    return frozenset(both), tuple(w for w in both if is_han(w[0]))


@functools.cache
def _signposts() -> frozenset[str]:
    return frozenset(line.lower() for line in data_lines("signposts.txt"))


def without_signpost(text: str) -> str:
    """``text`` without an author's signpost before a colon ("先说结论：", "Bottom
    line:"; signposts.txt), when something follows it."""
    m = _SIGNPOST_RE.match(text)
    if m and to_simplified(m.group(1)).strip().lower() in _signposts() and len(text) - m.end() >= 8:
        return text[m.end() :]
    return text


_FRAMING_LABEL_RE = re.compile(r"^([^，,。；;：:\d“”\"]{2,12})[：:]\s*(?=\S)")
"""A short label before a colon ("核心产值：2025年…", "低空联动：…"): framing, not part of the finding."""


@functools.cache
def _label_verbs() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, data_lines("label_verbs.txt"))) or r"(?!)")


def _filed_elsewhere(text: str, label: str, labels: AbstractSet[str]) -> bool:
    """The line opens with another theme's label before a colon (垂直整合：自产刀片电池…,
    one of ``labels``) and does not write ``label`` (each part of 加盟模式与单店盈利)."""
    m = _FRAMING_LABEL_RE.match(text)
    if not m:
        return False
    filed = to_simplified(m.group(1)).strip()
    if filed == label or filed not in labels:
        return False
    said = to_simplified(text[m.end() :])
    return not all(p in said for p in re.split(r"[与和、]", label) if p)


def without_framing(text: str, actors: AbstractSet[str] = frozenset()) -> str:
    """The sentence without a short framing label before a colon ("核心产值：",
    "低空联动："), unless the label names who the finding is about (an actor, an
    organisation) or states a claim itself (a verb of label_verbs.txt: "招商银行的
    优势来自零售业务：…"). A takeaway and a theme's gist line drop it alike."""
    m = _FRAMING_LABEL_RE.match(text)
    if not m or any(a in to_simplified(m.group(1)) for a in actors) or len(text) - m.end() < 16:
        return text
    if _label_verbs().search(to_simplified(m.group(1))):
        return text
    if gazetteer().find(to_simplified(m.group(1))):
        return text
    return text[m.end() :]


def _gist(sentence: str, limit: int = 60, terms: list[str] | None = None) -> str:
    """One line from the gist's sentence: the sentence, cut at a clause boundary
    when long; when that cut loses every word of the theme (``terms``, its label
    first), the clauses that hold them instead ("…但其内地商业房地产贷款的减值准备
    大幅增加，市场对其资产质量仍有疑虑", not the sentence's opening figures); an
    author's signpost before a colon ("先说结论：") or a framing label ("低空联动：",
    :func:`without_framing`) is not part of it, unless the label is the theme's own
    concept ("垂直整合：自产刀片电池…" under 垂直整合)."""
    text = without_signpost(sentence.strip())
    terms = [t for t in terms or [] if t]
    if text.isascii():
        limit = int(
            limit * 2.5
        )  # as many words as a Chinese line: an English word is about 2.5 characters of Chinese
    if text.isascii() and terms:
        # an English sentence says the theme in the glossary's words ("exports" for 出口)
        terms = [*terms, *_english_spellings(tuple(terms))]
    framed = without_framing(text)
    if not any(t in to_simplified(text[: len(text) - len(framed)]) for t in terms):
        text = framed
    cut = clip(text, limit)
    if cut == text or not terms or any(t in to_simplified(cut) for t in terms):
        return cut
    for names in (terms[:1], terms[1:]):
        stub = actor_stub(text, names, limit) if names else None
        if stub is not None:
            return stub
    return cut


@functools.lru_cache(maxsize=1024)
def _english_spellings(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The glossary's English words for ``terms`` (exports, export for 出口), longest first."""

    return tuple(sorted({en for en, zh in glossary().items() if zh in terms}, key=lambda w: (-len(w), w)))


SPARE_ROWS = 8
"""Sentences, best first, a theme keeps to state it instead of its gist."""


def opening_pointer(text: str) -> str | None:
    """The word a Chinese sentence opens with that points back to an organisation
    named before (该公司, 公司, 其: organisations.yaml's demonstratives and ellipsis
    words), as written; None when it opens otherwise (其实, 其他 and 其中 point to none)."""
    body = text.lstrip()
    simplified = to_simplified(body)
    if _NOT_AN_ORGANISATION_RE.match(simplified):
        return None
    w = org_words()
    for pointer in sorted({*w.demonstratives, *w.ellipsis_words}, key=lambda p: (-len(p), p)):
        if simplified.startswith(pointer):
            return body[: len(pointer)]
    return None


_NOT_AN_ORGANISATION_RE = re.compile(
    r"^(?:其实|其他|其余|其中|其次|其一|其二|其间|其后|它们|公司们|公司法|公司债|公司治理|公司制)"
)
"""Openings that look like a pointer back to a company and are none (其实, 公司法)."""


_SentenceIndex = tuple[dict[int, int], dict[int, list], dict[int, list]]
_NO_PLACES: frozenset[tuple[int, int]] = frozenset()


def sentence_index(analysis: DocAnalysis) -> _SentenceIndex:
    """A document's sentences by their start, and its mentions and figures by
    sentence: built once per document whose gist needs it, not scanned per sentence
    (a big file holds a million sentences)."""
    mentions: dict[int, list] = defaultdict(list)
    figures: dict[int, list] = defaultdict(list)
    for m in analysis.mentions:
        mentions[m.sentence].append(m)
    for f in analysis.figures:
        figures[f.sentence].append(f)
    return {x.start: i for i, x in enumerate(analysis.sentences)}, mentions, figures


def _opening_referent(
    analysis: DocAnalysis, sentence: Sentence, text: str, index: _SentenceIndex | None = None
) -> tuple[str, str] | None:
    """(pointer, organisation) for a sentence that opens with a pointer back to an
    organisation the document's reading resolved: a pronoun subject there ("公司有望…",
    a mention told by ``pronoun …``) or a figure the sentence gives and the reading
    owned through the pointer ("公司全年总收入为24.6亿美元": 百济神州, ``公司/其 → …``).
    None when the sentence names an organisation of its own before the figure.
    ``index``: the document's :func:`sentence_index`, where several sentences are asked."""
    pointer = opening_pointer(text)
    if pointer is None:
        return None
    starts, mentions, figures = index or sentence_index(analysis)
    at = starts.get(sentence.start)
    if at is None:
        return None
    here = mentions.get(at, [])
    for m in here:
        if m.evidence.startswith("pronoun") and m.surface == pointer:
            return pointer, m.name
    for f in figures.get(at, []):
        if "→" not in f.attribution or "\t" in f.org:
            continue  # owned through a pointer, by one organisation (not 分别's list)
        if any(not m.evidence.startswith("pronoun") and m.start < f.start for m in here):
            return None  # a name of its own: the figure's owner is not the pointer's
        return pointer, f.org
    return None


def _owner_as_written(doc: Document, analysis: DocAnalysis, name: str) -> str:
    """An organisation's name as a document writes it where its script would not
    (an English document's "NIO" for 蔚来), else its name."""
    if doc.language != "en":
        return name
    return next(
        (
            m.surface
            for m in analysis.mentions
            if m.name == name and m.surface.isascii() and not m.evidence.startswith("pronoun")
        ),
        name,
    )


LACKS_OWNER = ("", "\t")
"""What :func:`implied_owner` says of a sentence that leans on an organisation it does
not name and that the document's reading could not tell (or told several)."""


def implied_owner(
    doc: Document, analysis: DocAnalysis, sentence: Sentence, text: str, index: _SentenceIndex
) -> tuple[str, str] | None:
    """(pointer, organisation) for a sentence that leans on an organisation it does not
    name, as its document's reading resolved it: a pointer it opens with (公司, 该公司,
    其: :func:`_opening_referent`), the short heading above it when it names no
    organisation ("垂直整合：自产刀片电池…" under "### 比亚迪"), or the one organisation
    told before it that owns its figures ("2023年交付16.0万辆…" where 蔚来 is the
    section's topic, "…the company delivered 160,038 vehicles", a figure owned through
    ``该公司 → …``, ``ellipsis → section topic``…, or a pronoun it holds: "…，公司有望…").
    None when the sentence names its own
    subject or gives no one's figures; LACKS_OWNER when it leans on an organisation the
    reading did not resolve, or on several ("分别" after a list): shown alone, the
    reader cannot tell whose it is."""
    if opening_pointer(text) is not None:
        return _opening_referent(analysis, sentence, text, index) or LACKS_OWNER
    at = index[0].get(sentence.start)
    if at is None:
        return None
    named = {m.name for m in index[1].get(at, []) if not m.evidence.startswith("pronoun")}
    if not named and (owner := _heading_owner(doc, sentence)) is not None:
        return "", owner
    told = {f.org for f in index[2].get(at, []) if "→" in f.attribution and f.org not in named}
    # a pronoun the reading resolved inside it ("…，公司有望在2025年前后实现经营性盈利")
    pronouns = {m.name: m.surface for m in index[1].get(at, []) if m.evidence.startswith("pronoun")}
    told.update(n for n in pronouns if n not in named)
    if not told:
        return None
    if len(told) > 1 or any("\t" in o for o in told):
        return LACKS_OWNER
    owner = told.pop()
    return pronouns.get(owner, ""), owner


def _heading_owner(doc: Document, sentence: Sentence) -> str | None:
    """The organisation the short heading right above a sentence is about ("### 蔚来（NIO）",
    "比亞迪：垂直整合，自產自用": it opens with the name, alone or before a colon or its
    alias), or None: a note under it that names no organisation itself is about it."""
    above = [h for h in doc.headings if h.paragraph < sentence.paragraph]
    if not above or len(above[-1].text) > HEADING_OWNER_MAX:
        return None
    text = to_simplified(above[-1].text).strip()
    found = gazetteer().find(text)
    # the heading is the organisation's ("蔚来（NIO）", "比亞迪：垂直整合…"), not a statement
    # that names it ("价格战从特斯拉蔓延到全行业": its section is about the price war)
    if not found or found[0].start != 0 or not _HEADING_NAME_END_RE.match(text, found[0].end):
        return None
    return found[0].name


_HEADING_NAME_END_RE = re.compile(r"\s*(?:$|[（(：:])")


HEADING_OWNER_MAX = 24
"""A heading longer than this is a statement, not an organisation's name."""


def with_referent(line: str, referent: tuple[str, str] | None) -> str:
    """A theme's one-line gist that opens with a pointer back to an organisation (or
    whose clause after a speaker does: "分析员指出，集团（新世界发展）需要…"), with the
    organisation named after it ("公司（百济神州）全年總收入為…"): the reader has not
    read the sentence before it. The gist's source sentence stays as written."""
    if referent is None:
        return line
    pointer, name = referent
    if not pointer:  # a heading's organisation: "（蔚来）2023年交付…"
        body = line.lstrip()
        return line if body.startswith(("（", "(")) else f"{line[: len(line) - len(body)]}（{name}）{body}"
    # the pointer opening the sentence, or a clause after a speaker ("分析员指出，集团（…）需要…")
    simplified = to_simplified(line)  # the pointer as the reading wrote it (集团 of 集團)
    at = re.search(rf"(?:^\s*|[，,：:]\s*){re.escape(to_simplified(pointer))}(?![（(])", simplified)
    if at is None or len(simplified) != len(line):
        return line
    end = at.end()
    return f"{line[:end]}（{name}）{line[end:]}"


def _clauses(text: str) -> set[str]:
    return {
        c for c in re.split(r"[，,；;：:。！？!?（）()\s]+", to_simplified(text)) if len(c) >= RESTATED_CLAUSE
    }


RESTATED_CLAUSE = 10
"""Characters of a clause two sentences share that make one restate the other."""


def restates(a: str, b: str) -> bool:
    """One sentence says again what the other says: one holds the other, or they
    share a clause of RESTATED_CLAUSE characters or more (中汽协统计数据显示，我国汽车产销量
    继4月份…之后，… and 我国汽车产销量继4月份…之后，…，即便有淡季因素影响…)."""
    if a == b or a in b or b in a:
        return True
    return not _clauses(a).isdisjoint(_clauses(b))


def _pointed(theme: Theme) -> tuple[str, ...]:
    """The argument a label names that its gist should say: its terms that argue (出口
    of 出口钢材), else the label's own argument word that is no change of direction
    (补栏 of 养殖户补栏; a change is said in many words: 下跌, 下降, fell)."""
    own = tuple(w for w in concept_words(theme.label, theme.terms)[0] if is_argument(w))
    if own:
        return own
    label = to_simplified(theme.label)
    found = [w for w in _argument_words() if len(w) >= 2 and w in label and _direction_of(w) is None]
    return tuple(w for w in found if not any(w != v and w in v for v in found))


def _says_any(text: str, words: list[str]) -> bool:
    """The sentence writes one of ``words`` (an English one through the glossary; a
    memo's rubric counts: "价格战：…" is filed under 价格战)."""
    said, tokens = _simplified_tokens(text)
    return any(w in said for w in words) or not tokens.isdisjoint(words)


@functools.lru_cache(maxsize=65536)
def _simplified_tokens(text: str) -> tuple[str, frozenset[str]]:
    """A sentence in Simplified script and, where it is English, its tokens: each
    theme asks the same sentences again (a large folder's themes share thousands)."""
    said = to_simplified(text)
    return said, frozenset(en_tokens(said)) if said.isascii() else frozenset()


def gists_apart(
    themes: list[Theme],
    takeaways: list[str],
    spares: dict[str, list[Quote]],
    referents: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Say each thing once: a theme whose gist restates a takeaway is stated by its
    next sentence that restates none (a spare, else one of its quotes where it keeps
    another); the takeaway says the rest. In place."""
    taken = {t.gist_source.text for t in themes if t.gist_source} | {q.text for t in themes for q in t.quotes}
    for theme in themes:
        source = theme.gist_source
        if source is None or not any(restates(source.text, t) for t in takeaways):
            continue
        fresh = [q for q in spares.get(theme.label, []) if q.text not in taken]
        fresh += theme.quotes if len(theme.quotes) >= 2 else []
        # first a sentence that says the argument the label names (出口 of 出口钢材), else
        # the concept it names changing (新船价格 of 新船价格上涨)
        pointed = list(_pointed(theme)) or list(concept_words(theme.label, theme.terms)[0])
        if pointed:
            fresh.sort(key=lambda q: not _says_any(q.text, pointed))
        # the takeaway's very sentence (cited there, not printed twice) gives way only to
        # one that says the label's argument as it does (重心放在自製IP under 自制IP)
        keeps = source.text in takeaways and bool(pointed) and _says_any(source.text, pointed)
        for q in fresh:
            if any(restates(q.text, t) for t in takeaways):
                continue
            if keeps and not _says_any(q.text, pointed):
                continue
            if referents is not None and q.text not in referents and opening_pointer(q.text) is not None:
                continue  # "公司全年总收入…" with no organisation its reading resolved: never a gist
            log.debug("theme %s: gist restates a takeaway, stated by %s", theme.label, q.text[:30])
            theme.quotes = [x for x in theme.quotes if x is not q]
            line = _gist(q.text, terms=[theme.label, *theme.terms])
            theme.gist_source, theme.gist = q, with_referent(line, (referents or {}).get(q.text))
            taken.add(q.text)
            break
        else:
            # every other sentence restates one too: the takeaway's own sentence states the
            # theme (the rendered briefing cites it there) rather than a second telling of it
            told = next(
                (q for q in [*spares.get(theme.label, []), *theme.quotes] if q.text in takeaways), None
            )
            others = [t for t in themes if t is not theme]
            if (
                told is None
                or source.text in takeaways  # the gist is the takeaway's own sentence already
                or any(t.gist_source and t.gist_source.text == told.text for t in others)
            ):
                continue
            # …which another theme, quoting it beside two more, leaves to this one
            quoting = [t for t in others if any(q.text == told.text for q in t.quotes)]
            if all(len(t.quotes) >= 2 for t in quoting):
                for t in quoting:
                    t.quotes = [q for q in t.quotes if q.text != told.text]
                log.debug("theme %s: gist restates a takeaway, stated by the takeaway itself", theme.label)
                theme.quotes = [x for x in theme.quotes if x is not told]
                line = _gist(told.text, terms=[theme.label, *theme.terms])
                theme.gist_source, theme.gist = told, with_referent(line, (referents or {}).get(told.text))


@functools.cache
def _argument_spellings() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each argument and the words a label may name it by (same_arguments.yaml, and
    the variants of concept_variants.yaml)."""
    raw = data_yaml("same_arguments.yaml") or {}
    if not isinstance(raw, dict):
        raise ValueError("same_arguments.yaml: expected a mapping of argument → list of words")
    words: dict[str, set[str]] = defaultdict(set)
    for key, listed in raw.items():
        words[str(key)].update({str(key), *(str(w) for w in listed or [])})
    for word, key in _listed_variants().items():
        words[key].update({key, word})
    return tuple((key, tuple(sorted(ws, key=lambda w: (-len(w), w)))) for key, ws in sorted(words.items()))


def label_arguments(label: str) -> frozenset[str]:
    """The arguments a label names (支架降价 → 降价, 价格下降，但市场并未萎缩 → 降价)."""
    simplified = to_simplified(label)
    return frozenset(key for key, words in _argument_spellings() if any(w in simplified for w in words))


def _one_change(a: Theme, b: Theme) -> bool:
    """The two labels say one change of one concept in other words (克重金饰遇冷 and
    克重金饰下滑: 克重金饰 falls), whatever their sentences."""
    changes = []
    for theme in (a, b):
        said = to_simplified(theme.label)
        word = max((w for w in _argument_words() if said.endswith(w)), key=len, default="")
        if not word or "价" in word or "本" in word or (direction := _direction_of(word)) is None:
            return False  # (a price move, 降价 or 涨价, is no change of an amount: 金饰降价 ≠ 金饰下滑)
        changes.append((said[: -len(word)], direction))
    return changes[0] == changes[1] and len(changes[0][0]) >= 2


def _distinct(
    themes: list[tuple[_Candidate, Theme]], stating: dict[int, int] | None = None
) -> list[tuple[_Candidate, Theme]]:
    """Strongest first, drop a theme that rests on the sentences of a stronger one,
    repeats its label, or names its argument in other words (支架降价, 价格下降) in a
    document and a sentence they share: two such themes are one argument. Of one
    author's theme and one several sources argue, the latter is the theme where it has
    half the former's sentences, or (``stating``: the sentences that state each theme's
    label) states the label they share as often: a headline's 出海 counts every line of
    its article on 电池 and 价格战, the sources' 出海 only those on going abroad."""
    stating = stating or {}
    kept: list[tuple[_Candidate, Theme]] = []
    places: dict[int, set[tuple[int, int]]] = {}  # each kept theme's sentences, as a set once
    for cand, theme in themes:
        mine = places[id(cand)] = set(cand.hits)
        same = None
        named = label_arguments(theme.label)
        for other_cand, other in kept:
            theirs = places[id(other_cand)]
            shared = len(mine & theirs)
            overlap = shared / max(min(len(mine), len(theirs)), 1)
            # Most of the smaller one's sentences, and a good part of the larger's: one argument.
            # One shared sentence joins no two themes (a sentence may argue two things).
            same_sentences = (
                overlap >= SAME_ARGUMENT and shared >= 0.3 * max(len(mine), len(theirs)) and shared >= 2
            )
            # …unless both labels name the argument that sentence makes, in one document, or
            # name it of sources the stronger one argues it in (新药授权, 创新药对外授权).
            same_words = bool(
                named
                and named & label_arguments(other.label)
                and (shared or set(theme.documents) <= set(other.documents))
            )
            if same_sentences or same_words or _one_change(theme, other):
                same = other
                break
        taken = {other.label for _, other in kept}
        if same is None and _repeats(theme.label, taken):
            # Another argument under a word a stronger theme took: its next label, if it has
            # one; one that joins the stronger one's label to another (电池成本与竞争规则 beside
            # 电池成本) is that theme.
            free = [o for o in cand.options if not _repeats(zh_punctuation(o), taken)]
            if free and theme.label in taken:
                theme.label = cand.label = zh_punctuation(free[0])
            else:
                same = next(other for _, other in kept if _repeats(theme.label, {other.label}))
        if same is None:
            kept.append((cand, theme))
            continue
        at = next(i for i, (_, other) in enumerate(kept) if other is same)
        as_often = theme.label == same.label and stating.get(id(theme), 0) >= max(
            stating.get(id(same), 0), MIN_ARGUED
        )
        if len(theme.documents) > len(same.documents) == 1 and (
            theme.mentions >= 0.5 * same.mentions or as_often
        ):
            # One author's heading and an argument several sources make: the latter is the theme.
            log.debug("theme %s is %s", same.label, theme.label)
            kept[at] = (cand, theme)
            continue
        log.debug("theme %s is %s", theme.label, same.label)
    return kept


def _repeats(label: str, taken: set[str]) -> bool:
    """The label is one a stronger theme bears, or joins one to another argument
    (电池成本与竞争规则 beside 电池成本): said once, under the stronger theme."""
    return label in taken or any(part in taken for part in re.split(r"[与、]", label) if part != label)


def keep_labels(themes: list[Theme], continuing: list[ThemeMatch]) -> None:
    """Across editions a theme keeps its identity: a theme matched by content to
    the previous edition's (``Changes.continuing_themes``) takes its label back,
    unless another theme already bears that label."""
    labels = {t.label for t in themes}
    renames = {m.found_as: m.label for m in continuing if m.found_as != m.label}
    for theme in themes:
        old = renames.get(theme.label)
        if old and old not in labels:
            labels.discard(theme.label)
            theme.label = old
            labels.add(old)
