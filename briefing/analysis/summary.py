"""Key takeaways: the distinct findings a reader needs first, extracted and cited.

Every sentence that may stand alone is a candidate. It is scored by how
central it is (TextRank over the sentence-similarity graph, agreement across
sources counting more), how strongly it bears on the corpus' themes, and how
concrete it is: a figure, an actor, a comparison, a year, a credited source
(阿里云 45.5% vs 腾讯 10.3%, IDC 2017) beat a general statement. The authors'
own numbered points that read as one claim ("产业互联网不是流量战争，而是产业、
技术与模式革命") compete as one statement built from the cited points.

Selection is greedy and keeps each takeaway a distinct finding: no two share
their main claim (similar terms, or two general statements on one theme),
never two adjacent sentences of one paragraph, general statements only as
many as the corpus' distinct theses, and the sources spread where they allow.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from operator import mul, truediv

from briefing.analysis.document import DocAnalysis
from briefing.analysis.figures import CURRENCY_SIGNS, MARKET
from briefing.analysis.findings import (
    _NUMBER_RE,
    _STOCK_QUOTE_RE,
    REASONS,
    RULED_OUT,
    candidate_text,
    not_a_finding,
    subject_counts,
)
from briefing.analysis.findings import UNREAD as UNREAD_FINDING
from briefing.analysis.statements import _openers, background
from briefing.analysis.themes import MIN_THEMES, point_statements, without_framing
from briefing.excerpts import without_marker
from briefing.gazetteer import gazetteer
from briefing.model import Document, Takeaway, Theme
from briefing.script import to_simplified

MIN_TAKEAWAYS, MAX_TAKEAWAYS = 4, 6
ENGLISH_WEIGHT = 0.8
"""The briefing reads in Chinese: an English sentence must rank clearly higher to be a takeaway."""
MAX_CANDIDATES = 400
"""TextRank is quadratic in the candidate sentences: beyond this many, only the
sentences richest in theme terms and facts are ranked."""
SPREAD = 0.85
"""Weight of a document's next takeaway relative to its previous one."""
WIDE_CORPUS = 8
"""From this many sources on, one source gives at most two takeaways."""
SHARE = 0.5
"""From three sources on, one source gives at most this share of the takeaways (3 of 6),
and one more only as a concrete fact when the other sources have no further finding:
the takeaways speak for the folder, not for one article or the memo that clips them."""
MAX_GENERAL = 1
"""General statements (no figure, no second actor, no comparison: concreteness below 1)
among the takeaways once MIN_TAKEAWAYS are chosen: the authors' central thesis, once."""
SAME_CLAIM = 0.3
"""Token overlap (Jaccard) at which two sentences make the same claim."""
FAR_AHEAD = 1.5
BACKGROUND = 0.2
"""Weight of a background statement (曾长期…, 成立于…, was founded in …) against a finding;
it is a takeaway only while fewer than MIN_TAKEAWAYS findings are chosen."""
"""A second takeaway from one source must score this many times the best finding
of a source with fewer takeaways: the takeaways speak for the folder, not one article."""

# Each pattern below opens with a lookahead on the characters its alternatives can
# start with: the same matches, but the engine skips every other position at once
# instead of trying each alternative there (a third of the summary's time).
_YEAR_RE = re.compile(
    r"(?=[12isb])(?:(?:19|20)\d{2}\s*年|\b(?:in|since|by) (?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b)"
)
_ATTRIBUTION_RE = re.compile(
    r"(?=[根据数报统调研adsr])(?:"
    r"根据|(?<![占数证收票单凭字盘论依])据|数据显示|报告|统计|调查|研究显示|according to|data show|survey|report)",
    re.IGNORECASE,
)
_COMPARISON_RE = re.compile(
    r"(?=[比高低超领落相对不远第前之而与同和跟\dvtcabrlsfwou])(?:"
    r"比|高于|低于|超过|超越|领先|落后|相比|相较|对比|不如|远超|(?<=[^\s，,；;：:。“])第[一二三](?!方)|第[一二三](?![，,、：:方])|前三|前五|之首|"
    r"不同于|(?:与|同|和|跟)[^，,。；;]{1,30}(?:不同|有别)|unlike\b|"
    r"不是.{1,24}而是|而非|\d倍|vs\.?|versus|than|compared|ahead of|behind|rival|lead(?:s|ing)?\b|"
    r"slowest|fastest|largest|biggest|weakest|strongest|record|outs(?:old|ell|ells|elling)|overt(?:ook|ake|akes)|"
    r"surpass(?:ed|es)?|overtaken|beat|beats)",
    re.IGNORECASE,
)
_BACK_REFERENCE_RE = re.compile(
    r"这种|这一|这些|这个|这样的|此类|上述|\b(?:this|these|those|such)\s+[a-z]", re.IGNORECASE
)
"""A demonstrative inside the sentence ("…the embodiment of this decentralization
model"): it leans on what came before, so it stands alone less well."""
LEANS_BACK = 0.6
_SPEECH_TAG_RE = re.compile(
    r"(?:表示|指出|认为|称|说|透露|介绍|強調|强调|表示說|said|says|told \w+)[。.:：]?$"
)
"""A sentence that only says who spoke ("…在接受采访时表示。"): its content is elsewhere."""
_CLAIM_RE = re.compile(r"不是|而是|是|将|会|必须|需要|成为|意味着|不再|难|胜过|赢")
_QUARTER_RE = re.compile(
    r"第?([一二三四1-4])季度?|([1-4])Q|Q([1-4])\b|\b(first|second|third|fourth) quarter", re.IGNORECASE
)
_QUARTER_NO = {
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
}


