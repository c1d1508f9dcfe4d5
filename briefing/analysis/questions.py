"""Research questions: the memo's open TO DO items with the passages that bear on them."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from briefing.analysis import scopes as market
from briefing.analysis.companies import BOTH, UNCLEAR, decide, find_modes, mode_cues
from briefing.analysis.document import DocAnalysis, Mention, Sentence
from briefing.analysis.figures import cue_pattern, starts_with_one_of
from briefing.excerpts import ELLIPSIS, leans_back, squash, stands_alone
from briefing.gazetteer import gazetteer
from briefing.labels import format_figure
from briefing.memo import asks, sentence_case, split_questions, strip_numbering
from briefing.model import (
    Angle,
    Answer,
    Company,
    Document,
    Evidence,
    Figure,
    Mode,
    ModeCase,
    ModeTable,
    Question,
    Quote,
    Theme,
    Todo,
)
from briefing.nlp import en_tokens, split_sentences, stopwords, vocabulary_terms
from briefing.resources import data_lines, data_yaml
from briefing.script import CN_NUMERAL, is_han, to_simplified

K1, B = 1.5, 0.75
MAX_EVIDENCE = 6
ACTING_ROLES = frozenset({"acts", "speaker"})
"""Mention roles (roles.py) of an organisation a sentence is about."""
TABLE_RE = re.compile(r"图表|表格|列表|chart|table|矩阵", re.IGNORECASE)
MODE_RE = re.compile(r"模式|模型|model", re.IGNORECASE)


@functools.cache
def _question_words() -> frozenset[str]:
    return frozenset(w for line in data_lines("question_words.txt") for w in line.split())


class Index:
    """BM25 over every quotable sentence of the corpus.

    Organisation mentions are indexed under their canonical name and every
    ancestor's (a sentence on 阿里云 also answers a query on 阿里巴巴), and
    English sentences carry the glossary's Chinese terms, so one query finds
    passages in both languages and all scripts.
    """

    def __init__(
        self, docs: list[Document], analyses: list[DocAnalysis], renamed: dict[str, str] | None = None
    ) -> None:
        gaz = gazetteer()
        self.docs = docs
        self.analyses = analyses
        self.renamed = renamed or {}
        """A mention's name → the name its organisation is shown by, where they differ
        (Feihe, joined to the Chinese sources' 飞鹤 by its pinyin)."""
        rename = self.renamed.get
        self.entries: list[tuple[int, int, Counter[str]]] = []
        self.postings: dict[str, list[int]] = {}
        """Term → the entries that hold it: a query scores only those."""
        df: Counter[str] = Counter()
        for d_index, a in enumerate(analyses):
            by_sentence = mentions_by_sentence(a)  # not a scan of every mention for every sentence
            english = docs[d_index].language == "en"
            for s_index, s in enumerate(a.sentences):
                if not s.quotable:
                    continue
                tokens = Counter(s.tokens)
                for m in by_sentence.get(s_index, ()):
                    name = rename(m.name, m.name)
                    if english and name not in tokens:
                        tokens[name] += 1  # "Yili" is found by the question's 伊利
                    for ancestor in gaz.ancestors(m.name):
                        tokens[ancestor] += 1
                for term in tokens:
                    self.postings.setdefault(term, []).append(len(self.entries))
                self.entries.append((d_index, s_index, tokens))
                df.update(set(tokens))
        self.n = len(self.entries)
        self.avg = sum(sum(t.values()) for *_, t in self.entries) / max(self.n, 1)
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.vocabulary = set(df)
        self.lengths = [sum(t.values()) for *_, t in self.entries]
        self.shortenings: dict[str, str | None] = {}
        """A question's word outside the dictionary → the sources' word it shortens (挖机: 挖掘机)."""
        self._headings: dict[tuple[int, int], str] = {}
        self._orgs: dict[tuple[int, int], set[str]] = {}
        self._actors: dict[tuple[int, int], set[str]] = {}
        """(document, sentence) → the organisations that act or speak in it, with their parents."""
        for d_index, a in enumerate(analyses):
            for m in a.mentions:
                name = rename(m.name, m.name)
                self._orgs.setdefault((d_index, m.sentence), set()).update((name, *gaz.ancestors(m.name)))
                if m.role in ACTING_ROLES:
                    self._actors.setdefault((d_index, m.sentence), set()).update(
                        (name, *gaz.ancestors(m.name))
                    )
        self.passages: dict[tuple[int, int], tuple[str, int] | None] = {}
        """(document, sentence) → the passage it is quoted as (see ``_passage``)."""
        self.cited: set[tuple[int, int]] = set()
        """Passages questions so far cite as evidence."""
        self.pointers: dict[tuple[int, int], str] = {}
        """(document, sentence) → the organisation a possessive opening points to ("Its …")."""
        self._places: dict[tuple[int, int], frozenset[str]] = {}
        self._title_places: dict[int, frozenset[str]] = {}

    def places_of(self, d_index: int, first: int, s_index: int) -> frozenset[str]:
        """The places a passage (sentences ``first``..``s_index``) is about: those it
        names, else those the nearest sentence before it in its paragraph names
        ("Mobile games … shrank" after "Global games revenue …"), else those its
        document's title names ("台湾游戏业者转攻海外"). A passage's own words come
        first: "global comparable store sales" is the world's in an article titled
        "… as China slump deepens"."""
        sentences = self.analyses[d_index].sentences
        text = self.docs[d_index].analysis_text
        own: frozenset[str] = frozenset()
        for i in range(s_index, -1, -1):
            if i < first and sentences[i].paragraph != sentences[first].paragraph:
                break
            key = (d_index, i)
            if key not in self._places:
                self._places[key] = market.named(text[sentences[i].start : sentences[i].end])
            if i >= first:
                own |= self._places[key]
            elif not own:
                own = self._places[key]
            if own and i <= first:
                break
        if own:
            return own
        if d_index not in self._title_places:
            title = self.docs[d_index].title or ""
            self._title_places[d_index] = market.named(title) if title else frozenset()
        return self._title_places[d_index]

    def actors_of(self, d_index: int, s_index: int) -> set[str]:
        """Organisations that act or speak in a sentence (not those only named in it:
        "库迪咖啡…对标瑞幸咖啡" is Cotti's act), with their parents."""
        return set(self._actors.get((d_index, s_index), ()))

    def orgs_of(self, d_index: int, s_index: int) -> set[str]:
        """Organisations a sentence names, with their parents."""
        return set(self._orgs.get((d_index, s_index), ()))

    def heading_org(self, d_index: int, s_index: int) -> str:
        """The organisation the heading right above a sentence names ("### 特斯拉（Tesla）"),
        or ""; a note under it that names no organisation itself is about it."""
        paragraph = self.analyses[d_index].sentences[s_index].paragraph
        above = [h for h in self.docs[d_index].headings if h.paragraph < paragraph]
        if not above or len(above[-1].text) > 24:
            return ""
        key = (d_index, above[-1].paragraph)
        if key not in self._headings:
            found = gazetteer().find(to_simplified(above[-1].text))
            self._headings[key] = found[0].name if found else ""
        return self._headings[key]

    def search(self, query: list[str]) -> list[tuple[float, int, int]]:
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        candidates = sorted({e for t in terms for e in self.postings.get(t, ())})
        results = []
        for e in candidates:
            d_index, s_index, tokens = self.entries[e]
            length = self.lengths[e]
            score = 0.0
            for t in terms:
                tf = tokens.get(t, 0)
                if tf:
                    score += self.idf[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg))
            if score > 0:
                results.append((score, d_index, s_index))
        results.sort(key=lambda r: (-r[0], r[1], r[2]))
        return results


def mentions_by_sentence(analysis: DocAnalysis) -> dict[int, list[Mention]]:
    """A document's organisation mentions grouped by sentence, in their order
    (one pass, instead of a scan of every mention for every sentence)."""
    grouped: dict[int, list[Mention]] = {}
    for m in analysis.mentions:
        grouped.setdefault(m.sentence, []).append(m)
    return grouped


_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+&.\-]*[A-Za-z0-9+]|[A-Za-z]{2,}")


def query_tokens(text: str, vocabulary: set[str]) -> list[str]:
    """Content tokens of a question, organisation aliases made canonical.

    The question is cut by longest match against the corpus' own vocabulary:
    a word the corpus never uses cannot match a passage anyway, and no jieba
    is needed once every document's analysis is cached. Latin words in a
    Chinese question ("CPO") are matched lower-cased, as the index holds them.
    """
    gaz = gazetteer()
    if _is_english(text):
        tokens = en_tokens(text)
    else:
        simplified = to_simplified(text)
        tokens = vocabulary_terms(simplified, vocabulary)
        tokens += [w.lower() for w in _LATIN_WORD_RE.findall(simplified) if w.lower() in vocabulary]
    for m in gaz.find(to_simplified(text)):
        tokens.append(m.name)
    return [t for t in dict.fromkeys(tokens) if t not in _question_words()]


def _is_english(text: str) -> bool:
    return sum(1 for c in text if c.isascii() and c.isalpha()) > len(text) * 0.6


BEYOND_RE = re.compile(
    r"跳出.{0,8}(?:资料|材料|来源|文章|文献|局限)|(?:以上|上述|现有)?(?:资料|材料|来源|文献)(?:以外|之外)"
    r"|(?:还|另外|其他).{0,4}(?:哪些|什么)?(?:新)?角度|其他视角"
    r"|beyond (?:these|the|our|those|this) (?:sources|materials|documents|articles|notes)"
    r"|outside (?:these|the|our) (?:sources|materials|documents)|other angles|new angles",
    re.IGNORECASE,
)
MAX_CONTEXT = 4
MAX_OWN_ANSWER = 3
MAX_ANGLES = 5
ANSWERED, PARTLY, OPEN = "answered", "partly answered", "open"
STATUSES = (ANSWERED, PARTLY, OPEN)

# Gap lines that say no independent source speaks to a (sub-)question, and the one
# a sub-question gets instead when the question shows evidence for its other parts.
ONLY_MEMO = "仅有备忘录作者自己的判断，缺少独立来源"
NOTHING = "资料中没有与此问题相关的内容"
NOTHING_INDEPENDENT = (ONLY_MEMO, NOTHING)
OTHER_PARTS = "其他来源只谈到问题的其他部分，没有谈到这一点"


def asks_beyond_sources(text: str) -> bool:
    """The question asks to look beyond the sources ("跳出以上资料的局限",
    "beyond these sources"): the sources cannot settle it by definition."""
    return bool(BEYOND_RE.search(text))


def find_questions(
    docs: list[Document],
    analyses: list[DocAnalysis],
    companies: list[Company],
    modes: list[Mode],
) -> list[Question]:
    built: list[Index] = []  # built for the first question: a folder without any needs no BM25

    def index_() -> Index:
        if not built:
            renamed = {c.english: c.name for c in companies if c.english and c.english != c.name}
            built.append(Index(docs, analyses, renamed))
        return built[0]

    names = _NameFinder(companies)
    questions = []
    for doc in docs:
        if doc.kind != "memo":
            continue
        memo_questions: list[tuple[Question, Todo]] = []
        for number, todo in enumerate(doc.todos, start=1):
            if todo.done:  # ticked in the memo: answered by its author; shown with the data that settles it
                questions.append(_done_question(todo, doc, number, index_(), names, companies))
                continue
            question = Question(
                text=todo.text,
                document=doc.path,
                number=number,
                sub_questions=[sentence_case(q) for q in split_questions(todo.text) or [todo.text]],
                evidence=[],
                status=OPEN,
                form=todo.form,
            )
            question.subject = subject_of(todo.text, doc, todo.paragraph, names)
            index = index_()
            question.result = _mode_table(todo.text, docs, analyses, companies, modes)
            settles = _answer(question, todo, index, names, companies, modes)
            if question.result is not None:
                question.settled_by = None  # the table it asks for is its answer
            question.status = _status(question, settles)
            if question.result is not None and question.status == PARTLY:
                own = sum(c.document == question.document for c in question.result.cases)
                question.gaps = question.sub_questions[:1]
                question.missing = [
                    f"{len(question.result.cases)} 个案例中 {own} 个只出自备忘录自身，"
                    "其他来源的案例还不能覆盖每种模式"
                ]
            if question.status == ANSWERED:
                question.gaps, question.missing = [], []
            elif (
                question.status == OPEN
                and not question.needs_new_material
                and _needs_current_material(question)
            ):
                question.needs_new_material, question.new_material = True, "current"
            questions.append(question)
            memo_questions.append((question, todo))
        if memo_questions:  # placeholders are attached to open questions only
            _attach_data_gaps(doc, memo_questions, index_(), names)
    return questions


# ------------------------------------------------------------ what a question asks


@functools.cache
def _measure_cues() -> dict[str, str]:
    """Measure cue (lower case) → the measure it names, from measures.yaml (毛利率, 占比, profit)."""
    raw = data_yaml("measures.yaml") or {}
    return {str(k).lower(): str(v[0]) for k, v in raw.items() if isinstance(v, list) and v}


_FAMILY_BASES = ("增长", "下降", "利润", "亏损", "营收", "市场份额", "毛利率", "占比")


def _family(measure: str) -> str:
    """What kind of measure it is: 同比增长 and 增长率 are growth, 净利润 and 溢利
    profit; a compound takes its head, the base that ends last (营收占比 is a
    share of revenue, not revenue; 营收增长 is growth)."""
    found = [(measure.rfind(b) + len(b), b) for b in _FAMILY_BASES if b in measure]
    return max(found)[1] if found else measure


@functools.cache
def _measure_re() -> re.Pattern[str]:
    """All measure cues in one pattern, longest first: Chinese anywhere (not "店"
    alone, which names a shop only inside a longer word), English as whole words."""
    cues = sorted((c for c in _measure_cues() if c.isascii() or len(c) >= 2), key=len, reverse=True)
    parts = [rf"(?<![a-z]){re.escape(c)}(?![a-z])" if c.isascii() else cue_pattern(c) for c in cues]
    return re.compile(f"{starts_with_one_of(cues)}(?:{'|'.join(parts)})")


# A share said without the word for it: "拿下逾五成订单", "占据过半市场", "holds roughly
# half of the rack assembly market", "a third of the market".
_SHARE_PHRASE_RE = re.compile(
    r"(?<![统变分合组构形达完])(?:[一二三四五六七八九]成|过半|逾半|近半|半数|一半)(?:的)?(?:订单|市场|份额|出货|销量|产能)"
    r"|(?:占据?|拿下|拿到|获得|取得|抢下|瓜分|吃下)(?:了)?(?:全球|国内|市场)?(?:逾|超过|近|约)?"
    r"(?:[一二三四五六七八九]成|过半|一半|半数)"
    r"|\b(?:half|a third|a quarter|two[- ]thirds|three[- ]quarters|\d+(?:\.\d+)?\s?(?:%|percent))\s+of\s+"
    r"(?:the\s+|all\s+)?(?:(?!year\b|quarter\b|month\b|period\b)[a-z0-9-]+\s+){0,4}market\b",
    re.IGNORECASE,
)


_SHARE_ASKED = r"占[^，。；？?]{0,6}?(?:收入|营收|销量|销售额|利润|成本)的?(?:比重|比例)"
"""A share of a whole asked by its parts' words ("国际业务占收入比重")."""
_SHARE_ASKED_RE = re.compile(_SHARE_ASKED)

