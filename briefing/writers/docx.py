"""DOCX writer: the intermediate document becomes a Word file (python-docx).

Like the PDF writer it only maps :mod:`briefing.doctree` nodes to the format.
python-docx needs help in a few places (see FIELD-NOTES): the East Asian font
slot and the language are set on docDefaults and on every style, with the
template's theme fonts removed; each ordered list gets its own ``w:num`` so its
numbering restarts; links are built as ``w:hyperlink`` elements; the core
properties are always set. The file carries subsets of both font faces
(:func:`embed_docx_fonts`), and the same input gives the same bytes.

The Latin language stays en-US (``w:lang w:val``): with zh-CN there,
LibreOffice breaks English words at any letter.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun
from PIL import Image

from briefing import doctree
from briefing.charts import ChartSpec, missing_chart, to_png
from briefing.errors import TemplateError
from briefing.fonts import FontSet
from briefing.writers.columns import ROW_SPLIT_LINES, share_width
from briefing.writers.docx_fonts import embed_docx_fonts

INK, MUTED, ACCENT = RGBColor(0x1F, 0x29, 0x33), RGBColor(0x61, 0x6E, 0x7C), RGBColor(0x1D, 0x4E, 0x89)
QUOTE, LINK = RGBColor(0x52, 0x60, 0x6D), RGBColor(0x05, 0x63, 0xC1)
RULE, HEAD_FILL, CODE_FILL = "C9D3DD", "E8EEF5", "F0F4F8"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)
TEXT_WIDTH = Emu(PAGE_WIDTH - 2 * MARGIN)
MIN_COLUMN, CELL_PAD, CELL_PT = Cm(1.5), Cm(0.45), 9.0
INDENT = Pt(21)  # two characters of body text per list level
CHART_HEIGHT = Cm(5.0)
"""Tallest a heatmap is drawn in the DOCX (it is scaled down, never cropped)."""
BULLETS, NUMBERS = "•◦▪", ("%1.", "%2)", "%3.")
# Style: (size pt, bold, colour, space before pt, space after pt, line spacing)
LOOKS: dict[str, tuple[float, bool, RGBColor, float, float, float]] = {
    "Normal": (10.5, False, INK, 0, 6, 1.4),
    "Title": (26, True, ACCENT, 0, 12, 1.15),
    "Subtitle": (15, False, MUTED, 0, 24, 1.2),
    "Cover": (11, False, MUTED, 0, 4, 1.4),
    "Heading 1": (16, True, ACCENT, 20, 8, 1.25),
    "Heading 2": (13, True, ACCENT, 14, 6, 1.25),
    "Heading 3": (11.5, True, ACCENT, 10, 4, 1.25),
    "List Bullet": (10.5, False, INK, 0, 3, 1.4),
    "List Number": (10.5, False, INK, 0, 3, 1.4),
    "Quote": (10.5, False, QUOTE, 0, 6, 1.4),
    "Caption": (9, False, MUTED, 2, 12, 1.2),
    "Small": (9, False, MUTED, 0, 4, 1.3),
    "Table Text": (CELL_PT, False, INK, 0, 0, 1.2),
    "Header": (8.5, False, MUTED, 0, 0, 1.0),
    "Footer": (8.5, False, MUTED, 0, 0, 1.0),
}
PAGE_FIELD = (
    '<w:fldChar w:fldCharType="begin"/>',
    '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
    '<w:fldChar w:fldCharType="separate"/>',
    "1",
    '<w:fldChar w:fldCharType="end"/>',
)
# What may precede w:pBdr in a w:pPr (ECMA-376 Part 1, 17.3.1.26).
_BEFORE_BORDER = {
    qn(f"w:{tag}")
    for tag in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr")
}
# The longest legend kept with the headings around it (about five lines).
LEGEND_CHARS = 220
NEW_STYLES = {"Small": WD_STYLE_TYPE.PARAGRAPH, "Cover": WD_STYLE_TYPE.PARAGRAPH}
NEW_STYLES |= {"Table Text": WD_STYLE_TYPE.PARAGRAPH, "Hyperlink": WD_STYLE_TYPE.CHARACTER}


def write_docx(
    doc: doctree.Document, charts: dict[str, ChartSpec], fonts: FontSet, *, date: dt.date
) -> bytes:
    """The document as DOCX bytes: cover, body, embedded font subsets."""
    writer = _Writer(charts, fonts)
    writer.cover(doc.meta)
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        writer.block(block)
        if _legend(blocks, i):  # a section's legend stays with the heading that follows it
            writer.last.paragraph_format.keep_with_next = True
        if _lead_list(blocks, i):  # a heading's short list (a question's 另问) stays with what follows
            for p in writer.list_paragraphs:
                p.paragraph_format.keep_with_next = True
        if doctree.introduces_list(blocks, i):  # "…可作起点：" stays with its list
            writer.last.paragraph_format.keep_with_next = True
        if introduction := doctree.figure_introduction(blocks, i):  # they go with the table or chart
            for p in writer.doc.paragraphs[-introduction:]:
                p.paragraph_format.keep_with_next = True
        if doctree.closes_list(blocks, i + 1):  # a section's closing line (缺口) stays with the list's end
            for p in writer.list_tail:
                p.paragraph_format.keep_with_next = True
    writer.page_furniture(str(doc.meta.get("title") or ""), date)
    _core_properties(writer.doc, doc.meta, date)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return embed_docx_fonts(buffer.getvalue(), fonts, used_text="".join(writer.text))


def _lead_list(blocks: list[Any], i: int) -> bool:
    """True for a short list right under a heading and before more text (a question's
    sub-questions above its status line): it belongs to both, and a page never ends on it."""
    block = blocks[i]
    return (
        0 < i < len(blocks) - 1
        and isinstance(block, doctree.ListBlock)
        and isinstance(blocks[i - 1], doctree.Heading)
        and not isinstance(blocks[i + 1], doctree.Heading)
        and len(block.items) <= LEAD_ITEMS
        and sum(len(_plain_item(item)) for item in block.items) <= LEGEND_CHARS
    )


LEAD_ITEMS = 3
"""The most items of a list that stays with the heading above it and the text below."""


def _plain_item(item: list[Any]) -> str:
    return "".join(r.text for b in item if isinstance(b, doctree.Paragraph) for r in b.runs)


def _legend(blocks: list[Any], i: int) -> bool:
    """True for a short paragraph between two headings ("研究议程", its legend, "问题 1")."""
    return (
        0 < i < len(blocks) - 1
        and isinstance(blocks[i], doctree.Paragraph)
        and isinstance(blocks[i - 1], doctree.Heading)
        and isinstance(blocks[i + 1], doctree.Heading)
        and len("".join(r.text for r in blocks[i].runs)) <= LEGEND_CHARS
    )


def _blank(font: str) -> tuple[Any, int, int]:
    """An empty document (python-docx's default template) with its styles and
    numbering set up in ``font``: the document, the bullet numId, the number abstractNumId."""
    document = docx.Document()
    _setup_styles(document, font)
    return (document, *_setup_numbering(document, font))


# Empty documents made ahead (:func:`prepare_ahead`), by font name: each serves one document.
_blanks: dict[str, list[tuple[Any, int, int]]] = {}


def prepare_ahead(fonts: FontSet) -> None:
    """Make the next document's empty start now (:func:`_blank`, about a fifth of
    writing the seeds' DOCX): the writers' process does it while the sources are
    analysed. The document written from it is the same bytes."""
    _blanks.setdefault(fonts.name, []).append(_blank(fonts.name))


class _Writer:
    def __init__(self, charts: dict[str, ChartSpec], fonts: FontSet) -> None:
        self.charts, self.fonts = charts, fonts
        self.list_paragraphs: list[DocxParagraph] = []
        """The item paragraphs of the last top-level list written."""
        self.list_tail: list[DocxParagraph] = []
        """The paragraphs of that list's last top-level item."""
        ready = _blanks.get(fonts.name)
        self.doc, self.bullet_num, self.number_abstract = ready.pop() if ready else _blank(fonts.name)
        self.text: list[str] = [BULLETS, "第页"]
        self.bookmarks: list[str] = []
        self.break_pending = False
        self.outline = 0
        self.has_cover = False
        self.last: DocxParagraph | None = None
        self.style_ids: dict[str, str] = {}

    def block(self, block: Any, depth: int = 0) -> None:
        if isinstance(block, doctree.Heading):
            # "##" is Heading 1 (the title is on the cover); never skip a level.
            self.outline = max(1, min(block.level - 1, 3, self.outline + 1))
            self.paragraph(doctree.Paragraph(block.runs, anchor=block.anchor), f"Heading {self.outline}")
        elif isinstance(block, doctree.Paragraph):
            self.last = self.paragraph(block)
        elif isinstance(block, doctree.ListBlock):
            self.list_block(block, depth)
        elif isinstance(block, doctree.Table):
            self.table(block)
        elif isinstance(block, doctree.Chart):
            self.chart(block)
        elif isinstance(block, doctree.PageBreak):
            self.break_pending = True

    def style_id(self, name: str) -> str:
        # python-docx resolves a style name by scanning every style, for every paragraph and run
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def set_style(self, p: DocxParagraph, name: str) -> None:
        p._p.get_or_add_pPr().style = self.style_id(name)

    def new_paragraph(self, style: str = "Normal") -> DocxParagraph:
        p = self.doc.add_paragraph()
        self.set_style(p, style)
        if self.break_pending:
            p.paragraph_format.page_break_before = True
            self.break_pending = False
        return p

    def paragraph(self, para: doctree.Paragraph, style: str | None = None) -> DocxParagraph:
        p = self.new_paragraph(style or {"quote": "Quote", "small": "Small"}.get(para.style, "Normal"))
        self.runs(p, para.runs)
        if para.anchor and para.anchor not in self.bookmarks:
            self.bookmarks.append(para.anchor)
            start = _w(f'<w:bookmarkStart w:id="{len(self.bookmarks)}"/>')
            start.set(qn("w:name"), para.anchor)
            p._p.insert(1 if p._p.pPr is not None else 0, start)
            p._p.append(_w(f'<w:bookmarkEnd w:id="{len(self.bookmarks)}"/>'))
        if all(r.bold for r in para.runs if r.text.strip()) or all(r.italic for r in para.runs):
            p.paragraph_format.keep_with_next = True  # a run-in label or meta line belongs to what follows
        if _list_like("".join(r.text for r in para.runs)):
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT  # justified, a list of names stretches its spaces
        return p

    def list_block(self, lst: doctree.ListBlock, depth: int) -> None:
        ilvl = min(depth, 2)
        if lst.ordered:  # a w:num of its own, so that every list restarts at its start
            num = self.doc.part.numbering_part.element.add_num(self.number_abstract)
            num.add_lvlOverride(ilvl).add_startOverride(lst.start)
            num_id, style = num.numId, "List Number"
        else:
            num_id, style = self.bullet_num, "List Bullet"
        last = None
        if depth == 0:
            self.list_paragraphs = []
        for item in lst.items:
            blocks = list(item)
            if not blocks or not isinstance(blocks[0], doctree.Paragraph):
                blocks.insert(0, doctree.Paragraph(runs=[]))
            if depth == 0:
                mark, self.list_tail = len(self.list_paragraphs), []
            last = self.paragraph(blocks[0], style)
            self.list_paragraphs.append(last)
            numPr = last._p.get_or_add_pPr().get_or_add_numPr()
            numPr.get_or_add_ilvl().val, numPr.get_or_add_numId().val = ilvl, num_id
            for block in blocks[1:]:
                if isinstance(block, doctree.Paragraph):
                    last = self.paragraph(block)
                    last.paragraph_format.left_indent = INDENT * (ilvl + 1)
                    if depth == 0:
                        self.list_tail.append(last)
                else:
                    self.block(block, depth + 1)
        if last is not None and depth == 0:
            last.paragraph_format.space_after = Pt(8)
            self.list_tail += self.list_paragraphs[mark:]  # with its nested items

    def table(self, t: doctree.Table) -> None:
        rows = ([t.header] if t.header else []) + t.rows
        ncols = max((len(r) for r in rows), default=0)
        if not ncols:
            return
        if self.break_pending:
            self.new_paragraph().paragraph_format.space_after = Pt(0)
        widths = _column_widths(rows, ncols)
        table = self.doc.add_table(rows=0, cols=ncols)
        table.style, table.alignment, table.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
        tblW = table._tbl.tblPr.find(qn("w:tblW"))
        tblW.set(qn("w:w"), str(sum(w.twips for w in widths)))
        tblW.set(qn("w:type"), "dxa")
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for i, row in enumerate(rows):
            header = i == 0 and bool(t.header)
            tr = table.add_row()
            trPr = tr._tr.get_or_add_trPr()
            if header:  # repeated on every page
                trPr.append(OxmlElement("w:tblHeader"))
            lines = (
                _em(_plain(c)) * CELL_PT / (w.pt - CELL_PAD.pt) for c, w in zip(row, widths, strict=False)
            )
            if max(lines, default=0) <= ROW_SPLIT_LINES:  # a row moves whole; only a very long one breaks
                trPr.insert(0, OxmlElement("w:cantSplit"))
            # the header keeps with the first row, and the row before the last with the
            # last: a page never ends on a header, nor starts with a table's last row alone
            keep = header or (len(rows) - (1 if t.header else 0) >= 3 and i == len(rows) - 2)
            for j, cell in enumerate(tr.cells):
                cell.width = widths[j]
                p = cell.paragraphs[0]
                self.set_style(p, "Table Text")
                if keep:
                    p.paragraph_format.keep_with_next = True
                align = t.align[j] if j < len(t.align) else "left"
                p.alignment = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}.get(
                    align
                )
                runs = row[j] if j < len(row) else []
                if header:
                    runs = [doctree.Run(r.text, True, r.italic, r.code, r.link) for r in runs]
                    cell._tc.get_or_add_tcPr().append(
                        _w(f'<w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/>')
                    )
                self.runs(p, runs)
        # A gap after the table, which also keeps a following table from merging with it.
        self.doc.add_paragraph(style="Table Text").paragraph_format.space_after = Pt(6)

    def chart(self, c: doctree.Chart) -> None:
        spec = self.charts.get(c.name)
        if spec is None:
            raise TemplateError(missing_chart(c.name, self.charts))
        p = self.new_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = p.paragraph_format
        fmt.keep_with_next, fmt.line_spacing, fmt.space_before, fmt.space_after = True, 1.0, Pt(6), Pt(0)
        png = to_png(spec, TEXT_WIDTH.pt, self.fonts)
        width = TEXT_WIDTH
        if spec.kind == "heatmap":
            # A word processor moves a picture that does not fit to the next page and leaves
            # the rest of this one blank: the heatmap is kept low enough to fit under a section.
            w, h = Image.open(io.BytesIO(png)).size
            if h and TEXT_WIDTH * h / w > CHART_HEIGHT:
                width = Emu(int(CHART_HEIGHT * w / h))
        p.add_run().add_picture(io.BytesIO(png), width=width)
        if c.caption:
            self.runs(self.new_paragraph("Caption"), [doctree.Run(c.caption)])

    def runs(self, p: DocxParagraph, runs: list[doctree.Run]) -> None:
        for r in runs:
            self.text.append(r.text)
            if not r.link:
                run = p.add_run(r.text)
            else:
                link = OxmlElement("w:hyperlink")
                if r.link.startswith("#"):  # a bookmark in this document
                    link.set(qn("w:anchor"), r.link[1:])
                else:
                    link.set(qn("r:id"), p.part.relate_to(r.link, RT.HYPERLINK, is_external=True))
                link.set(qn("w:history"), "1")
                link.append(OxmlElement("w:r"))
                p._p.append(link)
                run = DocxRun(link[0], p)
                run.text = r.text
                run._r.get_or_add_rPr().style = self.style_id("Hyperlink")
            if r.bold:
                run.bold = True
            if r.italic and not r.link:
                # The font has no italic: Word would slant Chinese synthetically. Muted, as in the PDF.
                run.font.color.rgb = MUTED
            if r.code:
                # rPr holds at most rStyle, b, i here, which all precede shd.
                run._r.get_or_add_rPr().append(
                    _w(f'<w:shd w:val="clear" w:color="auto" w:fill="{CODE_FILL}"/>')
                )

    def cover(self, meta: dict[str, Any]) -> None:
        """Title, subtitle and cover lines on a page of their own (none without front matter)."""
        self.has_cover = any(meta.get(key) for key in ("title", "subtitle", "cover"))
        if not self.has_cover:
            return
        p = self.new_paragraph("Title")
        p.paragraph_format.space_before = Cm(6)
        self.runs(p, [doctree.Run(str(meta.get("title") or ""))])
        if meta.get("subtitle"):
            self.runs(self.new_paragraph("Subtitle"), [doctree.Run(str(meta["subtitle"]))])
        for line in meta.get("cover") or []:
            self.runs(self.new_paragraph("Cover"), [doctree.Run(str(line))])
        self.break_pending = True

    def page_furniture(self, title: str, date: dt.date) -> None:
        """A4, 2 cm margins; title and date above, page number below, neither on the cover."""
        section = self.doc.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = MARGIN
        section.header_distance = section.footer_distance = Cm(1)
        if self.has_cover:
            section.different_first_page_header_footer = True
            section.first_page_header.is_linked_to_previous = False  # empty on the cover
            section.first_page_footer.is_linked_to_previous = False
        head = section.header.paragraphs[0]
        head.style = "Header"
        head.add_run(text := f"{title}\t{date.isoformat()}")
        self.text.append(text)
        _border(head._p.get_or_add_pPr(), f'<w:bottom w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/>')
        foot = section.footer.paragraphs[0]
        foot.style, foot.alignment = "Footer", WD_ALIGN_PARAGRAPH.CENTER
        for piece in ("第 ", *PAGE_FIELD, " 页"):
            if piece.startswith("<"):
                foot.add_run()._r.append(_w(piece))
            else:
                foot.add_run(piece)


