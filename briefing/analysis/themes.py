"""Themes: the ideas argued across the corpus.

Two sources of evidence are combined. The authors' own structure: numbered
points and headings ("1、模式的升级", "Key point one: Convergence"); sibling
points that share a pattern become one theme ("模式、技术与产业的升级"), and
the terms of every heading weigh more. And term statistics: terms are scored
by how much of each document they occupy (so a short article counts as much
as a long memo), weighted by a general-language IDF so that ordinary words
sink, and grouped into themes by how often they share sentences.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.analysis.document import DocAnalysis, Sentence
from briefing.gazetteer import gazetteer
from briefing.model import Document, DocumentMentions, Quote, Theme
from briefing.nlp import balanced, vocabulary_terms
from briefing.script import is_han

MAX_THEMES = 14
log = logging.getLogger(__name__)


@dataclass
class _Candidate:
    label: str
    terms: list[str]
    origin: str
    home: set[int] = field(default_factory=set)
    """Documents whose authors stated the theme themselves."""
    score: float = 0.0
    sentences: set[tuple[int, int]] = field(default_factory=set)
    """(document index, sentence index) pairs that mention it."""


def _org_names(analyses: list[DocAnalysis]) -> set[str]:
    names = set(gazetteer().alias_to_name) | set(gazetteer().orgs)
    for a in analyses:
        names.update(m.name for m in a.mentions)
    return names


def _simplified_headings(doc: Document) -> list[str]:
    """The document's headings in Simplified script (headings are stored in the original script)."""
    if doc.text_simplified is None:
        return [h.text for h in doc.headings]
    paragraphs = doc.paragraphs()
    starts = list(itertools.accumulate((len(p) + 2 for p in paragraphs), initial=0))
    out = []
    for h in doc.headings:
        para = paragraphs[h.paragraph]
        offset = para.find(h.text)
        if offset < 0:
            out.append(h.text)
            continue
        start = starts[h.paragraph] + offset
        out.append(doc.text_simplified[start : start + len(h.text)])
    return out


def _point_groups(doc: Document) -> list[tuple[str | None, list[str]]]:
    """Runs of an author's numbered points (1, 2, 3 …) in one document, as
    Simplified headings, each with the nearest section heading above it."""
    groups: list[tuple[str | None, list[str]]] = []
    simplified = _simplified_headings(doc)
    current: list[str] = []
    parent: str | None = None
    current_parent: str | None = None
    last = 0
    for i, h in enumerate(doc.headings):
        if h.number is None:
            if len(current) >= 2:
                groups.append((current_parent, current))
            current, last = [], 0
            parent = simplified[i]
            continue
        if h.number == 1 or h.number != last + 1:
            if len(current) >= 2:
                groups.append((current_parent, current))
            current = []
            current_parent = parent
        current.append(simplified[i])
        last = h.number
    if len(current) >= 2:
        groups.append((current_parent, current))
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


def zh_punctuation(text: str) -> str:
    """ASCII , ; : ? ! between Chinese characters become their full-width forms (labels are headings)."""
    table = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
    return re.sub(
        r"(?<=[\u4e00-\u9fff])\s*([,;:?!])\s*(?=[\u4e00-\u9fff])", lambda m: table[m.group(1)], text
    )


def _heading_label(text: str) -> str:
    """A section heading made into a theme label: no question words or marks."""
    text = re.sub(r"^(?:为什么|为何|如何|怎样|怎么)", "", text.strip())
    return text.rstrip("？?。.！!：:")


def _author_candidates(docs: list[Document], topic: set[str], vocabulary: set[str]) -> list[_Candidate]:
    """Themes from the authors' own lists of points."""
    from briefing.nlp import domain_words

    candidates = []
    for d_index, doc in enumerate(docs):
        for parent, group in _point_groups(doc):
            found = _affix_label(group)
            if found:
                label, prefix, suffix, varying = found
                cores = [t for t in _terms(prefix + " " + suffix.lstrip("的"), vocabulary) if t not in topic]
                heads = list(dict.fromkeys([*cores, suffix.lstrip("的")]))
                known = vocabulary | set(domain_words())
                compounds = [v + c for v in varying for c in heads if len(c) >= 2 and v + c in known]
                terms = [
                    *compounds,
                    *cores,
                    *[v for v in varying if v in vocabulary and v not in topic],
                ]
            elif parent and any(is_han(c) for c in parent):
                label = _heading_label(parent)
                terms = _terms(parent, vocabulary)
                for item in group:
                    terms.extend(t for t in _terms(item, vocabulary) if t not in terms)
            else:
                continue
            terms = [t for t in dict.fromkeys(terms) if t not in topic]
            if terms:
                candidates.append(_Candidate(label=label, terms=terms[:6], origin="author", home={d_index}))
    return candidates


