"""How numbers and figures are written in the briefing (table-driven)."""

from __future__ import annotations

import pytest

from briefing.labels import format_figure, format_number
from briefing.model import Figure


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45.5, "45.5"),
        (8000.0, "8000"),
        (100000.0, "10万"),
        (3024000.0, "302.4万"),
        (120000000.0, "1.2亿"),
        (400920000000.0, "4009.2亿"),  # the reported precision survives
        (880000000.0000001, "8.8亿"),  # binary rounding never shows
        (2.5e12, "2.5万亿"),
        (-20720000000.0, "-207.2亿"),
        (242765.0, "242,765"),  # "242,765 vehicles", not "24.2765万"
        (160038.0, "160,038"),
        (3024500.0, "302.45万"),
    ],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (
            dict(value=45.5, unit="%", measure="市场份额", year=2017, source="IDC"),
            "市场份额 45.5%（2017年，IDC）",
        ),
        (dict(value=3.493e10, unit="元", measure="营收", year=None), "营收 349.3亿元（年份未注明）"),
        (dict(value=5.0, unit="%", measure="市场份额目标", year=2025), "市场份额目标 5%（2025年）"),
        (
            dict(
                value=8000,
                unit="家",
                measure="合作伙伴数",
                year=None,
                qualifier="超过",
                caveats=["「时间点」"],
            ),
            "合作伙伴数 超过8000家（年份未注明，待补「时间点」）",
        ),
        (
            dict(value=47, value_max=51, unit="%", measure="营收增长率预测", year=None),
            "营收增长率预测 47–51%（年份未注明）",
        ),
        (
            dict(value=4.5e9, unit="元", measure="获投资", year=None, counterpart="阿里巴巴"),
            "获阿里巴巴投资 45亿元（年份未注明）",
        ),
    ],
)
def test_format_figure(figure: dict, expected: str) -> None:
    f = Figure(text="", document="d", paragraph=0, raw="", **figure)
    assert format_figure(f) == expected
