"""Data files shipped with the package, extendable by the user.

Every list the analysis uses (dictionary, stop words, gazetteer, glossary,
cleaning patterns) is a file in ``briefing/data``. A user extends them without
touching code by pointing ``BRIEFING_DATA`` at one or more folders (separated
by ``os.pathsep``) that hold files of the same names: their entries are added
after the built-in ones.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError

log = logging.getLogger(__name__)

ENV = "BRIEFING_DATA"


@functools.cache
def _user_dirs() -> tuple[Path, ...]:
    """The BRIEFING_DATA folders, read once per process: every cached word list,
    the gazetteer, jieba's dictionary and the analysis version agree on them."""
    raw = os.environ.get(ENV, "")
    return tuple(Path(p) for p in raw.split(os.pathsep) if p)


def data_files(name: str) -> list[tuple[str, str]]:
    """``(origin, text)`` of the built-in file and each user file of that name."""
    return _data_files(name, _user_dirs())


@functools.cache
def _data_files(name: str, user_dirs: tuple[Path, ...]) -> list[tuple[str, str]]:
    found = [
        (
            f"briefing/data/{name}",
            resources.files("briefing.data").joinpath(name).read_text("utf-8"),
        )
    ]
    for folder in user_dirs:
        path = folder / name
        if path.is_file():
            try:
                found.append((str(path), path.read_text("utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read data file {path}: {exc}") from exc
    return found


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a list file, built-in entries first."""
    lines: list[str] = []
    for _, text in data_files(name):
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def data_yaml(name: str) -> Any:
    """A YAML data file; user files extend lists and add keys to mappings (a fresh
    copy each call: several stages read the same file, and parsing YAML is slow)."""
    return copy.deepcopy(_parsed_yaml(tuple(data_files(name))))


@functools.lru_cache(maxsize=64)
def _parsed_yaml(files: tuple[tuple[str, str], ...]) -> Any:
    kept = _ParsedYaml(files)
    merged = kept.load()
    if merged is not None:
        return merged
    import yaml  # only where a YAML file is read: a run whose model is cached reads none

    # libyaml's safe loader when PyYAML has it: the same values, several times faster (gazetteer, glossary)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for origin, text in files:
        try:
            value = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            raise ConfigError(f"data file {origin} is not valid YAML: {exc}".splitlines()[0]) from exc
        merged = _merge(merged, value)
    kept.store(merged)
    return merged


class _ParsedYaml:
    """The values of a set of YAML data files, kept marshalled in the user's cache folder
    (``data/``), keyed by the files' texts and PyYAML's version: unmarshalling them
    takes a thirtieth of parsing them (0.04-0.07 s of a cold run, the gazetteer
    the most). A file that does not match its checksum is a miss; values marshal
    cannot hold (dates) are not kept."""

    KEPT = 256
    """Entries kept, the most recently used (data files edited often leave old ones)."""

    def __init__(self, files: tuple[tuple[str, str], ...]) -> None:
        from importlib import metadata

        digest = hashlib.sha256(b"yaml-v1")
        try:
            digest.update(metadata.version("PyYAML").encode())
        except metadata.PackageNotFoundError:
            self.path = None
            return
        for _origin, text in files:
            digest.update(b"\0" + text.encode("utf-8"))
        from briefing.user_cache import cache_folder

        self.path: Path | None = cache_folder() / "data" / f"{digest.hexdigest()}.marshal"

    def load(self) -> Any:
        import marshal

        if self.path is None:
            return None
        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        if len(blob) < 32 or hashlib.sha256(blob[32:]).digest() != blob[:32]:
            return None
        with contextlib.suppress(OSError):
            os.utime(self.path)  # recently used: kept by the pruning below
        return marshal.loads(blob[32:])

    def store(self, value: Any) -> None:
        import marshal
        import tempfile

        if self.path is None or value is None:
            return
        try:
            data = marshal.dumps(value)
        except ValueError:  # a date or another value marshal cannot hold
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".briefing-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(data).digest() + data)
            os.replace(tmp, self.path)
            kept = sorted(self.path.parent.glob("*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[self.KEPT :]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            log.debug("cannot keep the parsed data files: %s", exc)


def _merge(base: Any, extra: Any) -> Any:
    if base is None:
        return extra
    if extra is None:
        return base
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _merge(base.get(key), value)
        return out
    return extra


def data_fingerprint() -> str:
    """Hash of every data file in effect: part of the analysis cache key."""
    digest = hashlib.sha256()
    folder = resources.files("briefing.data")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".txt", ".yaml")):
            for origin, text in data_files(entry.name):
                digest.update(origin.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def bundled_folder(name: str) -> Path:
    """The bundled ``templates`` or ``seeds`` folder.

    Installed, they are the packages ``briefing.templates`` and ``briefing.seeds``;
    in a source checkout imported without the install's path mapping they are
    the repository's top-level folders.
    """
    try:
        return Path(str(resources.files(f"briefing.{name}")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / name
