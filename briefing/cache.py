"""The analysis cache and the parallel analyser.

Per-document analysis is a pure function of a document's analysis inputs
(cleaned text, language, headings, garbled spans) and of the analysis code
and data files. Its results are stored in the state database keyed by a hash
of both, so an unchanged document is never segmented again, while any edit
to the dictionary, gazetteer, glossary, stop words or to the analysis code
changes every key: jieba's segmentation of any text can depend on any
dictionary entry, so a dictionary change rightly invalidates every analysis
and nothing stale can be read back. Entries of other versions are pruned.

Every row carries a checksum of its key, version and data (:func:`row_checksum`),
verified when it is read: a row that fails it, or does not decode, is a miss
(logged) and is written again.

Documents that are not cached are analysed on an executor
(:mod:`briefing.executors`): by default one forked worker per core, with
jieba loaded once, in the parent, before the workers fork, and only when some
document needs segmenting; or the workers of a Dask cluster. Forked workers
die with the parent (:mod:`briefing.children`), and the pool is shut down
whenever the analysis ends, by an error or by SIGTERM too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import os
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import __version__, state
from briefing.errors import ConfigError, OutputError, SchedulerError, TemplateError
from briefing.model import Document, Serializable
from briefing.resources import data_fingerprint
from briefing.writers import remove_stale, sync_to_disk, write_atomic

if TYPE_CHECKING:  # the analysis and its executors: imported when a document is analysed
    from briefing.analysis.document import DocAnalysis
    from briefing.executors import Executor, LocalExecutor
    from briefing.listing import Listing

log = logging.getLogger(__name__)

# Modules whose code decides what analyse_document returns.
_CODE = (
    "analysis/document.py",
    "analysis/findings.py",
    "analysis/quotable.py",
    "analysis/statements.py",
    "excerpts.py",
    "children.py",
    "errors.py",
    "user_cache.py",
    "analysis/names.py",
    "analysis/org_words.py",
    "analysis/cues.py",
    "analysis/roles.py",
    "analysis/figures.py",
    "analysis/tables.py",
    "nlp.py",
    "script.py",
    "gazetteer.py",
    "cleaning.py",
    "memo.py",
    "metadata.py",
    "model.py",
    "resources.py",
)
PARALLEL_MIN = 24
"""Fewer uncached documents than this are analysed in-process: starting
workers costs more than it saves."""

Progress = Callable[[int, int], None]


def _version(code: tuple[str, ...], packages: tuple[str, ...]) -> str:
    """Hash of the package version, some modules' code, the data files in effect
    and some libraries' versions."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in code:
        digest.update((here / name).read_bytes())
    digest.update(data_fingerprint().encode())
    for package in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:32]


@functools.cache
def analysis_version() -> str:
    """Version of per-document analysis: its code, the data files, and jieba and
    OpenCC (which makes the Simplified text that jieba reads)."""
    return _version(_CODE, ("jieba", "opencc"))


# Modules whose code decides what reading a file returns.
_READING_CODE = (
    "readers.py", "formats.py", "cleaning.py", "metadata.py", "memo.py", "nlp.py", "script.py", "model.py", "resources.py",
    "listing.py", "errors.py",
)  # fmt: skip


@functools.cache
def reading_version() -> str:
    """Version of reading and cleaning: its code, the data files and the parsing libraries."""
    return _version(_READING_CODE, ("opencc", "markdown-it-py", "PyYAML"))


