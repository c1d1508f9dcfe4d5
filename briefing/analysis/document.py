"""Per-document analysis: a pure function of one document's text.

Sentences with their tokens, organisation mentions (gazetteer plus discovery)
and figures with the organisation they belong to. Nothing here looks at other
documents, so the result can be cached by the document's content hash.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from briefing import children
from briefing.analysis.cues import speaks_as_company
from briefing.analysis.figures import (
    MARKET,
    Hit,
    OrgRef,
    attribute,
    figures_in,
    market_frame,
    named_unit,
    period_in,
    refine_measures,
    regional_measure,
    to_level,
    year_of,
)
from briefing.analysis.findings import read_findings
from briefing.analysis.names import (
    Found,
    discover,
    discover_en,
    fits_pointer,
    org_type,
    pointer_sectors,
    reject_reason,
    words,
)
from briefing.analysis.quotable import quote_marks
from briefing.analysis.roles import ACTS, DEAL_TARGET, EXAMPLE, MENTIONED, SOURCE, SPEAKER, roles
from briefing.analysis.tables import SEPARATOR as TABLE_SEPARATOR
from briefing.analysis.tables import row_sentence, row_sentence_en, table_rows
from briefing.excerpts import cross_reference
from briefing.gazetteer import Gazetteer, gazetteer
from briefing.memo import research_task
from briefing.model import Document, Serializable
from briefing.nlp import (
    en_tokens,
    glossary,
    is_coined_term,
    is_term,
    is_theme_term,
    rarity,
    split_sentences,
    zh_cut,
)
from briefing.resources import data_lines, data_yaml
from briefing.script import to_simplified

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Sentence(Serializable):
    """A sentence of a document and the tokens analysis counts in it."""

    paragraph: int
    """Paragraph index."""
    start: int
    """Offset of the sentence in the document's text."""
    end: int
    """Offset one past its end."""
    tokens: list[str]
    """Terms in order (Simplified Chinese, glossary-mapped English, lower-case
    English words, canonical organisation names); function words removed."""
    garbled: bool = False
    """Holds mojibake: never quoted."""
    heading: bool = False
    """Is (the start of) a heading or an author's numbered point."""
    gap: bool = False
    """Holds a placeholder the author left to fill in (「XX」, 【待补充】): never quoted."""
    meta: bool = False
    """A document's framing line ("研究范围：…", "Method: …"), or a cross-reference to another
    place of it ("见上文…", "如上所述", "see above"), not a finding: never quoted."""
    quote: int = -1
    """Its verdict as a theme's quote, read with the sentence (-1 before it is read): see
    :func:`briefing.analysis.quotable.quote_marks`."""
    finding: int = -1
    """Whether it may be a takeaway, read with its document once the roles of its
    names are known: an index into :data:`briefing.analysis.findings.REASONS` (0:
    it may), -2 where its shape rules it out, -1 before it is read."""

    @property
    def quotable(self) -> bool:
        """May be quoted to a reader: not garbled, no placeholder, not framing."""
        return not (self.garbled or self.gap or self.meta)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sentence:
        """:meth:`Serializable.from_dict` without its per-field plan: a warm run reads
        every cached sentence of the folder (tens of thousands), each of plain values
        only. Its token list is taken as given, not copied (it comes from decoded JSON
        or a fresh ``to_dict``)."""
        try:
            return cls(**data)
        except TypeError:  # a field this version lacks: the generic reading leaves it out
            return Serializable.from_dict.__func__(cls, data)  # type: ignore[attr-defined]


@dataclass(slots=True)
class Mention(Serializable):
    """An organisation named in a sentence."""

    name: str
    """Canonical name."""
    surface: str
    """The name as written (original script)."""
    sentence: int
    """Index of the sentence in ``DocAnalysis.sentences``."""
    start: int
    """Offset in the document's text."""
    type: str = ""
    """Organisation type for discovered names (gazetteer names leave it empty)."""
    role: str = ""
    """What it does in the sentence: ``acts``, ``speaker``, ``source``,
    ``example``, ``ranking``, ``stock`` or ``mentioned`` (see ``roles.py``)."""
    cue: str = ""
    """The word that decided the role (推出, 表示, 根据, 等, 位列, a measure…)."""
    evidence: str = ""
    """How the name was recognised here: ``gazetteer``, a discovery evidence
    (``suffix 股份``, ``title 董事长``, ``stock code``…) or ``repeat`` (a name
    discovered elsewhere in the document)."""


@dataclass(slots=True)
class FigureCandidate(Serializable):
    """A number with a measure, attributed to an organisation in the same document."""

    org: str
    value: float
    unit: str
    measure: str
    raw: str
    sentence: int
    start: int
    year: int | None = None
    relative_year: int | None = None
    """-1 for 去年 (last year) etc., resolved with the document's date later."""
    source: str | None = None
    qualifier: str = ""
    """约, 超过, 近, 不到… as the text says, or empty."""
    value_max: float | None = None
    """Upper end of a range."""
    caveats: list[str] = field(default_factory=list)
    """Data gaps the author left in the same sentence (「时间点」)."""
    counterpart: str | None = None
    """The other party of a deal (the investor of 获投资)."""
    attribution: str = ""
    """How the owner was decided (clause subject, deal, 分别, a pronoun…)."""
    scope: str = ""
    """The part of the owner it covers (其中上海超级工厂…), or empty."""
    period: str = ""
    """The part of the year it covers (一季度, 上半年, 前4个月…), or empty for a full year."""
    kind: str = "fact"
    """``fact``, ``forecast`` or ``target`` (see ``figures.Hit.kind``)."""
    previous: float | None = None
    """The value the clause says this one replaced (由X上调至Y: X), or null."""
    previous_raw: str = ""
    """``previous`` as written."""


@dataclass
class DocAnalysis(Serializable):
    """Everything later stages need from one document."""

    path: str
    """The document's path (its ``Document.path``)."""
    sha256: str
    """SHA-256 of the document's bytes."""
    language: str
    """Its language (``zh`` or ``en``)."""
    sentences: list[Sentence] = field(default_factory=list)
    """Its sentences, in order."""
    mentions: list[Mention] = field(default_factory=list)
    """The organisations its sentences name, in order."""
    figures: list[FigureCandidate] = field(default_factory=list)
    """Its figures with their owners."""
    theme_terms: dict[str, float] = field(default_factory=dict)
    """Terms of this document fit to name a theme, with their general-language
    rarity (log of jieba's total frequency over the word's), so that the
    aggregate steps never need jieba."""
    topic: str | None = None
    """The company the document is about (named in its title), if any."""
    title_words: list[str] | None = None
    """jieba's words of the Simplified title (None before it is read): the folder's
    subject is read from the titles without loading jieba in the aggregate steps."""
    title_ends: list[str] | None = None
    """For each length i of the Simplified title's beginning, the last word jieba
    cuts from those i characters ("" for none): the word a title writes before
    a term (晶圆 of 晶圆代工), as cutting that beginning alone gives it."""


# ------------------------------------------------------------------ analyse


@functools.cache
def _domain() -> frozenset[str]:
    from briefing.nlp import domain_words

    return frozenset(domain_words())


@functools.cache
def _actions() -> frozenset[str]:
    return frozenset(w for line in data_lines("actions.txt") for w in line.split())


@functools.cache
def _meta_labels() -> frozenset[str]:
    return frozenset(line.lower() for line in data_lines("meta_labels.txt"))


_LABEL_RE = re.compile(r"^\s*(?:[#>*\-]\s*)*\**([^：:，,。\n]{1,24}?)\**\s*[：:]")
_LATIN_NAME_RE = re.compile(r"[A-Z][A-Za-z0-9]")


@functools.cache
def _caption_re() -> re.Pattern[str]:
    patterns = data_lines("captions.txt")
    return re.compile(
        r"^\s*(?:[#>*\-_]\s*)*(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.IGNORECASE
    )


