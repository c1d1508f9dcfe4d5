"""Charts: one definition, drawn as vectors in the PDF and as images in the DOCX.

:func:`charts_for` (:mod:`briefing.chartspec`) decides from the model which
charts exist (content logic stays out of the writers). :func:`drawing` turns a definition into a
reportlab ``Drawing`` built only from rectangles, lines and strings, and
:func:`to_png` rasterises that same drawing with Pillow, so the DOCX image is
the PDF's chart, not a second rendering of the data. (reportlab's own bitmap
renderer needs pycairo and the system cairo library, which a pip-only
install does not have.)
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefing.chartspec import ChartSpec, charts_for, missing_chart
from briefing.fonts import FontSet, default_fonts, register_reportlab
from briefing.labels import APPROXIMATELY, format_among, format_number

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
GRID = colors.HexColor("#d9e2ec")
ACCENT = colors.HexColor("#1d4e89")
LIGHT = colors.HexColor("#f0f4f8")

__all__ = ["ChartSpec", "charts_for", "drawing", "missing_chart", "to_png"]


# ------------------------------------------------------------------- drawing


def _fonts(fonts: FontSet | None) -> tuple[str, str]:
    return register_reportlab(fonts or default_fonts())


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def drawing(spec: ChartSpec, width: float, fonts: FontSet | None = None) -> Drawing:
    """The chart as a reportlab Drawing ``width`` points wide."""
    regular, bold = _fonts(fonts)
    d = _heatmap(spec, width, regular) if spec.kind == "heatmap" else _bars(spec, width, regular, bold)
    d.initialFontName = regular  # the renderer starts from Helvetica, which is not embedded
    return d


def _note(d: Drawing, spec: ChartSpec, width: float, regular: str) -> None:
    if spec.note:
        d.add(
            String(
                0, 4, _fit(spec.note, regular, 7.5, width), fontName=regular, fontSize=7.5, fillColor=MUTED
            )
        )


def _heatmap(spec: ChartSpec, width: float, regular: str) -> Drawing:
    row_h, head_h, title_h, note_h = 17.0, 16.0, 4.0, 16.0
    label_w = min(max((stringWidth(r, regular, 8.5) for r in spec.rows), default=60) + 10, width * 0.46)
    cols = max(len(spec.columns), 1)
    cell_w = (width - label_w) / cols
    height = title_h + head_h + row_h * len(spec.rows) + note_h
    d = Drawing(width, height)
    top = height - title_h
    for j, col in enumerate(spec.columns):
        d.add(
            String(
                label_w + cell_w * (j + 0.5),
                top - 11,
                col,
                fontName=regular,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    peak = max((v for row in spec.values for v in row), default=1.0) or 1.0
    for i, (label, row) in enumerate(zip(spec.rows, spec.values, strict=True)):
        y = top - head_h - row_h * (i + 1)
        d.add(
            String(
                0,
                y + 5,
                _fit(label, regular, 8.5, label_w - 8),
                fontName=regular,
                fontSize=8.5,
                fillColor=INK,
            )
        )
        for j, value in enumerate(row):
            share = value / peak
            fill = colors.linearlyInterpolatedColor(LIGHT, ACCENT, 0, 1, share**0.7)
            d.add(
                Rect(label_w + cell_w * j + 1, y + 1, cell_w - 2, row_h - 2, fillColor=fill, strokeColor=None)
            )
            text = format_number(value) if value else "–"
            ink = colors.white if share > 0.45 else INK
            d.add(
                String(
                    label_w + cell_w * (j + 0.5),
                    y + 5,
                    text,
                    fontName=regular,
                    fontSize=8,
                    fillColor=ink,
                    textAnchor="middle",
                )
            )
    _note(d, spec, width, regular)
    return d


def _bars(spec: ChartSpec, width: float, regular: str, bold: str) -> Drawing:
    bar_h, gap, title_h, note_h = 16.0, 8.0, 6.0, 18.0
    label_w = min(max((stringWidth(r, regular, 9) for r in spec.rows), default=60) + 12, width * 0.35)
    value_w = 70.0
    plot_w = width - label_w - value_w
    height = title_h + (bar_h + gap) * len(spec.rows) + note_h
    d = Drawing(width, height)
    peak = max((row[0] for row in spec.values if row), default=1.0) or 1.0
    top = height - title_h
    d.add(
        Line(label_w, top, label_w, top - (bar_h + gap) * len(spec.rows), strokeColor=GRID, strokeWidth=0.8)
    )
    for i, (label, row) in enumerate(zip(spec.rows, spec.values, strict=True)):
        value = row[0] if row else 0.0
        y = top - (bar_h + gap) * (i + 1) + gap / 2
        d.add(
            String(
                label_w - 6,
                y + 4.5,
                _fit(label, regular, 9, label_w - 10),
                fontName=regular,
                fontSize=9,
                fillColor=INK,
                textAnchor="end",
            )
        )
        length = max(plot_w * value / peak, 1.0)
        d.add(Rect(label_w, y, length, bar_h, fillColor=ACCENT, strokeColor=None))
        unit = (
            f" {spec.unit}" if spec.unit[:1].isascii() and spec.unit[:1].isalpha() else spec.unit
        )  # "4 GWh", "45%", "3亿元"
        d.add(
            String(
                label_w + length + 5,
                y + 4.5,
                _bar_label(
                    value, [r[0] for r in spec.values if r], spec.qualifiers[i] if spec.qualifiers else ""
                )
                + unit,
                fontName=bold,
                fontSize=9,
                fillColor=INK,
            )
        )
    _note(d, spec, width, regular)
    return d


# ---------------------------------------------------------------- rasterise


# PNGs drawn ahead (:func:`draw_ahead`), by what they were drawn from: each serves one request.
_drawn: dict[str, bytes] = {}


def _drawn_key(spec: ChartSpec, width: float, fonts: FontSet, dpi: int) -> str:
    return repr((spec, width, fonts, dpi))


def draw_ahead(
    charts: dict[str, ChartSpec],
    width: float,
    fonts: FontSet | None = None,
    dpi: int = 200,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Draw each chart's PNG now, for a later :func:`to_png` with the same arguments,
    one after the other until ``stop()``.

    The writers' process draws them while the command's own process renders the
    template (:meth:`briefing.children.Standby.prepare`); the DOCX writer then
    finds them drawn, and draws any left. The bytes are the same as drawing on demand.
    """
    fonts = fonts or default_fonts()
    _drawn.clear()  # only the briefing being written
    for spec in charts.values():
        if stop():
            return
        _drawn[_drawn_key(spec, width, fonts, dpi)] = _draw_png(spec, width, fonts, dpi)