# A part's share of a whole said without the word for it: "占总收入逾六成", "占销量的
# 三成", "more than 60% of its revenue".
_PART_PHRASE_RE = re.compile(
    r"占(?:总|全部|整体|公司|集团)?(?:收入|营收|营业收入|销量|销售额|销售收入|出货量|利润|净利润)(?:的)?"
    r"(?:比重)?(?:逾|超过|超|近|约|不足|不到|达到?|为|仅)?"
    r"(?:\d+(?:\.\d+)?\s*%|[一二三四五六七八九]成|过半|一半|半数|大半)"
    r"|\b\d+(?:\.\d+)?\s?(?:%|percent|per cent)\s+of\s+(?:its|their|the company's|the group's|total|group)\s+"
    r"(?:total\s+|group\s+)?(?:revenue|revenues|sales|income|profit|profits)\b"
    # a question asks it without a number: "国际业务占收入比重能否达到20%"
    rf"|{_SHARE_ASKED}",
    re.IGNORECASE,
)


def part_phrase(text: str) -> bool:
    """The text gives a part's share of a whole in words (占总收入逾六成), not by its name."""
    return bool(_PART_PHRASE_RE.search(text))


def share_phrase(text: str) -> bool:
    """The text gives a share in words (五成订单, "half of the … market"), not by its name."""
    return bool(_SHARE_PHRASE_RE.search(text))


@functools.lru_cache(maxsize=8192)
def _measures_in(text: str) -> frozenset[str]:
    """The kinds of measure a text names ("profit growth" → 利润, 增长; "同店销售额
    同比下降11%" → 销售额, 下降; "拿下逾五成订单" → 市场份额)."""
    cues = _measure_cues()
    simple = to_simplified(text).lower()
    found = frozenset(_family(cues[m.group()]) for m in _measure_re().finditer(simple))
    if part_phrase(simple):
        found |= {"占比"}
    return found | {"市场份额"} if share_phrase(simple) else found


_CHANGE_FAMILIES = frozenset({"增长", "下降"})
_ASKED_TIMES = frozenset(
    {"明年", "后年", "今年", "年内", "年底", "年末", "下半年", "上半年", "未来", "长期", "中长期"}
)
"""Times a question asks about that a passage answering it names too."""
_ASKS_DURATION_RE = re.compile(
    r"\bhow long\b|\buntil when\b|\bwhen will\b|多久|多长时间|到什么时候|持续到何时|何时结束"
    # "RevPAR什么时候止跌？": when a thing turns, answered by a time, not by its latest fall
    r"|什么时候|何时|几时",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(
    r"\bwithin (?:\w+ )?(?:days|weeks|months|years|quarters)\b|\bfor (?:another|the next|at least|several)\b"
    r"|\buntil\b|\bthrough (?:the end of |mid-)?(?:20\d\d|next year|the (?:first|second) half)"
    r"|\binto (?:20\d\d|next year)|\bby (?:the end of (?:the year|20\d\d|next year)|mid-20\d\d|year-end|20\d\d)"
    r"|\b\d{1,3}(?:\.\d)? (?:weeks|months|years)\b"
    r"|持续到|维持到|延续到|至少到|直到|年内|年底前|(?<!\d)\d{1,3}(?:\.\d)?\s*(?:个月|年|周)(?!\d)"
    r"|[一二三四五六七八九十两几半]{1,2}(?:个月|年)(?:内|以上|左右|之久)",
    re.IGNORECASE,
)
"""A question asks how long, and what answers it: a passage saying until when or for how long."""
_ENDING_RE = re.compile(
    r"结束|告一段落|持续|延续|短期内|短时间内|长期|难以|\b(?:end|last|persist|continue)s?\b", re.IGNORECASE
)
"""What a passage on how long a thing lasts says (短期内难以结束): it ranks first for "多久"."""
# What a question asks of a measure right after naming it: its size, level or
# direction ("毛利率下降了多少", "净息差还会继续收窄吗", "占比能否超过50%",
# "利润能否在价格战中守住"), or nothing more ("…的毛利率是多少？", "…的净息差？").
_TARGET_PREDICATE_RE = re.compile(
    r"^[^，。；;,？?]{0,14}?(?:多少|几何|超过|高于|低于|达到|突破|守住|保持|维持|收窄|扩大|缩小|下降|下滑|降至"
    r"|上升|回升|提升|提高|增长|改善|恶化|见顶|见底|变化|排名|排行|最高|最低|最大|最小|最多|最少)"
    r"|^\s*[？?吗呢]?\s*$"
)
_MEASURE_AS_WAY_RE = re.compile(
    r"(?:统计|计算|核算|考核|评估|定价)?(?:逻辑|方法|体系|框架|标准|思路|模型|口径)"
)
_RANKING_RE = re.compile(r"排名|排行|\brank(?:ing|ings)?\b", re.IGNORECASE)
_PHRASE_STOP_RE = re.compile(r"[的之在和与及、，,。；;：:？?\s\d年月季]")
_PHRASE_LEFT = 6
_PHRASE_STOP_WORDS = (
    "多少",
    "几",
    "什么",
    "哪些",
    "带来",
    "实现",
    "达到",
    "超过",
    "能否",
    "是否",
    "会不会",
    "能够",
    "可以",
    "保持",
    "维持",
    "恢复",
    "两位数",
    "个位数",
)
"""Words of the question before a measure that end its phrase: what is asked, not what is measured."""


@dataclass
class _Target:
    """The measure a question asks the value, level or direction of."""

    families: frozenset[str]
    """Its kinds (占比; with 市场份额 for a ranking): evidence must give one of them."""
    phrase: str
    """It as the question words it ("海外收入占比", "单车利润", "净息差")."""
    family: str
    """Its own kind, for saying what a source gives instead."""

    @property
    def said(self) -> str:
        """It in a Chinese gap line: as the question words it, or, where the question
        is English ("delivered"), its kind (交付量)."""
        return self.family if self.phrase.isascii() else self.phrase


def _target(text: str, names: list[tuple[int, int, str]] | None = None) -> _Target | None:
    """The measure a question asks about as its target, or None: the last measure
    it names that a size, level or direction is asked of ("迈瑞医疗的海外收入占比
    能否在2025年超过50%？" → 占比, worded 海外收入占比; not 产能 in "产能扩张会受
    反补贴调查影响吗？", where the expansion is the subject, not a quantity asked).
    In an English question every measure it names is asked of ("How does HSBC's
    profit growth compare…" → profit). Growth or decline alone is a target only
    when nothing else is ("增长率能否回升？")."""
    simplified = to_simplified(text)
    lower = simplified.lower()
    english = _is_english(text)
    cues = _measure_cues()
    found = []
    for m in _measure_re().finditer(lower):
        family = _family(cues[m.group()])
        if _MEASURE_AS_WAY_RE.match(lower, m.end()):
            continue  # "估值逻辑发生了什么变化": how a measure is arrived at, no size of it
        if english or _TARGET_PREDICATE_RE.match(lower[m.end() :]):
            found.append((m, family))
    if not found:
        return None
    heads = [(m, f) for m, f in found if f not in _CHANGE_FAMILIES] or found
    m, family = heads[-1]
    start = m.start()
    taken = [(a, b) for a, b, _ in names or []]
    while start > 0 and m.start() - start < _PHRASE_LEFT and not english:
        before = simplified[start - 1]
        if _PHRASE_STOP_RE.match(before) or any(a < start <= b for a, b in taken):
            break
        if simplified[:start].endswith(_PHRASE_STOP_WORDS):
            break  # "…恢复会带来多少利润": the measure is 利润, not 复会带来多少利润
        start -= 1
    phrase = simplified[start : m.end()] if not english else simplified[m.start() : m.end()]
    families = {f for _, f in heads} if english else {family}
    if not english and re.search(r"[，,；;]", lower[heads[0][0].end() : m.start()]):
        # Two clauses, two measures asked ("谁的海外收入占比最高，海外毛利率比国内高多少"):
        # a passage that gives either bears on it.
        families = {f for _, f in heads}
    families |= {k for f in list(families) for k in _kin().get(f, ())}
    if _RANKING_RE.search(lower):
        families.add("市场份额")  # a ranking is read off shares
    if not english and (part := _SHARE_ASKED_RE.search(lower)):
        # "国际业务占收入比重能否达到20%": a share of revenue is asked, not revenue
        families.add("占比")
        family = "占比"
        if part.start() >= start and part.end() > m.end():
            phrase = simplified[start : part.end()]
    return _Target(frozenset(families), phrase, family)


@functools.cache
def _kin() -> dict[str, tuple[str, ...]]:
    """Kind of measure → kinds a question about it is answered by (measure_kin.yaml)."""
    raw = (data_yaml("measure_kin.yaml") or {}).get("related") or {}
    return {str(k): tuple(str(v) for v in vs) for k, vs in raw.items()}


_PERIOD_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*(?:年|财年|fy)?"
    r"|(?P<q>(?:第?[一二三四1-4]季度?|[一二三四1-4]季报|q[1-4]|(?:first|second|third|fourth) quarter))"
    r"|(?P<h>上半年|下半年|h[12]|first half|second half)",
    re.IGNORECASE,
)
_QUARTERS = {
    "一": "Q1",
    "二": "Q2",
    "三": "Q3",
    "四": "Q4",
    "first": "Q1",
    "second": "Q2",
    "third": "Q3",
    "fourth": "Q4",
}


def _periods(text: str) -> set[str]:
    """The periods a text names, in one form: 2024, Q1, H1 ("2024年一季度", "first quarter of 2024")."""
    out: set[str] = set()
    for m in _PERIOD_RE.finditer(to_simplified(text)):
        if m.group("year"):
            out.add(m.group("year"))
        elif q := m.group("q"):
            digit = re.search(r"[1-4]", q)
            word = next((w for w in _QUARTERS if w in q.lower()), None)
            out.add(f"Q{digit.group()}" if digit else _QUARTERS[word] if word else q)
        elif h := m.group("h"):
            out.add("H1" if h.lower() in ("上半年", "h1", "first half") else "H2")
    return out


# A question that asks for a judgement or a forecast, and the words of a source's view.
_FORECAST_RE = re.compile(
    r"还有没有|有没有机会|判断|评估|能否|能不能|会不会|还能|还会|见顶|值不值|该不该|要不要|前景|何时|多久"
    r"|\b(?:will|would|should|could|can)\b",
    re.IGNORECASE,
)
_LEAVES_OPEN_RE = re.compile(
    r"(?:何时|几时|什么时候|能否|是否|会否|多久|多快)[^。；;]{0,16}?"
    r"(?:仍|尚|还|则)?(?:取决于|视乎|要看|有待|待观察|不明朗|不明确|未明|未知|难以判断|难以预料|存在不确定性)"
    r"|\b(?:whether|when|how (?:fast|soon|long))\b[^.;]{0,60}?\b(?:depends? on|remains? (?:to be seen|unclear|uncertain)|is (?:unclear|uncertain))\b",
    re.IGNORECASE,
)
"""A passage that relays the question and leaves it open ("锂价何时见底仍取决于…的减产
速度", "whether demand recovers depends on…"): the condition it names bears on the
question, but settles nothing."""


def leaves_open(text: str) -> bool:
    """The passage says the matter it speaks of is still open or conditional."""
    return bool(_LEAVES_OPEN_RE.search(to_simplified(text)))


_VIEW_RE = re.compile(
    r"预计|预期|预测|有望|将会|料将|仍将|估计|认为|判断|展望|目标|或将|可能|恐怕|指出"
    r"|将(?:继续|保持|成为|达到|突破|超过|迎来|进入|面临|承压|受益|加速|放缓|回升|下滑|下降|增长|提升|改善|收窄|扩大)"
    r"|\b(?:expects?|expected|forecasts?|projects?|likely|outlook|guidance|estimates?|predicts?|analysts? say)\b"
    r"|\bcan\b[^.;]{0,60}\bwithout\b|\b(?:will|would) (?:not )?(?:be|remain|keep|stay|fall|rise|ease|offset|hurt)\b"
    # "rates could fall below pre-crisis levels", "warned that new vessels would flood the market"
    r"|\b(?:could|might|may) (?:not )?(?:fall|rise|drop|climb|remain|stay|return|ease|recover|decline)\b"
    r"|\bwarn(?:s|ed)?\b[^.;]{0,80}\b(?:would|will|could)\b",
    re.IGNORECASE,
)
_ASKS_NUMBER_RE = re.compile(
    r"多少|几成|几倍|几个|几家|规模多大|有多大|多大规模|\bhow (?:much|many)\b", re.IGNORECASE
)
"""A question that asks a quantity: only a passage with a number can answer it."""
_IMPACT_RE = re.compile(
    r"对(?P<object>[^，,。？?；;]{2,20}?)"
    r"(?:的(?:[^，,。？?；;的]{1,4})?|(?:会|将)?(?:有|带来|造成|产生)(?:什么|多大|多少|怎样|怎么样|哪些)?的?|是|为)?"
    r"(?:影响|冲击|拖累|拉动|打击|利好|利空)"
)
"""An impact question's object: "…对台湾供应链的营收影响有多大" (台湾供应链)."""


def impact_object(text: str) -> str | None:
    """What a question asks the impact on ("存储涨价对中低端机型毛利率的冲击？": 中低端机型毛利率)."""
    m = _IMPACT_RE.search(to_simplified(text))
    return m.group("object") if m else None


_CONDITION_RE = re.compile(
    r"^(?P<before>[^，,。？?]{2,16}?)(?:如果|若是|假如|一旦|倘若)[^，,。？?]{0,8}[，,]"
    r"|(?:如果|若是|假如|一旦|倘若|若)(?P<after>[^，,。？?]{2,16})[，,]"
    r"|^if (?P<en>[^,?]{3,60}),",
    re.IGNORECASE,
)


def condition_of(text: str) -> str | None:
    """What a what-if question supposes ("美国港口费如果落地，中国船厂的海外订单会减少多少？":
    美国港口费; "如果补贴退坡，…"): its answer is read where the sources speak of that."""
    m = _CONDITION_RE.search(to_simplified(text).strip())
    if not m:
        return None
    return m.group("before") or m.group("after") or m.group("en")


_COMPARES_RE = re.compile(
    r"相比|比较|对比|比起|有何不同|有什么不同|不同之处|区别|差异|差别|孰优|谁更|哪个更|哪家更"
    r"|(?:谁|哪家|哪个|哪一家)[^，。；？?]{0,12}最"
    r"|\bcompare[sd]?\b|\bcomparison\b|\bversus\b|\bvs\.?\s|\bdiffer",
    re.IGNORECASE,
)