@dataclass
class _Candidate:
    doc: int
    sentence: int
    paragraph: int
    text: str
    tokens: set[str]
    concrete: float = 0.0
    """How many concrete facts it carries: figure, actor, comparison, year, credited source."""
    themes: list[int] = field(default_factory=list)
    """Indices of the themes whose terms it holds, the dominant one first."""
    kind: str = "sentence"
    relevance: float = 0.0
    """How strongly it bears on the corpus' themes or its central organisations (0-1)."""
    actors: set[str] = field(default_factory=set)
    """Organisations that act in it, one per family."""
    score: float = 0.0
    speaker: str = ""
    """Who said it, for a quotation that does not name its speaker."""
    background: bool = False
    """A background statement (see :func:`background`): a takeaway only to reach MIN_TAKEAWAYS."""


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def concreteness(text: str, actors: int) -> float:
    """How concrete a sentence is: a figure (1), an actor (0.5), a second actor
    (0.5), a comparison or two actors (0.5), a year (0.3), a credited source (0.4)."""
    score = 0.0
    if _NUMBER_RE.search(text):
        score += 1.0
    if actors:
        score += 0.5
    if actors >= 2:
        score += 0.5
    if actors >= 2 or _COMPARISON_RE.search(text):
        score += 0.5  # two actors in one sentence are set side by side
    if _YEAR_RE.search(text):
        score += 0.3
    if _ATTRIBUTION_RE.search(text):
        score += 0.4
    return score


def _theme_hits(tokens: set[str], themes: list[Theme], terms: list[set[str]] | None = None) -> list[int]:
    """Themes whose terms the sentence holds, most terms first (then the stronger theme).
    ``terms``: each theme's terms as a set, made once for all sentences."""
    if terms is None:
        terms = [set(th.terms) for th in themes]
    hits = [(n, i) for i, held in enumerate(terms) if (n := len(tokens & held))]
    return [i for _, i in sorted(hits, key=lambda h: (-h[0], h[1]))]


def _bears_on(path: str, tokens: set[str], i: int, themes: list[tuple[set[str], set[str]]]) -> bool:
    """Theme ``i`` (its documents and terms) lends a sentence of ``path`` its strength:
    it is argued in that document, or the sentence holds two of its terms. One
    shared word (投资 of 固定资产投资, 指数 of 中证A500指数) is no bearing on what
    another source argues."""
    documents, terms = themes[i]
    return path in documents or len(tokens & terms) >= 2


