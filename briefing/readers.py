"""Readers: a path becomes a :class:`~briefing.model.Document`; a folder a :class:`~briefing.model.Corpus`."""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from briefing import cleaning, memo, metadata
from briefing.cleaning import Block
from briefing.errors import InputError
from briefing.formats import Parsed, Unreadable, decode, detect_format, parse
from briefing.model import CleaningCount, Corpus, DataGap, Document, GarbledSpan, Heading, Skipped
from briefing.script import detect_language, to_simplified

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024


class _Counts:
    def __init__(self) -> None:
        self.counter: Counter[str] = Counter()
        self.order: list[str] = []

    def add(self, rule: str, n: int) -> None:
        if n:
            if rule not in self.counter:
                self.order.append(rule)
            self.counter[rule] += n

    def apply_text(self, rule: Callable[[str], tuple[str, int]], blocks: list[Block]) -> list[Block]:
        out = []
        for block in blocks:
            if block.kind == "code":
                out.append(block)
                continue
            text, n = rule(block.text)
            self.add(rule.__name__, n)
            out.append(replace(block, text=text))
        return out

    def as_list(self) -> list[CleaningCount]:
        return [CleaningCount(rule=r, count=self.counter[r]) for r in self.order]


def read_document(path: Path, root: Path) -> Document:
    """Read, clean and describe one file; raise :class:`Unreadable` to skip it."""
    rel = path.relative_to(root).as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(
                f"too large ({size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from exc
    return document_from_bytes(rel, raw, path.suffix.lower())


def document_from_bytes(rel: str, raw: bytes, suffix: str = "") -> Document:
    """A file's bytes as a cleaned document; raise :class:`Unreadable` to skip it."""
    if len(raw) > MAX_BYTES:
        raise Unreadable(
            f"too large ({len(raw) // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)"
        )
    text, encoding = decode(raw)
    return build_document(rel, text, encoding, suffix)


def build_document(rel: str, text: str, encoding: str, suffix: str = "") -> Document:
    """Turn decoded text into a cleaned document (the pure part of reading)."""
    counts = _Counts()
    fmt = detect_format(text, suffix)
    parsed: Parsed = parse(text, fmt)
    blocks = parsed.blocks
    raw_lines = parsed.raw_lines
    meta = dict(parsed.meta)
    warnings: list[str] = []

    for rule in cleaning.TEXT_RULES:
        blocks = counts.apply_text(rule, blocks)
    keep = [bool(b.text) for b in blocks]
    blocks, raw_lines = _filter(blocks, raw_lines, keep)

    header_lines = [b.text for b in blocks[:3]]
    blocks_before = blocks
    blocks, removed, hints = cleaning.remove_boilerplate(blocks)
    counts.add("remove_boilerplate", removed)
    raw_lines = _follow(blocks_before, blocks, raw_lines)
    meta.setdefault("date", metadata.header_date(header_lines))
    if hints.url:
        meta.setdefault("url", hints.url)
    if hints.site:
        meta.setdefault("site", hints.site)

    # Byline near the top.
    for i, block in enumerate(blocks[:3]):
        if (author := metadata.byline(block.text)) and block.kind != "heading":
            meta.setdefault("author", author)
            blocks, raw_lines = _filter(blocks, raw_lines, [j != i for j in range(len(blocks))])
            counts.add("extract_byline", 1)
            break

    blocks_before = blocks
    blocks, joined = cleaning.rejoin_broken_lines(blocks)
    counts.add("rejoin_broken_lines", joined)
    raw_lines = _follow(blocks_before, blocks, raw_lines)

    # Title: front matter or <title> first, else a title-like first line, which
    # then leaves the body (it is metadata, not a sentence to quote).
    if blocks and metadata.looks_like_title(blocks[0], len(blocks) > 1):
        first = blocks[0].text.strip()
        meta.setdefault("title", first)
        if metadata.same_title(first, meta["title"]):
            meta["title"] = first  # the heading, without the site name <title> adds
            blocks, raw_lines = blocks[1:], raw_lines[1:]

    parts = memo.extract(blocks, raw_lines)
    blocks = [b for b, k in zip(blocks, parts.keep, strict=True) if k]

    # Headings: markup headings, authors' numbered points, standalone short lines.
    headings: list[Heading] = []
    paragraphs: list[str] = []
    for i, block in enumerate(blocks):
        index = len(paragraphs)
        paragraphs.append(block.text)
        point = metadata.numbered_point(block.text) if block.kind in ("para", "heading") else None
        if block.kind == "heading":
            headings.append(
                Heading(
                    text=metadata.point_heading(point[1]) if point else block.text,
                    level=block.level,
                    paragraph=index,
                    number=point[0] if point else None,
                )
            )
        elif point:
            headings.append(
                Heading(text=metadata.point_heading(point[1]), level=3, paragraph=index, number=point[0])
            )
        elif fmt == "text" and metadata.standalone_heading(
            block, blocks[i - 1] if i else None, blocks[i + 1] if i + 1 < len(blocks) else None
        ):
            headings.append(Heading(text=block.text.strip(), level=2, paragraph=index))

    body = "\n\n".join(paragraphs)
    body, n = cleaning.collapse_whitespace(body) if body != body.strip() else (body, 0)
    counts.add("collapse_whitespace", n)

    garbled = []
    starts = _paragraph_starts(body)
    for start, end in cleaning.find_garbled(body):
        garbled.append(
            GarbledSpan(start=start, end=end, text=body[start:end], paragraph=_paragraph_of(starts, start))
        )
    counts.add("find_garbled", len(garbled))

    gaps = []
    for start, end in cleaning.find_placeholders(body):
        para = _paragraph_of(starts, start)
        gaps.append(DataGap(text=body[start:end], paragraph=para, context=_sentence_around(body, start, end)))

    language = detect_language(body or meta.get("title", ""))
    kind = (
        "memo"
        if metadata.is_memo(parsed.blocks, len(parts.todos), len(parts.references), len(parts.changelog))
        else "article"
    )

    title = meta.get("title")
    if not title and paragraphs:
        title = metadata.title_from_sentence(paragraphs[0])
        warnings.append("no title line: title taken from the first sentence")
    date = metadata.parse_date(str(meta["date"])) if meta.get("date") else None
    if not date and title:
        date = metadata.parse_date(title, compact=kind == "memo")
    if not date and parts.changelog:
        dated = sorted(e.date for e in parts.changelog if e.date)
        date = dated[-1] if dated else None
    if not date:
        warnings.append("no date found")
    if garbled:
        warnings.append(f"{len(garbled)} garbled span(s) excluded from quotes")

    return Document(
        path=rel,
        title=title,
        date=date,
        author=meta.get("author"),
        source_url=memo.clean_url(meta["url"]) if meta.get("url") else None,
        source_site=meta.get("site"),
        language=language,
        kind=kind,
        format=fmt,
        encoding=encoding,
        text=body,
        text_simplified=to_simplified(body) if language == "zh-Hant" else None,
        chars=len(body),
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        cleaning=counts.as_list(),
        garbled=garbled,
        warnings=warnings,
        headings=headings,
        todos=parts.todos,
        references=parts.references,
        changelog=parts.changelog,
        data_gaps=gaps,
    )


def _filter(blocks: list[Block], raw: list[str], keep: list[bool]) -> tuple[list[Block], list[str]]:
    raw = (raw + [""] * len(blocks))[: len(blocks)]
    pairs = [(b, r) for b, r, k in zip(blocks, raw, keep, strict=True) if k]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _follow(before: list[Block], after: list[Block], raw: list[str]) -> list[str]:
    """Carry raw source lines along when a rule dropped or merged blocks."""
    raw = raw + [""] * (len(before) - len(raw))
    out, j = [], 0
    for block in after:
        while (
            j < len(before) and before[j] is not block and before[j].text != block.text[: len(before[j].text)]
        ):
            j += 1
        out.append(raw[j] if j < len(before) else "")
        j += 1
    return out


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n\n", text):
        starts.append(m.end())
    return starts


def _paragraph_of(starts: list[int], offset: int) -> int:
    return max(bisect.bisect_right(starts, offset) - 1, 0)  # a search, not a scan: big files have many spans


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。！？\n") + 1
    rights = [i for i in (text.find(c, end) for c in "。！？\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


def iter_files(source: Path) -> list[Path]:
    """Every non-hidden file under ``source``, recursively, sorted by relative path."""
    found = []
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in filenames:
            if not name.startswith("."):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(source).as_posix())


PARALLEL_READ_MIN = 48
"""Fewer files than this are read in-process: starting workers costs more than it saves."""


ReadJob = tuple[Path, Path, bytes | None]
"""A file to read: its path, the source folder, and its bytes when the parent already read them."""


def read_one(job: ReadJob, _shared: object = None) -> Document | Skipped:
    """Read and clean one file (in whatever process runs it); an unreadable one is skipped with a reason."""
    path, source, raw = job
    rel = path.relative_to(source).as_posix()
    try:
        if raw is not None:  # the bytes the cache key was made from
            return document_from_bytes(rel, raw, path.suffix.lower())
        return read_document(path, source)
    except Unreadable as exc:
        return Skipped(path=rel, reason=str(exc))


def warm_up_cleaning() -> None:
    """Load the cleaning rules' data before forking, so that workers share it."""
    build_document("warm-up.txt", "预热\n\n預熱 text", "utf-8")


class Reading:
    """The files of a source folder on their way to a corpus: those the
    document cache already holds, and jobs for the rest.

    :func:`read_corpus` runs the jobs itself; :func:`briefing.batch.read_and_analyse`
    runs them together with each document's analysis, in the same workers.
    """

    def __init__(self, source: Path, *, use_cache: bool = False) -> None:
        source = Path(source)
        if not source.exists():
            raise InputError(f"source folder not found: {source}")
        if not source.is_dir():
            raise InputError(f"not a folder: {source}")
        self.source = source
        self.paths = iter_files(source)
        self.results: list[Document | Skipped | None] = [None] * len(self.paths)
        self.keys: dict[int, str] = {}
        self.raws: dict[int, bytes] = {}
        self.cache = None
        if use_cache:
            from briefing.cache import DocumentCache, document_key

            self.cache = DocumentCache()
            for i, path in enumerate(self.paths):
                try:
                    if path.stat().st_size > MAX_BYTES:
                        continue
                    self.raws[i] = path.read_bytes()
                except OSError:
                    continue  # reading it again below gives the reason
                self.keys[i] = document_key(path.relative_to(source).as_posix(), self.raws[i])
            found = self.cache.get(list(self.keys.values()))
            for i, key in self.keys.items():
                if key in found:
                    self.results[i] = found[key]
                    del self.raws[i]
            log.info("%d of %d file(s) read from the cache", len(found), len(self.paths))

    def close(self) -> None:
        """Close the document cache (also when the run fails half-way)."""
        if self.cache is not None:
            self.cache.close()
            self.cache = None

    def todo(self) -> list[int]:
        """Positions of the files still to read."""
        return [i for i, r in enumerate(self.results) if r is None]

    def job(self, i: int, *, with_bytes: bool = False) -> ReadJob:
        """The job of file ``i``; ``with_bytes`` reads its bytes here (for workers that cannot see the file)."""
        raw = self.raws.pop(i, None)
        if raw is None and with_bytes:
            try:
                raw = self.paths[i].read_bytes()
            except OSError:
                raw = None  # the worker's own attempt gives the reason
        return (self.paths[i], self.source, raw)

    def finish(
        self, fresh: dict[int, Document | Skipped], progress: Callable[[str], None] | None = None
    ) -> Corpus:
        """The corpus, in path order, with the files just read; those are stored in the document cache."""
        for i, result in fresh.items():
            self.results[i] = result
        self.raws.clear()
        if self.cache is not None:
            self.cache.put(
                {self.keys[i]: r for i, r in fresh.items() if isinstance(r, Document) and i in self.keys}
            )
        self.close()
        corpus = Corpus()
        for result in self.results:
            assert result is not None
            if isinstance(result, Skipped):
                log.info("skipped %s: %s", result.path, result.reason)
                corpus.skipped.append(result)
            else:
                corpus.documents.append(result)
            if progress:
                progress(result.path)
        return corpus


def read_corpus(
    source: Path,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    use_cache: bool = False,
) -> Corpus:
    """Read every file under ``source``; unreadable files are listed with a reason.

    With ``use_cache``, a file whose path and bytes were read before by the
    same reading code and data comes from the state folder's document cache.
    Large folders are read by one forked worker per core; the result is the
    same, in the same order.
    """
    from briefing.executors import LocalExecutor

    reading = Reading(source, use_cache=use_cache)
    try:
        todo = reading.todo()
        jobs = [reading.job(i) for i in todo]
        executor = LocalExecutor(workers, min_items=PARALLEL_READ_MIN, before_fork=warm_up_cleaning)
        fresh = {todo[position]: result for position, result in executor.map(read_one, jobs)}
        return reading.finish(fresh, progress)
    finally:
        reading.close()


def default_source() -> Path:
    """``seeds/`` in the current folder when it exists, else the bundled sample corpus."""
    local = Path("seeds")
    if local.is_dir():
        return local
    from briefing.resources import bundled_folder

    return bundled_folder("seeds")