@dataclass
class _Ask:
    """What one (sub-)question asks, read from its words."""

    text: str
    actors: set[str]
    """Organisations it names (canonical), or inherits from its question or subject."""
    subject: list[str]
    """Without an actor: what a passage must name (lower case), such as "cpo"."""
    concepts: set[str]
    """Content words that carry its meaning (not framing or everyday words)."""
    tokens: list[str]
    """Search terms for the index."""
    measures: set[str]
    """The kinds of measure it asks for (毛利率, 利润): a settling passage gives one with a number."""
    periods: set[str]
    """The periods it names (2024, Q1): a settling passage names them."""
    compares: bool
    """It compares its actors: each needs a passage of its own."""
    unknown: list[str]
    """Words it asks about that no source uses ("盈亏平衡点")."""
    forecast: bool = False
    """It asks for a judgement or a forecast ("还有没有增长空间", "能否守住",
    "will …"): facts about today alone do not settle it, a source's view does."""
    target: _Target | None = None
    """The measure it asks the size, level or direction of: evidence must give it."""
    cues: frozenset[str] = frozenset()
    """The cue terms of the memo's models, when it asks by them ("按两种模式整理阿里的
    具体布局案例"): passages that use them rank first, not those that only name its
    organisation ("阿里云于2009年9月成立")."""
    changes: frozenset[str] = frozenset()
    """A change it asks about in a word no source writes (下滑): a passage shares it
    with any word of that direction (下降, 下跌, fell; change_words.yaml)."""
    years: dict[str, str] = field(default_factory=dict)
    """The years it names relative to its memo's date (明年 → "2026"): a passage that
    writes the year shares the word."""
    places: frozenset[str] = frozenset()
    """The places or markets it asks about (国内, 海外, 台湾: ``scopes.py``), or its
    question's: a passage about a contrasting place only is no evidence for it."""
    shortened: dict[str, str] = field(default_factory=dict)
    """Its words that shorten a word of the sources (挖机 → 挖掘机), which it asks by."""
    inherited: bool = False
    """Its concepts are its question's ("阿斯利康和辉瑞有何不同？" after "跨国药企在中国的
    收入…"): one of them with the organisation is enough."""
    impacted: frozenset[str] = frozenset()
    """What it asks the impact on ("苹果份额下滑，对台湾供应链的营收影响有多大？": 台湾,
    供应链), or what a what-if supposes ("美国港口费如果落地，…": 港口费): its concepts and
    organisations. A passage that names one of them bears on it
    and comes first, whether or not it names the cause's organisation; what the sources
    say of the cause follows, as for any question."""
    after_event: frozenset[str] = frozenset()
    """What it asks in the wake of an event its organisation lived ("茶百道上市破发之后，港股
    对新茶饮的估值逻辑发生了什么变化？": 港股, 新茶饮, 估值): a passage that shares two of
    them bears on it whether or not it names the organisation."""


_AFTER_EVENT_RE = re.compile(r"^(?P<event>[^，,。？?]{2,30}?)(?:之后|以后|过后)[，,]\s*")


def _short_forms(name: str) -> list[str]:
    """How a question shortens a company's Chinese name: without its legal or trade
    suffix (美的集团 → 美的, 三一重工 → 三一; organisations.yaml)."""
    from briefing.analysis.org_words import words

    vocabulary = words()
    for suffix in sorted({*vocabulary.legal, *vocabulary.weak_suffixes}, key=len, reverse=True):
        stem = name.removesuffix(suffix)
        if stem != name and len(stem) >= 2 and all(is_han(ch) for ch in stem):
            return [stem]
    return []


class _NameFinder:
    """Organisations named in a question: the gazetteer's names (Chinese and
    English) and the names the analysis found in the corpus (their aliases)."""

    def __init__(self, companies: list[Company]) -> None:
        aliases: dict[str, str] = {}
        for c in companies:
            if c.role != "case":
                continue
            for alias in (c.name, *c.aliases, *_short_forms(c.name)):
                if len(alias) >= 2:
                    aliases.setdefault(to_simplified(alias), c.name)
        self.aliases = sorted(aliases.items(), key=lambda kv: -len(kv[0]))
        self.known = {c.name for c in companies if c.role == "case"} | set(gazetteer().orgs)
        """Organisations the briefing shows as such: the gazetteer's and the cases."""

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        simplified = to_simplified(text)
        found = [(m.start, m.end, m.name) for m in gazetteer().find(simplified)]
        for alias, name in self.aliases:
            pattern = rf"(?<![A-Za-z]){re.escape(alias)}(?![A-Za-z])" if alias.isascii() else re.escape(alias)
            for m in re.finditer(pattern, simplified, re.IGNORECASE if alias.isascii() else 0):
                if not any(a < m.end() and m.start() < b for a, b, _ in found):
                    found.append((m.start(), m.end(), name))
        return sorted(found)

    def names(self, text: str) -> list[str]:
        return list(dict.fromkeys(name for *_, name in self.spans(text)))


# Words that stand at the start of a title or heading's subject and end it:
# "商业航天还能不能买", "CPO概念板块现在处于什么阶段", "银行业息差研究备忘".
_SUBJECT_END_RE = re.compile(
    r"[，。？！?!：:、；;“”\"'（(|/／—–\-]|\s{2,}|(?<![A-Za-z])\s(?![A-Za-z])"
    r"|现在|目前|当前|还|到底|究竟|是否|能否|能不能|会不会|会|将|处于|是|的|为什么|为何|如何|怎么|怎样"
    r"|研究|备忘|笔记|分析|调研|观察|纪要|working notes|notes",
    re.IGNORECASE,
)
_SUBJECT_TAIL_RE = re.compile(r"(?:概念|板块|行业|产业|赛道|市场|领域|题材|主题)+$")
_LABELS = frozenset(
    [
        "背景",
        "结论",
        "总结",
        "小结",
        "分析",
        "判断",
        "问题",
        "建议",
        "策略",
        "风险",
        "趋势",
        "现状",
        "展望",
        "目录",
        "概况",
        "附录",
        "todo",
    ]
)


def _subject_phrase(text: str) -> str | None:
    """The subject a title or heading opens with ("商业航天还能不能买？…" → 商业航天,
    "CPO概念板块现在处于什么阶段？" → CPO), or None."""
    text = strip_numbering(to_simplified(text)).strip()
    text = re.sub(r"[（(][^）)]*[）)]", "", text).strip()
    m = _SUBJECT_END_RE.search(text)
    phrase = (text[: m.start()] if m else text).strip()
    phrase = _SUBJECT_TAIL_RE.sub("", phrase).strip() or phrase
    phrase = re.sub(r"[\d\s\-]+$", "", phrase).strip()
    longest = 32 if phrase.isascii() else 16
    if not 2 <= len(phrase) <= longest or phrase.lower() in _LABELS or asks(phrase):
        return None
    return phrase


_FUNCTION_CHARS = re.compile(
    r"[的了在是吗呢么吧啊和与或及对把被从向以为于将会能可要该这那其各每等就都也还又再更最很所之而则即已经不没有它他她们]"
)
_PRONOUN_RE = re.compile(r"^(?:它|它们|其|该|这|这个|此|they|it|its|this)(?![A-Za-z])", re.IGNORECASE)
SUBJECTLESS_CHARS = 6
"""A question with no more content characters than this, and no name, leaves its subject to its memo."""


_QUOTED_RE = re.compile(r"[“「『\"][^“”「」『』\"]{1,24}[”」』\"]")
"""A short quoted phrase inside a question (a slogan, a metaphor)."""


def _names_own_subject(text: str, names: _NameFinder) -> bool:
    """Whether a question names what it is about: an organisation, a Latin name
    ("CPO"), or enough content words ("冠脉支架集采后，国产企业的毛利率下降了多少？");
    not "是否已经见顶？", "龙头是否还能不断新高？" or "为什么它重要？"."""
    simplified = to_simplified(text).strip()
    if _PRONOUN_RE.match(simplified):
        return False
    if names.spans(simplified):
        return True
    if _is_english(simplified):
        return True  # an English question names its subject ("How does HSBC's profit …")
    if any(w.lower() not in stopwords() for w in _LATIN_WORD_RE.findall(simplified)):
        return True
    rest = simplified
    for word in sorted(_question_words(), key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = _FUNCTION_CHARS.sub("", rest)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) > SUBJECTLESS_CHARS


def subject_of(text: str, doc: Document, paragraph: int | None, names: _NameFinder) -> str | None:
    """The subject a question leaves to its memo ("是否已经见顶？" in a memo titled
    "商业航天还能不能买？" → 商业航天): the organisation or name its section heading
    gives, else what the memo's title opens with. None when the question names
    its own subject."""
    if _names_own_subject(text, names):
        return None
    if paragraph is not None:
        own = next((h for h in doc.headings if h.paragraph == paragraph), None)
        level = own.level if own else 99
        for heading in reversed([h for h in doc.headings if h.paragraph < paragraph]):
            if heading.level >= level:
                continue  # an earlier section, not one that holds the question
            level = heading.level
            found = names.names(heading.text) if len(heading.text) <= 24 else []
            if found:
                return found[0]
    phrase = _subject_phrase(doc.title or "")
    # The title's own question ("商业航天还能不能买？") already names it.
    return None if phrase and phrase in to_simplified(text) else phrase


def _unnamed(text: str, names: _NameFinder) -> str:
    """``text`` in Simplified with the organisations it names blanked out."""
    unnamed = to_simplified(text)
    for start, end, _ in sorted(names.spans(unnamed), reverse=True):
        unnamed = unnamed[:start] + " " + unnamed[end:]
    return unnamed


def _ask(sub: str, question: Question, index: Index, names: _NameFinder) -> _Ask:
    """What a sub-question asks. Without an organisation of its own it takes its
    question's; without one there either, its question's subject."""
    tokens = query_tokens(sub, index.vocabulary)
    # Its concepts are the words outside the names it gives ("Hang Seng Bank" is no "bank").
    unnamed = _unnamed(sub, names)
    own_tokens = query_tokens(unnamed, index.vocabulary)
    actors = set(names.names(sub)) or set(names.names(question.text))
    subject: list[str] = []
    if not actors and question.subject:
        actors = set(names.names(question.subject))
        if not actors:
            subject = [to_simplified(question.subject).lower()]
            tokens += query_tokens(question.subject, index.vocabulary)
    if not actors and not subject:
        subject = latin_subject(sub)
    name_words = {w for term in subject for w in term.split()}
    concepts = {t for t in own_tokens if t not in actors and t not in name_words and _is_concept(t)}
    if _ASKS_DURATION_RE.search(sub):
        # "补贴战会持续多久？": how long is what it asks (a passage saying until when or for
        # how long answers it), not a concept a passage must share
        concepts -= {"持续", "延续", "维持", "继续", "持续时间"}
    # A word outside the language's dictionary that shortens one of the sources' (挖机:
    # 挖掘机) is asked by that word too.
    shortened = {c: full for c in sorted(concepts) if (full := expansion(c, index))}
    tokens += [full for full in shortened.values() if full not in tokens]
    # A concept it writes in words the sources shorten (碳酸锂价格 → 锂价, concept_variants.yaml)
    # (a phrase of three characters or more: 海外 is a place the question asks, not 出海)
    plain = to_simplified(unnamed)
    written = {key for word, key in _concept_variants().items() if len(word) >= 3 and word in plain}
    concepts |= written
    tokens += sorted(written - set(tokens))
    tokens += _synonyms(concepts, index.vocabulary)
    # …and the words the sources argue a concept by, for the search to find them (锂矿 for 矿山)
    tokens += [
        t
        for c in sorted(concepts)
        for v in _variants(c)
        for t in query_tokens(v, index.vocabulary)
        if t not in tokens
    ]
    # A change it asks about (下滑) that the sources write in other words (下降, fell).
    changes: frozenset[str] = frozenset()
    if not any(_same_change(c) for c in concepts) and (change := _change_asked(to_simplified(sub))):
        concepts.add(change)
        changes = frozenset({change})
        tokens += [w for w in sorted(_same_change(change)) if w in index.vocabulary]
    measures = _measures_in(sub)
    asked_periods = _periods(sub)
    compares = len(actors) >= 2 and bool(_COMPARES_RE.search(to_simplified(sub)))
    forecast = bool(_FORECAST_RE.search(to_simplified(sub)))
    unknown = _unknown_words(sub, [*tokens, *shortened, *actors, *(question.subject or "").split()], names)
    # a word the sources write otherwise (减产: 压减粗钢产量) is a concept, not unknown
    for word in [w for w in unknown if _variants(w)]:
        unknown.remove(word)
        concepts.add(word)
    # …and one that opens with a shortening (白电出口: 白色家电 + 出口, which 出口量 holds)
    for word in list(unknown):
        full = expansion(word[:2], index)
        rest = word[2:]
        if full and (not rest or any(v.startswith(rest) for v in index.vocabulary)):
            unknown.remove(word)
            shortened[word[:2]] = full
            concepts |= {word[:2], *([rest] if len(rest) >= 2 and _is_concept(rest) else [])}
            tokens += [
                t
                for t in (full, *(v for v in sorted(index.vocabulary) if rest and v.startswith(rest)))
                if t not in tokens
            ]
    impacted: frozenset[str] = frozenset()
    # (an impact's object, or what a what-if supposes: where the answer is read)
    if (obj := impact_object(sub) or condition_of(sub)) is not None:
        obj_actors = set(names.names(obj))
        obj_concepts = {
            t
            for t in query_tokens(_unnamed(obj, names), index.vocabulary)
            if _is_concept(t) and t not in actors
        }
        # the object's concepts and organisations (台湾, 供应链 of "对台湾供应链的营收影响")
        impacted = frozenset(obj_concepts | obj_actors)
        concepts |= obj_concepts
        actors |= obj_actors
    after_event: frozenset[str] = frozenset()
    if actors and (event := _AFTER_EVENT_RE.match(sub)) and not names.names(sub[event.end() :]):
        after_event = frozenset(
            t
            for t in query_tokens(_unnamed(sub[event.end() :], names), index.vocabulary)
            if _is_concept(t) and t not in actors
        )
    target = _target(sub, names.spans(sub))
    if target:
        tokens += [
            c for c, m in _measure_cues().items() if _family(m) in target.families and c in index.vocabulary
        ]
    return _Ask(
        sub,
        actors,
        subject,
        concepts,
        [*tokens, *actors],
        measures,
        asked_periods,
        compares,
        unknown,
        forecast=forecast,
        target=target,
        # a place the question asks, not one inside a name it gives (日本 of 日本制铁); none
        # where it asks about trade across borders, which is about both sides
        places=frozenset()
        if market.cross_border(sub) and "市场" not in sub  # "日本市场的进口…": that market still
        else market.named(unnamed) or market.named(_unnamed(question.text, names)),
        changes=changes,
        years=_relative_years(sub, question, index),
        shortened=shortened,
        impacted=impacted,
        after_event=after_event,
    )


def expansion(word: str, index: Index) -> str | None:
    """The one word of the sources that a two-character word outside the language's
    dictionary shortens by its first and last characters (挖机 → 挖掘机, 白电 → 白色家电),
    or None: a word of the sources' vocabulary, or two of them written together, and
    the only such writing (or twice as common as the next)."""
    from briefing.nlp import UNKNOWN_RARITY, rarity

    if len(word) != 2 or not all(is_han(c) for c in word) or rarity(word) < UNKNOWN_RARITY:
        return None  # a word of the language (国内, 电车) is no shortening
    if word in index.shortenings:
        return index.shortenings[word]
    vocabulary = index.vocabulary
    pattern = re.compile(rf"{re.escape(word[0])}[\u4e00-\u9fff]{{1,2}}{re.escape(word[1])}")
    seen: Counter[str] = Counter()
    for doc in index.docs:
        for m in pattern.finditer(doc.analysis_text):
            full = m.group()
            if full in vocabulary or any(
                full[:i] in vocabulary and full[i:] in vocabulary for i in range(2, len(full) - 1)
            ):
                seen[full] += 1
    ranked = seen.most_common(2)
    found = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]) else None
    index.shortenings[word] = found
    return found


_RELATIVE_YEARS = {"去年": -1, "今年": 0, "明年": 1, "后年": 2}


def _relative_years(sub: str, question: Question, index: Index) -> dict[str, str]:
    """The years a question names relative to its memo's date (明年 of a memo of
    2025-11-10 is 2026): a passage that gives the year shares the word."""
    doc = next((d for d in index.docs if d.path == question.document), None)
    if doc is None or not doc.date:
        return {}
    simple = to_simplified(sub)
    if not doc.date[:4].isdigit():
        return {}
    year = int(doc.date[:4])
    return {w: str(year + k) for w, k in _RELATIVE_YEARS.items() if w in simple}