def is_meta_line(sentence: str) -> bool:
    """The sentence opens with a framing label such as "研究范围：" or "Methodology:",
    or is a figure's or table's caption ("图2.…", "Figure 3: …"; captions.txt)."""
    m = _LABEL_RE.match(sentence)
    if m and m.group(1).strip().lower() in _meta_labels():
        return True
    return bool(_caption_re().match(sentence))


def full_sentence(text: str) -> bool:
    """A numbered point written as a sentence of more than one clause, closed by a full
    stop ("2、美团发布新版外卖平台，新增即时配送功能。"): news, not a title, however short."""
    t = text.strip()
    return t.endswith(("。", "！", "？")) and bool(re.search(r"[，,；;]", t[:-1]))


def _heading_like(paragraph: str) -> bool:
    """A short line without sentence punctuation that opens a section
    ("中原内配受益国际市场订单转移")."""
    p = paragraph.strip()
    return 0 < len(p) <= 32 and not re.search(r"[。！？!?；;，,：:]", p[:-1]) and p[-1:] not in "。！？!?"


@dataclass
class _Span:
    start: int
    end: int
    name: str
    type: str
    evidence: str
    found: Found | None = None
    """The discovery that made it (until :func:`_settle_names` has read it)."""


def _settle_names(spans: list[list[_Span]], gaz: Gazetteer) -> dict[str, Found]:
    """The names discovery found, first find first, read in document order: a short
    form of a name found before is that name ("星澜电子2025年…" after
    "星澜电子股份有限公司"), and its spans say so."""
    found: dict[str, Found] = {}
    longer_of: dict[str, Found] = {}  # a short form → the first name found with it
    for here in spans:
        for x in here:
            f = x.found
            if f is None:
                continue
            x.found = None
            if f.name not in gaz.orgs and f.name not in found and (longer := longer_of.get(f.name)):
                f = longer
                x.name, x.type, x.evidence = f.name, f.type, f.evidence
            if f.name not in gaz.orgs and f.name not in found:
                found[f.name] = f
                for short in f.short:
                    longer_of.setdefault(short, f)
    return found


def _original(text: str, offset: int, sentence: str, hit: Hit) -> str:
    """The figure as written in the document's own script ("約5926億元新台幣")."""
    at = sentence.find(hit.raw, hit.start)
    if at == -1 or at > hit.end:
        return hit.raw
    return text[offset + at : offset + at + len(hit.raw)]


def _source_of(sentence: str, refs: list[OrgRef], hit: object, owner: str) -> str | None:
    """Who the sentence credits for a figure: a data source or research firm in
    the figure's clause or before it ("根据IDC发布的报告，…"), or right after it
    ("…26.6 percent, according to a Thomson Reuters survey")."""
    from briefing.analysis.roles import clause_bounds, mask_parentheses

    masked = mask_parentheses(sentence)
    start, end = hit.start, hit.end  # type: ignore[attr-defined]
    _left, right = clause_bounds(masked, start, end)
    _, after = clause_bounds(masked, right + 1, right + 1) if right < len(sentence) else (right, right)
    follows = re.match(r"^[，,]\s*(?:according to|per|据|根据|来源)", sentence[right:].lower())
    for r in refs:
        if r.name == owner or not (r.role == SOURCE or r.kind == "research"):
            continue
        if r.start < right or (follows and r.start < after):
            return r.name
    return None


_FOREIGN_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _foreign_prefix_re() -> re.Pattern[str]:
    if "re" not in _FOREIGN_RE_CACHE:
        countries = [c for c in words().countries if not c.startswith("中国")]
        _FOREIGN_RE_CACHE["re"] = re.compile(
            "(?:" + "|".join(re.escape(c) for c in countries) + r")[\u4e00-\u9fff]{0,6}$"
        )
    return _FOREIGN_RE_CACHE["re"]


def _whole_names(here: list[_Span], text: str, sentence_start: int, found: dict[str, Found]) -> list[_Span]:
    """Spans grown to the whole name the text writes: a government body or court
    after a foreign country and the words between ("韩国企划财政部", not 财政部), a
    discovered unit right after its known parent ("国务院发展研究中心世界发展研究所",
    shown under 国务院发展研究中心)."""
    gaz = gazetteer()
    out = sorted(here, key=lambda x: x.start)
    for i, x in enumerate(out):
        kind = _type_of(x.name, found) if x.name in gaz.orgs or x.name in found else x.type
        if kind != "government":
            continue
        lo = max(sentence_start, x.start - 14, out[i - 1].end if i else sentence_start)
        m = _foreign_prefix_re().search(text, lo, x.start)
        if m is None or gaz.canonical(text[m.start() : x.end]):
            continue
        name = text[m.start() : x.end]
        if x.name in gaz.orgs and any(name.startswith(c) for c in ("我国", "本国")):
            continue
        if any(w in text[m.start() : x.start] for w in words().name_breakers):
            continue  # "印度可能会对从欧盟…": a clause between the country and the body
        if reject_reason(name, "government") == "fragment":
            continue  # "歐洲市場仍面臨歐盟": a verb between them, a clause, no body's name
        found.setdefault(name, Found(name, "government", "country prefix"))
        out[i] = _Span(m.start(), x.end, name, "government", "country prefix")
    merged: list[_Span] = []
    for x in out:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.end == x.start
            and prev.name in gaz.orgs
            and x.name not in gaz.orgs
            and x.evidence not in ("gazetteer", "repeat")
        ):
            # "国务院发展研究中心世界发展研究所": the unit under its parent.
            name = text[prev.start : x.end]
            found.pop(x.name, None)
            found.setdefault(name, Found(name, x.type or org_type(x.name), x.evidence))
            merged[-1] = _Span(prev.start, x.end, name, x.type, x.evidence)
            continue
        merged.append(x)
    return merged


_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[，。；：、！？\s“]))([\u4e00-\u9fff]{2,6}?)"
    r"(?:近日|今日|昨日|日前|此前|随后|也|还|已|将|正式|同时|再次|首次)?"
    r"(?:宣布|发布|披露|公布|表示|推出|签署|完成|获得|实现|收购|投资|发布了|公布了|披露了|宣布了|推出了)"
)
_EN_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.;:!?]\s)|(?<=, ))([A-Z][A-Za-z0-9&]{2,}(?: [A-Z][A-Za-z0-9&]+){0,2})"
    r"(?:'s)? (?:announced|said|reported|launched|unveiled|posted|raised|agreed|signed|acquired|won|opened|plans)\b"
)
MIN_REPEATS = 3
"""A name found only because it recurs in subject position must be written this often."""


def _recurring_subjects(
    text: str, sentences: list[Sentence], spans: list[list[_Span]], english: bool
) -> dict[str, Found]:
    """Companies the gazetteer does not know and no suffix marks, found because the
    document names them again and again as the subject of what they announce
    ("中际旭创表示…", "Neuralink announced…") or of a figure of theirs
    ("全聯福利中心2024年營收…", a noun phrase before a time: a segment or a market is
    not counted): a candidate must be written at least
    :data:`MIN_REPEATS` times in the document, at least twice as such a subject, and
    pass the name tests (no common word, person, job or fragment)."""
    from briefing.analysis.figures import noun_phrase_subject
    from briefing.nlp import pos_tag

    gaz = gazetteer()
    counts: dict[str, int] = {}
    timed_counts: dict[str, int] = {}
    pattern = _EN_SUBJECT_RE if english else _SUBJECT_RE
    for s_index, s in enumerate(sentences):
        if not s.quotable:
            continue
        heads = [(m.group(1), m.start(1), False) for m in pattern.finditer(text, s.start, s.end)]
        if not english:
            # "全聯福利中心2024年營收…": a clause reporting its subject's own figure.
            heads.extend(
                (m.group(1), m.start(1), True) for m in _time_head_re().finditer(text, s.start, s.end)
            )
        for cand, at, timed in dict.fromkeys(heads):
            if any(x.start <= at < x.end for x in spans[s_index]) or gaz.canonical(cand):
                continue
            counts[cand] = counts.get(cand, 0) + 1
            if timed:
                timed_counts[cand] = timed_counts.get(cand, 0) + 1
    out: dict[str, Found] = {}
    for cand, n in counts.items():
        if n < 2 or text.count(cand) < MIN_REPEATS:
            continue
        if timed_counts.get(cand) and not noun_phrase_subject(cand, "time"):
            n -= timed_counts[cand]  # "乘用车2024年…": a segment or a market, not a subject
            if n < 2:
                continue
        if english and cand.split()[0] in words().en_not_names:
            continue
        if not english and (
            pos_tag(cand) in ("nr", "nrt") or any(pos_tag(t) in ("nr", "r", "d", "v") for t in _cut(cand))
        ):
            continue  # a person ("王宁表示"), or a clause ("也将宣布")
        if reject_reason(cand, "company"):
            continue
        out[cand] = Found(cand, "company", "recurring subject")
    return out


