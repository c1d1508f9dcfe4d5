"""What a research question's gap line says matches the evidence (issue 11, item 5),
on an industry the seeds do not cover (household appliances): a question that
compares companies by their short names (美的、格力、海尔) finds the companies; a
share said without its name (占总收入逾四成) counts as the share asked; a question
that asks two measures in two clauses is answered by a passage on either; the gap
names only the company no source gives the measure for; a word the memo shortens
(白电 for 白色家电) finds the sources' passages."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import write_text

from briefing.analysis import build_briefing
from briefing.analysis import questions as Q
from briefing.model import Briefing
from briefing.readers import read_corpus

DATE = dt.date(2026, 12, 2)

ARTICLE = """# 家电龙头加快出海 海外收入占比走高

2025-03-10 · 记者 王芳

家电企业的海外业务正在成为增长主力。美的集团2024年海外收入达1700亿元，占总收入逾四成，海外业务毛利率较国内高出约3个百分点。

海尔智家则表示，公司海外收入占比已超过50%，在欧美高端市场的份额持续提升。

行业数据显示，2024年白色家电出口量同比增长12%，其中空调出口量增长18%。

分析人士认为，2025年白色家电内销增速或放缓至个位数。
"""

MEMO = """# 家电行业研究笔记

日期：2025-03-20

## 需要回答

1. 美的、格力、海尔谁的海外收入占比最高，海外毛利率比国内高多少
2. 白电出口2025年还能保持两位数增长吗
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    folder = tmp_path_factory.mktemp("appliances")
    write_text(folder / "01_appliances.md", ARTICLE)
    write_text(folder / "02_memo.md", MEMO)
    return build_briefing(read_corpus(folder), date=DATE)


def _question(model: Briefing, start: str):
    return next(q for q in model.questions if q.text.startswith(start))


def test_short_names_compared_and_the_gap_names_only_the_company_without_data(model: Briefing) -> None:
    q = _question(model, "美的、格力、海尔")
    texts = " ".join(e.text for e in q.evidence)
    assert "美的集团2024年海外收入" in texts
    assert "海尔智家" in texts
    assert q.status == "partly answered"
    assert q.missing == ["缺少格力电器的对应资料"]


def test_a_shortened_word_finds_the_sources_full_word(model: Briefing) -> None:
    q = _question(model, "白电出口")
    assert any("白色家电出口量" in e.text for e in q.evidence)
    assert not any("两位数增长的数据" in m for m in q.missing)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三一重工今年前三季海外收入达316亿元，占总收入逾六成", True),
        ("美的集团海外收入占总收入的42%", True),
        ("Sany now earns more than 60% of its revenue abroad", True),
        ("the unit made 30% of the group's sales last year", True),
        ("占据过半市场", False),
        ("总收入增长了6成", False),
        ("revenue rose 60% from a year earlier", False),
    ],
)
def test_part_phrase(text: str, expected: bool) -> None:
    assert Q.part_phrase(text) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("美的集团", ["美的"]),
        ("三一重工", ["三一"]),
        ("宝钢股份", ["宝钢"]),
        ("格力电器", []),  # 电器 is no suffix the organisation words list
        ("腾讯", []),
        ("Apple Inc", []),
    ],
)
def test_short_forms(name: str, expected: list[str]) -> None:
    assert Q._short_forms(name) == expected


@pytest.mark.parametrize(
    ("question", "families"),
    [
        # two clauses, two measures asked
        ("三一、徐工、中联谁的海外收入占比最高，海外毛利率比国内高多少", {"占比", "毛利率"}),
        # one clause: the measure asked is the last one
        ("迈瑞医疗的海外收入占比能否在2025年超过50%？", {"占比"}),
    ],
)
def test_target_of_a_two_part_question(question: str, families: set[str]) -> None:
    target = Q._target(question)
    assert target is not None
    assert target.families == families
