"""Excerpts: how a source sentence is shown to the reader.

Used by the analysis (to pick sentences that stand alone, to cut a gist) and by
the template filters (to show a quote in the briefing's script, to clip it,
and to show a sentence already quoted as a short clause). The rules are the
editor's: cut only at a clause or sentence boundary and mark the cut with an
ellipsis, never inside a number, a Latin word or a name; a quote that opens
with a pointer back (这些, 该, 其, These …) needs its antecedent; Traditional
text is shown in Simplified script with full-width punctuation, English stays
English. Nothing here changes the model: the original stays in the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.script import HAN, to_simplified

ELLIPSIS = "…"
_CLAUSE_ENDS = "，；：、,;:"
_SENTENCE_ENDS = "。！？!?…"
_CLOSERS = "”’」』）)》\"'"
_HAN_RE = re.compile(f"[{HAN}]")
_LATIN_RE = re.compile(r"[A-Za-z]")

# A connective that opens a sentence and ties it to what came before; the
# clause after it stands alone ("其次，在人工智能方面，腾讯云…").
_CONNECTIVE_ZH = re.compile(
    r"^(?:首先|其次|再次|然后|最后|此外|另外|另一方面|一方面|同时|而且|并且|况且|"
    r"第[一二三四五六七八九十]+(?=[，,、])|因此|所以|因而|于是|但是|但|然而|不过|可是|总之|总而言之|可见|"
    r"对此|为此|当然|换言之|也就是说|比如|例如|譬如|而)[，,、]?\s*"
)
_CONNECTIVE_EN = re.compile(
    r"^(?:however|moreover|furthermore|also|in addition|besides|meanwhile|therefore|thus|hence|so|but|"
    r"and|first|second|third|finally|then|still|yet|instead|either way)\b,?\s+",
    re.IGNORECASE,
)
# A pointer back: the sentence means nothing without the one before it.
_POINTER_ZH = re.compile(
    r"^(?:(?:当|在|从|对于|对|随着|通过|由于|因为|根据|基于|就|与|和|像|如)?"
    r"(?:这些|这种|这个|这一|这样|这类|这场|这次|这里的|这|那些|那个|那种|那样|那|该|其中|其|此|上述|以上))"
    r"|^(?:(?:与|和|同|跟|较|比)?(?:它们|它|他们|她们|他|她|前[两二三]?者|后[两二三]?者|两者|二者|上面|上文|之))"
    r"|^(?:对此|为此|话虽|虽然如此|尽管如此|即便如此|既然如此|如此一来|这么说)"
)
_NOT_POINTER_ZH = re.compile(r"^(?:其实|其他|其余|此外|此前|此后|此时|那么多|在此基础上)")
_POINTER_EN = re.compile(r"^(?:this|that|these|those|it|its|they|their|such|the latter|the former)\b", re.I)


# ------------------------------------------------------------------- script


def is_chinese(text: str) -> bool:
    """Mostly Chinese: Han characters outnumber a third of the letters."""
    han = len(_HAN_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    return han > 0 and han * 3 >= latin


# Pictographs and dingbats (👉, 🎯, ✔, ➊) decorate notes; no briefing font has them.
_SYMBOLS_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]\\s*")

_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def zh_punctuation(text: str) -> str:
    """ASCII , ; : ? ! next to a Han character become full-width (spaces around
    them dropped), and ASCII parentheses around Chinese text become （）.
    Between two digits (6,700; 19:30) and inside Latin text nothing changes."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _ASCII_TO_FULL:
            before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
            han_side = bool(_HAN_RE.match(before) or before in "”」』）》" or _HAN_RE.match(after))
            numeric = before.isdigit() and after.isdigit()
            url = ch == ":" and text[i + 1 : i + 3] == "//"
            if han_side and not numeric and not url:
                while out and out[-1] == " ":
                    out.pop()
                out.append(_ASCII_TO_FULL[ch])
                i += 1
                while i < len(text) and text[i] == " ":
                    i += 1
                continue
        out.append(ch)
        i += 1
    return re.sub(r"\(([^()]*[" + HAN + r"][^()]*)\)", r"（\1）", "".join(out))


def display(text: str, language: str | None, script: str = "zh-Hans") -> str:
    """A source text as the briefing shows it: in the briefing's script (OpenCC
    t2s for a Traditional source in a Simplified briefing), with full-width
    punctuation when it is Chinese; English text unchanged."""
    text = _SYMBOLS_RE.sub("", str(text)).strip()
    if not is_chinese(text):
        return text
    if language == "zh-Hant" and script == "zh-Hans":
        text = to_simplified(text)
    return zh_punctuation(text)


# ------------------------------------------------------------------ openings


def opening(text: str) -> tuple[str, int]:
    """How a sentence opens: ``("pointer", 0)`` when it points back to a sentence
    it lacks (这些…, 该公司…, These …), ``("connective", n)`` when its first ``n``
    characters are a connective that can be dropped (其次，…; However, …),
    else ``("", 0)``. Traditional text is read in Simplified form."""
    simplified = to_simplified(text.lstrip())
    lead = len(text) - len(text.lstrip())
    m = _CONNECTIVE_ZH.match(simplified) or _CONNECTIVE_EN.match(simplified)
    if m:
        rest = simplified[m.end() :]
        if _is_pointer(rest):
            return "pointer", 0
        if len(rest) >= 8:
            return "connective", lead + m.end()
    if _is_pointer(simplified):
        return "pointer", 0
    return "", 0


def _is_pointer(text: str) -> bool:
    if _NOT_POINTER_ZH.match(text):
        return False
    return bool(_POINTER_ZH.match(text) or _POINTER_EN.match(text))


