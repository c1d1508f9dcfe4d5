"""Takeaways speak for the folder: no one source (an article, or the memo that clips
the articles) gives more than half of them, and one more only as a concrete fact
when the other sources have no further finding (briefing.analysis.summary._select)."""

from __future__ import annotations

import pytest

from briefing.analysis.summary import MAX_TAKEAWAYS, _Candidate, _select

# Distinct made-up words per candidate: no two share a claim by their terms.
_WORDS = iter(f"词{i:03d}" for i in range(1000))


def _c(doc: int, score: float, concrete: float, n: int) -> _Candidate:
    words = {next(_WORDS) for _ in range(6)}
    return _Candidate(
        doc=doc,
        sentence=n,
        paragraph=n * 3,  # never adjacent
        text="".join(sorted(words)) + "。",
        tokens=words,
        concrete=concrete,
        themes=[n],
        score=score,
    )


# (folder, pool as (document, score, concreteness), takeaways per document)
CASES = [
    (
        "a memo of facts, articles of one thesis each (the seeds' shape)",
        [(0, 30, 3), (0, 25, 2.5), (0, 20, 2), (0, 15, 1.5), (0, 10, 1), (1, 5, 0.5), (2, 4, 0.5)],
        {0: 4, 1: 1},
    ),
    (
        "a memo of facts, articles with a fact each",
        [(0, 30, 3), (0, 25, 2.5), (0, 20, 2), (0, 15, 1.5), (0, 10, 1), (1, 5, 1), (2, 4, 1)],
        {0: 4, 1: 1, 2: 1},  # the others have no further finding: one fact over its share
    ),
    (
        "one article of facts among three",
        [(0, 30, 3), (0, 29, 3), (0, 28, 3), (0, 27, 3), (1, 5, 1), (1, 4.5, 1), (2, 4, 1)],
        {0: 3, 1: 2, 2: 1},
    ),
    (
        "two sources: one may give all but one",
        [(0, 30, 3), (0, 25, 2.5), (0, 20, 2), (0, 15, 1.5), (0, 10, 1), (1, 5, 1)],
        {0: 5, 1: 1},
    ),
]


@pytest.mark.parametrize(("folder", "pool", "expected"), CASES, ids=[c[0] for c in CASES])
def test_no_source_speaks_for_the_folder(folder, pool, expected) -> None:
    candidates = [_c(d, s, k, i) for i, (d, s, k) in enumerate(pool)]
    candidates.sort(key=lambda c: (-c.score, c.doc, c.sentence))
    chosen = _select(candidates, n_docs=len({d for d, _, _ in pool}))
    per_doc: dict[int, int] = {}
    for c in chosen:
        per_doc[c.doc] = per_doc.get(c.doc, 0) + 1
    assert per_doc == expected, folder
    if len(expected) >= 2 and len({d for d, _, _ in pool}) >= 3:
        assert max(per_doc.values()) <= MAX_TAKEAWAYS // 2 + 1
