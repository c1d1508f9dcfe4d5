"""CJK line breaking for the PDF writer: reportlab's ``wordWrap='CJK'`` taught the Chinese rules.

Call :func:`install_cjk_line_breaking` once before any Paragraph is wrapped;
it patches reportlab in place and is idempotent.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence

# Chinese rules (GB/T 15834) and common sense: pauses, stops and closing
# brackets/quotes stay with the text before them; opening brackets/quotes with
# the text after them.
NO_LINE_START = "，。、；：？！）」』”’》〉】〕〗〙〛］｝｠…‥·・" + ",.;:?!)]}%"
NO_LINE_END = "（「『“‘《〈【〔〖〘〚［｛｟" + "([{"
# A doubled dash or ellipsis (—— ……) is one mark and is never split.
_UNSPLITTABLE_PAIRS = "—…"

# Filled by install_cjk_line_breaking with reportlab's lists plus the above.
_cannot_start: set[str] = set(NO_LINE_START)
_cannot_end: set[str] = set(NO_LINE_END)


def install_cjk_line_breaking() -> None:
    """Teach reportlab's ``wordWrap='CJK'`` the Chinese line-breaking rules.

    reportlab's CJK wrapper lets only one closing mark hang in the margin, so
    in “升级”，… a line can still start with ，; its list of such marks lacks
    ，；：？！》”’, and it ignores its own list of marks that may not end a
    line. This extends the lists (``ALL_CANNOT_START`` is imported by name into
    ``reportlab.platypus.paragraph``, so both copies are patched) and replaces
    the two wrapping functions with versions that, after reportlab's choice,
    move the break back until the next line does not start with a closing mark
    and this one does not end with an opening one. Idempotent.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    if getattr(paragraph.cjkFragSplit, "_briefing", False):
        return
    start = textsplit.ALL_CANNOT_START + "".join(
        ch for ch in NO_LINE_START if ch not in textsplit.ALL_CANNOT_START
    )
    end = textsplit.ALL_CANNOT_END + "".join(ch for ch in NO_LINE_END if ch not in textsplit.ALL_CANNOT_END)
    textsplit.ALL_CANNOT_START = paragraph.ALL_CANNOT_START = start
    textsplit.ALL_CANNOT_END = end
    _cannot_start.update(start)
    _cannot_end.update(end)
    # paragraph's single-fragment path calls textsplit.wordSplit, which looks
    # dumbSplit up in textsplit at call time; the multi-fragment path calls
    # paragraph.cjkFragSplit.
    textsplit.dumbSplit = _dumb_split
    paragraph.cjkFragSplit = _cjk_frag_split


def _may_break_before(chars: Sequence[str], pos: int) -> bool:
    before, after = chars[pos - 1], chars[pos]
    if after in _cannot_start or before in _cannot_end:
        return False
    return not (after == before and after in _UNSPLITTABLE_PAIRS)


def _next_line_start(chars: Sequence[str], start: int, i: int) -> int:
    """Where the next line starts, given that ``chars[i - 1]`` overflowed.

    The first part follows reportlab: inside Latin text break after the last
    space or CJK character in the second half of the line; let one closing
    mark hang in the margin. Then step back while the break is illegal.
    """
    end = i - 1
    ch = chars[end]
    if len(ch) == 1 and ord(ch) < 0x3000:
        for j in range(i - 1, (start + i) >> 1, -1):
            cj = chars[j]
            if cj and (unicodedata.category(cj) == "Zs" or ord(cj) >= 0x3000):
                if j + 1 < i:
                    end = j + 1
                break
    if end == i - 1 and ch in _cannot_start:
        end = i
    end = max(end, start + 1)
    n = len(chars)
    pos = end
    while start + 1 < pos < n and not _may_break_before(chars, pos):
        pos -= 1
    if pos < n and not _may_break_before(chars, pos):
        return end  # no legal break in this line: keep reportlab's
    return pos


def _break_lines(
    chars: Sequence[str],
    width: Callable[[int, float], float],
    max_widths: Sequence[float],
    forced: Callable[[int], bool] = lambda i: False,
) -> list[tuple[int, int, float, float]]:
    """Lines as (start, end, max_width, used_width) over ``chars``.

    A line's used width is the sum of its characters' widths from its start,
    in order; the running sums taken while filling the line are kept, so that
    a line broken before its last character reads its width back instead of
    adding the widths up again (the same additions, so the same value).
    """
    from reportlab.rl_config import _FUZZ

    lines: list[tuple[int, int, float, float]] = []
    start = i = 0
    used = 0.0
    running = [0.0]  # running[k]: the width of chars[start:start + k]
    max_width = max_widths[0]
    while i < len(chars):
        used += width(i, max_width)
        running.append(used)
        i += 1
        hard = forced(i - 1)
        if not hard and not (used > max_width + _FUZZ and used > 0):
            continue
        end = i if hard else _next_line_start(chars, start, i)  # never past i
        lines.append((start, end, max_width, running[end - start]))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = end
        used = 0.0
        running = [0.0]
    if used > 0:
        lines.append((start, len(chars), max_width, used))
    return lines


