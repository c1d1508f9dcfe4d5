"""A question's evidence bears on what it asks (issue 11, item 5): a question that
asks by the memo's own models ("按两种模式整理…的布局案例") ranks and keeps the passages
that use the models' words, not those that only name its organisation (a founding
date, a change of managers); the memo's sentences its result table quotes are not
listed again as its notes; a sentence that asks ("…难道只能…吗？") answers nothing.
Another industry than the seeds': a logistics group (京东物流) and two models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_text

from briefing.analysis import build_briefing
from briefing.analysis import questions as Q
from briefing.model import Briefing, Mode
from briefing.readers import read_corpus

DATE = dt.date(2026, 12, 2)

MEMO = """# 京东物流研究备忘

## 物流的两种模式

### 自建重资产

自建仓储和车队，掌控履约全流程，重资产投入换取时效。

### 开放平台

开放技术和运力，建立平台赋能第三方商家。

## 京东的案例

京东物流于2017年4月成立。

京东物流在全国自建了1600多个仓库，并组建了自有车队，实现当日达。

京东物流向第三方商家开放仓配网络，建立供应链技术平台，赋能中小商家。

京东物流的一体化供应链业务也依托自建仓储，履约时效领先同行。

京东物流难道只能靠自建车队维持时效吗？

2023年京东调整了组织架构。

## TO DO

- 按两种模式整理京东的布局案例，以表格方式呈现
- 京东物流的营收增长了多少？
"""

NEWS = """# 京东物流年报点评

京东物流2023年营收1666亿元，同比增长8.2%。

京东物流开放供应链技术平台，服务外部客户超过8万家，赋能中小商家。

