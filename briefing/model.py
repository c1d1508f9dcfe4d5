"""The one typed model of the pipeline.

Every stage hands the next one of these dataclasses; every JSON interface of the
tool (``corpus --json``, ``analyze --json``, the model written beside each
briefing) is ``to_dict()`` of one of them, and ``from_dict()`` reads it back.
Field docstrings follow the attribute-docstring convention (a string literal
right below the field), like markdown-it-py's ``Token``.

Positions: ``paragraph`` is always a 0-based index into a document's
paragraphs, which are its ``text`` split on blank lines (``"\\n\\n"``);
``document`` is always the document's ``path``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, ClassVar, TypeVar, get_args, get_origin, get_type_hints

T = TypeVar("T", bound="Serializable")


def _to_plain(value: Any) -> Any:
    if isinstance(value, Serializable):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    return value


def _identity(value: Any) -> Any:
    return value


def _converter(tp: Any) -> Callable[[Any], Any]:
    """A function that turns a JSON value into ``tp``; built once per type, since
    inspecting type hints per value dominated reading thousands of cached analyses."""
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return _identity
        inner = _converter(args[0])
        return _identity if inner is _identity else (lambda v: None if v is None else inner(v))
    if origin is list:
        (item,) = get_args(tp)
        conv = _converter(item)
        if conv is _identity:
            return lambda v: None if v is None else list(v)
        return lambda v: None if v is None else [conv(x) for x in v]
    if origin is dict:
        _, item = get_args(tp)
        conv = _converter(item)
        return lambda v: None if v is None else {k: conv(x) for k, x in v.items()}
    if isinstance(tp, type) and is_dataclass(tp):
        return lambda v: None if v is None else tp.from_dict(v)  # type: ignore[attr-defined]
    return _identity


class Serializable:
    """Mixin: ``to_dict``/``from_dict`` for nested dataclasses of plain values."""

    __slots__ = ()  # a subclass may use slots (a big file's analysis holds a million sentences)
    _plans: ClassVar[dict[type, list[tuple[str, Callable[[Any], Any]]]]] = {}
    _names: ClassVar[dict[type, tuple[str, ...]]] = {}

    def to_dict(self) -> dict[str, Any]:
        cls = type(self)
        names = Serializable._names.get(cls)
        if names is None:
            names = Serializable._names[cls] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        return {name: _to_plain(getattr(self, name)) for name in names}

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        plan = Serializable._plans.get(cls)
        if plan is None:
            hints = get_type_hints(cls)
            plan = [(f.name, _converter(hints[f.name])) for f in fields(cls)]  # type: ignore[arg-type]
            Serializable._plans[cls] = plan
        return cls(**{name: conv(data[name]) for name, conv in plan if name in data})


# --------------------------------------------------------------------------- corpus


@dataclass
class CleaningCount(Serializable):
    """How often one cleaning rule changed one document."""

    rule: str
    """Name of the rule (a function in ``briefing.cleaning``)."""
    count: int
    """Number of places the rule changed."""


@dataclass
class GarbledSpan(Serializable):
    """A span of unrecoverable mojibake; no sentence holding it is ever quoted."""

    start: int
    """Character offset of the span in the document's ``text``."""
    end: int
    """Offset one past the span's last character."""
    text: str
    """The garbled characters as they stand in ``text``."""
    paragraph: int
    """Paragraph that holds the span."""


@dataclass
class Heading(Serializable):
    """A heading or an author's numbered point ("1、模式的升级", "Key point one: ...")."""

    text: str
    """Heading text without markup or numbering."""
    level: int
    """1 for the title level, 2 for sections, 3 for numbered points inside sections."""
    paragraph: int
    """Paragraph that holds the heading (the heading is its own paragraph, or
    the start of one for run-in points such as "1、…。正文")."""
    number: int | None = None
    """The author's own number for numbered points, else null."""