def _candidates(docs: list[Document], analyses: list[DocAnalysis], themes: list[Theme]) -> list[_Candidate]:
    theme_terms = {t for th in themes for t in th.terms}
    actors_of = _actors(analyses)
    prominence = _prominence(analyses)
    agenda = _agenda_actors(docs)
    out: list[_Candidate] = []
    seen: set[str] = set()
    # The organisations other sources (articles) speak of, for each memo.
    in_articles = {n for (d, _), names in actors_of.items() if docs[d].kind != "memo" for n in names}
    article_tokens: list[set[str]] = []  # filled when a memo first asks (a long article: a set per sentence)

    def articles() -> list[set[str]]:
        if not article_tokens:
            article_tokens.extend(
                set(s.tokens)
                for d, a in zip(docs, analyses, strict=True)
                if d.kind != "memo"
                for s in a.sentences
            )
        return article_tokens

    by_actor: dict[str, list[tuple[int, int]]] = {}  # filled when a memo sentence first asks
    by_figure: dict[tuple[float, str], list[tuple[int, int]]] = {}  # the same, by the figures stated
    built: set[str] = set()  # which of the two is built (either may stay empty)

    def told_by_articles(actors: set[str], tokens: set[str], text: str) -> bool:
        """An article sentence naming one of the memo sentence's organisations states its
        figure (内地净关店896家: 淨關閉896個零售點) or a third of its words
        (老铺黄金上半年收入翻倍以上增长: …2024年上半年实现收入35.2亿元，同比增长148.3%); for a
        sentence naming none, one stating its figure and a third of its words."""
        if "by_actor" not in built:
            built.add("by_actor")
            for (d, i), names in actors_of.items():
                if docs[d].kind != "memo":
                    for n in names:
                        by_actor.setdefault(n, []).append((d, i))
        mine = _figures(text)
        # the words beside the organisation's own name ("古茗营收增速…最低" shares 古茗 with every line on it)
        tokens = {t for t in tokens if not any(t in a or a in t for a in actors)} if actors else tokens
        if not actors:
            # (a figure of no one: "上半年License-out交易总额超过600亿美元" as an article writes it)
            if "by_figure" not in built:
                built.add("by_figure")
                for d, a in enumerate(analyses):
                    if docs[d].kind != "memo":
                        # (figures only: a set of words per sentence of a big file is memory)
                        for i, sent in enumerate(a.sentences):
                            for value, kind in _figures(docs[d].analysis_text[sent.start : sent.end]):
                                by_figure.setdefault((round(value, 2), kind), []).append((d, i))
            return any(
                len(tokens & said_in(d, i)[0]) >= RESTATED_BY_ACTOR * len(tokens)
                for value, kind in mine
                for d, i in by_figure.get((round(value, 2), kind), ())
            )
        for place in sorted({place for n in actors for place in by_actor.get(n, ())}):
            words, figures = said_in(*place)
            if tokens and len(tokens & words) >= RESTATED_BY_ACTOR * len(tokens):
                return True
            if mine and _same_figure(mine, figures):
                return True
        return False

    article_said: dict[tuple[int, int], tuple[set[str], list[tuple[float, str]]]] = {}

    def said_in(d: int, i: int) -> tuple[set[str], list[tuple[float, str]]]:
        """An article sentence's words and figures, once each (a memo asks of many)."""
        if (d, i) not in article_said:
            sent = analyses[d].sentences[i]
            article_said[(d, i)] = (set(sent.tokens), _figures(docs[d].analysis_text[sent.start : sent.end]))
        return article_said[(d, i)]

    theme_sets = [(set(th.documents), set(th.terms)) for th in themes]
    term_sets = [terms for _, terms in theme_sets]
    for d_index, a in enumerate(analyses):
        path = docs[d_index].path
        subjects_in = subject_counts(a.mentions)
        # sentences whose figures belong to an organisation they leave unnamed, found
        # through a pointer or the paragraph's subject ("ellipsis → last company…")
        borrowed = {
            f.sentence
            for f in a.figures
            if f.org
            and "→" in (f.attribution or "")
            and f.org not in actors_of.get((d_index, f.sentence), ())
        }
        # sentences that size a market (全国黄金消费量741.15吨): a folder's headline numbers,
        # whichever theme the sources argue
        sizing = {f.sentence for f in a.figures if f.attribution == MARKET}
        for s_index, s in enumerate(a.sentences):
            if s.finding == UNREAD_FINDING:
                shown = candidate_text(docs[d_index], s.start, s.end, quotable=s.quotable, heading=s.heading)
                if shown is None:
                    continue
                reason = not_a_finding(
                    docs[d_index].analysis_text[s.start : s.end].strip(),
                    memo=docs[d_index].kind == "memo",
                    actors=subjects_in[s_index],
                )
            elif s.finding == RULED_OUT:
                continue
            else:
                # Read with the document (in the worker): its shape and its verdict.
                reason = REASONS[s.finding]
                shown = docs[d_index].text[s.start : s.end].strip()
                if s.heading:
                    shown = without_marker(shown)
            text = shown
            if text in seen:
                continue
            if _SPEECH_TAG_RE.search(docs[d_index].analysis_text[s.start : s.end].strip()):
                continue
            actors = actors_of.get((d_index, s_index), set())
            simplified = docs[d_index].analysis_text[s.start : s.end].strip()
            speaker = (
                speaker_of(docs[d_index].analysis_text, s.start) if reason == "unattributed quote" else ""
            )
            if reason and not speaker:
                continue
            if docs[d_index].kind == "memo" and (
                (
                    actors
                    and actors <= in_articles
                    and (
                        (not _NUMBER_RE.search(simplified) and _restates(set(s.tokens), articles()))
                        or told_by_articles(actors, set(s.tokens), simplified)
                    )
                )
                or (
                    not actors
                    and _NUMBER_RE.search(simplified)
                    and told_by_articles(set(), set(s.tokens), simplified)
                )
            ):
                continue  # a memo's note restating what the articles report: context, not a finding
            text = without_framing(text, actors)
            tokens = set(s.tokens)
            if s.heading and not (actors or _NUMBER_RE.search(simplified)):
                continue  # a lead that names no actor and no figure is a heading
            if not actors and s_index in borrowed:
                # "前三季度累计营收6,040亿元。": whose, the sentence before says; alone it is nobody's
                continue
            if not actors and re.match(r"\s*[\d(（]", _TIME_CLAUSE_RE.sub("", text, count=1)):
                # a note's bullet whose subject is its heading ("2023年交付16.0万辆…"); not a
                # sentence whose time stands in a clause of its own ("8月15日，碳酸锂现货均价…")
                continue
            hits = _theme_hits(tokens, themes, term_sets)

            asked = _distinct_actors(actors & agenda)
            prominent = max(
                [0.6 * prominence.get(a, 0.0) for a in actors] + [0.8 * min(asked, 1) + 0.2 * (asked >= 2)]
            )
            # Where the themes cover little of the folder (one short source, or fewer themes
            # than a folder argues), a concrete sentence is judged on its facts alone.
            bears = hits or prominent >= 0.3 or len(themes) < MIN_THEMES or s_index in sizing
            two_terms = len(tokens & theme_terms) >= 2
            if not (two_terms or bears):
                continue  # (its concreteness cannot keep it: not measured)
            concrete = concreteness(_STOCK_QUOTE_RE.sub("", simplified), _distinct_actors(actors))
            if not (two_terms or concrete >= 1.0):
                continue
            seen.add(text)
            out.append(
                _Candidate(
                    d_index,
                    s_index,
                    s.paragraph,
                    text,
                    tokens | actors,
                    concrete=concrete,
                    themes=hits,
                    relevance=max(
                        [
                            prominent,
                            SIZING * (s_index in sizing),
                            *(themes[i].strength for i in hits if _bears_on(path, tokens, i, theme_sets)),
                        ]
                    ),
                    actors={(gazetteer().ancestors(n) or [n])[-1] for n in actors},
                    speaker=speaker,
                )
            )
    return out