_EN_CONTEXT_CUES = ("apposition ", "share subject", "according to")
"""Evidence of the English cues (besides "said its") that rest on what a sentence does
with a name, not its shape: a name the document also writes as a person's loses them."""


def _drop_people_who_said_its(text: str, spans: list[list[_Span]], found: dict[str, Found]) -> None:
    """A name found only because it "said its…" is a person's when the document also
    writes it after a first name or a title ("John Smith", "Mr Smith") or says "he"
    or "she" right after it ("Smith said he…"): its spans go."""
    said = [
        n
        for n, f in found.items()
        if (f.evidence.endswith(" its") or f.evidence.startswith(_EN_CONTEXT_CUES)) and n.isascii()
    ]
    if not said:
        return
    from briefing.analysis.cues import person_name_re

    people = {n for n in said if person_name_re(n).search(text)}
    if not people:
        return
    for name in people:
        found.pop(name, None)
    for here in spans:
        here[:] = [x for x in here if x.name not in people]


_CLAUSE_RE = re.compile(r"[^，。；：、！？,;:!?\s“”「」（）()]{2,}")


_LISTED_TAILS = ("发展", "控股", "集团", "地产", "置业", "股份", "实业", "国际")
"""Last words of a listed company's name its own later clauses leave off (新世界发展 →
新世界, 碧桂园控股 → 碧桂园)."""


