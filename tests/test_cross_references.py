"""Nothing shown to the reader leans on another place for its meaning: a source's
cross-reference ("见上文…", "如上所述", "see above"; data/antecedents.yaml) is never
quoted, a memo's verdict line ("👉 当前：基本符合"; data/verdict_labels.txt) is shown
only joined to the list it judges, and a sentence said before is not shown under an
organisation as a bare pointer back ("见上文新易盛", "见关键结论1")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CORPORA, FIXTURES, ROOT

from briefing.analysis import build_briefing
from briefing.analysis.questions import verdict_line
from briefing.charts import charts_for
from briefing.excerpts import cross_reference, stands_alone
from briefing.readers import read_corpus
from briefing.render import render

DATE = dt.date(2026, 12, 2)
FOLDER = FIXTURES / "analysis" / "cross_reference_folder"
FIELD = ROOT.parent / "shared" / "field-corpus"


@pytest.mark.parametrize(
    ("text", "refers"),
    [
        ("关于两家企业的冷库面积，详见上文国药物流一节。", True),
        ("如上所述，国药物流的优势来自全国网络。", True),
        ("見上文，順豐醫藥的擴張速度快於京東健康物流。", True),  # Traditional, read in Simplified
        ("同上", True),
        ("（同上）", True),
        ("As noted above, SF Pharma is expanding faster than JD Health.", True),
        ("See above for the airline's fleet.", True),
        ("营收同上年同期相比增长12%。", False),  # 同上年: the same period, no cross-reference
        ("Analysts see below-average growth in cargo demand this year.", False),
        ("华润医药商业在华东见到了明显的增长，上半年收入同比增长12%。", False),
        ("国药物流2024年医药冷链收入达到86.4亿元。", False),
    ],
)
def test_a_cross_reference_does_not_stand_alone(text: str, refers: bool) -> None:
    assert cross_reference(text) is refers
    assert stands_alone(text) is not refers


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("👉 当前：基本符合", True),
        ("当前：还没出现系统性特征", True),
        ("Status: on track", True),
        ("目前：是否见顶？", False),  # a question, no verdict
        ("当前CPO在AI算力周期中处于放量阶段。", False),  # a statement with its subject
        ("结论：不是见顶，而是早期波动阶段，估值已经进入危险区，后面走势将取决于业绩", False),  # too long
        ("龙头份额继续提升", False),
    ],
)
def test_a_verdict_line_is_told_from_a_statement(line: str, verdict: bool) -> None:
    assert verdict_line(line) is verdict


@pytest.fixture(scope="module")
def folder_model():
    return build_briefing(read_corpus(FOLDER), date=DATE)


def _shown(model) -> list[str]:
    texts = [t.text for t in model.summary]
    for theme in model.themes:
        texts += [theme.gist, *(q.text for q in theme.quotes)]
    for q in model.questions:
        texts += [e.text for e in (*q.evidence, *q.context, *q.angles)]
    for c in model.companies:
        texts += [m.text for m in c.moves] + ([c.move] if c.move else [])
    return [t for t in texts if t]


def test_no_cross_reference_is_shown(folder_model) -> None:
    """Pharma cold chain: each article refers back once or twice (如上所述, 详见上文, 见上文,
    As noted above); none of those sentences is a takeaway, a theme's quote, evidence,
    a memo's note or a company's move, while the facts around them are."""
    shown = _shown(folder_model)
    assert not [t for t in shown if cross_reference(t)], shown
    assert any("86.4亿元" in t for t in shown), shown


def test_a_verdict_goes_with_what_it_judges(folder_model) -> None:
    """The memo's "👉 当前：基本符合" judges the list above it: it is shown at the end of
    that list, never as a note of its own."""
    notes = [e.text for q in folder_model.questions for e in q.context]
    assert any(n.startswith("如果格局稳定，会出现：") and n.endswith("。当前：基本符合") for n in notes), (
        notes
    )
    assert any(n.startswith("如果格局松动，会出现：") and n.endswith("。当前：还没出现") for n in notes), (
        notes
    )
    assert not [n for n in notes if verdict_line(n)], notes


FOLDERS = [
    ("seeds", ROOT / "seeds"),
    ("cross_reference_folder", FOLDER),
    *((p.name, p) for p in sorted(CORPORA.iterdir()) if p.is_dir()),
    ("field-corpus", FIELD),
]


@pytest.mark.parametrize(("name", "path"), FOLDERS, ids=[n for n, _ in FOLDERS])
def test_no_bullet_is_a_bare_pointer(name: str, path) -> None:
    """Under an organisation a move said before shows the clause that names it, or is
    left out: never "见上文新易盛" (field corpus) or "见关键结论1" (solar) as a bullet."""
    if not path.is_dir():
        pytest.skip(f"{path} not found")
    model = build_briefing(read_corpus(path), date=DATE)
    markdown = render(model, charts_for(model), use_cache=False)
    bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert bullets
    for line in bullets:
        assert not re.match(r"- 见(?:上文|下文|关键结论|主题|问题)", line), line


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("👉 这意味着：航天从“国家工程” → “商业基础设施”", True),  # the emoji is no part of it
        ("👉 本质：商业航天 = 典型“预期先行型板块”", False),
        ("✔ 该公司2024年营收增长12%。", True),
        ("这意味着：估值已经严重透支未来2–3年增长", True),
        ("「這是應用材料營收占比最大的部門，2015的營收占總營收的64%。」", True),  # a quotation mark first
        ("“我们提出新制造，不是阿里巴巴要进军制造业，而是要帮助制造业进行变革。”", False),
        ("与此同时，心血管介入领域的微创医疗却陷入亏损。", False),  # "meanwhile": a connective, dropped
        ("与此相关的是，微创医疗陷入亏损。", True),
        ("相較之下，宇峻奧汀以自製的系列打進東南亞。", True),  # compared with what came before
        ("相比之下，蔚来的换电站仍在亏损。", True),
        ("By contrast, NetEase opened studios of its own.", True),
        ("In contrast to Tencent, NetEase opened studios of its own.", False),  # names both sides
    ],
)
def test_an_emoji_or_quotation_mark_before_a_pointer_back_does_not_hide_it(text: str, pointer: bool) -> None:
    assert stands_alone(text) is not pointer


@pytest.mark.parametrize(
    ("sentence", "later"),
    [
        # no clause to stand for it: left out, never cut between words ("当前CPO在AI…")
        ("当前CPO在AI数据中心渗透率约为0.5%左右", ""),
        ("当前冷链仓储在医药流通中的渗透率约为12%左右", ""),
        # an opening clause stands for it
        (
            "顺丰医药2024年新增GSP认证冷库8座，冷库总面积超过20万平方米，并开通了覆盖华东的干线网络",
            "顺丰医药2024年新增GSP认证冷库8座…",
        ),
    ],
)
def test_a_passage_said_before_is_cut_only_at_a_clause(folder_model, sentence: str, later: str) -> None:
    from briefing.render import QuoteBook

    book = QuoteBook(folder_model)
    assert book.passage(sentence) == sentence
    again = book.passage(sentence)
    assert again == later or (later and again.startswith(later.rstrip("…"))), again