def _contrast_partner(term: str, others: list[str], linked: Callable[[str, str], bool]) -> str | None:
    """A term that names the other side of the same thing: 消费互联网/产业互联网,
    B端/C端, 虚拟经济/实体经济, 去中心化/去平台化: same length, one contiguous
    part differs, and the two are discussed together."""
    for other in others:
        if other == term or len(other) != len(term) or not linked(term, other):
            continue
        diff = [i for i, (a, b) in enumerate(zip(term, other, strict=True)) if a != b]
        if not diff or diff[-1] - diff[0] + 1 != len(diff):
            continue
        shared = len(term) - len(diff)
        if shared >= 2 or (len(term) == 2 and shared == 1):
            return other
    return None


def find_themes(docs: list[Document], analyses: list[DocAnalysis]) -> tuple[list[Theme], str | None]:
    """Themes across the corpus, strongest first, and the corpus' subject (the
    term every document is about, which frames the themes rather than being one)."""
    org_names = _org_names(analyses)
    rarity: dict[str, float] = {}
    for a in analyses:
        rarity.update(a.theme_terms)
    vocabulary = set(rarity)
    usable: list[list[Sentence]] = [
        [s for s in a.sentences if not s.garbled] or list(a.sentences) for a in analyses
    ]

    # Share of each document's sentences that mention a term.
    share: list[Counter[str]] = []
    for sentences in usable:
        counts: Counter[str] = Counter()
        for s in sentences:
            for t in set(s.tokens):
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
    # One pass over the documents (not one per term): the same sums, in the same order.
    spreads: dict[str, float] = defaultdict(float)
    for c in share:
        for t, v in c.items():
            spreads[t] += math.sqrt(v)
    scores: dict[str, float] = {}
    for term, d in df.items():
        spread = spreads[term]
        boost = 1.0 + 0.5 * min(heading_terms[term], 2)
        single = 1.0 if d >= 2 or n_docs == 1 else 0.7
        scores[term] = spread * math.log(1 + rarity.get(term, 14.0)) * boost * single

    # The corpus subject (in every document, densest of all) frames every theme
    # rather than being one: it is kept as a secondary term only.
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    topic = {
        t
        for t in ranked[:3]
        if n_docs >= 3 and df[t] >= math.ceil(0.8 * n_docs) and sum(c[t] for c in share) / n_docs > 0.25
    }

    candidates: list[_Candidate] = []

    # 1. Authors' lists of points.
    candidates.extend(_author_candidates(docs, topic, vocabulary))

    # Sentences of the terms a theme can take: the pool and contrast partners
    # below (all among the top 80) and the authors' terms; indexing every term
    # of a large corpus would hold a pair for every word it contains.
    wanted = {*ranked[:80], *topic, *(t for c in candidates for t in c.terms)}
    term_sentences: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for d_index, sentences in enumerate(usable):
        for s_index, s in enumerate(sentences):
            for t in wanted.intersection(s.tokens):
                term_sentences[t].add((d_index, s_index))

    # 2. Term clusters by sentence co-occurrence.
    pool = [t for t in ranked if t not in topic][:36]
    clusters: list[list[str]] = []
    for term in pool:
        best, best_sim = None, 0.0
        for cluster in clusters:
            sims = []
            for other in cluster:
                a, b = term_sentences[term], term_sentences[other]
                if a and b:
                    sims.append(len(a & b) / min(len(a), len(b)))
            sim = sum(sims) / len(sims) if sims else 0.0
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is not None and best_sim >= 0.34 and len(best) < 4:
            best.append(term)
        elif len(clusters) < 24:
            clusters.append([term])
    for cluster in clusters:
        lead = cluster[0]
        label = lead
        partner = _contrast_partner(
            lead,
            [*ranked[:80], *sorted(topic)],
            lambda a, b: bool(term_sentences[a] & term_sentences[b]),
        )
        if partner:
            if partner not in cluster:
                cluster.append(partner)
            label = f"{lead}与{partner}"
        elif len(cluster) > 1 and scores[cluster[1]] >= 0.5 * scores[lead]:
            label = f"{lead}与{cluster[1]}"
        candidates.append(_Candidate(label=label, terms=cluster, origin="keywords"))

    # Fold keyword clusters into author themes that hold their lead term.
    merged: list[_Candidate] = []
    for cand in candidates:
        host = next(
            (
                m
                for m in merged
                if any(cand.terms[0] in t for t in m.terms)
                or (m.origin == "keywords" and any(m.terms[0] in t for t in cand.terms))
            ),
            None,
        )
        if host is None:
            merged.append(cand)
            continue
        log.debug("theme %s folded into %s", cand.label, host.label)
        if host.origin == "keywords" and cand.origin == "author":
            cand.terms = list(dict.fromkeys([*cand.terms, *host.terms]))[:6]
            merged[merged.index(host)] = cand
        else:
            host.terms = list(dict.fromkeys([*host.terms, *cand.terms]))[:6]

    themes: list[Theme] = []
    for cand in merged:
        # The sentences holding any of the terms, in corpus order (from the index, not a scan).
        hits = sorted(set().union(*(term_sentences.get(t, ()) for t in cand.terms)))
        mentions_by_doc: Counter[int] = Counter(d_index for d_index, _ in hits)
        if len(hits) < 2:
            continue  # one sentence is a mention, not an argument
        term_scores = sorted((scores.get(t, 0.0) for t in cand.terms), reverse=True)
        strength = sum(term_scores[:3]) * (
            1.0 + 0.15 * (len([c for c in mentions_by_doc.values() if c >= 2]) - 1)
        )
        strength *= 1.25 if cand.origin == "author" else 1.0
        if cand.origin == "keywords" and len([c for c in mentions_by_doc.values() if c >= 2]) < 2:
            strength *= 0.6  # a theme is argued across sources; one author's vocabulary is weaker evidence
        documents = [
            docs[d].path
            for d, c in sorted(mentions_by_doc.items(), key=lambda kv: (-kv[1], kv[0]))
            if c >= 2 or len(usable[d]) < 10
        ]
        if not documents:
            continue
        quotes = _quotes(docs, usable, hits, set(cand.terms), cand.home)
        if not quotes:
            continue
        themes.append(
            Theme(
                label=zh_punctuation(cand.label),
                terms=[t for t in cand.terms if t not in topic] or cand.terms,
                documents=documents,
                mentions=sum(mentions_by_doc.values()),
                strength=strength,
                coverage=[
                    DocumentMentions(document=docs[d].path, mentions=mentions_by_doc[d])
                    for d in range(len(docs))
                ],
                gist=_gist(_gist_quote(quotes, docs).text),
                quotes=quotes,
                origin=cand.origin,
            )
        )
    themes.sort(key=lambda t: (-t.strength, t.label))
    themes = themes[:MAX_THEMES]
    top = themes[0].strength if themes else 1.0
    for t in themes:
        t.strength = round(t.strength / top, 3)
    subject = min(topic, key=lambda t: (-scores[t], t)) if topic else None
    return themes, subject


