"""Themes on small folders: several distinct arguments, not one cluster that swallows them.

A folder of four or five short sources argues several things (margins, high rates,
asset quality …); a summary line or one sentence that names them all together does
not make them one theme.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from briefing.analysis import build_briefing
from briefing.analysis.quotable import weak_gist
from briefing.analysis.themes import _compounds, _keyword_candidates, _summary_finding
from briefing.model import Briefing
from briefing.readers import read_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
FIELD = ROOT.parent / "shared" / "field-corpus"
DATE = dt.date(2026, 12, 2)


@functools.cache
def _themes(folder: str) -> Briefing:
    path = FIELD if folder == "field" else ROOT / "seeds" if folder == "seeds" else CORPORA / folder
    if not path.is_dir():
        pytest.skip(f"{path} is not here")
    return build_briefing(read_corpus(path), date=DATE)


# Each small folder: the least number of themes, and ideas (any of the words in a
# theme's label or terms) a reader would name.
_SMALL = {
    "banks": (
        4,
        {
            "margins": {"息差"},
            "rates, dividends or assets": {"高息", "股息", "资产", "减值", "不良"},
            # 招商银行的优势来自零售业务 (01), 凭借零售业务守住了2.15%的净息差 and the
            # memo's question on retail's advantage (04): an argument of its own
            "retail banking": {"零售"},
        },
    ),
    "healthcare": (
        5,
        {"domestic substitution": {"国产"}, "price cuts": {"支架", "降价"}, "geopolitics": {"地缘"}},
    ),
    # coffee argues three things its sources name apart (the third place is the price
    # war's effect on Starbucks, the same sentences): the briefing says it found three
    "coffee": (3, {"price war": {"价格战"}, "store economics": {"单店"}, "franchising": {"加盟"}}),
    "nev": (6, {"vertical integration": {"垂直整合"}, "swapping": {"换电"}}),
    # an industry no rule was written for: five arguments, found as five
    "solar": (
        5,
        {
            "price war": {"价格战"},
            "trade barriers": {"贸易壁垒"},
            "technology routes": {"路线"},
            "storage": {"储能"},
        },
    ),
    # two English clippings and a memo: the glut, and the infant formula market
    # shrinking (the wire story's "market to shrink" and the memo's question 婴配粉市场萎缩)
    "dairy": (2, {"oversupply": {"供过于求"}, "formula market shrinking": {"婴配粉"}}),
}


@pytest.mark.parametrize("folder", sorted(_SMALL))
def test_a_small_folder_finds_several_arguments(folder: str) -> None:
    least, ideas = _SMALL[folder]
    themes = _themes(folder).themes
    labels = [t.label for t in themes]
    assert least <= len(themes) <= 8, labels
    for idea, words in ideas.items():
        assert any(any(w in x for w in words for x in (t.label, *t.terms)) for t in themes), (idea, labels)


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "seeds", "field"])
def test_themes_are_distinct_on_every_folder(folder: str) -> None:
    """No two themes share a label or a gist; no theme's gist is another's quote;
    no theme's quoted sentences are all another theme's."""
    themes = _themes(folder).themes
    assert len({t.label for t in themes}) == len(themes)
    assert len({t.gist for t in themes}) == len(themes)
    for t in themes:
        assert t.gist_source.text not in {q.text for q in t.quotes}, t.label
        said = {t.gist_source.text, *(q.text for q in t.quotes)}
        for other in themes:
            if other is t:
                continue
            theirs = {other.gist_source.text, *(q.text for q in other.quotes)}
            assert other.gist_source.text not in said, (t.label, other.label)
            assert not said <= theirs, (t.label, other.label)


def test_seeds_keep_five_to_eight_themes() -> None:
    assert 5 <= len(_themes("seeds").themes) <= 8


def test_banks_theme_on_margins_leads() -> None:
    themes = _themes("banks").themes
    assert "息差" in themes[0].label, [t.label for t in themes]


# ------------------------------------------------------------------ rules


def _sentences(*spec: tuple[int, int]) -> set[tuple[int, int]]:
    return set(spec)


@pytest.mark.parametrize(
    ("case", "sentences", "together"),
    [
        # one shared sentence (a summary, a list) is chance: two candidates
        (
            "one shared sentence",
            {"息差": _sentences((0, 1), (0, 2), (0, 3)), "高息": _sentences((0, 3), (1, 0))},
            False,
        ),
        # two shared sentences: one argument
        (
            "two shared",
            {"息差": _sentences((0, 1), (0, 2), (0, 3)), "收窄": _sentences((0, 1), (0, 2))},
            True,
        ),
    ],
)
def test_keyword_clusters_need_two_shared_sentences(case: str, sentences: dict, together: bool) -> None:
    ranked = list(sentences)
    scores = dict.fromkeys(ranked, 1.0)
    rarity = dict.fromkeys(ranked, 16.0)
    cands = _keyword_candidates(ranked, set(), scores, rarity, sentences)
    joined = any(set(ranked) <= set(c.terms) for c in cands)
    assert joined is together, (case, [c.terms for c in cands])


def test_a_term_joins_a_cluster_through_its_lead_not_a_neighbour() -> None:
    # 芯片 shares two sentences with 换电站 but none with the lead 换电: not the swapping theme
    sentences = {
        "换电": _sentences((0, 1), (0, 5), (0, 6)),
        "换电站": _sentences((0, 1), (0, 5), (1, 2), (1, 7)),
        "芯片": _sentences((1, 2), (1, 7)),
    }
    ranked = ["换电", "换电站", "芯片"]
    cands = _keyword_candidates(
        ranked, set(), dict.fromkeys(ranked, 1.0), dict.fromkeys(ranked, 16.0), sentences
    )
    swapping = next(c for c in cands if c.terms[0] == "换电")
    assert "换电站" in swapping.terms
    assert "芯片" not in swapping.terms


@pytest.mark.parametrize(
    ("text", "terms", "finding"),
    [
        (
            "主要发现：商业银行净息差降至1.69%的历史低点；招商银行凭借零售业务守住了2.15%的净息差；汇丰控股受惠于高息环境，利润创新高。",
            {"高息"},
            "汇丰控股受惠于高息环境，利润创新高。",
        ),
        (
            "主要发现：单价平均下降80%以上；迈瑞医疗等国产企业份额上升；微创医疗净亏损。",
            {"国产"},
            "迈瑞医疗等国产企业份额上升；",
        ),
        (
            "Key findings: margins fell to a record low; Luckin Coffee overtook Starbucks by revenue in China; prices fell.",
            {"overtook"},
            "Luckin Coffee overtook Starbucks by revenue in China;",
        ),
        # the term in two findings: none is this theme's own
        ("主要发现：净息差降至历史低点；招商银行守住了净息差水平。", {"息差"}, None),
        # one finding only: the line is the finding, not a list of them
        ("结论：门店扩张带来的单店盈利压力正在显现。", {"单店"}, None),
        # too short to stand alone
        ("小结：价格战；单店盈利待验证。", {"价格战"}, None),
    ],
)
def test_a_memo_summary_backs_a_theme_with_its_own_finding(
    text: str, terms: set[str], finding: str | None
) -> None:
    assert _summary_finding(text, terms, text) == finding


def test_a_heading_theme_is_named_by_the_heading_not_a_word_of_its_list() -> None:
    """The commercial-space memo's ETF-list heading (主要商业航天相关ETF) is about
    商业航天; 低空, one entry of the list, is not what the heading names."""
    labels = [t.label for t in _themes("field").themes]
    assert "低空" not in labels
    assert "商业航天" in labels


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "seeds", "field"])
def test_a_themes_documents_heatmap_count_and_quotes_agree(folder: str) -> None:
    """The documents a theme lists are those its heatmap row counts, its sentence
    count is the row's sum, and its gist and quotes come from those documents."""
    for t in _themes(folder).themes:
        row = {c.document for c in t.coverage if c.mentions}
        assert set(t.documents) == row, t.label
        assert sum(c.mentions for c in t.coverage) == t.mentions, t.label
        assert t.gist_source.document in row, t.label
        assert {q.document for q in t.quotes} <= row, t.label
        # quotes from different sources where there are several
        if len(row) >= 2 and len(t.quotes) >= 2:
            assert len({q.document for q in t.quotes}) == len(t.quotes), t.label


