"""Compiled regular expressions kept between runs of the ``briefing`` command (issue 15).

A cold ``generate`` compiles some 700 regular expressions (briefing's own
cleaning, figure and name rules, the gazetteer's pattern, and the libraries'):
a quarter of a second of CPU, a quarter of bare jieba's whole run, spent again
by every process because Python keeps compiled patterns only in memory. What
compiling produces is plain data: the pattern's opcode list, its flags and its
group names. :func:`install` keeps that data in one file in the user's cache
folder (:func:`briefing.user_cache.cache_folder`, beside jieba's dictionary cache)
and hands it back to ``_sre.compile`` on later runs, which skips parsing and
code generation; the regular-expression engine still checks the code it is
given.

This reaches into CPython's ``re`` internals, so it is guarded: the cache is
keyed by Python's exact version and the engine's magic number, it is only
installed after a set of probe patterns compiled both ways are found to behave
the same, and anything unexpected (a damaged file, a failed check, another
Python) means compiling the ordinary way. Only the command line installs it
(:func:`briefing.cli.main`); the library leaves ``re`` alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_FORMAT = "briefing-regex-2"
KEPT = 2000
"""Patterns kept at most, the most recently used: some are built from a set, whose
order changes from run to run, so each run can add a few that are never seen again."""
_entries: dict[tuple[bool, str | bytes, int], tuple[int, list[int], int, dict, tuple]] = {}
_stamps: dict[tuple[bool, str | bytes, int], int] = {}
"""When each pattern was last used (seconds), as kept in the file."""
_used: set[tuple[bool, str | bytes, int]] = set()
_state: dict[str, Any] = {}

# Patterns compiled both ways before the cache is trusted: groups, names, flags,
# character classes (Han ranges, negation), look-arounds, repeats, bytes.
_PROBES: tuple[tuple[str | bytes, int, str | bytes], ...] = (
    (r"(?P<year>(?:19|20)\d{2})年(?P<month>\d{1,2})月", 0, "发布于2025年11月，2024年3月"),
    (r"(?<![A-Za-z])([\u4e00-\u9fff]{2,6}?)(?:公司|集团)(?!\w)", 0, "华为技术有限公司与宁德时代集团"),
    (r"^\s*(?:to\s*-?\s*dos?|待办(?:事项)?)\s*[:：]", re.I | re.M, "x\n  TODO: a\n待办事项：b"),
    (r"[^\t\n\r -~\x85\xa0-\ud7ff]+|\b(?i:fiscal|FY) ?(\d{4})\b", 0, "FY 2025 ☃ fiscal2024 é"),
    (rb"(\x00|\xff)+[a-z]*", 0, b"\x00\xffabc"),
)


def _python_key() -> str:
    import _sre

    return hashlib.sha256(
        f"{_FORMAT}:{sys.version}:{sys.implementation.cache_tag}:{_sre.MAGIC}:{_sre.CODESIZE}".encode()
    ).hexdigest()[:16]


def install(folder: Path) -> bool:
    """Compile regular expressions through the cache in ``folder`` from now on;
    False (nothing changed) where that cannot be done safely."""
    if _state.get("installed"):
        return True
    try:
        import _sre
        import re._compiler as compiler
        import re._parser as parser
    except ImportError:
        return False
    if sys.implementation.name != "cpython" or not hasattr(compiler, "_code"):
        return False
    original = compiler.compile
    path = folder / f"regex-{_python_key()}.marshal"
    _state.update(original=original, path=path, parser=parser, compiler=compiler, sre=_sre, new=0)
    if not _probe():
        log.debug("compiled regular expressions are not cached: the probe patterns differ")
        return False
    for key, (stamp, made) in _load(path).items():
        _entries[key], _stamps[key] = made, stamp
    compiler.compile = _compile
    _state["installed"] = True
    import atexit

    atexit.register(save)  # run by briefing.cli._end too
    return True


def uninstall() -> None:
    """Compile the ordinary way again and forget the cache (for tests)."""
    if _state.get("installed"):
        _state["compiler"].compile = _state["original"]
        import atexit

        atexit.unregister(save)
    _state.clear()
    _entries.clear()
    _stamps.clear()
    _used.clear()


def save() -> None:
    """Write the cache if this process compiled patterns it did not hold (atomically)."""
    path = _state.get("path")
    if not _state.get("installed") or not _state.get("new") or path is None:
        return
    try:
        import time

        entries = _load(path)  # what other runs (and this run's other processes) kept meanwhile
        now = int(time.time())
        for key, made in _entries.items():
            stamp = now if key in _used else _stamps.get(key, 0)
            if key not in entries or entries[key][0] < stamp:
                entries[key] = (stamp, made)
        if len(entries) > KEPT:
            newest = sorted(entries, key=lambda k: entries[k][0], reverse=True)[:KEPT]
            entries = {key: entries[key] for key in newest}
        data = marshal.dumps(entries)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".regex-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(data).digest() + data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _state["new"] = 0
    except (OSError, ValueError) as exc:
        log.debug("could not keep the compiled regular expressions: %s", exc)


def _load(path: Path) -> dict:
    try:
        blob = path.read_bytes()
    except OSError:
        return {}
    try:
        if len(blob) < 32 or hashlib.sha256(blob[32:]).digest() != blob[:32]:
            raise ValueError("its checksum does not match")
        entries = marshal.loads(blob[32:])
        if not isinstance(entries, dict) or not all(
            isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], int) for v in entries.values()
        ):
            raise ValueError("not a table")
        return entries
    except (ValueError, EOFError, TypeError) as exc:
        log.debug("compiled regular expressions in %s unusable (%s): compiled again", path.name, exc)
        return {}


def _made(p: str | bytes, flags: int) -> tuple[int, list[int], int, dict, tuple]:
    """What ``re._compiler.compile`` hands ``_sre.compile`` for a pattern string (CPython 3.11+)."""
    parsed = _state["parser"].parse(p, flags)
    code = _state["compiler"]._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # Plain ints: the opcodes are an int subclass, which marshal does not take.
    return (
        int(flags | parsed.state.flags),
        [int(op) for op in code],
        int(parsed.state.groups - 1),
        {str(name): int(index) for name, index in groupindex.items()},
        tuple(indexgroup),
    )


def _compile(p: Any, flags: int = 0) -> Any:
    if not isinstance(p, str | bytes) or flags & re.DEBUG:
        return _state["original"](p, flags)
    key = (isinstance(p, bytes), p, flags)
    found = _entries.get(key)
    if found is not None:
        try:
            compiled = _state["sre"].compile(p, *found)
            _used.add(key)
            return compiled
        except (TypeError, ValueError, RuntimeError):
            del _entries[key]  # made again below
    try:
        made = _made(p, flags)
        compiled = _state["sre"].compile(p, *made)
    except re.error:
        raise
    except Exception:
        return _state["original"](p, flags)
    _entries[key] = made
    _used.add(key)
    _state["new"] += 1
    return compiled


def _probe() -> bool:
    """Whether patterns made through :func:`_made` behave as the ordinary ones."""
    original, sre = _state["original"], _state["sre"]
    try:
        for pattern, flags, text in _PROBES:
            ours, theirs = sre.compile(pattern, *_made(pattern, flags)), original(pattern, flags)
            same = (
                ours.pattern == theirs.pattern
                and ours.flags == theirs.flags
                and ours.groups == theirs.groups
                and ours.groupindex == theirs.groupindex
                and [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
                and [m.groups() for m in ours.finditer(text)] == [m.groups() for m in theirs.finditer(text)]
            )
            if not same:
                return False
    except Exception:
        return False
    return True
