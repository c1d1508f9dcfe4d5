"""Evidence for a question on one market is not a passage about another (issue 11,
item 5): the places a text names (``briefing/data/market_scopes.yaml``), which
contrast, and what that does to a research question's evidence and gap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import CORPORA, FIXTURES, write_text

from briefing.analysis import build_briefing
from briefing.analysis import scopes as market
from briefing.readers import read_corpus

CASES = yaml.safe_load((FIXTURES / "analysis" / "market_scopes.yaml").read_text("utf-8"))
DATE = dt.date(2026, 12, 2)


@pytest.mark.parametrize("case", CASES["named"], ids=[c["text"] for c in CASES["named"]])
def test_the_places_a_text_names(case: dict) -> None:
    assert market.named(case["text"]) == frozenset(case["places"])


@pytest.mark.parametrize(
    "case", CASES["elsewhere"], ids=[f"{c['asked']}-{c['passage']}" for c in CASES["elsewhere"]]
)
def test_a_passage_about_a_contrasting_place(case: dict) -> None:
    assert market.elsewhere(frozenset(case["asked"]), frozenset(case["passage"])) == case["other"]


def test_the_data_file_is_consistent() -> None:
    """Every contrast and every larger scope is a scope of the file; contrasts are
    symmetric; no scope contrasts with itself or its larger scope; labels differ."""
    scopes = market.scopes()
    assert {"mainland", "overseas", "taiwan", "global"} <= set(scopes)
    for name, scope in scopes.items():
        assert scope.pattern is not None, name
        assert scope.contrasts <= set(scopes), name
        assert not scope.within or scope.within in scopes, name
        assert name not in scope.contrasts and scope.within not in scope.contrasts, name
        for other in scope.contrasts:
            assert name in scopes[other].contrasts, f"{name} contrasts with {other}, not back"
    labels = [s.label for s in scopes.values()]
    assert len(labels) == len(set(labels))


# ------------------------------------------------------------------ corpora


def test_games_question_on_the_domestic_market_cites_no_other_market() -> None:
    """games question 1 asks about the domestic market (国内市场重回增长…): not
    游戏橘子's revenue in 新台币 nor the global market; question 2 asks about going
    overseas (出海): not Tencent's home-market revenue. Question 3 (台湾业者…东南亚)
    keeps the Taiwanese article's passages."""
    model = build_briefing(read_corpus(CORPORA / "games"), date=DATE)
    by_number = {q.number: q for q in model.questions}
    first = by_number[1]
    assert first.evidence, "the domestic market's own figures remain"
    assert any("国内游戏市场" in e.text for e in first.evidence)
    for e in first.evidence:
        assert "新台幣" not in e.text and "新台币" not in e.text, e.text
        assert not e.text.startswith(("Global", "Mobile games")), e.text
    assert all("本土市场" not in e.text for e in by_number[2].evidence)
    assert any("Tencent" in e.text for e in by_number[2].evidence)
    third = by_number[3]
    assert third.evidence and all(e.document.startswith("02_taiwan") for e in third.evidence)


def _appliances(tmp_path: Path) -> Path:
    """Air conditioners, another industry: domestic, Vietnamese and global sales."""
    write_text(
        tmp_path / "01_domestic.md",
        "# 空调行业观察\n\n"
        "2023年国内空调市场零售量5300万台，同比增长8%，以旧换新政策拉动明显。\n\n"
        "越南空调市场销量同比增长20%，当地高温天气推动需求。\n\n"
        "全球空调销量同比增长3%，欧洲市场需求疲软。\n",
    )
    write_text(
        tmp_path / "02_export.md",
        "# 空调出口\n\n2023年空调出口销量同比增长15%，东南亚和中东订单增加。\n",
    )
    write_text(
        tmp_path / "03_memo.md",
        "# 空调研究备忘\n\n## 问题\n\n1. 国内空调市场零售量还在增长吗？\n2. 日本空调市场零售量还在增长吗？\n",
    )
    return tmp_path


