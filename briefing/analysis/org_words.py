"""The vocabulary of organisation names (``organisations.yaml``) and the tests on
a name's parts that both name discovery (:mod:`briefing.analysis.names`) and the
sentence cues (:mod:`briefing.analysis.cues`) use: the type a suffix suggests, and
whether a stem holds a name-like part rather than common words.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from briefing.errors import ConfigError
from briefing.resources import data_yaml
from briefing.script import is_han

# ----------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Words:
    """The lists of ``organisations.yaml``, as tuples (longest first) and sets."""

    legal: tuple[str, ...]
    en_legal: frozenset[str]
    en_tails: frozenset[str]
    zh_tails: tuple[str, ...]
    countries: tuple[str, ...]
    en_places: frozenset[str]
    en_not_names: frozenset[str]
    suffix_types: tuple[tuple[str, str], ...]
    """(suffix, type), longest suffix first."""
    nt_government: tuple[str, ...]
    weak_suffixes: frozenset[str]
    generic_stems: frozenset[str]
    kind_stems: frozenset[str]
    """Words that only say an organisation's business or standing (白酒, 券商, 头部)."""
    generic_names: frozenset[str]
    not_name_endings: tuple[str, ...]
    school_endings: tuple[str, ...]
    not_name_parts: tuple[str, ...]
    business_titles: frozenset[str]
    commentator_titles: frozenset[str]
    title_descriptors: frozenset[str]
    kind_nouns: frozenset[str]
    kind_nouns_en: frozenset[str]
    kind_noun_types: dict[str, str]
    listing_venues: tuple[str, ...]
    named_markers: frozenset[str]
    company_predicates: frozenset[str]
    measure_qualifiers: tuple[str, ...]
    report_verbs: frozenset[str]
    source_markers: tuple[str, ...]
    speech_verbs: tuple[str, ...]
    own_speech_pointers: tuple[str, ...]
    own_speech_between: tuple[str, ...]
    ranking_words: tuple[str, ...]
    list_head_words: tuple[str, ...]
    """Words between a share word and the colon of a heading of a list of shares."""
    example_markers: tuple[str, ...]
    example_tails: tuple[str, ...]
    stock_words: tuple[str, ...]
    market_words: tuple[str, ...]
    scope_words: tuple[str, ...]
    demonstratives: tuple[str, ...]
    ellipsis_words: tuple[str, ...]
    demonstratives_en: tuple[str, ...]
    """Nouns that, after "the" (and up to three words), point back to an organisation."""
    speech_verbs_en: frozenset[str]
    analyst_words_en: frozenset[str] = frozenset()
    """Words between an organisation and a speech verb that make it a source (its analysts)."""
    clause_openers_en: frozenset[str] = frozenset()
    """Words that may open an English clause before its subject (and, while, meanwhile…)."""
    report_verbs_en: frozenset[str] = frozenset()
    """Verbs by which an organisation reports its own numbers (said, reported…)."""
    demonstratives_en_not_before: tuple[str, ...] = ()
    pointer_sectors_en: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(pointer noun, the sectors it may point back to): "the airline" → airline, 该行 → bank."""
    sector_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(sector, words in a name that tell it): airline → Air, Airlines, 航空…"""
    """Words after such a noun that make it a modifier ("the airline industry")."""
    demonstratives_en_not_after: tuple[str, ...] = ()
    """Words between "the" and such a noun that make it another one ("the rival carrier")."""
    object_verbs: tuple[str, ...] = ()
    """Verbs whose object an organisation right after them is (学习, 超越, 对标…)."""
    name_breakers: tuple[str, ...] = ()
    """Words that never stand inside a name (可能, 会, 对, 从…): a span across one is a clause."""
    suffix_continuations: tuple[str, ...] = ()
    line_verbs: tuple[str, ...] = ()
    """Verbs whose object is a line of business (布局, 进军): a weak suffix after one names no company."""
    """Words that, right after an organisation suffix, make it part of a longer noun
    ("政府采购", "银行股", "集团化"): the suffix ends no name there."""
    modifier_heads: tuple[str, ...] = ()
    """Nouns that, right after a name, make it a modifier of a thing (原X总部地块)."""
    former_markers: tuple[str, ...] = ()
    """Words that, right before a name, make it a former owner or name (原, 旧)."""
    passive_instruments: tuple[str, ...] = ()
    """Words after a passive agent that introduce what it pays with (以, 斥资)."""
    passive_gains: tuple[str, ...] = ()
    """Verbs after a passive agent that make it the one that gains (夺得, 收购)."""
    former_not: tuple[str, ...] = ()
    """Words ending in a former marker that are no such marker (中原, 依旧)."""
    passive_markers: tuple[str, ...] = ()
    """Words that, right before a name, make it a passive clause's agent (被, 遭)."""


def _longest(items: object) -> tuple[str, ...]:
    return tuple(sorted({str(i) for i in items or ()}, key=lambda s: (-len(s), s)))  # type: ignore[attr-defined]


