"""The company gazetteer: known organisations, their aliases and how to find them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from briefing.errors import ConfigError
from briefing.resources import data_files, data_yaml

TYPES = (
    "company",
    "investor",
    "government",
    "association",
    "research",
    "media",
    "university",
    "product",
    "other",
)


@dataclass
class Org:
    """One gazetteer entry."""

    name: str
    type: str
    en: str | None = None
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)

    def all_names(self) -> list[str]:
        names = [self.name, *self.aliases]
        if self.en:
            names.append(self.en)
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Match:
    """A mention of a known organisation in a text."""

    start: int
    end: int
    name: str
    """Canonical name."""


class Gazetteer:
    def __init__(self, orgs: list[Org], generic: list[str]) -> None:
        self.orgs: dict[str, Org] = {}
        self.alias_to_name: dict[str, str] = {}
        for org in orgs:
            if org.type not in TYPES:
                raise ConfigError(f"gazetteer: {org.name} has unknown type {org.type!r}")
            if org.name in self.orgs:
                # A user file may extend an entry: merge aliases, later fields win.
                known = self.orgs[org.name]
                known.aliases = list(dict.fromkeys([*known.aliases, *org.aliases]))
                known.type, known.en = org.type, org.en or known.en
                known.parent = org.parent or known.parent
            else:
                self.orgs[org.name] = org
        for org in self.orgs.values():
            for alias in org.all_names():
                self.alias_to_name.setdefault(alias, org.name)
                self.alias_to_name.setdefault(alias.replace(" ", ""), org.name)
        self.generic = frozenset(generic)
        self._pattern = self._compile()
        self._lowered = {k.lower(): v for k, v in self.alias_to_name.items() if k.isascii() and len(k) > 4}

    def _compile(self) -> re.Pattern[str]:
        aliases = list(self.alias_to_name)
        if not aliases:
            return re.compile(r"(?!x)x")
        # One trie per kind of alias, so that the regex tries each shared prefix once
        # (hundreds of names: a flat alternation tries them all at every candidate
        # position). A trie keeps the longest alias first at each position.
        mixed = [a for a in aliases if not a.isascii()]
        short = [a for a in aliases if a.isascii() and len(a) <= 4]
        folded = sorted({a.lower() for a in aliases if a.isascii() and len(a) > 4})
        parts = []
        if mixed:
            parts.append(_trie(mixed))
        if folded:
            parts.append(rf"(?<![A-Za-z0-9])(?i:{_trie(folded)})(?![A-Za-z0-9])")
        if short:
            parts.append(rf"(?<![A-Za-z0-9])(?:{_trie(short)})(?![A-Za-z0-9])")
        # Every alternative first matches its alias' first character: a lookahead on
        # those characters skips all other positions at once (the same matches).
        plain = {a[0] for a in mixed + short}
        first = "|".join(
            f"{flags}[{''.join(re.escape(c) for c in sorted(chars))}]{')' if flags else ''}"
            for flags, chars in (("", plain), ("(?i:", {a[0] for a in folded}))
            if chars
        )
        return re.compile(f"(?=(?:{first}))(?:{'|'.join(parts)})")

    def zh_aliases(self) -> list[str]:
        """Every name or alias that holds a Chinese character (added to jieba)."""
        return [a for a in self.alias_to_name if not a.isascii()]

    def canonical(self, alias: str) -> str | None:
        return self.alias_to_name.get(alias) or self.alias_to_name.get(alias.replace(" ", ""))

    def find(self, text: str) -> list[Match]:
        """Known organisations mentioned in ``text`` (Simplified or English), longest alias first."""
        out = []
        lowered = self._lowered
        for m in self._pattern.finditer(text):
            surface = m.group()
            name = self.alias_to_name.get(surface) or self.alias_to_name.get(re.sub(r"\s", "", surface))
            if name is None:
                name = lowered.get(surface.lower()) or lowered.get(re.sub(r"\s", "", surface).lower())
            if name and not (m.start() and text[m.start() - 1].isdigit() and not surface.isascii()):
                # "73.4亿欧元" holds 亿欧 (a media name) after a number: an amount, not a mention.
                out.append(Match(m.start(), m.end(), name))
        return out

    def ancestors(self, name: str) -> list[str]:
        chain = []
        seen = {name}
        while (org := self.orgs.get(name)) and org.parent and org.parent not in seen:
            chain.append(org.parent)
            seen.add(org.parent)
            name = org.parent
        return chain

    def descendants(self, name: str) -> list[str]:
        return [o.name for o in self.orgs.values() if name in self.ancestors(o.name)]


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words``, longest first, as a trie of alternatives
    ("阿里(?:云|巴巴(?:集团)?)?"); a space matches optional whitespace."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alternatives = [
            (r"\s?" if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not alternatives:
            return ""
        ends = "" in node
        if len(alternatives) == 1 and not ends:
            return alternatives[0]
        body = "(?:" + "|".join(alternatives) + ")"
        return body + "?" if ends else body

    return build(root)


@functools.cache
def _load(files: tuple[tuple[str, str], ...]) -> Gazetteer:
    raw = data_yaml("gazetteer.yaml") or {}
    orgs = []
    for entry in raw.get("organisations", []):
        try:
            orgs.append(
                Org(
                    name=str(entry["name"]),
                    type=str(entry.get("type", "company")),
                    en=entry.get("en"),
                    parent=entry.get("parent"),
                    aliases=[str(a) for a in entry.get("aliases", []) or []],
                )
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"gazetteer: malformed entry {entry!r}") from exc
    return Gazetteer(orgs, [str(g) for g in raw.get("generic", [])])


def gazetteer() -> Gazetteer:
    """The gazetteer in effect (built-in plus user data files)."""
    return _load(tuple(data_files("gazetteer.yaml")))