@dataclass
class Todo(Serializable):
    """One research question of a memo, in the form the author wrote it."""

    text: str
    """The item as written, without bullet, checkbox or number."""
    done: bool
    """True for a ticked checklist item (``- [x]``) or one marked done."""
    section: str | None = None
    """The label or heading the question stood under ("TODO", "待研究问题"), or
    null when the question is a heading or a paragraph of its own."""
    form: str = "item"
    """How it was written: ``item`` (list or checklist item), ``inline`` (one
    of several questions on a labelled line), ``heading`` (a heading that asks),
    ``paragraph`` (a paragraph or blockquote that asks) or ``list`` (one of a
    run of list items that ask)."""
    paragraph: int | None = None
    """Paragraph of the document's text where the question stands (a heading
    or paragraph that stays in the body, the memo's notes under it); null when
    it was lifted out of the body with its list (TODO, 待研究问题)."""


@dataclass
class Reference(Serializable):
    """One entry of a memo's reference list."""

    title: str
    """Title as written (markup removed)."""
    url: str | None
    """Repaired, well-formed http(s) URL, or null when the entry has none."""


@dataclass
class ChangelogEntry(Serializable):
    """One line of a memo's changelog."""

    date: str | None
    """ISO date read from the entry (``190912`` → ``2019-09-12``), or null."""
    text: str
    """What changed, as written."""


@dataclass
class DataGap(Serializable):
    """A placeholder the author left to fill in, such as 「时间点」."""

    text: str
    """The placeholder as written."""
    paragraph: int
    """Paragraph that holds it."""
    context: str
    """The sentence around it."""


@dataclass
class Document(Serializable):
    """One source file after reading and cleaning."""

    path: str
    """Path relative to the source folder, with ``/`` separators; the document's id."""
    title: str | None
    """Title in the original script: a heading, front matter, or the first line
    or sentence when the source has no title line."""
    date: str | None
    """Publication (or memo) date as ISO ``YYYY-MM-DD``, ``YYYY-MM`` when the source
    gives only the month ("2024年3月", "March 2024"), or null when unknown."""
    author: str | None
    """Author from a byline ("文/…", "By …") or front matter, or null."""
    source_url: str | None
    """Where the text came from (a "来源" note, front matter), or null."""
    source_site: str | None
    """Name or domain of the site the text came from, or null."""
    language: str
    """``zh-Hans``, ``zh-Hant`` or ``en``."""
    kind: str
    """``memo`` (research notes: open questions, working headings, a changelog)
    or ``article``."""
    format: str
    """What the file held: ``text``, ``markdown`` or ``html``."""
    encoding: str
    """The encoding the file was decoded with."""
    text: str
    """Cleaned text in its original script; paragraphs separated by a blank line."""
    text_simplified: str | None
    """For ``zh-Hant`` documents the OpenCC t2s form of ``text`` (same length and
    positions), used for analysis; null otherwise."""
    chars: int
    """Number of characters of ``text``."""
    sha256: str
    """SHA-256 of ``text``: the document's content hash."""
    cleaning: list[CleaningCount] = field(default_factory=list)
    """Cleaning rules that changed this document, with counts."""
    garbled: list[GarbledSpan] = field(default_factory=list)
    """Spans of unrecoverable mojibake found in ``text``."""
    warnings: list[str] = field(default_factory=list)
    """Problems worth a reader's attention (guessed title, unknown date, …)."""
    headings: list[Heading] = field(default_factory=list)
    """Headings and numbered points, in order."""
    todos: list[Todo] = field(default_factory=list)
    """Memo only: the research questions (TO DO items, questions under a label,
    headings and paragraphs that ask), in the order they are written."""
    references: list[Reference] = field(default_factory=list)
    """Memo only: the reference list."""
    changelog: list[ChangelogEntry] = field(default_factory=list)
    """Memo only: the changelog entries."""
    data_gaps: list[DataGap] = field(default_factory=list)
    """Placeholders left by the author (「时间点」, 【待补充】, TBD)."""
    description: str | None = None
    """Summary from front matter (``description``, ``summary``, ``excerpt``) or
    ``<meta name="description">``, or null; never part of ``text``."""
    tags: list[str] = field(default_factory=list)
    """Tags and keywords from front matter or ``<meta name="keywords">``."""
    categories: list[str] = field(default_factory=list)
    """Categories from front matter (``categories``, ``category``)."""
    place: str | None = None
    """Where a news story was filed, from its dateline ("SHANGHAI/BEIJING",
    "SEOUL", "北京"), which leaves the first sentence; null when none."""

    def paragraphs(self) -> list[str]:
        """The paragraphs of ``text``, in order."""
        return self.text.split("\n\n") if self.text else []

    @property
    def analysis_text(self) -> str:
        """The text analysis works on: Simplified for Traditional documents."""
        return self.text_simplified if self.text_simplified is not None else self.text


