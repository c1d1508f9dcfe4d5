"""Key figures: the few numbers a decision rests on, comparable ones side by side.

Built from the companies' figures (each already owned by the organisation its
sentence gives it to, with measure, unit, year and credited source). Figures
of one measure, unit and year that one paragraph gives form one key figure
with a value per organisation (阿里云 45.5% · 腾讯 10.3%, 市场份额 2017, IDC). They are ranked
by what makes a number decision-relevant: a comparison across organisations,
a credited source, a year, a measure a reader acts on (share, revenue,
profit), and how central the organisations are to the corpus.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from briefing.model import Company, Figure, KeyFigure, KeyFigureEntry
from briefing.resources import data_lines

MIN_KEY_FIGURES, MAX_KEY_FIGURES = 3, 6
TELLING = 2.5
"""Beyond the first three, a figure needs this score: a comparison, a credited
source or year, or a measure a reader acts on, not just a number."""
PER_COMPANY = 2
"""At most this many key figures name the same organisation: the block spans the corpus."""


@functools.cache
def _key_measures() -> tuple[str, ...]:
    return tuple(data_lines("key_measures.txt"))


def measure_weight(measure: str) -> float:
    """1 for the most telling measure of key_measures.txt, down to 0.4; 0 for others."""
    ranked = _key_measures()
    for i, name in enumerate(ranked):
        if measure.startswith(name):
            return 1.0 - 0.6 * i / max(len(ranked) - 1, 1)
    return 0.0


def key_figures(companies: list[Company]) -> list[KeyFigure]:
    """The 3-6 most decision-relevant figures (fewer when the corpus gives fewer)."""
    top = max((c.mentions for c in companies), default=1) or 1
    # Comparable means compared by the source: the same measure, unit and year in
    # one paragraph (IDC's 45.5% and 10.3%), not two numbers that share a label.
    groups: dict[tuple[str, str, int | None, str, int], dict[str, tuple[Company, Figure]]] = defaultdict(dict)
    for company in companies:
        for f in company.figures:
            groups[(f.measure, f.unit, f.year, f.document, f.paragraph)].setdefault(
                company.name, (company, f)
            )
    scored: list[KeyFigure] = []
    for (measure, unit, year, _, _), entries in groups.items():
        rows = sorted(entries.values(), key=lambda cf: (-cf[1].value, cf[0].name))
        sources = sorted({f.source for _, f in rows if f.source})
        prominence = max(c.mentions for c, _ in rows) / top
        score = (
            1.0
            + 2.0 * (len(rows) >= 2)
            + 1.0 * bool(sources)
            + 0.5 * (year is not None)
            + 1.5 * measure_weight(measure)
            + 1.0 * prominence
        )
        scored.append(
            KeyFigure(
                measure=measure,
                unit=unit,
                year=year,
                source="、".join(sources) or None,
                entries=[
                    KeyFigureEntry(
                        company=c.name, value=f.value, raw=f.raw, document=f.document, paragraph=f.paragraph
                    )
                    for c, f in rows
                ],
                score=round(score, 3),
            )
        )
    scored.sort(key=lambda k: (-k.score, k.measure, k.year or 0, k.entries[0].company))
    chosen: list[KeyFigure] = []
    used: dict[str, int] = defaultdict(int)
    facts: set[tuple[str, int, str]] = set()
    for k in scored:
        names = [e.company for e in k.entries]
        if all(used[n] >= PER_COMPANY for n in names):
            continue
        if len(chosen) >= MIN_KEY_FIGURES and k.score < TELLING:
            break
        mine = {(e.document, e.paragraph, e.raw) for e in k.entries}
        if mine & facts:
            continue  # one deal seen from both sides (阿里 invested 45亿, 汇通达 received it) is one figure
        facts |= mine
        chosen.append(k)
        for n in names:
            used[n] += 1
        if len(chosen) == MAX_KEY_FIGURES:
            break
    return chosen
