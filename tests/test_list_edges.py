"""A line that introduces a list, or closes one, stays on the page of the list.

The games fixture's DOCX opened page 7 with "缺口：资料给出了相关现状，但没有来源对此作出
判断或预测。" alone: question 3's closing line, cut off from the evidence it judges,
above question 4. A short paragraph that ends a section right after a list keeps
with the list's last item, and a paragraph that announces a list ("…可作起点：")
keeps with the list, in both writers (the rules live in ``doctree``).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from pypdf import PdfReader

from briefing.doctree import closes_list, figure_introduction, introduces_list, parse
from briefing.fonts import default_fonts
from briefing.writers.docx import write_docx
from briefing.writers.pdf import write_pdf

DATE = dt.date(2026, 11, 23)
FILLER = (
    "港口吞吐量的增长主要来自集装箱航线的恢复和转运业务，内陆腹地的散货需求仍然偏弱，运价回落之后利润分化。"
)
SHORT = "航线运价回落。"
LAST = "船东在二季度削减了三条远东至欧洲的航线运力。"
GAP = "**缺口**：资料给出了相关现状，但没有来源对此作出判断或预测。"


def _question(evidence: int = 3) -> str:
    items = "\n".join(f"- 第{i}条证据：{FILLER[:30]}" for i in range(evidence - 1))
    return f"### 问题3：航运周期何时见底？\n\n**独立证据**\n\n{items}\n- {LAST}\n\n{GAP}\n\n### 问题4：港口整合\n\n{FILLER}\n"


@pytest.mark.parametrize(
    ("markdown", "index", "introduces", "closes"),
    [
        # a closing line between a list and the next heading
        (f"## A\n\n- {LAST}\n\n{GAP}\n\n## B\n", 2, False, True),
        # ... and at the end of the document
        (f"## A\n\n- {LAST}\n\n{GAP}\n", 2, False, True),
        # a paragraph after a list that more text follows is no closing line
        (f"## A\n\n- {LAST}\n\n{GAP}\n\n{FILLER}\n", 2, False, False),
        # a long paragraph after a list is a section of its own, not a line
        (f"## A\n\n- {LAST}\n\n{FILLER * 4}\n\n## B\n", 2, False, False),
        # a paragraph ending with a colon announces the list below it
        (f"## A\n\n其他来源论及的角度可作起点：\n\n- {LAST}\n", 1, True, False),
        ("## A\n\nOther sources offer these angles:\n\n- x\n", 1, True, False),
        # ... but not a list it does not stand right above
        (f"## A\n\n其他来源论及的角度可作起点：\n\n{FILLER}\n\n- {LAST}\n", 1, False, False),
        # a paragraph ending a sentence before a list announces nothing
        (f"## A\n\n{FILLER}\n\n- {LAST}\n", 1, False, False),
    ],
)
def test_lines_that_introduce_or_close_a_list(
    markdown: str, index: int, introduces: bool, closes: bool
) -> None:
    blocks = parse(markdown).blocks
    assert introduces_list(blocks, index) is introduces
    assert closes_list(blocks, index) is closes


def _pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("lines", range(0, 24))
def test_pdf_a_closing_line_never_opens_a_page_alone(lines: int) -> None:
    """Whatever the fill of the page, 缺口 shares its page with the last evidence."""
    body = "\n\n".join([FILLER] * 24 + [SHORT] * lines)
    pages = _pages(
        write_pdf(parse("## 研究议程\n\n" + body + "\n\n" + _question()), {}, default_fonts(), date=DATE)
    )
    gap = next(i for i, p in enumerate(pages) if "缺口：资料给出了相关现状" in p)
    assert re.sub(r"\s+", "", LAST) in pages[gap], f"缺口 alone at the top of page {gap + 1}"


@pytest.mark.parametrize("lines", range(0, 30))
def test_pdf_a_line_that_announces_a_list_never_ends_a_page(lines: int) -> None:
    lead = "其他来源论及的角度可作起点："
    body = "\n\n".join([FILLER] * 24 + [SHORT] * lines)
    markdown = f"## 研究议程\n\n{body}\n\n{lead}\n\n- {LAST}\n- {SHORT}\n"
    pages = _pages(write_pdf(parse(markdown), {}, default_fonts(), date=DATE))
    at = next(i for i, p in enumerate(pages) if "可作起点" in p)
    assert re.sub(r"\s+", "", LAST) in pages[at], f"the lead line alone at the foot of page {at + 1}"


def test_pdf_a_list_split_for_its_closing_line_keeps_its_numbers() -> None:
    markdown = f"## A\n\n3. {FILLER}\n4. {SHORT}\n5. {LAST}\n\n{GAP}\n\n## B\n\n{FILLER}\n"
    text = "".join(_pages(write_pdf(parse(markdown), {}, default_fonts(), date=DATE)))
    assert "3" + FILLER[:6] in text and "4" + SHORT in text and "5" + LAST[:6] in text, text[:300]


def test_docx_closing_and_lead_lines_keep_with_their_list() -> None:
    lead = "其他来源论及的角度可作起点："
    markdown = _question() + f"\n\n{lead}\n\n- {SHORT}\n- {LAST[:10]}\n\n{FILLER}\n"
    document = docx.Document(io.BytesIO(write_docx(parse(markdown), {}, default_fonts(), date=DATE)))
    keeps = {p.text: p.paragraph_format.keep_with_next for p in document.paragraphs if p.text}
    assert keeps[LAST] is True  # the last evidence keeps with 缺口
    assert keeps[lead] is True
    assert not keeps["第0条证据：" + FILLER[:30]]  # only the last item is held
    assert not keeps[SHORT]  # an item of a list no closing line follows is not held


@pytest.mark.parametrize(
    ("markdown", "index", "count"),
    [
        # a heading, its introduction, the table
        (f"## 企业案例\n\n{FILLER}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 1, 1),
        # two paragraphs of introduction
        (f"## 企业案例\n\n{FILLER}\n\n{SHORT}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 2, 2),
        # a paragraph before a table with no heading above it in reach introduces nothing
        (f"## A\n\n{FILLER}\n\n{FILLER}\n\n{FILLER}\n\n{SHORT}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 4, 0),
        # a paragraph before a list is no figure's introduction
        (f"## A\n\n{FILLER}\n\n- {LAST}\n", 1, 0),
    ],
)
def test_paragraphs_that_introduce_a_table(markdown: str, index: int, count: int) -> None:
    assert figure_introduction(parse(markdown).blocks, index) == count


def test_docx_a_heading_and_its_introduction_keep_with_the_table() -> None:
    markdown = (
        f"## 前文\n\n- {FILLER}\n\n## 企业案例\n\n{SHORT}\n\n| 企业 | 动向 |\n|---|---|\n| 甲 | {LAST} |\n"
    )
    document = docx.Document(io.BytesIO(write_docx(parse(markdown), {}, default_fonts(), date=DATE)))
    keeps = {p.text: p.paragraph_format.keep_with_next for p in document.paragraphs if p.text}
    assert keeps[SHORT] is True  # the introduction stays with the table's first rows
    assert not keeps[FILLER]  # the list before the heading is not held