@dataclass
class Skipped(Serializable):
    """A file the reader did not turn into a document."""

    path: str
    """Path relative to the source folder."""
    reason: str
    """One line saying why."""


@dataclass
class Corpus(Serializable):
    """Everything read from one source folder."""

    documents: list[Document] = field(default_factory=list)
    """Usable documents, sorted by path."""
    skipped: list[Skipped] = field(default_factory=list)
    """Files that were skipped, sorted by path."""


# ------------------------------------------------------------------------- analysis


@dataclass
class Quote(Serializable):
    """A sentence quoted from a document, in its original script."""

    text: str
    """The sentence as it stands in the document."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds the sentence."""
    owner: str = ""
    """The organisation a theme's quote is about but does not name, as its document's
    reading resolved it (the pointer it opens with, 公司; the short heading above it,
    ``### 比亚迪``; the organisation told before it that owns its figures), in the
    document's language: the briefing names it beside the quote ("公司（百济神州）…",
    "（比亚迪）垂直整合：…", "[NIO] The strategy…"). Empty when the quote names its subject."""
    pointer: str = ""
    """The word of the quote, as written, that points to ``owner`` (公司, 該公司, 其):
    the owner is named right after it; empty when the quote opens with no pointer
    (the owner is named before the quote)."""


@dataclass
class Evidence(Serializable):
    """A passage that bears on a research question."""

    text: str
    """The passage (one or two sentences) in its original script. In a memo's own
    answer (``Question.memo_answer``) a line that introduces short lines is joined
    with them ("…会出现：A；B"), a heading with the short lines under it."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds the passage (the first, for joined lines)."""
    score: float
    """Relevance (BM25 over tokens with alias expansion), higher is better."""
    clause: str = ""
    """What the agenda shows when the passage names the question's organisation
    only after other clauses: the passage from that clause on ("…而比亚迪凭借垂直
    整合…" for a question on 比亚迪); empty when the passage opens with it."""
    subject: str = ""
    """The organisation a memo's note leaves to its heading ("2023年全球交付180.8万辆…"
    under "### 特斯拉（Tesla）" → 特斯拉), shown before it; empty when the passage
    names its own."""


@dataclass
class DocumentMentions(Serializable):
    """How strongly one document bears on a theme."""

    document: str
    """Path of the document."""
    mentions: int
    """Sentences of the document that mention the theme."""


@dataclass
class Theme(Serializable):
    """An idea argued across the corpus."""

    label: str
    """Heading-ready label in Simplified Chinese."""
    terms: list[str]
    """Key terms (Simplified Chinese), strongest first."""
    documents: list[str]
    """Paths of the documents that argue it, strongest first."""
    mentions: int
    """Sentences across the corpus that mention it."""
    strength: float
    """Score used for ranking (0-1, the strongest theme is 1)."""
    coverage: list[DocumentMentions]
    """Mentions per document, in the corpus order."""
    gist: str
    """One line that says what the authors argue, taken from the best quote."""
    quotes: list[Quote]
    """1-3 representative sentences, from different documents where possible."""
    origin: str
    """``author`` when it rests on the authors' own headings or numbered points,
    ``keywords`` when it was found from term statistics alone."""
    gist_source: Quote | None = None
    """The sentence the gist is cut from (never one of ``quotes``), or null."""


