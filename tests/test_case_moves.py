"""Say each thing once in the case table (issue 11, item 3): two cases never show one
move clause; a case whose clause another case above it shows gets the part of it that
starts at its own name, and one whose clause holds another's whole move gets its own
part before it. Both stay substrings of the source's clause."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CORPORA, ROOT

from briefing.analysis import build_briefing
from briefing.analysis.companies import _moves_apart
from briefing.excerpts import stands_alone
from briefing.model import Company
from briefing.readers import read_corpus

FIELD = ROOT.parent / "shared" / "field-corpus"


def _case(name: str, move: str, aliases: tuple[str, ...] = ()) -> Company:
    return Company(
        name=name,
        aliases=[name, *aliases],
        type="company",
        parent=None,
        documents=["a.txt"],
        mentions=3,
        moves=[],
        figures=[],
        mode=None,
        move=move,
        move_origin="clause",
    )


# (industry, [(name, aliases, move)], moves shown)
CASES = [
    (
        "orthopaedics: two winners of one tender",
        [
            ("威高", ("威高骨科",), "…威高骨科和大博医疗在关节集采中以较低报价中标…"),
            ("大博医疗", (), "…威高骨科和大博医疗在关节集采中以较低报价中标…"),
        ],
        ["…威高骨科和大博医疗在关节集采中以较低报价中标…", "…大博医疗在关节集采中以较低报价中标…"],
    ),
    (
        "property: one clause holds another's move",
        [
            ("成都嘉禾兴", (), "…一家名为成都嘉禾兴的地产公司宣布将所有在售住宅项目单价上调2%"),
            (
                "贝壳",
                (),
                "贝壳溢价42%夺得成都新“地王”的当天，一家名为成都嘉禾兴的地产公司宣布将所有在售住宅项目单价上调2%",
            ),
        ],
        [
            "…一家名为成都嘉禾兴的地产公司宣布将所有在售住宅项目单价上调2%",
            "贝壳溢价42%夺得成都新“地王”的当天…",
        ],
    ),
    (
        "shipping: distinct moves stay as they are",
        [
            ("中远海控", (), "中远海控2024年净利润491亿元…"),
            ("马士基", (), "…马士基宣布绕行好望角"),
        ],
        ["中远海控2024年净利润491亿元…", "…马士基宣布绕行好望角"],
    ),
    (
        "airlines: a shared clause that opens with the second name is left whole",
        [
            ("国航", (), "国航与东航宣布共享代码"),
            ("东航", (), "国航与东航宣布共享代码"),
        ],
        ["国航与东航宣布共享代码", "…东航宣布共享代码"],
    ),
]


@pytest.mark.parametrize(("industry", "cases", "shown"), CASES, ids=[c[0] for c in CASES])
def test_one_clause_is_one_case_move(industry, cases, shown) -> None:
    companies = [_case(name, move, aliases) for name, aliases, move in cases]
    _moves_apart(companies)
    assert [c.move for c in companies] == shown, industry
    for (_, _, original), c in zip(cases, companies, strict=True):
        assert c.move.strip("…") in original  # still the source's words


FOLDERS = [("seeds", ROOT / "seeds"), *((p.name, p) for p in sorted(CORPORA.iterdir()) if p.is_dir())]
FOLDERS.append(("field-corpus", FIELD))


@pytest.mark.parametrize(("name", "path"), FOLDERS, ids=[n for n, _ in FOLDERS])
def test_no_two_cases_share_a_move(name, path) -> None:
    """Each case row says its own thing, in a clause that stands alone (field corpus: not
    "这是应用材料营收占比最大的部门…", whose part the sentence before names)."""
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    model = build_briefing(read_corpus(path), date=dt.date(2026, 12, 2))
    cases = [c for c in model.companies if c.role == "case" and c.move_origin == "clause"]
    for c in cases:  # a move stands alone (a pronoun shows whom it names: 该公司〔汇通达〕)
        assert stands_alone(c.move.lstrip("…")) or "〔" in c.move, (c.name, c.move)
    for i, a in enumerate(cases):
        for b in cases[i + 1 :]:
            first, later = a.move.strip("…。 "), b.move.strip("…。 ")
            assert first not in later, (a.name, b.name, later)  # a later row repeats an earlier one
            if later in first:  # the part of a shared clause that starts at its own name
                assert later.startswith(tuple(n for n in (b.name, *b.aliases) if n)), (a.name, b.name, later)
