"""Memo parsing: TO DO sections in several styles, references, changelogs, memo detection.

The memos are fixture files under tests/fixtures/memos/, written in the
styles analysts actually use; none of them is a seed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import MEMOS, write_text

from briefing import memo
from briefing.cleaning import Block
from briefing.model import Document, Reference
from briefing.readers import read_corpus, read_document


@pytest.fixture(scope="module")
def memos() -> dict[str, Document]:
    corpus = read_corpus(MEMOS)
    assert corpus.skipped == []
    return {Path(d.path).stem: d for d in corpus.documents}


def _todos(doc: Document) -> list[tuple[str, bool]]:
    return [(t.text, t.done) for t in doc.todos]


def test_todo_label_then_checklist(memos: dict[str, Document]) -> None:
    doc = memos["todo_checklist"]
    assert doc.kind == "memo"
    assert doc.format == "markdown"
    assert _todos(doc) == [
        ("北方华创的订单中，来自中芯国际的比例是多少？", False),
        ("整理2023年国产设备的中标数量", True),
        ("中微公司的海外收入占比为何下降？", False),
        ("美国出口管制升级后，国产光刻机的时间表是否提前？", False),
    ]
    assert doc.title is not None and doc.title.startswith("半导体设备国产化")
    assert doc.date == "2024-05-20"
    for lifted in ("TODO", "[ ]", "[x]", "北方华创的订单中", "SEMI 全球半导体设备市场报告"):
        assert lifted not in doc.text, lifted
    assert (
        "北方华创2023年营业收入220.8亿元，同比增长50.3%。中微公司的5纳米刻蚀机已进入台积电供应链。"
        in doc.paragraphs()
    )
    assert [(r.title, r.url) for r in doc.references] == [
        ("SEMI 全球半导体设备市场报告", "https://www.semi.org/en/news-media-press-releases")
    ]


def test_research_questions_heading_with_numbered_list(memos: dict[str, Document]) -> None:
    doc = memos["research_numbered"]
    assert doc.kind == "memo"
    assert _todos(doc) == [
        ("瑞幸的单店利润率在9.9元价格带下还能维持多久？", False),
        ("星巴克中国是否会跟进降价？", False),
        ("库迪咖啡的加盟商回本周期是多长？", False),
    ]
    assert [(e.date, e.text) for e in doc.changelog] == [
        ("2024-01-08", "新建"),
        ("2024-01-15", "补充星巴克财报数据"),
    ]
    # No date in the title: the memo is dated by its latest changelog entry.
    assert doc.date == "2024-01-15"
    assert "待研究问题" not in doc.text and "瑞幸的单店利润率" not in doc.text
    assert [h.text for h in doc.headings] == ["现状", "竞争格局"]


def test_daiban_line_with_several_questions(memos: dict[str, Document]) -> None:
    doc = memos["daiban_inline"]
    assert doc.kind == "memo"
    assert doc.format == "text"
    assert _todos(doc) == [
        ("A公司的毛利率为何下降？", False),
        ("B公司是否会进入欧洲市场？", False),
        ("隆基绿能的BC组件何时实现量产？", False),
    ]
    assert "待办" not in doc.text
    assert (
        doc.paragraphs()[-1]
        == "晶科能源2023年组件出货量78.5GW，位居全球第一；隆基绿能的BC电池路线与TOPCon路线之争仍在继续。"
    )


def test_english_open_questions(memos: dict[str, Document]) -> None:
    doc = memos["english_open_questions"]
    assert doc.kind == "memo"
    assert doc.language == "en"
    assert _todos(doc) == [
        ("Will Sea Limited spin off Garena?", False),
        ("How large is the cloud gaming audience in Vietnam?", False),
        ("Collect Garena bookings for 2023", True),
        ("What share of mobile gamers pay for subscriptions?", False),
    ]
    assert doc.title == "Cloud gaming in Southeast Asia – working notes"
    assert doc.date == "2024-06-12"  # "Prepared 12 June 2024."
    assert "Open questions" not in doc.text
    assert [(r.title, r.url) for r in doc.references] == [
        ("Sea Limited annual report 2023", "https://www.sea.com/investor/home")
    ]
    # The players list is body text, not questions.
    assert "Garena: Free Fire still earns most of its revenue in Indonesia and Brazil." in doc.paragraphs()


def test_plain_and_broken_reference_lines(memos: dict[str, Document]) -> None:
    doc = memos["references_broken"]
    assert [(r.title, r.url) for r in doc.references] == [
        (
            "海关总署：2023年跨境电商进出口数据",
            "http://www.customs.gov.cn/customs/xwfb34/302425/5624404/index.html",
        ),
        ("SHEIN 招股书摘要", "https://www.example.com/shein-prospectus.pdf"),
        ("拼多多2023年年报", "https://investor.pddholdings.com/financial-information/annual-reports"),
        ("Temu 在美国的用户增长", "https://www.example.com/temu-us-users"),
        ("TikTok Shop 东南亚 GMV", "https://www.example.com/tiktok-shop-gmv"),
        ("https://www.example.com/aliexpress-choice", "https://www.example.com/aliexpress-choice"),
        ("《中国跨境电商发展报告2023》（纸质版，无链接）", None),
    ]
    for ref in doc.references:
        if ref.url:
            parts = urlsplit(ref.url)
            assert parts.scheme in ("http", "https") and parts.netloc
            assert not any(c in ref.url for c in "[]()<> ")
            assert not ref.url.endswith((".", ",", "，", "。"))


def test_changelog_date_styles(memos: dict[str, Document]) -> None:
    doc = memos["references_broken"]
    assert [(e.date, e.text) for e in doc.changelog] == [
        ("2024-03-05", "新建"),
        ("2024-03-05", "补充海关数据"),
        ("2024-03-12", "增加Temu资料"),
        ("2024-03-20", "整理参考资料"),
    ]
    assert doc.date == "2024-03-20"
    assert _todos(doc) == [("Temu的全托管模式能否持续盈利？", False)]


def test_nested_items_and_done_markers(memos: dict[str, Document]) -> None:
    doc = memos["todo_nested_and_done_markers"]
    assert _todos(doc) == [
        ("比较三家公司的毛利率：爱美客；华熙生物", False),
        ("整理2023年医美监管政策", True),  # ~~struck through~~
        ("下载爱美客年报", True),  # ✅
        ("核实“嗨体”的销售额", True),  # （已完成）
        ("华熙生物的护肤品业务何时止跌？", False),
    ]
    # The players list under an ordinary heading stays in the body.
    assert "爱美客：2023年营业收入28.7亿元。" in doc.paragraphs()


def test_article_with_numbered_list_is_not_a_memo(memos: dict[str, Document]) -> None:
    doc = memos["article_numbered_list"]
    assert doc.kind == "article"
    assert doc.todos == [] and doc.references == [] and doc.changelog == []
    paragraphs = doc.paragraphs()
    assert (
        "1. 价格快速下降。储能系统的中标均价在一年内下降了约四成，部分企业的报价甚至低于成本。" in paragraphs
    )
    assert [(h.number, h.text) for h in doc.headings] == [
        (1, "价格快速下降"),
        (2, "集中度提高"),
        (3, "海外市场成为利润来源"),
    ]


def test_plain_text_memo_with_labels(tmp_path: Path) -> None:
    """A memo written as plain text: labels followed by numbered lines and dated lines."""
    path = write_text(
        tmp_path / "memo.txt",
        "航空业复苏研究备忘 2024-04-02\n\n"
        "主要发现：2023年三大航合计亏损超过百亿元，但国际航线恢复速度快于预期。\n\n"
        "待研究问题：\n"
        "1. 国航的国际航线运力何时恢复到2019年水平？\n"
        "2. 东航的C919机队扩张计划是否会推迟？\n\n"
        "参考资料：\n"
        "1. 中国民航局2023年统计公报 - http://www.caac.gov.cn/XXGK/XXGK/TJSJ/\n"
        "2. [国航2023年年报](https://www.airchina.com.cn/cn/investor_relations/\n\n"
        "更新记录：\n"
        "2024-04-02 新建\n"
        "2024-04-09 补充国际航线数据\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "memo"
    assert _todos(doc) == [
        ("国航的国际航线运力何时恢复到2019年水平？", False),
        ("东航的C919机队扩张计划是否会推迟？", False),
    ]
    assert [(r.title, r.url) for r in doc.references] == [
        ("中国民航局2023年统计公报", "http://www.caac.gov.cn/XXGK/XXGK/TJSJ/"),
        ("国航2023年年报", "https://www.airchina.com.cn/cn/investor_relations/"),
    ]
    assert [(e.date, e.text) for e in doc.changelog] == [
        ("2024-04-02", "新建"),
        ("2024-04-09", "补充国际航线数据"),
    ]
    assert doc.paragraphs() == ["主要发现：2023年三大航合计亏损超过百亿元，但国际航线恢复速度快于预期。"]
    assert doc.date == "2024-04-02"


def test_traditional_memo(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "memo.md",
        "# 台灣半導體供應鏈筆記\n\n"
        "## 現況\n\n台積電2023年營收2.16兆新台幣，先進製程佔比超過五成。\n\n"
        "## 待辦事項\n\n"
        "- [ ] 台積電熊本廠的良率何時追上台灣？\n"
        "- [x] 整理聯發科2023年財報\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.language == "zh-Hant"
    assert doc.kind == "memo"
    assert _todos(doc) == [("台積電熊本廠的良率何時追上台灣？", False), ("整理聯發科2023年財報", True)]


def test_ordinary_article_mentioning_questions_is_not_a_memo(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "article.txt",
        "换电模式的账本\n\n"
        "换电站的投资回收期是一个待研究的问题，业内估计约为五到八年。\n\n"
        "蔚来截至2023年底建成超过2300座换电站，单站日均服务次数仍然偏低。\n\n"
        "1. 电池资产的折旧。\n\n2. 电网容量费用。\n\n3. 场地租金。\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "article"
    assert doc.todos == []
    assert "换电站的投资回收期是一个待研究的问题，业内估计约为五到八年。" in doc.paragraphs()


# ------------------------------------------------------------------ functions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A公司的毛利率为何下降？B公司是否会进入欧洲市场？",
            ["A公司的毛利率为何下降？", "B公司是否会进入欧洲市场？"],
        ),
        ("Is it profitable? Will it expand?", ["Is it profitable?", "Will it expand?"]),
        ("整理阿里的案例", ["整理阿里的案例"]),
        ("问题一？，问题二？；", ["问题一？", "问题二？"]),
        (
            "价格战何时结束？（1）监管是否有效？（2）是否见底？",
            ["价格战何时结束？", "监管是否有效？", "是否见底？"],
        ),
        # the memo's note after a question is part of it, no question of its own
        ("骑手社保成本影响有多大？（待查）", ["骑手社保成本影响有多大？（待查）"]),
        ("Will margins recover? (TODO)", ["Will margins recover?(TODO)"]),
    ],
)
def test_split_questions(text: str, expected: list[str]) -> None:
    assert memo.split_questions(text) == expected


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        # an English question its label left in lower case opens with a capital
        (
            "is the console segment a real opportunity for Chinese studios, or only a niche?",
            "Is the console segment a real opportunity for Chinese studios, or only a niche?",
        ),
        ("how fast?", "How fast?"),
        # a name written in lower case stays so, and so does a Chinese question
        ("iPhone sales: will they recover?", "iPhone sales: will they recover?"),
        ("vivo的份额会继续上升吗？", "vivo的份额会继续上升吗？"),
        ("Will margins recover?", "Will margins recover?"),
    ],
)
def test_sentence_case(question: str, shown: str) -> None:
    assert memo.sentence_case(question) == shown


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [标题](https://a.example.com/x)", Reference("标题", "https://a.example.com/x")),
        (
            "- [阿里巴巴刘松]([http://www.aliresearch.com/a.html](http://www.aliresearch.com/a.html))",
            Reference("阿里巴巴刘松", "http://www.aliresearch.com/a.html"),
        ),
        ("- [未闭合的链接](https://a.example.com/y", Reference("未闭合的链接", "https://a.example.com/y")),
        ("- [有空格] (https://a.example.com/z)", Reference("有空格", "https://a.example.com/z")),
        ("* 报告标题 - https://a.example.com/r.pdf", Reference("报告标题", "https://a.example.com/r.pdf")),
        ("1. 报告标题：https://a.example.com/r2", Reference("报告标题", "https://a.example.com/r2")),
        ("- 报告标题 https://a.example.com/r3。", Reference("报告标题", "https://a.example.com/r3")),
        (
            "- <https://a.example.com/auto>",
            Reference("https://a.example.com/auto", "https://a.example.com/auto"),
        ),
        ("- 《纸质报告》", Reference("《纸质报告》", None)),
        ("- [ftp 链接](ftp://files.example.com/a)", Reference("ftp 链接", None)),
    ],
)
def test_parse_reference(line: str, expected: Reference) -> None:
    assert memo.parse_reference(line) == expected


@pytest.mark.parametrize(
    ("line", "date", "text"),
    [
        ("- 190912 add", "2019-09-12", "add"),
        ("- 240305 初稿", "2024-03-05", "初稿"),
        ("- 20240312 增加资料", "2024-03-12", "增加资料"),
        ("- 2024-03-05 新建", "2024-03-05", "新建"),
        ("- 2024/3/5: 修订", "2024-03-05", "修订"),
        ("- 2024.03.05 - 修订", "2024-03-05", "修订"),
        ("- 2024年3月20日 整理参考资料", "2024-03-20", "整理参考资料"),
        ("2024-04-09 补充数据", "2024-04-09", "补充数据"),
        ("- March 5, 2024: first draft", "2024-03-05", "March 5, 2024: first draft"),
        ("- 初稿", None, "初稿"),
        ("- 991332 不是日期", None, "991332 不是日期"),
    ],
)
def test_parse_changelog(line: str, date: str | None, text: str) -> None:
    entry = memo.parse_changelog(line)
    assert entry is not None
    assert (entry.date, entry.text) == (date, text)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example.com/x.", "https://a.example.com/x"),
        ("<http://a.example.com/y>", "http://a.example.com/y"),
        ("http://a.example.com/z，", "http://a.example.com/z"),
        ("ftp://a.example.com/", None),
        ("www.example.com", None),
        ("http:///nohost", None),
        ("http://a.example.com/with space", None),
    ],
)
def test_clean_url(url: str, expected: str | None) -> None:
    assert memo.clean_url(url) == expected


def test_a_question_label_in_an_article_stays_text(tmp_path: Path) -> None:
    """One "问题：…？" line in an interview is not a research memo: the article
    keeps the line in its text and has no research questions."""
    path = write_text(
        tmp_path / "interview.txt",
        "对话：一位光伏企业高管\n\n"
        "2023年，中国光伏组件出口约211.7GW，同比增长38%，但出口金额下降，组件价格跌破每瓦1元。\n\n"
        "问题：价格战还会持续多久？\n\n"
        "他认为，产能出清至少还需要一年，二三线企业的现金流最紧张，头部企业则在海外建厂。\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "article"
    assert doc.todos == []
    assert "问题：价格战还会持续多久？" in doc.paragraphs()


# ------------------------------------------------ questions a title asks (REVIEW-3 P1-4)


@pytest.mark.parametrize(
    ("title", "asked"),
    [
        ("商业航天还能不能买？产业周期/炒作周期分析", ["商业航天还能不能买？"]),
        (
            "CPO概念板块现在处于什么阶段？数据分析CPO现在是否见顶",
            ["CPO概念板块现在处于什么阶段？", "数据分析CPO现在是否见顶"],
        ),
        (
            "脑机接口，到底是“下一个iPhone时刻”，还是又一个超前概念？",
            ["脑机接口，到底是“下一个iPhone时刻”，还是又一个超前概念？"],
        ),
        ("Will lithium prices recover in 2025?", ["Will lithium prices recover in 2025?"]),
        ("银行业息差研究备忘 2024-04-10", []),
        ("Hong Kong bank stocks: working notes", []),
    ],
)
def test_the_questions_a_title_asks(title: str, asked: list[str]) -> None:
    assert memo.title_questions(title) == asked


def test_a_question_asked_twice_has_one_key() -> None:
    assert memo.question_key("第二部分：用当前最新数据，分析判断CPO现在是否见顶") == memo.question_key(
        "数据分析CPO现在是否见顶"
    )
    assert memo.question_key("第一部分：CPO概念板块现在处于什么阶段？") == memo.question_key(
        "CPO概念板块现在处于什么阶段？"
    )
    assert memo.question_key("是否已经见顶？") != memo.question_key("真正的大机会在哪里？")


def test_a_memo_title_that_asks_is_its_first_question(tmp_path: Path) -> None:
    """Another industry: a hog-cycle memo whose title asks, a heading asking with 是否
    and no question mark, and the title's question repeated by a heading (listed once)."""
    write_text(
        tmp_path / "hogs.md",
        "# 猪周期到底见底了没有？养殖板块是否值得布局\n\n## 背景\n\n能繁母猪存栏连续下降。\n\n"
        "## 一、养殖板块是否值得布局\n\n## 初步判断\n\n我认为还要再等两个季度。\n\n## 二、风险\n\n疫病。\n\n"
        "## 三、饲料成本会不会继续下降？\n\n玉米价格已经见底。\n",
    )
    (doc,) = read_corpus(tmp_path).documents
    assert doc.kind == "memo"
    assert [(t.text, t.form) for t in doc.todos] == [
        ("猪周期到底见底了没有？", "title"),
        ("养殖板块是否值得布局", "heading"),
        ("饲料成本会不会继续下降？", "heading"),
    ]