@pytest.mark.parametrize(
    "folder", [*sorted(_SMALL), "games", "dairy", "logistics", "baijiu", "seeds", "field"]
)
def test_a_theme_argued_by_twice_the_sources_ranks_first(folder: str) -> None:
    """Themes are ranked by how strongly the sources argue them, and the number of
    sources that argue one is the first part of that: coffee's price war, argued in
    all four sources (a sentence in three of them), leads the same-store decline two
    sources argue, however short the English story that makes it dense."""
    themes = [t for t in _themes(folder).themes if t.origin == "keywords"]
    for i, later in enumerate(themes):
        for earlier in themes[:i]:
            assert len(later.documents) < 2 * len(earlier.documents), (later.label, earlier.label)


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "field"])
def test_no_gist_is_a_roadmap_definition_method_note_or_emoji_line(folder: str) -> None:
    for t in _themes(folder).themes:
        assert weak_gist(t.gist_source.text) is None, (t.label, t.gist_source.text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我们分三个层次：基本面、资金面、估值结构，来做一个最终判断。", "roadmap"),
        ("本文将从需求、供给和政策三个方面分析光伏行业。", "roadmap"),
        ("一篇讲透行业周期、炒作周期（资金与预期及位置判断）。", "roadmap"),
        ("一文读懂储能的三条技术路线。", "roadmap"),
        ("买量成本的数据只有券商测算，缺少公司披露。", "method"),  # a gap in the data, not a finding
        ("单座换电站的建设成本约为【待补充】，需向蔚来投资者关系部门核实。", "method"),
        ("In this article we look at what the rate cuts mean for lenders.", "roadmap"),
        ("👉 所以一句话总结：CPO = AI算力的“高速公路升级版”", "emoji"),
        ("所谓的第三空间，是指家和办公室之外的社交场所。", "definition"),
        ("每個投資組合裡面的個股都以*等權重（Equal-weighted）方式處理。", "method"),
        (
            "*散戶投資正典（Stocks for the long run）第九章有更詳細的說明，扣掉1975-1983這段期間，小型股並沒有顯著優於大型股。",
            "reference",
        ),
        ("下表簡單說明了Fama and French的研究成果，他們將1963-1990年的股票分為一百個投資組合。", "reference"),
        ("See the table below for more details on each lender's margin.", "reference"),
        ("由表中可以清楚的看到，在十種市值分類中，低PB的股票都顯著擊敗了高PB的股票。", None),
        # sentences that argue something: an actor, a figure, a comparison
        ("在李铁看来，相对逐年放大的销量，承德露露的产能瓶颈开始显现。", None),
        ("招商银行凭借零售业务守住了2.15%的净息差。", None),
        ("Luckin Coffee overtook Starbucks as the largest coffee chain in China by revenue in 2023.", None),
    ],
)
def test_weak_gists(text: str, kind: str | None) -> None:
    assert weak_gist(text) == kind


def _compound_places(texts: list[str], names: list[set[str]] | None = None) -> dict[str, int]:
    from briefing.analysis.document import Sentence, _tokens_from_cut
    from briefing.model import Document
    from briefing.nlp import zh_cut

    text = "".join(texts)
    starts = [sum(len(t) for t in texts[:i]) for i in range(len(texts))]
    sentences = [
        Sentence(start=a, end=a + len(t), tokens=_tokens_from_cut(zh_cut(t)), paragraph=i)
        for i, (a, t) in enumerate(zip(starts, texts, strict=True))
    ]
    doc = Document(
        path="a.txt",
        title=None,
        date=None,
        author=None,
        source_url=None,
        source_site=None,
        language="zh-hans",
        kind="article",
        format="text",
        encoding="utf-8",
        text=text,
        text_simplified=None,
        chars=len(text),
        sha256="",
    )
    found = _compounds([doc], [sentences], [[set() for _ in texts]], [names or [set() for _ in texts]])
    return {p: len(v) for p, v in found.items()}