def to_png(spec: ChartSpec, width: float, fonts: FontSet | None = None, dpi: int = 200) -> bytes:
    """The same drawing as a PNG (for the DOCX), ``width`` points wide at ``dpi``."""
    fonts = fonts or default_fonts()
    drawn = _drawn.pop(_drawn_key(spec, width, fonts, dpi), None)
    return drawn if drawn is not None else _draw_png(spec, width, fonts, dpi)


def _draw_png(spec: ChartSpec, width: float, fonts: FontSet, dpi: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    _, bold = _fonts(fonts)
    d = drawing(spec, width, fonts)
    supersample = 2
    scale = dpi / 72.0 * supersample
    w, h = round(d.width * scale), round(d.height * scale)
    image = Image.new("RGB", (w, h), "white")
    pen = ImageDraw.Draw(image)
    faces: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}

    def rgb(c: colors.Color) -> tuple[int, int, int]:
        return (round(c.red * 255), round(c.green * 255), round(c.blue * 255))

    for shape in d.contents:
        if isinstance(shape, Rect):
            x0, y0 = shape.x * scale, h - (shape.y + shape.height) * scale
            x1, y1 = (shape.x + shape.width) * scale, h - shape.y * scale
            pen.rectangle([x0, y0, x1, y1], fill=rgb(shape.fillColor) if shape.fillColor else None)
        elif isinstance(shape, Line):
            pen.line(
                [shape.x1 * scale, h - shape.y1 * scale, shape.x2 * scale, h - shape.y2 * scale],
                fill=rgb(shape.strokeColor),
                width=max(round(shape.strokeWidth * scale), 1),
            )
        elif isinstance(shape, String):
            path = fonts.bold if shape.fontName == bold else fonts.regular
            key = (str(path), shape.fontSize)
            if key not in faces:
                faces[key] = ImageFont.truetype(str(path), round(shape.fontSize * scale))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.textAnchor]
            pen.text(
                (shape.x * scale, h - shape.y * scale),
                shape.text,
                font=faces[key],
                fill=rgb(shape.fillColor),
                anchor=anchor,
            )
    image = image.resize((w // supersample, h // supersample), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=False)
    return buffer.getvalue()


def _bar_label(value: float, values: list[float], qualifier: str) -> str:
    """A bar's number, written as the other bars' are (160,038 beside 302.4万 is 约16万)."""
    text, rounded = format_among(value, values)
    return f"{qualifier or (APPROXIMATELY if rounded else '')}{text}"
