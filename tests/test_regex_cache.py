"""Compiled regular expressions kept between runs of the command (issue 15, cold start).

A pattern handed back from the cache must behave exactly as one compiled the
ordinary way; a damaged cache file is a miss, never an error; what a run
compiles is kept for the next one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from briefing import regex_cache

# Each: a pattern, its flags, a text to match it against.
PATTERNS = [
    (r"(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]", 0, "2025年11月 与 2024-3-"),
    (r"(?<![A-Za-z])gross\ merchandise\ volume(?![A-Za-z])", re.I, "GMV: Gross Merchandise Volume rose"),
    (
        r"^(?:文|作者|记者)\s*[/／:：|丨]\s*([\u4e00-\u9fffA-Za-z·. ]{2,24}?)\s*$",
        re.M,
        "x\n记者：张三\n作者 | Li Wei",
    ),
    (
        r"[「“\"]?(?:这|该|此)(?:是|个)?([\u4e00-\u9fff]{0,16}?(?:部门|业务))[，,]",
        0,
        "“这是储能业务，该部门，",
    ),
    (r"(?=(?:宁德时代|比亚迪|华为))(?:宁德时代|比亚迪|华为)", 0, "宁德时代和比亚迪，华为"),
    (r"\b(?i:in|for|fiscal|FY) ?((?:19|20)\d{2})\b", 0, "FY2025 and In 2024"),
    (rb"(\x00|\xff)+(?P<tail>[a-z]*)", 0, b"\x00\xffabc"),
    (r"", 0, "ab"),
]


@pytest.fixture
def cache(tmp_path: Path):
    regex_cache.uninstall()
    assert regex_cache.install(tmp_path)
    re.purge()  # re's own in-memory cache would hide ours
    yield tmp_path
    regex_cache.uninstall()
    re.purge()


def _behaviour(pattern: re.Pattern, text):
    return (
        pattern.pattern,
        pattern.flags,
        pattern.groups,
        dict(pattern.groupindex),
        [(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(text)],
    )


def _ordinary(pattern, flags):
    return regex_cache._state["original"](pattern, flags)


@pytest.mark.parametrize(("pattern", "flags", "text"), PATTERNS)
def test_a_pattern_from_the_cache_behaves_as_an_ordinary_one(cache: Path, pattern, flags, text) -> None:
    expected = _behaviour(_ordinary(pattern, flags), text)
    assert _behaviour(re.compile(pattern, flags), text) == expected  # compiled, and kept
    regex_cache.save()
    regex_cache.uninstall()
    assert regex_cache.install(cache)  # a new run: read from the file
    re.purge()
    assert regex_cache._entries  # read back
    assert _behaviour(re.compile(pattern, flags), text) == expected
    assert regex_cache._state["new"] == 0  # from the cache, not compiled again


def test_what_a_run_compiles_is_kept_for_the_next(cache: Path) -> None:
    re.compile(r"第(?P<n>[一二三四])季度")
    assert regex_cache._state["new"] >= 1
    regex_cache.save()
    assert regex_cache._state["new"] == 0  # nothing new since: the next save writes nothing
    (kept,) = cache.glob("regex-*.marshal")
    blob = kept.read_bytes()
    assert hashlib.sha256(blob[32:]).digest() == blob[:32]
    regex_cache.uninstall()
    assert regex_cache.install(cache)
    assert (False, "第(?P<n>[一二三四])季度", 0) in regex_cache._entries


@pytest.mark.parametrize("damage", ["truncated", "empty", "flipped", "not a table"])
def test_a_damaged_cache_file_is_a_miss(cache: Path, damage: str) -> None:
    import marshal

    re.compile(r"(?P<a>产业)互联网")
    regex_cache.save()
    (kept,) = cache.glob("regex-*.marshal")
    blob = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(blob[:-40])
    elif damage == "empty":
        kept.write_bytes(b"")
    elif damage == "flipped":
        kept.write_bytes(blob[:50] + bytes(b ^ 0x55 for b in blob[50:90]) + blob[90:])
    else:
        data = marshal.dumps([1, 2, 3])
        kept.write_bytes(hashlib.sha256(data).digest() + data)
    regex_cache.uninstall()
    assert regex_cache.install(cache)
    re.purge()
    assert regex_cache._entries == {}
    pattern = re.compile(r"(?P<a>产业)互联网")
    assert pattern.search("工业互联网与产业互联网").group("a") == "产业"
    regex_cache.save()  # written again, whole
    blob = kept.read_bytes()
    assert hashlib.sha256(blob[32:]).digest() == blob[:32]


def test_errors_and_unusual_calls_are_those_of_re(cache: Path) -> None:
    with pytest.raises(re.error):
        re.compile(r"(unclosed")
    assert re.compile(re.compile("x")).pattern == "x"
    assert re.sub(r"(\d+)", r"<\1>", "a1b22") == "a<1>b<22>"


def test_the_patterns_used_most_recently_are_kept(cache: Path, monkeypatch) -> None:
    """Some libraries build a pattern from a set, in another order each run: the
    table keeps :data:`regex_cache.KEPT` patterns, the most recently used."""
    import marshal
    import time

    monkeypatch.setattr(time, "time", lambda: 1000.0)
    re.compile(r"(?P<a>甲)")
    re.compile(r"(?P<b>乙)")
    regex_cache.save()
    (kept,) = cache.glob("regex-*.marshal")
    first = marshal.loads(kept.read_bytes()[32:])
    regex_cache.uninstall()
    assert regex_cache.install(cache)  # the next run, later
    re.purge()
    monkeypatch.setattr(time, "time", lambda: 2000.0)
    monkeypatch.setattr(regex_cache, "KEPT", len(first))
    re.compile(r"(?P<a>甲)")  # used again
    re.compile(r"(?P<c>丙)")  # new: one of the first run's unused patterns makes room
    regex_cache.save()
    table = marshal.loads(kept.read_bytes()[32:])
    assert len(table) == len(first)
    assert table[(False, "(?P<c>丙)", 0)][0] == 2000
    assert table[(False, "(?P<a>甲)", 0)][0] == 2000
