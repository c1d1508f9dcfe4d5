"""Script helpers: which characters are Han, Traditional → Simplified, which language a text is in.

Below both cleaning and analysis, which need them and nothing else of each other.
"""

from __future__ import annotations

import functools
import re

import opencc

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")
CJK_PUNCT = "，。、；：？！…—·「」『』（）《》〈〉【】“”‘’"


def is_han(ch: str) -> bool:
    return bool(_HAN_RE.match(ch))


def is_cjk(ch: str) -> bool:
    """Han characters and CJK punctuation: no space is needed next to them."""
    return is_han(ch) or ch in CJK_PUNCT or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """OpenCC t2s: Traditional to Simplified, one character for one character."""
    converted = _converter("t2s").convert(text)
    if len(converted) != len(text):
        # Offsets must survive conversion; fall back to character by character.
        conv = _converter("t2s").convert
        converted = "".join(conv(c) if len(conv(c)) == 1 else c for c in text)
    return converted


def detect_language(text: str) -> str:
    """``en``, ``zh-Hans`` or ``zh-Hant`` from the characters of the text."""
    han = sum(1 for c in text if is_han(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if han == 0 or latin > han * 4:
        return "en"
    sample = "".join(c for c in text if is_han(c))
    simplified = to_simplified(sample)
    traditional_only = sum(1 for a, b in zip(sample, simplified, strict=True) if a != b)
    to_trad = _converter("s2t").convert(sample)
    simplified_only = sum(1 for a, b in zip(sample, to_trad, strict=False) if a != b)
    return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"
