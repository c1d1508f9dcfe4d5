"""Documents that are another document of the folder again: the same story clipped
twice, from two sites or in the other script ("华为重回前三" and its Traditional
reprint). Counted twice, a reprint would make one author's argument two sources'
and print each of its sentences twice; it is left out, and the methodology says of
which document it is a copy."""

from __future__ import annotations

from briefing.analysis.document import DocAnalysis
from briefing.model import Document, Skipped

SAME_SHARE = 0.8
"""Share of the sentences two documents have in common (of the two together) from
which the later one is a copy of the earlier."""

MIN_SENTENCES = 4
"""Sentences a document needs in common with another to be its copy: two short
notes that share a line or two are two notes."""


def _fingerprints(doc: Document, analysis: DocAnalysis) -> set[str]:
    """Its sentences as read for comparison: Simplified (a reprint in the other script
    reads the same), their own words only; short lines (headings, credits) left out.
    (Slices, not a normalised copy: an archive's every sentence passes here.)"""
    text = doc.analysis_text
    return {text[s.start : s.end].strip() for s in analysis.sentences if s.end - s.start >= 12}


def drop_copies(
    docs: list[Document], analyses: list[DocAnalysis]
) -> tuple[list[Document], list[DocAnalysis], list[Skipped]]:
    """The documents without those that are an earlier one again (in path order), and a
    :class:`Skipped` entry for each copy. One pass over the sentences: each earlier
    document a sentence was first seen in is counted, no document compared with all."""
    first_seen: dict[str, int] = {}
    sizes: list[int] = []
    kept: list[int] = []
    skipped: list[Skipped] = []
    for i, (doc, analysis) in enumerate(zip(docs, analyses, strict=True)):
        prints = _fingerprints(doc, analysis)
        sizes.append(len(prints))
        shared: dict[int, int] = {}
        for p in prints:
            j = first_seen.get(p)
            if j is not None:
                shared[j] = shared.get(j, 0) + 1
        original = next(
            (
                j
                for j, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
                if n >= MIN_SENTENCES and n / (sizes[j] + len(prints) - n) >= SAME_SHARE
            ),
            None,
        )
        if original is not None:
            other = docs[original]
            script = " in the other script" if other.language != doc.language else ""
            skipped.append(Skipped(path=doc.path, reason=f"a copy of {other.path} (the same text{script})"))
            continue
        for p in prints:
            first_seen.setdefault(p, i)
        kept.append(i)
    return [docs[i] for i in kept], [analyses[i] for i in kept], skipped
