"""The place or market a text is about (国内, 海外, 台湾, 全球, 美国…) and which
places contrast with which (``briefing/data/market_scopes.yaml``).

A research question that names a market ("国内市场重回增长…", "腾讯和网易出海的路径")
is not answered by a passage that is explicitly about a contrasting place only:
Taiwan's revenue in 新台币 for the domestic market, Tencent's home-market revenue
for going overseas, the global market for the domestic one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefing.resources import data_yaml
from briefing.script import to_simplified


@dataclass(frozen=True)
class Scope:
    name: str
    label: str
    """How the briefing names it (国内, 台湾)."""
    pattern: re.Pattern[str] | None
    """Its explicit words."""
    relative: re.Pattern[str] | None
    """Words for the writer's home market (国内, domestic)."""
    within: str
    contrasts: frozenset[str]
    direction: bool
    """A direction from home (海外, 全球), not a place: 国内 beside it is still home."""


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for word in sorted({str(w) for w in words}, key=len, reverse=True):
        if not word.isascii():
            parts.append(re.escape(word))
            continue
        body = re.escape(word)
        # English words match whole; a word written in capitals ("US") only so written.
        body = body if word.upper() == word and any(c.isalpha() for c in word) else f"(?i:{body})"
        parts.append(rf"(?<![A-Za-z]){body}(?![A-Za-z])")
    return re.compile("|".join(parts)) if parts else None


@functools.cache
def scopes() -> dict[str, Scope]:
    raw = (data_yaml("market_scopes.yaml") or {}).get("scopes") or {}
    return {
        name: Scope(
            name=name,
            label=str(entry.get("label") or name),
            pattern=_pattern(entry.get("words") or []),
            relative=_pattern(entry.get("relative") or []),
            within=str(entry.get("within") or ""),
            contrasts=frozenset(entry.get("contrasts") or []),
            direction=bool(entry.get("direction")),
        )
        for name, entry in raw.items()
    }


@functools.cache
def _origin_re() -> re.Pattern[str]:
    raw = data_yaml("market_scopes.yaml") or {}
    nouns = "|".join(re.escape(str(w)) for w in sorted(raw.get("origin_nouns") or [], key=len, reverse=True))
    after = "|".join(re.escape(str(w)) for w in sorted(raw.get("market_after") or [], key=len, reverse=True))
    if not nouns:
        return re.compile(r"(?!)")
    return re.compile(rf"(?:{nouns})+(?!{after})" if after else rf"(?:{nouns})+")


def _names(pattern: re.Pattern[str] | None, text: str, direction: bool) -> bool:
    """The pattern names a market in the text: one of its matches is not an origin
    ("韩国游戏", "中国电动车"), where a direction is never one."""
    if pattern is None:
        return False
    return any(direction or not _origin_re().match(text, m.end()) for m in pattern.finditer(text))


@functools.cache
def _cross_border_re() -> re.Pattern[str]:
    words = (data_yaml("market_scopes.yaml") or {}).get("cross_border") or []
    latin = [re.escape(str(w)) for w in words if str(w).isascii()]
    # a word inside a longer noun is not the trade itself (贸易商 traders, 进口车 cars)
    han = [re.escape(str(w)) + r"(?![商车車])" for w in words if not str(w).isascii()]
    parts = [*han, *([rf"(?<!-)\b(?i:{'|'.join(latin)})\b(?!-)"] if latin else [])]  # not "trade-in"
    return re.compile("|".join(parts) or r"(?!)")


def cross_border(text: str) -> bool:
    """The text asks about trade across borders (出口, 反倾销, tariffs): its places
    do not contrast (market_scopes.yaml, ``cross_border``)."""
    return bool(_cross_border_re().search(to_simplified(text)))


_BASED_RE = re.compile(r"(?:\b[A-Z][a-z]+ )?\b[A-Z][a-z]+-(?:based|listed|headquartered)\b")


def named(text: str) -> frozenset[str]:
    """The places a text names as its market, and its home market when it says 国内,
    本土 or domestic without naming another place ("台湾本土游戏市场" is Taiwan's); a
    place that says where an organisation or product comes from ("代理韩国游戏",
    "台湾业者") is no market."""
    # "a Hong Kong-based analyst", "Shanghai-listed": where someone sits or lists, no market
    simple = _BASED_RE.sub(" ", to_simplified(text))
    found = {s.name for s in scopes().values() if _names(s.pattern, simple, s.direction)}
    if not any(not scopes()[f].direction for f in found):
        found |= {s.name for s in scopes().values() if _names(s.relative, simple, s.direction)}
    return frozenset(found)


def up(names: Iterable[str]) -> frozenset[str]:
    """The scopes with the larger scopes they belong to (美国 → 海外)."""
    out = set(names)
    for name in list(out):
        parent = scopes()[name].within if name in scopes() else ""
        while parent and parent not in out:
            out.add(parent)
            parent = scopes()[parent].within if parent in scopes() else ""
    return frozenset(out)


def touches(asked: frozenset[str], passage: frozenset[str]) -> bool:
    """The passage is about the place asked: it names it, a place within it (东南亚
    for 海外), or the larger scope it belongs to."""
    return bool(up(passage) & asked or passage & up(asked))


def elsewhere(asked: frozenset[str], passage: frozenset[str]) -> str:
    """The place a passage is about instead of the one a question asks about, or ""
    when it bears on that place (it names it, a place within it, or the larger scope
    it belongs to) or names no contrasting place."""
    if not asked or not passage:
        return ""
    if touches(asked, passage):
        return ""
    asked_up = up(asked)
    contrasting = set().union(*(scopes()[a].contrasts for a in asked_up if a in scopes()))
    hit = [p for p in sorted(passage) if p in contrasting or up([p]) & contrasting]
    return scopes()[hit[0]].label if hit else ""


def label(names: Iterable[str]) -> str:
    """The places a question asks about, as the briefing names them (国内、海外)."""
    return "、".join(scopes()[n].label for n in sorted(names) if n in scopes())


__all__ = ["Scope", "elsewhere", "label", "named", "scopes", "touches", "up"]
