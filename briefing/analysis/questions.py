"""Research questions: the memo's open TO DO items with the passages that bear on them."""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections import Counter

from briefing.analysis.companies import BOTH, mode_scores
from briefing.analysis.document import DocAnalysis, Mention, is_move
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
        by_sentence = mentions_by_sentence(a)
        for s_index, s in enumerate(a.sentences):
            if not s.quotable or s.heading:
                continue
            in_sentence = by_sentence.get(s_index, [])
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


__all__ = ["BOTH", "Index", "find_questions", "query_tokens"]
