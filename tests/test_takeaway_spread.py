"""Takeaways speak for the folder: no one source (an article, or the memo that clips
the articles) gives more than half of them, and one more only as a concrete fact
when the other sources have no further finding (briefing.analysis.summary._select)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from conftest import CORPORA, FIXTURES, ROOT

from briefing.analysis import build_briefing
from briefing.analysis.summary import MAX_TAKEAWAYS, _Candidate, _select
from briefing.readers import read_corpus

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


FOLDERS = [
    ("seeds", ROOT / "seeds"),
    ("cross_reference_folder", FIXTURES / "analysis" / "cross_reference_folder"),
    ("facts_folder", FIXTURES / "analysis" / "facts_folder"),
    *((p.name, p) for p in sorted(CORPORA.iterdir()) if p.is_dir()),
    ("field-corpus", ROOT.parent / "shared" / "field-corpus"),
]


@pytest.mark.parametrize(("name", "path"), FOLDERS, ids=[n for n, _ in FOLDERS])
def test_no_source_gives_more_than_half_of_the_takeaways(name, path) -> None:
    """Over real and fixture folders of several industries: from three sources on, no
    source gives more than half of the takeaways, and the one beyond its share is a fact."""
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    from briefing.analysis.summary import concreteness
    from briefing.gazetteer import gazetteer
    from briefing.script import to_simplified

    model = build_briefing(read_corpus(path), date=dt.date(2026, 12, 2))
    if len(model.sources) < 3:
        pytest.skip("fewer than three sources")
    # an actor is an organisation the gazetteer lists or the reading found ("Danone
    # and Nestle have both lost share…, and a2 Milk said…" sets three side by side)
    found = {c.name: [n for n in (c.name, *c.aliases) if len(n) >= 2] for c in model.companies}

    def actors(text: str) -> int:
        named = {m.name for m in gazetteer().find(text)}
        named |= {name for name, forms in found.items() if any(f in text for f in forms)}
        return len(named)

    per_doc = Counter(t.document for t in model.summary)
    for doc, n in per_doc.items():
        assert n <= MAX_TAKEAWAYS // 2 + 1, (doc, n)
        if n > MAX_TAKEAWAYS // 2:
            mine = [to_simplified(t.text) for t in model.summary if t.document == doc]
            facts = [t for t in mine if concreteness(t, actors(t)) >= 1.0]
            assert len(facts) > MAX_TAKEAWAYS // 2, mine