@pytest.mark.parametrize(
    ("case", "texts", "names", "compound", "found"),
    [
        (
            "a compound the author writes twice",
            ["库迪咖啡几乎全部采用加盟模式，扩张很快。", "加盟模式扩张快，但单店盈利能力仍待观察。"],
            None,
            "加盟模式",
            True,
        ),
        (
            "an ordinal compound",
            ["星巴克更依赖第三空间和会员体系。", "星巴克需要在第三空间之外找到新的增长点。"],
            None,
            "第三空间",
            True,
        ),
        ("said once", ["招商银行的优势来自零售业务。", "净息差继续收窄。"], None, "零售业务", False),
        (
            "a piece of an organisation's name",
            ["星巴克中国计划到2025年门店数达到9000家。", "星巴克中国计划开设更多门店。"],
            [{"星巴克中国"}, {"星巴克中国"}],
            "中国计划",
            False,
        ),
        (
            "the scope of a figure",
            ["特斯拉汽车业务毛利率降至19.4%。", "比亚迪汽车业务毛利率高于同行。"],
            None,
            "汽车业务",
            False,
        ),
    ],
)
def test_compounds_of_the_authors_own(case: str, texts: list[str], names, compound: str, found: bool) -> None:
    assert (compound in _compound_places(texts, names)) is found, case


def test_an_authors_numbered_sections_are_candidates_argued_in_their_own_sentences(tmp_path: Path) -> None:
    """Numbered sections under no heading, sharing no pattern: each is one of the
    author's arguments; a company's name before a colon is the case, not the argument."""
    from briefing.analysis.themes import _author_candidates

    (tmp_path / "01.txt").write_text(
        "光伏组件价格跌破成本线\n\n"
        "一、产能过剩压低组件价格\n\n"
        "多晶硅产能过剩，组件价格一年内下跌四成。组件企业的产能利用率降到六成以下。\n\n"
        "二、隆基绿能：技术路线押注BC电池\n\n"
        "隆基绿能把新增产能押注在BC电池上。BC电池的转换效率高于TOPCon电池。\n\n"
        "三、海外贸易壁垒抬高出口门槛\n\n"
        "美国和欧盟的贸易壁垒让组件出口的门槛提高。出口企业开始在东南亚建厂。\n\n"
        "总体而言，行业出清仍需两到三年，成本领先的企业才能穿越周期。\n",
        "utf-8",
    )
    docs = read_corpus(tmp_path)
    docs = getattr(docs, "documents", docs)
    vocabulary = {"产能过剩", "组件", "价格", "技术路线", "BC电池", "贸易壁垒", "出口", "门槛", "产能"}
    cands = _author_candidates(docs, set(), vocabulary)
    labels = {c.label for c in cands}
    assert {"产能过剩压低组件价格", "技术路线押注BC电池", "海外贸易壁垒抬高出口门槛"} <= labels, labels
    assert all(c.section and c.home == {0} for c in cands)
    assert not any("隆基" in c.label for c in cands)
    # the closing paragraph sums up the article: the last section ends before it
    last = next(c for c in cands if c.label.startswith("海外"))
    closing = next(i for i, p in enumerate(docs[0].paragraphs()) if p.startswith("总体而言"))
    assert last.section is not None and last.section[1] == closing


def test_emoji_numbered_sections_are_candidates_across_their_sub_headings(tmp_path: Path) -> None:
    """A memo numbering its sections in keycap emoji (1️⃣ 2️⃣ 3️⃣), with sub-headings
    between them, argues in those sections: each is a candidate whose section runs to
    the next numbered one, labelled by its own argued clause, its words of change among
    its terms (an airline memo: no rule was written for it)."""
    from briefing.analysis.themes import _author_candidates, _label

    (tmp_path / "memo.md").write_text(
        "---\ntitle: 航空业研究笔记\n---\n\n"
        "# 航空业研究笔记\n\n"
        "## 1️⃣ 客流：恢复很快，但票价承压\n\n"
        "国内航线客流已经恢复到疫情前的水平。\n\n"
        "## 📌 数据来源\n\n"
        "多家航司都在降价揽客，票价承压明显，经济舱均价同比下降一成。\n\n"
        "## 2️⃣ 成本：油价回落，利润修复\n\n"
        "航油价格回落，航司的单位成本下降，利润修复仍需时间。\n\n"
        "## 3️⃣ 国际线：恢复最慢\n\n"
        "国际航线的运力只恢复了六成，恢复最慢的是欧美航线。\n\n"
        "## TODO\n\n- [ ] 票价什么时候止跌？\n",
        "utf-8",
    )
    docs = read_corpus(tmp_path)
    docs = getattr(docs, "documents", docs)
    vocabulary = {"客流", "票价", "成本", "油价", "利润", "国际线", "航线"}
    cands = _author_candidates(docs, set(), vocabulary)
    by_label = {c.label: c for c in cands}
    assert "恢复很快，但票价承压" in by_label, sorted(by_label)
    first = by_label["恢复很快，但票价承压"]
    paragraphs = docs[0].paragraphs()
    second = next(i for i, p in enumerate(paragraphs) if "2️⃣" in p or p.startswith("成本：油价回落"))
    # the section runs over its sub-heading to the next numbered one
    assert first.section is not None and first.section[1] == second
    assert any("票价承压" in p for p in paragraphs[first.section[0] : first.section[1]])
    assert "承压" in first.terms
    assert "利润修复" in " ".join(by_label), sorted(by_label)
    # its label is its own argued clause, without the conjunction that opens it
    options = _label(first, [], docs, [[]], [[]], {}, set(), {})
    assert options == ["票价承压"], options


@pytest.mark.parametrize(
    ("line", "quotable"),
    [
        ("维度AI商业航天周期快极慢投入产出快慢商业化已发生未来", False),  # a table's cells run together
        ("指标今年去年变化营收利润毛利率现金流资本开支", False),
        ("商业航天的终局空间没有争议，但兑现节奏极慢。", True),
        ("国际航线的运力只恢复了六成。", True),
    ],
)
def test_a_line_without_any_mark_is_no_quote(tmp_path: Path, line: str, quotable: bool) -> None:
    from briefing.analysis.quotable import NEVER, quote_marks

    (tmp_path / "note.txt").write_text(
        f"航天笔记\n\n{line}\n\n国内航线客流已经恢复到疫情前的水平。\n", "utf-8"
    )
    docs = read_corpus(tmp_path)
    (doc,) = getattr(docs, "documents", docs)
    start = doc.text.find(line)
    assert start >= 0
    assert (quote_marks(doc, start, start + len(line)) != NEVER) is quotable