def _synonyms(concepts: set[str], vocabulary: set[str]) -> list[str]:
    """Other words the corpus uses for a measure a question names (收入: 营收,
    营业收入; profit: 利润, 溢利), so that the search finds them in any language."""
    families = {_family(m) for c in concepts if (m := _measure_cues().get(c.lower()))}
    return [
        cue for cue, measure in _measure_cues().items() if _family(measure) in families and cue in vocabulary
    ]


def latin_subject(sub: str) -> list[str]:
    """A Latin name the gazetteer does not know ("CPO", "HSBC"), lower case: passages
    must name it. A name inside quotation marks in a Chinese question is a figure of
    speech ("脑机接口，到底是“下一个iPhone时刻”…？"), and an abbreviation used as a
    common noun ("转向自制IP": ``latin_concepts.txt``) a concept, not what it asks about."""
    plain = sub if _is_english(sub) else _QUOTED_RE.sub(" ", to_simplified(sub))
    skip = {w.lower() for w in _LATIN_WORD_RE.findall(plain) if w.lower() in stopwords()}
    latin = [w for w in _LATIN_WORD_RE.findall(plain) if w.lower() not in skip]
    if _is_english(sub):
        return [w.lower() for w in _en_names(sub)]
    return [
        w.lower() for w in latin if w.lower() not in _question_words() and w.lower() not in _latin_concepts()
    ]


@functools.cache
def _latin_concepts() -> frozenset[str]:
    return frozenset(w.lower() for line in data_lines("latin_concepts.txt") for w in line.split())


@functools.cache
def _demonyms() -> frozenset[str]:
    return frozenset(w.lower() for line in data_lines("demonyms_en.txt") for w in line.split())


def _en_names(text: str) -> list[str]:
    """Capitalised words inside an English question (not its first word): names
    the gazetteer does not know ("HSBC", "Hang Seng Bank")."""
    words = text.replace("'s", "").split()
    out: list[str] = []
    run: list[str] = []
    for i, word in enumerate(words):
        clean = word.strip("?,.;:!\"'()")
        if (
            i
            and clean[:1].isupper()
            and clean.lower() not in stopwords()
            and clean.lower() not in _demonyms()
        ):
            run.append(clean)
            continue
        if run:
            out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return out


def _unknown_words(sub: str, known: list[str], names: _NameFinder) -> list[str]:
    """What a question asks about that no source ever says: the Chinese left of it
    once the corpus' own terms, the names, framing words and function characters
    are taken out ("盈亏平衡点"). A passage cannot settle what no source names."""
    rest = _PERIOD_RE.sub(" ", to_simplified(sub))  # "2024年一季度" asks for a period, checked apart
    for start, end, _ in sorted(names.spans(rest), key=lambda m: -m[0]):
        rest = rest[:start] + " " + rest[end:]
    cues = [c for c in _measure_cues() if not c.isascii()]
    for word in sorted({*known, *_question_words(), *cues}, key=len, reverse=True):
        if word:
            rest = rest.replace(word, " ")
    rest = _FUNCTION_CHARS.sub(" ", rest)
    # A place (东南亚) is asked as a market, checked apart (``scopes.py``): no unknown word.
    return [
        w for w in re.findall(r"[\u4e00-\u9fff]{2,}", rest) if w not in _weak_words() and not market.named(w)
    ]


_GRAMMAR_TAGS = ("v", "d", "p", "c", "u", "r", "f")
"""Parts of speech of words that carry a question's grammar, no concept (发生, 走出, 抢来)."""


def _without_everyday_edges(run: str) -> str:
    """A run of characters left of a question, without the verbs and function words at
    its edges ("逻辑" of "逻辑发生"; "流动性风险" and "少数爆款" stay whole)."""
    from briefing.nlp import pos_tag, zh_cut

    tokens = zh_cut(run)
    while tokens and len(tokens[0]) >= 2 and pos_tag(tokens[0]).startswith(_GRAMMAR_TAGS):
        tokens.pop(0)
    while tokens and len(tokens[-1]) >= 2 and pos_tag(tokens[-1]).startswith(_GRAMMAR_TAGS):
        tokens.pop()
    return "".join(tokens)


@functools.cache
def _weak_words() -> frozenset[str]:
    from briefing.nlp import generic_words

    return frozenset(stopwords() | generic_words() | _question_words())


def _is_concept(token: str) -> bool:
    """A question word that carries content: not a function, generic, framing or everyday word."""
    return len(token) >= 2 and token not in _weak_words()


# ---------------------------------------------------------------- finding passages


@dataclass
class _Hit:
    score: float
    d: int
    s: int
    text: str
    named: set[str]
    shared: set[str]
    settles: bool
    first: int = -1
    """The passage's first sentence (the one before ``s`` when it brings its antecedent)."""
    bears: bool = True
    """It gives the measure the question asks about (or the question asks none):
    a passage that only names the question's organisation or domain does not."""
    view: bool = False
    """It judges or forecasts (认为, 预计, 仍将, expect, can … without)."""
    families: frozenset[str] = frozenset()
    """The kinds of measure it gives."""
    bystander: bool = False
    """It names the question's organisation only as what another one acts on or
    is compared with ("库迪咖啡以9.9元不限量活动对标瑞幸咖啡，门店数已超过7000家" for
    瑞幸's stores): it ranks below passages on the organisation, and its figures are
    not shown as the organisation's."""
    sector: bool = False
    """A view on the whole industry, found for a question on one organisation
    that no source judges by name ("分析人士认为，2024年银行业息差仍将承压")."""


_DANGLING = ("：", ":", "——", "，", ",", "、")


def _shares(concept: str, tokens: list[str], families: AbstractSet[str]) -> bool:
    """A concept counts inside a longer term of the passage (换电 in 换电站), and a
    measure as any word for it (收入 = revenue = 营收, profit = 溢利) or of a kind that
    answers it (盈利 by 亏损)."""
    if any(concept in t for t in tokens):
        return True
    measure = _measure_cues().get(concept.lower())
    if measure is None:
        return False
    family = _family(measure)
    # a kind that answers it counts too (盈利: a loss, measure_kin.yaml)
    return family in families or not families.isdisjoint(_kin().get(family, ()))


@functools.cache
def _concept_variants() -> dict[str, str]:
    from briefing.analysis.themes import concept_variants

    return concept_variants()


def _variants(concept: str) -> tuple[str, ...]:
    """Words the sources argue ``concept`` by (concept_variants.yaml: 压减产量 for 减产)."""
    return tuple(w for w, key in _concept_variants().items() if key == concept)


def _change_asked(text: str) -> str | None:
    """The first word of change a question says, as written ("…的下滑是周期性的…" → 下滑);
    None when it asks which way a thing moves ("差距在扩大还是缩小"): both directions."""
    from briefing.analysis.themes import _change_words

    lower = text.lower()
    found = [
        (lower.find(w), w, direction)
        for direction, zh, en in _change_words()
        for w in (*zh, *en)
        if (w in lower if not w.isascii() else re.search(rf"\b{re.escape(w)}\b", lower))
    ]
    if len({direction for _, _, direction in found}) != 1:
        return None
    return min(found)[1]


@functools.cache
def _says_change(lower: str, concept: str) -> bool:
    """An English passage (lower case) writes a word of the change ``concept`` names."""
    return any(w.isascii() and re.search(rf"\b{re.escape(w)}\b", lower) for w in _same_change(concept))


def _same_change(concept: str) -> frozenset[str]:
    """The words of the direction of change ``concept`` says (change_words.yaml), or none."""
    from briefing.analysis.themes import _change_words

    for _, zh, en in _change_words():
        if concept.lower() in zh or concept.lower() in en:
            return frozenset(zh) | frozenset(en)
    return frozenset()


def _relevant(
    index: Index, ask: _Ask, strict: bool = True, elsewhere: list[tuple[str, _Hit]] | None = None
) -> list[_Hit]:
    """Passages that bear on a sub-question, best first. A passage names the
    question's subject: one of its organisations (all of them when it shares
    none of its concepts), or the subject's name when there is no organisation;
    and shares one of its concepts. Without either, it shares two of its
    concepts. A shared function or everyday word alone ("两者", "现在") is no
    relevance. ``settles``: the passage holds the answer, most of its concepts,
    the measure it asks for with a number, the period it names. A passage about
    a place that contrasts with the one the question asks about (台湾 for 国内, 国内
    for 海外) is no evidence: it goes to ``elsewhere`` with that place's name."""
    out: list[_Hit] = []
    # An English question's concepts the glossary maps (新船交付 of "new ships"); its
    # other words (rates, levels, push) are weak.
    glossed = {c for c in ask.concepts if is_han(c[0])} if _is_english(ask.text) else set()
    # a choice of causes ("销量下滑，主要是金价驱动，还是年轻人消费降级？"): a passage that
    # names one bears on it, whether or not it gives the measure its premise states
    causes = [a.lower() for a in alternatives(ask.text) or () if len(a) >= 2]
    for score, d, s in index.search(ask.tokens):
        sent = index.analyses[d].sentences[s]
        if sent.heading or sent.end - sent.start < 12:
            continue
        own_orgs = index.orgs_of(d, s)
        if (
            ask.actors
            and not ask.impacted
            and not ask.after_event
            and not (
                # the sentence before counts only for one that names no organisation of its own
                # ("…攜程…。同程旅行第二季營收則年增10.1%": 同程's, not 携程's)
                ask.actors & (own_orgs or index.orgs_of(d, s - 1)) or index.heading_org(d, s) in ask.actors
            )
        ):
            continue  # names none of the question's organisations, even with the sentence before
        key = (d, s)
        if key not in index.passages:
            index.passages[key] = _passage(index, d, s)
        found = index.passages[key]
        if found is None:
            continue  # it points back to a sentence it cannot bring along
        text, first = found
        if _LEADING_SYMBOLS_RE.sub("", text).rstrip().endswith(_DANGLING):
            continue  # "很多人把脑机接口理解成：" says nothing without what follows
        tokens = [t for i in range(first, s + 1) for t in index.analyses[d].sentences[i].tokens]
        orgs: set[str] = set()
        for i in range(first, s + 1):
            orgs |= index.orgs_of(d, i)
        if not orgs and (pointed := index.pointers.get((d, s)) or index.heading_org(d, s)):
            orgs = {pointed, *gazetteer().ancestors(pointed)}  # "Its …", a note under "### 特斯拉"
        if not orgs and first == s and _points_back(index, d, s):
            # "牧原股份披露半年报…。公司表示，将继续降低养殖完全成本…": the company before
            orgs = index.orgs_of(d, s - 1)
        named = ask.actors & orgs
        acting: set[str] = set()
        for i in range(first, s + 1):
            acting |= index.actors_of(d, i)
        bystander = bool(named) and not named & acting and bool(acting - named)
        sentences = index.analyses[d].sentences
        # The analysis text is Simplified already (same offsets as the original).
        simple = index.docs[d].analysis_text[sentences[first].start : sentences[s].end].strip()
        lower = simple.lower()
        if simple.rstrip("”」』\"' ").endswith(("？", "?")):
            continue  # it asks ("2B产业互联网难道就是…？"): no answer to a question
        families = _measures_in(simple)
        shared = {
            c
            for c in ask.concepts
            if _shares(c, tokens, families)
            # as written, however the segmenter cut it (小额包裹免税政策: 免税 + 政策)
            or (len(c) >= 2 and is_han(c[0]) and c in simple)
            # a Latin term in any case (RevPAR in "We expect RevPAR to…", the tokens lower-cased)
            or (
                len(c) >= 2
                and c.isascii()
                and c.isalnum()
                and re.search(rf"\b{re.escape(c.lower())}\b", lower)
            )
            # or in the words that argue it elsewhere (减产: 压减粗钢产量), or in full (挖机: 挖掘机)
            or any(v in simple or v in tokens for v in _variants(c))
            or (c in ask.shortened and ask.shortened[c] in simple)
            or (c in ask.changes and any(t.lower() in _same_change(c) for t in tokens))
            # 明年 asked in 2025, "into 2026" written
            or (c in ask.years and ask.years[c] in simple)
            # a change the question asks (fall) said in other words, also an English one the
            # tokens leave out as a stop word ("…, down 78%")
            or (bool(_same_change(c)) and _says_change(lower, c))
            # the organisation asked about, moving the other way ("飞鹤的增长从哪里来" over
            # "Feihe said its revenue fell 8.3%"): where it stands is part of the answer
            or (named and c in _CHANGE_FAMILIES and bool(families & _CHANGE_FAMILIES))
        }
        # A place asked (海外) is shared by a passage that itself names a place within it
        # ("… in Southeast Asia"), not by one whose title does.
        written = set(shared)  # (an impact's object is read as written, not as a place it lies in)
        asked_here = {c for c in ask.concepts if market.named(c)} - shared if ask.places else set()
        if asked_here and market.touches(ask.places, market.named(simple)):
            shared |= asked_here
        says_glossed = bool(glossed) and len(shared & glossed) >= min(2, len(glossed))
        # An impact is read first where its object is (台湾供应链, whoever it names), then in
        # what the sources say of its cause (苹果's share); what of the object is measured
        # (营收 of 台湾供应链的营收) counts with a word of the cause beside it.
        plain = {c for c in ask.impacted if c not in _measure_cues()}
        on_object = bool(ask.impacted) and (
            bool((written | named) & plain) or (bool(written & ask.impacted) and bool(written - ask.impacted))
        )
        if on_object and strict:
            relevant = True
        elif ask.actors:
            all_named = named >= ask.actors
            if not strict:
                relevant = bool(named)  # an angle: what a source says about the organisation
            else:
                # With several actors and no concept in common, the passage names them all;
                # where the question holds no concept the sources' words know (扛住这一轮周期
                # over English sources), one compared organisation's passage is part of it.
                relevant = (
                    bool(named)
                    and (
                        bool(shared)
                        or (all_named and (len(ask.actors) >= 2 or not ask.concepts))
                        or (not ask.concepts and ask.compares and bool(ask.unknown))
                    )
                ) or len(shared & ask.after_event) >= 2
        elif ask.subject:
            relevant = _about(index, d, lower, ask.subject) and bool(shared or not ask.concepts or not strict)
        else:
            relevant = len(shared) >= max(1, min(2, len(ask.concepts)))
            # An English question's words the glossary does not map (rates, levels, push)
            # are weak: a passage that shares its glossary concepts bears on it ("new
            # vessels would flood the market" on "Will the new ships delivered in 2024…").
            relevant = relevant or says_glossed
            # "RevPAR什么时候止跌？" over "We expect RevPAR to remain under pressure into
            # 2026": a view that names a time for one of its concepts speaks to when
            relevant = relevant or (
                bool(shared)
                and bool(_ASKS_DURATION_RE.search(ask.text))
                and bool(_VIEW_RE.search(simple))
                and bool(_DURATION_RE.search(simple))
            )
        cued = sum(1 for c in ask.cues if c in simple) if ask.cues else 0
        if strict and ask.cues and not ask.concepts and not cued:
            relevant = False  # asked by the memo's models, it uses none of their words
        if not relevant:
            continue
        needed = 1 if ask.inherited else 0.6 * len(ask.concepts)
        covers = not ask.unknown and (not ask.concepts or len(shared) >= needed)
        view = bool(_VIEW_RE.search(simple))
        # "长鑫扩产会不会压低DRAM价格？" over "业内人士认为，长鑫扩产将…增加全球DRAM供给，但短期内
        # 难以改变供需格局": a view on what the question asks will happen bears on it
        # though it names no price
        bears = (
            _bears(ask, families)
            or (
                ask.forecast
                and view
                and (len(shared) >= 2 or says_glossed)
                and (not ask.actors or bool(named))
            )
            # "…将冲击台湾供应链的拉货动能": what the sources say of the impact's object bears on it
            or on_object
            or any(c in simple.lower() for c in causes)
        )
        measured = (
            _holds_measures(ask.measures, families) and bool(re.search(r"\d", simple))
            if ask.measures
            # "…的GTV是多少？" asks a number, whatever its measure is called
            else not _ASKS_NUMBER_RE.search(to_simplified(ask.text)) or bool(re.search(r"\d", simple))
        )
        if ask.forecast and view and bears:
            measured = True  # a judgement answers "能否守住" without a number
        dated = ask.periods <= _periods(simple)
        viewed = not ask.forecast or view
        # Passages with the asked measure first, then those sharing only the organisation;
        # by the models' cue terms, when it asks by the memo's models.
        boost = (
            (1 + 0.5 * len(named) + 0.3 * len(shared))
            * (2.0 if ask.target and bears else 1.0)
            * (1 + min(cued, 3))
            * (0.5 if bystander else 1.0)
            * (1 + len(shared & glossed))
            * (3.0 if on_object else 1.0)
            # "补贴战会持续多久？": a passage on when it ends before one that only names it
            * (2.0 if _ASKS_DURATION_RE.search(ask.text) and _ENDING_RE.search(simple) else 1.0)
        )
        # a time the question asks about ("…能持续到明年几季度？") is one the answer names
        timed = not (ask.concepts & _ASKED_TIMES) - shared
        # …and "how long", "多久" are answered by a passage that says until when or for how long
        if _ASKS_DURATION_RE.search(ask.text) and not _DURATION_RE.search(simple):
            timed = False
        settles = (
            covers
            and measured
            and dated
            and timed
            and viewed
            and bears
            and not bystander
            and not leaves_open(simple)
        )
        hit = _Hit(score * boost, d, s, text, named, shared, settles, first, bears, view, families)
        hit.bystander = bystander
        if ask.places and (other := market.elsewhere(ask.places, index.places_of(d, first, s))):
            if elsewhere is not None:
                elsewhere.append((other, hit))
            continue
        out.append(hit)
    out.sort(key=lambda h: (-h.score, h.d, h.s))
    # A passage brought along with the sentence it points back to ("这是近三年来首次…"
    # with the sentence before it) holds a sentence another hit is: shown once, as the
    # passage that holds both, in the place of the better of them.
    kept: list[_Hit] = []
    for hit in out:
        at = next(
            (i for i, k in enumerate(kept) if k.d == hit.d and k.first <= hit.s and hit.first <= k.s), None
        )
        if at is None:
            kept.append(hit)
        elif (
            hit.first <= kept[at].first
            and kept[at].s <= hit.s
            and (hit.first, hit.s)
            != (
                kept[at].first,
                kept[at].s,
            )
        ):
            hit.score = kept[at].score
            kept[at] = hit
    return kept