def _listed_short_forms(
    text: str, sentences: list[Sentence], spans: list[list[_Span]], gaz: Gazetteer
) -> None:
    """A listed company the document names in full ("新世界發展（0017）公佈…") is the
    subject of a later clause that opens with its name less its last word ("新世界的淨負債
    比率…"): a span of that company there. Only after the full name, only opening a
    clause, never where the stem goes on into a longer word or names another entry."""
    stems: dict[str, tuple[str, int]] = {}  # stem → (company, first sentence after the full name)
    for s_index, here in enumerate(spans):
        for x in here:
            if x.evidence != "gazetteer":
                continue
            written = text[x.start : x.end]
            tail = next((t for t in _LISTED_TAILS if written.endswith(t)), None)
            stem = written[: -len(tail)] if tail else ""
            org = gaz.orgs.get(x.name)
            if len(stem) < 2 or org is None or org.type not in ("company", "investor") or gaz.canonical(stem):
                continue
            stems.setdefault(stem, (x.name, s_index))
    if not stems:
        return
    from briefing.analysis.cues import _goes_on

    pattern = re.compile("|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)))
    for stem, (name, first) in stems.items():
        for s_index in range(first, len(sentences)):
            s, here = sentences[s_index], spans[s_index]
            for m in pattern.finditer(text, s.start, s.end):
                a, b = m.start(), m.end()
                if m.group() != stem or any(x.start < b and a < x.end for x in here):
                    continue
                opens = a == s.start or text[a - 1] in "，。；：、“ \n"
                if opens and not _goes_on(text[b : b + 4]) and not text.startswith(("发展", "控股"), b):
                    here.append(_Span(a, b, name, "", f"short form of {name}"))


def _industry_tail_names(
    text: str, sentences: list[Sentence], spans: list[list[_Span]], found: dict[str, Found]
) -> None:
    """A name written with an industry word ("智冠科技则选择…") whose stem the document
    also writes alone opening a clause ("智冠去年以…入股") is the one name 智冠科技,
    with 智冠 its short form (:func:`briefing.analysis.cues.tail_names`); a stem a cue
    found alone is renamed."""
    from briefing.analysis.cues import tail_names

    gaz = gazetteer()
    heads = [
        m.group()[:10] for s in sentences if s.quotable for m in _CLAUSE_RE.finditer(text, s.start, s.end)
    ]
    for stem, (full, evidence) in tail_names(text, heads).items():
        if gaz.canonical(full) or gaz.canonical(stem) or reject_reason(full, "company"):
            continue
        found.pop(stem, None)
        if full in found:  # "钰晟电子" found by its suffix: 钰晟 is its short form too
            before = found[full]
            found[full] = Found(full, before.type, before.evidence, (*before.short, stem))
        else:
            found[full] = Found(full, org_type(full), evidence, (stem,))
        evidence = found[full].evidence
        kind = found[full].type
        for s_index, s in enumerate(sentences):
            here = spans[s_index]
            for x in here:
                if x.name == stem:  # a cue that found the stem stays its evidence
                    x.name, x.type = full, kind
                    x.evidence = evidence if x.evidence in ("repeat", "recurring subject") else x.evidence
            at = text.find(full, s.start, s.end)
            while at != -1:  # the full name keeps the cue that made it one
                if not any(x.start < at + len(full) and at < x.end for x in here):
                    here.append(_Span(at, at + len(full), full, kind, evidence))
                at = text.find(full, at + len(full), s.end)


@functools.cache
def _time_head_re() -> re.Pattern[str]:
    """A clause that opens with a phrase and a time ("全聯福利中心2024年營收…")."""
    from briefing.analysis.figures import _TIME_OPEN

    return re.compile(rf"(?:^|(?<=[，。；：、！？\s“]))([\u4e00-\u9fff]{{2,6}}?)(?:{_TIME_OPEN})")


def _cut(text: str) -> list[str]:
    return [t for t in zh_cut(text) if t.strip()]


def _nearest_mention(here: list[_Span], name: str, at: int) -> int | None:
    """Index of ``name``'s span nearest before ``at`` (else the first after it)."""
    before = [i for i, x in enumerate(here) if x.name == name and x.start <= at]
    if before:
        return before[-1]
    after = [i for i, x in enumerate(here) if x.name == name]
    return after[0] if after else None


def _drop_glosses(here: list[_Span], text: str) -> list[_Span]:
    """Without a name repeated in brackets right after itself ("Broadcom（博通）")."""
    here = sorted(here, key=lambda x: x.start)
    out: list[_Span] = []
    for x in here:
        if out and out[-1].name == x.name and text[out[-1].end : x.start].strip() in ("(", "（"):
            continue
        out.append(x)
    return out


def _type_of(name: str, found: dict[str, Found]) -> str:
    org = gazetteer().orgs.get(name)
    if org:
        return org.type
    return found[name].type if name in found else org_type(name)


def _locate(sentence: str, f: Found) -> tuple[int, int] | None:
    for form in (f.name, *f.short):
        at = sentence.find(form)
        if at != -1:
            return at, at + len(form)
    return None


def _forms_re(found: dict[str, Found]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """Every form of the names discovered in a document, to find their other mentions."""
    forms: dict[str, str] = {}
    for name, f in found.items():
        for form in (name, *f.short):
            if len(form) >= 2:
                forms.setdefault(form, name)
    if not forms:
        return None
    parts = []
    for form in sorted(forms, key=lambda x: (-len(x), x)):
        escaped = re.escape(form)
        parts.append(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])" if form.isascii() else escaped)
    return re.compile("|".join(parts)), forms


class _Discourse:
    """What pronouns and ellipsis point back to while reading a document:
    the company its title names, the company of the current section (a heading
    or a heading-like line), the companies just named."""

    def __init__(self, topic: str | None, evidence: dict[str, str] | None = None) -> None:
        self.topic = topic
        self.evidence = evidence or {}
        """What made each discovered name a name (its kind noun tells its sector)."""
        self.section: str | None = None
        self.section_is_name = False
        """The section's heading is the company's name itself ("### 腾讯")."""
        self.recent: list[str] = []
        self.paragraph_recent: list[str] = []
        self.paragraph_subject: str | None = None
        self.paragraph_named: list[str] = []
        """The companies the paragraph names, objects included, in order."""
        self.last_list: list[str] = []

    def push(self, name: str) -> None:
        """``name`` was just the subject of a clause."""
        for recent in (self.recent, self.paragraph_recent):
            if name in recent:
                recent.remove(name)
            recent.append(name)

    def refer_with(self, kind: str, names: list[str]) -> tuple[str, str] | None:
        """:meth:`refer` as if ``names`` (named earlier in the sentence) had been pushed."""
        saved = (list(self.recent), list(self.paragraph_recent))
        for name in names:
            self.push(name)
        try:
            return self.refer(kind)
        finally:
            self.recent, self.paragraph_recent = saved

    def refer(self, kind: str) -> tuple[str, str] | None:
        if kind.startswith("list:"):
            k = int(kind[5:])
            if len(self.last_list) == k:
                return "\t".join(self.last_list), "分别 → previous list"
            return None
        if kind == "they":
            # 他们 points back only within its paragraph (people are "they" too).
            return (
                (self.paragraph_recent[-1], "他们 → last company of the paragraph")
                if self.paragraph_recent
                else None
            )
        if kind.startswith("demonstrative:") and pointer_sectors(kind.split(":", 1)[1]):
            # "The airline carried…": the last company named that is an airline, else none
            # ("the company", "the group": any, below).
            noun = kind.split(":", 1)[1]
            # The subjects first, then any company the paragraph names ("Ford signed a
            # loan with JPMorgan Chase. The bank reported…": JPMorgan Chase).
            for name in [*reversed(self.recent), *reversed(self.paragraph_named)]:
                if fits_pointer(noun, name, self.evidence.get(name, "")):
                    pointer = f"the {noun}" if noun.isascii() else noun
                    return name, f"{pointer} → last {(pointer_sectors(noun) or (noun,))[0]} named"
            return None
        if kind.startswith("demonstrative"):
            if self.recent:
                return self.recent[-1], "该公司 → last company named"
            kind = "ellipsis"
        if kind == "ellipsis":
            last = self.paragraph_recent[-1] if self.paragraph_recent else None
            for name, how in ((last, "paragraph"), (self.section, "section"), (self.topic, "document")):
                if name:
                    return name, f"公司/其 → {how} topic"
            return None
        if kind == "ellipsis-soft":
            if self.paragraph_recent:
                return self.paragraph_recent[-1], "ellipsis → last company of the paragraph"
            if self.section and self.section_is_name:
                return self.section, "ellipsis → section topic"
        return None


PROGRESS_MIN = 2_000_000
"""Characters from which a document's analysis reports its progress (a big file takes minutes)."""
PROGRESS_EVERY = 1_000_000
"""Characters between two progress lines."""


SPLIT_MIN = 2_000_000
"""Characters from which step 1 (segmenting, the gazetteer, discovery: most of a
document's time) runs in two processes, each on one half of the paragraphs."""


PART_PARAGRAPHS = 2_000
"""Paragraphs the forked half sends back at a time."""


@dataclass
class _Scanned:
    """Step 1 over a run of paragraphs: its sentences and each one's name spans, as found."""

    sentences: list[Sentence]
    spans: list[list[_Span]]


class _Scanner:
    """Step 1 of :func:`analyse_document`: sentences, tokens and the organisations
    they name, sentence by sentence. Nothing in it depends on an earlier
    sentence, so two halves of a document can be scanned apart and joined;
    what does (a short form of a name found before) :func:`_settle_names` reads after."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.english = doc.language == "en"
        garbled = sorted((g.start, g.end) for g in doc.garbled)
        # A sentence is garbled when a span starting before its end ends after its start:
        # looked up by bisection (a long document has many sentences and many spans).
        self.garbled_starts = [gs for gs, _ in garbled]
        self.garbled_reach = list(itertools.accumulate((ge for _, ge in garbled), max))
        self.heading_paras = {h.paragraph for h in doc.headings}
        self.gaps: dict[int, list[str]] = {}
        for g in doc.data_gaps:
            self.gaps.setdefault(g.paragraph, []).append(g.text)
        self.paragraphs = doc.text.split("\n\n")
        self.offsets = list(itertools.accumulate((len(p) + 2 for p in self.paragraphs), initial=0))

    def scan(self, first: int, last: int, report: bool = True) -> _Scanned:
        """Paragraphs ``first`` to ``last`` (excluded); ``report``: log the progress of a long run."""
        gaz = gazetteer()
        text, simplified, english = self.doc.text, self.doc.analysis_text, self.english
        out = _Scanned([], [])
        begin = offset = self.offsets[first]
        size = self.offsets[last] - begin
        every = PROGRESS_EVERY * size // max(1, len(text))
        next_report = begin + every if report and len(text) >= PROGRESS_MIN else len(text) + 1
        for p_index in range(first, last):
            para = self.paragraphs[p_index]
            if offset >= next_report:
                log.info("%s: %d%% analysed", self.doc.path, 100 * (offset - begin) // size)
                next_report += every
            para_simplified = simplified[offset : offset + len(para)]
            for s_start, s_end in split_sentences(para_simplified):
                start, end = offset + s_start, offset + s_end
                sent = simplified[start:end]
                cut = zh_cut(sent) if not english else []
                tokens = en_tokens(sent) if english else _tokens_from_cut(cut)
                here = [
                    _Span(start + m.start, start + m.end, m.name, "", "gazetteer") for m in gaz.find(sent)
                ]
                new = discover(cut, sent) if cut else []
                if english or _LATIN_NAME_RE.search(sent):
                    new += discover_en(sent)
                for f in new:
                    where = _locate(sent, f)
                    if where is None:
                        continue
                    a, b = start + where[0], start + where[1]
                    if any(s.start < b and a < s.end for s in here):
                        continue
                    here.append(_Span(a, b, f.name, f.type, f.evidence, f))
                sentence = Sentence(
                    paragraph=p_index,
                    start=start,
                    end=end,
                    tokens=tokens,
                    garbled=(j := bisect.bisect_left(self.garbled_starts, end)) > 0
                    and self.garbled_reach[j - 1] > start,
                    heading=p_index in self.heading_paras and s_start == 0,
                    gap=any(g in text[start:end] for g in self.gaps.get(p_index, ())),
                    meta=(s_start == 0 and is_meta_line(sent))
                    or cross_reference(sent)
                    or (self.doc.kind == "memo" and research_task(sent)),
                )
                sentence.quote = quote_marks(
                    self.doc, start, end, never=not sentence.quotable or sentence.heading
                )
                out.sentences.append(sentence)
                out.spans.append(here)
            offset += len(para) + 2
        return out

    def scan_all(self) -> _Scanned:
        """All paragraphs; a long document's second half in a forked child meanwhile."""
        last = len(self.paragraphs)
        if len(self.doc.text) < SPLIT_MIN or not children.can_fork():
            return self.scan(0, last)
        middle = bisect.bisect_left(self.offsets, self.offsets[-1] // 2, 1, last)
        with children.Forked(
            f"analysing the second half of {self.doc.path}", self._parts, middle, last
        ) as rest:
            out = self.scan(0, middle)
            for more in rest.result():
                out.sentences += more.sentences
                out.spans += more.spans
        return out

    def _parts(self, first: int, last: int) -> children.Stream:
        """Paragraphs ``first`` to ``last``, scanned and sent back a few thousand at a time."""
        return children.Stream(
            self.scan(at, min(at + PART_PARAGRAPHS, last), False)
            for at in range(first, last, PART_PARAGRAPHS)
        )


@functools.cache
def _home_currencies() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = data_yaml("home_currencies.yaml") or {}
    return tuple((str(k), tuple(str(w) for w in v)) for k, v in raw.items())


def _home_currency(doc: Document) -> str:
    """The currency a bare 元 means in this source: a Traditional source from
    Taiwan writes NT$ so (home_currencies.yaml); else none (renminbi)."""
    if doc.language != "zh-Hant" or _RENMINBI_RE.search(doc.analysis_text):
        return ""  # a source that writes renminbi anywhere ("（人民幣，下同）") reports in it
    # where it was filed and by whom count too: the dateline is metadata, not text
    told = " ".join(x for x in (doc.place, doc.source_site, doc.title) if x)
    head = doc.analysis_text[:3000] + " " + to_simplified(told)
    return next((cur for cur, words in _home_currencies() if any(w in head for w in words)), "")


_RENMINBI_RE = re.compile(r"人民币|RMB|[¥￥]|CNY", re.I)


def _in_home_currency(hit: Hit, home: str) -> Hit:
    """An amount in 元 is in the source's own currency (元/吨 too)."""
    if hit.unit != "元" and not hit.unit.startswith("元/"):
        return hit
    return dataclasses.replace(hit, unit=home + hit.unit[1:])


def analyse_document(doc: Document) -> DocAnalysis:
    """Sentences, tokens, organisation mentions (with their roles) and figures
    (with their owners) of one document."""
    gaz = gazetteer()
    text = doc.text
    simplified = doc.analysis_text
    english = doc.language == "en"
    result = DocAnalysis(path=doc.path, sha256=doc.sha256, language=doc.language)

    # 1. Sentences, tokens, organisations named (gazetteer, discovery).
    scanner = _Scanner(doc)
    scanned = scanner.scan_all()
    result.sentences, spans = scanned.sentences, scanned.spans
    del scanned
    found = _settle_names(spans, gaz)
    _drop_people_who_said_its(text, spans, found)
    spans = [_drop_glosses(here, simplified) for here in spans]
    paragraphs, heading_paras, gaps = scanner.paragraphs, scanner.heading_paras, scanner.gaps

    # 2. Names the sentences cut short: a body of another country ("韩国企划财政部",
    # "美国得克萨斯州南区破产法院"), a unit written after its parent
    # ("国务院发展研究中心世界发展研究所"); then the companies the document keeps
    # naming as the subject of what they announce.
    for s_index, s in enumerate(result.sentences):
        spans[s_index] = _whole_names(spans[s_index], simplified, s.start, found)
    for name, f in _recurring_subjects(simplified, result.sentences, spans, english).items():
        found.setdefault(name, f)
    if not english:
        _industry_tail_names(simplified, result.sentences, spans, found)
        _listed_short_forms(simplified, result.sentences, spans, gaz)

    # 3. A name discovered once is a name wherever the document repeats it.
    compiled = _forms_re(found)
    if compiled:
        pattern, forms = compiled
        for s_index, s in enumerate(result.sentences):
            here = spans[s_index]
            for m in pattern.finditer(simplified, s.start, s.end):
                a, b = m.start(), m.end()
                if any(x.start < b and a < x.end for x in here):
                    continue
                name = forms[m.group()]
                evidence = found[name].evidence if found[name].evidence == "recurring subject" else "repeat"
                here.append(_Span(a, b, name, found[name].type, evidence))

    # 4. Roles, figures and their owners, read in order so that pronouns resolve.
    title = (doc.title or "").strip()
    home = _home_currency(doc)
    discourse = _Discourse(_title_company(title, found, gaz), {n: f.evidence for n, f in found.items()})
    coined: Counter[str] = Counter()
    result.topic = discourse.topic
    known_orgs = set(gaz.alias_to_name) | set(gaz.orgs) | set(found)
    context = _Times()
    current_paragraph = -1
    # (the header in the script the rows are read in: 出货量, not 出貨量)
    rows = table_rows(simplified.split("\n\n")) if TABLE_SEPARATOR in simplified else {}
    said_by_row = row_sentence_en if english else row_sentence
    for s_index, s in enumerate(result.sentences):
        here = sorted(spans[s_index], key=lambda x: x.start)
        sent = simplified[s.start : s.end]
        if s.paragraph != current_paragraph:
            current_paragraph = s.paragraph
            discourse.paragraph_subject = None
            discourse.paragraph_recent = []
            discourse.paragraph_named = []
            para = paragraphs[s.paragraph]
            if s.paragraph in heading_paras or _heading_like(para):
                head = next((x for x in here if _type_of(x.name, found) in ("company", "investor")), None)
                discourse.section = head.name if head else None
                discourse.section_is_name = (
                    bool(head) and len(para.strip(" #*")) <= (head.end - head.start) + 2
                )
                discourse.recent = []
        local = [(x.start - s.start, x.end - s.start) for x in here]
        found_roles = roles(sent, local, english) if here else []
        refs = [
            OrgRef(a, b, x.name, "possessor" if r.cue == "旗下" else r.role, _type_of(x.name, found), r.cue)
            for (a, b), x, r in zip(local, here, found_roles, strict=True)
        ]
        row = table = rows.get(s.paragraph)
        if row is not None:
            # a table's row states its figures as the sentence its header makes of it, its
            # organisation the first cell's (see tables.py)
            said = said_by_row(row[1], sent)
            if said is None:
                row = None  # a row of prose ("比亚迪 | 2024年销量427万辆…"): read as written
            else:
                sent = said
                first_cell = len(simplified[s.start : s.end].split(TABLE_SEPARATOR, 1)[0])
                refs = [r for r in refs if r.end <= first_cell]
        # A title repeats its article's figures: they are taken from the body.
        titled = row is None and s.heading and len(sent) < 40 and not full_sentence(sent)
        hits = [] if titled else figures_in(sent)
        if home:
            hits = [_in_home_currency(h, home) for h in hits]
        owned = attribute(sent, hits, refs, discourse.refer, english, context.sized) if hits else []
        marks: dict[int, str] = {}
        group = table[0] if table is not None else s.paragraph  # a table is one paragraph of data
        if group != context.paragraph:
            context.paragraph, context.times, context.periods = group, [], []
            # a breakdown of the data told before it, as a table is
            context.continued = continues_data(sent) or table is not None
            context.before_source, context.source = context.source, None
            context.before_market, context.market = context.market, ""
        first_here = len(result.figures)
        for o in owned:
            source = _source_of(sent, refs, o.hit, o.owner)
            measure = o.measure
            if source is None and o.attribution == MARKET and o.owner == context.sized:
                source = context.sized_source  # a part of the market the sentence before sized, from its data
            if context.continued:
                if source is None and o.owner != context.before_source:
                    source = context.before_source  # the breakdown of IDC's data is IDC's
                if context.before_market:
                    # …and of the market it was data of (中国智能手机市场: vivo's 中国市场份额)
                    measure = regional_measure(context.before_market, measure)
            year, relative, period = context.when(sent, o.hit, result.figures)
            result.figures.append(
                FigureCandidate(
                    org=o.owner,
                    value=o.hit.value,
                    unit=o.hit.unit,
                    measure=measure,
                    raw=o.hit.raw if row is not None else _original(text, s.start, sent, o.hit),
                    sentence=s_index,
                    start=s.start + o.hit.start,
                    year=year,
                    relative_year=relative,
                    source=source,
                    qualifier=o.hit.qualifier,
                    value_max=o.hit.value_max,
                    caveats=[g for g in gaps.get(s.paragraph, ()) if g in text[s.start : s.end]],
                    counterpart=o.counterpart,
                    attribution=o.attribution,
                    scope=named_unit(o.scope, sent, simplified[max(0, s.start - 400) : s.start])
                    if o.scope
                    else "",
                    period=period,
                    kind=o.hit.kind,
                    previous=o.hit.previous,
                    previous_raw=o.hit.previous_raw,
                )
            )
            if o.hit.years_back:
                context.back[len(result.figures) - 1] = o.hit.years_back
            # The owner's mention nearest the figure acts (holds a share, grows, loses…);
            # an entry of a ranking list does not.
            near = _nearest_mention(here, o.owner, s.start + o.hit.start)
            if near is not None and not o.hit.listed:
                marks.setdefault(near, o.measure)
            if o.counterpart is not None:
                near = _nearest_mention(here, o.counterpart, s.start + o.hit.start)
                if near is not None:
                    marks.setdefault(near, "投资")
        context.settle(result.figures, first_here)
        context.source = next(
            (r.name for r in refs if r.role == SOURCE or r.kind == "research"), context.source
        )
        context.market = context.market or market_frame(sent)
        # the market this sentence sized, for a next one that gives its parts (其中，…)
        context.sized, context.sized_source = next(
            ((f.org, f.source) for f in result.figures[first_here:] if f.attribution == MARKET), ("", None)
        )
        _parallel_changes(sent, [o.hit for o in owned], result.figures[first_here:])
        context.same_period_last_year(result.figures, first_here, sent)
        context.remember(sent)
        seen: set[str] = set()
        first_mention = len(result.mentions)  # this sentence's mentions follow
        for i, (x, r) in enumerate(zip(here, found_roles, strict=True)):
            role, cue = r.role, r.cue
            if i in marks and role not in (SOURCE, SPEAKER, ACTS):
                role, cue = ACTS, marks[i]
            known_orgs.add(x.name)
            result.mentions.append(
                Mention(
                    name=x.name,
                    surface=text[x.start : x.end],
                    sentence=s_index,
                    start=x.start,
                    type=x.type,
                    role=role,
                    cue=cue,
                    evidence=x.evidence,
                )
            )
            if x.name not in seen and x.name not in s.tokens:
                s.tokens.append(x.name)
            seen.add(x.name)
        # The discourse moves on: who acted, who was listed. A name after a
        # preposition ("对宝马…供货") is an object, not a subject.
        subjects = [
            (x.start - s.start, x.name)
            for x, r in zip(here, found_roles, strict=True)
            if (
                r.role == ACTS
                or (r.role == MENTIONED and not r.cue)
                # "中联重科则表示，公司海外收入…": a speaker that calls itself the company
                or (r.role == SPEAKER and speaks_as_company(text, x.end))
            )
            and _type_of(x.name, found) in ("company", "investor")
            # "…its acquisition of U.S. Steel": the target of an English deal is its object
            and not (english and r.cue.startswith(DEAL_TARGET))
        ]
        # "The company has responded by moving…": in English too.
        if english and (verb := _pronoun_subject_en(sent, here, s.start)):
            got = discourse.refer(_pointer_kind(sent))
            if got and not any(m.name == got[0] and m.role == ACTS for m in result.mentions[first_mention:]):
                result.mentions.append(
                    Mention(
                        name=got[0],
                        surface=sent[: _en_pronoun_subject_end(sent)].strip(),
                        sentence=s_index,
                        start=s.start,
                        type=found[got[0]].type if got[0] in found else "",
                        role=ACTS,
                        cue=verb,
                        evidence="pronoun the company",
                    )
                )
        # "该公司服务赋能了…", "公司通过…合作，共同搭建供应链": the company pointed back to acts.
        if not english:
            for at, pronoun, verb in _pronoun_subjects(sent, here, s.start):
                kind = "ellipsis" if pronoun == "公司" else "demonstrative"
                got = discourse.refer_with(kind, [n for p, n in subjects if p < at])
                # Unless the name itself acts in the pronoun's clause: "…投资的汇通达，该公司
                # 服务赋能了…" is a second move of 汇通达, told by its own clause.
                clause_start = s.start + max(sent.rfind(c, 0, at) for c in "，,；;。") + 1
                if got and not any(
                    m.name == got[0] and m.role == ACTS and m.start >= clause_start
                    for m in result.mentions[first_mention:]
                ):
                    result.mentions.append(
                        Mention(
                            name=got[0],
                            surface=text[s.start + at : s.start + at + len(pronoun)],
                            sentence=s_index,
                            start=s.start + at,
                            type=found[got[0]].type if got[0] in found else "",
                            role=ACTS,
                            cue=verb,
                            evidence=f"pronoun {pronoun}",
                        )
                    )
        for _, name in subjects:
            discourse.push(name)
        for x in here:
            if _type_of(x.name, found) in ("company", "investor") and x.name not in discourse.paragraph_named:
                discourse.paragraph_named.append(x.name)
        if subjects and discourse.paragraph_subject is None:
            discourse.paragraph_subject = subjects[0][1]
        listed = [
            x.name for x, r in zip(here, found_roles, strict=True) if r.role in (ACTS, MENTIONED, EXAMPLE)
        ]
        if len(listed) >= 2:
            discourse.last_list = listed
        for tok in s.tokens:
            if (
                tok not in result.theme_terms
                and tok not in known_orgs
                and is_theme_term(tok, english=english)
            ):
                result.theme_terms[tok] = rarity(tok)
        if not english:
            coined.update(_coined_in(s.tokens, known_orgs))
    # An industry's own words jieba does not know (版号, 买量) count where the document repeats them.
    # A long document holds many of the segmenter's guesses, each more than once: there
    # a term of the authors' own recurs in a share of its sentences.
    floor = max(COINED_MIN_SENTENCES, math.ceil(COINED_SHARE * len(result.sentences)))
    for tok, sentences in sorted(coined.items()):
        if sentences >= floor:
            result.theme_terms.setdefault(tok, rarity(tok))
    refine_measures(result.figures, simplified)
    read_findings(doc, result.sentences, result.mentions)
    result.title_words, result.title_ends = title_cuts(doc.title)
    return result


def title_cuts(title: str | None) -> tuple[list[str], list[str]]:
    """The words of a title (Simplified) and the last word of each of its beginnings
    (see ``DocAnalysis.title_ends``)."""
    simple = to_simplified(title or "")
    ends = [""]
    for i in range(1, len(simple) + 1):
        words = zh_cut(simple[:i])
        ends.append(words[-1] if words else "")
    return zh_cut(simple), ends


COINED_MIN_SENTENCES = 2
"""Sentences of one document a word jieba does not know must stand in to be a term."""
COINED_SHARE = 0.002
"""… and the share of a long document's sentences (one in 500)."""


def _coined_in(tokens: tuple[str, ...] | list[str], known_orgs: set[str]) -> set[str]:
    """A sentence's words jieba does not know that may be the authors' terms: not
    a name, and not beside another such word (泽布|替尼 are pieces of one name)."""
    out = set()
    for i, t in enumerate(tokens):
        if t in known_orgs or not is_coined_term(t):
            continue
        beside = tokens[i - 1 : i] + tokens[i + 1 : i + 2]
        if any(is_coined_term(b) or b in known_orgs for b in beside):
            continue
        out.add(t)
    return out


_EVENT_MEASURES = ("投资", "收购", "融资", "回购", "估值", "市值", "交易金额", "成交价", "获投资", "被收购")
_TIME_WORD_RE = re.compile(r"(?:19|20)\d{2}|去年|今年|前年|上一?年|(?i:last year|this year)")
_SAME_TIME_RE = re.compile(r"(?:同期|该年|当年|同年|该季度|同一时期|the same period)")


class _Times:
    """When a figure whose own sentence names no year is from: the year (and
    period) the sentences before it in its paragraph name ("…披露了2026年一季报。
    一季度盈利27.8亿元"), or for 同期/该年 the previous figure's."""

    def __init__(self) -> None:
        self.paragraph = -1
        self.times: list[tuple[int | None, int | None, str]] = []
        """(year, relative year, period) each earlier sentence of the paragraph names."""
        self.document: list[tuple[int | None, int | None, str]] = []
        """The same for every earlier sentence of the document."""
        self.back: dict[int, int] = {}
        """Index of a starting-level figure → how many years before the next one it is."""
        self.periods: list[str] = []
        """The periods earlier sentences of the paragraph name without a year (第三财季)."""
        self.document_periods: list[str] = []
        """The same for every earlier sentence of the document."""
        self.continued = False
        """The paragraph opens by breaking down the data told before it (从厂商排名看，…)."""
        self.source = None
        """The data source or research firm the paragraph names (IDC数据显示), if any."""
        self.before_source = None
        """The one the paragraph before named."""
        self.market = ""
        """The market the paragraph reports data of (中国 of 中国智能手机市场), if any."""
        self.before_market = ""
        """The one the paragraph before reported."""
        self.sized = ""
        """The market the sentence before gave figures to (全国黄金市场), if any."""
        self.sized_source: str | None = None
        """The source of that sentence's data (中国黄金协会), if it names one."""

    def when(self, sent: str, hit: Hit, figures: list[FigureCandidate]) -> tuple[int | None, int | None, str]:
        year, relative = year_of(sent, hit.start, hit.end)
        period = hit.period
        cut = sent.rfind("，", 0, hit.start)
        before = sent[
            sent.rfind("，", 0, cut) + 1 if cut > 0 else 0 : hit.start
        ]  # its clause and the one before
        own_clause = sent[cut + 1 if cut >= 0 else 0 : hit.start]
        if (
            _SAME_TIME_RE.search(before)
            and figures
            # "去年同期為盈利48.9億元，收入按年下跌68.2%": last year's clause is no time of the next
            and not (_LAST_YEAR_SAME_RE.search(before) and not _SAME_TIME_RE.search(own_clause))
        ):
            # The same time as the figures it is compared with: the last one of the same
            # measure that has a date ("…同期营业收入为31.6亿元"), else the last dated one.
            dated = [f for f in figures if f.year is not None or f.relative_year is not None]
            head = re.sub(r"(?:同比|环比)?(?:增长|下降)率?$", "", hit.measure)
            same = [f for f in dated if re.sub(r"(?:同比|环比)?(?:增长|下降)率?$", "", f.measure) == head]
            last = (same or dated or figures)[-1]
            if year is None and relative is None:
                year, relative = last.year, last.relative_year
            if "同期" in before or "same period" in before:
                period = period or last.period
            return year, relative, period
        if hit.measure.startswith(_EVENT_MEASURES):
            return year, relative, period  # a deal or a valuation is dated by its own sentence only
        if year is None and relative is None and self.times:
            same = [t for t in self.times if period and t[2] == period]
            year, relative, named = (same or self.times)[-1]
            if not period and (_THIS_PERIOD_RE.search(sent) or (named and not _OWN_TIME_RE.search(sent))):
                # "…fell 1% to $9.1 billion in the quarter": the quarter named before; so is a
                # sentence that names no time at all ("迪士尼第三财季营收…。流媒体业务营业利润达
                # 4700万美元"), never one that says its own (全年, 上半年, this year)
                period = named
        elif (
            year is None
            and relative is None
            and not period
            and self.periods
            and not _OWN_TIME_RE.search(sent)
        ):
            period = self.periods[-1]  # "迪士尼第三财季营收…。流媒体业务营业利润达4700万美元": that quarter
        elif (
            year is None
            and relative is None
            and not period
            and self.document
            and _THIS_PERIOD_RE.search(sent)
        ):
            year, relative, period = self.document[
                -1
            ]  # "in the quarter", a paragraph after the one naming it
        elif not period and self.document_periods and _THIS_PERIOD_RE.search(sent):
            # "…reported a 18.4% drop in revenue for the period" after "…in the first nine
            # months": that period, though no year was named with it
            period = self.document_periods[-1]
        elif year is None and relative is None and not period and self.continued and self.document:
            # "从厂商排名看，vivo以18.6%的份额位居第一" after a paragraph on the market in
            # 2024年第三季度: the breakdown is of that time's data
            year, relative, period = self.document[-1]
        elif year is None and relative is None and period:
            # "台积电第一季营收约5926亿元" after a paragraph on "2024年第一季": the year the
            # document gives that period.
            same = [t for t in self.document if t[2] == period]
            if same:
                year, relative, _ = same[-1]
        return year, relative, period

    def settle(self, figures: list[FigureCandidate], first: int) -> None:
        """A starting level ("从不到50万辆增加到179万辆", "过去四年") takes the year
        of the level it grew to, minus the years the sentence counts back."""
        for i in range(first, len(figures)):
            n = self.back.pop(i, None)
            if n is None:
                continue
            f = figures[i]
            later = next(
                (
                    g
                    for g in figures[i + 1 :]
                    if g.org == f.org and g.measure == f.measure and g.sentence == f.sentence
                ),
                None,
            )
            if later is not None and later.year is not None:
                f.year = later.year - n
            elif later is not None and later.relative_year is not None:
                f.relative_year = later.relative_year - n

    def same_period_last_year(self, figures: list[FigureCandidate], first: int, sent: str) -> None:
        """ "第一财季…净亏损1742.8亿日元，去年同期为亏损4776.2亿日元": the period the
        sentence compares with last year's is this year's (the year the document dates
        last year's by), not a year it leaves unstated."""
        if not _LAST_YEAR_SAME_RE.search(sent):
            return
        prior = {f.period for f in figures[first:] if f.year is None and f.relative_year == -1 and f.period}
        for f in figures[first:]:
            if f.year is None and f.relative_year is None and f.period in prior:
                f.relative_year = 0

    def remember(self, sent: str) -> None:
        if not _TIME_WORD_RE.search(sent):
            if _OWN_TIME_RE.search(sent) and (period := period_in(sent)):
                self.periods.append(period)  # a quarter without its year ("第三财季")
                self.document_periods.append(period)
            return  # most sentences name no year: skip the full reading
        year, relative = year_of(sent, len(sent))
        if year is not None or relative is not None:
            self.times.append((year, relative, _period_after_year(sent, year)))
            self.document.append(self.times[-1])


_CONTINUES_RE = re.compile(
    r"^(?:从|分|按)[\u4e00-\u9fff]{0,4}?(?:厂商|品牌|企业|公司|车企|房企|集团|地区|区域|省份|产品|品类|渠道|价位段?"
    r"|排名|细分市场|细分|类型|机型|车型)[\u4e00-\u9fff]{0,3}?(?:来)?看[，,]|^具体(?:来)?看[，,]"
    r"|^(?:by|among) (?:vendors?|brands?|companies|makers|manufacturers|segments?|regions?)\b",
    re.IGNORECASE,
)
"""A breakdown of data by a dimension ("从厂商排名看，", "分品牌看，", "从企业来看，"), not a
point of view ("从长期看，")."""


def continues_data(sentence: str) -> bool:
    """A paragraph's first sentence breaks down the data told before it ("从厂商排名看，",
    "分品牌看，", "具体来看，", "By vendor, …"): its figures are of that data's time."""
    return _CONTINUES_RE.match(sentence.strip()) is not None


def _parallel_changes(sent: str, hits: list[Hit], figures: list[FigureCandidate]) -> None:
    """A change from one level to another told after one the sentence dated ("华为的市占率
    由去年的约30%升至约40%，苹果则由约60%降至约50%"): its levels are of the same years."""
    pairs = [
        (i, i + 1)
        for i in range(len(hits) - 1)
        if figures[i].measure == figures[i + 1].measure and to_level(sent, hits[i].end, hits[i + 1].start)
    ]
    dated: tuple[FigureCandidate, FigureCandidate] | None = None
    for i, j in pairs:
        a, b = figures[i], figures[j]
        undated = all(f.year is None and f.relative_year is None for f in (a, b))
        if not undated:
            dated = (a, b)
        elif dated is not None and dated[0].measure == a.measure:
            a.year, a.relative_year = dated[0].year, dated[0].relative_year
            b.year, b.relative_year = dated[1].year, dated[1].relative_year


_LAST_YEAR_SAME_RE = re.compile(
    r"(?:去年|上年|上一年)同期|\ba year (?:earlier|ago)\b|\bsame (?:quarter|period) (?:of )?last year\b"
)
_OWN_TIME_RE = re.compile(
    r"(?:19|20)\d{2}|[年季月]|上半|下半|前\d|半年|财年|财季|今年|去年|全年|"
    r"(?i:\b(?:year|annual|quarter|month|half|period|fiscal|to date|so far)\b)"
)
"""A sentence that names a time of its own: its figures keep it, not the paragraph's."""
_THIS_PERIOD_RE = re.compile(
    r"当季|本季度?|该季度?|同季|\b(?:in|during|for) the (?:quarter|period)\b(?! (?:to|ended|ending|through)\b)"
)
"""A figure of the period the paragraph named before (its quarter, not its full year)."""


def _period_after_year(sent: str, year: int | None) -> str:
    """The period named right after the last mention of ``year`` ("2026年一季报")."""
    if year is None:
        return ""
    at = sent.rfind(str(year))
    if at == -1:
        return ""
    if after := period_in(sent[at : at + 10]):
        return after
    # "in the fiscal third quarter of 2024": the period stands before its year.
    return period_in(sent[max(0, at - 30) : at]) if re.search(r"\bof\s*$", sent[:at]) else ""


_PRONOUN_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[，。；：“”\s]))(该公司|这家公司|该企业|这家企业|该集团|公司|集团)"
)


