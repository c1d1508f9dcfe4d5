"""Table-driven tests for reading metadata: dates, datelines, bylines, front
matter, and the memo question helpers. Tables: tests/fixtures/metadata/*.yaml."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import FIXTURES

from briefing import memo, metadata
from briefing.cleaning import Block
from briefing.formats import parse_html, read_front_matter


def _table(name: str) -> Any:
    return yaml.safe_load((FIXTURES / "metadata" / f"{name}.yaml").read_text("utf-8"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c.get("id") or str(c["input"]) for c in cases]


_DATES = _table("parse_date")["cases"]


@pytest.mark.parametrize("case", _DATES, ids=_ids(_DATES))
def test_parse_date(case: dict[str, Any]) -> None:
    assert metadata.parse_date(case["input"], compact=case.get("compact", False)) == case["expected"]


_DATELINES = _table("dateline")["cases"]


@pytest.mark.parametrize("case", _DATELINES, ids=_ids(_DATELINES))
def test_dateline(case: dict[str, Any]) -> None:
    assert metadata.dateline(case["input"]) == (case["dateline"], case["date"])


_LABELLED = _table("labelled_dateline")["cases"]


@pytest.mark.parametrize("case", _LABELLED, ids=_ids(_LABELLED))
def test_labelled_dateline(case: dict[str, Any]) -> None:
    assert metadata.labelled_dateline(case["input"]) == case["expected"]


_BYLINES = _table("bylines")


@pytest.mark.parametrize("case", _BYLINES["reporter_credit"], ids=_ids(_BYLINES["reporter_credit"]))
def test_reporter_credit(case: dict[str, Any]) -> None:
    expected = tuple(case["expected"]) if case["expected"] else None
    assert metadata.reporter_credit(case["input"]) == expected


@pytest.mark.parametrize("case", _BYLINES["posted_by"], ids=_ids(_BYLINES["posted_by"]))
def test_posted_by(case: dict[str, Any]) -> None:
    expected = tuple(case["expected"]) if case["expected"] else None
    assert metadata.posted_by(case["input"]) == expected


@pytest.mark.parametrize("case", _BYLINES["credit_line"], ids=_ids(_BYLINES["credit_line"]))
def test_credit_line(case: dict[str, Any]) -> None:
    assert metadata.credit_line(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", _BYLINES["site_date_credit"], ids=_ids(_BYLINES["site_date_credit"]))
def test_site_date_credit(case: dict[str, Any]) -> None:
    expected = tuple(case["expected"]) if case["expected"] else None
    assert metadata.site_date_credit(case["input"]) == expected


@pytest.mark.parametrize("case", _BYLINES["placeholder_author"], ids=_ids(_BYLINES["placeholder_author"]))
def test_placeholder_author(case: dict[str, Any]) -> None:
    assert metadata.is_placeholder_author(case["input"]) is case["expected"]


_FRONT = _table("front_matter")["cases"]


@pytest.mark.parametrize("case", _FRONT, ids=_ids(_FRONT))
def test_front_matter(case: dict[str, Any]) -> None:
    meta, body = read_front_matter(case["input"])
    assert meta == case["expected"]
    assert body == case["body"]


_QUESTIONS = _table("questions")


@pytest.mark.parametrize("case", _QUESTIONS["strip_numbering"], ids=_ids(_QUESTIONS["strip_numbering"]))
def test_strip_numbering(case: dict[str, Any]) -> None:
    assert memo.strip_numbering(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", _QUESTIONS["asked"], ids=_ids(_QUESTIONS["asked"]))
def test_asked(case: dict[str, Any]) -> None:
    assert memo.asked(case["input"]) == case["expected"]


_SITES = _table("site_name")["cases"]


@pytest.mark.parametrize("case", _SITES, ids=_ids(_SITES))
def test_site_name(case: dict[str, Any]) -> None:
    assert metadata.site_name(case["input"]) == case["expected"]


def test_site_name_is_not_the_title() -> None:
    page = "汽车销量连续两月负增长 行业向下趋势确认- 【阳光易购】"
    assert metadata.strip_site_name(page) == "汽车销量连续两月负增长 行业向下趋势确认"
    assert metadata.strip_site_name("光伏组件价格跌破每瓦1元 | 能源周刊") == "光伏组件价格跌破每瓦1元"
    assert metadata.strip_site_name("A-B testing at scale") == "A-B testing at scale"
    assert metadata.is_site_name("阳光易购", page)
    assert not metadata.is_site_name("汽车销量连续两月负增长", page)


def test_html_furniture_is_skipped_but_an_article_named_like_it_is_not() -> None:
    page = (
        '<div class="breadcrumb"><a href="/">首页</a></div>'
        '<div class="share-bar"><a href="https://service.weibo.com/share/share.php?u=1">分享</a></div>'
        "<p>储能电站的收入来自容量租赁。</p>"
    )
    assert [b.text for b in parse_html(page).blocks] == ["储能电站的收入来自容量租赁。"]
    # A page whose article container carries a furniture word is read again without the rule.
    body = "<p>" + "储能电站的收入主要来自容量租赁和现货套利，山东的峰谷价差最大。" * 3 + "</p>"
    assert parse_html(f'<div class="post-body social-share">{body}</div>').blocks


def test_an_unclosed_head_does_not_hide_the_body() -> None:
    page = "<html><head><title>光伏周报</title><p>组件价格跌破每瓦1元。</p><p>出口增长38%。</p>"
    parsed = parse_html(page)
    assert [b.text for b in parsed.blocks] == ["组件价格跌破每瓦1元。", "出口增长38%。"]
    assert parsed.meta["page_title"] == "光伏周报"


def test_html_table_rows_keep_their_cells_apart() -> None:
    page = "<table><tr><th>企业</th><th>销量</th></tr><tr><td>比亚迪</td><td>302.4万辆</td></tr></table>"
    blocks = parse_html(page).blocks
    assert [(b.kind, b.text) for b in blocks] == [("row", "企业 | 销量"), ("row", "比亚迪 | 302.4万辆")]


def test_memo_signals_weigh_up() -> None:
    """A reference list and a rhetorical heading do not make a memo; a heading
    that asks plus working-note headings do."""
    news = [
        Block("para", "Module prices fell below $0.10 per watt in China in late 2023." * 3),
        Block("heading", "What comes next?", level=2),
        Block("para", "Industry groups expect consolidation." * 3),
        Block("heading", "References", level=2),
        Block("item", "[CPIA review](https://example.org/cpia)", level=1, marker="-"),
    ]
    parts = memo.extract(news, [b.text for b in news])
    assert memo.memo_signals(news, parts) == {"question headings": 1, "reference list": 1}
    assert not memo.is_memo(memo.memo_signals(news, parts))
    notes = [
        Block("heading", "背景", level=2),
        Block("para", "2023年生猪出栏7.27亿头。"),
        Block("heading", "初步判断", level=2),
        Block("para", "去产能还不充分。"),
        Block("heading", "是否已经见底？", level=2),
        Block("para", "还要看母猪存栏。"),
    ]
    parts = memo.extract(notes, [b.text for b in notes])
    assert memo.is_memo(memo.memo_signals(notes, parts))
    assert [(t.text, t.form) for t in memo.questions(parts, memo=True)] == [("是否已经见底？", "heading")]
    assert memo.questions(parts, memo=False) == []


_WIRE = _table("wire_dateline")["cases"]


@pytest.mark.parametrize("case", _WIRE, ids=[c["id"] for c in _WIRE])
def test_wire_dateline(case: dict[str, Any]) -> None:
    found = metadata.wire_dateline(case["input"], case.get("marked"))
    if case["place"] is None:
        assert found is None
    else:
        assert found == (case["place"], case["rest"])


_EXPOSITORY = _table("expository")["cases"]


@pytest.mark.parametrize("case", _EXPOSITORY, ids=[c["id"] for c in _EXPOSITORY])
def test_expository_questions(case: dict[str, Any]) -> None:
    following = Block(case["following"]["kind"], case["following"]["text"]) if case["following"] else None
    assert memo.expository(case["question"], following) is case["expository"]


_NOT_SOURCES = _table("not_a_source")["cases"]


@pytest.mark.parametrize("case", _NOT_SOURCES, ids=[c["id"] for c in _NOT_SOURCES])
def test_not_a_source(case: dict[str, Any]) -> None:
    from briefing.formats import not_a_source

    assert not_a_source(case["path"], case["content"].encode("utf-8")) == case["reason"]


def test_folder_files_and_tables_are_skipped_with_their_reason(tmp_path) -> None:
    """A folder's README and a table of rows are listed under skipped, never read as sources."""
    from briefing.readers import read_corpus

    (tmp_path / "01_article.md").write_text(
        "# 航运运价下跌\n\n集装箱运价连续六周下跌，马士基下调全年指引。\n", "utf-8"
    )
    (tmp_path / "README.md").write_text("# 我的剪报\n\n每周收集的航运新闻。\n", "utf-8")
    (tmp_path / "rates.tsv").write_text("week\trate\tchange\n1\t1200\t-3%\n2\t1150\t-4%\n", "utf-8")
    corpus = read_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["01_article.md"]
    assert {s.path: s.reason for s in corpus.skipped} == {
        "README.md": "the folder's README, not a source",
        "rates.tsv": "a data table (TSV), not an article",
    }


_MONTHS = _table("month_dates")


@pytest.mark.parametrize("case", _MONTHS["parse_month"], ids=_ids(_MONTHS["parse_month"]))
def test_parse_month(case: dict[str, Any]) -> None:
    assert metadata.parse_month(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", _MONTHS["title_month"], ids=_ids(_MONTHS["title_month"]))
def test_title_month(case: dict[str, Any]) -> None:
    assert metadata.title_month(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", _MONTHS["headline"], ids=[c["raw"] for c in _MONTHS["headline"]])
def test_headline_as_written(case: dict[str, Any]) -> None:
    assert metadata.headline_as_written(case["raw"], case["cleaned"]) == case["expected"]


_OPEN = _table("questions")["open_label"]


@pytest.mark.parametrize("case", _OPEN, ids=_ids(_OPEN))
def test_open_question_label(case: dict[str, Any]) -> None:
    assert bool(memo._OPEN_RE.match(case["input"])) is case["expected"]
