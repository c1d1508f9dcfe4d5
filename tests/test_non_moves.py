"""A case's key move is an action (issue 12, item 1): a clause that only says what an
organisation did not do or has not yet done ("米哈游并未上市", "尚未盈利", "has not
listed") is no move (``briefing/data/non_moves.yaml``). An organisation whose only
clauses are such is a mention; one that also acts shows that action; one with figures
only shows them."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CORPORA, FIXTURES, ROOT

from briefing.analysis import build_briefing
from briefing.analysis.clauses import negated, states_only
from briefing.readers import read_corpus

FIELD = ROOT.parent / "shared" / "field-corpus"

# (predicate after the name, English?, negated?)
PREDICATES = [
    ("并未上市", False, True),
    ("并未在A股上市", False, True),
    ("至今仍未在香港上市", False, True),
    ("目前尚未盈利", False, True),
    ("没有回应收购传闻", False, True),
    ("从未披露过电池成本", False, True),
    ("不再生产燃油车", False, True),
    ("并非一家软件公司", False, True),
    ("未能按期交付", False, True),
    ("未来三年将新开1000家门店", False, False),  # 未来: the future, no negation
    ("不断扩大产能", False, False),
    ("未经审计的营收为120亿元", False, False),  # 未经审计: unaudited, a figure's qualifier
    ("不仅推出了新车型，还下调了售价", False, False),
    ("不到三年就实现了盈利", False, False),
    ("去年推出了新一代电池", False, False),
    ("仍然是全球最大的代工厂", False, False),
    ("还没有公布定价", False, True),
    (" has not listed its shares", True, True),
    (" is yet to turn a profit", True, True),
    (" did not disclose the price", True, True),
    (" didn't comment", True, True),
    (" never paid a dividend", True, True),
    (" declined to comment", True, True),
    (" launched a new drug in China", True, False),
    (" notched record sales", True, False),
    (" nonetheless raised its forecast", True, False),
]


@pytest.mark.parametrize(("predicate", "english", "expected"), PREDICATES, ids=[p for p, _, _ in PREDICATES])
def test_a_negated_predicate_is_read_as_such(predicate: str, english: bool, expected: bool) -> None:
    assert negated(predicate, english) is expected


# (move clause, name, English?, only what it did not do?)
MOVES = [
    ("米哈游并未上市…", "米哈游", False, True),
    ("…蔚来至今尚未盈利", "蔚来", False, True),
    ("元气森林并未上市，但已推出三款新品…", "元气森林", False, False),  # the action follows
    ("宁德时代去年推出了麒麟电池", "宁德时代", False, False),
    ("…据悉盒马并未放弃会员店", "盒马", False, True),
    ("…百济神州尚未盈利，2023年亏损8.8亿美元", "百济神州", False, False),  # a figure follows
    ("Stripe has not listed its shares…", "Stripe", True, True),
    ("…Moderna did not give a forecast", "Moderna", True, True),
    ("Maersk rerouted ships around the Cape", "Maersk", True, False),
]


@pytest.mark.parametrize(("move", "name", "english", "expected"), MOVES, ids=[m for m, *_ in MOVES])
def test_a_move_that_only_says_what_did_not_happen(
    move: str, name: str, english: bool, expected: bool
) -> None:
    assert states_only(move, name, english) is expected


def _model(path):
    return build_briefing(read_corpus(path), date=dt.date(2026, 12, 2))


def test_logistics_folder_negated_clauses_make_no_case() -> None:
    """Parcel carriers in Simplified, Traditional and English: 极兔速递 "并未在A股上市"
    but opened hubs (its move is the hubs); 菜鳥 啟用 a warehouse; 顺丰 and 字节跳动 only did not list (mentions,
    whatever language says so); 中通快递 invests."""
    model = _model(FIXTURES / "companies" / "non_moves_folder")
    by = {c.name: c for c in model.companies}
    assert by["极兔速递"].role == "case"
    assert "开设" in by["极兔速递"].move and "并未" not in by["极兔速递"].move
    assert by["中通快递"].role == "case"
    assert by["菜鸟"].role == "case" and "启用" in by["菜鸟"].move  # 啟用了新的海外倉: it opened one
    for name in ("顺丰", "字节跳动"):
        assert by[name].role == "mention", (name, by[name].move)
        assert by[name].role_reason == "negated"
        assert by[name].move is None


FOLDERS = [("seeds", ROOT / "seeds"), *((p.name, p) for p in sorted(CORPORA.iterdir()) if p.is_dir())]
FOLDERS.append(("field-corpus", FIELD))


@pytest.mark.parametrize(("name", "path"), FOLDERS, ids=[n for n, _ in FOLDERS])
def test_no_case_move_says_only_what_did_not_happen(name, path) -> None:
    """On every folder, no case row's key move is a negated state; games: 米哈游, whose
    only clause of its own is "米哈游并未上市", shows its figure (《原神》's revenue)."""
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    model = _model(path)
    for c in model.companies:
        if c.role == "case" and c.move and c.move_origin == "clause":
            surface = next((n for n in (c.name, *c.aliases) if n in c.move), "")
            assert not states_only(c.move, surface), (c.name, c.move)
    if name == "games":
        mihoyo = next(c for c in model.companies if c.name == "米哈游")
        assert mihoyo.role == "case" and "并未" not in mihoyo.move and "50亿美元" in mihoyo.move
