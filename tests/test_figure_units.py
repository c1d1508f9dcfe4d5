"""Measures per unit, volumes, regions and founding years (tests/fixtures/figures/
units_years_markets.yaml, sentences of several industries), and the express-parcel
folder tests/fixtures/corpora/logistics/ read against logistics.expected.yaml: whose each
figure is, with its measure, scope and year; the regulator's industry totals in the key
figures; a pronoun's company."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.analysis.figures import figures_in, year_of
from briefing.script import to_simplified

FIXTURES = Path(__file__).parent / "fixtures"
CASES = yaml.safe_load((FIXTURES / "figures" / "units_years_markets.yaml").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_measure_and_year_of_each_figure(case: dict[str, Any]) -> None:
    text = case["text"]
    hits = {h.raw: h for h in figures_in(text)}
    for want in case["figures"]:
        assert want["raw"] in hits, (want, list(hits))
        h = hits[want["raw"]]
        if "measure" in want:
            assert h.measure == want["measure"], (want, h)
        if "year" in want:
            assert year_of(text, h.start, h.end)[0] == want["year"], (want, year_of(text, h.start, h.end))
        if "relative" in want:  # 去年 (-1), 今年 (0): resolved with the document's date later
            assert year_of(text, h.start, h.end) == (None, want["relative"]), (
                want,
                year_of(text, h.start, h.end),
            )


def test_the_data_lists_read() -> None:
    from briefing.analysis.figures import _founding_year, _market_measures, _per_unit

    prefixes, en, names = _per_unit()
    assert "单票" in prefixes and en["per parcel"] == "单票" and names["营收"] == "收入"
    assert "业务量" in _market_measures()
    text = "J&T Express, founded in Indonesia in 2015, delivered parcels in 2023."
    assert _founding_year(text, text.index("2015")) and not _founding_year(text, text.index("2023"))


# ------------------------------------------------------------------ logistics folder

LOGISTICS = FIXTURES / "corpora" / "logistics"
EXPECTED = yaml.safe_load((LOGISTICS.parent / "logistics.expected.yaml").read_text("utf-8"))
SAME_MEASURE = {"包裹量": "业务量", "募资": "融资"}
"""The expected file's word for a measure and the model's name for the same quantity."""
NOT_YET: dict[str, str] = {}
"""raw → why the analysis does not read that figure yet (an expected failure)."""


@pytest.fixture(scope="module")
def logistics():
    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    return build_briefing(read_corpus(LOGISTICS), date=dt.date(2026, 12, 2))


def _company(model, company: dict[str, Any]):
    forms = {to_simplified(f) for f in [company["name"], *company.get("aliases", [])]}
    return next(
        (c for c in model.companies if c.name in forms or forms & {to_simplified(a) for a in c.aliases}), None
    )


def _core(scope: str) -> str:
    """市场/业务 off a scope as the expected file writes it (中国市场 → 中国, 国际业务 → 国际)."""
    return re.sub(r"(?:市场|业务)$", "", scope)


@pytest.mark.parametrize(
    ("company", "want"),
    [
        pytest.param(
            c,
            f,
            id=f"{c['name']}-{f['raw']}",
            marks=[pytest.mark.xfail(reason=NOT_YET[f["raw"]], strict=True)] if f["raw"] in NOT_YET else [],
        )
        for c in EXPECTED["companies"]
        for f in c.get("figures", [])
    ],
)
def test_logistics_figures_keep_owner_measure_scope_and_year(logistics, company, want) -> None:
    """Each figure of logistics.expected.yaml is its company's, for the year written there,
    measuring what the expected file says (单票收入 is no 营收), its scope (东南亚, 国际,
    中国) kept in the measure or the scope, never read as the company's whole."""
    c = _company(logistics, company)
    assert c is not None, company["name"]
    mine = [f for f in c.figures if f.value == pytest.approx(want["value"])]
    assert mine, (want, [(f.measure, f.value) for f in c.figures])
    f = mine[0]
    if "year" in want:
        assert f.year == want["year"], (want, f)
    if "measure" in want:
        measure = SAME_MEASURE.get(want["measure"], want["measure"])
        assert measure in f.measure, (want, f.measure)
    if "scope" in want:
        assert _core(want["scope"]) in f.measure + f.scope, (want, f.measure, f.scope)
        assert f.measure not in ("营收", "业务量"), (want, f.measure)


def test_logistics_per_unit_figures_are_never_a_total(logistics) -> None:
    """A figure whose sentence says 单票/per parcel right before its measure is no 营收."""
    for c in logistics.companies:
        for f in c.figures:
            if re.search(r"单票收入|per parcel", to_simplified(f.text)) and f.unit == "元":
                assert f.measure.startswith("单票"), (c.name, f.raw, f.measure)


def test_logistics_industry_totals_are_key_figures(logistics) -> None:
    """The regulator's totals (industry_figures) are key figures, credited to it, of a market."""
    shown = {(e.raw, k.source, k.year) for k in logistics.key_figures for e in k.entries}
    for want in EXPECTED["industry_figures"]:
        assert (want["raw"], want["source"], want["year"]) in shown, (want, shown)