def _dumb_split(word: str, widths: Sequence[float], max_widths) -> list[list]:
    """Drop-in for ``reportlab.lib.textsplit.dumbSplit``."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines = _break_lines(word, lambda k, _mw: widths[k], max_widths)
    result = []
    for n, (start, end, max_width, used) in enumerate(lines):
        text = word[start:end]
        result.append([max_width - used, text if n == len(lines) - 1 else text.strip()])
    return result


@functools.lru_cache(maxsize=1 << 16)
def _char_width(ch: str, font: str, size: float) -> float:
    """reportlab's width of one character (a registered font's name carries its content's hash)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(ch, font, size)


def _units(frags, encoding: str) -> list:
    """One ``cjkU`` per character, as reportlab's ``cjkFragSplit`` makes them; a
    character's width is looked up once per font and size, not once per use."""
    from reportlab.platypus.paragraph import cjkU

    units: list = []
    make = str.__new__
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if not text:
            units.append(cjkU(text, frag, encoding))
        elif hasattr(frag, "cbDefn"):  # an image or anchor: its own width
            units.extend(cjkU(ch, frag, encoding) for ch in text)
        else:
            font, size = frag.fontName, frag.fontSize
            for ch in text:
                unit = make(cjkU, ch)
                unit._frag, unit._width = frag, _char_width(ch, font, size)  # what cjkU.__new__ sets
                units.append(unit)
    return units


def _para_line(units, max_width, used, extra, line_break, calc_bounds):
    """reportlab's ``makeCJKParaLine``, a run of characters of one fragment at a time.

    reportlab takes each character's ascent and descent and compares its
    fragment with the previous word's; within a run of characters of one
    fragment both come out the same for every character, so they are taken
    for the run's first character only. A fragment that carries an image or
    anchor (``cbDefn``) or a line break is never the same as any other
    (``sameFrag``): its characters are taken one by one, as reportlab does.
    """
    from reportlab.platypus.paragraph import FragLine, getAscentDescent, imgNormV, imgVRange, sameFrag

    words = []
    chars: list = []
    f0 = FragLine()
    max_size = max_ascent = min_descent = 0
    k, n = 0, len(units)
    while k < n:
        unit = units[k]
        f = unit.frag
        size = f.fontSize
        if calc_bounds:
            cb = getattr(f, "cbDefn", None)
            if getattr(cb, "width", 0):
                descent, ascent = imgVRange(imgNormV(cb.height, size), cb.valign, size)
            else:
                ascent, descent = getAscentDescent(f.fontName, size)
        else:
            ascent, descent = getAscentDescent(f.fontName, size)
        max_size = max(max_size, size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        if not sameFrag(f0, f):
            f0 = f0.clone()
            f0.text = "".join(chars)
            words.append(f0)
            chars = []
            f0 = f
        chars.append(unit)
        k += 1
        if not hasattr(f, "cbDefn") and not hasattr(f, "lineBreak"):
            while k < n and units[k].frag is f:  # the rest of the run: nothing changes but the text
                chars.append(units[k])
                k += 1
    if chars:
        f0 = f0.clone()
        f0.text = "".join(chars)
        words.append(f0)
    return FragLine(
        kind=1, extraSpace=extra, wordCount=1, words=words[1:], fontSize=max_size, ascent=max_ascent,
        descent=min_descent, maxWidth=max_width, currentWidth=used, lineBreak=line_break,
    )  # fmt: skip


def _cjk_frag_split(frags, max_widths, calc_bounds, encoding="utf8"):
    """Drop-in for ``reportlab.platypus.paragraph.cjkFragSplit``."""
    from reportlab.platypus.paragraph import ParaLines

    units = _units(frags, encoding)

    def width(k: int, max_width: float) -> float:
        w = units[k].width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    def forced(k: int) -> bool:
        return hasattr(units[k].frag, "lineBreak")

    lines = [
        _para_line(
            units[start:end],
            max_width,
            used,
            max_width - used,
            end > start and forced(end - 1),
            calc_bounds,
        )
        for start, end, max_width, used in _break_lines(units, width, max_widths, forced)
    ]
    return ParaLines(kind=1, lines=lines)


_cjk_frag_split._briefing = True  # type: ignore[attr-defined]