_TIME_CLAUSE_RE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*年)?(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?|\d{1,2}\s*日|(?:19|20)\d{2}\s*年"
    r"|[一二三四]季度|上半年|下半年|前\d{1,2}个月|\d{1,2}\s*[-—–至]\s*\d{1,2}\s*月)(?:底|末|初|中旬|上旬|下旬|以来)?[，,]\s*"
)
"""A time that opens a sentence in a clause of its own ("8月15日，", "2024年上半年，")."""

_SPEAKER_RE = re.compile(
    r"在([\u4e00-\u9fff·]{2,8}?)(?:看来|眼中)|([\u4e00-\u9fff·]{2,24}?)(?:告诉|表示|指出|认为|强调|坦言|称|说)"
)


def speaker_of(text: str, start: int) -> str:
    """Who speaks a quotation that starts at ``start``: the person the sentences
    before it in its paragraph name (在刘松看来 / 刘松告诉我们), with the fullest title
    the document gives them (阿里巴巴集团副总裁刘松); empty when none is named."""
    para_start = text.rfind("\n", 0, start) + 1
    before = text[para_start:start]
    names = [next(g for g in m.groups() if g) for m in _SPEAKER_RE.finditer(before)]
    if not names:
        return ""
    name = re.split(r"[，,。；;：:“”\"]", names[-1])[-1]
    if len(name) < 2:
        return ""
    titled = _titles_before(text, name)
    titled = [
        t for t in titled if re.search(r"总裁|总经理|董事长|首席|主任|院长|教授|分析师|负责人|创始人|CEO", t)
    ]
    return max(titled, key=len, default=name)


_TITLE_SPAN = 16
"""How many characters before a speaker's name may hold their title."""


