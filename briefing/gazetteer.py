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
    not_before: list[str] = field(default_factory=list)
    """Words that, right after a Chinese alias, make it a common word (苹果汁, 苹果园)."""
    sector: str | None = None
    """Its line of business (airline, bank, carmaker…) when a pointer such as "the
    airline" must know it (``pointer_sectors_en`` of organisations.yaml)."""
    any_case: bool = False
    """Its English names match in any case ("Tsmc", "tsmc"); otherwise only as written
    or in capitals (Apple, APPLE; never "apple juice")."""

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
    def __init__(self, orgs: list[Org], generic: list[str], holding_forms: list[str] = ()) -> None:
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
                known.not_before = list(dict.fromkeys([*known.not_before, *org.not_before]))
                known.any_case = known.any_case or org.any_case
                known.sector = org.sector or known.sector
            else:
                self.orgs[org.name] = org
        for org in self.orgs.values():
            for alias in org.all_names():
                self.alias_to_name.setdefault(alias, org.name)
                self.alias_to_name.setdefault(alias.replace(" ", ""), org.name)
        # "SF Holding" is the listed parent of "SF Express": an English name made of an
        # acronym and one word is also known by the acronym and a holding form
        # (gazetteer.yaml holding_forms), unless another entry has that name.
        for org in self.orgs.values():
            stem = re.fullmatch(r"([A-Z][A-Z&]{1,5}) [A-Z][a-z]+", org.en or "")
            if org.type == "company" and stem:
                for form in holding_forms:
                    self.alias_to_name.setdefault(f"{stem.group(1)} {form}", org.name)
        self.generic = frozenset(generic)
        # An English alias matches as written; one of five letters or more also in
        # capitals (a headline's "ALIBABA"); an entry marked any_case in any case.
        self._upper = {
            k.upper(): v
            for k, v in self.alias_to_name.items()
            if k.isascii() and len(k) > 4 and k.upper() != k
        }
        self._lowered = {
            k.lower(): v for k, v in self.alias_to_name.items() if k.isascii() and self.orgs[v].any_case
        }
        self._pattern = self._compile()
        self._firsts = (
            frozenset(a[0] for a in self.alias_to_name)
            | frozenset(a[0] for a in self._upper)
            | frozenset(a[0].lower() for a in self._lowered)
            | frozenset(a[0].upper() for a in self._lowered)
        )

    def _compile(self) -> re.Pattern[str]:
        aliases = list(self.alias_to_name)
        if not aliases:
            return re.compile(r"(?!x)x")
        # One trie per kind of alias, so that the regex tries each shared prefix once
        # (hundreds of names: a flat alternation tries them all at every candidate
        # position). A trie keeps the longest alias first at each position.
        mixed = [a for a in aliases if not a.isascii()]
        folded = sorted(self._lowered)
        exact = sorted({a for a in aliases if a.isascii()} | set(self._upper))
        parts = []
        if mixed:
            parts.append(_trie(mixed))
        if folded:
            parts.append(rf"(?<![A-Za-z0-9])(?i:{_trie(folded)})(?![A-Za-z0-9])")
        if exact:
            parts.append(rf"(?<![A-Za-z0-9])(?:{_trie(exact)})(?![A-Za-z0-9])")
        # Every alternative first matches its alias' first character: a lookahead on
        # those characters skips all other positions at once (the same matches).
        plain = {a[0] for a in mixed + exact}
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

    def _name_of(self, surface: str) -> str | None:
        name = self.alias_to_name.get(surface) or self.alias_to_name.get(re.sub(r"\s", "", surface))
        if name is None:
            name = self._upper.get(surface) or self._upper.get(re.sub(r"\s", "", surface))
        if name is None:
            lowered = self._lowered
            name = lowered.get(surface.lower()) or lowered.get(re.sub(r"\s", "", surface).lower())
        return name

    def find(self, text: str) -> list[Match]:
        """Known organisations mentioned in ``text`` (Simplified or English): at each
        place the longest alias, a longer alias that starts inside a shorter one
        winning over it, an English alias only as a whole name (never the tail of a
        longer capitalised name: "Bank of China" in "Industrial and Commercial Bank
        of China" is not a mention of 中国银行)."""
        out: list[Match] = []
        pos = 0
        while True:
            m = self._pattern.search(text, pos)
            if m is None:
                break
            start, end = m.start(), m.end()
            # A longer alias that starts inside this one and goes past its end wins.
            for inner in range(start + 1, end):
                if text[inner] not in self._firsts:
                    continue
                longer = self._pattern.match(text, inner)
                if longer and longer.end() > end and longer.end() - inner > end - start:
                    start, end = inner, longer.end()
                    break
            pos = end
            surface = text[start:end]
            name = self._name_of(surface)
            if name is None:
                continue
            org = self.orgs.get(name)
            if (
                org is not None
                and org.not_before
                and not surface.isascii()
                and text.startswith(tuple(org.not_before), end)
            ):
                continue  # "苹果汁", "苹果种植": the fruit, not the company
            if _in_work_title(text, start, end):
                continue  # 《王者荣耀》: a word of a game's, a book's or a law's title
            if start and text[start - 1].isdigit() and not surface.isascii():
                continue  # "73.4亿欧元" holds 亿欧 (a media name) after a number: an amount
            if surface[:1].isascii() and _inside_latin_name(text, start):
                continue
            out.append(Match(start, end, name))
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


