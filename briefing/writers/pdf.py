"""PDF writer: the intermediate document as an A4 PDF with reportlab.

Fonts are the shipped (or configured) TrueType faces, embedded as subsets;
characters a face lacks fall back to the regular face; lines never start with
closing punctuation; headings become bookmarks; tables repeat their header and
may split inside a row; charts stay vectors. ``invariant`` output: the same
input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from briefing import charts as chartlib
from briefing import doctree
from briefing.errors import TemplateError
from briefing.fonts import FontSet, fallback_markup, pdf_canvas_kwargs, register_reportlab
from briefing.writers.columns import ROW_SPLIT_LINES, share_width
from briefing.writers.pdf_linebreak import install_cjk_line_breaking

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
HEAD = colors.HexColor("#1d4e89")
RULE = colors.HexColor("#bcccdc")
SHADE = colors.HexColor("#e8eef5")
LINK = colors.HexColor("#1d4e89")
MARGIN = 2.0 * cm
HEADING_ROOM, LABEL_ROOM = 4.0 * cm, 2.2 * cm
# The most legend text a heading is kept with when another heading follows it.
LEGEND_ROOM = 5.0 * cm
"""Space a heading or a run-in label needs below it on the page, else it starts the next one."""


TIGHT = 0.94
"""Leading and spacing of the tightened layout, when the loose one leaves a page of a few lines."""
SPILL = 3
"""A last page with this many lines of text or fewer is a spill: the layout is tightened once."""


def _styles(regular: str, bold: str, tight: bool = False) -> dict[str, ParagraphStyle]:
    scale = TIGHT if tight else 1.0
    base = ParagraphStyle(
        "body",
        fontName=regular,
        bulletFontName=regular,
        fontSize=10.5,
        leading=16.5 * scale,
        textColor=INK,
        wordWrap="CJK",
        spaceAfter=5 * scale,
    )
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13.5, textColor=MUTED),
        "quote": ParagraphStyle(
            "quote",
            parent=base,
            fontSize=9.5,
            leading=15,
            textColor=colors.HexColor("#3e4c59"),
            leftIndent=12,
            rightIndent=6,
            backColor=colors.HexColor("#f5f7fa"),
            borderPadding=(4, 6, 4, 6),
            spaceBefore=3,
            spaceAfter=8,
        ),
        "label": ParagraphStyle("label", parent=base, keepWithNext=1, spaceBefore=4, spaceAfter=2),
        "meta": ParagraphStyle("meta", parent=base, keepWithNext=1),
        "lead": ParagraphStyle("lead", parent=base, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=CELL_SIZE, leading=12, spaceAfter=0),
        "head_cell": ParagraphStyle(
            "head_cell", parent=base, fontName=bold, fontSize=CELL_SIZE, leading=12, spaceAfter=0
        ),
        "caption": ParagraphStyle(
            "caption", parent=base, fontSize=8.5, leading=12, textColor=MUTED, alignment=TA_CENTER
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=17,
            leading=24,
            textColor=HEAD,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=13,
            leading=19,
            textColor=HEAD,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=bold,
            fontSize=11,
            leading=16,
            textColor=INK,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=28, leading=38, textColor=HEAD, spaceAfter=10
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=15, leading=22, textColor=MUTED, spaceAfter=24
        ),
        "cover": ParagraphStyle("cover", parent=base, fontSize=11, leading=19, textColor=INK),
    }


def _markup(runs: list[doctree.Run], bold_style: bool = False) -> str:
    parts = []
    for run in runs:
        text = escape(run.text).replace("\n", "<br/>")
        if run.code:
            text = f'<font color="#3e4c59">{text}</font>'
        if run.italic:
            text = f'<font color="#52606d">{text}</font>'  # there is no italic CJK face: muted instead
        if run.bold:
            text = f"<b>{text}</b>"
        if run.link:
            target = escape(run.link, {'"': "&quot;"})
            text = f'<a href="{target}" color="#1d4e89">{text}</a>'
        parts.append(text)
    return fallback_markup("".join(parts), bold=bold_style)


class _Heading(Paragraph):
    """A heading paragraph that knows its outline level and bookmark key."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str, plain: str) -> None:
        super().__init__(text, style)
        self.outline_level = level
        self.key = key
        self.plain = plain


class _Stamp:
    """The time reportlab writes as CreationDate and ModDate: the briefing's date at 00:00 UTC.

    With ``invariant=1`` reportlab writes 2000-01-01; this keeps the bytes
    reproducible (the date is an input, not the clock) and the date true.
    """

    def __init__(self, date: dt.date) -> None:
        self.YMDhms = (date.year, date.month, date.day, 0, 0, 0)
        self.dhh = self.dmm = 0


