"""News-site furniture inside and around a story: a reporter's bracketed credit, a
relative time stamp beside the date, a wire photo caption, a newsletter plug, a
link's screen-reader note, a Taiwanese news app's banner."""

from __future__ import annotations

import pytest

from briefing import cleaning, metadata
from briefing.cleaning import Block


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〔記者林郁婷／綜合報導〕中國白酒龍頭貴州茅台股價…", ("林郁婷", "中國白酒龍頭貴州茅台股價…", None)),
        ("（記者王小明／台北報導）台積電今天…", ("王小明", "台積電今天…", None)),
        ("【記者陳明、李華／專訪】他說…", ("陳明, 李華", "他說…", None)),
        ("【經濟日報／記者王小華／台北報導】2024年10月30日", ("王小華", "2024年10月30日", "經濟日報")),
        ("〔財經中心／綜合報導〕美股今天…", None),  # a desk, not a reporter
        ("（记者注：数据截至6月）", None),
        ("记者林郁婷报道，茅台股价…", None),
    ],
)
def test_credit_opening(text: str, expected: tuple[str, str, str | None] | None) -> None:
    assert metadata.credit_opening(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("*Reuters, September 5, 2024*", ("Reuters", "2024-09-05")),
        ("Financial Times | 3 March 2024", ("Financial Times", "2024-03-03")),
        ("上海证券报 | 2024-05-02", ("上海证券报", "2024-05-02")),
        ("*21世纪经济报道 2024年9月3日*", ("21世纪经济报道", "2024-09-03")),
        ("北京 2024年9月3日", None),  # a place
        ("第一财经 | 2024-09-12", ("第一财经", "2024-09-12")),
        ("London, May 2, 2024", None),  # a place, not a publisher
        ("Reuters, said on Monday", None),
        ("Reuters reported on September 5, 2024 that output fell", None),
    ],
)
def test_a_publisher_and_date_line(line: str, expected: tuple[str, str] | None) -> None:
    assert metadata.site_dateline(line) == expected


def test_a_papers_credit_line_gives_the_paper_reporter_and_date(tmp_path) -> None:
    from briefing.readers import read_document

    path = tmp_path / "story.txt"
    path.write_text(
        "中鋼第三季虧損擴大\n\n【經濟日報／記者王小華／台北報導】2024年10月30日\n\n"
        "中鋼昨日公布第三季財報，單季稅後虧損新台幣12.4億元。\n",
        encoding="utf-8",
    )
    doc = read_document(path, tmp_path)
    assert (doc.author, doc.source_site, doc.date) == ("王小華", "經濟日報", "2024-10-30")
    assert "記者" not in doc.text


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("August 8, 2024 8:41 PM GMT+8 Updated 2 hours ago", "2024-08-08"),
        ("2024-09-20 05:30 3小时前", "2024-09-20"),
        ("August 8, 2024 the company said profit rose", None),
    ],
)
def test_a_relative_stamp_beside_the_date(line: str, date: str | None) -> None:
    assert metadata.dateline(line) == ((True, date) if date else (False, None))


def _kept(lines: list[str]) -> list[str]:
    kept, _, _ = cleaning.remove_boilerplate([Block("para", t) for t in lines])
    return [b.text for b in kept]


BODY = [f"第{i}段正文，讲述公司的经营情况和行业的变化，内容足够长。" for i in range(10)]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "Item 1 of 2 Bottles are displayed at a store. REUTERS/Staff/File Photo Purchase Licensing Rights",
            None,
        ),
        ("The Reuters Daily Briefing newsletter provides all the news you need. Sign up here.", None),
        ("Our Standards: The Thomson Reuters Trust Principles.", None),
        ("($1 = 7.1530 yuan)", None),
        (
            "Kweichow Moutai (600519.SS), opens new tab, said on Thursday…",
            "Kweichow Moutai (600519.SS), said on Thursday…",
        ),
        ("Readers can sign up here for the event, the organisers said.", "keep"),
        ("The firm said $1 = 7.15 yuan was its planning rate.", "keep"),
    ],
)
def test_furniture_inside_a_story(line: str, kept: str | None) -> None:
    out = _kept([*BODY[:5], line, *BODY[5:]])
    expected = line if kept == "keep" else kept
    assert out == BODY[:5] + ([expected] if expected else []) + BODY[5:]


