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
        ("Global Payments said sales rose 5%.", ""),
        ("China's BYD reported record sales in 2024.", ""),
        ("According to Canalys, global smartphone shipments grew 5%.", "全球"),
    ],
)
def test_the_market_a_paragraph_reports_data_of(sentence: str, market: str) -> None:
    from briefing.analysis.figures import market_frame

    assert market_frame(sentence) == market


def _figures_of(text: str) -> dict[str, set[tuple[str, float]]]:
    doc = build_document("note.md", text, "utf-8")
    model = build_briefing(Corpus(documents=[doc], skipped=[]), date=dt.date(2024, 12, 1))
    return {c.name: {(f.measure, f.value) for f in c.figures} for c in model.companies}


def test_a_table_of_prose_cells_is_read_as_prose() -> None:
    figures = _figures_of(
        "---\ntitle: 车企要点\ndate: 2025-01-10\n---\n\n| 公司 | 核心看点 |\n|---|---|\n"
        "| 比亚迪 | 2024年销量427万辆，海外销量41.7万辆 |\n| 理想汽车 | 2024年交付50万辆，同比增长33% |\n"
    )
    assert ("销量", 4270000.0) in figures["比亚迪"]
    assert ("交付量", 500000.0) in figures["理想汽车"]


def test_a_traditional_table_is_read_under_its_header() -> None:
    figures = _figures_of(
        "---\ntitle: 手機市場\ndate: 2024-10-20\n---\n\nIDC數據顯示，2024年第三季度中國智慧型手機市場出貨量約6878萬台。\n\n"
        "| 廠商 | 出貨量（萬台） | 市場份額 | 按年增長 |\n|---|---|---|---|\n| vivo | 1280 | 18.6% | 22.4% |\n"
        "| OPPO | 1060 | 15.4% | -4.5% |\n"
    )
    assert any(m.endswith("市场份额") and v == 18.6 for m, v in figures["vivo"])
    assert any(m.endswith("出货量同比下降") and v == 4.5 for m, v in figures["OPPO"])


def test_an_undated_mention_before_the_table_takes_the_row_s_time() -> None:
    figures = _figures_of(
        "---\ntitle: Phones\ndate: 2024-10-20\n---\n\nApple shipped 56.5 million iPhones.\n\n"
        "Global smartphone shipments grew 5% in the third quarter of 2024, according to Canalys.\n\n"
        "| Vendor | Q3 2024 shipments (million) | Market share |\n|---|---|---|\n| Apple | 56.5 | 18% |\n"
        "| Samsung | 57.5 | 19% |\n"
    )
    shipped = [(m, v) for m, v in figures["苹果公司"] if v == 56500000.0]
    assert len(shipped) == 1