@functools.cache
def _texts(folder: str) -> str:
    path = FIELD if folder == "field" else ROOT / "seeds" if folder == "seeds" else CORPORA / folder
    return "\n".join(d.analysis_text for d in read_corpus(path).documents)


@pytest.mark.parametrize("folder", ["solar", "nev", "banks", "coffee", "healthcare", "seeds", "field"])
def test_no_theme_term_is_mostly_a_piece_of_a_company_name(folder) -> None:
    # 电源 of 阳光电源, 光电 of 中航光电: a term the folder reads mostly inside an
    # organisation's name argues nothing (it is a case's name, cut by the segmenter)
    model = _themes(folder)
    text = _texts(folder)
    names = {c.name for c in model.companies}
    for theme in model.themes:
        for term in theme.terms:
            holders = [n for n in names if term in n and n != term]
            inside = sum(text.count(n) for n in holders)
            assert inside <= text.count(term) - inside, (theme.label, term, holders)


def test_solar_storage_theme_names_no_piece_of_sungrow() -> None:
    model = _themes("solar")
    assert "阳光电源" in {c.name for c in model.companies}
    assert not any("电源" in t for th in model.themes for t in [th.label, *th.terms])


@pytest.mark.parametrize(
    ("term", "text", "words"),
    [
        ("零售业务", "招商银行的优势来自零售业务：其零售客户超过1.9亿户", {"优势"}),
        ("零售业务", "招商银行与工商银行相比，零售业务的优势在哪里？", {"优势"}),
        ("跨国企业", "强生、美敦力等跨国企业在部分品类退出", {"退出"}),
        ("会员体系", "星巴克的优势在于会员体系", {"优势"}),
        ("零售业务", "零售业务，优势明显", set()),  # another clause
    ],
)
def test_what_is_said_of_a_concept_in_its_clause(term, text, words) -> None:
    from briefing.analysis.themes import _argument_words, _said_around

    assert _said_around(term, text, text.find(term), set(_argument_words())) == words


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "seeds", "field"])
def test_no_gist_or_quote_is_a_fund_pitch_or_an_advert(folder: str) -> None:
    """The commercial-space memo pitches ETFs (…是商业航天专题布局的优选, 适合作为辅助配置):
    a theme is stated and backed by sentences that argue, not by promotional copy."""
    from briefing.analysis.statements import promotion
    from briefing.script import to_simplified

    for t in _themes(folder).themes:
        for text in (t.gist_source.text, *(q.text for q in t.quotes)):
            assert not promotion(to_simplified(text)), (t.label, text)


def test_a_market_fact_is_a_takeaway_where_themes_cover_little() -> None:
    """An EV-charging folder argues fewer themes than MIN_THEMES: the market's own
    size and growth (no company names it) is a finding to lead with, judged on its
    facts, not dropped for sharing no theme term."""
    folder = ROOT / "tests" / "fixtures" / "analysis" / "market_fact_folder"
    model = build_briefing(read_corpus(folder), date=DATE)
    assert len(model.themes) < 5
    assert any("859.6万台" in s.text for s in model.summary), [s.text for s in model.summary]


def test_an_industry_word_jieba_does_not_know_can_be_a_theme() -> None:
    """Retail clippings argue about 私域 (a brand's own customer channels), a word
    jieba's dictionary lacks: where a document repeats it, it is a theme term (it
    was never one, and the folder had no theme at all)."""
    folder = ROOT / "tests" / "fixtures" / "analysis" / "coined_folder"
    model = build_briefing(read_corpus(folder), date=DATE)
    assert any("私域" in [t.label, *t.terms] or "私域" in t.label for t in model.themes), [
        (t.label, t.terms) for t in model.themes
    ]


def test_concept_variants_are_words_that_need_them() -> None:
    """concept_variants.yaml: each key is a theme term; each listed word is none of its
    own (else it would count twice), and names one key only."""
    from briefing.analysis.themes import concept_variants
    from briefing.nlp import is_theme_term
    from briefing.resources import data_yaml

    raw = data_yaml("concept_variants.yaml")
    assert raw and concept_variants()
    listed = [w for words in raw.values() for w in words]
    assert len(listed) == len(set(listed))
    for term, words in raw.items():
        assert is_theme_term(term), term
        for word in words:
            assert not is_theme_term(word) and word != term, word


@pytest.mark.parametrize(
    ("tokens", "argued"),
    [
        (["家电", "海外", "市场"], ["家电", "海外", "市场", "出海"]),
        (["出海", "海外"], ["出海", "海外"]),  # counted once
        (["家电", "市场"], ["家电", "市场"]),
    ],
)
def test_a_variant_argues_its_term(tokens: list[str], argued: list[str]) -> None:
    from briefing.analysis.document import Sentence
    from briefing.analysis.themes import _argued_tokens
    from briefing.model import Document

    text = "".join(tokens) + "。"
    doc = Document(
        path="a.txt", title=None, date=None, author=None, source_url=None, source_site=None,
        language="zh-Hans", kind="article", format="text", encoding="utf-8", text=text,
        text_simplified=None, chars=len(text), sha256="",
    )  # fmt: skip
    sent = Sentence(paragraph=0, start=0, end=len(text), tokens=list(tokens))
    assert list(_argued_tokens(doc, sent, frozenset())) == argued


