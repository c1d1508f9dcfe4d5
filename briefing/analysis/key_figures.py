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
import re
from collections import defaultdict

from briefing.analysis.figures import is_growth, is_region
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
            weight = 1.0 - 0.6 * i / max(len(ranked) - 1, 1)
            # A change of a measure tells less than the measure itself.
            return weight / 2 if is_growth(measure) and not is_growth(name) else weight
    return 0.0


def comparable_key(f: Figure) -> tuple[str, str, str, str, int | None]:
    """What two figures must share to be set side by side: measure, scope (the
    part of the organisation), period (the part of the year), unit and year."""
    return (f.measure, f.scope, f.period, f.unit, f.year)


def key_figures(companies: list[Company], kinds: dict[str, str] | None = None) -> list[KeyFigure]:
    """The 3-6 most decision-relevant figures (fewer when the corpus gives fewer).

    Figures are comparable when they share measure, scope, period, unit and a
    stated year (a first-quarter figure is never set beside a full year's), or,
    without a year, when one paragraph gives them; each organisation appears once
    in a comparison. ``kinds`` maps a document's path to its kind (a memo's
    summary numbers are the ones its author thought worth writing down).
    """
    kinds = kinds or {}
    top = max((c.mentions for c in companies), default=1) or 1
    groups: dict[tuple, dict[str, tuple[Company, Figure]]] = defaultdict(dict)
    facts = {
        (c.name, base_measure(f.measure), f.scope) for c in companies for f in c.figures if f.kind == "fact"
    }
    for company in companies:
        for f in company.figures:
            if f.counterpart and f.measure not in ("获投资", "被收购"):
                continue
            if f.kind != "fact" and (company.name, base_measure(f.measure), f.scope) in facts:
                continue  # the result is there: an expectation of the same measure is no headline
            key = comparable_key(f) + (() if f.year is not None else (f.document, f.paragraph))
            known = groups[key].get(company.name)
            if known is None or _better(f, known[1]):
                groups[key][company.name] = (company, f)
    scored: list[KeyFigure] = []
    for key, entries in groups.items():
        measure, scope, period, unit, year = key[:5]
        rows = sorted(entries.values(), key=lambda cf: (-cf[1].value, cf[0].name))
        sources = sorted({f.source for _, f in rows if f.source})
        prominence = max(c.mentions for c, _ in rows) / top
        documents = {f.document for _, f in rows}
        score = (
            1.0
            + 2.0 * (len(rows) >= 2)
            + 0.5 * (len(rows) >= 3)
            + 0.5 * (len(documents) >= 2 or (len(rows) >= 2 and len({f.paragraph for _, f in rows}) >= 2))
            + 1.0 * bool(sources)
            + 0.5 * (year is not None)
            + 1.5 * measure_weight(measure)
            + 1.0 * prominence
            + 0.5 * any(kinds.get(f.document) == "memo" or f.paragraph <= 2 for _, f in rows)
            - 0.75 * measure.endswith(("目标", "预测"))
            - 0.5 * any(f.caveats for _, f in rows)
            # A plant or a business line tells less than the whole; a region (星巴克中国) is
            # scored as a region named in the measure is (中国营收).
            - 0.5 * (bool(scope) and not is_region(scope))
            - 1.0 * any(_starting_level(f) for _, f in rows)
            + 1.0 * any(c.type == "market" for c, _ in rows)  # a market's size is a headline
        )
        scored.append(
            KeyFigure(
                measure=measure,
                unit=unit,
                year=year,
                source="、".join(sources) or None,
                entries=[
                    KeyFigureEntry(
                        company=c.name,
                        value=f.value,
                        raw=f.raw,
                        document=f.document,
                        paragraph=f.paragraph,
                        qualifier=f.qualifier,
                        value_max=f.value_max,
                    )
                    for c, f in rows
                ],
                score=round(score, 3),
                scope=scope,
                period=period,
                kind=rows[0][1].kind,
            )
        )
    # Results first: a forecast or a goal fills the block only where results run out.
    scored.sort(key=lambda k: (k.kind != "fact", -k.score, k.measure, k.year or 0, k.entries[0].company))
    chosen: list[KeyFigure] = []
    used: dict[str, int] = defaultdict(int)
    facts: set[tuple[str, int, str]] = set()
    shown: set[tuple[str, float]] = set()
    markets = {c.name for c in companies if c.type == "market"}
    for k in scored:
        if k.kind != "fact" and len(chosen) >= MIN_KEY_FIGURES:
            break
        names = [e.company for e in k.entries]
        if all(used[n] >= PER_COMPANY for n in names):
            continue
        if (
            markets.issuperset(names)
            and sum(1 for c in chosen if markets.issuperset(e.company for e in c.entries)) >= 2
        ):
            continue  # at most two market sizes: the block is about the sources' actors
        if len(chosen) >= MIN_KEY_FIGURES and k.score < TELLING:
            break
        mine = {(e.document, e.paragraph, e.raw) for e in k.entries}
        if mine & facts:
            continue  # one deal seen from both sides (阿里 invested 45亿, 汇通达 received it) is one figure
        values = {(e.company, e.value) for e in k.entries}
        if values <= shown:
            continue  # the same numbers again (a memo's summary of an article's figures)
        facts |= mine
        shown |= values
        chosen.append(k)
        for n in names:
            used[n] += 1
        if len(chosen) == MAX_KEY_FIGURES:
            break
    return chosen


def base_measure(measure: str) -> str:
    """A measure without its goal or forecast suffix ("营收预测" → 营收)."""
    return re.sub(r"(?:目标|预测)$", "", measure)


def _starting_level(f: Figure) -> bool:
    """The figure is where a change started ("销量从不到50万辆增加到179万辆"), not the news."""
    return bool(f.raw) and bool(re.search(r"(?:从|由|from)\s*" + re.escape(f.raw), f.text, re.IGNORECASE))


def _better(a: Figure, b: Figure) -> bool:
    """``a`` states a fact more usefully than ``b``: exact rather than approximate,
    more digits, a credited source."""
    return (not a.qualifier, sum(ch.isdigit() for ch in a.raw), bool(a.source)) > (
        not b.qualifier,
        sum(ch.isdigit() for ch in b.raw),
        bool(b.source),
    )
