"""Which charts a briefing has: their definitions, without drawing them.

:func:`charts_for` decides from the model which charts exist (content logic
stays out of the writers); :mod:`briefing.charts` draws them. Kept apart so
that rendering the template, which needs the definitions, imports no
reportlab: ``generate`` renders in its own process and draws in the writers'
one (:mod:`briefing.pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.labels import format_when
from briefing.model import Briefing, Serializable


@dataclass
class ChartSpec(Serializable):
    """A chart definition: what to show, not how."""

    name: str
    """Name the template uses: ``![caption](chart:NAME)``."""
    kind: str
    """``heatmap`` (rows × columns of counts) or ``bars`` (one value per row)."""
    title: str
    """What the chart shows: the template's caption (the drawing does not repeat it)."""
    rows: list[str]
    """Row labels (heatmap) or bar labels (bars)."""
    columns: list[str] = field(default_factory=list)
    """Column labels (heatmap only)."""
    values: list[list[float]] = field(default_factory=list)
    """One list per row: the columns' values (heatmap) or a single value (bars)."""
    unit: str = ""
    """Unit printed after bar values."""
    note: str = ""
    """Source line printed under the chart."""
    qualifiers: list[str] = field(default_factory=list)
    """Bars only: each bar's approximation (约, 超过…), printed before its value; empty: all exact."""


_WHY_ABSENT = {
    "theme_strength": "the sources argue no theme (too little text, or one short document)",
}


def missing_chart(name: str, charts: dict[str, ChartSpec]) -> str:
    """Why a chart the template places is not there, for the one-line error: which
    chart, why this briefing has none, and how a template guards against it."""
    known = ", ".join(sorted(charts)) or "none"
    if name in _WHY_ABSENT:
        why = _WHY_ABSENT[name]
    elif name.startswith("figures_"):
        why = "the sources give fewer comparable figures (same measure, unit and year) than that"
    else:
        why = "no chart of that name exists"
    return (
        f"the template places chart {name!r}, which this briefing does not have: {why}; "
        f"guard it with {{% if '{name}' in charts %}} (charts here: {known})"
    )


def charts_for(model: Briefing) -> dict[str, ChartSpec]:
    """The charts a briefing of this model offers the template, by name."""
    charts: dict[str, ChartSpec] = {}
    if model.themes:
        charts["theme_strength"] = ChartSpec(
            name="theme_strength",
            kind="heatmap",
            title="主题在各来源中的提及次数",
            rows=[t.label for t in model.themes],
            columns=[f"[{s.number}]" for s in model.sources],
            values=[[float(c.mentions) for c in t.coverage] for t in model.themes],
            note="数字为该来源中提及主题的句数；颜色越深提及越多。",
        )
    # Bars compare like with like: one measure, scope, period, unit and stated year, and
    # what the analysis found they must share beyond that (``Figure.compare_as``: a
    # total never beside a part, a market never beside a firm). Never a quarter beside
    # a year, one drug's sales beside a company's revenue. A
    # figure without a year, a range, a deal, a goal or a forecast is never set beside others.
    groups: dict[tuple[str, str, str, str, str, int | None], list[tuple[str, float, str, str]]] = {}
    for company in model.companies:
        for f in company.figures:
            if (
                f.year is None
                or f.value_max is not None
                or f.counterpart
                or f.caveats
                or f.measure.endswith(("目标", "预测"))
                or not f.unit
            ):
                continue
            key = (f.measure, f.scope, f.compare_as, f.period, f.unit, f.year)
            groups.setdefault(key, []).append((company.name, f.value, f.document, f.qualifier))
    number = 0
    for (measure, scope, compare_as, period, unit, year), entries in sorted(
        groups.items(), key=lambda kv: (*kv[0][:5], kv[0][5] or 0)
    ):
        best = {name: value for name, value, _, _ in reversed(entries)}
        approx = {name: q for name, _, _, q in reversed(entries)}
        if len(best) < 2:
            continue
        number += 1
        names = sorted(best, key=lambda n: (-best[n], n))  # largest first: a ranking reads top-down
        cited = sorted({model.source_number(doc) for _, _, doc, _ in entries})
        sources = {
            f.source
            for c in model.companies
            for f in c.figures
            if (f.measure, f.scope, f.compare_as, f.period, f.unit, f.year)
            == (measure, scope, compare_as, period, unit, year)
            and f.source
        }
        note = "来源：" + "、".join(sorted(sources)) + "，" if sources else "来源："
        charts[f"figures_{number}"] = ChartSpec(
            name=f"figures_{number}",
            kind="bars",
            title=f"{measure}{f'·{scope}' if scope else ''}（{format_when(year, period)}）",
            rows=names,
            values=[[best[n]] for n in names],
            unit=unit,
            note=note + " ".join(f"[{n}]" for n in cited),
            qualifiers=[approx[n] for n in names] if any(approx.values()) else [],
        )
    return charts