def test_going_abroad_is_one_theme_in_three_scripts(tmp_path: Path) -> None:
    """An appliance folder argues going abroad as 出海 (Simplified), 海外 (Traditional,
    a place word to the segmenter) and "overseas"/"abroad" (English, which reaches
    Chinese only as 海外): one theme that lists all three sources."""
    (tmp_path / "01.txt").write_text(
        "家电价格战蔓延到线上\n\n"
        "空调的价格战从线下蔓延到线上，线上渠道的均价一年下跌一成。"
        "价格战压缩了中小品牌的利润，龙头企业的份额继续提高。"
        "国内市场趋于饱和，龙头企业把出海当作第二增长曲线。"
        "出海的难点在于渠道和品牌，自建渠道的成本远高于代工。\n",
        "utf-8",
    )
    (tmp_path / "02.txt").write_text(
        "台灣家電業者的新戰場\n\n"
        "台灣家電業者紛紛轉向海外，東南亞是首選。"
        "業者在海外設廠的成本較低，但品牌知名度仍待建立。"
        "冷氣的價格戰同樣激烈，業者的毛利率一年下滑三個百分點。\n",
        "utf-8",
    )
    (tmp_path / "03.txt").write_text(
        "Appliance makers face a slower home market\n\n"
        "Chinese appliance makers are expanding abroad as demand at home slows. "
        "Overseas sales now account for a growing share of revenue at the largest brands. "
        "A price war in air conditioners keeps squeezing margins.\n",
        "utf-8",
    )
    (tmp_path / "04.txt").write_text(
        "空调库存高企\n\n"
        "今年空调的渠道库存处于高位，经销商的库存周转天数超过九十天。"
        "库存压力之下，厂商放慢了排产节奏，价格战短期难以结束。\n",
        "utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    theme = next((t for t in model.themes if "出海" in [t.label, *t.terms]), None)
    assert theme is not None, [(t.label, t.terms) for t in model.themes]
    assert {"01.txt", "02.txt", "03.txt"} <= set(theme.documents), theme.documents
    assert "04.txt" not in theme.documents


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "中国汽车工业协会(以下简称中汽协)统计数据显示，我国汽车产销量继4月份出现了金融危机以来27个月的首次同比下滑之后，在5月份连续第二个月同比负增长。",
            "我国汽车产销量继4月份出现了金融危机以来27个月的首次同比下滑之后，在5月份连续第二个月同比负增长，即便有淡季因素影响，但行业向下趋势已几乎确认。",
            True,
        ),
        ("招商银行凭借零售业务守住了2.15%的净息差。", "招商银行凭借零售业务守住了2.15%的净息差。", True),
        (
            "宁德时代2023年全球动力电池装机量份额为36.8%。",
            "比亚迪2023年全球动力电池装机量份额为15.8%。",
            False,
        ),
        (
            "记者统计发现，有6家公司预计会出现同比负增长。",
            "利润方面，17家企业中有6家的利润出现负增长。",
            False,
        ),
    ],
)
def test_one_sentence_restates_another(a: str, b: str, same: bool) -> None:
    from briefing.analysis.themes import restates

    assert restates(a, b) is same
    assert restates(b, a) is same


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "games", "seeds", "field"])
def test_no_theme_gist_restates_a_takeaway(folder: str) -> None:
    """Say each thing once: a finding the takeaways state is not a theme's gist again in
    another sentence that repeats its clauses (the very same sentence the rendered
    briefing cites rather than prints twice; it gives way where the theme has another)."""
    from briefing.analysis.themes import restates

    model = _themes(folder)
    for theme in model.themes:
        for takeaway in model.summary:
            if theme.gist_source.text != takeaway.text:
                assert not restates(theme.gist_source.text, takeaway.text), (theme.label, takeaway.text)


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "games", "seeds", "field"])
def test_no_gist_is_background_or_a_pointer_where_a_sentence_argues(folder: str) -> None:
    """A theme's gist argues: not the history of an idea (老祖宗…所著的), nor a pointer to a
    table or a book (下表…, 第九章有更详细的说明); a theme with nothing else to say is no theme."""
    from briefing.analysis.statements import background
    from briefing.script import to_simplified

    for theme in _themes(folder).themes:
        text = theme.gist_source.text
        assert not weak_gist(text) and not background(to_simplified(text)), (theme.label, text)


def test_a_gist_that_restates_a_takeaway_gives_way_to_the_next_sentence() -> None:
    from briefing.analysis.themes import gists_apart
    from briefing.model import Quote, Theme

    said = "2023年中国汽车出口491万辆，首次超过日本成为全球第一大汽车出口国。"

    def quote(text: str) -> Quote:
        return Quote(text=text, document="01.txt", paragraph=0)

    theme = Theme(
        label="出海",
        terms=["出海"],
        documents=["01.txt"],
        mentions=4,
        strength=1.0,
        coverage=[],
        gist=said,
        quotes=[quote("欧盟的反补贴调查让出海之路多了不确定性。")],
        origin="keywords",
        gist_source=quote(said),
    )
    spare = "比亚迪在泰国、巴西和匈牙利建厂，以本地生产绕开关税。"
    gists_apart([theme], [said], {"出海": [quote(said + "其中新能源汽车出口120.3万辆。"), quote(spare)]})
    assert theme.gist_source.text == spare and theme.gist == spare
    assert [q.text for q in theme.quotes] == ["欧盟的反补贴调查让出海之路多了不确定性。"]


@pytest.mark.parametrize(
    ("path", "tokens", "bears"),
    [
        ("02.txt", {"指数"}, True),  # argued in the sentence's own document
        ("13.txt", {"指数", "基金"}, False),  # one word shared with a theme argued elsewhere
        ("13.txt", {"算力", "渗透率", "公司"}, True),  # two of its terms: it bears on it
    ],
)
def test_a_theme_lends_a_takeaway_strength_where_it_bears_on_it(
    path: str, tokens: set[str], bears: bool
) -> None:
    from briefing.analysis.summary import _bears_on

    themes = [({"02.txt", "09.txt"}, {"算力", "指数", "渗透率"})]
    assert _bears_on(path, tokens, 0, themes) is bears


@pytest.mark.parametrize(
    ("label", "arguments"),
    [
        ("支架降价", {"降价"}),
        ("价格下降，但市场并未萎缩", {"降价"}),
        ("價格下跌，銷量反升", {"降价"}),  # Traditional headings too
        ("车企纷纷提价", {"涨价"}),
        ("转向海外", {"出海"}),
        ("渠道库存高企", set()),
        ("价格战", set()),  # a price war is a contest, not the cut itself
    ],
)
def test_the_argument_a_label_names(label: str, arguments: set[str]) -> None:
    from briefing.analysis.themes import label_arguments

    assert label_arguments(label) == arguments