class _Document(BaseDocTemplate):
    def __init__(
        self,
        buffer: io.BytesIO,
        meta: dict[str, Any],
        fonts: FontSet,
        regular: str,
        date: dt.date,
        **kwargs: Any,
    ) -> None:
        self.meta = meta
        self.regular = regular
        self.date = date
        self._outline_last = -1
        self.last_y = 0.0
        """Where the last flowable ended on the last page (points from the bottom)."""
        super().__init__(buffer, **kwargs)
        frame = Frame(
            MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN, id="body", leftPadding=0, rightPadding=0
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame]),
                PageTemplate(id="body", frames=[frame], onPage=self._decorate),
            ]
        )

    def beforeDocument(self) -> None:
        self.canv.showOutline()  # the reader opens with the outline panel: the briefing's contents
        self.canv._doc._timeStamp = _Stamp(self.date)

    def _decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFont(self.regular, 8)
        canv.setFillColor(MUTED)
        header = f"{self.meta.get('title', '')}  ·  {self.meta.get('date', '')}"
        canv.drawString(MARGIN, A4[1] - MARGIN + 18, header)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, A4[1] - MARGIN + 12, A4[0] - MARGIN, A4[1] - MARGIN + 12)
        canv.drawRightString(A4[0] - MARGIN, MARGIN - 22, f"第 {canv.getPageNumber()} 页")
        canv.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        if self.frame is not None:
            self.last_y = self.frame._y
        if isinstance(flowable, _Heading):
            # Outline levels may not skip (0 → 2 raises): clamp to one below the last.
            level = min(flowable.outline_level, self._outline_last + 1)
            self._outline_last = level
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.plain, flowable.key, level=level, closed=level > 0)


CELL_SIZE, CELL_PAD = 8.5, 8.0
"""Font size of table cells and their left plus right padding (see ``_Builder.table``)."""
WHOLE_CELL = 10 * CELL_SIZE + CELL_PAD
"""A column gets all of its content up to ten Chinese characters before long columns get more."""


def _col_widths(table: doctree.Table, total: float, regular: str) -> list[float]:
    columns = max(len(table.header), *(len(r) for r in table.rows)) if table.rows else len(table.header)
    need = []
    for j in range(columns):
        cells = [table.header[j] if j < len(table.header) else []] + [
            r[j] if j < len(r) else [] for r in table.rows
        ]
        widths = [stringWidth("".join(x.text for x in c), regular, CELL_SIZE) for c in cells]
        need.append(max(widths, default=20.0) + CELL_PAD + 1)  # 1: reportlab's rounding
    return share_width(need, total, WHOLE_CELL + 1, 1.6 * cm)