@dataclass
class Figure(Serializable):
    """A number the corpus gives about an organisation."""

    value: float
    """The number, scaled (``10万`` → 100000, ``1.2个亿`` → 120000000)."""
    unit: str
    """Unit: ``%``, ``元``, ``家``, ``个``, ``人``, ``倍`` or empty."""
    measure: str
    """What is measured, in Chinese (市场份额, 亏损, 投资, 客户数, …)."""
    year: int | None
    """Year the figure refers to, if the text says or implies it."""
    text: str
    """The sentence that gives it."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds the sentence."""
    raw: str = ""
    """The figure as written ("45.5%", "超过10万家")."""
    source: str | None = None
    """Who the text credits for the figure (IDC, Gartner, …), if anyone."""
    qualifier: str = ""
    """The approximation the text gives: 约, 超过, 近, 不到, 至少, 最高, or empty (exact)."""
    value_max: float | None = None
    """Upper end when the text gives a range ("47-51 percent": ``value`` 47, ``value_max`` 51)."""
    caveats: list[str] = field(default_factory=list)
    """Data gaps the author left in the figure's sentence (the memo's 「时间点」): the
    figure is shown with them."""
    counterpart: str | None = None
    """The other party of a deal: for ``获投资`` the investor, for ``被收购`` the buyer.
    A deal is stored once, on the investee or target."""
    attribution: str = ""
    """How the figure's owner was decided: ``clause subject``, ``previous clause subject``,
    ``被 → agent`` (the agent of a passive clause that pays or wins with it), ``deal``,
    ``分别`` (i-th of a list), ``ranking list`` (an entry of a ranking), a pronoun
    resolved (``公司/其 → section topic``)."""
    scope: str = ""
    """The part of the organisation the figure covers ("其中上海超级工厂交付约94.7万辆":
    上海超级工厂), empty for the whole organisation."""
    period: str = ""
    """The part of ``year`` the figure covers, normalised (一季度, 上半年, 前4个月, 前三季度,
    第三财季, 5月), empty for a full year or when the text names none; or what it adds up
    beyond one year (``figure_extents.yaml``): a running total to ``year``'s end or a
    month of it (截至年底, 截至9月), one whose end is unstated (累计), a span since an
    event (上线三年), or a rate (每年, 年均, 每月, 每天). Figures of different periods are
    never set side by side."""
    kind: str = "fact"
    """``fact`` (a result), ``forecast`` (预计, 有望, expects…: its measure ends in 预测) or
    ``target`` (目标, 计划…: its measure ends in 目标). A forecast or target is shown as
    such (预计/目标) and never compared with results."""
    also_documents: list[str] = field(default_factory=list)
    """Other documents that give the same figure (to its rounding, under a name of the
    same measure family): the figure is listed once, the most precise, citing all."""
    compare_as: str = ""
    """What, beyond measure, period, unit and year, a figure must share with another to
    be set beside it (key figures, charts): the scope its clause states (合计 for a total
    the sentence then splits, 归母, a segment), whose it is (a market or an organisation),
    and the organisation itself when the source says the figures are counted differently."""
    previous: float | None = None
    """The value this figure replaced when its clause revises it ("全年经营利润预期由1.28万亿日元
    上调至1.31万亿日元", "raised its forecast from X to Y", "cut … to Y from X": ``value`` is
    Y, ``previous`` X, in the same unit), else null. The previous value is never a figure
    of its own."""
    previous_raw: str = ""
    """``previous`` as written ("1.28万亿日元")."""


