"""The files of a source folder: which are read and which are passed over, and why.

Kept apart from :mod:`briefing.readers` (which parses and cleans, and imports
what that needs) so that a run whose model is cached lists and hashes its
folder without importing the readers (:mod:`briefing.model_cache`).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import InputError
from briefing.model import Document, Skipped

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024
"""Files larger than this are skipped (too large to read)."""

_SPECIAL = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def iter_files(source: Path) -> tuple[list[Path], list[Skipped]]:
    """Every non-hidden regular file under ``source``, recursively, sorted by
    relative path; and what was passed over, with the reason: folders that
    cannot be read, symbolic links to folders (not followed: one could lead
    anywhere, or back up the tree), broken links and link loops, special files
    (named pipes, sockets, devices: never opened, a pipe would block). An
    unreadable ``source`` itself is an :class:`InputError`."""
    source = Path(source)
    files: list[Path] = []
    skipped: list[Skipped] = []

    def rel(path: Path) -> str:
        return path.relative_to(source).as_posix()

    def unreadable(exc: OSError) -> None:
        folder = Path(exc.filename) if exc.filename else source
        if folder == source:
            raise InputError(f"cannot read source folder {source}: {exc.strerror or exc}")
        skipped.append(Skipped(path=rel(folder) + "/", reason=f"cannot read folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(source, onerror=unreadable):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith(".") or name == "__pycache__":
                continue
            if (here / name).is_symlink():
                skipped.append(
                    Skipped(path=rel(here / name) + "/", reason="symbolic link to a folder: not followed")
                )
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if not name.startswith("."):
                reason = _not_a_file(here / name)
                if reason:
                    skipped.append(Skipped(path=rel(here / name), reason=reason))
                else:
                    files.append(here / name)
    return sorted(files, key=rel), sorted(skipped, key=lambda s: s.path)


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file to read, or null when it is one."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if exc.errno == errno.ENOENT and path.is_symlink():
            return "broken symbolic link"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(info.st_mode):
        return None
    return f"{_SPECIAL.get(stat.S_IFMT(info.st_mode), 'not a regular file')}: not read"


def document_key(rel: str, raw: bytes) -> str:
    """Key of a file's reading: its path in the source folder and its bytes."""
    return hashlib.sha256(rel.encode("utf-8") + b"\0" + raw).hexdigest()


@dataclass
class Listing:
    """A source folder's files (sorted by relative path), what was passed over,
    and the bytes of each file that could be read (by position)."""

    source: Path
    paths: list[Path]
    passed_over: list[Skipped]
    raws: dict[int, bytes] = field(default_factory=dict)

    def rel(self, i: int) -> str:
        return self.paths[i].relative_to(self.source).as_posix()

    _keys: dict[int, str] | None = field(default=None, repr=False)

    def keys(self) -> dict[int, str]:
        """:func:`document_key` of each file whose bytes were read (hashed once)."""
        if self._keys is None:
            self._keys = {i: document_key(self.rel(i), raw) for i, raw in self.raws.items()}
        return dict(self._keys)

    def complete(self) -> bool:
        """Whether every file's bytes were read."""
        return len(self.raws) == len(self.paths)

    def take_bytes(self) -> dict[int, bytes]:
        """The bytes read, handed over (the listing keeps none)."""
        raws, self.raws = self.raws, {}
        return raws


def list_folder(
    source: Path,
    *,
    with_bytes: bool = True,
    listed: Callable[[Path], tuple[list[Path], list[Skipped]]] = iter_files,
) -> Listing:
    """The files of ``source`` (:func:`iter_files`), with their bytes unless a file
    is larger than :data:`MAX_BYTES` or cannot be read (reading it later says why).
    A missing source, or one that is not a folder, is an :class:`InputError`."""
    source = Path(source)
    if not source.exists():
        raise InputError(f"source folder not found: {source}")
    if not source.is_dir():
        raise InputError(f"not a folder: {source}")
    paths, passed_over = listed(source)
    listing = Listing(source, paths, passed_over)
    if with_bytes:
        for i, path in enumerate(paths):
            try:
                if path.stat().st_size > MAX_BYTES:
                    continue
                listing.raws[i] = path.read_bytes()
            except OSError:
                continue
    return listing


def default_source() -> Path:
    """``seeds/`` in the current folder when it exists, else the bundled sample corpus."""
    local = Path("seeds")
    if local.is_dir():
        return local
    from briefing.resources import bundled_folder

    return bundled_folder("seeds")


class Report:
    """Progress through a folder: one line per file (read, cached or skipped) and a count."""

    def __init__(
        self,
        total: int,
        progress: Callable[[str], None] | None,
        counter: Callable[[int, int], None] | None,
    ) -> None:
        self.total, self.done = total, 0
        self.say = progress or (lambda _line: None)
        self.count = counter or (lambda _done, _total: None)

    def start(self, line: str) -> None:
        self.say(line)
        self.count(0, self.total)

    def file(self, result: Document | Skipped, cached: bool = False) -> Document | Skipped:
        self.done += 1
        if isinstance(result, Skipped):
            log.debug("skipped %s: %s", result.path, result.reason)
            self.say(f"skipped {result.path}: {result.reason}")
        else:
            self.say(f"{'cached' if cached else 'read'} {result.path}")
        self.count(self.done, self.total)
        return result

    def cached(self, path: str) -> None:
        """A document known from a cache by its path alone (the cached model of the corpus)."""
        self.done += 1
        self.say(f"cached {path}")
        self.count(self.done, self.total)