def _pronoun_subjects(sentence: str, here: list[_Span], offset: int) -> list[tuple[int, str, str]]:
    """(position, pronoun, verb) of each clause that opens with a pronoun or
    公司 and goes on with an action before any name."""
    from briefing.analysis.roles import _action_in, clause_bounds, mask_parentheses

    masked = mask_parentheses(sentence)
    out = []
    for m in _PRONOUN_SUBJECT_RE.finditer(sentence):
        _, right = clause_bounds(masked, m.start(), m.end())
        names = [x.start - offset for x in here if m.end() <= x.start - offset < right]
        window = sentence[m.end() : min([right, *names])]
        verb = _action_in(window)
        if verb is None and names and re.match(r"\s*(?:已|也|还|则|将|曾)?(?:为|向|对|与|给|替)", window):
            # "公司已为为通用、福特…配套，…并已成功进入菲亚特动力配套体系": the names are
            # the objects of a preposition; the verb comes after them, in this clause or the next.
            rest = list(sentence[m.end() :])
            for x in here:
                a, b = x.start - offset, x.end - offset
                if a >= m.end():
                    rest[a - m.end() : b - m.end()] = "□" * (b - a)
            verb = _action_in("".join(rest)[:40])
        if verb:
            out.append((m.start(), m.group(1), verb))
    return out


