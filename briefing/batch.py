"""A source folder read, cleaned and analysed in one pass per document.

The parent consults both caches first: a file whose bytes were read before
comes from the document cache, a document whose analysis is stored comes
from the analysis cache. Everything else is one job per document, run on an
executor (:mod:`briefing.executors`): the worker reads and cleans the file
and, unless the analysis cache already holds that text's analysis, analyses
it in the same go, so reading overlaps analysis instead of preceding it. The
parent then stores what the workers made in both caches (a run on a Dask
cluster leaves the local caches warm) and assembles the corpus in path order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.analysis.document import DocAnalysis
from briefing.cache import (
    PARALLEL_MIN,
    AnalysisCache,
    analyse_one,
    analysis_version,
    cache_key,
    cached_analyses,
    shared_words,
)
from briefing.executors import Executor, LocalExecutor
from briefing.listing import Listing
from briefing.model import Corpus, Document, Skipped
from briefing.readers import Reading, ReadJob, read_one, warm_up_cleaning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One document's work: a file to read, or a document read before that still needs analysing."""

    read: ReadJob | None = None
    doc: Document | None = None


@dataclass(frozen=True)
class Plan:
    """What every job needs to know: the caller's analysis version and the analyses it has cached."""

    version: str
    cached: frozenset[str] = frozenset()
    spill: str = ""
    """A folder where a worker leaves a big document's result as a file (empty: never)."""


SPILL_CHARS = 5_000_000
"""Characters from which a worker hands its result back through a file: sent
down the pool's pipe, a 50 MB file's document and analysis would be pickled
whole in the worker's memory (a quarter of a gigabyte more) and again in the
parent's, both alive at once."""

SPILL_NAME = "briefing-result"


@dataclass(frozen=True)
class Spilled:
    """A worker's result left in a file: the parent loads it and removes the file."""

    path: str

    def discard(self) -> None:
        """Remove the file unread (the run failed before it was needed)."""
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def load(self) -> tuple[Document | Skipped, DocAnalysis | None]:
        try:
            with open(self.path, "rb") as handle:  # our own worker wrote it, a moment ago, for us only
                doc, analysis = pickle.load(handle), pickle.load(handle)
                for name in _LONG_LISTS:
                    items = getattr(analysis, name)
                    while part := pickle.load(handle):
                        items += part
                return doc, analysis
        finally:
            with contextlib.suppress(OSError):
                os.unlink(self.path)


_LONG_LISTS = ("sentences", "mentions", "figures")
"""An analysis' lists that a big document makes long: spilled a part at a time."""
SPILL_PART = 20_000
"""Items per pickled part: a pickler remembers every object it wrote, and for a
whole analysis (millions of small objects) that memory would rival the analysis'."""


def process(job: Job, plan: Plan) -> tuple[Document | Skipped, DocAnalysis | None] | Spilled:
    """Read and clean (unless read before), then analyse unless the cache holds it (``None``)."""
    item = job.doc if job.doc is not None else read_one(job.read)
    if isinstance(item, Skipped) or cache_key(item, plan.version) in plan.cached:
        return item, None
    result = item, analyse_one(item, plan.version)
    if plan.spill and len(item.text) >= SPILL_CHARS:
        return _spill(result, Path(plan.spill))
    return result