def _titles_before(text: str, name: str) -> list[str]:
    """Each place the text names the speaker with 2 to 16 Han characters before the
    name (阿里巴巴集团副总裁刘松), as one search of the whole text would find them,
    searched only around the name's occurrences (a 50 MB file: a whole-text search
    per quotation made the step grow with the square of the file)."""
    pattern = re.compile(rf"([\u4e00-\u9fff]{{2,{_TITLE_SPAN}}}){re.escape(name)}")
    # A match ends with an occurrence and starts at most _TITLE_SPAN before it: the
    # windows around the occurrences, merged where they touch, hold every match.
    windows: list[list[int]] = []
    at = text.find(name)
    while at >= 0:
        start, end = max(0, at - _TITLE_SPAN), at + len(name)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
        at = text.find(name, at + 1)
    return [m.group(1) + name for start, end in windows for m in pattern.finditer(text, start, end)]


RESTATES = 0.4
"""Share of a memo sentence's terms one article sentence holds for the memo to be restating it."""


SIZING = 0.6
"""How much a sentence that sizes a market bears on the folder, whatever its themes: as
the main actor of a folder does."""
RESTATED_BY_ACTOR = 1 / 3
"""Share of a memo sentence's terms an article sentence on the same organisation holds
for the memo to be restating it."""


def _restates(tokens: set[str], article_tokens: list[set[str]]) -> bool:
    """One article sentence holds RESTATES of the memo sentence's terms."""
    if not tokens:
        return False
    return any(len(tokens & a) >= RESTATES * len(tokens) for a in article_tokens)


def _periods(text: str) -> set[str]:
    """The periods a sentence names: years and quarters (2023, 2023Q4; 第四季 = fourth quarter = Q4)."""
    simplified = to_simplified(text)
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", simplified))
    out = set(years)
    for m in _QUARTER_RE.finditer(simplified):
        q = next(g for g in m.groups() if g)
        out.add("Q" + _QUARTER_NO.get(q.lower(), q))
    return out


def _same_comparison(a: _Candidate, b: _Candidate) -> bool:
    """One comparison told twice (in two languages, or two sources): the same two
    or more actors, set side by side in the same period (BYD outsold Tesla in
    the fourth quarter = 比亚迪在第四季纯电车销量首度超越特斯拉)."""
    if len(a.actors) < 2 or len(b.actors) < 2 or len(a.actors & b.actors) < 2:
        return False
    if not (_COMPARISON_RE.search(a.text) and _COMPARISON_RE.search(b.text)):
        return False
    pa, pb = _periods(a.text), _periods(b.text)
    quarters_a, quarters_b = {p for p in pa if p.startswith("Q")}, {p for p in pb if p.startswith("Q")}
    if quarters_a or quarters_b:
        return bool(quarters_a & quarters_b)
    return bool(pa & pb)


def _distinct_actors(names: set[str]) -> int:
    """Organisations counted once per family: 阿里云 and 阿里巴巴 are one actor."""
    gaz = gazetteer()
    roots = {(gaz.ancestors(n) or [n])[-1] for n in names}
    return len(roots)


def _agenda_actors(docs: list[Document]) -> set[str]:
    """The organisations the memos' open questions name, with their units: what the analyst asks about."""
    from briefing.script import to_simplified

    gaz = gazetteer()
    named = {m.name for d in docs for t in d.todos if not t.done for m in gaz.find(to_simplified(t.text))}
    return named | {u for n in named for u in gaz.descendants(n)}


def _prominence(analyses: list[DocAnalysis]) -> dict[str, float]:
    """How central each organisation is to the corpus: its mentions (with its
    units') over the most mentioned one's. The companies a folder is about make
    a sentence about them relevant even when no theme names them."""
    gaz = gazetteer()
    counts: Counter[str] = Counter()
    for a in analyses:
        for m in a.mentions:
            for name in {m.name, *gaz.ancestors(m.name)}:
                counts[name] += 1
    top = max(counts.values(), default=1)
    return {name: n / top for name, n in counts.items()}


def _actors(analyses: list[DocAnalysis]) -> dict[tuple[int, int], set[str]]:
    """Organisations each sentence names (those that act: not media or the generic)."""
    gaz = gazetteer()
    out: dict[tuple[int, int], set[str]] = {}
    for d_index, a in enumerate(analyses):
        for m in a.mentions:
            org = gaz.orgs.get(m.name)
            kind = org.type if org else (m.type or "company")
            if kind not in ("company", "investor"):
                continue  # an actor is a business; a ranking's source or a standards body is not
            out.setdefault((d_index, m.sentence), set()).add(m.name)
    return out