def test_logistics_key_figure_labels_are_measures(logistics) -> None:
    """A key figure's measure and scope are words a reader knows: no verb of the clause
    (完成) glued into a segment ("同比增长（快递完成业务）")."""
    for k in logistics.key_figures:
        assert "完成" not in k.measure + k.scope, k
    growth = next(
        f for c in logistics.companies if c.name == "中通快递" for f in c.figures if f.raw == "23.8%"
    )
    assert growth.measure == "业务量同比增长" and not growth.scope, growth


def test_logistics_it_points_back_to_the_subject_not_the_apposition(logistics) -> None:
    """ "Cainiao, Alibaba's logistics arm, built … It handles parcels…": Cainiao's move."""
    by_name = {c.name: c for c in logistics.companies}
    move = "It handles parcels for AliExpress"
    cainiao = _company(logistics, next(c for c in EXPECTED["companies"] if c["name"] == "菜鸟"))
    alibaba = _company(logistics, next(c for c in EXPECTED["companies"] if c["name"] == "阿里巴巴"))
    assert cainiao is not None and alibaba is not None, list(by_name)
    assert any(m.text.startswith(move) for m in cainiao.moves), [m.text for m in cainiao.moves]
    assert not any(m.text.startswith(move) for m in alibaba.moves), [m.text for m in alibaba.moves]


@pytest.mark.parametrize(
    ("sentence", "total", "members"),
    [
        # airlines: the three carriers' combined loss is none of theirs
        (
            "中国国航、东方航空和南方航空三大航上半年合计亏损超过30亿元。",
            "30亿元",
            ["中国国航", "东方航空", "南方航空"],
        ),
        ("工商银行和建设银行2023年共计实现净利润6983亿元。", "6983亿元", ["工商银行", "建设银行"]),
        (
            "China Eastern and China Southern posted combined losses of 4 billion yuan in 2023.",
            "4 billion yuan",
            ["东方航空", "南方航空"],
        ),
    ],
)
def test_a_groups_total_is_no_members_figure(
    tmp_path: Path, sentence: str, total: str, members: list[str]
) -> None:
    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    (tmp_path / "note.txt").write_text(
        f"行业动态\n\n{sentence}\n\n东方航空上半年净亏损约27.7亿元。\n", "utf-8"
    )
    model = build_briefing(read_corpus(tmp_path), date=dt.date(2026, 12, 2))
    for c in model.companies:
        if c.name in members:
            assert not any(f.raw == total for f in c.figures), (c.name, [f.raw for f in c.figures])
    # the member's own figure stays its own
    eastern = next(c for c in model.companies if c.name == "东方航空")
    assert any("27.7" in f.raw for f in eastern.figures)


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        ("第三季合并营收为新台币1.85兆元，年增20%。", "新台币1.85兆元", 1.85e12),
        ("丰田汽车2023财年营收达到45兆日元。", "45兆日元", 45e12),
        ("全年营收3.2万亿元。", "3.2万亿元", 3.2e12),
    ],
)
def test_a_trillion_written_as_zhao_before_a_currency(text: str, raw: str, value: float) -> None:
    hits = {h.raw: h for h in figures_in(text)}
    assert hits[raw].value == value
    # a mega of watts is no trillion of anything
    assert all(
        h.value < 1e9 for h in figures_in("该电站装机容量100兆瓦，年发电量1.2亿千瓦时。") if "瓦" in h.raw
    )