@dataclass
class Company(Serializable):
    """One real-world organisation, merged across scripts and languages."""

    name: str
    """Canonical name in Simplified Chinese."""
    aliases: list[str]
    """Names seen in the corpus for it (阿里, 阿里巴巴, Alibaba, …)."""
    type: str
    """company, investor, government, association, research, media, university or other."""
    parent: str | None
    """Canonical name of the parent organisation (阿里云 → 阿里巴巴), or null."""
    documents: list[str]
    """Paths of the documents that mention it."""
    mentions: int
    """Mentions across the corpus."""
    moves: list[Quote]
    """What it did, as cited sentences, most informative first."""
    figures: list[Figure]
    """Numbers the corpus gives about it."""
    mode: str | None
    """Business model per the memo's modes: one mode's name, ``两者皆是`` (both) or null."""
    mode_evidence: list[Quote] = field(default_factory=list)
    """Sentences that support ``mode``."""
    english: str | None = None
    """English name from the gazetteer, if known."""
    role: str = "case"
    """``case``: a company, investor or business unit that acts in the sources (the
    subject of at least one move: launches, invests, grows, holds a share, partners,
    is invested in…). ``mention``: only named in rankings, lists of examples, as a
    speaker's employer or as a source of data; listed once, never a table row."""
    role_reason: str = ""
    """Why: the action that makes it a case (``推出 [n]``) or what it only does
    (``example``, ``ranking``, ``source``, ``speaker``, ``stock``, ``mentioned``), or
    ``negated`` when its only clauses say what it did not do ("并未上市"), ``deal`` for a
    case that acts only through a deal it makes for another (入股零跑汽车)."""
    move: str | None = None
    """The key move as the briefing shows it: the clause of a Chinese source (in
    Simplified Chinese) whose subject the organisation is and that holds the action,
    cut only at clause boundaries; else a Chinese statement built from its own
    figures or deals ("上汽大众2011年前4个月销量同比增长38%", "投资恒驰科技 5亿元");
    else, for a move only an English source gives, the English clause itself after
    "（英文原文）". The sentences stay in ``moves``."""
    move_origin: str = ""
    """``clause`` (a clause of a Chinese source), ``rendered`` (built from extracted
    figures or deals) or ``english`` (an English source's clause, as written)."""
    move_document: str | None = None
    """Path of the source the key move was taken from (its citation), when one
    source gives it; ``None`` for a statement built from deals."""
    found_by: list[str] = field(default_factory=list)
    """How the name was recognised: ``gazetteer``, or for a discovered name the
    evidence that made it one (``suffix 股份``, ``title 董事长``, ``stock code``,
    ``predicate 年报``, ``kind noun 巨头``, ``legal suffix Inc``, ``jieba nt``)."""
    name_evidence: list[Quote] = field(default_factory=list)
    """For a discovered name: the sentences that made it a name, for an analyst to check."""
    units: list[str] = field(default_factory=list)
    """Subsidiaries and products named in the sources that are not cases of their own
    (支付宝 under 蚂蚁集团): shown with this organisation."""
    mode_question: int | None = None
    """Number of the memo's open question about this company's business model, when the
    sources do not answer it: ``mode`` is then only that question's provisional answer."""
    shown_aliases: list[str] = field(default_factory=list)
    """The other names the briefing shows for it: ``aliases`` in Simplified script,
    each once, without the name itself or its English name (台積電 and 台积电 are one;
    "SpaceX（SpaceX）" shows nothing twice)."""

    @property
    def is_case(self) -> bool:
        """An organisation that acts in the sources (``role`` is ``case``)."""
        return self.role == "case"


@dataclass
class Mode(Serializable):
    """One of the memo's business models (e.g. 深耕产业, 赋能平台)."""

    name: str
    """Name as the memo gives it."""
    description: str
    """The memo's definition sentence, or the data file's."""
    terms: list[str]
    """Cue terms used to recognise the mode in a sentence."""


@dataclass
class ModeCase(Serializable):
    """One case of a company, filed under a mode."""

    name: str
    """The unit or product the case is about (阿里云, ET大脑, 汇通达, …)."""
    mode: str
    """Mode name, ``两者皆是`` when its passages use both modes' words, ``尚不明确``
    when they use neither clearly."""
    text: str
    """Cited sentence describing the case."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds the sentence."""
    cues: list[str] = field(default_factory=list)
    """The words of the memo's definitions (or the memo's own example list) that
    decided ``mode`` (``赋能``, ``平台``; ``备忘录列为例子``)."""
    clause: str = ""
    """The part of ``text`` the table shows: clauses around the deciding words, cut only
    at clause boundaries, in Simplified Chinese."""
    parts: list[str] = field(default_factory=list)
    """Products or lines grouped in this row (ET大脑: 城市大脑, 工业大脑, 金融大脑)."""


@dataclass
class ModeTable(Serializable):
    """Structured answer for a question that asks for a company's cases by mode."""

    company: str
    """Canonical name of the company."""
    modes: list[Mode]
    """The modes, in the memo's order."""
    cases: list[ModeCase]
    """Cases, grouped by mode in ``modes`` order."""