def _spill(result: tuple[Document, DocAnalysis], folder: Path) -> Spilled | tuple[Document, DocAnalysis]:
    """Write ``result`` to a temporary file (streamed: pickle writes it in frames)."""
    from briefing.writers import temp_name

    path = temp_name(folder / SPILL_NAME)
    try:
        # new, private and not followed through a link (a shared temporary folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        doc, analysis = result
        shell = dataclasses.replace(analysis, **{name: [] for name in _LONG_LISTS})
        with open(fd, "wb") as handle:
            for item in (doc, shell):
                pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)
            for name in _LONG_LISTS:
                items = getattr(analysis, name)
                for at in range(0, len(items), SPILL_PART):
                    pickle.dump(items[at : at + SPILL_PART], handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump([], handle)
    except OSError as exc:
        log.debug("could not leave the result in %s (%s): sent back whole", path, exc)
        with contextlib.suppress(OSError):
            os.unlink(path)
        return result
    return Spilled(str(path))


def _warm_up() -> None:
    from briefing.analysis.document import warm_up

    warm_up_cleaning()
    warm_up()


BIG_FILE = 20_000_000
"""Bytes from which a file is read and analysed in a worker process even when it
is the only job: the transient memory of cleaning and analysing tens of
megabytes (several copies of the text, the analysis' working lists) then ends
with the worker instead of staying in the parent for the rest of the run."""


def _local(workers: int | None, unread: list[Path], jobs: int) -> LocalExecutor:
    big = any(_size(path) >= BIG_FILE for path in unread)
    if not big:
        return LocalExecutor(workers, min_items=PARALLEL_MIN, before_fork=_warm_up)
    # One big job: no warm-up in the parent (the worker loads jieba, nothing to share).
    return LocalExecutor(workers, min_items=1, before_fork=_warm_up if jobs > 1 else None)


def _spill_folder() -> str:
    """The system's temporary folder, cleared of results that killed runs left there."""
    from briefing.writers import remove_stale

    folder = tempfile.gettempdir()
    remove_stale(Path(folder), [SPILL_NAME])
    return folder


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say why


def read_and_analyse(
    source: Path,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
    counter: Callable[[int, int], None] | None = None,
    listing: Listing | None = None,
) -> tuple[Corpus, list[DocAnalysis]]:
    """The corpus of ``source`` and each document's analysis, in the corpus' order.

    ``progress`` and ``counter`` report the files as :func:`briefing.readers.read_corpus`
    does: one line each (read, cached or skipped) and a count. ``listing`` is the
    folder already listed, with its files' bytes (:func:`briefing.listing.list_folder`).
    """
    remote = executor is not None and not isinstance(executor, LocalExecutor)  # cannot open our files
    reading = Reading(source, use_cache=use_cache, progress=progress, counter=counter, listing=listing)
    cache = AnalysisCache() if use_cache else None
    try:
        version = cache.version if cache else analysis_version()
        read = {i: r for i, r in enumerate(reading.results) if isinstance(r, Document)}
        # Which documents the cache holds is known from its keys; their analyses are
        # decoded while the workers analyse the others (a warm archive's new files),
        # not before the workers start.
        keys = cache.current_keys() if cache else frozenset()
        held = {i: doc for i, doc in read.items() if cache_key(doc, version) in keys}
        unread = reading.todo()
        positions = unread + [i for i in read if i not in held]
        jobs = [Job(read=reading.job(i, with_bytes=remote)) for i in unread]
        jobs += [Job(doc=read[i]) for i in positions[len(unread) :]]
        if executor is None:
            executor = _local(workers, [reading.paths[i] for i in unread], len(jobs))
        plan = Plan(
            version,
            keys if cache and unread else frozenset(),
            spill=_spill_folder()
            if isinstance(executor, LocalExecutor) and executor.parallel(len(jobs))
            else "",
        )

        fresh: dict[int, Document | Skipped] = {}
        made: dict[int, DocAnalysis] = {}
        stored: dict[int, Document] = {}
        if progress and jobs:
            progress(f"analysing {len(jobs)} document(s) as they are read")

        def take(position: int, item: Document | Skipped, analysis: DocAnalysis | None) -> None:
            i = positions[position]
            if position < len(unread):
                fresh[i] = reading.report.file(item)
            if analysis is not None:
                made[i] = shared_words(analysis)
            elif isinstance(item, Document):
                stored[i] = item

        spilled: list[tuple[int, Spilled]] = []
        analyses: dict[int, DocAnalysis] = {}
        decoded: list[bool] = []

        def decode() -> None:
            if cache and held and not decoded:
                decoded.append(True)
                analyses.update(cached_analyses(cache, held))

        results = executor.map(process, jobs, plan)
        try:
            with contextlib.closing(results):  # the pool is shut down here, whatever ends the loop
                for position, result in results:
                    if isinstance(result, Spilled):
                        spilled.append((position, result))
                    else:
                        take(position, *result)
                    decode()  # once, the workers started and busy
            decode()  # no worker was needed
            log.info("%d of %d document(s) analysed from the cache", len(analyses), len(reading.paths))
            # Loaded once the workers are gone: the worker that made a big result
            # would otherwise still hold its memory while this process loads it.
            while spilled:
                position, result = spilled.pop(0)
                take(position, *result.load())
            # Keys whose rows turned out damaged or another document's: analysed after all.
            missing = [i for i in held if i not in analyses]
            if missing:
                again = executor.map(process, [Job(doc=held[i]) for i in missing], Plan(version))
                with contextlib.closing(again):
                    for position, (_, analysis) in again:
                        made[missing[position]] = shared_words(analysis)
        finally:
            for _, result in spilled:
                result.discard()
        if stored and cache:
            analyses.update(cached_analyses(cache, stored))
        for i in stored.keys() - analyses.keys():
            # Gone from the cache since the keys were listed (another run of another version pruned it).
            made[i] = analyse_one(stored[i], version)
        analyses.update(made)
        if cache and made:
            docs = {**read, **{i: d for i, d in fresh.items() if isinstance(d, Document)}}
            cache.put({cache_key(docs[i], version): a for i, a in made.items()})
        corpus = reading.finish(fresh)
    finally:
        reading.close()
        if cache:
            cache.close()
    order = [i for i, r in enumerate(reading.results) if isinstance(r, Document)]
    return corpus, [analyses[i] for i in order]
