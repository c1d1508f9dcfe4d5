"""Script helpers: which characters are Han, Traditional → Simplified, which language a text is in.

Below both cleaning and analysis, which need them and nothing else of each other.
"""

from __future__ import annotations

import functools
import re

import opencc

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CN_NUMERAL = r"(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
"""A Chinese numeral from 1 to 99 as authors number sections and items (三、, 十二、);
not two digits side by side (三一、 is a company)."""
_HAN_RE = re.compile(f"[{HAN}]")
CJK_PUNCT = "，。、；：？！…—·「」『』（）《》〈〉【】“”‘’"


def is_han(ch: str) -> bool:
    return bool(_HAN_RE.match(ch))


def is_cjk(ch: str) -> bool:
    """Han characters and CJK punctuation: no space is needed next to them."""
    return is_han(ch) or ch in CJK_PUNCT or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


_CONTENT_BIGRAM_RE = re.compile(rf"(?=([{HAN}]{{2}}))")
_FUNCTION_HAN = set("的了是在和与及或也就都而之其这那有为以于把被对从向到一不上下中个们你我他她它")


def content_bigrams(text: str) -> set[str]:
    """The two-character runs of Han a text holds, without those holding a character of
    grammar (的, 是, 在…): what two texts share of content, whatever the segmenter does."""
    return {b for b in _CONTENT_BIGRAM_RE.findall(text) if not (set(b) & _FUNCTION_HAN)}


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


_NOT_HAN_RE = re.compile(f"[^{HAN}]+")
_LATIN_RE = re.compile("[A-Za-z]+")


def to_simplified(text: str) -> str:
    """OpenCC t2s: Traditional to Simplified, one character for one character."""
    conv = _converter("t2s").convert
    converted = conv(text)
    if len(converted) != len(text):
        # Offsets must survive conversion: convert character by character, keeping
        # a character whose conversion is longer. One table lookup per distinct
        # character (str.translate), not one OpenCC call and one string per character.
        table = {}
        for c in set(text):
            single = conv(c)
            if single != c and len(single) == 1:
                table[ord(c)] = single
        converted = text.translate(table)
    return converted


def _differences(a: str, b: str) -> int:
    """Positions at which two strings differ (up to the shorter one's length)."""
    return sum(map(str.__ne__, a, b))


def detect_language(text: str) -> str:
    """``en``, ``zh-Hans`` or ``zh-Hant`` from the characters of the text."""
    # Whole-string operations (one transient string each), so that a 50 MB
    # file costs seconds and a few copies of its text, not a Python object per character.
    sample = _NOT_HAN_RE.sub("", text)
    han = len(sample)
    latin = len(text) - len(_LATIN_RE.sub("", text))
    if han == 0 or latin > han * 4:
        return "en"
    traditional_only = _differences(sample, to_simplified(sample))
    if traditional_only == 0:
        return "zh-Hans"  # no Traditional character: the second conversion could not change that
    simplified_only = _differences(sample, _converter("s2t").convert(sample))
    return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"