@dataclass
class Answer(Serializable):
    """A provisional answer to a research question, built from the analysis."""

    text: str
    """The answer in one line (阿里巴巴：两者皆是)."""
    basis: list[Quote] = field(default_factory=list)
    """The sentences it rests on."""


@dataclass
class Angle(Serializable):
    """An argument a source makes that a question looking beyond the sources could use."""

    label: str
    """The argument (a theme's label)."""
    documents: list[str]
    """Paths of the documents (other than the asking memo) that argue it."""
    text: str = ""
    """One sentence that states it, in its original script."""
    document: str = ""
    """Path of the document that sentence is from."""
    clause: str = ""
    """The part of ``text`` the briefing shows: the clauses that name the
    question's organisations or concepts, cut at clause boundaries with "…"."""


@dataclass
class Question(Serializable):
    """An open research question from a memo, with the evidence that bears on it."""

    text: str
    """The TO DO item as written."""
    document: str
    """Path of the memo."""
    number: int
    """1-based position among the memo's TO DO items."""
    sub_questions: list[str]
    """The item split into its separate questions (one entry when it is simple)."""
    evidence: list[Evidence]
    """Independent evidence: ranked passages from the other documents (not the
    memo that asks the question) that name the question's actors or concepts."""
    status: str
    """``answered`` (the sources settle it; the answer is shown, or the memo marks
    the item done with ``- [x]``, which is then not searched), ``partly answered``
    (some evidence, the gaps named in ``gaps``) or ``open`` (nothing relevant).
    Models written before version 0.2 hold ``evidence found``, ``thin`` or ``none``."""
    result: ModeTable | None = None
    """Structured result when the item asks for one the corpus can give."""
    context: list[Evidence] = field(default_factory=list)
    """The asking memo's own notes that bear on the question: context that
    restates or frames it, not independent evidence."""
    gaps: list[str] = field(default_factory=list)
    """Sub-questions the sources leave unsettled: no independent passage holds
    what they ask (their concepts, the measure with a number)."""
    answer: Answer | None = None
    """A provisional answer the analysis can give (a classification such as a
    company's business model), with the sentences it rests on; null when none."""
    needs_new_material: bool = False
    """The question asks to look beyond the sources (跳出以上资料的局限):
    ``angles`` lists what the other sources argue, and new material is needed."""
    angles: list[Angle] = field(default_factory=list)
    """For a question that looks beyond the sources: the arguments the other
    sources make that it could build on, each cited."""
    done: bool = False
    """The memo ticks the item done (``- [x]``): answered by its author, not searched."""
    subject: str | None = None
    """What the question is about when it does not say so itself ("是否已经见顶？"
    in a memo titled "商业航天还能不能买？" → 商业航天): from its section heading
    or the memo's title; shown before it ("（商业航天）是否已经见顶？"). Null
    when the question names its own subject."""
    memo_answer: bool = False
    """The memo answers the question under its own heading: ``context`` opens
    with that answer (the author's view, not independent evidence)."""
    missing: list[str] = field(default_factory=list)
    """Per entry of ``gaps``, in the same order: what the sources lack, in a
    plain line ("仅有备忘录作者自己的判断，缺少独立来源", "缺少工商银行的对应资料")."""
    data_gaps: list[str] = field(default_factory=list)
    """Placeholders the memo leaves that belong to this question (【待补充】,
    「XX」, TBD), each as the sentence that holds it."""
    settled_by: Answer | None = None
    """For an answered question (ticked in the memo or settled by the sources):
    the answer built from the independent evidence, its figures per organisation
    with any caveat on their measures ("汇丰控股 税前利润同比增长 78%（2023年）；
    恒生银行 股东应得利润同比增长 约70%（2023年）；口径不同"), and the sentences
    it rests on; null when the evidence gives none."""
    form: str = ""
    """How the memo wrote it (its ``Todo.form``): ``item``, ``inline`` or ``list``
    for a list of questions, ``heading``, ``paragraph`` or ``title`` otherwise."""
    new_material: str = ""
    """Why ``needs_new_material``: ``beyond`` (the question asks to look beyond
    the sources) or ``current`` (it asks about the current state of a market or
    the future and no independent source speaks to it); empty otherwise."""