def _pair(label: str, hits: list[tuple[int, int]], strength: float):
    from briefing.analysis.themes import _Candidate
    from briefing.model import Theme

    cand = _Candidate(label=label, terms=[label], origin="keywords", hits=hits)
    theme = Theme(
        label=label, terms=[label], documents=sorted({f"{d:02}.txt" for d, _ in hits}), mentions=len(hits),
        strength=strength, coverage=[], gist="", quotes=[], origin="keywords",
    )  # fmt: skip
    return cand, theme


@pytest.mark.parametrize(
    ("weaker", "one"),
    [
        ("价格下跌", True),  # the same argument in other words, in a sentence they share
        ("渠道库存", False),  # another argument the shared sentence also makes
    ],
)
def test_two_labels_of_one_argument_are_one_theme(weaker: str, one: bool) -> None:
    """An appliance folder: 空调降价 (two sources) and an author's heading on falling
    prices share a sentence of one source: one theme, the stronger's; a theme on
    inventories sharing that sentence stays a theme of its own."""
    from briefing.analysis.themes import _distinct

    strong = _pair("空调降价", [(0, 1), (0, 2), (1, 4), (1, 5)], 2.0)
    weak = _pair(weaker, [(0, 2), (0, 3), (0, 6)], 1.0)
    kept = [theme.label for _, theme in _distinct([strong, weak])]
    assert kept == (["空调降价"] if one else ["空调降价", weaker])


def test_same_arguments_file_names_each_word_once() -> None:
    from briefing.resources import data_yaml

    raw = data_yaml("same_arguments.yaml")
    assert raw and all(isinstance(words, list) and words for words in raw.values())
    listed = [w for words in raw.values() for w in words]
    assert len(listed) == len(set(listed)) and not set(listed) & set(raw)


@pytest.mark.parametrize("folder", [*sorted(_SMALL), "games", "seeds", "field"])
def test_no_two_themes_name_one_argument_in_one_document(folder: str) -> None:
    """支架降价 and 价格下降 over the same stent price cuts (healthcare) are one theme."""
    from briefing.analysis.themes import label_arguments

    themes = _themes(folder).themes
    for i, a in enumerate(themes):
        for b in themes[i + 1 :]:
            both = label_arguments(a.label) & label_arguments(b.label)
            assert not (both and set(a.documents) & set(b.documents)), (a.label, b.label)


@pytest.mark.parametrize(("n_docs", "twice"), [(8, False), (4, True)])
def test_a_source_far_ahead_speaks_twice_only_in_a_narrow_folder(n_docs: int, twice: bool) -> None:
    """A second finding of one source far ahead of the others' comes before them in a
    folder of a few related sources, not in a wide one (every source speaks once first)."""
    from briefing.analysis.summary import _Candidate, _select

    def cand(doc: int, sentence: int, score: float, word: str) -> _Candidate:
        c = _Candidate(
            doc, sentence, sentence, f"{word}2023年营收{doc}{sentence}亿元。", {word, f"w{doc}{sentence}"}
        )
        c.concrete, c.score = 1.5, score
        return c

    pool = [cand(0, 0, 20.0, "甲"), cand(0, 5, 18.0, "乙")]
    pool += [cand(d, 0, 6.0 - 0.1 * d, f"丙{d}") for d in range(1, n_docs)]
    chosen = _select(sorted(pool, key=lambda c: -c.score), n_docs=n_docs)
    assert ((0, 5) in [(c.doc, c.sentence) for c in chosen[:3]]) is twice


@pytest.mark.parametrize(
    ("referents", "gist"),
    [
        # the reading resolved the quote's 公司: it states the theme, naming whose it is
        (
            {"公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。": ("公司", "百济神州")},
            "公司（百济神州）全年总收入为24.6亿美元，亏损收窄至8.8亿美元。",
        ),
        # not resolved: the next quote states it, never a bare 公司
        ({}, "微创医疗2023年净亏损约6.9亿美元，亏损仍未收窄。"),
    ],
)
def test_a_quote_that_takes_a_restated_gists_place_names_its_pointer(
    referents: dict[str, tuple[str, str]], gist: str
) -> None:
    """A theme whose gist restates a takeaway is stated by one of its quotes; a quote
    that opens with a pointer (公司…) takes that place only with the organisation its
    reading resolved, named after the pointer (healthcare's 亏损收窄 showed a bare
    '公司全年总收入为24.6亿美元')."""
    from briefing.analysis.themes import gists_apart
    from briefing.model import Quote, Theme

    said = "百济神州2023年亏损8.8亿美元，亏损收窄。"

    def quote(text: str) -> Quote:
        return Quote(text=text, document="01.txt", paragraph=0)

    pointed = "公司全年总收入为24.6亿美元，亏损收窄至8.8亿美元。"
    other = "微创医疗2023年净亏损约6.9亿美元，亏损仍未收窄。"
    theme = Theme(
        label="亏损收窄",
        terms=["亏损"],
        documents=["01.txt"],
        mentions=4,
        strength=1.0,
        coverage=[],
        gist=said,
        quotes=[quote(pointed), quote(other)],
        origin="keywords",
        gist_source=quote(said),
    )
    gists_apart([theme], [said], {}, referents)
    assert theme.gist == gist


@pytest.mark.parametrize(
    ("term", "home", "places", "own"),
    [
        # 价格战 in one headline's article and argued in two other sources: the folder's
        ("价格战", {0}, {(0, 1), (0, 4), (2, 0), (3, 5), (3, 6)}, True),
        ("出海", {0}, {(0, 1), (2, 3), (3, 1)}, True),
        # argued in one other source only: the headline's still
        ("价格战", {0}, {(0, 1), (0, 4), (3, 5), (3, 6)}, False),
        # a concept that argues nothing by itself (人工智能 under "AI很火，落地却很难")
        # stays the headline's, however many sources mention it
        ("人工智能", {3}, {(0, 1), (1, 2), (2, 0), (3, 1), (4, 4)}, False),
        # a term that only holds an argument word (流量战争 holds 战) is no argument word
        ("流量战争", {1}, {(1, 1), (2, 2), (3, 3)}, False),
    ],
)
def test_an_argument_several_sources_make_is_no_headlines(term, home, places, own) -> None:
    from briefing.analysis.themes import _argued_elsewhere

    assert _argued_elsewhere(term, home, places) is own


