"""How a source sentence is shown: clips at boundaries, the briefing's script,
openings that need an antecedent, the short clause of a sentence said before;
and the small rules of the analysis that read headings and questions.

Table-driven: tests/fixtures/excerpts/*.yaml and tests/fixtures/analysis/*.yaml (input, expected).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import FIXTURES

from briefing.excerpts import (
    ELLIPSIS,
    clip,
    display,
    drop_connective,
    is_chinese,
    opening,
    short_clause,
    squash,
    without_marker,
)


def _cases_in(folder: str, name: str) -> list[Any]:
    data = yaml.safe_load((FIXTURES / folder / f"{name}.yaml").read_text("utf-8"))
    return [pytest.param(c, id=c["id"]) for c in data["cases"]]


def _cases(name: str) -> list[Any]:
    return _cases_in("excerpts", name)


@pytest.mark.parametrize("case", _cases("clip"))
def test_clip(case: dict[str, Any]) -> None:
    got = clip(case["text"], case["limit"], names=case.get("names", ()))
    assert got == case["expected"]
    if got != case["text"]:
        assert ELLIPSIS in got
        # what is shown is the sentence's own beginning (the ellipsis and a closing mark aside)
        assert case["text"].startswith(got.rstrip('”）)"').removesuffix(ELLIPSIS))


@pytest.mark.parametrize("case", _cases("display"))
def test_display(case: dict[str, Any]) -> None:
    assert display(case["text"], case["language"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("opening"))
def test_opening(case: dict[str, Any]) -> None:
    kind, _ = opening(case["text"])
    assert kind == case["kind"]
    assert drop_connective(case["text"]) == case["shown"]


@pytest.mark.parametrize("case", _cases("short_clause"))
def test_short_clause(case: dict[str, Any]) -> None:
    got = short_clause(case["text"])
    assert got == case["expected"]
    assert squash(got.removesuffix(ELLIPSIS)) != squash(case["text"]), "the whole sentence again"


def test_clip_never_ends_inside_a_number_or_a_latin_word() -> None:
    text = "阿里云的合作伙伴数量已超过8000家服务客户超过100000家云市场的订单总数突破2000000合作伙伴的业务增长率达到450%"
    for limit in range(10, len(text)):
        got = clip(text, limit).removesuffix(ELLIPSIS)
        rest = text[len(got) :]
        assert not (got[-1:].isdigit() and rest[:1].isdigit()), (limit, got)
    english = "Samsung Electronics will manufacture Qualcomm Snapdragon processors for flagship phones"
    for limit in range(12, len(english)):
        got = clip(english, limit).removesuffix(ELLIPSIS)
        assert english[len(got) : len(got) + 1] in ("", " "), (limit, got)


@pytest.mark.parametrize("case", _cases_in("analysis", "headings"))
def test_heading_labels_and_rubrics(case: dict[str, Any]) -> None:
    from briefing.analysis.themes import clean_heading, is_rubric

    label = clean_heading(case["text"])
    assert label == case["label"]
    assert is_rubric(label) is case["rubric"]


@pytest.mark.parametrize("case", _cases_in("analysis", "beyond_sources"))
def test_questions_that_ask_beyond_the_sources(case: dict[str, Any]) -> None:
    from briefing.analysis.questions import asks_beyond_sources

    assert asks_beyond_sources(case["text"]) is case["beyond"]


# Variants of one sentence that "say each thing once" must recognise as one.
_SAME_SENTENCE = [
    (
        "產業互聯網時代來臨,資本和流量在其中扮演的作用開始極大削弱。",
        "产业互联网时代来临，资本和流量在其中扮演的作用开始极大削弱。",
    ),
    ("銀行業息差仍將承壓", "银行业息差仍将承压。"),
    ("這是資訊時代的開端。", "这是信息时代的开端"),
    ("“AI很火”，落地却很难？", '"AI很火", 落地却很难'),
    ("The net interest margin fell to 1.69%.", "the net interest margin fell to 1.69 %"),
    ("比亚迪（BYD）销量302.4万辆。", "比亚迪(BYD)销量302.4万辆"),
]


@pytest.mark.parametrize(("a", "b"), _SAME_SENTENCE)
def test_squash_is_one_key_for_variants_of_a_sentence(a: str, b: str) -> None:
    assert squash(a) == squash(b)


def test_squash_keeps_different_sentences_apart() -> None:
    assert squash("招商银行净息差为2.15%。") != squash("招商银行净息差为2.51%。")
    assert squash("息差收窄") != squash("息差扩大")
    assert squash("净息差为1.69%") != squash("净息差为16.9%")


def _stub_cases(kind: str) -> list[Any]:
    data = yaml.safe_load((FIXTURES / "excerpts" / "stubs.yaml").read_text("utf-8"))
    return [pytest.param(c, id=c["id"]) for c in data[kind]]


def _whole_clauses(text: str, stub: str) -> None:
    """A stub is whole clauses of its sentence: each of its pieces (an English subject
    kept before its verb's clause is one, "Maersk …said …") starts and ends at a clause
    boundary."""
    body = stub.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
    for piece in (p.strip() for p in body.split(ELLIPSIS)):
        at = text.find(piece)
        assert at >= 0, "a stub is the source's own text"
        assert at == 0 or text[at - 1] in "，；。：,;: " or text[:at].strip().endswith("、"), text[:at]
        end = at + len(piece)
        # (an aside in brackets after the clause may be dropped)
        assert end == len(text) or text[end] in "，；。：,;:.、（(" or piece[-1] in "。.", text[end:]
    assert squash(body) != squash(text), "the whole sentence again"


@pytest.mark.parametrize("case", _stub_cases("actor"))
def test_actor_stub(case: dict[str, Any]) -> None:
    from briefing.excerpts import actor_stub

    got = actor_stub(case["text"], case["names"])
    assert got == case["expected"]
    if got is not None:
        _whole_clauses(case["text"], got)
        assert any(n in got for n in case["names"]), "a stub under a company names it"


@pytest.mark.parametrize("case", _stub_cases("claim"))
def test_claim_stub(case: dict[str, Any]) -> None:
    from briefing.excerpts import claim_stub

    got = claim_stub(case["text"])
    assert got == case["expected"]
    if got is not None:
        _whole_clauses(case["text"].removeprefix(ELLIPSIS), got)


@pytest.mark.parametrize("case", _cases("script_words"))
def test_traditional_words_keep_their_wording_in_simplified_script(case: dict[str, Any]) -> None:
    # script, not vocabulary: the Simplified quote says what the author wrote
    assert display(case["traditional"], "zh-Hant") == case["simplified"]


def test_script_variants_change_script_not_words() -> None:
    # each entry of data/script_variants.yaml changes only the characters that
    # t2s keeps where the mainland writes another (著 → 着, 藉 → 借), never a word
    from briefing.resources import data_yaml

    table = data_yaml("script_variants.yaml")
    assert table
    for traditional, mainland in table.items():
        assert len(traditional) == len(mainland), traditional
        changed = {(a, b) for a, b in zip(traditional, mainland, strict=True) if a != b}
        assert changed and changed <= {("著", "着"), ("藉", "借")}, traditional


@pytest.mark.parametrize("case", _cases("markers"))
def test_a_footnote_or_list_marker_is_not_shown(case: dict[str, Any]) -> None:
    assert without_marker(case["text"]) == case["expected"]
    assert display(case["text"], "zh-Hans" if is_chinese(case["text"]) else "en").startswith(
        display(case["expected"], "zh-Hans" if is_chinese(case["text"]) else "en")[:4]
    )


@pytest.mark.parametrize("case", _cases("finish_cut"))
def test_a_clause_cut_at_a_clause_mark_ends_with_an_ellipsis(case: dict[str, Any]) -> None:
    from briefing.excerpts import finish_cut

    assert finish_cut(case["text"]) == case["expected"]


# (sentence, the commas that only separate names of one list, by the word before them)
_EN_LISTS = [
    ("NetEase opened studios in Japan, Canada and the United States.", ["Japan"]),
    (
        "Hyundai opened plants in Georgia, Alabama and Indonesia over the past three years, it said.",
        ["Georgia"],
    ),
    ("It sells in China, Japan, and Korea, the company said.", ["China", "Japan"]),
    ("Apple, Samsung, Xiaomi and Oppo shipped phones.", ["Apple", "Samsung"]),
    ("Revenue rose in Asia, and Europe lagged behind.", []),  # two clauses
    ("In March, Nintendo cut prices.", []),
    ("Meanwhile, TSMC posted a profit.", []),
    ("In 2023, Tesla and BYD grew.", []),
]


@pytest.mark.parametrize(("text", "words"), _EN_LISTS, ids=[t for t, _ in _EN_LISTS])
def test_a_comma_inside_an_english_list_of_names_is_no_clause_boundary(text: str, words: list[str]) -> None:
    from briefing.excerpts import en_list_comma

    found = [
        text[:i].rsplit(maxsplit=1)[-1] for i, ch in enumerate(text) if ch == "," and en_list_comma(text, i)
    ]
    assert found == words


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("Rival China Mengniu Dairy said its revenue fell 5.1% in the second half of 2023.", True),
        ("Rivals such as Tesla cut prices twice.", True),
        ("Rivalry between the two carriers intensified in 2023.", False),
        ("相较之下，宇峻奥汀以自制的系列打进东南亚。", True),
        ("BYD sold 3.02 million vehicles in 2023.", False),
    ],
)
def test_a_rival_points_back_to_the_one_just_named(text: str, leans: bool) -> None:
    from briefing.excerpts import opening

    assert (opening(text)[0] == "pointer") is leans


@pytest.mark.parametrize(
    ("line", "summary"),
    [
        ("主要发现：商业银行净息差降至1.69%的历史低点。", True),
        ("本备忘汇总近期三篇报道（见文末），核心判断：白酒行业进入去库存阶段。", True),
        ("本报告综合了五家券商的测算，结论是运价仍将上行。", True),
        ("核心判断：原奶价格年内难以见底。", True),
        ("This memo summarises three clippings on container rates.", True),
        ("本文作者认为，运价仍将上行。", False),
        ("本季度白酒行业库存继续上升。", False),
    ],
)
def test_a_memo_summary_line(line: str, summary: bool) -> None:
    """The author restating the document (a label such as 主要发现, or the notes describing
    themselves: 本备忘汇总…) is no argument to quote."""
    from briefing.excerpts import MEMO_SUMMARY_RE

    assert bool(MEMO_SUMMARY_RE.match(line)) is summary


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("Shares in Maersk fell 17% on the day, the steepest fall in more than a decade.", True),
        ("Shares rose 5% on the day of the listing in Hong Kong.", False),
        ("Revenue fell 14% that year.", True),
        ("Maersk said revenue fell 35% to $11.7 billion in the fourth quarter.", False),
        ("正是这种模式的体现。", True),
    ],
)
def test_a_sentence_that_leans_on_a_time_told_before(text: str, leans: bool) -> None:
    """ "on the day", "that year": which day or year, the sentence does not say
    (antecedents.yaml); "on the day of the listing" says it."""
    from briefing.excerpts import leans_back

    assert leans_back(text) is leans