@dataclass
class Takeaway(Serializable):
    """A key takeaway: an extracted sentence with its citation."""

    text: str
    """The sentence in its original script."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds it."""
    score: float
    """Selection score (centrality weighted by concrete facts), higher is better."""
    kind: str = "sentence"
    """``sentence`` (``text`` is a sentence of the document as it stands) or
    ``points`` (``text`` joins the author's own numbered points, such as
    "产业互联网不是流量战争，而是产业、技术与模式革命"; ``paragraph`` is the first point's)."""
    speaker: str = ""
    """Who said it, when ``text`` is a quotation whose speaker another sentence of its
    paragraph names ("阿里巴巴集团副总裁刘松"); shown before the quote."""


@dataclass
class KeyFigureEntry(Serializable):
    """One organisation's value in a key figure."""

    company: str
    """Canonical name of the organisation the figure belongs to."""
    value: float
    """The number, scaled as in ``Figure.value``."""
    raw: str
    """The figure as written ("45.5%", "超过10万家", "about 30.3 billion US dollars")."""
    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds the sentence."""
    qualifier: str = ""
    """约, 超过, 近, 不到… as the text gives it, or empty (exact)."""
    value_max: float | None = None
    """Upper end of a range, or null."""
    counterpart: str | None = None
    """For a deal (``获投资``, ``被收购``): the investor or buyer (汇通达 获投资 45亿 from 阿里巴巴), else null."""


@dataclass
class KeyFigure(Serializable):
    """A decision-relevant figure; comparable values (same measure, unit and year) side by side."""

    measure: str
    """What is measured, in Chinese (市场份额, 营收, …)."""
    unit: str
    """Unit shared by the entries."""
    year: int | None
    """Year the figures refer to, or null."""
    source: str | None
    """Who the sources credit for the figures (IDC, Gartner, …), or null."""
    entries: list[KeyFigureEntry]
    """One value per organisation, largest first."""
    score: float = 0.0
    """Relevance used for ranking (comparison, credited source, year, prominence)."""
    scope: str = ""
    """The part of the organisations the values cover (see ``Figure.scope``), shared by the entries."""
    period: str = ""
    """The part of ``year`` the values cover (see ``Figure.period``), shared by the entries."""
    kind: str = "fact"
    """``fact``, ``forecast`` or ``target`` (see ``Figure.kind``), shared by the entries."""


@dataclass
class Source(Serializable):
    """One entry of the briefing's source list; citations [n] point here."""

    number: int
    """Citation number, 1-based, in corpus order."""
    path: str
    """Path of the document."""
    title: str
    """Title (or the path when the document has none)."""
    date: str | None
    """ISO date (``YYYY-MM-DD``, or ``YYYY-MM`` for a source dated to the month) or null."""
    language: str
    """``zh-Hans``, ``zh-Hant`` or ``en``."""
    kind: str
    """``memo`` or ``article``."""
    author: str | None
    """Author or null."""
    url: str | None
    """Source URL or null."""
    site: str | None
    """Source site or null."""


@dataclass
class GarbledPassage(Serializable):
    """A passage excluded from quoting because it holds mojibake."""

    document: str
    """Path of the document."""
    paragraph: int
    """Paragraph that holds it."""
    text: str
    """The garbled characters."""


@dataclass
class DocumentGap(Serializable):
    """A data gap left in a document."""

    document: str
    """Path of the document."""
    text: str
    """The placeholder."""
    context: str
    """The sentence around it."""


@dataclass
class Methodology(Serializable):
    """What the pipeline did to the sources, for the briefing's method note."""

    cleaning: list[CleaningCount]
    """Cleaning rules summed over the corpus."""
    garbled: list[GarbledPassage]
    """Passages excluded as garbled."""
    data_gaps: list[DocumentGap]
    """Placeholders the memo(s) left."""
    skipped: list[Skipped]
    """Files that were not read."""
    references: list[Reference]
    """The memos' reference lists, merged in order."""