京东物流的管理层在2023年发生调整。
"""


def _folder(tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str]) -> Briefing:
    folder: Path = tmp_path_factory.mktemp(name)
    for file, text in files.items():
        write_text(folder / file, text)
    return build_briefing(read_corpus(folder), date=DATE)


@pytest.fixture(scope="module")
def logistics(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    return _folder(tmp_path_factory, "logistics", {"03_memo.md": MEMO, "01_news.md": NEWS})


def _terms(model: Briefing) -> set[str]:
    return {t for m in model.modes for t in m.terms if len(t) >= 2}


def test_a_question_by_the_models_keeps_what_uses_their_words(logistics: Briefing) -> None:
    by_models = next(q for q in logistics.questions if q.text.startswith("按两种模式"))
    assert by_models.result is not None, "it asks for the table"
    terms = _terms(logistics)
    assert by_models.evidence, "the article's passage on opening its platform"
    for e in (*by_models.evidence, *by_models.context):
        assert any(t in e.text for t in terms), e.text  # not "管理层…调整", "于2017年4月成立"
    quoted = {c.text for c in by_models.result.cases}
    assert not any(e.text in quoted for e in by_models.context), "a table row is not a note again"
    assert not any(e.text.endswith("？") for e in (*by_models.evidence, *by_models.context))


def test_a_question_not_by_the_models_is_not_filtered_by_their_words(logistics: Briefing) -> None:
    revenue = next(q for q in logistics.questions if q.text.startswith("京东物流的营收"))
    assert any(e.text.startswith("京东物流2023年营收1666亿元") for e in revenue.evidence)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("按两种模式整理阿里的具体布局案例，以图表方式呈现", True),
        ("是平台设施模式或深耕产业或两者皆是？", True),  # names a model
        ("Sort the cases by the two models in a table", True),
        ("蔚来换电模式的盈亏平衡点在哪里？", False),  # a business, not the memo's models
        ("瑞幸的新开门店速度能否持续？", False),
    ],
)
def test_whether_a_question_asks_by_the_memo_models(text: str, expected: bool) -> None:
    modes = [Mode("深耕产业", "", ["深耕"]), Mode("赋能平台", "", ["赋能"])]
    assert Q._asks_by_modes(text, modes) is expected
    assert Q._asks_by_modes(text, []) is False


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("CPO现在还有没有机会？", ["cpo"]),
        ("BC电池能否在价格战中守住溢价？", ["bc"]),
        ("台湾业者从代理转向自制IP，能否在东南亚站稳脚跟？", []),  # IP: a common noun
        ("头部主播的KOL带货GMV还能增长吗？", []),
        ("脑机接口，到底是“下一个iPhone时刻”，还是又一个超前概念？", []),  # a figure of speech
    ],
)
def test_the_latin_name_a_question_asks_about(text: str, subject: list[str]) -> None:
    assert Q.latin_subject(text) == subject


def test_a_question_on_own_ip_abroad_cites_the_studio_that_made_it() -> None:
    """games question 3 (台湾业者…自制IP，能否在东南亚站稳脚跟？): the studio whose own
    series reached Southeast Asia, with the sentence it is set against, and the analysts'
    view on Taiwanese studios in Southeast Asia, though neither writes "IP"."""
    from conftest import CORPORA

    model = build_briefing(read_corpus(CORPORA / "games"), date=DATE)
    q = next(q for q in model.questions if q.number == 3)
    texts = [e.text for e in q.evidence]
    studio = next(t for t in texts if "宇峻奧汀" in t)
    assert studio.startswith("遊戲橘子去年合併營收"), "相較之下 brings what it is compared with"
    assert any(t.startswith("分析師認為，台灣業者的優勢") for t in texts), texts


def test_a_passage_where_another_organisation_acts_is_not_the_questions_organisation() -> None:
    """coffee question 1 asks about 瑞幸's store openings. "库迪咖啡以9.9元不限量活动对标
    瑞幸咖啡，门店数已超过7000家" is Cotti's act and Cotti's stores: it ranks below every
    passage on Luckin's own stores and is never shown as Luckin's ("（瑞幸咖啡）…")."""
    from conftest import CORPORA

    model = build_briefing(read_corpus(CORPORA / "coffee"), date=DATE)
    q = next(q for q in model.questions if q.text.startswith("瑞幸的新开门店速度"))
    texts = [e.text for e in q.evidence]
    cotti = next(i for i, t in enumerate(texts) if t.startswith("库迪咖啡以9.9元"))
    assert q.evidence[cotti].subject == ""
    own = [i for i, t in enumerate(texts) if "瑞幸咖啡新开门店" in t or "瑞幸咖啡预计" in t]
    assert own and max(own) < cotti, texts


@pytest.mark.parametrize(
    ("question", "not_unknown"),
    [
        ("原奶价格什么时候见底？", "时候"),  # 什么时候 asks when: no word a source lacks
        ("牧场去产能进行到哪一步了？", "一步"),
    ],
)
def test_question_framing_is_no_missing_word(question: str, not_unknown: str) -> None:
    from briefing.analysis.questions import _NameFinder, _unknown_words

    words = _unknown_words(question, ["原奶", "价格", "牧场", "去产能"], _NameFinder([]))
    assert not any(not_unknown in w for w in words), words


def test_a_pointer_and_a_contrast_keep_their_company() -> None:
    """hogs (a folder no rule was written for): "牧原股份披露半年报…。公司表示，将继续降低养殖
    完全成本，目标是年底降至每公斤14元以下" answers the memo's question on 牧原's cost (公司
    is the company just named; the question was open with "nothing relevant"), and
    "新希望则仍处于亏损状态…", a contrast whose subject is named, is evidence on 新希望's
    losses though the line it contrasts with stands in another paragraph."""
    from conftest import CORPORA

    model = build_briefing(read_corpus(CORPORA / "hogs"), date=DATE)
    cost = next(q for q in model.questions if q.text.startswith("牧原的养殖成本"))
    losses = next(q for q in model.questions if q.text.startswith("温氏和新希望"))
    assert any("降低养殖完全成本" in e.text for e in cost.evidence), cost.evidence
    assert any(e.text.startswith("新希望则仍处于亏损状态") for e in losses.evidence), losses.evidence


MEMORY_MEMO = """# 存储周期跟踪备忘

2025-11-15

## 待解答

- 长鑫扩产会不会压低DRAM价格？
- DRAM合约价的上涨能持续到明年几季度？
- 鸿海的机柜组装市场份额是否仍维持五成以上？
"""

MEMORY_NEWS = """# 存储芯片涨价潮延续

2025-11-03 证券时报

集邦咨询预计，2025年第四季度一般型DRAM合约价将环比上涨8%至13%，服务器DRAM涨幅最大。

业内人士认为，长鑫扩产将在中长期增加全球DRAM供给，但短期内难以改变供需格局。