def _in_work_title(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is part of a title in 《》 (《王者荣耀》), not the whole of one
    (《人民日报》 is the paper)."""
    opened = text.rfind("《", max(0, start - 30), start + 1)
    if opened == -1 or "》" in text[opened:start]:
        return False
    closed = text.find("》", end, end + 30)
    return closed != -1 and (opened + 1, closed) != (start, end)


_LATIN_WORD_BEFORE = re.compile(r"(?:^|(?<=[^A-Za-z0-9'’.-]))([A-Z][a-z][A-Za-z&-]*)\s$")


@functools.cache
def _not_name_parts() -> frozenset[str]:
    """Capitalised words that never start a longer name: organisations.yaml's
    en_not_names and en_places ("When Tesla", "Chinese BYD")."""
    raw = data_yaml("organisations.yaml") or {}
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(str(w) for key in ("en_not_names", "en_places") for w in raw.get(key) or [])


_NATIONALITY = re.compile(r"(?:ese|ian|ean|can|ish|ch|ai)$")


def _inside_latin_name(text: str, start: int) -> bool:
    """An English alias at ``text[start]`` continues a longer capitalised name: the
    word before it is a capitalised word mid-sentence, not a function word, a
    nationality or a dateline ("Commercial Bank of China", never "When Tesla",
    "Chinese BYD", "SEOUL Qualcomm")."""
    m = _LATIN_WORD_BEFORE.search(text, max(start - 30, 0), start)
    if not m:
        return False
    word = m.group(1)
    if word in _not_name_parts() or _NATIONALITY.search(word):
        return False
    before = text[: m.start(1)].rstrip()
    # A sentence (or a line, or a bracket) opens with it: "Analysts said…", "When Tesla…".
    return bool(before) and before[-1] not in '.!?:;\n"“(（「，。'


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
                    not_before=[str(w) for w in entry.get("not_before", []) or []],
                    any_case=bool(entry.get("any_case", False)),
                    sector=str(entry["sector"]) if entry.get("sector") else None,
                )
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"gazetteer: malformed entry {entry!r}") from exc
    return Gazetteer(
        orgs, [str(g) for g in raw.get("generic", [])], [str(f) for f in raw.get("holding_forms", []) or []]
    )


def gazetteer() -> Gazetteer:
    """The gazetteer in effect (built-in plus user data files)."""
    return _load(tuple(data_files("gazetteer.yaml")))