@dataclass
class FigureChange(Serializable):
    """A figure whose value differs from the previous edition's."""

    company: str
    """Canonical company name."""
    measure: str
    """What is measured."""
    year: int | None
    """Year of the figure."""
    before: float
    """Value in the previous edition."""
    after: float
    """Value now."""
    unit: str
    """Unit of both values."""
    period: str = ""
    """The part of ``year`` both values cover (一季度, 第三财季, 截至9月: :attr:`Figure.period`),
    empty for a full year: a quarter's figure is never compared with the year's."""
    scope: str = ""
    """The part of the company both values cover (:attr:`Figure.scope`), empty for the whole."""


@dataclass
class QuestionChange(Serializable):
    """A research question whose status moved since the previous edition."""

    text: str
    """The question."""
    before: str | None
    """Status in the previous edition (null when the question is new)."""
    after: str
    """Status now."""


@dataclass
class ThemeMatch(Serializable):
    """A theme of this edition matched by content to one of the previous edition."""

    label: str
    """The label both editions show (the previous edition's)."""
    found_as: str
    """The label this edition's analysis gave it (differs when it was relabelled)."""
    before: int
    """Mentions in the previous edition."""
    after: int
    """Mentions now."""
    similarity: float
    """How much of its terms and documents persisted (0-1)."""


@dataclass
class Changes(Serializable):
    """What changed since the previous edition of the same schedule."""

    period: str
    """This edition's period (ISO week such as ``2026-W48``, or a date)."""
    previous_period: str | None
    """The previous edition's period, or null for the first edition."""
    new_documents: list[str] = field(default_factory=list)
    """Paths of documents that were not in the previous edition."""
    new_themes: list[str] = field(default_factory=list)
    """Labels of themes that are new."""
    rising_themes: list[str] = field(default_factory=list)
    """Labels of themes whose mentions grew."""
    fading_themes: list[str] = field(default_factory=list)
    """Labels of themes whose mentions fell or that disappeared."""
    new_companies: list[str] = field(default_factory=list)
    """Organisations seen for the first time."""
    changed_figures: list[FigureChange] = field(default_factory=list)
    """Figures that changed."""
    moved_questions: list[QuestionChange] = field(default_factory=list)
    """Research questions whose status moved."""
    continuing_themes: list[ThemeMatch] = field(default_factory=list)
    """Themes of this edition matched to the previous edition's by content
    (terms and documents), whatever their labels; matched themes keep the previous label."""
    dropped_themes: list[str] = field(default_factory=list)
    """Labels of the previous edition's themes that no theme of this edition continues
    (none shares their lead terms and sources): gone from the briefing, whatever the reason."""


@dataclass
class Briefing(Serializable):
    """The briefing model: everything the template may show."""

    title: str
    """Briefing title."""
    date: str
    """Date of the briefing (ISO), from ``--date`` or today."""
    period_start: str | None
    """Earliest document date (ISO) or null."""
    period_end: str | None
    """Latest document date (ISO) or null."""
    sources: list[Source]
    """The documents, numbered for citation."""
    themes: list[Theme]
    """Themes, strongest first."""
    companies: list[Company]
    """Organisations, business cases first, by mentions."""
    modes: list[Mode]
    """The business models companies are classified by."""
    questions: list[Question]
    """Open research questions, in the memo's order."""
    summary: list[Takeaway]
    """4-6 key takeaways (fewer for a very small corpus), each a distinct finding, in reading order."""
    methodology: Methodology
    """What was cleaned, excluded and missing."""
    version: str = ""
    """Version of briefing that computed the model."""
    changes: Changes | None = None
    """For a scheduled edition: what changed since the previous one; else null."""
    subject: str | None = None
    """The term the whole corpus is about (产业互联网), or null; the default title uses it."""
    key_figures: list[KeyFigure] = field(default_factory=list)
    """The 3-6 most decision-relevant figures, comparable ones side by side."""

    def source_number(self, path: str) -> int:
        """Citation number of a document path (0 when unknown)."""
        for s in self.sources:
            if s.path == path:
                return s.number
        return 0
