"""Research questions: the memo's open TO DO items with the passages that bear on them."""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections import Counter

from briefing.analysis.companies import BOTH, UNCLEAR, decide, find_modes, mode_cues
from briefing.analysis.document import DocAnalysis, Mention
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
        self.mentions = [mentions_by_sentence(a) for a in analyses]
        # Flat arrays, not an object per sentence: a 50 MB file has 400,000 sentences.
        self.places = array("l")
        """Document and sentence index of each entry, in pairs."""
        self.lengths = array("l")
        self.postings: dict[str, array] = {}
        """Term → (entry, term frequency) pairs, in entry order: a query only scores those entries."""
        for d_index, a in enumerate(analyses):
            for s_index, s in enumerate(a.sentences):
                if not s.quotable:
                    continue
                tokens = Counter(s.tokens)
                for m in self.mentions[d_index].get(s_index, ()):
                    for ancestor in gaz.ancestors(m.name):
                        tokens[ancestor] += 1
                entry = len(self.lengths)
                for t, tf in tokens.items():
                    if t not in self.postings:
                        self.postings[t] = array("l")
                    self.postings[t].extend((entry, tf))
                self.places.extend((d_index, s_index))
                self.lengths.append(sum(tokens.values()))
        self.n = len(self.lengths)
        self.avg = sum(self.lengths) / max(self.n, 1)
        self.idf = {
            t: math.log(1 + (self.n - len(p) // 2 + 0.5) / (len(p) // 2 + 0.5))
            for t, p in self.postings.items()
        }
        self.vocabulary = set(self.postings)

    def orgs_of(self, d_index: int, s_index: int) -> set[str]:
        """Organisations a sentence names, with their parents."""
        gaz = gazetteer()
        names = set()
        for m in self.mentions[d_index].get(s_index, ()):
            names.add(m.name)
            names.update(gaz.ancestors(m.name))
        return names

    def search(self, query: list[str]) -> list[tuple[float, int, int]]:
        scores: dict[int, float] = {}
        for t in dict.fromkeys(query):
            if t not in self.idf:
                continue
            idf, postings = self.idf[t], self.postings[t]
            for k in range(0, len(postings), 2):
                entry, tf = postings[k], postings[k + 1]
                norm = K1 * (1 - B + B * self.lengths[entry] / self.avg)
                # Each entry's terms are added in query order, as a scan of every entry would.
                scores[entry] = scores.get(entry, 0.0) + idf * tf * (K1 + 1) / (tf + norm)
        results = [
            (score, self.places[2 * e], self.places[2 * e + 1]) for e, score in scores.items() if score > 0
        ]
        results.sort(key=lambda r: (-r[0], r[1], r[2]))
        return results


def mentions_by_sentence(analysis: DocAnalysis) -> dict[int, list[Mention]]:
    """A document's organisation mentions grouped by sentence, in their order
    (one pass, instead of a scan of every mention for every sentence)."""
    grouped: dict[int, list[Mention]] = {}
    for m in analysis.mentions:
        grouped.setdefault(m.sentence, []).append(m)
    return grouped


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
            if todo.done:  # ticked in the memo: answered by its author, shown as such, not searched
                questions.append(
                    Question(
                        todo.text, doc.path, number, [todo.text], evidence=[], status=ANSWERED, done=True
                    )
                )
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