def _points_back(index: Index, d: int, s: int) -> bool:
    """Sentence ``s`` opens with a word that points back to the company named before it
    (公司, 其, 该公司: the themes' reading of organisations.yaml's pointers)."""
    from briefing.analysis.themes import opening_pointer

    sent = index.analyses[d].sentences[s]
    return opening_pointer(index.docs[d].analysis_text[sent.start : sent.end]) is not None


_INDUSTRY_TAIL_RE = re.compile(r"(?:行业|产业|业)$")


def _about(index: Index, d: int, lower: str, subject: list[str]) -> bool:
    """A passage is about the question's subject (航空业, from its memo's title) where it
    names it, or its industry's stem (航空), or where its article's title does (one
    headed 国内航空业：… is about it in every sentence)."""
    # (an article's title only: a memo's notes are context, each saying what it is about)
    doc = index.docs[d]
    title = to_simplified(doc.title or "").lower() if doc.kind != "memo" else ""
    for term in subject:
        stem = _INDUSTRY_TAIL_RE.sub("", term)
        forms = {term, stem} if len(stem) >= 2 else {term}
        if any(f in lower for f in forms) or any(f in title for f in forms):
            return True
    return False


def _bears(ask: _Ask, families: frozenset[str]) -> bool:
    """A passage bears on a question that asks about a measure only when it gives
    that measure (in any language: 收入占比, margin, 溢利), not when it only names
    the question's organisation or domain ("迈瑞医疗2023年营业收入…" for its
    overseas share)."""
    return ask.target is None or bool(ask.target.families & families)


def _settled(ask: _Ask, hits: list[_Hit]) -> bool:
    """An independent passage holds the answer; for a comparison, one for each
    organisation compared (or one that names them all)."""
    good = [h for h in hits if h.settles]
    if not good:
        return False
    if ask.compares:
        return any(h.named >= ask.actors for h in good) or all(
            any(actor in h.named for h in good) for actor in ask.actors
        )
    return True


def _missing(
    ask: _Ask,
    hits: list[_Hit],
    context: bool,
    aside: list[_Hit] | None = None,
    sector: list[_Hit] | None = None,
    elsewhere: list[str] | None = None,
    names: _NameFinder | None = None,
) -> str:
    """What the sources lack for a sub-question, in a plain line built from the
    evidence shown: ``hits`` (independent passages that bear on it), ``aside``
    (passages on its organisation without the measure it asks), ``sector``
    (industry-wide views) and ``elsewhere`` (the places of passages about another
    market than the one it asks about). It never says no source judges when one does."""
    if not hits and not sector:
        if elsewhere:
            there = "、".join(dict.fromkeys(elsewhere))
            return f"资料只谈到{there}的情况，没有谈到{market.label(ask.places)}"
        if aside and ask.target:
            return _measure_gap(ask, aside)
        return ONLY_MEMO if context else NOTHING
    if ask.compares:
        lacking = [a for a in sorted(ask.actors) if not any(a in h.named for h in hits if h.settles)]
        if names is not None and ask.target:
            # one that a clause gives the asked measure for, with a number, is not lacking
            lacking = [a for a in lacking if not any(_clause_measures(h.text, a, ask, names) for h in hits)]
        if lacking and len(lacking) < len(ask.actors):
            return f"缺少{'、'.join(lacking)}的对应资料"
    if ask.periods and not any(ask.periods <= _periods(h.text) for h in hits):
        return f"资料没有{''.join(_period_zh(p) for p in sorted(ask.periods, key=_period_order))}的数据"
    if ask.forecast and not any(h.settles for h in hits):
        return _judgement_gap(ask, hits, sector or [])
    if ask.target and not any(
        _holds_measures(ask.measures, h.families) and re.search(r"\d", h.text) for h in hits
    ):
        # Only a measure the question asks the size or direction of is missing as a number.
        return _number_gap(ask, hits)
    # A word no source uses, when it reads as a word ("盈亏平衡点", not "中守住").
    # (named as the sources lack it only without everyday words at its edges: not "逻辑发生")
    words = [
        w
        for w in ask.unknown
        if len(w) >= 3
        and w[0] not in _WEAK_EDGES
        and w[-1] not in _WEAK_EDGES
        and _without_everyday_edges(w) == w
    ]
    if words:
        return f"资料没有提到“{'”“'.join(words[:2])}”"
    return "资料有相关内容，但没有来源直接回答"


_CLAUSE_RE = re.compile(r"[^，,；;。！!？?]+")


def _clause_measures(text: str, actor: str, ask: _Ask, names: _NameFinder) -> bool:
    """A clause of the passage gives ``actor`` the measure the question asks, with a
    number: its own clause or one after it that names no other organisation
    ("…；中联重科海外收入占比已提升至50%以上", "三一重工…海外收入达316亿元，占总收入逾六成")."""
    assert ask.target is not None
    simple = to_simplified(text)
    spans = names.spans(simple)
    current = ""
    for m in _CLAUSE_RE.finditer(simple):
        named = [n for a, b, n in spans if m.start() <= a < m.end()]
        if named:
            current = named[-1] if len(set(named)) == 1 else ""
        if (
            current == actor
            and re.search(r"\d|[一二三四五六七八九]成", m.group())
            and ask.target.families & _measures_in(m.group())
        ):
            return True
    return False


def _holds_measures(measures: AbstractSet[str], families: AbstractSet[str]) -> bool:
    """A passage gives what a question measures: every measure it asks, where one
    direction of change answers a question that asks which ("收入是增长还是下滑": a
    passage on 收入 that 增长 holds it, it need not also say 下降)."""
    directions = measures & _CHANGE_FAMILIES
    if len(directions) > 1:
        return (measures - directions) <= families and bool(directions & families)
    return measures <= families


def _number_gap(ask: _Ask, hits: list[_Hit]) -> str:
    """The number a question asks for and no passage gives: the measure as asked
    ("毛利率"), or its change when the passages give only its level ("收入下降")."""
    assert ask.target is not None
    numbered = [h for h in hits if re.search(r"\d", h.text)]
    if not any(ask.target.families & h.families for h in numbered):
        return f"资料没有给出{ask.target.said}的具体数字"
    changes = [
        m for m in sorted(ask.measures & _CHANGE_FAMILIES) if not any(m in h.families for h in numbered)
    ]
    if len(ask.measures & _CHANGE_FAMILIES) > 1 and len(changes) < len(ask.measures & _CHANGE_FAMILIES):
        changes = []  # "增长还是下滑": one direction given answers which
    if changes:
        return f"资料没有给出{ask.target.said}{changes[0]}的具体数字"
    order = sorted(ask.measures, key=lambda m: _first_at(ask.text, m))
    return f"资料没有给出{'、'.join(order)}的具体数字"


def _who(ask: _Ask) -> str:
    """The organisations (or the subject) a sub-question is about, for a gap line."""
    if ask.actors:
        return "、".join(sorted(ask.actors))
    return "、".join(t.upper() if t.isascii() else t for t in ask.subject)


def _measure_gap(ask: _Ask, aside: list[_Hit]) -> str:
    """The sources name the question's organisation but never give the measure it
    asks about: say what they give instead ("资料只有迈瑞医疗的营收等数据，没有
    海外收入占比的数据")."""
    assert ask.target is not None
    cues = _measure_cues()
    given: list[str] = []
    for h in aside:  # in the order the passages name them
        for m in _measure_re().finditer(to_simplified(h.text).lower()):
            family = _family(cues[m.group()])
            if family not in _CHANGE_FAMILIES and family != ask.target.family and family not in given:
                given.append(family)
    who = _who(ask)
    if given and who:
        return f"资料只有{who}的{'、'.join(given[:2])}等数据，没有{ask.target.said}的数据"
    return f"资料没有给出{ask.target.said}的数据"


def _judgement_gap(ask: _Ask, hits: list[_Hit], sector: list[_Hit]) -> str:
    """The gap of a question that asks for a judgement or a forecast, from the
    passages shown: a source judges, but not all of it is answered (the measure
    as asked, "单车利润"); only industry-wide views ("银行业息差仍将承压"); or
    facts without any view."""
    who = _who(ask)
    phrase = ask.target.said if ask.target else ""
    if any(h.view for h in hits):
        missing = _unstated(ask, hits)
        if missing:
            return f"有来源对此作出了判断（见独立证据），但资料没有{missing}的数据"
        return "有来源对此作出了判断（见独立证据），但没有直接回答问题"
    if sector:
        about = f"{who}{phrase}" if who and phrase else who or phrase or "这个问题"
        return f"资料只有行业层面的判断，没有来源专门判断{about}的走向"
    return "资料给出了相关现状，但没有来源对此作出判断或预测"


def _unstated(ask: _Ask, hits: list[_Hit]) -> str:
    """The measure as the question words it when no passage gives it so: "单车利润"
    when the sources give BYD's total profit and margins, not per vehicle; empty
    when one does, or the question asks no measure."""
    if ask.target is None:
        return ""
    phrase = ask.target.phrase
    cue = next((c for c in sorted(_measure_cues(), key=len, reverse=True) if phrase.endswith(c)), "")
    modifier = phrase[: len(phrase) - len(cue)] if cue else ""
    for short, full in ask.shortened.items():
        modifier = modifier.replace(short, full)
    numbered = [h for h in hits if ask.target.families & h.families and re.search(r"\d", h.text)]
    if not numbered:
        return ask.target.said
    # the modifier as written, or each of its concepts (国内挖掘机: "…挖掘机…其中国内销量…")
    parts = [w for c in ask.concepts if (w := ask.shortened.get(c, c)) in modifier and w != cue]
    if modifier and not any(
        modifier in (simple := to_simplified(h.text)) or (parts and all(p in simple for p in parts))
        for h in numbered
    ):
        return ask.target.said
    return ""


def _sector_views(index: Index, ask: _Ask, own: int) -> list[_Hit]:
    """For a question that asks for a judgement on one organisation's measure
    ("招商银行的净息差还会继续收窄吗？") when no source judges it by name: the
    sources' views on that measure for the whole industry, which name no
    organisation ("分析人士认为，2024年银行业息差仍将承压"), as evidence of its own kind."""
    if not (ask.forecast and ask.actors and ask.target):
        return []
    terms = [
        c for c, m in _measure_cues().items() if _family(m) in ask.target.families and c in index.vocabulary
    ]
    out = []
    for score, d, s in index.search(terms):
        sent = index.analyses[d].sentences[s]
        if d == own or sent.heading or index.orgs_of(d, s):
            continue
        found = _passage(index, d, s)
        if found is None:
            continue
        text, first = found
        families = _measures_in(text)
        if not ask.target.families & families or not _VIEW_RE.search(to_simplified(text)):
            continue
        if ask.places and market.elsewhere(ask.places, index.places_of(d, first, s)):
            continue  # a view on another market ("台湾业者…") is none on this one
        out.append(_Hit(score, d, s, text, set(), set(), False, first, True, True, families, sector=True))
    return out[:2]


def _first_at(text: str, measure: str) -> int:
    """Where a question first names a measure of this kind (for listing them in its order)."""
    lower = to_simplified(text).lower()
    spots = [lower.find(c) for c, m in _measure_cues().items() if _family(m) == measure and c in lower]
    return min(spots, default=len(lower))


_WEAK_EDGES = frozenset(
    "中上下内外里前后的了在是和与对把被从向以为于将会能可要该这那其各每等就都也还又再更最很所之而则即年月日"
)


_PERIOD_ZH = {"Q1": "一季度", "Q2": "二季度", "Q3": "三季度", "Q4": "四季度", "H1": "上半年", "H2": "下半年"}


def _period_zh(period: str) -> str:
    return _PERIOD_ZH.get(period, f"{period}年")


def _period_order(period: str) -> tuple[int, str]:
    return (0 if period.isdigit() else 1, period)


def _asks_itself(text: str, asked: list[str]) -> bool:
    """A passage of the memo that is (part of) one of its questions."""
    key = squash(text)
    return bool(key) and any(key in q for q in asked)


