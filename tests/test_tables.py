"""Tables read as the sentences their rows state (briefing/analysis/tables.py):
table-driven cases in tests/fixtures/analysis/table_rows.yaml, and a handset note whose
vendors' shipments and shares stand only in a Markdown table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.analysis import build_briefing
from briefing.analysis.tables import row_sentence, row_sentence_en, table_rows
from briefing.model import Corpus
from briefing.readers import build_document

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "analysis" / "table_rows.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["cases"]])
def test_a_row_states_its_figures_under_its_header(case: dict[str, Any]) -> None:
    assert row_sentence(case["header"], case["row"]) == case["sentence"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES["english"]])
def test_an_english_row_states_its_figures_under_its_header(case: dict[str, Any]) -> None:
    assert row_sentence_en(case["header"], case["row"]) == case["sentence"]


def test_a_table_is_rows_of_one_length_under_a_header() -> None:
    paragraphs = ["正文一句。", "厂商 | 份额", "vivo | 18.6%", "OPPO | 15.4%", "正文又一句。", "a | 1 | 2"]
    rows = table_rows(paragraphs)
    assert sorted(rows) == [1, 2, 3]
    assert rows[3] == (1, ["厂商", "份额"])


NOTE = """---
title: 2024年三季度中国智能手机市场
date: 2024-10-20
---

IDC数据显示，2024年第三季度中国智能手机市场出货量约6878万台，同比增长3.2%。

| 厂商 | 出货量（万台） | 市场份额 | 同比增长 |
|---|---|---|---|
| vivo | 1280 | 18.6% | 22.4% |
| OPPO | 1060 | 15.4% | -4.5% |
| 荣耀 | 1030 | 15.0% | 1.2% |

苹果份额同比下降。
"""


def test_a_notes_table_gives_each_vendor_its_figures_with_the_data_s_time_and_source() -> None:
    doc = build_document("note.md", NOTE, "utf-8")
    model = build_briefing(Corpus(documents=[doc], skipped=[]), date=dt.date(2024, 12, 1))
    figures = {c.name: {(f.measure, f.value) for f in c.figures} for c in model.companies}
    # of the China market the paragraph before the table reports
    assert ("中国出货量", 12800000.0) in figures["vivo"] and ("中国市场份额", 18.6) in figures["vivo"]
    assert ("中国出货量同比下降", 4.5) in figures["OPPO"] or ("出货量同比下降", 4.5) in figures["OPPO"]
    share = next(f for f in next(c for c in model.companies if c.name == "vivo").figures if f.value == 18.6)
    assert (share.year, share.period, share.source) == (2024, "三季度", "IDC")


@pytest.mark.parametrize(
    ("sentence", "market"),
    [
        ("Global smartphone shipments grew 5% year on year to 309.9 million units.", "全球"),
        ("China's new-energy vehicle sales rose 35% in 2024.", "中国"),
        ("European EV registrations fell 3% in August.", "欧洲"),
        ("2024年第三季度中国智能手机市场出货量约6878万台。", "中国"),
        ("Apple shipped 56.5 million iPhones.", ""),
        ("Global Ports Holding reported revenue of $200 million.", ""),  # a company, not a market's data
    ],
)
def test_the_market_a_paragraph_reports_data_of(sentence: str, market: str) -> None:
    from briefing.analysis.figures import market_frame

    assert market_frame(sentence) == market
