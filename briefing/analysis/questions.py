"""Research questions: the memo's open TO DO items with the passages that bear on them."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

from briefing.analysis.companies import BOTH, UNCLEAR, decide, find_modes, mode_cues
from briefing.analysis.document import DocAnalysis
from briefing.gazetteer import gazetteer
from briefing.memo import split_questions
from briefing.model import Company, Document, Evidence, Mode, ModeCase, ModeTable, Question
from briefing.nlp import en_tokens, vocabulary_terms
from briefing.resources import data_lines
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


def find_questions(
    docs: list[Document],
    analyses: list[DocAnalysis],
    companies: list[Company],
    modes: list[Mode],
) -> list[Question]:
    index = Index(docs, analyses)
    questions = []
    for doc in docs:
        if doc.kind != "memo":
            continue
        for number, todo in enumerate(doc.todos, start=1):
            if todo.done:
                continue
            subs = split_questions(todo.text) or [todo.text]
            orgs = {m.name for m in gazetteer().find(todo.text)}
            evidence = _evidence(index, subs, orgs)
            best = evidence[0].score if evidence else 0.0
            strong = [e for e in evidence if e.score >= max(0.4 * best, 2.0)]
            status = "evidence found" if len(strong) >= 3 else "thin" if evidence else "none"
            questions.append(
                Question(
                    text=todo.text,
                    document=doc.path,
                    number=number,
                    sub_questions=subs,
                    evidence=evidence,
                    status=status,
                    result=_mode_table(todo.text, docs, analyses, companies, modes),
                )
            )
    return questions


def _evidence(index: Index, subs: list[str], orgs: set[str]) -> list[Evidence]:
    """Ranked passages: the best of each sub-question in turn; a question that
    names organisations only takes passages about them (or their units)."""
    per_sub = []
    for sub in subs:
        results = []
        for score, d, s in index.search(query_tokens(sub, index.vocabulary)):
            sent = index.analyses[d].sentences[s]
            if sent.heading or len(_text(index, d, s)) < 12:
                continue
            if orgs and not orgs & index.orgs_of(d, s):
                continue
            results.append((score, d, s))
        per_sub.append(results)
    chosen: list[tuple[float, int, int]] = []
    seen: set[tuple[int, int]] = set()
    texts: set[str] = set()
    depth = 0
    while len(chosen) < MAX_EVIDENCE and any(depth < len(r) for r in per_sub):
        for results in per_sub:
            if depth < len(results) and len(chosen) < MAX_EVIDENCE:
                score, d, s = results[depth]
                text = _text(index, d, s)
                if (d, s) in seen or text in texts or len(text) < 8:
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
                text=_text(index, d, s),
                document=index.docs[d].path,
                paragraph=sent.paragraph,
                score=round(score, 3),
            )
        )
    return out


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


__all__ = ["BOTH", "Index", "find_questions", "query_tokens"]