def _tallest_row(table: doctree.Table, widths: list[float], regular: str) -> int:
    """The most lines a cell of any row wraps to (an estimate, from the text's width)."""
    tallest = 0
    for row in table.rows:
        for cell, width in zip(row, widths, strict=False):
            text = "".join(x.text for x in cell)
            lines = sum(
                1 + int(stringWidth(part, regular, CELL_SIZE) // max(width - CELL_PAD, 1.0))
                for part in text.split("\n")
            )
            tallest = max(tallest, lines)
    return tallest


class _Builder:
    def __init__(
        self,
        charts: dict[str, chartlib.ChartSpec],
        fonts: FontSet,
        regular: str,
        bold: str,
        tight: bool = False,
    ) -> None:
        self.charts = charts
        self.fonts = fonts
        self.regular = regular
        self.styles = _styles(regular, bold, tight)
        self.width = A4[0] - 2 * MARGIN
        self.count = 0

    def blocks(self, blocks: list[Any]) -> list[Any]:
        out: list[Any] = []
        skip = False
        for i, block in enumerate(blocks):
            if skip:
                skip = False
            elif doctree.introduces_list(blocks, i) and not self._runs_in(block):
                # "…可作起点：" stays with its list, like a run-in label
                out += [CondPageBreak(LABEL_ROOM), Paragraph(self._text(block), self.styles["lead"])]
            elif isinstance(block, doctree.ListBlock) and doctree.closes_list(blocks, i + 1):
                # a section's closing line (a question's 缺口) never opens a page alone:
                # it goes with the list's last item
                if len(block.items) > 1:
                    out.append(self._list(block, block.items[:-1], block.start, after=0))
                tail = self._list(block, block.items[-1:], block.start + len(block.items) - 1)
                out.append(KeepTogether([tail, *self.block(blocks[i + 1])]))
                skip = True
            else:
                out.extend(self.block(block))
        return _headings_together(out, self.width)

    @staticmethod
    def _runs_in(block: doctree.Paragraph) -> bool:
        """A run-in label ("动向") or a meta line: its own style keeps it with what follows."""
        return all(r.bold for r in block.runs) or all(r.italic for r in block.runs)

    @staticmethod
    def _text(block: doctree.Paragraph) -> str:
        text = _markup(block.runs)
        return f'<a name="{escape(block.anchor)}"/>' + text if block.anchor else text

    def block(self, block: Any) -> list[Any]:
        if isinstance(block, doctree.Heading):
            level = min(max(block.level - 2, 0), 2)
            style = self.styles[f"h{level + 1}"]
            self.count += 1
            key = block.anchor or f"h{self.count}"
            text = f'<a name="{escape(key)}"/>' + _markup(block.runs, bold_style=True)
            # keepWithNext cannot hold a heading to a long, splittable list or table: demand room.
            return [CondPageBreak(HEADING_ROOM), _Heading(text, style, level, key, block.text)]
        if isinstance(block, doctree.Paragraph):
            text = self._text(block)
            style = self.styles.get(block.style, self.styles["body"])
            if all(r.bold for r in block.runs):
                style = self.styles["label"]  # a run-in label ("动向") belongs with what follows
                return [CondPageBreak(LABEL_ROOM), Paragraph(text, style)]
            elif block.runs and all(r.italic for r in block.runs):
                style = self.styles["meta"]  # a heading's meta line, likewise
            return [Paragraph(text, style)]
        if isinstance(block, doctree.ListBlock):
            return [self._list(block, block.items, block.start)]
        if isinstance(block, doctree.Table):
            return [self.table(block)]
        if isinstance(block, doctree.Chart):
            spec = self.charts.get(block.name)
            if spec is None:
                raise TemplateError(chartlib.missing_chart(block.name, self.charts))
            drawing = chartlib.drawing(spec, self.width, self.fonts)
            return [
                Spacer(1, 8),
                KeepTogether(
                    [drawing, Paragraph(_markup([doctree.Run(block.caption)]), self.styles["caption"])]
                ),
                Spacer(1, 8),
            ]
        if isinstance(block, doctree.PageBreak):
            return [PageBreak()]
        return []

    def _list(
        self, block: doctree.ListBlock, items: list[list[Any]], start: int, after: float = 4
    ) -> ListFlowable:
        """``items`` of ``block`` as a list numbered from ``start``; ``after``: space below it."""
        kind = (
            {"bulletType": "1", "start": start} if block.ordered else {"bulletType": "bullet", "start": "•"}
        )
        return ListFlowable(
            [ListItem(self.blocks(item) or [Spacer(1, 1)]) for item in items],
            leftIndent=16,
            bulletFontName=self.regular,
            bulletFontSize=10,
            bulletColor=HEAD,
            bulletDedent=14,
            spaceAfter=after,
            **kind,
        )

    def table(self, table: doctree.Table) -> Table:
        head = [Paragraph(_markup(c, bold_style=True), self.styles["head_cell"]) for c in table.header]
        rows = [[Paragraph(_markup(c), self.styles["cell"]) for c in row] for row in table.rows]
        data = ([head] if head else []) + rows
        widths = _col_widths(table, self.width, self.regular)
        result = Table(
            data,
            colWidths=widths,
            repeatRows=1 if head else 0,
            # a row moves to the next page whole (a split left one line, "[5]", under the
            # repeated header); only a row too tall to move breaks inside
            splitInRow=1 if _tallest_row(table, widths, self.regular) > ROW_SPLIT_LINES else 0,
            hAlign="LEFT",
            # a page never starts with a table's last row alone under its repeated header
            rowSplitRange=(0, -2) if len(rows) >= 3 else None,
        )
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.regular),  # else the table sets Helvetica, unembedded
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD / 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD / 2),
        ]
        if head:
            style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.8, HEAD)]
        result.setStyle(TableStyle(style))
        return result

    def cover(self, meta: dict[str, Any]) -> list[Any]:
        out: list[Any] = [Spacer(1, 5 * cm)]
        if meta.get("title"):
            out.append(
                Paragraph(fallback_markup(escape(str(meta["title"])), bold=True), self.styles["title"])
            )
        if meta.get("subtitle"):
            out.append(Paragraph(fallback_markup(escape(str(meta["subtitle"]))), self.styles["subtitle"]))
        for line in meta.get("cover") or []:
            out.append(Paragraph(fallback_markup(escape(str(line))), self.styles["cover"]))
        return [*out, NextPageTemplate("body"), PageBreak()]


