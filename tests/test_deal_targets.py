"""The organisation a deal is made for is a case (issue 12, item 1: "is invested in"):
"KKR向Fuji Soft发出收购要约", "对京东进行了战略投资", "a stake in Leapmotor", "a tender
offer for Fuji Soft" (``briefing/data/deal_targets.yaml``). Its move names the one that
makes the deal ("富士软件获KKR收购要约"); a name after 向/对 that no deal follows stays
the object it is."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import FIXTURES, ROOT

from briefing.analysis import build_briefing
from briefing.analysis.roles import deal_made, deal_move, roles
from briefing.readers import read_corpus

FIELD = ROOT.parent / "shared" / "field-corpus"


def _spans(text: str, names: list[str]) -> list[tuple[int, int]]:
    out, at = [], 0
    for n in names:
        at = text.index(n, at)
        out.append((at, at + len(n)))
        at += len(n)
    return out


# (industry, sentence, names in order, English?, the last name's (role, cue); None: no deal target)
ROLES = [
    (
        "software buyout",
        "美国私募股权公司KKR宣布已向日本软件公司Fuji Soft发出收购要约，计划将其私有化。",
        ["KKR", "Fuji Soft"],
        False,
        ("acts", "获收购要约"),
    ),
    (
        "carmakers",
        "斯特兰蒂斯对零跑汽车进行了战略投资。",
        ["斯特兰蒂斯", "零跑汽车"],
        False,
        ("acts", "获投资"),
    ),
    ("office space", "软银去年向WeWork注资10亿美元。", ["软银", "WeWork"], False, ("acts", "获投资")),
    (
        "banks",
        "招商银行对小赢科技完成了入股。",
        ["招商银行", "小赢科技"],
        False,
        ("acts", "获入股"),
    ),
    # no deal after the name: a customer, a rival, a lesson
    ("batteries", "宁德时代向福特供应电池。", ["宁德时代", "福特"], False, None),
    (
        "chips, investors",
        "英伟达向台积电的投资者保证供货。",
        ["英伟达", "台积电"],
        False,
        None,
    ),  # 投资者: a noun
    ("chips", "台积电对英特尔的代工订单保持谨慎。", ["台积电", "英特尔"], False, None),
    (
        "software buyout, English",
        "KKR made a tender offer for Fuji Soft, valuing the software maker at $4 billion.",
        ["KKR", "Fuji Soft"],
        True,
        ("acts", "获收购要约"),
    ),
    (
        "carmakers, English",
        "Stellantis took a 21% stake in Leapmotor in 2023.",
        ["Stellantis", "Leapmotor"],
        True,
        ("acts", "获入股"),
    ),
    (
        "retail, English",
        "Walmart completed its acquisition of Flipkart in 2018.",
        ["Walmart", "Flipkart"],
        True,
        ("acts", "获收购"),
    ),
    ("retail customer, English", "Costco sells more cars than Walmart.", ["Costco", "Walmart"], True, None),
]


@pytest.mark.parametrize(
    ("industry", "text", "names", "english", "expected"), ROLES, ids=[r[0] for r in ROLES]
)
def test_the_target_of_a_deal_acts_in_it(industry, text, names, english, expected) -> None:
    got = roles(text, _spans(text, names), english)[-1]
    if expected is None:
        assert not got.cue.startswith("获"), (industry, got)  # whatever else it is, no deal is made for it
    else:
        assert (got.role, got.cue) == expected, (industry, got)


@pytest.mark.parametrize(
    ("cue", "actor", "told"),
    [
        ("获收购要约", "KKR", "获KKR收购要约"),
        ("获收购", "沃尔玛", "被沃尔玛收购"),
        ("获投资", "斯特兰蒂斯", "获斯特兰蒂斯投资"),
        ("获入股", "腾讯", "获腾讯入股"),
        ("推出", "腾讯", None),
    ],
)
def test_a_deal_move_names_who_makes_it(cue, actor, told) -> None:
    assert deal_move(cue, actor) == told


@pytest.mark.parametrize(
    ("cue", "target", "made"),
    [
        ("获收购要约", "富士软件", "向富士软件发出收购要约"),
        ("获收购", "Flipkart", "收购Flipkart"),
        ("获投资", "京东", "投资京东"),
        ("获入股", "零跑汽车", "入股零跑汽车"),
        ("获成立", "云与智慧产业事业群", None),  # founded: no deal
    ],
)
def test_the_buyers_side_of_a_deal(cue, target, made) -> None:
    assert deal_made(cue, target) == made


def test_deal_targets_in_three_scripts_are_cases() -> None:
    """Software (Simplified), retail (Traditional), cars (English): each target is named
    only as the organisation the deal is made for, and is a case whose move names the buyer."""
    model = build_briefing(
        read_corpus(FIXTURES / "companies" / "deal_targets_folder"), date=dt.date(2026, 12, 2)
    )
    by = {c.name: c for c in model.companies}
    expected = {
        "富士软件": "富士软件获KKR收购要约",
        "京东": "京东获沃尔玛投资",
        "零跑汽车": "零跑汽车获斯特兰蒂斯入股",
    }
    for name, move in expected.items():
        assert by[name].role == "case", name
        assert (by[name].move, by[name].move_origin) == (move, "rendered")
        assert by[name].moves, name  # the source's sentence stays quoted in its section
    assert by["KKR"].role == "case" and "收购要约" in by["KKR"].move  # the buyer acts too
    # "Stellantis took a 21% stake in Leapmotor": no verb of its own the analysis reads,
    # yet it makes the deal: a case whose move is the deal
    stellantis = by["斯特兰蒂斯"]
    assert (stellantis.role, stellantis.role_reason, stellantis.move) == ("case", "deal", "入股零跑汽车")


def test_field_corpus_fuji_soft_is_a_case() -> None:
    """Field corpus: KKR's takeover offer for Fuji Soft makes 富士软件 a case."""
    if not FIELD.is_dir():
        pytest.skip(f"{FIELD} not found")
    model = build_briefing(read_corpus(FIELD), date=dt.date(2026, 12, 2))
    fuji = next(c for c in model.companies if c.name == "富士软件")
    assert fuji.role == "case"
    assert fuji.move == "富士软件获KKR收购要约"