def _textrank(candidates: list[_Candidate]) -> list[float]:
    """PageRank over the sentence-similarity graph, scaled so the top sentence is 1."""
    n = len(candidates)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            w = _similarity(candidates[i].tokens, candidates[j].tokens)
            if candidates[i].doc != candidates[j].doc:
                w *= 1.5  # agreement across sources counts more than within one
            weights[i][j] = weights[j][i] = w
    out_sum = [sum(row) or 1.0 for row in weights]
    rank = [1.0 / n] * n
    for _ in range(40):
        # weights is symmetric (row i is column i): the same products and sums, in C.
        rank = [0.15 / n + 0.85 * sum(map(truediv, map(mul, weights[i], rank), out_sum)) for i in range(n)]
    top = max(rank) or 1.0
    return [r / top for r in rank]


def _statements(docs: list[Document], themes: list[Theme]) -> list[_Candidate]:
    """The authors' numbered points that read as one claim, as built statements."""
    out = []
    labels = {th.label: i for i, th in enumerate(themes)}
    for d_index, label, paragraph, terms in point_statements(docs):
        if not _CLAIM_RE.search(label) or len(label) < 10:
            continue  # "模式、技术与产业的升级" names a subject; a takeaway states a claim
        theme = labels.get(label)
        out.append(
            _Candidate(
                d_index,
                -1,
                paragraph,
                label.rstrip("。") + "。",
                set(terms),
                concrete=0.5 if _COMPARISON_RE.search(label) else 0.0,
                themes=[theme] if theme is not None else [],
                kind="points",
            )
        )
    return out


def summarize(docs: list[Document], analyses: list[DocAnalysis], themes: list[Theme]) -> list[Takeaway]:
    """4-6 distinct findings (fewer only when the corpus has fewer), from at least
    three documents when the corpus has three."""
    candidates = _candidates(docs, analyses, themes)
    if not candidates:
        return []
    if len(candidates) > MAX_CANDIDATES:
        theme_terms = {t for th in themes for t in th.terms}
        keep = sorted(
            range(len(candidates)),
            key=lambda i: (-(len(candidates[i].tokens & theme_terms) + 2 * candidates[i].concrete), i),
        )
        candidates = [candidates[i] for i in sorted(keep[:MAX_CANDIDATES])]
    centrality = _textrank(candidates)
    for c, r in zip(candidates, centrality, strict=True):
        relevance = c.relevance
        weight = ENGLISH_WEIGHT if docs[c.doc].language == "en" else 1.0
        length = len(c.text) / (2.5 if docs[c.doc].language == "en" else 1.0)
        crisp = 1.0 if length <= 80 else 80 / length
        simplified = to_simplified(c.text)
        crisp *= LEANS_BACK if _BACK_REFERENCE_RE.search(simplified) else 1.0
        crisp *= LEANS_BACK if _openers()["enumeration"].match(simplified.strip()) else 1.0
        c.background = background(simplified)
        crisp *= BACKGROUND if c.background else 1.0
        c.score = (0.4 + math.sqrt(r)) * (0.5 + relevance) * (1.0 + c.concrete) ** 2 * weight * crisp
    statements = _statements(docs, themes)
    best_of: Counter[int] = Counter()
    for c in candidates:
        best_of[c.doc] = max(best_of[c.doc], c.score)
    for s in statements:
        # The authors' own stated thesis outranks any single sentence of their document.
        s.score = 1.2 * max(best_of[s.doc], 1.4 * (1.0 + s.concrete) ** 2)
    pool = sorted([*candidates, *statements], key=lambda c: (-c.score, c.doc, c.sentence))
    chosen = _select(pool, n_docs=len({c.doc for c in candidates}))
    return [
        Takeaway(
            text=c.text,
            document=docs[c.doc].path,
            paragraph=c.paragraph,
            score=round(c.score, 4),
            kind=c.kind,
            speaker=c.speaker,
        )
        for c in chosen
    ]


_FIGURE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|万亿|亿|万)?\s*(%|辆|元|美元|家|个|间|座|户|人|倍|吨)?")
_COUNTED_AS = {"个": "家", "间": "家", "座": "家"}
"""Shops, outlets and sites are counted with any of these (896家门店, 896个零售点): one kind."""
_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4}