def cache_key(doc: Document, version: str) -> str:
    """Key of a document's analysis: its analysis inputs and the analysis version."""
    inputs = {
        "sha256": doc.sha256,
        "language": doc.language,
        "headings": [h.to_dict() for h in doc.headings],
        "garbled": [[g.start, g.end] for g in doc.garbled],
        "gaps": [[g.paragraph, g.text] for g in doc.data_gaps],  # gap sentences are never quoted
        "version": version,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def row_checksum(key: str, version: str, data: bytes) -> str:
    """SHA-256 of a cache row's key, version and data: a row damaged on disk,
    or holding another row's data, fails it."""
    return hashlib.sha256(key.encode() + b"\0" + version.encode() + b"\0" + data).hexdigest()


class _Damaged(ValueError):
    """A cache row whose checksum does not match."""


_PIECE = 1 << 16
"""Characters of JSON encoded and compressed at a time."""


def _json_pieces(item: Serializable) -> Iterator[str]:
    """The JSON text of ``item.to_dict()`` in pieces: lists of model objects one
    element at a time, long strings in slices."""
    yield "{"
    for n, f in enumerate(dataclasses.fields(item)):  # type: ignore[arg-type]
        value = getattr(item, f.name)
        yield ("" if n == 0 else ", ") + json.dumps(f.name) + ": "
        if isinstance(value, list) and value and isinstance(value[0], Serializable):
            yield "["
            for i, element in enumerate(value):
                yield ("" if i == 0 else ", ") + json.dumps(element.to_dict(), ensure_ascii=False)
            yield "]"
        elif isinstance(value, str) and len(value) > _PIECE:
            yield '"'
            for start in range(0, len(value), _PIECE):
                yield json.dumps(value[start : start + _PIECE], ensure_ascii=False)[1:-1]
            yield '"'
        else:
            yield json.dumps(
                value.to_dict() if isinstance(value, Serializable) else value, ensure_ascii=False
            )
    yield "}"


def compressed_json(item: Serializable) -> bytes:
    """zlib-compressed JSON of ``item.to_dict()``, encoded and compressed piece by
    piece: the JSON of a 50 MB document's analysis is never held whole in memory."""
    compressor = zlib.compressobj(6)
    out: list[bytes] = []
    pending: list[str] = []
    size = 0
    for piece in _json_pieces(item):
        pending.append(piece)
        size += len(piece)
        if size >= _PIECE:
            out.append(compressor.compress("".join(pending).encode()))
            pending, size = [], 0
    out.append(compressor.compress("".join(pending).encode()))
    out.append(compressor.flush())
    return b"".join(out)


class _TableCache:
    """Entries of one cache table in the state database: zlib-compressed JSON of
    one model class, stored under a key and the version that made them."""

    table: str
    what: str

    def __init__(self, home: Path | None, version: str, decode: Callable[[dict], object]) -> None:
        self.version = version
        self.decode = decode
        self.conn: sqlite3.Connection | None
        try:
            self.conn = state.connect(home)
        except (OutputError, ConfigError) as exc:
            # The cache only saves time: a damaged or unwritable state folder must not stop a briefing.
            log.warning("%s; %s without the cache", exc, self.what)
            self.conn = None

    def get(self, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.conn is None:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"SELECT key, data, checksum FROM {self.table} WHERE version = ? AND key IN ({marks})",
                    [self.version, *chunk],
                )
                for key, data, checksum in rows:
                    if checksum != row_checksum(key, self.version, bytes(data)):
                        raise _Damaged(f"entry {key[:12]}… fails its checksum")
                    found[key] = self.decode(json.loads(zlib.decompress(data)))
        except (sqlite3.Error, zlib.error, ValueError, KeyError, TypeError, AttributeError) as exc:
            # A damaged entry is a miss, never a wrong answer; nothing read with it is trusted.
            log.warning("%s cache unreadable, %s again: %s", self.table, self.what, exc)
            return {}
        return found

    def current_keys(self) -> frozenset[str]:
        """Keys of this version's entries (what a worker needs to know to skip work the cache holds)."""
        if self.conn is None:
            return frozenset()
        try:
            rows = self.conn.execute(f"SELECT key FROM {self.table} WHERE version = ?", (self.version,))
            return frozenset(key for (key,) in rows)
        except sqlite3.Error as exc:
            log.warning("%s cache unreadable, %s again: %s", self.table, self.what, exc)
            return frozenset()

    def put(self, items: dict[str, Any]) -> None:
        if self.conn is None or not items:
            return
        now = state.iso(state.utc_now())
        rows = []
        for key, item in items.items():
            data = compressed_json(item)
            rows.append((key, self.version, item.path, data, now, row_checksum(key, self.version, data)))
        try:
            with state.transaction(self.conn):
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {self.table} (key, version, path, data, created_at, checksum) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
                self.conn.execute(f"DELETE FROM {self.table} WHERE version != ?", (self.version,))
        except sqlite3.Error as exc:
            # Another run holding the database too long must not fail this one.
            log.warning("could not store entries in the %s cache: %s", self.table, exc)

    def clear(self) -> int:
        if self.conn is None:
            return 0
        with state.transaction(self.conn):
            return self.conn.execute(f"DELETE FROM {self.table}").rowcount

    def stats(self) -> dict[str, int]:
        if self.conn is None:
            return {"entries": 0, "current": 0, "bytes": 0}
        total, current, size = self.conn.execute(
            f"SELECT count(*), sum(version = ?), coalesce(sum(length(data)), 0) FROM {self.table}",
            (self.version,),
        ).fetchone()
        return {"entries": total or 0, "current": current or 0, "bytes": size or 0}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def shared_words(analysis: DocAnalysis) -> DocAnalysis:
    """The analysis with its sentences' words interned: one string per distinct
    word across all documents, instead of one per occurrence (a decoded or
    unpickled analysis has its own copy of every word: 20,000 cached documents
    held about 10 million strings)."""
    intern = sys.intern
    for sentence in analysis.sentences:
        sentence.tokens = [intern(t) for t in sentence.tokens]
    return analysis


class AnalysisCache(_TableCache):
    """Per-document analyses (``analysis_cache`` table), keyed by :func:`cache_key`."""

    table, what = "analysis_cache", "analysing"

    def __init__(self, home: Path | None = None) -> None:
        from briefing.analysis.document import DocAnalysis

        super().__init__(home, analysis_version(), lambda data: shared_words(DocAnalysis.from_dict(data)))


class DocumentCache(_TableCache):
    """Read and cleaned documents (``document_cache`` table), keyed by
    :func:`briefing.listing.document_key`: an unchanged file of a large archive is not decoded,
    parsed and cleaned again every week."""

    table, what = "document_cache", "reading"

    def __init__(self, home: Path | None = None) -> None:
        super().__init__(home, reading_version(), Document.from_dict)


def cached_analyses(cache: AnalysisCache, docs: dict[int, Document]) -> dict[int, DocAnalysis]:
    """The analyses the cache holds for ``docs`` (by position); a row holding
    another document's analysis is a miss, never a wrong answer."""
    keys = {i: cache_key(doc, cache.version) for i, doc in docs.items()}
    found = cache.get(list(keys.values()))
    results: dict[int, DocAnalysis] = {}
    for i, key in keys.items():
        analysis = found.get(key)
        if analysis is not None and (analysis.sha256, analysis.language) == (
            docs[i].sha256,
            docs[i].language,
        ):
            analysis.path = docs[i].path  # the same text may sit under another name
            results[i] = analysis
    return results


def analyse_one(doc: Document, version: str) -> DocAnalysis:
    """One document's analysis, in whatever process runs it; refused when that
    process's analysis code or data differ from the caller's (``version``), so
    a remote worker can never fill the cache with another version's results."""
    if analysis_version() != version:
        raise SchedulerError(
            "a worker runs another version of briefing's analysis (code, data files, jieba or OpenCC); "
            "install the same briefing and BRIEFING_DATA on every worker"
        )
    from briefing.analysis.document import analyse_document

    return analyse_document(doc)


def analyse_documents(
    docs: list[Document],
    *,
    use_cache: bool = True,
    workers: int | None = None,
    home: Path | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> list[DocAnalysis]:
    """Per-document analyses, from the cache where possible, the rest on
    ``executor`` (default: this machine's cores)."""
    cache = AnalysisCache(home) if use_cache else None
    try:
        version = cache.version if cache else analysis_version()
        results = cached_analyses(cache, dict(enumerate(docs))) if cache else {}
        todo = [i for i in range(len(docs)) if i not in results]
        log.info("%d of %d document(s) analysed from the cache", len(docs) - len(todo), len(docs))
        done = len(results)
        if progress:
            progress(done, len(docs))
        if todo:
            # closing(): the pool is shut down here, whatever ends the loop
            analysed = _analyse(docs, todo, executor or local_executor(workers), version)
            with contextlib.closing(analysed):
                for i, analysis in analysed:
                    results[i] = shared_words(analysis)
                    done += 1
                    if progress:
                        progress(done, len(docs))
            if cache:
                cache.put({cache_key(docs[i], version): results[i] for i in todo})
        return [results[i] for i in range(len(docs))]
    finally:
        if cache:
            cache.close()


def local_executor(workers: int | None = None) -> LocalExecutor:
    """This machine's cores, with jieba loaded once before the workers fork so that they all share it."""
    from briefing.analysis.document import warm_up
    from briefing.executors import LocalExecutor

    return LocalExecutor(workers, min_items=PARALLEL_MIN, before_fork=warm_up)


def _analyse(docs: list[Document], todo: list[int], executor: Executor, version: str):
    for position, analysis in executor.map(analyse_one, [docs[i] for i in todo], version):
        yield todo[position], analysis


# ------------------------------------------------------------------ outputs

_RENDER_CODE = (
    "render.py",
    "excerpts.py",
    "nlp.py",
    "gazetteer.py",
    "script.py",
    "labels.py",
    "doctree.py",
    "charts.py",
    "chartspec.py",
    "fonts/__init__.py",
    "writers/pdf.py",
    "writers/pdf_linebreak.py",
    "writers/docx.py",
    "writers/docx_fonts.py",
    "writers/columns.py",
)
_RENDER_PACKAGES = ("jinja2", "markdown-it-py", "reportlab", "python-docx", "fonttools", "pillow")
KEEP_OUTPUTS = 24
ENTRY = ".out"


def output_key(model_json: bytes, template_files: list[Path], fonts: object, formats: tuple[str, ...]) -> str:
    """Key of rendered files: exactly what shapes them. The model (title, date
    and changes included), the template files the rendering reads (the
    template and what it includes, extends or imports, by path and content:
    :func:`briefing.render.check_template`), the fonts, the formats, and the
    rendering code and libraries."""
    digest = hashlib.sha256(__version__.encode() + b"\0" + model_json)
    digest.update(
        data_fingerprint().encode()
    )  # clips keep the gazetteer's names and the dictionary's words whole
    here = Path(__file__).resolve().parent
    for name in _RENDER_CODE:
        path = here / name
        if path.exists():
            digest.update(path.read_bytes())
    for package in _RENDER_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}=={metadata.version(package)}".encode())
    for path in sorted(template_files):
        digest.update(b"\0template\0" + str(path).encode() + b"\0" + path.read_bytes())
    for font in (getattr(fonts, "regular", None), getattr(fonts, "bold", None)):
        if font is not None:
            info = Path(font).stat()
            digest.update(f"{font}:{info.st_size}:{info.st_mtime_ns}".encode())
    digest.update(b"\0formats\0" + ",".join(sorted(formats)).encode())
    return digest.hexdigest()


class _Entries:
    """Entries kept as files under ``<state>/cache/FOLDER``, one per key: ``KEY.out``,
    a JSON header line with each part's size and SHA-256, then the bytes. Each
    is written atomically and synced; on load every checksum is verified, and
    an entry that fails is a miss (logged) and is removed, so it is made and
    stored again. The :data:`KEEP_OUTPUTS` most recently used are kept."""

    folder_name = ""
    what = ""
    """What an entry holds, for the log ("rendered-file", "model")."""
    redo = "making it"
    """What a damaged entry means the run does again."""
    kept = "entry"

    def __init__(self, home: Path | None = None) -> None:
        self.folder = state.ensure_home(home) / "cache" / self.folder_name

    def _load(self, key: str, parts: tuple[str, ...]) -> dict[str, bytes] | None:
        path = self.folder / f"{key}{ENTRY}"
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        try:
            files = _unpack(blob)
            if sorted(files) != sorted(parts):
                raise ValueError(f"holds {', '.join(sorted(files))}, not {', '.join(sorted(parts))}")
        except ValueError as exc:
            log.warning("%s cache entry %s is damaged (%s): %s again", self.what, path.name, exc, self.redo)
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by the pruning below
        return files

    def store(self, key: str, files: dict[str, bytes]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            remove_stale(self.folder)
            write_atomic(self.folder / f"{key}{ENTRY}", _pack(files))
            entries = []
            for entry in self.folder.iterdir():
                if entry.name.endswith(ENTRY) and not entry.name.startswith("."):
                    entries.append(entry)
                elif not entry.name.startswith("."):
                    entry.unlink(missing_ok=True)  # the per-format files of earlier versions
            entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[KEEP_OUTPUTS:]:
                old.unlink(missing_ok=True)
            sync_to_disk(self.folder)
        except (OSError, OutputError) as exc:
            log.warning("could not keep the %s in the cache: %s", self.kept, exc)

    def clear(self) -> int:
        """Delete every entry kept; returns how many."""
        removed = 0
        for path in self.folder.glob("*.*") if self.folder.is_dir() else []:
            path.unlink(missing_ok=True)
            removed += 1
        return removed


class OutputCache(_Entries):
    """Rendered PDF and DOCX bytes under ``<state>/cache/outputs``, keyed by :func:`output_key`.

    A weekly run over an unchanged archive renders nothing: the same model,
    template and fonts give the same bytes, so they are reused (one entry
    holds each format's bytes).
    """

    folder_name, what, redo, kept = "outputs", "rendered-file", "rendering", "rendered files"

    def load(self, key: str, formats: tuple[str, ...]) -> dict[str, bytes] | None:
        return self._load(key, formats)


# ------------------------------------------------------------------ template checks

_TEMPLATE_CHECK_CODE = ("render.py", "template_files.py")


class TemplateChecks(_Entries):
    """Templates that passed :func:`briefing.render.check_template`, under
    ``<state>/cache/templates``: what the check looked up and found, and the files
    rendering reads (JSON), keyed by the template option, the working folder,
    where the template is looked up, and the checking code and Jinja2."""

    folder_name, what, redo, kept = "templates", "template check", "checking", "template check"


def checked_template(template: str | None, *, use_cache: bool = True) -> list[Path]:
    """:func:`briefing.render.check_template`, remembered: the same template,
    checked before by the same code from the same folder, passes again while
    every template the check read is found in the same place with the same
    text, and every optional include it did not find is still missing (seen
    without Jinja2, :mod:`briefing.template_files`). Anything else is checked
    again in full (and reports what is wrong)."""
    if not use_cache:
        from briefing.render import check_template

        return check_template(template)
    from briefing.template_files import search

    folders, name = search(template)  # a template that is not found fails here, as in the check
    where = {"template": template, "cwd": os.getcwd(), "folders": folders, "name": name}
    key = hashlib.sha256(
        (json.dumps(where, sort_keys=True, ensure_ascii=False) + _template_check_version()).encode()
    ).hexdigest()
    try:
        checks: TemplateChecks | None = TemplateChecks()
    except (OutputError, ConfigError) as exc:  # the cache only saves time
        log.debug("%s: the template is checked in full", exc)
        checks = None
    entry = checks._load(key, ("check",)) if checks else None
    if entry is not None:
        try:
            record = json.loads(entry["check"])
            if all(_found_alike(folders, *lookup) for lookup in record["lookups"]):
                return [Path(p) for p in record["used"]]
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("template check cache entry %s is unreadable (%s): checking again", key[:12], exc)
    from briefing.render import check_template

    lookups: list[list[str | None]] = []
    used = check_template(template, lookups=lookups)
    record = {"lookups": lookups, "used": [str(p) for p in used]}
    if checks:
        checks.store(key, {"check": json.dumps(record, ensure_ascii=False).encode("utf-8")})
    return used


@functools.cache
def _template_check_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for name in _TEMPLATE_CHECK_CODE:
        digest.update(b"\0" + (here / name).read_bytes())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(f"jinja2=={metadata.version('jinja2')}".encode())
    return digest.hexdigest()


def _found_alike(folders: list[str], name: str, filename: str | None, digest: str | None) -> bool:
    """Whether looking ``name`` up again finds what the check found: the same file
    with the same text, or (``filename`` null) still nothing."""
    from briefing.template_files import lookup

    try:
        found = lookup(folders, name)
    except (OSError, UnicodeDecodeError, TemplateError):
        return False  # the full check says what is wrong
    if found is None:
        return filename is None
    return found[0] == filename and hashlib.sha256(found[1].encode("utf-8")).hexdigest() == digest


# ------------------------------------------------------------------ the corpus' model

_MODEL_PACKAGES = ("jieba", "opencc", "markdown-it-py", "PyYAML")


@functools.cache
def model_version() -> str:
    """Version of everything that computes a folder's model from its files: all
    of briefing's code (reading, per-document and corpus-wide analysis), the
    data files in effect, the libraries reading and analysis use, and Python's
    Unicode database (character classes decide cleaning and tokens)."""
    import unicodedata

    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*.py")):
        digest.update(b"\0" + path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(data_fingerprint().encode())
    digest.update(f"unicode=={unicodedata.unidata_version}".encode())
    for package in _MODEL_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:32]


def model_key(listing: Listing, *, date: str, title: str | None, max_themes: int | None) -> str | None:
    """Key of a folder's model: every file's path and bytes (their :func:`document_key`),
    what was passed over and why, the date, title and theme limit, and :func:`model_version`.
    ``None`` when a file's bytes could not be read (too large, or unreadable):
    such a folder's model is not cached, and reading the file says why."""
    if not listing.complete():
        return None
    digest = hashlib.sha256(model_version().encode())
    options = {"date": date, "title": title, "max_themes": max_themes}
    digest.update(b"\0options\0" + json.dumps(options, sort_keys=True, ensure_ascii=False).encode())
    for skipped in listing.passed_over:
        digest.update(
            b"\0passed over\0" + json.dumps([skipped.path, skipped.reason], ensure_ascii=False).encode()
        )
    for _, key in sorted(listing.keys().items()):
        digest.update(b"\0file\0" + key.encode())
    return digest.hexdigest()


class ModelCache(_Entries):
    """A folder's whole model under ``<state>/cache/models``, keyed by :func:`model_key`,
    as zlib-compressed JSON: a run over an unchanged folder with the same date
    and options neither reads, analyses nor aggregates anything."""

    folder_name, what, redo, kept = "models", "model", "analysing", "model"

    def load(self, key: str) -> bytes | None:
        """The model's JSON, or ``None`` (a missing or damaged entry)."""
        files = self._load(key, ("model",))
        if files is None:
            return None
        try:
            return zlib.decompress(files["model"])
        except zlib.error as exc:  # the checksum held, so this is not expected; still a miss
            log.warning("model cache entry %s does not decompress (%s): analysing again", key[:12], exc)
            (self.folder / f"{key}{ENTRY}").unlink(missing_ok=True)
            return None

    def put(self, key: str, model_json: bytes) -> None:
        self.store(key, {"model": zlib.compress(model_json, 6)})


def _pack(files: dict[str, bytes]) -> bytes:
    formats = sorted(files)
    header = [
        {"format": f, "size": len(files[f]), "sha256": hashlib.sha256(files[f]).hexdigest()} for f in formats
    ]
    return json.dumps({"files": header}).encode() + b"\n" + b"".join(files[f] for f in formats)


def _unpack(blob: bytes) -> dict[str, bytes]:
    """The files of an entry; :class:`ValueError` when it is damaged."""
    line, newline, body = blob.partition(b"\n")
    try:
        header = [(f["format"], f["size"], f["sha256"]) for f in json.loads(line)["files"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"unreadable header: {exc}") from None
    if not all(isinstance(size, int) and size >= 0 for _, size, _ in header):
        raise ValueError("unreadable header: a size is not a count of bytes")
    files, offset = {}, 0
    for fmt, size, checksum in header:
        data = body[offset : offset + size]
        offset += size
        if len(data) != size or hashlib.sha256(data).hexdigest() != checksum:
            raise ValueError(f"its {fmt} fails its checksum")
        files[fmt] = data
    if not newline or offset != len(body):
        raise ValueError("its length is wrong")
    return files