def _answer(
    question: Question,
    todo: Todo,
    index: Index,
    names: _NameFinder,
    companies: list[Company],
    modes: list[Mode],
) -> bool:
    """Evidence, the memo's own notes (its answer under the question's heading
    first), gaps, a provisional answer and, for a question that looks beyond the
    sources, the angles the other sources argue. True when every sub-question
    has an independent passage that holds its answer."""
    own = next(i for i, d in enumerate(index.docs) if d.path == question.document)
    asks_ = [_ask(sub, question, index, names) for sub in question.sub_questions]
    if _asks_by_modes(question.text, modes):
        cues = frozenset(t for m in modes for t in m.terms if len(t) >= 2)
        for a in asks_:
            a.cues = cues
    # A sub-question with no concept of its own ("阿斯利康和辉瑞有何不同？") asks
    # about its question's ("跨国药企在中国的收入…").
    everything = set().union(*(a.concepts for a in asks_))
    for a in asks_:
        if not a.concepts and everything:
            a.concepts, a.inherited = set(everything), True
            a.tokens += [*everything, *_synonyms(everything, index.vocabulary)]
    evidence, context, settled, missing = [], [], [], []
    # The memo's questions are what it asks, not notes on any of them.
    asked = [squash(t.text) for t in index.docs[own].todos]
    answer = _own_answer(index, own, todo.paragraph, asks_)
    # The memo's sentences its result table quotes as cases are not its notes again.
    tabled = {
        (own, s)
        for c in (question.result.cases if question.result else [])
        if c.document == question.document
        for s, sent in enumerate(index.analyses[own].sentences)
        if sent.paragraph == c.paragraph and squash(_text(index, own, s)) in squash(c.text)
    }
    for a in asks_:
        elsewhere: list[tuple[str, _Hit]] = []
        hits = _relevant(index, a, elsewhere=elsewhere)
        theirs = [h for h in hits if h.d != own and h.bears]
        # What the sources give on its organisation instead of the measure asked, in
        # any market (迈瑞医疗's total revenue for its overseas share).
        aside = [h for h in hits if h.d != own and not h.bears]
        aside += [h for _, h in elsewhere if h.d != own and not h.bears]
        sector = _sector_views(index, a, own) if not any(h.view for h in theirs) else []
        # Beside the memo's own answer, only notes that share the question's concepts.
        enough = min(2, len(a.concepts))
        mine = [
            h
            for h in hits
            if h.d == own
            and (h.d, h.s) not in tabled
            and h.bears
            and (not answer or (h.shared and len(h.shared) >= enough))
            and not _asks_itself(h.text, asked)
        ]
        settled.append(_settled(a, theirs))
        evidence.append(theirs + sector)
        context.append(mine)
        other = [place for place, h in elsewhere if h.d != own and h.bears]
        missing.append(
            _missing(
                a, theirs, bool(mine or answer), aside=aside, sector=sector, elsewhere=other, names=names
            )
        )
    question.evidence = _interleave(index, evidence, MAX_EVIDENCE, names, asks_)
    index.cited |= {(h.d, h.s) for hits in evidence for h in hits[:MAX_EVIDENCE]}
    notes = _interleave(index, context, MAX_CONTEXT, names)
    seen = {squash(e.text) for e in answer}
    question.context = [*answer, *(e for e in notes if not any(squash(e.text) in k for k in seen))][
        :MAX_CONTEXT
    ]
    question.memo_answer = bool(answer)
    question.gaps = [sub for sub, ok in zip(question.sub_questions, settled, strict=True) if not ok]
    question.missing = [m for m, ok in zip(missing, settled, strict=True) if not ok]
    if question.evidence:
        # A sub-question nothing speaks to, beside evidence shown for the others: its
        # gap says so, never that the sources have nothing on the question.
        question.missing = [OTHER_PARTS if m in NOTHING_INDEPENDENT else m for m in question.missing]
    question.answer = _classification(question.text, names.names(question.text), companies, modes)
    if all(settled) and question.answer is None:
        question.settled_by = _settled_answer(index, asks_, evidence, companies)
    if asks_beyond_sources(question.text):
        # The other sources' passages are its angles, shown as such, not as evidence.
        question.needs_new_material = True
        question.angles = _angles(index, asks_[0], own, names.known)
        question.evidence = []
        question.missing = ["问题要求资料以外的新材料"] * len(question.gaps)
        question.new_material = "beyond"
    return all(settled)


@functools.cache
def _asked_by_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p)) for p in (data_yaml("modes.yaml") or {}).get("asked_by") or [])


def _asks_by_modes(text: str, modes: list[Mode]) -> bool:
    """The question asks by the memo's models: it names one ("平台设施模式或深耕产业") or
    counts them ("按两种模式", "by both models"); "换电模式" is a business, not them."""
    if not modes:
        return False
    simple = to_simplified(text)
    return any(m.name in simple for m in modes) or any(p.search(simple) for p in _asked_by_res())


def _interleave(
    index: Index, per_sub: list[list[_Hit]], limit: int, names: _NameFinder, asks_: list[_Ask] | None = None
) -> list[Evidence]:
    """The best passages of each sub-question in turn, no passage twice, best first."""
    chosen: list[_Hit] = []
    seen: set[tuple[int, int]] = set()
    texts: set[str] = set()
    depth = 0
    while len(chosen) < limit and any(depth < len(r) for r in per_sub):
        for results in per_sub:
            if depth < len(results) and len(chosen) < limit:
                hit = results[depth]
                if (hit.d, hit.s) in seen or hit.text in texts:
                    continue
                seen.add((hit.d, hit.s))
                texts.add(hit.text)
                chosen.append(hit)
        depth += 1
    # A passage several sub-questions find ranks by its best score among them.
    best: dict[tuple[int, int], float] = {}
    for results in per_sub:
        for h in results:
            best[(h.d, h.s)] = max(best.get((h.d, h.s), h.score), h.score)
    out = []
    targets = [a.target for a in asks_ or [] if a.target]
    places = frozenset().union(*(a.places for a in asks_ or []))
    for hit in sorted(chosen, key=lambda h: (-best[(h.d, h.s)], h.d, h.s)):
        sent = index.analyses[hit.d].sentences[
            hit.first if hit.first >= 0 else hit.s
        ]  # where the passage starts
        clause = _actor_clause(hit, names) or _measure_clause(hit, targets, places=places)
        if clause and _content_chars(clause) < MIN_CONTENT:
            clause = ""  # "…超声和体外诊断等领域…" says nothing on its own
        subject = "" if hit.first < hit.s else _heading_subject(index, hit.d, hit.s)
        if hit.sector:
            subject = SECTOR
        elif (
            clause
            and not subject
            and hit.named
            and not hit.bystander
            and not any(n in names.names(clause) for n in hit.named)
        ):
            subject = sorted(hit.named)[0]  # the clause with the measure left the name behind
        out.append(
            Evidence(
                text=hit.text,
                document=index.docs[hit.d].path,
                paragraph=sent.paragraph,
                score=round(best[(hit.d, hit.s)], 3),
                subject=subject,
                clause=clause,
            )
        )
    return out


SECTOR = "行业层面"
"""The subject shown before an industry-wide view given for one organisation's question."""
MIN_CONTENT = 10
"""Content characters (Chinese characters, Latin letters, digits) a shown clause needs."""


def _content_chars(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", text))


def _measure_clause(
    hit: _Hit, targets: list[_Target], limit: int = 80, places: frozenset[str] = frozenset()
) -> str:
    """The passage from the clause that gives the measure a question asks about,
    when a long passage gives it only after other clauses ("招商银行2023年归母净利润
    1466.02亿元，…，净息差为2.15%…" asked about the margin → "…净息差为2.15%，仍显著
    高于行业平均水平。"); the first that names the market the question asks about
    ("…its China comparable store sales dropped 14%…", not North America's before
    it); empty when it opens with it or the passage is short."""
    if not targets:
        return ""
    lower = to_simplified(hit.text).lower()
    cues = _measure_cues()
    families = set().union(*(t.families for t in targets))
    spots = [m.start() for m in _measure_re().finditer(lower) if _family(cues[m.group()]) in families]
    if not spots:
        return ""
    clauses = [_clause_from(hit.text, at, limit=limit) for at in spots]
    asked = market.up(places)
    there = [c for c in clauses if market.up(market.named(c)) & places or market.named(c) & asked]
    clause = (there or clauses)[0]
    return clause if clause.startswith(ELLIPSIS) else ""


def _actor_clause(hit: _Hit, names: _NameFinder) -> str:
    """The passage from the clause that names the question's organisation on,
    when clauses about another organisation come first ("特斯拉…降至19.4%，而比亚迪
    凭借垂直整合…" asked about 比亚迪 → "…而比亚迪凭借垂直整合…"); empty otherwise
    (an attribution or a date before it stays: "分析师估计，比亚迪…")."""
    if not hit.named:
        return ""
    gaz = gazetteer()
    spans = names.spans(hit.text)
    ours = [s for s, _, n in spans if n in hit.named or set(gaz.ancestors(n)) & hit.named]
    if not ours:
        return ""
    at = min(ours)
    others = [
        s for s, _, n in spans if s < at and n not in hit.named and not set(gaz.ancestors(n)) & hit.named
    ]
    if not others:
        return ""
    clause = _clause_from(hit.text, at, limit=160)
    return clause if clause.startswith(ELLIPSIS) else ""


def _heading_subject(index: Index, d: int, s: int) -> str:
    """The organisation a passage leaves to its context: "2023年全球交付180.8万辆…"
    under "### 特斯拉（Tesla）" is Tesla's, "Its net profit rose 81%…" after a
    sentence on BYD is BYD's. Empty when the passage names one itself."""
    if index.orgs_of(d, s):
        return ""
    return index.pointers.get((d, s)) or index.heading_org(d, s)


# ------------------------------------------------------------- the memo's own answer


# A line that concludes ("也就是说：医疗，可能比消费级更早落地。", "总结：…").
_CONCLUDES_RE = re.compile(
    r"^(?:也就是说|换句话说|总之|综上|总结|结论|一句话总结|核心结论|最终结论|综合判断|所以|因此|in short|overall)\s*[：:，,]",
    re.IGNORECASE,
)
_CONCLUSION_RE = re.compile(
    r"^(?:先说)?(?:最终|核心|综合)?(?:结论|总结|小结|判断)(?:是)?[：:]?$|^一句话总结[：:]?$"
    r"|^(?:conclusion|bottom line|in short|verdict)[：:]?$",
    re.IGNORECASE,
)
_LEAD_ITEM_MAX = 40
_LEAD_JOINED_MAX = 120
VERDICT_MAX = 16
"""A verdict line's verdict is at most this long ("当前：还没出现系统性特征")."""


@functools.cache
def _verdict_re() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in sorted(data_lines("verdict_labels.txt"), key=len, reverse=True))
    return re.compile(
        r"^[^\w“\"]*(?:" + (labels or r"(?!)") + rf")\s*[：:]\s*(\S.{{0,{VERDICT_MAX - 1}}})$", re.IGNORECASE
    )


def verdict_line(text: str) -> bool:
    """A short "label：verdict" line (data/verdict_labels.txt: "当前：基本符合") that judges
    what stands right above it and names no subject of its own."""
    m = _verdict_re().match(to_simplified(text).strip().rstrip("。.！!"))
    return bool(m) and not asks(m.group(1))


def numbering_style(text: str) -> str | None:
    """How a heading is numbered ("四、" → Chinese numeral, "➍、" → circled digit,
    "第一部分" → part), or None: a section runs to the next heading numbered alike."""
    text = text.strip()
    for style, pattern in (
        ("part", r"^第[一二三四五六七八九十百\d]{1,3}(?:部分|篇|章|节|節)"),
        ("cn", r"^" + CN_NUMERAL + r"\s*[、.．]"),
        (
            "paren",
            r"^[（(](?:\d{1,2}|" + CN_NUMERAL + r")[)）]",
        ),
        ("arabic", r"^\d{1,2}\s*(?:[、．)）]|\.(?!\d))"),
        ("circled", "^[\u2776-\u2793\u2460-\u2473\u24f5-\u24fe]"),
        ("keycap", "^\\d\ufe0f?\u20e3"),
        ("part", r"^part\s+\d"),
    ):
        if re.match(pattern, text, re.IGNORECASE):
            return style
    return None


def _section(doc: Document, paragraph: int | None) -> range | None:
    """The paragraphs under a question's heading, up to the next heading of the
    same or a higher level (of the same numbering, when the heading is numbered:
    "五、是否已经见顶？" runs past "结论：" to "六、…"). None for a question that is
    no heading."""
    if paragraph is None:
        return None
    heading = next((h for h in doc.headings if h.paragraph == paragraph), None)
    if heading is None:
        return None
    paragraphs = doc.paragraphs()
    style = numbering_style(paragraphs[paragraph])
    end = len(paragraphs)
    for other in doc.headings:
        if other.paragraph <= paragraph:
            continue
        same = other.level == heading.level and (
            style is None or numbering_style(paragraphs[other.paragraph]) == style
        )
        if other.level < heading.level or same:
            end = other.paragraph
            break
    return range(paragraph + 1, end)


def _own_answer(index: Index, d: int, paragraph: int | None, asks_: list[_Ask]) -> list[Evidence]:
    """What the memo itself says under the question's heading, as notes that
    stand alone: its conclusion first ("结论：不是见顶，而是“早期波动阶段”"), then
    the statements that share the question's words; a line that ends in a colon
    is joined with the short lines it introduces ("如果是“二波前夜”，会出现：龙头
    不破趋势；…"), never shown dangling."""
    doc = index.docs[d]
    section = _section(doc, paragraph)
    if section is None and paragraph is not None:
        return _answer_lines(doc, paragraph)
    if not section:
        return []
    paragraphs = doc.paragraphs()
    heads = {h.paragraph for h in doc.headings}
    words = {t for a in asks_ for t in (*a.tokens, *a.subject) if len(t) >= 2}
    candidates: list[tuple[float, int, str]] = []
    items: list[
        tuple[int, int, str]
    ] = []  # (heading level, paragraph, note) of headings answered in short lines
    level_of = {h.paragraph: h.level for h in doc.headings}
    conclusion = False
    nested = False  # under a numbered sub-part of the section: its conclusions are the part's
    p = section.start
    while p < section.stop:
        text = _plain(paragraphs[p])
        if not text:
            p += 1
            continue
        if p in heads:
            nested = numbering_style(paragraphs[p]) is not None
        if _CONCLUSION_RE.match(text):
            conclusion = not nested
            p += 1
            continue
        pieces: list[tuple[str, float]] = []
        nxt = p + 1
        if text.endswith(("：", ":")):
            # "很多人把脑机接口理解成：" with the short lines it introduces, or nothing.
            items = []
            while nxt < section.stop and nxt not in heads and len(items) < 4:
                item = _plain(paragraphs[nxt])
                if not item or len(item) > _LEAD_ITEM_MAX or item.endswith(("：", ":")) or asks(item):
                    break
                if verdict_line(item):
                    break  # the list's verdict, not one of its items
                items.append(item.rstrip("。；;"))
                nxt += 1
            joined = text + "；".join(items)
            # The verdict right after the list ("👉 当前：基本符合") goes with what it judges.
            verdict = _plain(paragraphs[nxt]) if nxt < section.stop and nxt not in heads else ""
            if items and verdict_line(verdict):
                joined += "。" + _verdict_text(verdict)
                nxt += 1
            if items and len(joined) <= _LEAD_JOINED_MAX + VERDICT_MAX + 4:
                pieces.append((joined, 0.0))
        elif p in heads:
            # A heading that states part of the answer ("逻辑层面：仍然成立（长期）"), with
            # the few short lines under it ("条件1：基本面崩" + "没有（在推进）",
            # "高端传感器" + "电极材料" + "生物兼容技术").
            under: list[str] = []
            q = p + 1
            while q < section.stop and q not in heads:
                under.append(_plain(paragraphs[q]))
                q += 1
            short = 0 < len(under) <= 4 and all(
                u and len(u) <= _LEAD_ITEM_MAX and not asks(u) and not u.endswith(("：", ":")) for u in under
            )
            if short and not asks(text):
                glue = "，" if "：" in text or ":" in text else "："
                note = text + glue + "；".join(u.rstrip("。") for u in under)
                pieces.append((note, 0.5))
                items.append((level_of.get(p, 0), p, note))
                nxt = q
            elif ("：" in text or ":" in text or len(text) >= 8) and not asks(text):
                pieces.append((text, 0.5))
        elif not verdict_line(text):  # a verdict away from what it judges says nothing alone
            for start, end in split_sentences(text):
                sentence = text[start:end].strip()
                if len(sentence) >= 6 and not asks(sentence) and not sentence.endswith(("：", ":", "——")):
                    pieces.append((sentence, 0.0))
        for piece, bonus in pieces:
            if not stands_alone(piece) or not re.search(r"[\u4e00-\u9fffA-Za-z]{2}", piece):
                continue
            lower = to_simplified(piece).lower()
            overlap = sum(1 for w in words if w in lower)
            concludes = conclusion or (not nested and bool(_CONCLUDES_RE.match(piece)))
            rank = (3 if concludes else 0) + overlap + bonus - 0.001 * len(candidates)
            candidates.append((rank, p, piece))
        if pieces:
            conclusion = False
        p = nxt
    checklist = _checklist(items)
    if checklist:
        # The whole checklist is one note, right after the conclusion: never its first items only.
        members = {note for _, _, note in checklist}
        candidates = [c for c in candidates if c[2] not in members]
        candidates.append((2.5, checklist[0][1], "；".join(note for _, _, note in checklist)))
    candidates.sort(key=lambda c: -c[0])
    out: list[Evidence] = []
    total = 0
    for rank, p, piece in candidates:
        whole_list = checklist and p == checklist[0][1]
        if not whole_list and (len(out) == MAX_OWN_ANSWER or (out and total + len(piece) > 240)):
            continue
        out.append(Evidence(text=piece, document=doc.path, paragraph=p, score=round(max(rank, 0.0), 3)))
        total += len(piece)
    return out


