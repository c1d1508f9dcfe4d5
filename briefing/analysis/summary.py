"""Key takeaways: extractive, TextRank over sentences with a diversity penalty."""

from __future__ import annotations

import re
from operator import mul, truediv

from briefing.analysis.document import DocAnalysis
from briefing.model import Document, Takeaway, Theme
from briefing.nlp import balanced

MIN_TAKEAWAYS, MAX_TAKEAWAYS = 3, 5
ENGLISH_WEIGHT = 0.8
"""The briefing reads in Chinese: an English sentence must rank clearly higher to be a takeaway."""
MAX_CANDIDATES = 400
"""TextRank is quadratic in the candidate sentences: beyond this many, only the
sentences richest in theme terms are ranked."""
_DANGLING_RE = re.compile(
    r"^(?:因此|所以|但是|但|然而|于是|而|这|那|它|他们|此外|另外|同时|首先|其次|最后|总之|可见|比如|例如|即|也就是说|其中|对此|为此|当然|"
    r"因為|於是|這|那麼|它們|他們|so\b|but\b|however\b|this\b|that\b|these\b|it\b|they\b|and\b|or\b)",
    re.IGNORECASE,
)


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def summarize(docs: list[Document], analyses: list[DocAnalysis], themes: list[Theme]) -> list[Takeaway]:
    """3-5 key takeaways from at least three documents (when the corpus has three), no near-duplicates."""
    theme_terms = {t for th in themes for t in th.terms}
    candidates: list[tuple[int, int, str, set[str]]] = []
    seen: set[str] = set()
    for d_index, a in enumerate(analyses):
        limit = (60, 280) if docs[d_index].language == "en" else (20, 110)
        for s_index, s in enumerate(a.sentences):
            if not s.quotable or s.heading:
                continue
            text = docs[d_index].text[s.start : s.end].strip()
            if not limit[0] <= len(text) <= limit[1] or text.endswith(("？", "?", "：", ":")):
                continue
            if _DANGLING_RE.match(text) or not balanced(text):
                continue
            tokens = set(s.tokens)
            if len(tokens & theme_terms) < 2 or text in seen:
                continue  # a sentence clipped twice is one candidate
            seen.add(text)
            candidates.append((d_index, s_index, text, tokens))
    if not candidates:
        return []
    if len(candidates) > MAX_CANDIDATES:
        keep = sorted(range(len(candidates)), key=lambda i: -len(candidates[i][3] & theme_terms))
        candidates = [candidates[i] for i in sorted(keep[:MAX_CANDIDATES])]

    # TextRank: PageRank over the sentence-similarity graph.
    n = len(candidates)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            w = _similarity(candidates[i][3], candidates[j][3])
            if candidates[i][0] != candidates[j][0]:
                w *= 1.5  # agreement across sources counts more than within one
            weights[i][j] = weights[j][i] = w
    out_sum = [sum(row) or 1.0 for row in weights]
    rank = [1.0 / n] * n
    for _ in range(40):
        # weights is symmetric (row i is column i): the same products and sums, in C.
        rank = [0.15 / n + 0.85 * sum(map(truediv, map(mul, weights[i], rank), out_sum)) for i in range(n)]
    scored = sorted(
        range(n),
        key=lambda i: (
            -(
                rank[i]
                * (1 + 0.2 * len(candidates[i][3] & theme_terms))
                * (ENGLISH_WEIGHT if docs[candidates[i][0]].language == "en" else 1.0)
            ),
            candidates[i][0],
            candidates[i][1],
        ),
    )

    chosen: list[int] = []
    per_doc: dict[int, int] = {}
    n_docs = len({c[0] for c in candidates})
    for i in scored:
        d_index = candidates[i][0]
        if any(_similarity(candidates[i][3], candidates[j][3]) > 0.3 for j in chosen):
            continue
        if per_doc.get(d_index, 0) >= (1 if len(per_doc) < min(3, n_docs) else 2):
            continue
        chosen.append(i)
        per_doc[d_index] = per_doc.get(d_index, 0) + 1
        if len(chosen) == MAX_TAKEAWAYS:
            break
    takeaways = [
        Takeaway(
            text=candidates[i][2],
            document=docs[candidates[i][0]].path,
            paragraph=analyses[candidates[i][0]].sentences[candidates[i][1]].paragraph,
            score=round(rank[i] * n, 4),
        )
        for i in chosen
    ]
    return takeaways
