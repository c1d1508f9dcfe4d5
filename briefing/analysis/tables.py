"""Tables in the text: a Markdown or HTML table reaches the analysis as one paragraph per
row, its cells joined by " | ". A row of figures under a header ("vivo | 1280 | 18.6%"
under "厂商 | 出货量（万台） | 市场份额") states them as a sentence would ("vivo出货量1280万台，
市场份额18.6%"): :func:`row_sentence` writes that sentence for the figure rules, so a
research note's table gives its figures to their owners like its prose does.
"""

from __future__ import annotations

import re

SEPARATOR = " | "
_UNIT_RE = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^）)]{1,8})[）)]\s*$")
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-−–+]?)\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<rest>%|％|[\u4e00-\u9fff]{0,3})$"
)
_BARE_CHANGE_RE = re.compile(r"(?:同比|环比|按年)?(?:增长|增速|增幅|变化|变动)?率?|同比|环比")
_GROWTH_RE = re.compile(r"(?:同比|环比|按年)?(?:增长|增速|增幅|变化|变动)率?$")


def table_rows(paragraphs: list[str]) -> dict[int, tuple[int, list[str]]]:
    """Each paragraph that is a row of a table, by index: the index of its table's
    header row and the header's cells. A table is two rows or more of the same number
    of cells (two at least) whose first row names its columns (no number after its
    first cell); the header row maps to itself."""
    out: dict[int, tuple[int, list[str]]] = {}
    i = 0
    while i < len(paragraphs):
        cells = _cells(paragraphs[i])
        j = i + 1
        while cells and j < len(paragraphs) and len(_cells(paragraphs[j])) == len(cells):
            j += 1
        if cells and j - i >= 2 and not any(_NUMBER_RE.match(c) for c in cells[1:]):
            for k in range(i, j):
                out[k] = (i, cells)
        i = max(j, i + 1)
    return out


def _cells(paragraph: str) -> list[str]:
    cells = [c.strip() for c in paragraph.split(SEPARATOR)] if SEPARATOR in paragraph else []
    return cells if len(cells) >= 2 and all(cells) else []


def row_sentence(header: list[str], row: str) -> str | None:
    """The sentence a row of figures states under its header, in the row's order: its
    first cell, then each column's name and figure ("vivo出货量1280万台，市场份额18.6%，
    出货量同比增长22.4%": a bare change column is of the first amount's); a negative
    change is a fall ("同比增长 -4.5%" → 同比下降4.5%).
    None for the header itself, a row of another length or one without a figure."""
    cells = [c.strip() for c in row.split(SEPARATOR)]
    if len(cells) != len(header) or cells == header:
        return None
    parts = []
    base = ""  # the first amount's column: what a bare growth column's change is of
    for name, cell in zip(header[1:], cells[1:], strict=True):
        m = _NUMBER_RE.match(cell)
        if not m:
            continue
        unit = ""
        if um := _UNIT_RE.match(name):
            name, unit = um.group("name"), um.group("unit")
        number, rest = m.group("number"), m.group("rest")
        value = number + (rest or unit)
        if rest not in ("%", "％") and not base and not _GROWTH_RE.search(name):
            base = name
        if _BARE_CHANGE_RE.fullmatch(name):
            name = base + name  # "同比增长" beside 出货量: 出货量同比增长
        if m.group("sign") in ("-", "−", "–") and _GROWTH_RE.search(name):
            name = _GROWTH_RE.sub("", name) + ("同比" if "环比" not in name else "环比") + "下降"
        elif m.group("sign") in ("-", "−", "–"):
            continue  # a negative level (亏损 is written as such): no sentence says it so
        parts.append(f"{name}{value}")
    if not parts:
        return None
    return f"{cells[0]}{'，'.join(parts)}。"


_EN_GROWTH_RE = re.compile(r"\b(?:growth|change|yoy|y/y|year[- ]on[- ]year)\b", re.IGNORECASE)


def row_sentence_en(header: list[str], row: str) -> str | None:
    """:func:`row_sentence` for an English table ("Samsung | 57.5 | 19% | -2%" under
    "Vendor | Q3 2024 shipments (million) | Market share | Annual growth": "Samsung Q3 2024
    shipments were 57.5 million, its Market share was 19% and its Q3 2024 shipments fell
    2%."); a growth column is a change of the first amount's column."""
    cells = [c.strip() for c in row.split(SEPARATOR)]
    if len(cells) != len(header) or cells == header:
        return None
    parts: list[str] = []
    base = ""
    for name, cell in zip(header[1:], cells[1:], strict=True):
        m = _NUMBER_RE.match(cell)
        if not m or (m.group("rest") and m.group("rest") not in ("%", "％")):
            continue
        unit = ""
        if um := _UNIT_RE.match(name):
            name, unit = um.group("name"), um.group("unit")
        negative = m.group("sign") in ("-", "−", "–")
        percent = bool(m.group("rest"))
        if _EN_GROWTH_RE.search(name):
            if base:
                parts.append(f"its {base} {'fell' if negative else 'rose'} {m.group('number')}%")
            continue
        if negative:
            continue
        if not base and not percent:
            base = name
        value = m.group("number") + ("%" if percent else f" {unit}" if unit else "")
        parts.append(f"its {name} was {value}")
    if not parts:
        return None
    first = parts[0].removeprefix("its ").replace(" was ", " were ", 1)
    rest = parts[1:]
    tail = (", " + ", ".join(rest[:-1]) if rest[:-1] else "") + (f" and {rest[-1]}" if rest else "")
    return f"{cells[0]} {first}{tail}."
