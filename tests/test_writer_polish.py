"""PDF and DOCX as their readers meet them (issue 14, item 6): visible, clickable links, the
outline open, the briefing's date in the properties, labels kept with what follows, no
slanted Chinese, and table columns sized to their content."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import pytest
from lxml import etree
from pypdf import PdfReader
from reportlab.lib import colors

from briefing.doctree import Table, parse
from briefing.fonts import default_fonts, register_reportlab
from briefing.writers import pdf as pdf_writer
from briefing.writers.columns import share_width
from briefing.writers.docx import write_docx
from briefing.writers.pdf import LINK, write_pdf

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DATE = dt.date(2026, 11, 23)

MARKDOWN = """---
title: "储能周报"
subtitle: "测试"
---

## 关键结论 {: #takeaways}

1. 储能装机规模增长 [\\[1\\]](#src-1)。

## 企业案例

| 企业 | 类型 | 主要动向 | 来源 |
|---|---|---|---|
| 蚂蚁集团（阿里巴巴） | 企业 | 蚂蚁金服从前身支付宝的支付服务逐渐向其他包括线下的金融产业拓展，与银行等金融机构合作推出联合贷款产品。 | [\\[1\\]](#src-1) |
| 宁德时代 | 企业 | 储能电芯出货量合计超过全行业的一半。 | [\\[1\\]](#src-1) |

### 宁德时代

*企业 · 12 处提及 · 来源 [\\[1\\]](#src-1)*

**动向**

- 储能电芯出货量合计超过全行业的一半 [\\[1\\]](#src-1)

> 独立储能电站的收入主要来自容量租赁和现货市场套利。 [\\[1\\]](#src-1)

## 来源 {: #sources}

\\[1\\] 储能行业观察，[原文链接](<https://example.com/storage?id=1&lang=zh>)。 {: #src-1}
"""


@pytest.fixture(scope="module")
def document():
    return parse(MARKDOWN)


@pytest.fixture(scope="module")
def pdf(document) -> bytes:
    return write_pdf(document, {}, default_fonts(), date=DATE)


@pytest.fixture(scope="module")
def docx_parts(document) -> dict[str, etree._Element]:
    data = write_docx(document, {}, default_fonts(), date=DATE)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")}


# ----------------------------------------------------------------------- PDF


def _links(reader: PdfReader) -> list[tuple[int, dict]]:
    found = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                found.append((number, annot))
    return found


def test_pdf_links_are_clickable_annotations(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    links = _links(reader)
    external = [a for _, a in links if "/A" in a and a["/A"].get("/S") == "/URI"]
    internal = [a for _, a in links if "/Dest" in a]
    assert [str(a["/A"]["/URI"]) for a in external] == ["https://example.com/storage?id=1&lang=zh"]
    assert len(internal) == 6  # every [1]: the takeaway, two table rows, the meta line, the move, the quote
    for _, annot in links:
        x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
        assert x2 - x1 > 3 and y2 - y1 > 3  # a target a reader can click


def test_pdf_links_are_drawn_in_the_link_colour(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    link = (LINK.red, LINK.green, LINK.blue)
    for number in {n for n, _ in _links(reader)}:
        content = reader.pages[number].get_contents().get_data().decode("latin-1")
        fills = [tuple(map(float, f)) for f in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", content)]
        assert any(all(abs(a - b) < 0.002 for a, b in zip(fill, link, strict=True)) for fill in fills), (
            f"page {number + 1} shows no text in the link colour"
        )
    assert LINK.hexval() not in (colors.black.hexval(), pdf_writer.INK.hexval())


def test_pdf_opens_with_the_outline_and_carries_the_briefing_date(document, pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert reader.outline, "the outline panel has something to show"
    info = reader.metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261123000000+00'00'"
    assert write_pdf(document, {}, default_fonts(), date=DATE) == pdf  # still byte-reproducible
    other = PdfReader(io.BytesIO(write_pdf(document, {}, default_fonts(), date=dt.date(2027, 1, 4))))
    assert other.metadata["/CreationDate"] == "D:20270104000000+00'00'"


def test_pdf_company_column_holds_names_up_to_ten_characters(document) -> None:
    regular, _ = register_reportlab(default_fonts())
    table = next(b for b in document.blocks if isinstance(b, Table))
    widths = pdf_writer._col_widths(table, 481.9, regular)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    name = stringWidth("蚂蚁集团（阿里巴巴）", regular, pdf_writer.CELL_SIZE) + pdf_writer.CELL_PAD
    assert widths[0] >= name  # on one line
    assert widths[2] == max(widths)  # the long column has the most room
    assert sum(widths) == pytest.approx(481.9)


# ---------------------------------------------------------------------- DOCX


def _style(parts, style_id: str):
    return parts["word/styles.xml"].find(f"w:style[@w:styleId='{style_id}']", NS)


def _keeps_with_next(parts, p) -> bool:
    if p.find("w:pPr/w:keepNext", NS) is not None:
        return True
    style = p.find("w:pPr/w:pStyle", NS)
    found = _style(parts, style.get(f"{{{W}}}val")) if style is not None else None
    return found is not None and found.find("w:pPr/w:keepNext", NS) is not None


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


def test_docx_headings_and_run_in_labels_keep_with_next(docx_parts) -> None:
    body = docx_parts["word/document.xml"].find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    checked = 0
    for p in paragraphs:
        style = p.find("w:pPr/w:pStyle", NS)
        name = style.get(f"{{{W}}}val") if style is not None else ""
        runs = [
            r for r in p.findall(".//w:r", NS) if "".join(t.text or "" for t in r.findall("w:t", NS)).strip()
        ]
        label = runs and all(r.find("w:rPr/w:b", NS) is not None for r in runs)
        if name.startswith("Heading") or label or _text(p).startswith("企业 ·"):
            assert _keeps_with_next(docx_parts, p), _text(p)
            checked += 1
    assert checked >= 6  # 3 headings + 1 sub-heading + the label "动向" + the meta line
    assert any(_text(p) == "动向" for p in paragraphs)


def test_docx_has_no_synthetic_italic(docx_parts) -> None:
    document = docx_parts["word/document.xml"]
    for italic in document.iter(f"{{{W}}}i"):
        assert italic.get(f"{{{W}}}val") in ("0", "false"), "a run is set in italic"
    quote = _style(docx_parts, "Quote")
    italic = quote.find("w:rPr/w:i", NS)
    assert italic is None or italic.get(f"{{{W}}}val") in ("0", "false")
    assert quote.find("w:pPr/w:pBdr/w:left", NS) is not None  # a rule at the left instead
    assert int(quote.find("w:pPr/w:ind", NS).get(f"{{{W}}}left")) > 0
    # the meta line that was *italic* in Markdown is muted instead
    meta = next(p for p in document.iter(f"{{{W}}}p") if _text(p).startswith("企业 ·"))
    colours = {c.get(f"{{{W}}}val") for c in meta.iter(f"{{{W}}}color")}
    assert "616E7C" in colours


def test_docx_company_column_holds_names_up_to_ten_characters(document) -> None:
    data = write_docx(document, {}, default_fonts(), date=DATE)
    table = docx.Document(io.BytesIO(data)).tables[0]
    widths = [int(g.get(f"{{{W}}}w")) for g in table._tbl.tblGrid.findall("w:gridCol", NS)]
    ten_characters = 10 * 9 * 20  # ten 9 pt Chinese characters, in twips
    assert widths[0] >= ten_characters
    assert widths[2] == max(widths)


# (natural widths, total, whole, least, expected)
SHARE_CASES = {
    "everything fits: spread over the width in proportion": ([10, 30], 80, 50, 5, [20, 60]),
    "short columns whole, the long one takes the rest": ([40, 20, 300], 200, 50, 10, [40, 20, 140]),
    "two long columns share the rest by what they still want": (
        [60, 150, 250],
        300,
        50,
        10,
        [55.9, 92.6, 151.5],
    ),
    "too narrow even for the short parts: shrink alike above the floor": (
        [60, 60, 60],
        90,
        50,
        20,
        [30, 30, 30],
    ),
    "no column narrower than the floor": ([1, 500], 200, 50, 30, [30, 170]),
}


@pytest.mark.parametrize("case", list(SHARE_CASES), ids=list(SHARE_CASES))
def test_share_width(case: str) -> None:
    natural, total, whole, least, expected = SHARE_CASES[case]
    widths = share_width(natural, total, whole, least)
    assert widths == pytest.approx(expected, abs=0.1)
    assert sum(widths) == pytest.approx(total)


FILLER = "储能电站的收入主要来自容量租赁和现货市场套利，地方补贴逐步退坡以后，项目收益率的分化更加明显。"


def _pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


SHORT = "储能项目收益率分化。"


@pytest.mark.parametrize(
    ("paragraphs", "lines"), [(10, n) for n in range(4, 10)] + [(14, n) for n in range(0, 4)]
)
def test_pdf_a_heading_followed_by_a_heading_is_never_alone_at_the_foot(paragraphs: int, lines: int) -> None:
    """REVIEW-1 item 18: "备忘录 [11]：…" (a title long enough to wrap) then "问题 1" at
    once: whatever the page's fill, both start on the same page."""
    body = "\n\n".join([FILLER] * paragraphs + [SHORT] * lines)
    title = "备忘录甲：脑机接口，到底是“下一个iPhone时刻”，还是又一个超前概念？产业周期与炒作周期的全面分析"
    question = "#### 问题1：容量租赁能否持续\n\n*状态：待研究 · 独立证据 0 条*\n\n"
    markdown = "## 研究议程\n\n" + body + f"\n\n### {title}\n\n" + question + FILLER + "\n"
    pages = _pages(write_pdf(parse(markdown), {}, default_fonts(), date=DATE))
    first = next(i for i, p in enumerate(pages) if "备忘录甲" in p)
    assert "问题1：容量租赁能否持续" in pages[first], f"heading alone at the foot of page {first + 1}"


LEGEND = "状态：已回答、部分回答、待研究；独立证据来自提问备忘录以外的来源，备忘录笔记只作背景。" * 2


@pytest.mark.parametrize(("paragraphs", "lines"), [(10, n) for n in range(2, 12)])
def test_pdf_a_section_heading_and_its_legend_stay_with_the_first_question(
    paragraphs: int, lines: int
) -> None:
    """REVIEW-3 P2-4: "研究议程", its legend, then "问题 1": the section heading and its
    legend never end a page without the first question."""
    body = "\n\n".join([FILLER] * paragraphs + [SHORT] * lines)
    question = "#### 问题1：容量租赁能否持续\n\n*状态：待研究 · 独立证据 0 条*\n\n"
    markdown = "## 企业案例\n\n" + body + f"\n\n## 研究议程\n\n{LEGEND}\n\n" + question + FILLER + "\n"
    pages = _pages(write_pdf(parse(markdown), {}, default_fonts(), date=DATE))
    first = next(i for i, p in enumerate(pages) if "研究议程" in p)
    assert "问题1：容量租赁能否持续" in pages[first], (
        f"heading and legend alone at the foot of page {first + 1}"
    )


@pytest.mark.parametrize("extra", range(24, 34))
def test_pdf_the_last_lines_do_not_spill_alone_onto_a_page(extra: int) -> None:
    """The end of a long briefing (its method note) does not leave a line or two on an
    otherwise empty last page: the layout is tightened once when it would."""
    body = "\n\n".join([FILLER] * 40 + [SHORT] * extra)
    pages = _pages(write_pdf(parse("## 方法说明\n\n" + body + "\n"), {}, default_fonts(), date=DATE))
    last = pages[-1].replace(f"第{len(pages)}页", "")
    assert len(last) > 3 * len(SHORT), f"only {last!r} on the last page"


def test_docx_a_heatmap_is_kept_low_and_a_list_of_names_is_not_justified() -> None:
    from briefing.charts import ChartSpec
    from briefing.writers.docx import CHART_HEIGHT

    chart = ChartSpec(
        name="theme_strength",
        kind="heatmap",
        title="主题",
        rows=[f"主题{i}" for i in range(8)],
        columns=[f"[{i}]" for i in range(1, 6)],
        values=[[float(i + j) for j in range(5)] for i in range(8)],
    )
    names = "、".join(
        ["宁德时代[1]", "比亚迪[2]", "LG Energy Solution[3]", "Panasonic[3]", "SK On[3]", "国轩高科[1]"]
    )
    markdown = "## 主题\n\n![主题](chart:theme_strength)\n\n**仅被提及的机构**：" + names + "\n"
    data = write_docx(parse(markdown), {"theme_strength": chart}, default_fonts(), date=DATE)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    heights = [int(h) for h in re.findall(r'<wp:extent cx="\d+" cy="(\d+)"', xml)]
    assert heights and max(heights) <= CHART_HEIGHT + 1
    mentions = next(p for p in etree.fromstring(xml.encode()).iter(f"{{{W}}}p") if "宁德时代" in _text(p))
    assert mentions.find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "left"


def test_docx_a_legend_between_headings_keeps_with_the_next_heading() -> None:
    markdown = f"## 研究议程\n\n{LEGEND}\n\n#### 问题1：容量租赁能否持续\n\n{FILLER}\n\n## 来源\n\n{FILLER}\n"
    document = docx.Document(io.BytesIO(write_docx(parse(markdown), {}, default_fonts(), date=DATE)))
    keeps = {p.text: p.paragraph_format.keep_with_next for p in document.paragraphs if p.text}
    assert keeps[LEGEND] is True
    assert not keeps[FILLER]  # a body paragraph before a heading is not held to it


@pytest.mark.parametrize("body_rows", [3, 5, 9])
def test_a_pdf_table_never_leaves_its_last_row_alone_on_a_page(body_rows: int) -> None:
    """seeds' modes table ended with one row (天猫) alone under its repeated header at
    the top of page 9: where a page has room for all rows but the last, the table
    splits one row earlier."""
    from briefing.doctree import Run, Table
    from briefing.fonts import default_fonts, register_reportlab
    from briefing.writers.pdf import _Builder

    fonts = default_fonts()
    regular, bold = register_reportlab(fonts)
    builder = _Builder({}, fonts, regular, bold)
    rows = [[[Run(f"企业{i}")], [Run("企业")], [Run(f"第{i}行的动向。")]] for i in range(body_rows)]
    table = builder.table(
        Table(header=[[Run("企业")], [Run("类型")], [Run("主要动向")]], rows=rows, align=[])
    )
    table.wrap(builder.width, 10_000)
    heights = table._rowHeights
    parts = table.split(builder.width, sum(heights[:-1]) + 1)  # room for all but the last row
    assert len(parts) == 2
    assert len(parts[1]._cellvalues) - 1 >= 2  # header repeated, then at least two rows
