"""How numbers and figures are written in the briefing (table-driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.labels import format_figure, format_number
from briefing.model import Figure

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.parametrize(
    ("value", "among", "shown"),
    [
        # an exact count beside figures written in 万: in 万 too, rounded, marked 约
        (160038.0, [3024000.0, 1808000.0, 160038.0], ("16万", True)),
        (242765.0, [242765.0, 1200000.0], ("24.28万", True)),
        (160000.0, [3024000.0, 160000.0], ("16万", False)),  # 16万 already: nothing to round
        # alone, or beside other exact counts or small numbers: as written
        (160038.0, [], ("160,038", False)),
        (160038.0, [160038.0, 242765.0], ("160,038", False)),
        (160038.0, [160038.0, 8000.0], ("160,038", False)),
        (3024000.0, [3024000.0, 160038.0], ("302.4万", False)),
    ],
)
def test_format_among(value: float, among: list[float], shown: tuple[str, bool]) -> None:
    from briefing.labels import format_among

    assert format_among(value, among) == shown


def test_a_key_figure_row_writes_its_values_alike() -> None:
    """nev's 销量/交付量 row: 蔚来's 160,038 vehicles beside 比亚迪 302.4万 and 特斯拉 180.8万."""
    from types import SimpleNamespace

    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus
    from briefing.render import _filters

    model = build_briefing(read_corpus(ROOT / "seeds"))
    keyvalue = _filters(model)["keyvalue"]
    entries = [SimpleNamespace(raw=r, value=v) for r, v in (("302.4万辆", 3024000.0), ("160,038", 160038.0))]
    assert [keyvalue(e, "辆", entries) for e in entries] == ["302.4万辆", "约16万辆"]
    assert keyvalue(entries[1], "辆") == "160,038辆"  # alone (a custom template's call): as before


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        ("suffix 银行", "机构后缀“银行”"),
        ("title 分析师", "职务“分析师”"),
        ("title", "职务"),
        ("stock code", "股票代码"),
        ("kind noun market researcher", "类别词“market researcher”"),
        ("legal suffix Inc", "英文公司后缀“Inc”"),
        ("named 名为", "“名为…的公司”"),
        ("said its", "英文报道称其“said its”"),
        ("share subject", "市场份额的主语"),
        ("according to", "数据出处（according to）"),
        ("apposition the dairy firm", "同位语“dairy firm”"),
        ("publisher 据…统计", "发布数据的机构“据…统计”"),
        ("这样的 商", "上下文“这样的 商”"),
    ],
)
def test_discovery_cues_read_in_chinese(cue: str, expected: str) -> None:
    from briefing.labels import found_by_zh

    assert found_by_zh(cue) == expected