_EN_FIGURE_RE = re.compile(
    r"(?P<symbol>"
    + "|".join(
        re.escape(c) for c in sorted(CURRENCY_SIGNS, key=len, reverse=True) if c.isascii() or len(c) == 1
    )
    + r")?\s?"
    r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|bn|percent|per cent)\b\s*"
    r"(?:(?:new-energy|electric|passenger|plug-in|battery-electric|hybrid)\s+)?(yuan|dollars|vehicles|cars)?",
    re.IGNORECASE,
)
_EN_SCALE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6}
_EN_UNIT = {"yuan": "元", "dollars": "美元", "vehicles": "辆", "cars": "辆"}


def _figures(text: str) -> list[tuple[float, str]]:
    """The figures a sentence states, as (value, unit kind): 302萬輛 → (3020000, 辆),
    2.35 billion yuan → (2350000000, 元), as 23.5亿元 is."""
    out = []
    for m in _EN_FIGURE_RE.finditer(text.replace(",", "")):
        scale = m.group(3).lower()
        if scale in ("percent", "per cent"):
            out.append((float(m.group(2)), "%"))
        else:
            # a currency written before the figure ("$500 million" is 5亿美元)
            symbol = CURRENCY_SIGNS.get((m.group("symbol") or "").upper())
            unit = symbol or _EN_UNIT.get((m.group(4) or "").lower(), "count")
            out.append((float(m.group(2)) * _EN_SCALE[scale], unit))
    simplified = to_simplified(text)
    for m in _FIGURE_RE.finditer(simplified.replace(",", "")):
        scale, unit = m.group(2) or "", m.group(3) or ""
        if not (scale or unit):
            continue
        kind = "%" if "%" in scale + unit or "％" in scale else _COUNTED_AS.get(unit, unit) or "count"
        out.append((float(m.group(1)) * _SCALE.get(scale, 1.0), kind))
    for m in _TENTHS_RE.finditer(simplified):
        out.append((10.0 * _TENTHS[m.group(1)], "成"))  # "约三成": 30%, to the nearest ten
    return out


_TENTHS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TENTHS_RE = re.compile(r"(?<![\d十])([一两二三四五六七八九])成")


def _same_figure(a: list[tuple[float, str]], b: list[tuple[float, str]]) -> bool:
    """One figure in both, allowing for rounding (302万辆 and 302.4万辆; 26.3% and a
    wire story's whole "26%")."""
    for value_a, kind_a in a:
        for value_b, kind_b in b:
            close = abs(value_a - value_b) <= 0.015 * max(value_a, value_b)
            if kind_a == kind_b and value_a and close and (kind_a != "%" or abs(value_a - value_b) < 0.05):
                return True
            if kind_a == kind_b == "%" and value_a and value_b and _rounded(value_a, value_b):
                return True
    return False


def _same_tenths(a: list[tuple[float, str]], b: list[tuple[float, str]]) -> bool:
    """A share in tenths (约三成: 30) in one and a percentage it rounds (31.7%) in the other."""
    tenths = [v for v, k in a if k == "成"], [v for v, k in b if k == "成"]
    percents = [v for v, k in b if k == "%"], [v for v, k in a if k == "%"]
    return any(round(p / 10) * 10 == t for side in (0, 1) for t in tenths[side] for p in percents[side])


def _rounded(a: float, b: float) -> bool:
    """One percentage is the other rounded to a whole number (26.3 and 26), a share too
    large for a round number by chance (above 10)."""
    whole, exact = (a, b) if a == int(a) else (b, a)
    return whole == int(whole) and exact != whole and whole >= 10 and round(exact) == whole


def _same_claim(a: _Candidate, b: _Candidate) -> bool:
    if a.doc == b.doc and a.paragraph == b.paragraph and abs(a.sentence - b.sentence) == 1:
        return True  # two consecutive sentences of one paragraph are one thought
    figures_a, figures_b = _figures(a.text), _figures(b.text)
    if _same_figure(figures_a, figures_b):
        return True  # the same figure (宁德时代 36.8% in two sources) is one finding
    if a.actors & b.actors and _same_tenths(figures_a, figures_b):
        return True  # "海螺纯利增长约三成" is the 31.7% another source gives 海螺水泥
    if _similarity(a.tokens, b.tokens) > SAME_CLAIM or _same_comparison(a, b):
        return True
    general = a.concrete < 1.0 and b.concrete < 1.0
    return general and bool(a.themes) and bool(b.themes) and a.themes[0] == b.themes[0]