def _core_properties(document: Any, meta: dict[str, Any], date: dt.date) -> None:
    props = document.core_properties
    keywords = meta.get("keywords") or []
    keywords = "; ".join(map(str, keywords)) if isinstance(keywords, list) else str(keywords)
    author = str(meta.get("author") or "")[:255]
    props.title, props.subject = str(meta.get("title") or "")[:255], str(meta.get("subject") or "")[:255]
    props.keywords, props.author, props.last_modified_by = keywords[:255], author, author
    props.comments = props.category = ""
    props.created = props.modified = dt.datetime.combine(date, dt.time(0), tzinfo=dt.UTC)
    props.revision, props.language = 1, "zh-CN"
    # python-docx's template also ships a thumbnail and a Word 2010 copy of its styles.
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rid)
    for rid, rel in list(document.part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            document.part.package.rels.pop(rid)


def _w(xml: str) -> Any:
    """One WordprocessingML element from a snippet written without the namespace declaration."""
    return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {nsdecls('w')}", xml, count=1))


def _border(pPr: Any, xml: str) -> None:
    """Add a paragraph border (w:pBdr) where the schema wants it."""
    before = [child for child in pPr if child.tag in _BEFORE_BORDER]
    pPr.insert(pPr.index(before[-1]) + 1 if before else 0, _w(f"<w:pBdr>{xml}</w:pBdr>"))


def _em(text: str) -> float:
    """Width of ``text`` in ems: full width for CJK, about half for the rest."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _plain(runs: list[doctree.Run]) -> str:
    return "".join(r.text for r in runs)


def _column_widths(rows: list[list[list[doctree.Run]]], ncols: int) -> list[Emu]:
    """Widths by content (see :func:`share_width`); the total is the text width."""
    natural = [
        max((_em(_plain(row[j])) for row in rows if j < len(row)), default=0) * Pt(CELL_PT) + CELL_PAD
        for j in range(ncols)
    ]
    whole = 10 * Pt(CELL_PT) + CELL_PAD  # ten Chinese characters
    return [Emu(round(w)) for w in share_width(natural, int(TEXT_WIDTH), whole, MIN_COLUMN)]


def _set_fonts(rPr: Any, name: str) -> None:
    """Name the font in all four slots, and drop theme fonts, which would win over a name."""
    rFonts = rPr.find(qn("w:rFonts"))
    if rFonts is None:
        rFonts = OxmlElement("w:rFonts")
        rPr.insert(0, rFonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rFonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(qn(f"w:{attr}"), name)


def _list_like(text: str) -> bool:
    """A paragraph that lists names, citations or Latin words (the mentions line):
    justified, its short items and unbreakable runs pull the spaces apart."""
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return text.count("、") >= 4 or text.count("[") >= 4 or latin > 0.2 * max(len(text), 1)


def _setup_styles(document: Any, font: str) -> None:
    styles, settings = document.styles, document.settings.element
    rPr = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rPr, font)
    rPr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    for name, kind in NEW_STYLES.items():
        style = styles.add_style(name, kind)
        style.base_style = styles["Normal"] if kind == WD_STYLE_TYPE.PARAGRAPH else None
    for rFonts in list(styles.element.iter(qn("w:rFonts"))):
        _set_fonts(rFonts.getparent(), font)
    for style in styles:
        if style.type != WD_STYLE_TYPE.LIST:
            _set_fonts(style.element.get_or_add_rPr(), font)
    for name, (size, bold, colour, before, after, line) in LOOKS.items():
        style = styles[name]
        style.font.size, style.font.bold, style.font.italic, style.font.color.rgb = (
            Pt(size),
            bold,
            False,
            colour,
        )
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if name == "Normal" else WD_ALIGN_PARAGRAPH.LEFT
        pPr = style.element.get_or_add_pPr()
        drop = (
            ("w:contextualSpacing",)
            if name.startswith("List")
            else ("w:pBdr", "w:numPr", "w:contextualSpacing")
        )
        for old in [el for tag in drop for el in pPr.findall(qn(tag))]:
            pPr.remove(old)
        if name.startswith("Heading") or name in ("Title", "Subtitle"):
            fmt.keep_with_next = fmt.keep_together = True
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Hyperlink"].font.color.rgb, styles["Hyperlink"].font.underline = LINK, True
    styles["Quote"].paragraph_format.left_indent = styles["Quote"].paragraph_format.right_indent = Cm(0.6)
    for name, border in (
        ("Title", '<w:bottom w:val="single" w:sz="12" w:space="8" w:color="1D4E89"/>'),
        ("Quote", f'<w:left w:val="single" w:sz="18" w:space="8" w:color="{RULE}"/>'),
    ):
        _border(styles[name].element.get_or_add_pPr(), border)
    for name in ("Header", "Footer"):
        styles[name].paragraph_format.tab_stops.clear_all()
        styles[name].paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    grid = styles["Table Grid"].element.find(qn("w:tblPr"))
    for edge in grid.find(qn("w:tblBorders")):
        edge.set(qn("w:color"), RULE)
    for edge in grid.find(qn("w:tblCellMar")):
        if edge.tag in (qn("w:top"), qn("w:bottom")):
            edge.set(qn("w:w"), "40")


def _setup_numbering(document: Any, font: str) -> tuple[int, int]:
    """Three-level bullets and numbers in the document's font (the template's are one-level,
    in Symbol); returns the bullet numId and the number abstractNumId."""
    numbering = document.part.numbering_part.element
    found = []
    for name, fmt, texts in (("List Bullet", "bullet", BULLETS), ("List Number", "decimal", NUMBERS)):
        num_id = document.styles[name].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
        found.append((num_id, abstract_id))
        abstract = numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        for child in [c for c in abstract if c.tag != qn("w:nsid")]:
            abstract.remove(child)
        abstract.append(_w('<w:multiLevelType w:val="multilevel"/>'))
        for ilvl, text in enumerate(texts):
            left, style = (
                INDENT.twips * (ilvl + 1),
                f'<w:pStyle w:val="{name.replace(" ", "")}"/>' * (ilvl == 0),
            )
            lvl = _w(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{style}'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="{INDENT.twips}"/></w:pPr><w:rPr/></w:lvl>'
            )
            _set_fonts(lvl[-1], font)
            abstract.append(lvl)
    return found[0][0], found[1][1]