@pytest.mark.parametrize(
    ("stating", "kept_documents"),
    [
        # the headline's theme holds every line of its article (电池, 价格战); the sources'
        # 出海 states 出海 as often: it is the theme, across three documents
        ({"headline": 3, "sources": 4}, 3),
        ({"headline": 3, "sources": 3}, 3),
        # the sources state it less often than the headline's article: the headline's
        ({"headline": 5, "sources": 3}, 1),
        # not told how often either states it: the sentences decide (the headline's)
        ({}, 1),
    ],
)
def test_a_label_several_sources_state_as_often_is_theirs(stating, kept_documents) -> None:
    from briefing.analysis.themes import _distinct

    headline = _pair("出海", [(0, s) for s in range(12)], 2.0)
    sources = _pair("出海", [(0, 3), (0, 4), (2, 1), (3, 2)], 1.0)
    ids = {"headline": id(headline[1]), "sources": id(sources[1])}
    kept = _distinct([headline, sources], {ids[k]: v for k, v in stating.items()})
    assert [len(theme.documents) for _, theme in kept] == [kept_documents]


@pytest.mark.parametrize(
    ("folder", "label", "documents"),
    [
        # 价格战 in the headline and sections of 01, "price war" in 03, the memo's note in 04
        ("logistics", "价格战", {"01_price_war_zh-hans.md", "03_global_en.txt", "04_memo.md"}),
        # 出海 in 01's headline and section, overseas sales in 03 and the memo
        (
            "nev",
            "出海",
            {"01_price_war_zh-hans.txt", "03_ev_economics_en.txt", "04_memo_competition.md"},
        ),
    ],
)
def test_an_argument_counts_where_the_sources_argue_it(folder, label, documents) -> None:
    themes = {t.label: t for t in _themes(folder).themes}
    assert label in themes, list(themes)
    assert documents <= set(themes[label].documents), themes[label].documents


@pytest.mark.parametrize(
    ("text", "label", "elsewhere"),
    [
        # a memo line filed under another theme's label, which does not write this one's
        ("垂直整合：自产刀片电池、IGBT芯片，海外销量24.3万辆。", "出海", True),
        # …but writes every part of this theme's label: it argues this theme too
        (
            "价格战：9.9元促销压低单杯利润，加盟模式让库迪咖啡扩张更快，但单店盈利尚未验证。",
            "加盟模式与单店盈利",
            False,
        ),
        # filed under this theme's own label
        ("出海：极兔在东南亚的份额已接近四分之一。", "出海", False),
        # a framing label that is no theme's (核心产值：…)
        ("核心产值：2025年低空经济规模将达1.5万亿元。", "出海", False),
        # no label before a colon; Traditional text read in Simplified
        ("國內市場內卷加劇，車企紛紛把目光投向海外。", "出海", False),
        ("垂直整合：自產刀片電池，海外銷量24.3萬輛。", "出海", True),
    ],
)
def test_a_line_filed_under_another_themes_label_is_that_themes(text, label, elsewhere) -> None:
    from briefing.analysis.themes import _filed_elsewhere

    labels = {"垂直整合", "出海", "价格战", "加盟模式与单店盈利"}
    assert _filed_elsewhere(text, label, labels) is elsewhere


def test_a_theme_quotes_no_line_filed_under_another() -> None:
    """nev: 出海 quotes the EU's anti-subsidy probe on going abroad, not the memo's line
    on BYD filed under 垂直整合 (which 垂直整合 quotes)."""
    themes = {t.label: t for t in _themes("nev").themes}
    quoted = [q.text for q in themes["出海"].quotes]
    assert quoted and not any(q.startswith("垂直整合") for q in quoted), quoted