def test_numbered_questions_in_a_memo_titled_as_notes(memos: dict[str, Document]) -> None:
    """A numbered "問題一：…？（1）…？（2）…？" is one question with its sub-questions, and
    "問題三：…？請結合…判斷。" one question though it ends with an instruction; a
    memo whose first line calls it notes (研究備忘) is a memo without a TODO label."""
    doc = memos["shipping_numbered_questions"]
    assert doc.kind == "memo"
    assert [t.text for t in doc.todos] == [
        "運價反彈能持續多久？（1）紅海繞行推高的運價是否已經見頂？（2）新船交付高峰會否壓低下半年運價？",
        "長榮與陽明的差距在擴大還是縮小？",
        "貨櫃航運是否進入新一輪超級週期？請結合新船訂單與拆船量判斷。",
    ]
    assert memo.split_questions(doc.todos[0].text) == [
        "運價反彈能持續多久？",
        "紅海繞行推高的運價是否已經見頂？",
        "新船交付高峰會否壓低下半年運價？",
    ]


@pytest.mark.parametrize(
    ("first_line", "notes"),
    [
        ("快递行业研究备忘", True),
        ("Research memo: container shipping", True),
        ("半导体调研纪要（2024年5月）", True),
        ("两家公司签署合作备忘录", False),
        ("中马签订谅解备忘录 深化港口合作", False),
        ("Memorandum of understanding signed in Jakarta", False),
        ("快递价格战再起", False),
        ("乳业跟踪笔记", True),
        ("Tracking notes: China dairy", True),
    ],
)
def test_a_first_line_that_calls_the_document_notes(first_line: str, notes: bool) -> None:
    blocks = [Block("heading", first_line, level=1), Block("para", "2023年业务量增长19.4%。")]
    signals = memo.memo_signals(blocks, memo.extract(blocks, [b.text for b in blocks]))
    assert ("titled as notes" in signals) is notes
    # the title read apart from the body counts as the first line
    body = blocks[1:]
    signals = memo.memo_signals(body, memo.extract(body, [b.text for b in body]), title=first_line)
    assert ("titled as notes" in signals) is notes