def test_a_bare_change_is_no_key_figure(tmp_path: Path) -> None:
    """'…while Apple's fell 0.3%' leaves a change of nothing named (measure 下降): a
    row 下降 苹果 0.3% tells the reader nothing, so it is no key figure; Apple's Greater
    China revenue keeps its region."""
    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    (tmp_path / "apple.txt").write_text(
        "Apple's China sales slide as Huawei rebounds\n\n"
        "Apple's revenue in Greater China fell 2% to $15.0 billion in the quarter ended September, the company said.\n\n"
        "Huawei's smartphone shipments in China rose 42% in the third quarter, according to research firm Canalys, "
        "while Apple's fell 0.3%.\n",
        "utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=dt.date(2026, 12, 2))
    assert model.key_figures
    assert all(k.measure not in ("下降", "增长", "下滑") for k in model.key_figures), [
        k.measure for k in model.key_figures
    ]
    assert any(k.measure.startswith("大中华区营收") for k in model.key_figures), [
        k.measure for k in model.key_figures
    ]


@pytest.mark.parametrize(
    ("period", "date", "year"),
    [
        ("上半年", "2024-09-12", 2024),
        ("上半年", "2024-06-28", 2024),  # written in its last month
        ("上半年", "2024-01-15", 2023),
        ("三季度", "2024-10-30", 2024),
        ("四季度", "2024-12-20", 2024),
        ("四季度", "2024-11-20", 2023),
        ("前8个月", "2024-09-01", 2024),
        ("7月", "2024-07-31", 2024),
        ("7月", "2011-06-20", 2011),  # a month just ahead: announced for it ("自7月起…")
        ("7月", "2024-03-20", 2023),  # months ahead: last year's
        ("第三财季", "2024-10-30", None),  # a fiscal quarter: the company's own calendar
        ("上半年", "2024", None),
    ],
)
def test_a_period_without_a_year_is_the_latest_before_the_article(
    period: str, date: str, year: int | None
) -> None:
    from briefing.analysis.figures import year_before

    assert year_before(period, date) == year


MARKET_LABELS = yaml.safe_load((FIXTURES / "figures" / "market_labels.yaml").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in MARKET_LABELS])
def test_the_market_or_group_a_figure_belongs_to(case: dict[str, Any]) -> None:
    from briefing.analysis.figures import _market_label

    text = case["text"]
    hits = {h.raw: h for h in figures_in(text)}
    for raw, label in case["labels"].items():
        assert str(raw) in hits, (raw, list(hits))
        assert _market_label(text, 0, hits[str(raw)], []) == label, (raw, label)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("1-8月全国粗钢产量为6.91亿吨", "前8个月"),
        ("1—6月销量", "上半年"),
        ("一至九月营收", "前三季度"),
        ("2024年1-12月", ""),
        ("8月销量", "8月"),
        ("9月上旬，重点监测煤炭企业销售量", "9月上旬"),
        ("前8个月累计", "前8个月"),
        ("第三季度", "三季度"),
        # a quarter by its months
        ("operating profit for the July-September period", "三季度"),
        ("the April to June quarter", "二季度"),
        ("7-9月营收", "三季度"),
        ("1-3月销量", "一季度"),
        ("10-12月", "四季度"),
        # an English month
        ("Contracted sales fell 26% in September from a year earlier", "9月"),
        ("sales in March 2024", "3月"),
        ("for the fiscal year ending in March", ""),
        ("January to June", "上半年"),
        ("January through September", "前三季度"),
        ("July-December", "下半年"),
        ("the April-September period", ""),  # a fiscal half, not a quarter
        ("7-12月", "下半年"),
        ("on March 5, 2024", ""),  # a day, not the month's figure
    ],
)
def test_the_part_of_the_year_a_period_phrase_names(text: str, period: str) -> None:
    from briefing.analysis.figures import period_in

    assert period_in(text) == period


@pytest.mark.parametrize(
    ("text", "raw", "measure", "unit"),
    [
        ("电池级碳酸锂现货均价跌至7.9万元/吨。", "7.9万元/吨", "价格", "元/吨"),
        ("7月全国生猪均价约为每公斤19.5元，比一季度上涨约35%", "19.5元", "价格", "元/公斤"),
        ("飞天茅台批价6月跌破2500元/瓶。", "2500元/瓶", "价格", "元/瓶"),
        (
            "Average raw milk prices fell to 3.5 yuan per kilogram in June.",
            "3.5 yuan per kilogram",
            "价格",
            "元/公斤",
        ),
        ("Brent crude prices fell to $72 a barrel.", "$72 a barrel", "价格", "美元/桶"),
        ("Lithium prices have fallen more than 80% since late 2022.", "more than 80%", "价格下降", "%"),
        ("该产品价格为100元。", "100元", "价格", "元"),  # no unit after it: an amount
    ],
)
def test_a_price_per_physical_unit_keeps_its_unit(text: str, raw: str, measure: str, unit: str) -> None:
    hits = {h.raw: h for h in figures_in(text)}
    assert raw in hits, list(hits)
    assert (hits[raw].measure, hits[raw].unit) == (measure, unit)


def test_a_spot_price_is_dated_by_its_day() -> None:
    (hit,) = figures_in("8月15日，电池级碳酸锂现货均价跌至7.9万元/吨。")
    assert hit.period == "8月"
    (revenue,) = figures_in("3月28日，公司发布年报，营收6023亿元。")
    assert revenue.period == ""  # a result is the year's, whatever day it was told


def test_alcohol_by_volume_is_no_figure() -> None:
    assert not [h for h in figures_in("茅台将53%vol 500ml飞天茅台酒的出厂价上调至1169元") if h.raw == "53%"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("比亚迪海外收入占总收入逾六成。", 60.0),
        ("价格较欧美同类产品低两至三成。", 20.0),
        ("售价一成不变。", None),
        ("降低三成本。", None),
    ],
)
def test_chinese_tenths_are_percentages(text: str, value: float | None) -> None:
    hits = figures_in(text)
    assert [h.value for h in hits if h.unit == "%"][:1] == ([value] if value is not None else [])


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("从厂商排名看，vivo以18.6%的市场份额位居第一", True),
        ("分品牌看，特斯拉销量为8.5万辆", True),
        ("从企业来看，保利发展8月实现签约金额238亿元", True),
        ("具体来看，华为份额为15.3%", True),
        ("By vendor, Samsung shipped 57.5 million units", True),
        # a point of view, not a breakdown of the data before
        ("从长期看，行业增速将放缓至5%", False),
        ("按月看，销量回升", False),
        ("从厂商的角度，降价难以持续", False),
    ],
)
def test_which_paragraph_breaks_down_the_data_before_it(opening: str, expected: bool) -> None:
    from briefing.analysis.document import continues_data

    assert continues_data(opening) is expected