@pytest.mark.parametrize(
    "line",
    [
        "相關新聞：陸消費降級 星巴克中國同店銷售大減14%",
        "《警語》：飲酒過量，有害健康",
        "不用抽 不用搶 現在用APP看新聞 保證天天中獎　點我下載APP　按我看活動辦法",
    ],
)
def test_footer_lines_of_a_taiwanese_news_site(line: str) -> None:
    assert _kept([*BODY, line]) == BODY


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("信報記者 陳家明 2024年8月14日", ("陳家明", "信報", "2024-08-14")),
        ("记者 王小明 2024-08-14", ("王小明", None, "2024-08-14")),
        ("记者王小明报道，2024年8月14日茅台股价大涨。", None),  # a sentence
        ("信報記者 陳家明", None),  # no date: a byline's work
        ("本报记者 王小明 2024年8月14日", ("王小明", None, "2024-08-14")),  # "this paper" names none
        ("记者表示 2024年8月", None),
    ],
)
def test_a_reporter_and_date_line(line: str, expected: tuple | None) -> None:
    assert metadata.reporter_dateline(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-10-30 第一财经", ("第一财经", None, "2025-10-30", None)),
        ("November 12, 2025 | Reuters", ("Reuters", None, "2025-11-12", None)),
        ("3 March 2024 - Financial Times", ("Financial Times", None, "2024-03-03", None)),
        ("2025-11-05 經濟日報 記者 李國華／台北報導", ("經濟日報", "李國華", "2025-11-05", "台北")),
        ("2025-11-20 研究員 陳怡君", (None, "陳怡君", "2025-11-20", None)),
        ("2024-05-02 本报记者 王小明", (None, "王小明", "2024-05-02", None)),  # "this paper" names none
        ("2024年9月3日 北京", None),  # a place
        ("2024-09-03 新建", None),  # a changelog entry
        ("2024-05-02 营收增长10%的公司", None),
        ("第一财经 2024-09-12", None),  # the publisher first: site_dateline's
        ("2024年9月3日，分析师李明表示", None),  # a sentence
        ("2024-05-01 记者走访发现", None),
        ("2024-05-01 公司官网", None),  # where, not a publisher
    ],
)
def test_a_date_then_publisher_or_writer_line(line: str, expected: tuple | None) -> None:
    assert metadata.dated_credit(line) == expected


@pytest.mark.parametrize(
    ("lines", "date"),
    [
        (["来源：界面新闻  2024-08-20"], "2024-08-20"),
        (["來源：經濟日報 2024/08/20 08:30"], "2024-08-20"),
        (["来源：新华社，2024年8月20日，记者报道。"], None),  # a sentence, not page metadata
    ],
)
def test_a_source_line_with_the_date(lines: list[str], date: str | None) -> None:
    assert metadata.header_date(lines) == date


def test_a_plain_headline_is_not_joined_to_the_first_paragraph(tmp_path) -> None:
    """The source line between them is removed as page metadata; the headline (which
    asks, then goes on) stays the title, the first paragraph starts the text."""
    from briefing.readers import read_document

    path = tmp_path / "story.txt"
    path.write_text(
        "猪周期反转？养殖巨头扭亏，但产能去化仍不充分\n\n来源：界面新闻  2024-08-20\n\n"
        "农业农村部数据显示，6月末全国能繁母猪存栏4038万头，较去年同期下降5.1%。\n\n"
        "生猪价格自5月以来快速上涨。\n",
        encoding="utf-8",
    )
    doc = read_document(path, tmp_path)
    assert doc.title == "猪周期反转？养殖巨头扭亏，但产能去化仍不充分"
    assert doc.text.startswith("农业农村部数据显示"), doc.text[:40]
    assert (doc.date, doc.source_site) == ("2024-08-20", "界面新闻")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "（中央社記者林志遠台北2024年9月10日電）雄獅旅遊今天公布8月營收。",
            ("中央社", "2024-09-10", "雄獅旅遊今天公布8月營收。"),
        ),
        (
            "（新华社记者王明北京2024年3月5日电）国务院今天发布通知。",
            ("新华社", "2024-03-05", "国务院今天发布通知。"),
        ),
        ("（中央社）雄獅旅遊今天公布8月營收。", None),  # no date
        ("中央社記者林志遠說，出境旅遊人次回升。", None),
    ],
)
def test_an_agency_credit_opening_the_story(text: str, expected: tuple | None) -> None:
    assert metadata.agency_credit(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("【明報專訊】2024年9月27日", ("明報", "2024年9月27日")),
        ("【明报专讯】新世界发展公布业绩。", ("明报", "新世界发展公布业绩。")),
        ("【信報特訊】港股今日高開", ("信報", "港股今日高開")),
        ("【重要提示】本文仅供参考", None),  # no paper's credit
        ("明報專訊 2024年9月27日", None),
    ],
)
def test_a_papers_bracketed_credit(text: str, expected: tuple[str, str] | None) -> None:
    assert metadata.paper_credit(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "【香港經濟日報 2024年4月23日】內地茶飲品牌茶百道今日在港交所掛牌。",
            ("香港經濟日報", "2024-04-23", "內地茶飲品牌茶百道今日在港交所掛牌。"),
        ),
        ("【星島日報／2025年1月6日】港股新股市場回暖。", ("星島日報", "2025-01-06", "港股新股市場回暖。")),
        ("【重要提示 2024年4月23日】本文仅供参考", None),  # no paper's name
        ("【香港經濟日報 2024年4月23日】", None),  # the date alone: no sentence follows
    ],
)
def test_a_papers_name_and_date_in_brackets(text: str, expected: tuple[str, str, str] | None) -> None:
    assert metadata.paper_dateline(text) == expected