def stands_alone(text: str) -> bool:
    """The sentence can be quoted on its own (it does not open with a pointer back)."""
    return opening(text)[0] != "pointer"


def drop_connective(text: str) -> str:
    """The sentence without an opening connective, the cut marked: "其次，在…" → "…在…"."""
    kind, n = opening(text)
    if kind != "connective":
        return text
    return ELLIPSIS + text[n:].lstrip()


# ---------------------------------------------------------------------- clips


def _is_boundary(text: str, i: int) -> bool:
    """A cut may follow ``text[i]``: clause or sentence punctuation, not a
    separator inside a number (6,700 or 3.5) or a URL."""
    ch = text[i]
    if ch in "，；：、。！？…":
        return True
    if ch in ",;:!?":
        after = text[i + 1 : i + 2]
        if text[i - 1 : i].isdigit() and after.isdigit():
            return False
        return after in ("", " ") or not after.isascii()
    if ch == "." and i + 1 < len(text) and text[i + 1] == " ":
        return not text[i - 1 : i].isdigit() or not text[i + 2 : i + 3].isdigit()
    return False


def _protected(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Spans a cut must not fall inside: numbers with their units, Latin words, names."""
    spans = [m.span() for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9.,%'’\-]*[A-Za-z0-9%]?", text)]
    spans += [
        m.span()
        for m in re.finditer(r"\d+(?:[.,]\d+)*\s*(?:%|％|万亿|亿|万|千|百|个|家|元|倍|年|月|日|辆|人)*", text)
    ]
    for name in names:
        if len(name) >= 2:
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name)))
                start = text.find(name, start + 1)
    return spans


def _safe_cut(text: str, at: int, names: Iterable[str]) -> int:
    """The nearest cut at or before ``at`` that is not inside a protected span."""
    spans = _protected(text, names)
    cut = at
    moved = True
    while moved and cut > 0:
        moved = False
        for start, end in spans:
            if start < cut < end:
                cut = start
                moved = True
    if cut <= 0:
        # A long name opens the text and the limit falls inside it: cut after the name.
        return max((end for start, end in spans if start < at < end), default=at)
    if not is_chinese(text):
        space = text.rfind(" ", 0, cut + 1)
        cut = space if space > 0 else cut
    return cut


def _depths(text: str) -> list[int]:
    """Bracket and quotation depth at each position: a cut inside "(AI, Big Data)" or
    “…，…” would leave it open."""
    depth = 0
    out = []
    for ch in text:
        if ch in "(（《「『“[【":
            depth += 1
        out.append(depth)
        if ch in ")）》」』”]】" and depth:
            depth -= 1
    stripped = text.rstrip("。.！？!? ")
    if text[:1] in "“「『" and stripped[-1:] in "”」』":
        out = [max(d - 1, 0) for d in out]  # a quotation as a whole: its clauses are the sentence's
    return out


def clip(text: str, limit: int = 60, names: Iterable[str] = ()) -> str:
    """``text`` cut to about ``limit`` characters at the last clause or sentence
    boundary, with an ellipsis; never inside a number, a Latin word or one of
    ``names``. A first clause longer than ``limit`` is kept whole when it ends
    within half as much again; only then is it cut between words."""
    text = str(text).strip()
    if len(text) <= limit:
        return text
    depth = _depths(text)
    cuts = [i + 1 for i in range(min(limit, len(text))) if _is_boundary(text, i) and not depth[i]]
    floor = max(6, limit // 3)
    good = [c for c in cuts if c >= floor]
    if good:
        cut = good[-1]
    else:
        later = [
            i + 1
            for i in range(limit, min(len(text), limit + limit // 2))
            if _is_boundary(text, i) and not depth[i]
        ]
        cut = later[0] if later else _safe_cut(text, limit - 1, names)
    piece = text[:cut].rstrip()
    if len(piece) >= len(text.rstrip(_SENTENCE_ENDS + _CLOSERS)):
        return text
    out = piece.rstrip(_CLAUSE_ENDS + "。.!?！？ ") + ELLIPSIS
    for opener, closer in ("“”", "「」", "『』", "（）", "()"):
        if out.count(opener) > out.count(closer):
            out += closer  # the quotation the cut falls in is closed again
    return out


def short_clause(text: str, limit: int = 24, names: Iterable[str] = ()) -> str:
    """The opening clause of a sentence already quoted in full: enough to recognise it."""
    text = str(text).strip()
    clipped = clip(text, limit, names)
    if sum(1 for c in clipped if is_chinese(c)) < 8 and clipped != text and is_chinese(text):
        clipped = clip(text, limit + 16, names)  # "2018 年11月26日…" says nothing: one clause more
    if clipped == text:
        # Short sentences are shown up to their first clause, so they still read as a pointer.
        depth = _depths(text)
        cuts = [i + 1 for i in range(len(text) - 1) if _is_boundary(text, i) and i >= 5 and not depth[i]]
        if cuts and cuts[0] < len(text.rstrip(_SENTENCE_ENDS + _CLOSERS)):
            return text[: cuts[0]].rstrip(_CLAUSE_ENDS + " ") + ELLIPSIS
        cut = _safe_cut(text, max(len(text) // 2, 4), names)
        return text[:cut].rstrip() + ELLIPSIS
    return clipped


def squash(text: str) -> str:
    """A sentence's identity for "said once": no whitespace, no trailing punctuation."""
    return re.sub(r"\s+", "", text).rstrip(_SENTENCE_ENDS + _CLOSERS + ".")
