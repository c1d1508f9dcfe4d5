"""Research questions: the memo's open TO DO items with the passages that bear on them."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

from briefing.analysis.companies import BOTH, mode_scores
from briefing.analysis.document import DocAnalysis, is_move
from briefing.excerpts import stands_alone
from briefing.gazetteer import gazetteer
from briefing.memo import split_questions
from briefing.model import (
    Angle,
    Answer,
    Company,
    Document,
    Evidence,
    Mode,
    ModeCase,
    ModeTable,
    Question,
    Theme,
)
from briefing.nlp import en_tokens, vocabulary_terms
from briefing.resources import data_lines, data_yaml
from briefing.script import to_simplified

K1, B = 1.5, 0.75
MAX_EVIDENCE = 6
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

    def __init__(self, docs: list[Document], analyses: list[DocAnalysis]) -> None:
        gaz = gazetteer()
        self.docs = docs
        self.analyses = analyses
        self.entries: list[tuple[int, int, Counter[str]]] = []
        df: Counter[str] = Counter()
        for d_index, a in enumerate(analyses):
            for s_index, s in enumerate(a.sentences):
                if not s.quotable:
                    continue
                tokens = Counter(s.tokens)
                for m in a.mentions:
                    if m.sentence == s_index:
                        for ancestor in gaz.ancestors(m.name):
                            tokens[ancestor] += 1
                self.entries.append((d_index, s_index, tokens))
                df.update(set(tokens))
        self.n = len(self.entries)
        self.avg = sum(sum(t.values()) for *_, t in self.entries) / max(self.n, 1)
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.vocabulary = set(df)

    def orgs_of(self, d_index: int, s_index: int) -> set[str]:
        """Organisations a sentence names, with their parents."""
        gaz = gazetteer()
        names = set()
        for m in self.analyses[d_index].mentions:
            if m.sentence == s_index:
                names.add(m.name)
                names.update(gaz.ancestors(m.name))
        return names

    def search(self, query: list[str]) -> list[tuple[float, int, int]]:
        terms = [t for t in dict.fromkeys(query) if t in self.idf]
        results = []
        for d_index, s_index, tokens in self.entries:
            length = sum(tokens.values())
            score = 0.0
            for t in terms:
                tf = tokens.get(t, 0)
                if tf:
                    score += self.idf[t] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg))
            if score > 0:
                results.append((score, d_index, s_index))
        results.sort(key=lambda r: (-r[0], r[1], r[2]))
        return results


def query_tokens(text: str, vocabulary: set[str]) -> list[str]:
    """Content tokens of a question, organisation aliases made canonical.

    The question is cut by longest match against the corpus' own vocabulary:
    a word the corpus never uses cannot match a passage anyway, and no jieba
    is needed once every document's analysis is cached.
    """
    gaz = gazetteer()
    if sum(1 for c in text if c.isascii() and c.isalpha()) > len(text) * 0.6:
        tokens = en_tokens(text)
    else:
        simplified = to_simplified(text)
        tokens = vocabulary_terms(simplified, vocabulary)
    for m in gaz.find(to_simplified(text)):
        tokens.append(m.name)
    return [t for t in dict.fromkeys(tokens) if t not in _question_words()]


BEYOND_RE = re.compile(
    r"跳出.{0,8}(?:资料|材料|来源|文章|文献|局限)|(?:以上|上述|现有)?(?:资料|材料|来源|文献)(?:以外|之外)"
    r"|(?:还|另外|其他).{0,4}(?:哪些|什么)?(?:新)?角度|其他视角"
    r"|beyond (?:these|the|our|those|this) (?:sources|materials|documents|articles|notes)"
    r"|outside (?:these|the|our) (?:sources|materials|documents)|other angles|new angles",
    re.IGNORECASE,
)
MAX_CONTEXT = 4
MAX_ANGLES = 5
ANSWERED, PARTLY, OPEN = "answered", "partly answered", "open"
STATUSES = (ANSWERED, PARTLY, OPEN)


def asks_beyond_sources(text: str) -> bool:
    """The question asks to look beyond the sources ("跳出以上资料的局限",
    "beyond these sources"): the sources cannot settle it by definition."""
    return bool(BEYOND_RE.search(text))


def find_questions(
    docs: list[Document],
    analyses: list[DocAnalysis],
    companies: list[Company],
    modes: list[Mode],
    themes: list[Theme] | None = None,
) -> list[Question]:
    index = Index(docs, analyses)
    questions = []
    for doc in docs:
        if doc.kind != "memo":
            continue
        for number, todo in enumerate(doc.todos, start=1):
            if todo.done:
                continue
            question = Question(
                text=todo.text,
                document=doc.path,
                number=number,
                sub_questions=split_questions(todo.text) or [todo.text],
                evidence=[],
                status=OPEN,
            )
            settles = _answer(question, index, companies, modes, themes or [])
            question.result = _mode_table(todo.text, docs, analyses, companies, modes)
            question.status = _status(question, settles)
            questions.append(question)
    return questions


def _answer(
    question: Question, index: Index, companies: list[Company], modes: list[Mode], themes: list[Theme]
) -> bool:
    """Evidence, context, gaps, a provisional answer and, for a question that
    looks beyond the sources, the angles the other sources argue. True when
    every sub-question has an independent passage that could settle it."""
    gaz = gazetteer()
    named = [m.name for m in gaz.find(to_simplified(question.text))]
    orgs = set(named)
    own = next(i for i, d in enumerate(index.docs) if d.path == question.document)
    evidence: list[tuple[float, int, int]] = []
    context: list[tuple[float, int, int]] = []
    settled = []
    for sub in question.sub_questions:
        sub_orgs = {m.name for m in gaz.find(to_simplified(sub))} or orgs
        found = _relevant(index, sub, sub_orgs)
        settled.append(any(r[3] and r[1] != own for r in found))
        evidence.append([r[:3] for r in found if r[1] != own])
        context.append([r[:3] for r in found if r[1] == own])
    settles = all(settled)
    question.evidence = _interleave(index, evidence, MAX_EVIDENCE)
    question.context = _interleave(index, context, MAX_CONTEXT)
    question.gaps = [sub for sub, ok in zip(question.sub_questions, settled, strict=True) if not ok]
    question.answer = _classification(question.text, named, companies, modes)
    if asks_beyond_sources(question.text):
        question.needs_new_material = True
        question.angles = _angles(question.document, themes)
    return settles


def _relevant(index: Index, sub: str, orgs: set[str]) -> list[tuple[float, int, int, bool]]:
    """Passages that bear on a sub-question, best first: they name one of its
    actors and one of its concepts (or all its actors), or two of its concepts;
    a shared function word alone ("两者") is not relevance. The flag says
    whether the passage could settle it: most of its concepts, and the measure
    it asks for (毛利率, 占比) with a number."""
    tokens = query_tokens(sub, index.vocabulary)
    actors = {t for t in tokens if t in orgs} | orgs
    concepts = {t for t in tokens if t not in actors and _is_concept(t)}
    unknown = _unknown_words(sub, [*tokens, *actors])
    asked = [cue for cue in _measure_cues() if cue in sub.lower()]
    asked = [c for c in asked if not any(c != o and c in o for o in asked)]  # 收入占比, not 收入
    out = []
    for score, d, s in index.search([*tokens, *actors]):
        sent = index.analyses[d].sentences[s]
        if sent.heading or len(_text(index, d, s)) < 12:
            continue
        named = actors & index.orgs_of(d, s)
        # A concept counts inside a longer term of the passage (换电 in 换电站).
        shared = {c for c in concepts if any(c in t for t in sent.tokens)}
        # With several actors and no concept in common, the passage must name them all.
        all_named = named >= actors if len(actors) >= 2 else True
        by_actor = bool(named) and bool(
            shared or (not concepts and all_named) or (len(actors) >= 2 and all_named)
        )
        by_concept = len(shared) >= max(1, min(2, len(concepts)))
        if not (by_actor or by_concept):
            continue
        passage = _passage(index, d, s)
        if passage is None:
            continue  # it points back to a sentence it cannot bring along
        covers = not unknown and (not concepts or len(shared) >= 0.6 * len(concepts))
        measured = not asked or (all(c in passage.lower() for c in asked) and re.search(r"\d", passage))
        out.append((score * (1 + 0.5 * len(named) + 0.3 * len(shared)), d, s, bool(covers and measured)))
    out.sort(key=lambda r: (-r[0], r[1], r[2]))
    return out


_FUNCTION_CHARS = re.compile(
    r"[的了在是吗呢么吧啊和与或及对把被从向以为于将会能可要该这那其各每等就都也还又再更最很所之而则即]"
)


def _unknown_words(sub: str, known: list[str]) -> list[str]:
    """What a question asks about that no source ever says: the Chinese left of it
    once the corpus' own terms, the names, framing words and function characters
    are taken out ("盈亏平衡点"). A passage cannot settle what no source names."""
    rest = to_simplified(sub)
    for m in sorted(gazetteer().find(rest), key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    for word in sorted({*known, *_question_words()}, key=len, reverse=True):
        if word:
            rest = rest.replace(word, " ")
    rest = _FUNCTION_CHARS.sub(" ", rest)
    return [w for w in re.findall(r"[\u4e00-\u9fff]{2,}", rest) if w not in _weak_words()]


@functools.cache
def _measure_cues() -> tuple[str, ...]:
    """What a question may ask to measure (毛利率, 占比, market share), from measures.yaml."""
    return tuple(str(k).lower() for k in (data_yaml("measures.yaml") or {}))


@functools.cache
def _weak_words() -> frozenset[str]:
    from briefing.nlp import generic_words, stopwords

    return frozenset(stopwords() | generic_words() | _question_words())


def _is_concept(token: str) -> bool:
    """A question word that carries content: not a function, generic or framing word."""
    return len(token) >= 2 and token not in _weak_words()


def _interleave(index: Index, per_sub: list[list[tuple[float, int, int]]], limit: int) -> list[Evidence]:
    """The best passages of each sub-question in turn, no passage twice, best first."""
    chosen: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()
    texts: set[str] = set()
    depth = 0
    while len(chosen) < limit and any(depth < len(r) for r in per_sub):
        for results in per_sub:
            if depth < len(results) and len(chosen) < limit:
                score, d, s = results[depth]
                text = _text(index, d, s)
                if (d, s) in seen or text in texts:
                    continue
                seen.add((d, s))
                texts.add(text)
                chosen.append((score, d, s))
        depth += 1
    out = []
    for score, d, s in sorted(chosen, key=lambda c: (-c[0], c[1], c[2])):
        sent = index.analyses[d].sentences[s]
        out.append(
            Evidence(
                text=_passage(index, d, s) or _text(index, d, s),
                document=index.docs[d].path,
                paragraph=sent.paragraph,
                score=round(score, 3),
            )
        )
    return out


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


def _angles(memo: str, themes: list[Theme]) -> list[Angle]:
    """What the other sources argue: each theme argued outside the asking memo,
    with one sentence from those sources."""
    out = []
    for theme in themes:
        others = [d for d in theme.documents if d != memo]
        if not others:
            continue
        quotes = [
            q
            for q in ([theme.gist_source] if theme.gist_source else []) + theme.quotes
            if q and q.document in others
        ]
        quote = quotes[0] if quotes else None
        out.append(
            Angle(
                label=theme.label,
                documents=others,
                text=quote.text if quote else "",
                document=quote.document if quote else "",
            )
        )
        if len(out) == MAX_ANGLES:
            break
    return out


def _status(q: Question, settles: bool) -> str:
    """answered / partly answered / open, from what the sources give. Answered:
    the structured result the question asks for covers every mode, or every
    sub-question has an independent passage that could settle it (most of its
    concepts, and the measure it asks for with a number). The memo's own notes are context: alone they make a question partly
    answered at most. A question that looks beyond the sources stays open."""
    if q.needs_new_material:
        return OPEN
    if q.result is not None and {c.mode for c in q.result.cases} >= {m.name for m in q.result.modes}:
        return ANSWERED
    if settles and q.evidence:
        return ANSWERED
    if q.evidence or q.context or q.answer or q.result:
        return PARTLY
    return OPEN


def _passage(index: Index, d: int, s: int) -> str | None:
    """The sentence as evidence: on its own, or with the sentence before it when
    it opens with a pointer back ("与前两者不同，…"); None when that is not possible."""
    text = _text(index, d, s)
    if stands_alone(text):
        return text
    sentences = index.analyses[d].sentences
    if s == 0 or sentences[s - 1].paragraph != sentences[s].paragraph or not sentences[s - 1].quotable:
        return None
    joined = index.docs[d].text[sentences[s - 1].start : sentences[s].end].strip()
    if not stands_alone(joined) or len(joined) > 240:
        return None
    return joined


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
    """For an item that asks for a company's cases arranged by the modes (as a
    chart or table), the cases the corpus gives, filed under each mode."""
    if not (TABLE_RE.search(text) and MODE_RE.search(text)) or not modes:
        return None
    gaz = gazetteer()
    named = [m.name for m in gaz.find(text)]
    if not named:
        return None
    company = named[0]
    family = {company, *gaz.descendants(company)}
    known = {c.name for c in companies}
    cases: list[ModeCase] = []
    seen: set[tuple[str, str]] = set()
    for d_index, a in enumerate(analyses):
        for s_index, s in enumerate(a.sentences):
            if not s.quotable or s.heading:
                continue
            in_sentence = [m for m in a.mentions if m.sentence == s_index]
            if not any(m.name in family for m in in_sentence):
                continue
            sentence = docs[d_index].text[s.start : s.end].strip()
            simplified = docs[d_index].analysis_text[s.start : s.end]
            if not is_move(s.tokens, simplified) or len(sentence) > 220:
                continue
            scores = mode_scores(s.tokens, simplified, modes)
            best = max(scores.values()) if scores else 0
            if best < 1:
                continue
            top = [m for m, v in scores.items() if v == best]
            mode = top[0] if len(top) == 1 else None
            if mode is None:
                continue
            # The case is the most specific unit named: a subsidiary or product, or an investee.
            specific = [m.name for m in in_sentence if m.name in family and m.name != company]
            investee = [
                m.name
                for m in in_sentence
                if m.name not in family and m.name in known and "投资" in simplified
            ]
            name = (specific or investee or [company])[0]
            if (name, mode) in seen:
                continue
            seen.add((name, mode))
            cases.append(
                ModeCase(
                    name=name,
                    mode=mode,
                    text=sentence,
                    document=docs[d_index].path,
                    paragraph=s.paragraph,
                )
            )
    if not cases:
        return None
    order = {m.name: i for i, m in enumerate(modes)}
    cases.sort(key=lambda c: (order.get(c.mode, len(order)), c.document, c.paragraph))
    return ModeTable(company=company, modes=modes, cases=cases)


__all__ = ["BOTH", "STATUSES", "Index", "asks_beyond_sources", "find_questions", "query_tokens"]