def test_another_market_is_no_evidence_and_the_gap_says_so(tmp_path: Path) -> None:
    """A question on the domestic market keeps the domestic figure and drops Vietnam
    and the world; a question on Japan, which no source gives, says that the sources
    speak of other markets only instead of showing them as evidence."""
    model = build_briefing(read_corpus(_appliances(tmp_path)), date=DATE)
    by_number = {q.number: q for q in model.questions}
    domestic = [e.text for e in by_number[1].evidence]
    assert any(t.startswith("2023年国内空调市场") for t in domestic), domestic
    assert not any(t.startswith(("越南", "全球")) for t in domestic), domestic
    japan = by_number[2]
    assert not japan.evidence, [e.text for e in japan.evidence]
    assert japan.status == "open"
    assert japan.missing and japan.missing[0].startswith("资料只谈到"), japan.missing
    assert "没有谈到日本" in japan.missing[0]


def test_a_question_on_a_company_in_china_shows_its_china_figures() -> None:
    """coffee question 2 asks about 星巴克中国: the English article's "global comparable
    store sales declined 3%" (in an article titled "… as China slump deepens") is the
    world's, no evidence; of "In North America, Starbucks' comparable store sales fell
    2%, while its China comparable store sales dropped 14%…" the China clause is shown."""
    model = build_briefing(read_corpus(CORPORA / "coffee"), date=DATE)
    (question,) = [q for q in model.questions if q.text.startswith("星巴克中国同店销售额")]
    assert not any("global comparable" in e.text for e in question.evidence)
    (english,) = [e for e in question.evidence if e.text.startswith("In North America")]
    assert english.clause.startswith("…while its China comparable store sales dropped 14%"), english.clause


def test_going_overseas_is_answered_by_a_market_abroad_not_the_home_one() -> None:
    """logistics question 3 (出海能否成为第二增长曲线？请结合东南亚市场的规模判断极兔和菜鸟的
    海外业务价值。): J&T's parcels "in Southeast Asia" speak to 海外 though the sentence
    never says overseas; J&T's volume "在中国市场" is the home market, no evidence. The
    second part asks for a judgement: the facts alone leave it open, and say so."""
    model = build_briefing(read_corpus(CORPORA / "logistics"), date=DATE)
    q = next(q for q in model.questions if q.text.startswith("出海能否成为第二增长曲线"))
    texts = [e.text for e in q.evidence]
    assert any(t.startswith("J&T Express, founded in Indonesia") for t in texts), texts
    assert not any("在中国市场" in t for t in texts), texts
    second = q.sub_questions[1]
    assert second in q.gaps
    assert q.missing[q.gaps.index(second)] == "资料给出了相关现状，但没有来源对此作出判断或预测"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中国钢材出口还能维持高增长吗？", True),
        ("反倾销会带来多大影响？", True),
        ("Will tariffs cut Vietnam's exports?", True),
        ("出海能否成为第二增长曲线？", False),  # going abroad contrasts with home
        ("国内游戏市场还能增长吗？", False),
        ("How big is the trade-in market?", False),
        ("美国贸易商库存是否见顶？", False),  # traders, not trade
        ("日本进口车销量如何？", False),
    ],
)
def test_a_question_on_trade_across_borders(text: str, expected: bool) -> None:
    assert market.cross_border(text) is expected


def test_steel_questions_find_their_evidence() -> None:
    """steel (a folder no rule was written for): a question on China's exports takes the
    lines on exports to Vietnam and India (no contrasting place: trade is about both); a
    question on 宝武减产 takes 宝武's 压减粗钢产量 (the sources' words for 减产); a question
    on 中钢 and 日本制铁's profit takes 中钢's loss (日本 inside a name is no place asked,
    and a loss answers a question on profit)."""
    model = build_briefing(read_corpus(CORPORA / "steel"), date=DATE)
    by_start = {q.text[:6]: q for q in model.questions}
    exports = [e.text for e in by_start["中国钢材出口"].evidence]
    assert any(t.startswith("沙钢集团今年前8个月出口钢材") for t in exports), exports
    assert any("越南、印度等国的反倾销调查" in t for t in exports), exports
    cuts = by_start["宝武减产对钢"]
    assert cuts.status != "open" and any("压减粗钢产量" in e.text for e in cuts.evidence), cuts
    gap = by_start["中钢和日本制"]
    assert gap.status != "open" and any("虧損新台幣12.4億元" in e.text for e in gap.evidence), gap
