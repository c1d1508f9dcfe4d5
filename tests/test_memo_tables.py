"""Memo questions written as a table, and lines of facts to verify (待核实：…)."""

from __future__ import annotations

import pytest

from briefing import memo
from briefing.formats import parse_markdown

HEADER = ["#", "问题", "优先级", "负责人"]


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        (HEADER, ["1", "渠道库存何时见底？", "高", "张"], "渠道库存何时见底？"),
        # the question column holds a statement: still the question of its row
        (HEADER, ["2", "比较两家公司的毛利率", "中", "王"], "比较两家公司的毛利率"),
        (
            ["No.", "Question", "Owner"],
            ["3", "Will margins recover in 2025?", "Li"],
            "Will margins recover in 2025?",
        ),
        (["序号", "問題", "狀態"], ["1", "港股估值是否見底？", "進行中"], "港股估值是否見底？"),
        # a row with an empty cell (dropped) is read by its cells that ask
        (HEADER, ["4", "年轻人是否远离白酒？", "低"], "年轻人是否远离白酒？"),
        # no question column: the cells that ask
        (["#", "内容", "备注"], ["1", "出口能否抵消内需下滑？", "待定"], "出口能否抵消内需下滑？"),
        (["#", "内容", "备注"], ["1", "出口数据", "待定"], None),
    ],
)
def test_table_question(header: list[str], cells: list[str], expected: str | None) -> None:
    assert memo.table_question(header, cells) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("待核实：茅台系列酒收入增速（约48%？）", True),
        ("待核實：發行價是否為最終定價", True),
        ("To verify: the 2023 buyback amount", True),
        ("需核实: 样本量", True),
        ("核实后再写。", False),
        ("研究问题：库存何时见底？", False),
        ("我们待核实的数据还有很多。", False),
    ],
)
def test_verify_line(line: str, expected: bool) -> None:
    assert memo.verify_line(line) is expected


def _memo(body: str) -> memo.MemoParts:
    parsed = parse_markdown(body)
    return memo.extract(parsed.blocks, parsed.raw_lines)


def test_a_table_of_questions_gives_one_question_per_row() -> None:
    parts = _memo(
        "# 备忘\n\n## 研究问题\n\n| # | 问题 | 优先级 | 负责人 |\n|---|---|---|---|\n"
        "| 1 | 库存何时见底？ | 高 | 张 |\n| 2 | 提价空间还有多大？ | 中 | 王 |\n\n"
        "待核实：样本量\n待核实：发行价是否为最终定价\n\n## 参考资料\n\n1. 某文章\n"
    )
    assert [t.text for t in parts.todos] == ["库存何时见底？", "提价空间还有多大？"]


def test_lines_with_one_label_are_one_paragraph_each() -> None:
    parsed = parse_markdown(
        "待核实：样本量\n待核实：发行价是否为最终定价\n\n注：数据来自年报，\n口径：合并报表。\n"
    )
    texts = [b.text for b in parsed.blocks]
    assert texts[:2] == ["待核实：样本量", "待核实：发行价是否为最终定价"]
    assert len(texts) == 3  # different labels: one hard-wrapped sentence
