"""The DOCX writer: structure checked with python-docx and lxml, rendering with LibreOffice.

Everything but the last test runs with Python and pip alone; the LibreOffice
test skips when ``soffice`` is not installed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm, Emu
from lxml import etree

from briefing.charts import ChartSpec
from briefing.doctree import parse
from briefing.errors import TemplateError
from briefing.fonts import default_fonts
from briefing.writers.docx import write_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
DATE = dt.date(2024, 5, 6)
URL = "https://example.com/report?id=1&lang=zh"

MARKDOWN = """---
title: "产业简报 Industry Briefing"
subtitle: "测试用副标题"
author: "研究部 Research"
subject: "产业互联网与云计算"
keywords: ["产业互联网", "云计算"]
cover:
  - "简报日期：2024-05-06"
  - "来源：2 份"
---

## 关键结论 {: #takeaways}

1. 第一条结论，含 **加粗**、*斜体* 与 `code`。
2. 第二条结论，见来源 [\\[1\\]](#src-1)。

两个列表之间的段落。

1. 另一个列表的第一项
2. 另一个列表的第二项

## 主题 {: #themes}

### 云计算

- 外层要点 outer point
  - 内层要点 inner point
- 第二个外层要点

![主题强度示例](chart:demo)

> 引用的句子：云计算是产业互联网的底座。 [\\[1\\]](#src-1)

| 企业 | 类型 | 主要动向 |
|---|---|---|
| 腾讯 | 企业 | 腾讯云与合作伙伴搭建新一代的智能产业生态，覆盖零售、医疗与教育。 |
| 阿里巴巴 | 企业 | Alibaba Cloud leads the public cloud market in China. |

<!-- pagebreak -->

## 来源 {: #sources}

#### 跳级的标题

\\[1\\] 产业互联网报告，2024-05-01，[原文链接](<https://example.com/report?id=1&lang=zh>)。 {: #src-1}
"""

CHARTS = {
    "demo": ChartSpec(
        name="demo",
        kind="bars",
        title="公有云市场份额（2017年）",
        rows=["阿里云", "腾讯云"],
        values=[[45.5], [10.3]],
        unit="%",
        note="来源：测试数据",
    )
}


@pytest.fixture(scope="module")
def fonts():
    return default_fonts()


@pytest.fixture(scope="module")
def data(fonts) -> bytes:
    return write_docx(parse(MARKDOWN), CHARTS, fonts, date=DATE)


@pytest.fixture(scope="module")
def document(data):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def parts(data) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def _style_names(document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles}


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


def test_headings_use_word_heading_styles_in_order(document):
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "关键结论"),
        ("Heading 1", "主题"),
        ("Heading 2", "云计算"),
        ("Heading 1", "来源"),
        ("Heading 2", "跳级的标题"),  # "####" after "##" does not skip a level
    ]
    title = document.paragraphs[0]
    assert (title.style.name, title.text) == ("Title", "产业简报 Industry Briefing")


def _embedded_family(parts, fonts) -> str:
    """The family the document's embedded subsets carry: the font's name and a hash
    of their characters, with the font's own name as the alternative."""
    (entry,) = [
        e
        for e in parts["word/fontTable.xml"].findall("w:font", NS)
        if e.find("w:embedRegular", NS) is not None
    ]
    assert entry.find("w:altName", NS).get(f"{{{W}}}val") == fonts.name
    family = entry.get(f"{{{W}}}name")
    assert re.fullmatch(re.escape(fonts.name) + r" [0-9A-F]{8}", family)
    return family


def test_every_style_in_use_names_the_chinese_font(document, parts, fonts):
    family = _embedded_family(parts, fonts)
    used = {"Normal"}
    for name, root in parts.items():
        if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
            for tag in ("pStyle", "rStyle", "tblStyle"):
                used |= {el.get(f"{{{W}}}val") for el in root.iter(f"{{{W}}}{tag}")}
    assert {
        "Title",
        "Heading1",
        "Heading2",
        "ListNumber",
        "ListBullet",
        "Quote",
        "Caption",
        "Hyperlink",
    } <= used
    assert {"Header", "Footer", "TableGrid"} <= used
    styles = parts["word/styles.xml"]
    for style_id in used:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert style is not None, style_id
        fonts_el = style.find("w:rPr/w:rFonts", NS)
        assert fonts_el is not None, style_id
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts_el.get(f"{{{W}}}{slot}") == family, (style_id, slot)
    theme = {f"{{{W}}}{a}" for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")}
    assert not [el for el in styles.iter(f"{{{W}}}rFonts") if theme & set(el.attrib)]
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(f"{{{W}}}eastAsia") == family
    assert defaults.find("w:lang", NS).get(f"{{{W}}}eastAsia") == "zh-CN"
    assert parts["word/settings.xml"].find("w:themeFontLang", NS).get(f"{{{W}}}eastAsia") == "zh-CN"


def test_table_has_a_repeated_bold_header_and_fits_the_page(document):
    (table,) = document.tables
    first = table.rows[0]._tr
    assert first.find("w:trPr/w:tblHeader", NS) is not None
    assert [c.text for c in table.rows[0].cells] == ["企业", "类型", "主要动向"]
    assert all(r.bold for c in table.rows[0].cells for r in c.paragraphs[0].runs)
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in table._tbl.tr_lst[1:])
    widths = [int(g.get(f"{{{W}}}w")) for g in table._tbl.tblGrid.findall("w:gridCol", NS)]
    section = document.sections[0]
    text_width = Emu(section.page_width - section.left_margin - section.right_margin).twips
    assert sum(widths) <= text_width + 3
    assert min(widths) >= Cm(1.5).twips - 3
    assert widths[2] == max(widths)  # the long column gets the room


def test_each_chart_is_an_inline_image_with_its_caption(document, parts):
    body = parts["word/document.xml"]
    assert len(body.findall(".//wp:inline", NS)) == 1
    assert len(document.inline_shapes) == 1
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in _names(document))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["主题强度示例"]


def _names(document) -> list[str]:
    return [str(p.partname).lstrip("/") for p in document.part.package.iter_parts()]


def test_unknown_chart_is_a_template_error(fonts):
    doc = parse("## 图\n\n![缺失的图](chart:nowhere)\n")
    with pytest.raises(TemplateError, match="nowhere"):
        write_docx(doc, CHARTS, fonts, date=DATE)


def test_without_front_matter_there_is_no_cover(fonts):
    document = docx.Document(io.BytesIO(write_docx(parse("## 标题\n\n正文。\n"), {}, fonts, date=DATE)))
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Heading 1", "标题"),
        ("Normal", "正文。"),
    ]
    assert not document.paragraphs[0].paragraph_format.page_break_before
    assert not document.sections[0].different_first_page_header_footer


def test_links_are_live(document, parts):
    rels = {rid: rel for rid, rel in document.part.rels.items() if rel.reltype == RT.HYPERLINK}
    assert [rel.target_ref for rel in rels.values()] == [URL]
    assert all(rel.is_external for rel in rels.values())
    body = parts["word/document.xml"]
    external = body.findall(f".//w:hyperlink[@r:id='{next(iter(rels))}']", NS)
    assert [_paragraph_text(h) for h in external] == ["原文链接"]
    internal = body.findall(".//w:hyperlink[@w:anchor='src-1']", NS)
    assert len(internal) == 2
    marks = body.findall(".//w:bookmarkStart", NS)
    assert {"src-1", "takeaways", "themes", "sources"} <= {m.get(f"{{{W}}}name") for m in marks}
    ids = [m.get(f"{{{W}}}id") for m in marks]
    assert len(ids) == len(set(ids)) == len(body.findall(".//w:bookmarkEnd", NS))
    anchored = next(
        p for p in body.iter(f"{{{W}}}p") if p.find("w:bookmarkStart[@w:name='src-1']", NS) is not None
    )
    assert "产业互联网报告" in _paragraph_text(anchored)


def test_ordered_lists_restart_and_nested_lists_go_one_level_deeper(document, parts):
    def numbering(p):
        num_pr = p._p.find("w:pPr/w:numPr", NS)
        return int(num_pr.find("w:numId", NS).get(f"{{{W}}}val")), int(
            num_pr.find("w:ilvl", NS).get(f"{{{W}}}val")
        )

    numbered = [(p.text, numbering(p)) for p in document.paragraphs if p.style.name == "List Number"]
    assert [t for t, _ in numbered][:1] == ["第一条结论，含 加粗、斜体 与 code。"]
    first_list, second_list = {n for _, (n, _) in numbered[:2]}, {n for _, (n, _) in numbered[2:]}
    assert len(first_list) == len(second_list) == 1 and first_list != second_list
    numbering_xml = parts["word/numbering.xml"]
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering_xml.find(f"w:num[@w:numId='{style_num}']/w:abstractNumId", NS).get(f"{{{W}}}val")
    for num_id in first_list | second_list:
        num = numbering_xml.find(f"w:num[@w:numId='{num_id}']", NS)
        assert num.find("w:abstractNumId", NS).get(f"{{{W}}}val") == abstract
        assert num.find("w:lvlOverride[@w:ilvl='0']/w:startOverride", NS).get(f"{{{W}}}val") == "1"
    bullets = {p.text: numbering(p)[1] for p in document.paragraphs if p.style.name == "List Bullet"}
    assert bullets == {"外层要点 outer point": 0, "内层要点 inner point": 1, "第二个外层要点": 0}


def test_quote_and_page_breaks(document):
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert [p.text for p in quotes] == ["引用的句子：云计算是产业互联网的底座。 [1]"]
    breaks = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["关键结论", "来源"]  # after the cover, and <!-- pagebreak -->


def test_page_setup_header_and_footer(document):
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == round(section.right_margin.cm, 1) == 2.0
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "产业简报 Industry Briefing\t2024-05-06"
    footer = section.footer._element
    assert "PAGE" in "".join(t.text for t in footer.iter(f"{{{W}}}instrText"))
    assert "第" in "".join(p.text for p in section.footer.paragraphs)
    assert not "".join(p.text for p in section.first_page_header.paragraphs)
    assert not "".join(p.text for p in section.first_page_footer.paragraphs)


def test_core_properties(document):
    props = document.core_properties
    assert props.title == "产业简报 Industry Briefing"
    assert props.author == props.last_modified_by == "研究部 Research"
    assert props.subject == "产业互联网与云计算"
    assert "产业互联网" in props.keywords
    midnight = dt.datetime(2024, 5, 6)
    assert props.created.replace(tzinfo=None) == props.modified.replace(tzinfo=None) == midnight
    assert props.revision == 1
    assert props.language == "zh-CN"
    assert "python-docx" not in (props.comments or "")


def test_identical_input_gives_identical_bytes(data, fonts):
    assert write_docx(parse(MARKDOWN), CHARTS, fonts, date=DATE) == data


def test_fonts_are_embedded(data, parts, fonts):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
    assert len([n for n in names if n.startswith("word/fonts/") and n.endswith(".odttf")]) == 2
    family = _embedded_family(parts, fonts)
    font = parts["word/fontTable.xml"].find(f"w:font[@w:name='{family}']", NS)
    assert font.find("w:embedRegular", NS) is not None and font.find("w:embedBold", NS) is not None
    assert parts["word/settings.xml"].find("w:embedTrueTypeFonts", NS) is not None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_with_the_chinese_font(data, tmp_path):
    from pypdf import PdfReader

    source = tmp_path / "briefing.docx"
    source.write_bytes(data)
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        timeout=240,
        env={**os.environ, "HOME": str(tmp_path)},
        check=False,
    )
    converted = tmp_path / "briefing.pdf"
    assert converted.exists(), result.stderr.decode(errors="replace")
    reader = PdfReader(str(converted))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("NotoSansCJK" in f for f in fonts), fonts
    text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))
    for expected in (
        "产业简报",
        "关键结论",
        "第一条结论",
        "1.另一个列表的第一项",
        "云计算是产业互联网的底座",
        "腾讯云与合作伙伴",
    ):
        assert expected in text, expected
    assert "Alibaba Cloud leads" in re.sub(r"\s+", " ", "".join(p.extract_text() or "" for p in reader.pages))
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline == ["关键结论", "主题", "来源"]


