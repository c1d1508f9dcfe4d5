"""The pipeline: read → analyse → template → write. The library's main entry points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.model import Briefing, Changes, Corpus

Progress = Callable[[str], None]


@dataclass
class GenerateResult:
    """What ``generate`` wrote."""

    model: Briefing
    """The briefing model that was rendered."""
    files: dict[str, Path] = field(default_factory=dict)
    """Written files by kind: ``pdf``, ``docx``, ``json``."""


def analyze(
    source: Path,
    *,
    date: dt.date | None = None,
    title: str | None = None,
    corpus: Corpus | None = None,
    progress: Progress | None = None,
) -> Briefing:
    """Read ``source`` (unless a corpus is given) and compute the briefing model."""
    from briefing.analysis import analyse_all, build_briefing
    from briefing.readers import read_corpus

    if corpus is None:
        corpus = read_corpus(source, progress=(lambda p: progress(f"read {p}")) if progress else None)
    if progress:
        progress(f"analysing {len(corpus.documents)} document(s)")
    analyses = analyse_all(corpus)
    return build_briefing(corpus, date=date, title=title, analyses=analyses)


def generate(
    source: Path,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = ("pdf", "docx"),
    template: str | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    corpus: Corpus | None = None,
    changes: Changes | None = None,
    stem: str | None = None,
    progress: Progress | None = None,
) -> GenerateResult:
    """Generate the briefing for ``source`` into ``out_dir``.

    ``corpus`` replaces reading ``source`` (editions pass a filtered corpus);
    ``changes`` is shown as the edition's "what changed" section; ``stem``
    overrides the output file name stem (default ``briefing-YYYY-MM-DD``).
    Files are written atomically; on any error nothing is left half-written.
    """
    raise NotImplementedError("generate lands with issue 4")