def _quotes(
    docs: list[Document],
    usable: list[list[Sentence]],
    hits: list[tuple[int, int]],
    terms: set[str],
    home: set[int],
) -> list[Quote]:
    """1-3 representative sentences, from different documents first."""
    scored = []
    for d_index, s_index in hits:
        s = usable[d_index][s_index]
        if not s.quotable or s.heading:
            continue
        text = docs[d_index].text[s.start : s.end].strip()
        limit = 320 if docs[d_index].language == "en" else 140
        if len(text) < 12 or len(text) > limit or text.endswith(("？", "?")):
            continue
        distinct = len(terms & set(s.tokens))
        score = distinct + 0.5 * distinct / max(len(set(s.tokens)), 1) - len(text) / (limit * 4)
        score += 2.0 if d_index in home else 0.0
        score -= 0.0 if balanced(text) else 1.5
        scored.append((score, d_index, s_index, text, s.paragraph))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    if home and sum(1 for x in scored if x[1] in home) >= 2:
        # The authors who stated the theme say it best; others only echo a word.
        scored = [x for x in scored if x[1] in home]
    chosen: list[Quote] = []
    used_docs: set[int] = set()
    for _, d_index, _, text, paragraph in scored:
        if d_index in used_docs:
            continue
        chosen.append(Quote(text=text, document=docs[d_index].path, paragraph=paragraph))
        used_docs.add(d_index)
        if len(chosen) == 3:
            break
    for _, d_index, _, text, paragraph in scored:
        if len(chosen) >= 2:
            break
        if all(q.text != text for q in chosen):
            chosen.append(Quote(text=text, document=docs[d_index].path, paragraph=paragraph))
    return chosen


def _gist_quote(quotes: list[Quote], docs: list[Document]) -> Quote:
    """The briefing is read in Chinese: take the gist from a Chinese quote when there is one."""
    language = {d.path: d.language for d in docs}
    for wanted in ("zh-Hans", "zh-Hant"):
        for q in quotes:
            if language.get(q.document) == wanted:
                return q
    return quotes[0]


def _gist(sentence: str, limit: int = 60) -> str:
    """One line from the best quote: the sentence, cut at a clause boundary when long."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return sentence
    cuts = [m.end() for m in re.finditer(r"[，,；;：:]", sentence) if 12 <= m.end() <= limit]
    if cuts:
        return sentence[: cuts[-1] - 1] + "…"
    return sentence[:limit].rstrip() + "…"