@pytest.mark.parametrize(
    ("body_rows", "kept"),
    [
        (2, [True, False, False]),  # header with the first row; two rows move as the table does
        (3, [True, False, True, False]),  # the row before the last keeps with it
        (5, [True, False, False, False, True, False]),
    ],
)
def test_a_table_never_leaves_its_header_or_its_last_row_alone_on_a_page(fonts, body_rows, kept):
    """healthcare's case table ended with one row (捷迈邦美) alone under a repeated header
    at the top of a page: the header keeps with the first row, the second-to-last row
    with the last."""
    rows = "\n".join(f"| 企业{i} | 企业 | 第{i}行的动向。 |" for i in range(body_rows))
    data = write_docx(
        parse(f"## 表\n\n| 企业 | 类型 | 主要动向 |\n|---|---|---|\n{rows}\n"), {}, fonts, date=DATE
    )
    (table,) = docx.Document(io.BytesIO(data)).tables
    shown = [all(c.paragraphs[0].paragraph_format.keep_with_next for c in r.cells) for r in table.rows]
    assert shown == kept


@pytest.mark.parametrize(
    ("items", "kept"),
    [
        (["另问：阿里比腾讯的先天优势？"], True),  # a question's sub-question stays with its status
        (["另问：一？", "另问：二？"], True),
        ([f"第{i}项要点，说明较长的内容。" for i in range(6)], False),  # a real list may break
    ],
)
def test_a_short_list_under_a_heading_stays_with_what_follows(fonts, items, kept):
    """games' DOCX ended page 5 on '问题 1' and its 另问, its status and evidence on the next."""
    lines = "\n".join(f"- {t}" for t in items)
    markdown = f"### 问题 1：国内市场重回增长吗？\n\n{lines}\n\n*状态：部分回答*\n\n正文。\n"
    data = write_docx(parse(markdown), {}, fonts, date=DATE)
    paragraphs = [p for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name == "List Bullet"]
    assert len(paragraphs) == len(items)
    assert all(bool(p.paragraph_format.keep_with_next) is kept for p in paragraphs)