def _en_pronoun_subject_end(sentence: str) -> int | None:
    """Where the subject ends when an English sentence opens with "It" or with a noun
    phrase that points back to an organisation ("The company", "The airline", "The
    logistics group": :func:`~briefing.analysis.names.demonstrative_en_re`); else None."""
    from briefing.analysis.names import demonstrative_en_re

    start = re.match(r"\W*", sentence).end()  # type: ignore[union-attr]
    m = re.compile(r"It\b", re.IGNORECASE).match(sentence, start) or demonstrative_en_re().match(
        sentence, start
    )
    return m.end() if m else None


def _pointer_kind(sentence: str) -> str:
    """``demonstrative:NOUN`` for an English sentence that opens with a noun phrase
    pointing back ("The airline…": only an airline named before), else ``demonstrative``."""
    from briefing.analysis.names import demonstrative_en_re

    start = re.match(r"\W*", sentence).end()  # type: ignore[union-attr]
    m = demonstrative_en_re().match(sentence, start)
    return f"demonstrative:{m.group('noun').lower()}" if m else "demonstrative"


def _pronoun_subject_en(sentence: str, here: list[_Span], offset: int) -> str | None:
    """The action verb of an English sentence that opens with "The company" or
    "It" and names no organisation before that verb."""
    from briefing.analysis.org_words import _actions_en_re

    end = _en_pronoun_subject_end(sentence)
    if end is None:
        return None
    clause = re.split(r"[;:.]", sentence[end:], maxsplit=1)[0]
    first_name = min((x.start - offset for x in here), default=len(sentence))
    for w in list(re.finditer(r"[A-Za-z][A-Za-z'\-]*", clause))[:20]:
        if end + w.start() >= first_name:
            break
        if _actions_en_re().fullmatch(w.group().lower()):
            return w.group().lower()
    return None