def test_what_the_writer_wants_to_know_is_an_open_question_section(tmp_path: Path) -> None:
    """Notes titled as such (乳业跟踪笔记, a title the reader lifts before the body),
    whose questions stand under "## 我们想知道" and whose views are under "## 初步看法"."""
    path = write_text(
        tmp_path / "notes.md",
        "# 乳业跟踪笔记\n\n2024-04-15 更新\n\n## 我们想知道\n\n"
        "1. 原奶价格什么时候见底？牧场去产能进行到哪一步了？\n"
        "2. 伊利和蒙牛谁更能扛住这一轮周期？\n\n"
        "## 初步看法\n\n- 伊利的利润增长主要来自成本下降，而不是收入。\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "memo"
    assert [t.text for t in doc.todos] == [
        "原奶价格什么时候见底？牧场去产能进行到哪一步了？",
        "伊利和蒙牛谁更能扛住这一轮周期？",
    ]
    assert "伊利的利润增长主要来自成本下降，而不是收入。" in doc.paragraphs()


def test_numbered_problems_in_an_article_stay_text(tmp_path: Path) -> None:
    """A numbered "问题一：成本高。" lists a problem; only a numbered line that asks is a question."""
    path = write_text(
        tmp_path / "article.txt",
        "港口自动化的三个难题\n\n"
        "问题一：改造成本高，一个泊位投入超过十亿元。\n\n"
        "问题二：老码头的堆场布局难以适配无人集卡。\n\n"
        "业内人士认为，这些难题需要五到十年才能解决。\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "article"
    assert doc.todos == []
    assert "问题一：改造成本高，一个泊位投入超过十亿元。" in doc.paragraphs()


def test_a_sources_heading_lifts_references_and_leaves_gaps_in_the_notes(tmp_path: Path) -> None:
    """Under "## 资料" a memo lists what it read (references, not arguments: the title of
    a clipping never argues a theme again) and what it still lacks ("…数据：待补", a gap)."""
    path = write_text(
        tmp_path / "notes.md",
        "# 航运跟踪笔记\n\n## 我们想知道\n\n1. 运价什么时候见顶？\n2. 新船交付会不会压低运价？\n\n"
        "## 资料\n\n- Reuters: Container rates jump as ships avoid the Red Sea\n- 拆船量数据：待补\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "memo"
    assert [r.title for r in doc.references] == ["Reuters: Container rates jump as ships avoid the Red Sea"]
    assert "Container rates" not in doc.text
    assert [g.text for g in doc.data_gaps] == ["待补"]


@pytest.mark.parametrize(
    ("lines", "questions"),
    [
        # an airline memo: Q-numbered lines of one Markdown paragraph, a question each
        (
            "Q1. 国内票价什么时候止跌？\nQ2. 三大航的国际线恢复会带来多少利润改善？\nQ3. 春秋航空和吉祥航空的单位成本差距有多大？",
            [
                "国内票价什么时候止跌？",
                "三大航的国际线恢复会带来多少利润改善？",
                "春秋航空和吉祥航空的单位成本差距有多大？",
            ],
        ),
        (
            "Q1：港口吞吐量能否恢复？\nQ2：自动化码头的投资回收期多长？",
            ["港口吞吐量能否恢复？", "自动化码头的投资回收期多长？"],
        ),
        # unnumbered lines that each ask
        ("票价什么时候止跌？\n运力何时恢复？", ["票价什么时候止跌？", "运力何时恢复？"]),
    ],
)
def test_a_paragraph_of_question_lines_is_a_question_each(
    tmp_path: Path, lines: str, questions: list[str]
) -> None:
    path = write_text(
        tmp_path / "memo.md",
        "# 航空业研究笔记\n\n## 背景\n\n暑运客流创新高，票价同比下降约一成。\n\n## 待研究问题\n\n"
        + lines
        + "\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "memo"
    assert [t.text for t in doc.todos] == questions


@pytest.mark.parametrize(
    ("line", "item"),
    [("Q1. 票价？", True), ("Q2：运力？", True), ("Q1 revenue rose 5%", False), ("Q3.5 billion yuan", False)],
)
def test_a_q_number_opens_an_item_only_with_its_mark(line: str, item: bool) -> None:
    assert bool(memo._ITEM_RE.match(line)) is item


def test_a_numbered_section_after_the_questions_ends_them(tmp_path: Path) -> None:
    """A plain-text memo numbers its sections 一、二、三 and its questions 1、2、3: "三、数据缺口"
    after the questions under "二、需要回答的问题" is the next section, no fourth question."""
    path = write_text(
        tmp_path / "memo.txt",
        "地产行业跟踪（2024年10月）\n\n一、核心判断\n销售仍在下滑，但降幅收窄。\n\n"
        "二、需要回答的问题\n1、核心城市房价何时止跌？\n2、万科的短期偿债压力有多大？\n"
        "3、三四线城市的库存去化周期是多少个月？\n\n三、数据缺口\n碧桂园2024年上半年销售额：待补\n",
    )
    doc = read_document(path, tmp_path)
    assert doc.kind == "memo"
    assert [t.text for t in doc.todos] == [
        "核心城市房价何时止跌？",
        "万科的短期偿债压力有多大？",
        "三四线城市的库存去化周期是多少个月？",
    ]


def test_question_headings_with_nothing_under_them_end_a_memo(tmp_path: Path) -> None:
    """A smartphone memo closes with two questions as bare headings: both are questions,
    not empty headings to drop (an empty trailing heading that does not ask still goes)."""
    path = write_text(
        tmp_path / "memo.md",
        "# 智能手机研究笔记\n\n## 基本判断\n\n国内市场回暖，高端竞争加剧，苹果承压。\n\n"
        "### 华为的高端份额能否持续提升？\n\n目前只有出货量增速数据，缺少份额数据。\n\n"
        "### 苹果在中国的收入下滑会持续多久？\n\n### AI手机会不会带来新的换机周期？\n\n## 相关资料\n",
    )
    doc = read_document(path, tmp_path)
    assert [t.text for t in doc.todos] == [
        "华为的高端份额能否持续提升？",
        "苹果在中国的收入下滑会持续多久？",
        "AI手机会不会带来新的换机周期？",
    ]
    assert "相关资料" not in [h.text for h in doc.headings]


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("三、备注", "备注"),
        ("十二、结论", "结论"),
        ("二十一、附录", "附录"),
        ("（十）风险", "风险"),
        # a company or a date that reads like two numerals is no numbering
        ("三一、徐工、中联谁的份额最高", "三一、徐工、中联谁的份额最高"),
        ("七一、八一前后的发货量", "七一、八一前后的发货量"),
    ],
)
def test_numbering_is_a_chinese_numeral(text: str, stripped: str) -> None:
    assert memo.strip_numbering(text) == stripped


@pytest.mark.parametrize(
    ("line", "section", "text"),
    [
        ("Q1 国内销量能否回升？", "需要回答", "国内销量能否回升？"),
        ("Q2 Which carriers benefit most?", "Open questions", "Which carriers benefit most?"),
        ("Q1 revenue rose 5%", "Open questions", "Q1 revenue rose 5%"),
        ("Q1 营收增长20%", None, "Q1 营收增长20%"),  # outside a question section: a quarter
    ],
)
def test_a_question_number_before_a_space(line: str, section: str | None, text: str) -> None:
    todo = memo._todo(line, section=section)
    assert todo is not None and todo.text == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("三、备注", "备注"),
        ("（十二）风险", "风险"),
        ("三一、徐工、中联谁的份额最高", "三一、徐工、中联谁的份额最高"),
    ],
)
def test_a_list_marker_is_a_numeral_too(text: str, shown: str) -> None:
    """What a question or quote shows drops a list marker, never a company that reads like one."""
    from briefing.analysis.themes import clean_heading
    from briefing.excerpts import without_marker

    assert without_marker(text) == shown
    assert clean_heading(text) == shown


@pytest.mark.parametrize(
    ("sentence", "task"),
    [
        ("需要关注加盟商的单店回本周期。", True),
        ("整理三家招股书的加盟商数据，补充奈雪的茶直营模式的对比。", True),
        ("还需要核实老铺黄金的毛利率。", True),
        ("需要关注的是，加盟商回本周期已经拉长到30个月。", False),  # a finding, framed
        ("整理下来看，蜜雪冰城2024年门店数超过4.5万家。", False),
        ("核实过的数据显示，古茗门店数为9914家。", False),
        ("跟进降价的还有古茗和茶百道。", False),
        ("补充一点：古茗的毛利率更高。", False),
    ],
)
def test_a_note_to_self_is_a_task_a_finding_is_not(sentence: str, task: bool) -> None:
    from briefing.memo import research_task

    assert research_task(sentence) is task
