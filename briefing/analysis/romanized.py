"""Chinese organisations an English source names by their pinyin: the memo asks
about 飞鹤, the wire story reports on Feihe. The gazetteer joins the names it
knows (Yili/伊利); this joins a name discovered in English to the one Chinese
word of the corpus that reads as it, so both are one organisation."""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable

from briefing.script import is_han

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"[A-Z][a-z]{3,15}")
"""A romanised Chinese name is one capitalised word (Feihe, Junlebao); "Li" or
"Yang" alone is more often a person's surname."""

_MAX_CHARS = 4
_MAX_READINGS = 16
"""Heteronym combinations tried per word (乐: le/yue): a word past this is no name."""


@functools.cache
def _readings(ch: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin  # only when an English name may be pinyin

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found else ()


def reads_as(word: str, name: str) -> bool:
    """``word`` (Han characters) read in toneless pinyin is ``name``, in any reading
    of a character with several (君乐宝 → junlebao, 飞鹤 → feihe)."""
    target = name.lower()
    options = [_readings(ch) for ch in word]
    if not all(options) or _count(options) > _MAX_READINGS:
        return False
    return any("".join(combo) == target for combo in itertools.product(*options))


def _count(options: list[tuple[str, ...]]) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


def pinyin_forms(
    names: Iterable[str], words: Iterable[str], taken: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Each English name that one Chinese word reads as, and that word: {"Feihe": "飞鹤"}.

    ``names`` are organisations found only in English text; ``words`` the Chinese
    words of the corpus; ``taken`` the words that already name an organisation.
    A name two words read as (Yili: 伊利 and 一粒) stays unjoined: a guess is worse
    than a gap."""
    targets = {n.lower(): n for n in names if _NAME_RE.fullmatch(n)}
    if not targets:
        return {}
    # the first syllable prunes most words before any combination is read
    heads = {t[:k] for t in targets for k in range(1, 7)}
    found: dict[str, set[str]] = defaultdict(set)
    for word in sorted(set(words)):
        if not 2 <= len(word) <= _MAX_CHARS or word in taken or not all(is_han(c) for c in word):
            continue
        if not any(r in heads for r in _readings(word[0])):
            continue
        for target, name in targets.items():
            if reads_as(word, target):
                found[name].add(word)
    out = {name: next(iter(forms)) for name, forms in sorted(found.items()) if len(forms) == 1}
    if out:
        log.debug("pinyin forms: %s", out)
    return out