def _table(raw: dict[str, object], key: str, lower: bool = False) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = raw.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ConfigError(f"data file organisations.yaml: {key} must map words to lists")
    return tuple((str(k).lower() if lower else str(k), tuple(str(x) for x in v)) for k, v in value.items())


@functools.cache
def words() -> Words:
    """The vocabulary in effect (built-in plus user data files)."""
    raw = data_yaml("organisations.yaml") or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("suffix_types") or {}, dict):
        raise ConfigError(
            "data file organisations.yaml: expected lists under named keys (see the built-in file)"
        )

    def items(key: str) -> list[str]:
        value = raw.get(key) or []
        if not isinstance(value, list):
            raise ConfigError(f"data file organisations.yaml: {key} must be a list")
        return [str(x) for x in value]

    suffix_types = sorted(
        ((str(s), str(kind)) for kind, group in (raw.get("suffix_types") or {}).items() for s in group),
        key=lambda t: (-len(t[0]), t[0]),
    )
    return Words(
        legal=_longest(items("legal_suffixes")),
        en_legal=frozenset(items("en_legal_suffixes")),
        en_tails=frozenset(items("en_generic_tails")),
        zh_tails=_longest(items("zh_generic_tails")),
        countries=_longest(items("country_prefixes")),
        en_places=frozenset(items("en_places")),
        en_not_names=frozenset(items("en_not_names")),
        suffix_types=tuple(dict.fromkeys(suffix_types)),
        nt_government=_longest(items("nt_government_endings")),
        weak_suffixes=frozenset(items("weak_suffixes")),
        generic_stems=frozenset(items("generic_stems")),
        kind_stems=frozenset(items("kind_stems")),
        generic_names=frozenset(items("generic_names")),
        not_name_endings=_longest(items("not_name_endings")),
        school_endings=_longest(items("school_endings")),
        not_name_parts=_longest(items("not_name_parts")),
        business_titles=frozenset(items("business_titles")),
        commentator_titles=frozenset(items("commentator_titles")),
        title_descriptors=frozenset(items("title_descriptors")),
        kind_nouns=frozenset(items("kind_nouns")),
        kind_nouns_en=frozenset(w.lower() for w in items("kind_nouns_en")),
        kind_noun_types={str(k): str(v) for k, v in (raw.get("kind_noun_types") or {}).items()},
        listing_venues=_longest(items("listing_venues")),
        named_markers=frozenset(items("named_markers")),
        company_predicates=frozenset(items("company_predicates")),
        measure_qualifiers=_longest(items("measure_qualifiers")),
        report_verbs=frozenset(items("report_verbs")),
        source_markers=_longest(items("source_markers")),
        speech_verbs=_longest(items("speech_verbs")),
        own_speech_pointers=_longest(items("own_speech_pointers")),
        own_speech_between=_longest(items("own_speech_between")),
        ranking_words=_longest(items("ranking_words")),
        list_head_words=_longest(items("list_head_words")),
        example_markers=_longest(items("example_markers")),
        example_tails=_longest(items("example_tails")),
        stock_words=_longest(items("stock_words")),
        market_words=_longest(items("market_words")),
        scope_words=_longest(items("scope_words")),
        demonstratives=_longest(items("demonstratives")),
        ellipsis_words=_longest(items("ellipsis_words")),
        demonstratives_en=_longest(w.lower() for w in items("demonstratives_en")),
        demonstratives_en_not_before=_longest(w.lower() for w in items("demonstratives_en_not_before")),
        pointer_sectors_en=_table(raw, "pointer_sectors_en", lower=True) + _table(raw, "pointer_sectors_zh"),
        sector_words=_table(raw, "sector_words"),
        demonstratives_en_not_after=_longest(w.lower() for w in items("demonstratives_en_not_after")),
        speech_verbs_en=frozenset(w.lower() for w in items("speech_verbs_en")),
        analyst_words_en=frozenset(w.lower() for w in items("analyst_words_en")),
        clause_openers_en=frozenset(w.lower() for w in items("clause_openers_en")),
        report_verbs_en=frozenset(w.lower() for w in items("report_verbs_en")),
        suffix_continuations=_longest(items("suffix_continuations")),
        line_verbs=_longest(items("line_verbs")),
        name_breakers=_longest(items("name_breakers")),
        object_verbs=_longest(items("object_verbs")),
        modifier_heads=_longest(items("modifier_heads")),
        former_markers=_longest(items("former_markers")),
        passive_markers=_longest(items("passive_markers")),
        former_not=_longest(items("former_not")),
        passive_instruments=_longest(items("passive_instruments")),
        passive_gains=_longest(items("passive_gains")),
    )


# ---------------------------------------------------------------------- types


def org_type(name: str) -> str:
    """The type an organisation's name suggests by its suffix (company when none)."""
    for suffix, kind in words().suffix_types:
        if name.endswith(suffix):
            return kind
    return "company"


# ------------------------------------------------------------ name checking