def _headings_together(story: list[Any], width: float) -> list[Any]:
    """A heading followed by another ("备忘录 [11]" then "问题 1"), directly or
    across a short legend ("研究议程", its legend, then "问题 1"), asks for room
    for all of it before the first: else the second's own demand for room
    breaks the page between them and leaves the first alone at the foot."""
    room: dict[int, float] = {}
    chained: set[int] = set()
    # Right to left, so that a chain of three headings adds up.
    for i in range(len(story) - 2, -1, -1):
        if not (isinstance(story[i], CondPageBreak) and isinstance(story[i + 1], _Heading)):
            continue
        span, j = _height(story[i + 1], width), i + 2
        while j < len(story) and type(story[j]) is Paragraph and j - i <= 3 and span < LEGEND_ROOM:
            span += _height(story[j], width)
            j += 1
        nxt = (
            j + 1 < len(story) and isinstance(story[j], CondPageBreak) and isinstance(story[j + 1], _Heading)
        )
        if nxt and span < LEGEND_ROOM + HEADING_ROOM:
            room[i] = max(story[i].height, span + room.get(j, story[j].height))
            chained.add(j)
        elif not nxt and 0 < (first := _first_part(story, j, width)) <= KEEP_ROOM - span:
            # a heading and its introduction go with the table's first rows or the chart
            # they introduce, where that fits in a third of a page
            room[i] = max(story[i].height, span + first)
    return [CondPageBreak(room[i]) if i in room else item for i, item in enumerate(story) if i not in chained]


KEEP_ROOM = 11.0 * cm
"""At most this much of a heading, its introduction and what they introduce is kept together."""


def _first_part(story: list[Any], j: int, width: float) -> float:
    """The height of what starts at ``story[j]`` (spacers before it included): a table's
    header and first row, or a chart with its caption; 0 for anything else."""
    spaced = 0.0
    while j < len(story) and isinstance(story[j], Spacer):
        spaced += story[j].height
        j += 1
    if j >= len(story):
        return 0.0
    flowable = story[j]
    if isinstance(flowable, Table):
        flowable.wrap(width, A4[1])
        return spaced + float(sum(flowable._rowHeights[:2]))
    if isinstance(flowable, KeepTogether):  # a chart and its caption (wrapped one by one: no canvas yet)
        return spaced + float(sum(f.wrap(width, A4[1])[1] for f in flowable._content))
    return 0.0


def _height(flowable: Paragraph, width: float) -> float:
    _, height = flowable.wrap(width, A4[1])  # a long heading wraps onto two lines
    return height + flowable.style.spaceBefore + flowable.style.spaceAfter


def write_pdf(
    doc: doctree.Document, charts: dict[str, chartlib.ChartSpec], fonts: FontSet, *, date: dt.date
) -> bytes:
    """The document as PDF bytes. A layout whose last page would hold only a
    few lines (the end of the method note) is tightened once, so that they
    stay on the page before."""
    first, spilled = _build(doc, charts, fonts, date, tight=False)
    if spilled:
        tight, still = _build(doc, charts, fonts, date, tight=True)
        if not still:
            return tight()
    return first()


def _build(
    doc: doctree.Document, charts: dict[str, chartlib.ChartSpec], fonts: FontSet, date: dt.date, tight: bool
) -> tuple[Callable[[], bytes], bool]:
    """The laid-out document, whose PDF bytes the function returned makes, and whether
    its last page is a spill of a few lines. The bytes are made only when asked for:
    writing them out (fonts subset, pages serialised) is a fifth of a build, and a
    layout that is tightened is never written."""
    regular, bold = register_reportlab(fonts)
    install_cjk_line_breaking()
    meta = dict(doc.meta)
    meta.setdefault("date", date.isoformat())
    builder = _Builder(charts, fonts, regular, bold, tight)
    story = builder.cover(meta) + builder.blocks(doc.blocks)
    keywords = meta.get("keywords") or []
    buffer = io.BytesIO()
    template = _Document(
        buffer,
        meta,
        fonts,
        regular,
        date,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=str(meta.get("title", "")),
        author=str(meta.get("author", "")),
        subject=str(meta.get("subject", "")),
        keywords=", ".join(keywords) if isinstance(keywords, list) else str(keywords),
        creator="briefing",
        lang="zh-CN",
        invariant=1,
        **pdf_canvas_kwargs(fonts),
    )
    template._doSave = 0  # reportlab's switch: build lays out and draws, save() writes later
    template.build(story)
    used = (A4[1] - MARGIN) - template.last_y
    spilled = template.page > 2 and used <= SPILL * builder.styles["body"].leading

    def data() -> bytes:
        template.canv.save()
        return buffer.getvalue()

    return data, spilled