CHECKLIST_MIN = 3
"""Sibling headings answered in short lines that make a checklist (条件1 … 条件4)."""


def _checklist(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The memo's checklist under a question: three or more sibling headings, each
    answered in a few short lines ("条件1：基本面崩" / "没有（在推进）", …, "条件3：
    资金过热" / "局部存在（短线）"), in order; empty when there is none. Shown
    whole, the items that dissent included."""
    by_level: dict[int, list[tuple[int, int, str]]] = {}
    for item in items:
        by_level.setdefault(item[0], []).append(item)
    runs = [run for run in by_level.values() if len(run) >= CHECKLIST_MIN]
    return max(runs, key=len) if runs else []


def _answer_lines(doc: Document, paragraph: int) -> list[Evidence]:
    """A question asked in a paragraph and answered by the short lines right after
    it ("龙头是否还能不断新高？" over "能 → 行情没结束" / "不能 → 进入震荡或下行"):
    two to four lines before the next heading, joined; nothing otherwise."""
    paragraphs = doc.paragraphs()
    heads = {h.paragraph for h in doc.headings}
    lines = []
    p = paragraph + 1
    while p < len(paragraphs) and p not in heads and len(lines) <= 4:
        line = _plain(paragraphs[p])
        if not line or len(line) > _LEAD_ITEM_MAX or asks(line) or line.endswith(("：", ":")):
            return []
        lines.append(line.rstrip("。；;"))
        p += 1
    if not 2 <= len(lines) <= 4:
        return []
    return [Evidence(text="；".join(lines), document=doc.path, paragraph=paragraph + 1, score=0.0)]


def _verdict_text(line: str) -> str:
    """A verdict line as written, without the emoji or arrow before its label."""
    return re.sub(r"^[^\w“\"]+", "", line.strip()).rstrip("。.")


def _plain(text: str) -> str:
    """A line of notes without its numbering and leading symbols ("👉", "✔", "❌")."""
    return _LEADING_SYMBOLS_RE.sub("", strip_numbering(text.strip())).strip()


_LEADING_SYMBOLS_RE = re.compile("^[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3\\s→]+")


# ------------------------------------------------------------- gaps, angles, status


def _attach_data_gaps(
    doc: Document, questions: list[tuple[Question, Todo]], index: Index, names: _NameFinder
) -> None:
    """Each placeholder the memo leaves (【待补充】, 「XX」, TBD) beside the question
    it belongs to: the one whose text holds it, else whose section holds it, else
    the one its clause is about (an organisation of the sentence and a concept of
    the clause, or two concepts); none when no question is."""
    for gap in doc.data_gaps:
        owner = next((q for q, _ in questions if gap.text in q.text), None)
        if owner is None:
            owner = next(
                (q for q, t in questions if (r := _section(doc, t.paragraph)) and gap.paragraph in r), None
            )
        if owner is None:
            clause = _clause_of(gap.context, gap.text)
            sentence_names = set(names.names(gap.context))
            sentence_lower = to_simplified(gap.context).lower()
            best, best_score = None, 0
            for q, _ in questions:
                asked = [_ask(sub, q, index, names) for sub in q.sub_questions]
                actors = set().union(*(a.actors for a in asked))
                subject = {s for a in asked for s in a.subject}
                concepts = set().union(*(a.concepts for a in asked))
                who = bool(actors & sentence_names) or any(s in sentence_lower for s in subject)
                what = sum(1 for c in concepts if c in to_simplified(clause).lower())
                if (who and what) or what >= 2:
                    score = 2 * who + what
                    if score > best_score:
                        best, best_score = q, score
            owner = best
        if owner is not None and gap.context not in owner.data_gaps:
            owner.data_gaps.append(gap.context)


def _clause_of(sentence: str, placeholder: str) -> str:
    """The clause of a sentence that holds a placeholder; with the next clause
    when the placeholder stands alone ("「时间点」，山姆会员店的付费会员超过500万人")."""
    at = sentence.find(placeholder)
    if at < 0:
        return sentence
    left = max(sentence.rfind(c, 0, at) for c in "，,；;。") + 1
    end = at + len(placeholder)
    rights = [i for i in (sentence.find(c, end) for c in "，,；;。") if i != -1]
    right = min(rights) if rights else len(sentence)
    if len(sentence[left:right].replace(placeholder, "").strip()) < 4 and right < len(sentence):
        more = [i for i in (sentence.find(c, right + 1) for c in "，,；;。") if i != -1]
        right = min(more) if more else len(sentence)
    return sentence[left:right]


def _angles(index: Index, ask: _Ask, own: int, known: set[str]) -> list[Angle]:
    """What the other sources argue about the question's organisations (阿里巴巴
    vs 腾讯), or without any, about its concepts: one cited clause per angle,
    from as many sources as there are, best first."""
    hits = [h for h in _relevant(index, ask, strict=False) if h.d != own]
    # Passages other questions already cite as evidence come last: an angle adds to them.
    hits.sort(key=lambda h: (h.d, h.s) in index.cited)
    by_doc: dict[int, list[_Hit]] = {}
    for h in hits:
        by_doc.setdefault(h.d, []).append(h)
    order: list[_Hit] = []
    depth = 0
    while len(order) < MAX_ANGLES and any(depth < len(v) for v in by_doc.values()):
        for d in sorted(by_doc, key=lambda d: -by_doc[d][0].score):
            if depth < len(by_doc[d]) and len(order) < MAX_ANGLES:
                order.append(by_doc[d][depth])
        depth += 1
    out = []
    for h in order:
        doc = index.docs[h.d]
        out.append(
            Angle(
                label=_angle_label(index, h, known),
                documents=[doc.path],
                text=h.text,
                document=doc.path,
                clause=_clause_around(h.text, [*h.named, *ask.concepts]),
            )
        )
    return out


def theme_angles(questions: list[Question], themes: list[Theme]) -> None:
    """A question that asks to look beyond the sources gets, after the passages on its
    own organisations or concepts, the arguments the other sources make (the folder's
    themes that a source besides the asking memo argues), strongest first, up to
    :data:`MAX_ANGLES`: starting points, cited, each said in full in its theme."""
    for question in questions:
        if question.new_material != "beyond" or len(question.angles) >= MAX_ANGLES:
            continue
        taken = {a.label for a in question.angles}
        for theme in themes:
            others = [d for d in theme.documents if d != question.document]
            if not others or theme.label in taken:
                continue
            question.angles.append(Angle(label=theme.label, documents=others))
            if len(question.angles) >= MAX_ANGLES:
                break


def _angle_label(index: Index, hit: _Hit, known: set[str]) -> str:
    """Whom an angle is about: the organisations its passage names (without
    their parent groups); empty when it names none."""
    gaz = gazetteer()
    sentences = range(hit.s - 1 if hit.text != _text(index, hit.d, hit.s) else hit.s, hit.s + 1)
    orgs: list[str] = []
    for m in index.analyses[hit.d].mentions:
        name = index.renamed.get(m.name, m.name)
        if m.sentence in sentences and name not in orgs and name in known:
            orgs.append(name)
    parents = {a for o in orgs for a in gaz.ancestors(o)}
    named = [o for o in orgs if o not in parents]
    return "、".join(named[:3])


def _clause_around(text: str, terms: list[str], limit: int = 70) -> str:
    """The clauses of a passage from the first place it names one of ``terms``
    through the next clause boundary after it, cut only at clause boundaries
    and marked with an ellipsis where cut."""
    simplified = to_simplified(text)
    gaz = gazetteer()
    positions = [simplified.find(t) for t in terms if t and simplified.find(t) >= 0]
    for m in gaz.find(simplified):
        if m.name in terms:
            positions.append(m.start)
    if not positions or len(text) <= limit:
        return text
    return _clause_from(text, min(positions), limit)


_CLAUSE_END_RE = re.compile(r"[，；。！？]|[,;.!?](?=\s|$)")


def _clause_from(text: str, at: int, limit: int) -> str:
    """The clauses of ``text`` from the one holding offset ``at`` on, as many as
    fit in ``limit`` characters (at least one), with "…" where cut."""
    # Clause ends: Chinese punctuation anywhere, ASCII only before a space or the
    # end ("7,093" and "3.5%" are numbers, not two clauses).
    ends = [m.end() for m in _CLAUSE_END_RE.finditer(to_simplified(text))]
    left = max([e for e in ends if e <= at], default=0)
    right = left
    while right < len(text):
        stop = min([e for e in ends if e > right], default=len(text))
        if right > left and stop - left > limit:
            break
        right = stop
    piece = text[left:right].strip().rstrip("，,；;")
    prefix = ELLIPSIS if left > 0 else ""
    suffix = ELLIPSIS if right < len(text.rstrip()) and not piece.endswith(("。", ".", "！", "？")) else ""
    return prefix + piece + suffix


def _classification(
    text: str, named: list[str], companies: list[Company], modes: list[Mode]
) -> Answer | None:
    """A question that asks which of the memo's modes an organisation follows
    gets the analysis' classification of the organisation it names first as
    its provisional answer."""
    names = [m.name for m in modes]
    if not names or not named or not (any(n in text for n in names) or BOTH in text):
        return None
    company = next((c for c in companies if c.name == named[0]), None)
    if company is None or not company.mode:
        return None
    return Answer(text=f"{company.name}：{company.mode}", basis=list(company.mode_evidence))


def _settled_answer(
    index: Index, asks_: list[_Ask], per_sub: list[list[_Hit]], companies: list[Company]
) -> Answer | None:
    """The answer an answered question shows, built from the figures of the
    passages that settle it: per organisation, the figure of the measure asked
    (税前利润同比增长 for "profit growth"), highest first for a ranking, with a
    caveat when the organisations' figures measure different things (税前利润 vs
    股东应得利润). Without such figures, the clause of the best settling passage.
    None when nothing settles it."""
    settling = [h for hits in per_sub for h in hits if h.settles and not h.sector]
    if not settling:
        return None
    choice = _chosen_alternative(asks_, [h for hits in per_sub for h in hits if not h.sector])
    if choice is not None:
        return Answer(text=choice.text, basis=[_quote(index, choice)])
    owners = set().union(*(a.actors for a in asks_))
    asked = set().union(*(a.measures for a in asks_))
    families = set().union(*(a.target.families for a in asks_ if a.target)) or asked
    ranking = any(_RANKING_RE.search(a.text) for a in asks_)
    # "How much did COSCO's profit fall?": the figure of the fall (净利润下降 78%), not the level
    asks_change = any(_same_change(c) for a in asks_ for c in a.concepts)
    picked: dict[str, tuple[tuple, Figure, _Hit]] = {}
    for c in companies:
        if owners and c.name not in owners:
            continue
        for f in c.figures:
            hit = next((h for h in settling if _holds(index, h, f)), None)
            kinds = _measures_in(f.measure)
            if hit is None or not kinds & families:
                continue
            rank = (
                len(kinds & asked),
                asks_change and bool(kinds & _CHANGE_FAMILIES),
                f.year or 0,
                hit.score,
            )
            if c.name not in picked or rank > picked[c.name][0]:
                picked[c.name] = (rank, f, hit)
    if picked:
        rows = list(picked.items())
        if ranking:
            rows.sort(key=lambda r: -r[1][1].value)
        parts = [f"{name} {format_figure(f)}" for name, (_, f, _) in rows]
        bases = {_base_measure(f.measure) for _, (_, f, _) in rows}
        if len(rows) > 1 and len(bases) > 1:
            parts.append(f"口径不同（{'与'.join(_base_measure(f.measure) for _, (_, f, _) in rows)}）")
        basis = {id(h): h for _, (_, _, h) in rows}.values()
        return Answer(text="；".join(parts), basis=[_quote(index, h) for h in basis])
    best = max(settling, key=lambda h: h.score)
    return Answer(text=best.text, basis=[_quote(index, best)])


@functools.cache
def _alternative_res() -> tuple[re.Pattern[str], ...]:
    rules = data_yaml("alternative_questions.yaml") or {}
    return tuple(re.compile(p, re.IGNORECASE) for p in rules.get("asks") or [])


_DRIVES_RE = re.compile(r"(?:驱动|导致|所致|造成|带动|推动|拖累)$")


def alternatives(question: str) -> tuple[str, str] | None:
    """The two alternatives a question asks between ("主要原因是客单价还是客流？" →
    客单价, 客流; data/alternative_questions.yaml), or None."""
    text = to_simplified(question).strip()
    for pattern in _alternative_res():
        m = pattern.search(text)
        if m:
            first = re.sub(r"^(?:因为|由于|在于|来自|源于)", "", m.group("a").strip())
            # what drives it, not the driving (金价 of 金价驱动)
            first, second = (_DRIVES_RE.sub("", x) or x for x in (first, m.group("b").strip()))
            return first, second
    return None


def _chosen_alternative(asks_: list[_Ask], hits: list[_Hit]) -> _Hit | None:
    """For a question between two alternatives, once settled, the best passage of its
    evidence that names exactly one of them (同店销售的下滑主要来自客单价下降): the
    answer is the choice, not a figure a passage happens to hold. None for other
    questions, or when no passage names one alternative alone."""
    for ask in asks_:
        pair = alternatives(ask.text)
        if pair is None:
            continue
        naming = [
            h for h in hits if sum(1 for alt in pair if alt.lower() in to_simplified(h.text).lower()) == 1
        ]
        if naming:
            return max(naming, key=lambda h: h.score)
    return None


def _holds(index: Index, hit: _Hit, figure: Figure) -> bool:
    """The figure was read from the passage."""
    if figure.document != index.docs[hit.d].path:
        return False
    sentences = index.analyses[hit.d].sentences
    paragraphs = {sentences[i].paragraph for i in range(min(hit.first, hit.s), hit.s + 1)}
    return figure.paragraph in paragraphs and (not figure.raw or figure.raw in hit.text)


def _base_measure(measure: str) -> str:
    """A figure's measure without its change ("税前利润同比增长" → 税前利润)."""
    return re.sub(r"(?:同比|按年|环比)?(?:增长率?|下降|增速|增幅|降幅)$", "", measure) or measure