def _far_ahead(
    c: _Candidate,
    remaining: list[_Candidate],
    chosen: list[_Candidate],
    per_doc: dict[int, int],
    floor: float,
) -> bool:
    """``c`` (a further finding of a source already quoted) scores FAR_AHEAD times the
    best distinct finding of a source with fewer takeaways; False when there is none
    (then the further findings of all sources are ranked together, later), and False
    when that source states the same claim (it speaks first: 3 sources, not 2)."""
    mine = per_doc.get(c.doc, 0)
    for o in sorted(remaining, key=lambda x: -x.score):
        if o.score < floor:
            return False
        if per_doc.get(o.doc, 0) < mine and not any(_same_claim(o, x) for x in chosen):
            if _same_claim(o, c):
                return False  # the source quoted less states it too: it speaks first
            return c.score >= FAR_AHEAD * o.score
    return False


def _select(pool: list[_Candidate], n_docs: int) -> list[_Candidate]:
    """Greedy, best first: distinct claims, spread over the sources. Each further
    takeaway from a document already quoted counts a little less (SPREAD per
    takeaway), so that close calls go to another source."""
    want_docs = min(3, n_docs)
    per_doc_cap = MAX_TAKEAWAYS - (want_docs - 1)
    if n_docs >= 3:
        per_doc_cap = int(MAX_TAKEAWAYS * SHARE)
    wide = n_docs >= WIDE_CORPUS
    if wide:
        per_doc_cap = 2  # a wide folder: no one source speaks for it
    floor = pool[0].score * 0.1 if pool else 0.0
    chosen: list[_Candidate] = []
    per_doc: dict[int, int] = {}
    remaining = list(pool)
    deferred: list[_Candidate] = []
    overflow: list[_Candidate] = []
    patient = True
    while (remaining or deferred) and len(chosen) < MAX_TAKEAWAYS:
        if not remaining:
            # every source has spoken: further findings of one source, best first, fill the block
            remaining, deferred, patient = deferred, [], False
        remaining.sort(key=lambda c: (-c.score * SPREAD ** per_doc.get(c.doc, 0), c.doc, c.sentence))
        c = remaining.pop(0)
        if len(chosen) >= MIN_TAKEAWAYS and c.score < floor and len(per_doc) >= want_docs:
            if patient and deferred:
                remaining, deferred, patient = deferred, [], False
                continue
            break
        if any(_same_claim(c, o) for o in chosen):
            continue
        if c.background and len(chosen) >= MIN_TAKEAWAYS:
            continue  # context fills the block only when the folder has too few findings
        if per_doc.get(c.doc, 0) >= per_doc_cap:
            if c.concrete >= 1.0 and per_doc[c.doc] < per_doc_cap + 1:
                overflow.append(c)  # a fact, in case the other sources offer only general statements
            continue
        # other sources speak first, unless this finding is far ahead; in a wide folder
        # (sources on unrelated subjects) every source speaks once before any twice
        if (
            per_doc.get(c.doc, 0)
            and patient
            and (wide or not _far_ahead(c, remaining, chosen, per_doc, floor))
        ):
            deferred.append(c)
            continue
        missing = want_docs - len(per_doc)
        if c.doc not in per_doc or MAX_TAKEAWAYS - len(chosen) > missing:
            generals = sum(1 for o in chosen if o.concrete < 1.0)
            if c.concrete < 1.0 and generals >= MAX_GENERAL and len(chosen) >= MIN_TAKEAWAYS:
                continue  # a general thesis once (the authors' central claim); facts fill the rest
            if per_doc.get(c.doc, 0) and patient:
                # a further finding admitted as far ahead: one that waited earlier (for a
                # source that has since spoken) and outranks it, and is far ahead now, goes first
                waited = [
                    d
                    for d in deferred
                    if d.score > c.score
                    and per_doc.get(d.doc, 0) <= per_doc[c.doc]
                    and _far_ahead(d, remaining, chosen, per_doc, floor)
                ]
                if waited:
                    best = max(waited, key=lambda d: (d.score, -d.doc, -d.sentence))
                    deferred.remove(best)
                    remaining += [best, c]
                    continue
            chosen.append(c)
            per_doc[c.doc] = per_doc.get(c.doc, 0) + 1
    # The other sources spoke and had no further fact: a source's next concrete finding
    # (one more than its share) beats leaving the slot empty or to a general statement.
    for c in overflow:
        if len(chosen) >= MAX_TAKEAWAYS or c.score < floor:
            break
        if per_doc[c.doc] > per_doc_cap:
            continue  # one more than its share, never two
        if not any(_same_claim(c, o) for o in chosen) and not c.background:
            chosen.append(c)
            per_doc[c.doc] += 1
    return chosen