def _title_company(title: str, found: dict[str, Found], gaz: object) -> str | None:
    """The first company a document's title names."""
    title = to_simplified(title)
    names: list[tuple[int, str]] = [(m.start, m.name) for m in gazetteer().find(title)]
    for name, f in found.items():
        for form in (name, *f.short):
            at = title.find(form)
            if at != -1:
                names.append((at, name))
                break
    for _, name in sorted(names):
        if _type_of(name, found) in ("company", "investor"):
            return name
    return None


_TOKEN_MEMO: dict[int, dict[str, str | None]] = {}
"""Per gazetteer in effect: jieba's word → the token counted for it (None: none).
A corpus repeats a few tens of thousands of words millions of times."""


def _tokens_from_cut(cut: list[str]) -> list[str]:
    gaz = gazetteer()
    memo = _TOKEN_MEMO.get(id(gaz))
    if memo is None:
        _TOKEN_MEMO.clear()
        memo = _TOKEN_MEMO[id(gaz)] = {}
    out = []
    for word in cut:
        tok = memo.get(word, _UNSEEN)
        if tok is _UNSEEN:
            tok = memo[word] = _token_of(word, gaz)
        if tok is not None:
            out.append(tok)
    return out


_UNSEEN = object()


def _token_of(tok: str, gaz: Gazetteer) -> str | None:
    tok = tok.strip()
    if not tok:
        return None
    gloss = glossary()
    if name := gaz.canonical(tok):
        return name
    if tok.isascii() and tok.lower() in gloss:
        return gloss[tok.lower()]
    if is_term(tok):
        return tok if not tok.isascii() or tok in _domain() else tok.lower()
    return None


def is_move(tokens: list[str], text: str) -> bool:
    """A sentence that says what an organisation did."""
    actions = _actions()
    return any(t in actions for t in tokens) or any(a in text for a in actions if not a.isascii())


def warm_up() -> None:
    """Load jieba, the dictionaries and every data file the analysis reads, so
    that worker processes forked afterwards share them instead of loading their own."""
    from briefing.nlp import domain_words, generic_words, load_whole_dictionary, stopwords, zh_cut
    from briefing.script import to_simplified

    gazetteer()
    load_whole_dictionary()  # shared by the workers, not loaded part by part in each
    zh_cut("预热")
    to_simplified("預熱")
    stopwords()
    generic_words()
    domain_words()
    en_tokens("warm up")
    words()
    figures_in("营收1亿元")
    roles("阿里巴巴推出", [(0, 4)], False)
    _meta_labels()
    _actions()
    _domain()
