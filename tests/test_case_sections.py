"""Issue 11: a company's section under 企业案例 says what the organisation did.

A case whose move the briefing already quoted (a takeaway, its row in the case
table) had a section of figures alone (汇通达 in the seeds, 迈瑞医疗 in the
healthcare fixture, 汇丰控股 and 恒生银行 in the banks fixture, 新易盛 in the field
corpus): a heading over numbers the table row already shows. Now a section shows
the moves still untold, else the untold sentences its figures come from (what a
figure measures, how it was read: 新易盛's "…的业绩被市场认为不及预期"), and a
section that would show only figures is folded: its table row stands, and the
figures the row leaves out are listed once after the sections.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CORPORA, ROOT, SEEDS
from test_editions import make_briefing, make_company, make_document

from briefing.analysis import build_briefing
from briefing.charts import charts_for
from briefing.model import Briefing, Figure, Quote
from briefing.readers import read_corpus
from briefing.render import render

FIELD = (ROOT / ".." / "shared" / "field-corpus").resolve()
FOLDERS = {
    "seeds": SEEDS,
    "field": FIELD,
    **{n: CORPORA / n for n in ("banks", "coffee", "healthcare", "nev", "solar", "games", "baijiu")},
}
DATE = dt.date(2026, 11, 23)
MORE = "**表中企业的其他数据**"


def _sections(markdown: str) -> dict[str, str]:
    """The company sections (### name) of the 企业案例 part, by heading name."""
    part = markdown.split("## 企业案例", 1)[1]
    part = re.split(r"\n## ", part, maxsplit=1)[0]
    out = {}
    for section in re.split(r"\n### ", part)[1:]:
        heading, _, body = section.partition("\n")
        out[heading.split("（")[0].split(" {:")[0].strip()] = body
    return out


def _figure(value: float, unit: str, measure: str, text: str, document: str) -> Figure:
    return Figure(
        value=value, unit=unit, measure=measure, year=2024, text=text, document=document, paragraph=0
    )


SAID = "远航海运2024年营收达到120亿元，同比增长18%，净利润为15亿元。"
"""A move quoted in full as a takeaway; its three figures come from it."""
READING = "全年运价回落之后，二季度盈利3.2亿元，环比下滑21%的业绩被市场认为不及预期。"
"""The sentence a second company's figures come from: it says how they were read."""
RESULT = "北辰钢铁2024年完成了对两家同行的整合。"


def _model() -> Briefing:
    doc = make_document("a.txt", "x")
    doc.language = "zh-Hans"
    yuanhang = make_company("远航海运")
    yuanhang.moves = [Quote(SAID, "a.txt", 0)]
    yuanhang.move = SAID
    yuanhang.move_document = "a.txt"
    yuanhang.mentions = 4
    yuanhang.figures = [
        _figure(1.2e10, "元", "营收", SAID, "a.txt"),
        _figure(18, "%", "营收同比增长", SAID, "a.txt"),
        _figure(1.5e9, "元", "净利润", SAID, "a.txt"),
    ]
    beichen = make_company("北辰钢铁")
    beichen.moves = [Quote(RESULT, "a.txt", 1)]
    beichen.move = RESULT
    beichen.move_document = "a.txt"
    beichen.mentions = 4
    beichen.figures = [
        _figure(3.2e8, "元", "利润", READING, "a.txt"),
        _figure(21, "%", "利润环比下降", READING, "a.txt"),
    ]
    listed = make_company("中远航运")
    listed.role = "mention"
    listed.documents = ["a.txt"]
    return make_briefing(documents=[doc], takeaways=[SAID, RESULT], companies=[yuanhang, beichen, listed])


@pytest.fixture(scope="module")
def synthetic() -> str:
    model = _model()
    return render(model, charts_for(model))


@pytest.mark.parametrize(
    ("company", "section", "shows"),
    [
        # every figure comes from the takeaway the row already points to: no section,
        # the figure the row leaves out listed after the sections
        ("远航海运", False, ["净利润 15亿元（2024年）"]),
        # its move was said, but its figures come from a sentence not shown yet: the
        # section tells it (what the figures are and how they were read)
        ("北辰钢铁", True, ["**动向**", "业绩被市场认为不及预期"]),
    ],
)
def test_a_section_says_what_the_company_did_or_is_folded(synthetic, company, section, shows) -> None:
    sections = _sections(synthetic)
    assert (company in sections) is section, sorted(sections)
    where = sections[company] if section else synthetic.split(MORE, 1)[1].split("\n", 1)[0]
    for text in shows:
        assert text in where, (company, where)


def test_the_figures_a_folded_row_shows_are_not_listed_again(synthetic) -> None:
    more, rest = synthetic.split(MORE, 1)[1].split("\n", 1)
    assert rest.startswith("\n**仅被提及的机构**"), rest[:80]  # a paragraph of its own
    assert "营收 120亿元" not in more and "北辰钢铁" not in more, more
    assert synthetic.count("业绩被市场认为不及预期") == 1


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def briefing(request) -> tuple[Briefing, str]:
    folder = FOLDERS[request.param]
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared field corpus is not part of the repository)")
    model = build_briefing(read_corpus(folder), date=DATE)
    return model, render(model, charts_for(model))


def test_no_company_section_holds_only_figures(briefing) -> None:
    """On every folder: a section under 企业案例 tells a move (or the mode's grounds),
    never a heading over a list of numbers alone."""
    model, markdown = briefing
    names = {c.name for c in model.companies}
    for name, body in _sections(markdown).items():
        if name not in names:
            continue  # 数据对比 and other sub-headings
        assert "**动向**" in body or "**模式依据**" in body, (name, body[:300])


def test_a_folded_case_keeps_its_row_and_its_figures(briefing) -> None:
    """Folding loses nothing: a major case without a section still has its table row,
    and each of its figures is in the row or in the list after the sections."""
    model, markdown = briefing
    part = markdown.split("## 企业案例", 1)[1].split("\n## ", 1)[0].replace("\\", "")
    sections = _sections(markdown)
    for c in model.companies:
        if not c.is_case or c.name in sections or len(c.figures) < 2:
            continue
        assert re.search(rf"^\| (?:└ )?{re.escape(c.name)}[（ |]", part, re.M), c.name
        more = part.split(MORE, 1)[1].split("\n", 1)[0] if MORE in part else ""
        for f in c.figures[:6]:
            assert f.measure in part, (c.name, f.measure)
        if len(c.figures) > 2:
            assert c.name in more, (c.name, more)