def _is_common(token: str) -> bool:
    """A word general Chinese uses often: a kind, not a name (钢铁, 商业, 资产)."""
    from briefing.nlp import generic_words, pos_tag, rarity

    w = words()
    if token in w.generic_stems or token in generic_words():
        return True
    if pos_tag(token) in ("nr", "nrt", "nz", "nt", "ns"):
        return False
    if rarity(token) < 12.0:
        return True
    # A compound the dictionary does not list but made of its words ("管理型", "股份有限").
    pieces = [token[i : i + 2] for i in range(0, len(token), 2)]
    return len(token) >= 3 and all(rarity(p) < 13.0 for p in pieces)


_SPLIT_PIECE_POS = ("n", "ng", "x", "nr", "nz")
"""Tags a one-character piece of a name jieba splits may have besides a rare verb or
adjective (:data:`SPLIT_VERB_RARITY`); never a function character (各: r, 九: m)."""


SPLIT_VERB_RARITY = 10.0
"""A one-character verb or adjective rarer than this may be a piece of a name (捞: 11.3,
胖: 10.8); commoner ones are grammar or prefixes (系, 是, 有, 新, 大, 全: below 10)."""


def _name_piece(char: str) -> bool:
    """A one-character word that may stand inside a name jieba splits (捞, not 系 or 新)."""
    from briefing.nlp import pos_tag, rarity

    tag = pos_tag(char)
    if tag[:1] in ("v", "a"):
        return rarity(char) >= SPLIT_VERB_RARITY
    return tag in _SPLIT_PIECE_POS


def split_name(stem: str) -> bool:
    """``stem`` holds a name the dictionary splits into pieces: two adjacent Chinese
    tokens, one of a single character the dictionary tags as a verb or noun, that
    together form no dictionary word (海底+捞; not 新+零售, a dictionary word, nor a
    prefix character such as 新 or 大)."""
    from briefing.nlp import rarity

    tokens = [t for t in _tokens(stem) if is_han(t[0])]
    for a, b in itertools.pairwise(tokens):
        if len(a) + len(b) < 3 or (len(a) != 1 and len(b) != 1):
            continue
        single = a if len(a) == 1 else b
        if _name_piece(single) and rarity(a + b) >= 14.0 and a + b in stem:
            return True
    return False


def _distinctive(stem: str, places_count: bool) -> bool:
    """``stem`` holds a name-like part: a word jieba does not know or tags as a
    name, not only common nouns (and places, when ``places_count`` is false)."""
    from briefing.nlp import pos_tag

    if not stem:
        return False
    if stem in words().generic_stems:
        return False
    if stem.isascii():
        return bool(re.fullmatch(r"[A-Z][A-Za-z0-9&.\-]*", stem)) and stem not in words().en_not_names
    kinds = words().generic_stems | words().kind_stems
    for token in _tokens(stem):
        if token in kinds or (len(token) == 4 and token[:2] in kinds and token[2:] in kinds):
            continue  # "高端白酒集团", "头部券商公司": a kind, unless another word names it
        if pos_tag(token) == "ns" or token in words().countries:
            if places_count and token not in words().countries:
                return True  # "苏州农商银行", "北辰零售集团"; never "荷兰公司", "中国资本"
            continue
        if token.isascii() and re.fullmatch(r"[A-Z][A-Za-z0-9&.\-]+", token):
            return True
        if is_han(token[0]) and not _is_common(token):
            return True
    return split_name(stem)


@functools.lru_cache(maxsize=16384)
def _tokens(name: str) -> tuple[str, ...]:
    from briefing.nlp import zh_cut

    return tuple(t for t in zh_cut(name) if t.strip())


# ------------------------------------------------------------ English acts


def _actions_en_section(key: str) -> dict[str, str]:
    raw = data_yaml("actions_en.yaml") or {}
    section = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(section or {}, dict):
        raise ConfigError(f"data file actions_en.yaml: {key} must map English words to Chinese")
    return {str(k).lower(): str(v) for k, v in (section or {}).items()}


@functools.cache
def actions_en() -> dict[str, str]:
    """English action stems and the Chinese verb each renders as (``actions_en.yaml``)."""
    return _actions_en_section("verbs")


@functools.cache
def objects_en() -> tuple[tuple[str, str], ...]:
    """English nouns a rendered move may name, with their Chinese, longest first."""
    items = list(_actions_en_section("objects").items())
    return tuple(sorted(items, key=lambda kv: (-len(kv[0]), kv[0])))


@functools.cache
def _actions_en_re() -> re.Pattern[str]:
    stems = sorted(actions_en(), key=lambda s: (-len(s), s))
    return re.compile(r"(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def en_action(word: str) -> str | None:
    """The Chinese verb of an English action word ("manufacturer" → 生产), if it is one."""
    low = word.lower()
    for stem in sorted(actions_en(), key=lambda s: (-len(s), s)):
        if low.startswith(stem):
            return actions_en()[stem]
    return None
