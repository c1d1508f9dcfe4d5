"""Writers: the intermediate document becomes a file.

Every file the tool writes goes through :func:`write_files` (or
:func:`write_atomic` for one file): all of a briefing's files are written to
temporary names (``.NAME.PID.RANDOM.tmp``, synced to disk) and only then
renamed into place, the old files being kept until every rename succeeded;
so a run that fails leaves each final name as it was, and never a
half-written file. Temporary files left by runs that were killed are removed
by the next run that writes beside them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from briefing.errors import OutputError

STALE_AFTER = 3600
"""Seconds after which a temporary file is stale even if its process id is
in use (by then, by another process)."""
_TEMP = re.compile(r"^\..+?\.(?:(\d+)\.[0-9a-f]+\.(?:tmp|old)|[A-Za-z0-9_]{8}\.tmp|(\d+)\.tmp)$")
"""Temporary names: ``.NAME.PID.HEX.tmp`` / ``.old`` (this version),
``.NAME.XXXXXXXX.tmp`` (mkstemp, earlier versions), ``.NAME.PID.tmp`` (the
rendered-file cache of earlier versions)."""


def temp_name(path: Path, kind: str = "tmp") -> Path:
    """A hidden name beside ``path`` that carries this process's id."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{kind}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def remove_stale(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Remove temporary files of runs that ended (killed, or out of power) from
    ``folder``; with ``names``, only those of files with these names. Returns
    what was removed."""
    prefixes = tuple(f".{n}." for n in names) if names is not None else (".",)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match or not entry.name.startswith(prefixes):
            continue
        pid = match.group(1) or match.group(2)
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            if old or (pid is not None and not _alive(int(pid))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def sync_to_disk(path: Path) -> None:
    """fsync a file, or a folder (which makes the renames in it durable)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system syncs folders
    finally:
        os.close(fd)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a synced temporary file beside ``path``."""
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _is_stream(path: Path) -> bool:
    """``-o /dev/stdout``, a named pipe, a device: written into, never replaced by a file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISBLK(mode)


def _keep(path: Path) -> Path | None:
    """The current content of ``path`` under a hidden name (a hard link), or
    null when there is no file yet."""
    if not path.is_file():
        return None
    kept = temp_name(path, "old")
    try:
        os.link(path, kept)
    except OSError:  # a file system without hard links
        shutil.copy2(path, kept)
    return kept


def write_files(files: dict[Path, bytes]) -> None:
    """Write several files so that either all of them change or none does.

    Each file is written and synced under a temporary name first; then each
    old file is kept (hard link) and every new one renamed into place; when any
    step fails, the files already renamed get their old content back.
    :class:`OutputError` names the file that failed. A target that is a device
    or a pipe (``/dev/stdout``) is written into, last, never replaced.
    """
    files = {Path(path): data for path, data in files.items()}
    streams = {path: data for path, data in files.items() if _is_stream(path)}
    staged: dict[Path, Path] = {}
    kept: dict[Path, Path | None] = {}
    renamed: list[Path] = []
    current: Path | None = None
    try:
        for path, data in files.items():
            if path in streams:
                continue
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(path.parent, [path.name])
            staged[path] = _stage(path, data)
        for path in staged:  # nothing in the way, before any name changes
            current = path
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        for path, tmp in staged.items():
            current = path
            kept[path] = _keep(path)
            os.replace(tmp, path)
            renamed.append(path)
        for folder in {p.parent for p in staged}:
            sync_to_disk(folder)
        for path, data in streams.items():
            current = path
            with open(path, "wb") as handle:
                handle.write(data)
    except BaseException as exc:
        _roll_back(renamed, kept)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {current}: {exc.strerror or exc}") from exc
        raise
    finally:
        for leftover in [*staged.values(), *kept.values()]:
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)


def _roll_back(renamed: list[Path], kept: dict[Path, Path | None]) -> None:
    """Give every file already renamed its old content back (or remove it if it is new)."""
    for path in renamed:
        old = kept.get(path)
        with contextlib.suppress(OSError):
            if old is not None:
                os.replace(old, path)
            else:
                os.unlink(path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a synced temporary file and a rename."""
    write_files({Path(path): data})


def check_writable(folder: Path) -> None:
    """Fail early, before any work, when ``folder`` cannot receive files."""
    folder = Path(folder)
    probe = temp_name(folder / "probe")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale(folder, ["probe"])
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