def test_an_articles_unnumbered_subheads_are_its_arguments_labelled_by_their_own_clause(
    tmp_path: Path,
) -> None:
    """An airline article whose subheads are not numbered ("运力连涨，票价承压"):
    each subhead is one of the author's arguments, labelled by its short clause
    that argues (票价承压), not by a noun its sentences repeat; a memo's plain
    headings (背景) are no such thing."""
    (tmp_path / "01_airlines.md").write_text(
        "---\ntitle: 暑运过后的航空业\ndate: 2024-09-10\n---\n\n"
        "暑运结束后，各航空公司的客座率仍在高位，但利润表现分化。\n\n"
        "## 运力恢复，票价承压\n\n"
        "国内航线运力已超过2019年同期，经济舱平均票价同比下降一成。"
        "票价下降抵消了客座率上升带来的收入，多家航空公司二季度仍在亏损。"
        "分析人士认为，票价在旺季之后还会继续走低。\n\n"
        "## 国际航线，复苏缓慢\n\n"
        "国际航线的航班量只恢复到疫情前的七成，远程航线恢复最慢。"
        "签证和航权限制让国际航线的复苏比预期更慢。"
        "航空公司把宽体机调回国内航线，又加剧了国内航线的运力过剩。\n",
        "utf-8",
    )
    (tmp_path / "02_memo.md").write_text(
        "# 航空业跟踪\n\n## 背景\n\n航空公司利润分化。\n\n## 问题\n\n1. 票价什么时候止跌？\n",
        "utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    labels = [t.label for t in model.themes]
    assert "票价承压" in labels, labels
    assert "背景" not in labels
    theme = next(t for t in model.themes if t.label == "票价承压")
    assert theme.documents[0] == "01_airlines.md"
    assert "票价" in theme.gist or any("票价" in q.text for q in theme.quotes)


@pytest.mark.parametrize(
    ("label", "defining", "rest"),
    [
        ("电池成本", ("电池",), "成本"),  # the quotes should speak of cost, not of batteries only
        ("人工智能落地", ("人工智能",), "落地"),
        ("自制IP", ("IP",), "自制"),
        ("经销商库存", ("经销商", "库存"), ""),  # both words are the concept
        ("换电模式", ("换电",), ""),  # 模式 frames 换电 (label_frames.txt)
        ("磷酸铁锂路线", ("磷酸铁锂",), ""),
        ("技术路线", ("路线",), ""),  # 技术 argues nothing
        ("价格战", ("价格战",), ""),
        ("加盟模式与单店盈利", ("加盟模式", "单店", "盈利"), ""),  # two concepts side by side
        # a change (the caller asks states_change instead: a sentence may say 下降 for 收窄)
        ("息差收窄", ("息差",), "收窄"),
        ("电动车", ("电池",), ""),  # the label names none of its concept's words
    ],
)
def test_what_a_label_says_of_its_concept(label: str, defining: tuple[str, ...], rest: str) -> None:
    from briefing.analysis.themes import label_rest

    assert label_rest(label, defining) == rest


def test_quotes_under_a_label_say_what_it_argues_where_some_do() -> None:
    """games' own-IP theme quoted a studio buying into an animation studio (a line that
    names IP only); its source also says where the money goes: 重心放在自製IP, shown
    first (as the gist, which says the label's argument where a sentence does)."""
    from briefing.script import to_simplified

    (theme,) = [t for t in _themes("games").themes if "IP" in t.label and "自制" in t.label]
    assert theme.quotes and theme.gist_source is not None
    first = (
        theme.gist_source.text if "自制" in to_simplified(theme.gist_source.text) else theme.quotes[0].text
    )
    assert "自制" in to_simplified(first), [theme.gist_source.text, *(q.text for q in theme.quotes)]
    assert "重心放在自製IP" in theme.gist_source.text, theme.gist_source.text


def test_a_word_of_change_is_labelled_with_what_its_headline_says_changes() -> None:
    """The auto-sales story's theme is its headline's argument, 汽车销量…负增长, not a bare
    负增长 of nothing: the body writes 汽车产销量, the title says what falls."""
    labels = [t.label for t in _themes("field").themes]
    assert "汽车销量负增长" in labels and "负增长" not in labels


def test_a_word_of_change_is_not_said_of_the_item_before_it_in_a_list() -> None:
    """nev's headline lists 价格战、电池降本与出海: going abroad is the carmakers', not the
    batteries' (no 电池出海), and stays the theme three sources argue."""
    themes = {t.label: t for t in _themes("nev").themes}
    assert "电池出海" not in themes
    assert len(themes["出海"].documents) >= 3


def test_a_headlines_change_is_said_of_its_own_clause_subject(tmp_path: Path) -> None:
    """An airline story headed '客流创新高，票价却在下跌': the fall is the fares', never the
    traffic's (the label read 客流下跌, a claim the story denies); a headline whose
    change has no subject of its own still says it of what it names."""
    (tmp_path / "01.txt").write_text(
        "国内航空业：客流创新高，票价却在下跌\n\n"
        "2024年暑运期间，民航旅客运输量达到1.64亿人次，同比增长11.5%，客流创历史新高。\n\n"
        "但与客流高涨形成对比的是，国内经济舱平均票价同比下降约10%。\n\n"
        "分析人士指出，票价下行压力短期难以缓解，客流增长也难以弥补票价下跌。\n\n"
        "业内人士认为，客流虽然恢复，票价下跌让航司难以盈利。\n",
        "utf-8",
    )
    (tmp_path / "02.txt").write_text(
        "航司成本压力\n\n飞机交付延迟，窄体机租金比2019年上涨约20%，航司的单位成本上升。\n\n"
        "低成本航司依靠高客座率压低单位成本，票价下跌时仍能盈利。\n",
        "utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    for t in model.themes:
        assert not ("客流" in t.label and any(w in t.label for w in ("下跌", "下降", "下滑"))), t.label


def test_an_english_change_counts_for_the_word_other_sources_say_it_with(tmp_path: Path) -> None:
    """Tried on a hog folder: the Hong Kong story says 豬價回升 (once), the wire story
    "hog prices have risen" (the glossary gives 猪价, the direction is up): together the
    fact that prices rebound, said twice, labels the theme 猪价回升 across both."""
    documents = {
        "01_hk.txt": [
            "萬洲國際中期業績",
            "萬洲國際公布中期業績，股東應佔利潤為6.06億美元。",
            "管理層指出，內地豬價回升，但肉製品消費仍然疲弱，下半年將控制成本。",
            "集團將繼續推動美國業務降本。",
        ],
        "02_wire.md": [
            "# Hog farmers return to profit",
            "Hog prices have risen about 35% since March, according to data from the agriculture ministry.",
            "Analysts warned that hog prices may fall again in the second half.",
        ],
    }
    model = _folder(tmp_path, documents)
    (theme,) = [t for t in model.themes if "猪价" in t.label]
    assert theme.label == "猪价回升", theme.label
    assert set(theme.documents) == {"01_hk.txt", "02_wire.md"}, theme.documents


def test_a_change_only_english_sources_state_is_labelled_in_plain_words(tmp_path: Path) -> None:
    """Tried on a travel folder: the wire story says outbound bookings "recovered", the
    English memo that outbound "recovers faster"; no Chinese source says it in words
    of its own, so the theme is labelled with the plain word of that direction."""
    documents = {
        "01_wire.md": [
            "# Trip.com beats forecasts",
            "Outbound hotel and air bookings recovered to more than 120% of 2019 levels, the company said.",
            "Domestic hotel prices remained under pressure.",
        ],
        "02_memo.md": [
            "# Travel tracker – notes",
            "Working view: outbound recovers faster than domestic; hotel pricing is the weak spot.",
            "## Open questions",
            "- Is outbound growth sustainable?",
        ],
    }
    model = _folder(tmp_path, documents)
    assert any(t.label == "出境游回升" for t in model.themes), [t.label for t in model.themes]


def _folder(tmp_path: Path, documents: dict[str, list[str]]) -> Briefing:
    """The briefing of a folder of ``documents`` (file name → its paragraphs)."""
    for name, paragraphs in documents.items():
        (tmp_path / name).write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    return build_briefing(read_corpus(tmp_path), date=DATE)