def _quote(index: Index, hit: _Hit) -> Quote:
    sent = index.analyses[hit.d].sentences[hit.first if hit.first >= 0 else hit.s]
    return Quote(text=hit.text, document=index.docs[hit.d].path, paragraph=sent.paragraph)


def _done_question(
    todo: Todo, doc: Document, number: int, index: Index, names: _NameFinder, companies: list[Company]
) -> Question:
    """An item the memo ticks done: answered by its author, and shown with the
    data in the other sources that settles it ("整理2023年全球动力电池装机量排名" →
    宁德时代 36.8%、比亚迪 15.8%), when they hold it."""
    question = Question(
        todo.text, doc.path, number, [todo.text], evidence=[], status=ANSWERED, done=True, form=todo.form
    )
    own = next(i for i, d in enumerate(index.docs) if d.path == doc.path)
    asks_ = [_ask(todo.text, question, index, names)]
    hits = [h for h in _relevant(index, asks_[0]) if h.d != own and h.bears]
    for h in hits:
        h.settles = h.settles or bool(re.search(r"\d", h.text) and (not asks_[0].target or h.families))
    question.evidence = _interleave(index, [hits], MAX_EVIDENCE, names, asks_)
    question.settled_by = _settled_answer(index, asks_, [hits[:MAX_EVIDENCE]], companies)
    return question


# A question about the state of a market now or ahead: its answer changes with the market.
_CURRENT_RE = re.compile(
    r"现在|当前|目前|如今|眼下|阶段|见顶|见底|机会|走势|前景|今后|未来|\b(?:now|currently|today|outlook)\b",
    re.IGNORECASE,
)


def _needs_current_material(q: Question) -> bool:
    """An open question about the current state of a market or the future
    ("是否已经见顶？", "CPO现在还有没有机会？", "能否在2025年超过50%？") that no
    independent source speaks to: the memo's view is context, the sources cannot
    settle it, and the reader needs new, current material."""
    if q.evidence:
        return False
    text = to_simplified(q.text)
    return bool(_FORECAST_RE.search(text) or _CURRENT_RE.search(text))


def _independent_cover(q: Question) -> bool:
    """Whether the cases of the table a question asks for that come from sources
    other than its memo file a case under every mode: the memo's own cases are
    its author's notes, context like the rest of them."""
    assert q.result is not None
    found = {c.mode for c in q.result.cases if c.document != q.document}
    return found >= {m.name for m in q.result.modes}


def _status(q: Question, settles: bool) -> str:
    """answered / partly answered / open, from what the sources give. Answered:
    the structured result the question asks for covers every mode with cases
    from sources other than the memo, or every
    sub-question has an independent passage that holds its answer (most of its
    concepts, the measure it asks for with a number, the period it names, each
    organisation it compares). Partly answered: independent evidence that gives
    the question's measure or shares its concepts, or a result or classification
    the analysis draws from the sources. The memo's own notes, its own answer
    under the question's heading included, are context, never evidence: alone
    they leave a question open, also when the analysis classifies the question's
    organisation from them. A question that looks beyond the sources stays open."""
    if q.needs_new_material:
        return OPEN
    if q.result is not None:  # the table it asks for is its answer
        return ANSWERED if _independent_cover(q) else PARTLY
    if settles and q.evidence:
        return ANSWERED
    if q.evidence or q.result or (q.answer and any(b.document != q.document for b in q.answer.basis)):
        return PARTLY
    return OPEN  # a classification resting on the memo's own notes alone is context


def _passage(index: Index, d: int, s: int) -> tuple[str, int] | None:
    """The sentence as evidence, with the index of its first sentence: on its own,
    or with the sentence before it when it opens with a pointer back ("与前两者
    不同，…") or leans on a noun phrase only the sentence before names ("…都是在这样的
    大背景下出现的", "…the embodiment of this decentralization model"); None when that
    is not possible."""
    text = _text(index, d, s)
    alone = stands_alone(text)
    sentences = index.analyses[d].sentences
    if alone and (index.docs[d].kind == "memo" or not (leans_back(text) or contrasts_back(text))):
        return text, s  # (a memo's note is context, shown as its author wrote it)
    if alone:
        # It leans on the sentence before (这样的大背景 is what that sentence told), in its
        # paragraph or on the line before (a text of one sentence a line): the two
        # together, where that one stands alone. A contrast with its subject named
        # ("新希望则仍处于亏损状态…") that cannot have the sentence before stands alone.
        contrast_only = not leans_back(text) and bool(index.orgs_of(d, s))
        if s == 0 or not sentences[s - 1].quotable or sentences[s - 1].heading:
            return (text, s) if contrast_only else None
        if sentences[s - 1].paragraph != sentences[s].paragraph and not _lines(sentences, s):
            return (text, s) if contrast_only else None
        before = _text(index, d, s - 1)
        joiner = " " if index.docs[d].language == "en" else ""
        joined = before + joiner + text
        if stands_alone(before) and not leans_back(before) and len(joined) <= 240:
            return joined, s - 1
        return None  # what it points to lies further back
    if sentences[s - 1].paragraph != sentences[s].paragraph or not sentences[s - 1].quotable or s == 0:
        return None
    joined = index.docs[d].text[sentences[s - 1].start : sentences[s].end].strip()
    if stands_alone(joined) and len(joined) <= 240:
        return joined, s - 1
    # "Its net profit rose 81%…" after a long sentence on BYD: the sentence alone,
    # the organisation it points to given as its subject.
    before = index.orgs_of(d, s - 1)
    leaders = {n for n in before if not set(gazetteer().ancestors(n)) & before} if before else set()
    if _POSSESSIVE_RE.match(text) and len(leaders) == 1 and not index.orgs_of(d, s):
        index.pointers[(d, s)] = next(iter(leaders))
        return text, s
    return None


@functools.cache
def _contrast_re() -> re.Pattern[str]:
    rules = data_yaml("antecedents.yaml") or {}
    words = "|".join(re.escape(str(w)) for w in rules.get("contrast_zh") or []) or r"(?!)"
    not_after = "".join(re.escape(str(c)) for c in rules.get("contrast_not_after_zh") or [])
    guard = f"(?<![{not_after}])" if not_after else ""
    return re.compile(rf"^[^，。；：！？,;:!?\s]{{1,10}}?{guard}(?:{words})")


def contrasts_back(text: str) -> bool:
    """The sentence sets its subject against the one before ("隆基绿能则押注BC电池，…"):
    on its own it reads as half a comparison (data/antecedents.yaml, ``contrast_zh``)."""
    return bool(_contrast_re().match(to_simplified(text).lstrip()))


def _lines(sentences: list[Sentence], s: int) -> bool:
    """Sentence ``s`` and the one before are paragraphs of one sentence each (a text
    written a sentence a line)."""
    this, before = sentences[s].paragraph, sentences[s - 1].paragraph
    alone = s + 1 >= len(sentences) or sentences[s + 1].paragraph != this
    return alone and (s < 2 or sentences[s - 2].paragraph != before)


_POSSESSIVE_RE = re.compile(r"^(?:its|their|the company's|其|该公司|它的|它们的)", re.IGNORECASE)


def _text(index: Index, d: int, s: int) -> str:
    sent = index.analyses[d].sentences[s]
    return index.docs[d].text[sent.start : sent.end].strip()


def _mode_table(
    text: str,
    docs: list[Document],
    analyses: list[DocAnalysis],
    companies: list[Company],
    modes: list[Mode],
) -> ModeTable | None:
    """For an item that asks for a company's cases arranged by the memo's modes
    (as a chart or table): one row per business, product or investee the sources
    describe, each filed under the mode whose definition words (or the memo's
    own example lists) its passages use, ``两者皆是`` when they use both and
    ``尚不明确`` when neither clearly; the deciding words are kept."""
    if not (TABLE_RE.search(text) and MODE_RE.search(text)) or not modes:
        return None
    gaz = gazetteer()
    named = [m.name for m in gaz.find(to_simplified(text))]
    if not named:
        return None
    company = named[0]
    by_name = {c.name: c for c in companies}
    family = [n for n in [company, *gaz.descendants(company)] if n in by_name]
    if not family:
        return None

    def kind(name: str) -> str:
        return by_name[name].type

    rows: list[str] = []
    for name in family:
        org = gaz.orgs.get(name)
        parent = org.parent if org else None
        if (
            name == company
            or by_name[name].role == "case"
            or parent == company
            or (kind(name) == "product" and not (parent and parent in by_name and kind(parent) == "product"))
        ):
            rows.append(name)
    rows = [r for r in rows if kind(r) in ("company", "product", "investor")]
    # Investments the company made are cases of it too ("阿里45亿投资的汇通达").
    for c in companies:
        if c.name not in rows and any(f.counterpart in family for f in c.figures):
            rows.append(c.name)
    parts: dict[str, list[str]] = {r: [] for r in rows}
    for name in family:
        if name in rows or kind(name) not in ("company", "product"):
            continue
        host = next((a for a in gaz.ancestors(name) if a in parts), None)
        if host and host != company:
            parts[host].append(name)

    _, sections = find_modes(docs, analyses)
    in_section = {(sec.doc, p): sec.mode for sec in sections for p in sec.paragraphs}
    row_of = {r: r for r in rows} | {p: r for r, ps in parts.items() for p in ps}
    cases: list[ModeCase] = []
    for row in rows:
        passages = _passages(docs, analyses, row, row_of, in_section, modes)
        if not passages:
            continue
        cues: dict[str, list[str]] = {m.name: [] for m in modes}
        for _, found, _ in passages:
            for mode, words in found.items():
                cues[mode].extend(w for w in words if w not in cues[mode])
        mode = decide(cues, threshold=2)
        chosen = [m.name for m in modes] if mode in (BOTH, UNCLEAR) else [mode]

        best = max(passages, key=lambda p, chosen=chosen: _weight(p, chosen))
        d, s_index = best[2]
        sentence = analyses[d].sentences[s_index]
        deciding = list(dict.fromkeys(w.strip() for m in chosen for w in cues[m])) if mode != UNCLEAR else []
        cases.append(
            ModeCase(
                name=row,
                mode=mode,
                text=docs[d].text[sentence.start : sentence.end].strip(),
                document=docs[d].path,
                paragraph=sentence.paragraph,
                cues=deciding[:6],
                clause=_case_clause(docs[d], sentence, [row, *parts[row]], deciding),
                parts=parts[row],
            )
        )
    if not cases:
        return None
    order = {m.name: i for i, m in enumerate(modes)}
    order[BOTH] = len(order)
    order[UNCLEAR] = len(order) + 1
    cases.sort(key=lambda c: (order.get(c.mode, len(order)), c.document, c.paragraph))
    return ModeTable(company=company, modes=modes, cases=cases)


def _weight(
    passage: tuple[str, dict[str, list[str]], tuple[int, int]], chosen: list[str]
) -> tuple[int, bool, int, int]:
    """How well a passage shows a case's mode: the definition words it uses (not
    only the memo's example list), a real clause, the earliest."""
    window, found, (d, s) = passage
    real = sum(1 for m in chosen for w in found[m] if not w.startswith("备忘录"))
    return (real, len(window) >= 12, -d, -s)


def _passages(
    docs: list[Document],
    analyses: list[DocAnalysis],
    row: str,
    row_of: dict[str, str],
    in_section: dict[tuple[int, int], str],
    modes: list[Mode],
) -> list[tuple[str, dict[str, list[str]], tuple[int, int]]]:
    """The passages about one row of the mode table with the mode cues each uses:
    the clauses of a sentence from the row's name up to the next row's name, so
    that a list of businesses does not lend one the words of another."""
    from briefing.analysis.roles import clause_bounds, mask_parentheses

    out = []
    for d, a in enumerate(analyses):
        names_by_sentence: dict[int, list] = {}
        for m in a.mentions:
            if row_of.get(m.name) is not None:
                names_by_sentence.setdefault(m.sentence, []).append(m)
        for s_index, mentions in names_by_sentence.items():
            mine = [m for m in mentions if row_of[m.name] == row]
            if not mine:
                continue
            sentence = a.sentences[s_index]
            if not sentence.quotable or (sentence.heading and sentence.end - sentence.start < 40):
                continue
            text = docs[d].analysis_text[sentence.start : sentence.end]
            masked = mask_parentheses(text)
            first = min(m.start for m in mine) - sentence.start
            others = sorted(m.start - sentence.start for m in mentions if row_of[m.name] != row)
            # The window: the "；"-segment of the name, after any other row named before
            # it and before the next one, so that a list of businesses does not lend
            # one the words of another.
            seg_start = max(masked.rfind(c, 0, first) for c in "；;。") + 1
            seg_end = min([i for i in (masked.find(c, first) for c in "；;。") if i != -1] or [len(text)])
            before = [o for o in others if seg_start <= o < first]
            start = clause_bounds(masked, first, first)[0] if before else seg_start
            stop = next((o for o in others if first < o < seg_end), seg_end)
            if stop < seg_end:
                stop = max(clause_bounds(masked, stop, stop)[0] - 1, first + 1)
            window = text[start:stop]
            for m in mentions:  # a name is no cue of itself ("淘工厂" holds 工厂)
                window = window.replace(m.surface, "□" * len(m.surface))
            found = mode_cues(window, [t for t in sentence.tokens if t in window], modes)
            section = in_section.get((d, sentence.paragraph))
            acting_rows = {row_of[m.name] for m in mentions if m.role == "acts"}
            if section and (row in acting_rows or not acting_rows):
                found[section] = [*found.get(section, []), "备忘录列为例子", "备忘录列为例子 "]
            out.append((window, found, (d, s_index)))
    return out


def _case_clause(doc: Document, sentence, names: list[str], cues: list[str], limit: int = 72) -> str:
    """The part of a case's sentence the table shows: the clauses from the case's
    name through its first deciding word, cut only at clause boundaries."""
    from briefing.analysis.roles import CLAUSE_BREAKS, mask_parentheses, tidy_clause

    text = doc.analysis_text[sentence.start : sentence.end].strip()
    masked = mask_parentheses(text)
    at = min((i for i in (text.find(n) for n in names) if i >= 0), default=0)
    cue_at = [
        i for i in (text.find(c.strip()) for c in cues if not c.startswith(("备忘录", "不是"))) if i >= 0
    ]
    end = max([at, *cue_at]) if cue_at else at
    left = max(masked.rfind(c, 0, at) for c in CLAUSE_BREAKS) + 1
    rights = [i for i in (masked.find(c, end) for c in CLAUSE_BREAKS) if i != -1]
    right = min(rights) if rights else len(text)
    while right - left > limit and left < at:
        nxt = min([i for i in (masked.find(c, left) for c in CLAUSE_BREAKS) if i != -1 and i < at] or [at])
        left = nxt + 1 if nxt < at else at
    if right - left < 12 and left > 0:
        left = max(masked.rfind(c, 0, left - 1) for c in CLAUSE_BREAKS) + 1  # "…淘宝，天猫": one clause more
    piece = text[left:right].strip(" ，,；;：:")
    if len(piece) > limit:
        cut = max(masked.rfind(c, left, left + limit) for c in CLAUSE_BREAKS)
        if cut > left:
            piece = text[left:cut].strip(" ，,；;：:")
    prefix = "…" if left > 0 else ""
    suffix = "…" if left + len(piece) < len(text.rstrip("。.！!？? ")) - 1 else ""
    return prefix + tidy_clause(piece) + suffix


__all__ = ["BOTH", "STATUSES", "Index", "asks_beyond_sources", "find_questions", "query_tokens"]