法人指出，鸿海在机柜组装拿下逾五成订单，第四季度服务器营收有望季增三成。
"""


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    return _folder(tmp_path_factory, "memory", {"memo.md": MEMORY_MEMO, "news.md": MEMORY_NEWS})


def _question(model: Briefing, start: str):
    (q,) = [q for q in model.questions if q.text.startswith(start)]
    return q


def test_a_view_on_what_will_happen_bears_on_a_forecast_question(memory: Briefing) -> None:
    """ "会不会压低价格" is answered by a view on the expansion's effect on supply, though
    the passage names no price."""
    q = _question(memory, "长鑫扩产")
    assert any("长鑫扩产将在中长期" in e.text for e in q.evidence), [e.text for e in q.evidence]
    assert q.status != "open"


def test_a_question_on_next_year_is_not_answered_by_this_quarters_forecast(memory: Briefing) -> None:
    q = _question(memory, "DRAM合约价")
    assert any("第四季度" in e.text for e in q.evidence), [e.text for e in q.evidence]
    assert q.status != "answered", q.status


def test_a_share_said_in_tenths_answers_a_share_question(memory: Briefing) -> None:
    """ "拿下逾五成订单" gives a share without the word for it."""
    q = _question(memory, "鸿海的机柜组装")
    assert any("五成订单" in e.text for e in q.evidence), [e.text for e in q.evidence]


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("鸿海在机柜组装拿下逾五成订单", True),
        ("He added that Hon Hai holds roughly half of the GB200 rack assembly market", True),
        ("SK Hynix held 62% of the HBM market", True),
        ("公司五成以上的员工在上海", False),
        ("half of the analysts expect a cut", False),
        ("三成营收来自海外", False),  # a revenue mix, no share of a market
        ("统一成市场标准", False),
        ("About 30% of its sales come from China", False),
        ("Sales in the first half of the year beat the market", False),
    ],
)
def test_a_share_in_words(text: str, share: bool) -> None:
    assert Q.share_phrase(text) is share


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("苹果在中国的份额下滑，对台湾供应链的营收影响有多大？", "台湾供应链"),
        ("存储涨价对中低端机型毛利率的冲击？", "中低端机型毛利率"),
        ("降息对银行息差会有什么影响？", "银行息差"),
        ("关税对苹果有多大影响？", "苹果"),
        ("这对公司是利好", "公司"),
        ("京东物流的营收增长了多少？", None),
        ("对标特斯拉，比亚迪的成本优势在哪里？", None),
    ],
)
def test_what_an_impact_question_asks_the_impact_on(text: str, expected: str | None) -> None:
    assert Q.impact_object(text) == expected


SOLAR_MEMO = """# 光伏产业链跟踪

## 待研究

- 多晶硅涨价对组件厂毛利率的冲击有多大？
"""

SOLAR_NEWS = """# 硅料价格上涨

多晶硅价格本月上涨15%，通威股份等硅料企业率先受益。

组件厂商的毛利率已降至5%以下，隆基绿能表示将上调组件报价以转嫁成本。

今年前三季度，全国光伏新增装机量同比增长30%，分布式光伏占比过半。
"""


def test_an_impact_question_reads_its_object_first(tmp_path: Path) -> None:
    """Another industry than the phones folder: what the sources say of the impact's object
    (组件厂's margins) comes before what they say of its cause, and bears on it without a
    figure of the measure asked; a line on neither is no evidence."""
    write_text(tmp_path / "memo.md", SOLAR_MEMO)
    write_text(tmp_path / "news.md", SOLAR_NEWS)
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    (question,) = model.questions
    texts = [e.text for e in question.evidence]
    assert texts and texts[0].startswith("组件厂商的毛利率"), texts
    assert not any("装机量" in t for t in texts), texts
    assert question.status != "open"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("美国港口费如果落地，中国船厂的海外订单会减少多少？", "美国港口费"),
        ("如果补贴退坡，销量会下滑多少？", "补贴退坡"),
        ("若美联储降息，银行息差会收窄吗？", "美联储降息"),
        ("If tariffs rise to 60%, how much will exports fall?", "tariffs rise to 60%"),
        ("毛利率能否回升？", None),
        ("一季度营收如何？", None),
    ],
)
def test_what_a_what_if_question_supposes(text: str, expected: str | None) -> None:
    assert Q.condition_of(text) == expected
