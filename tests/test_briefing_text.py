"""What the executive reads: the rendered briefing of several corpora.

Issue 11's properties, checked on the rendered text (Markdown, and the PDF's
extracted text) of the seeds, the fixture corpora of other industries and the
field corpus (../shared/field-corpus, skipped with a reason when absent):

* a source sentence appears in full at most once (later uses are a short clause);
* the theme heatmap, the sources a theme lists, its count and its quotes agree;
* a question's status reads the same wherever the briefing shows it, and a
  classification is shown as a provisional answer;
* quotes are in the briefing's script with full-width punctuation, English
  stays English, and no cut falls inside a number or a Latin word;
* several memos group the agenda by memo.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CORPORA, ROOT, SEEDS
from pypdf import PdfReader

from briefing.analysis import build_briefing
from briefing.charts import charts_for
from briefing.excerpts import ELLIPSIS, display, drop_connective, squash
from briefing.labels import STATUS_ZH, key_figure_label
from briefing.model import Briefing
from briefing.readers import read_corpus
from briefing.render import _source_texts, render

FIELD = (ROOT / ".." / "shared" / "field-corpus").resolve()
FOLDERS = {
    "seeds": SEEDS,
    "nev": CORPORA / "nev",
    "healthcare": CORPORA / "healthcare",
    "banks": CORPORA / "banks",
    "baijiu": CORPORA / "baijiu",
    "field": FIELD,
}
DATE = dt.date(2026, 11, 23)


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def briefing(request) -> tuple[Briefing, str]:
    folder = FOLDERS[request.param]
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared field corpus is not part of the repository)")
    model = build_briefing(read_corpus(folder), date=DATE)
    return model, render(model, charts_for(model))


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory) -> dict[str, tuple[Briefing, str]]:
    """The PDF of each corpus, generated once, as extracted text without whitespace."""
    from briefing.pipeline import generate

    out = {}
    for name, folder in FOLDERS.items():
        if not folder.is_dir():
            continue
        target = tmp_path_factory.mktemp(name)
        result = generate(folder, target, formats=("pdf",), date=DATE, use_cache=False)
        reader = PdfReader(str(result.files["pdf"]))
        out[name] = (result.model, re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages)))
    return out


def _body(markdown: str) -> str:
    """The briefing up to its source list (which names the sources as they are titled)."""
    return markdown.split("## 来源", 1)[0]


def _shown(model: Briefing, text: str, document: str, finding: bool) -> str:
    language = {s.path: s.language for s in model.sources}
    shown = display(text, language[document])
    return drop_connective(shown) if finding else shown


@pytest.mark.parametrize("name", sorted(FOLDERS))
def test_no_source_sentence_appears_in_full_twice_in_the_pdf(pdf_texts, name: str) -> None:
    if name not in pdf_texts:
        pytest.skip(f"{FOLDERS[name]} is absent")
    model, text = pdf_texts[name]
    for source in model.sources:  # a title names its source (cover, memo heading, source list): not a quote
        text = text.replace(re.sub(r"\s+", "", source.title), "")
    gists = {th.gist for th in model.themes if th.gist_source and th.gist != th.gist_source.text}
    checked = 0
    for sentence, document, finding in dict.fromkeys(_source_texts(model)):
        if sentence in gists or not finding:
            continue  # a gist is a clip of its sentence; a question or a title is navigation
        key = squash(_shown(model, sentence, document, finding).lstrip(ELLIPSIS))
        if len(key) < 12:
            continue
        checked += 1
        assert text.count(key) <= 1, f"said twice in full: {sentence}"
    assert checked >= 10


def test_a_question_is_never_cut_to_a_stub(briefing) -> None:
    """A memo's question is the reader's navigation: its heading shows it whole,
    and it is not followed by itself again."""
    model, markdown = briefing
    agenda = markdown.split("## 研究议程", 1)[1].split("## 来源", 1)[0]
    headings = re.findall(r"^#{3,4} 问题 \d+：(.*)$", agenda, flags=re.M)
    assert len(headings) == len(model.questions)
    for heading in headings:
        assert ELLIPSIS not in heading, heading
        block = agenda.split(heading, 1)[1].split("\n#", 1)[0]
        lines = {squash(line.strip("*- ").removeprefix("另问：")) for line in block.splitlines()}
        assert squash(heading) not in lines, f"question shown again under its heading: {heading}"


def test_the_heatmap_the_sources_listed_and_the_counts_agree(briefing) -> None:
    model, markdown = briefing
    chart = charts_for(model)["theme_strength"]
    assert chart.rows == [t.label for t in model.themes]
    number = {s.path: s.number for s in model.sources}
    for theme, values in zip(model.themes, chart.values, strict=True):
        shown = {int(c.strip("[]")) for c, v in zip(chart.columns, values, strict=True) if v}
        assert shown == {number[d] for d in theme.documents}, theme.label
        assert sum(values) == theme.mentions
        block = markdown.split(f". {theme.label}\n", 1)[1].split("\n### ", 1)[0]
        meta = re.search(r"\*(?:(\d+) 份来源|(单一来源)) (.*?) · (\d+) 处提及", block)
        assert meta, theme.label
        # a theme one source argues says so, in a folder of several sources
        assert bool(meta.group(2)) == (len(theme.documents) == 1 and len(model.sources) > 1), theme.label
        assert int(meta.group(1) or 1) == len(theme.documents) and int(meta.group(4)) == theme.mentions
        assert {int(n) for n in re.findall(r"#src-(\d+)", meta.group(3))} == shown
        for cited in re.findall(r"^> .*?#src-(\d+)\)$", block, re.MULTILINE):
            assert int(cited) in shown, f"{theme.label}: a quote from a source it does not list"
    singles = sum(1 for t in model.themes if len(t.documents) == 1)
    intro = markdown.split("## 主题", 1)[1].split("\n### ", 1)[0]
    if singles == len(model.themes) and len(model.sources) > 1:
        assert "没有一个主题由两份以上来源共同论证" in intro
    elif singles:
        assert f"其中 {singles} 个主题只由一份来源论证" in intro


def test_a_question_reads_the_same_status_everywhere(briefing) -> None:
    model, markdown = briefing
    body = _body(markdown)
    if not model.questions:
        assert "资料中没有研究备忘录列出的待研究问题" in body
        return
    agenda = body.split("## 研究议程", 1)[1]
    blocks = re.split(r"\n#{3,4} 问题 ", agenda)[1:]
    assert len(blocks) == len(model.questions)
    for question, block in zip(model.questions, blocks, strict=True):
        statuses = re.findall(r"状态：(已回答|部分回答|待研究|已有证据|证据不足|暂无证据)", block)
        assert statuses == [STATUS_ZH[question.status]], question.text
        if question.answer:
            assert f"**暂定答案**：{question.answer.text}" in block  # a classification is provisional
        if question.needs_new_material:
            assert "需要新材料" in block
        if question.evidence:
            assert "**独立证据**" in block
        if question.context:
            assert ("**备忘录观点**" if question.memo_answer else "**备忘录笔记**") in block
    for change in model.changes.moved_questions if model.changes else []:
        assert STATUS_ZH.get(change.after, change.after) in body


def test_quotes_are_in_the_briefings_script_and_english_stays_english(briefing) -> None:
    model, markdown = briefing
    body = _body(markdown)
    assert not re.search(r"[\u4e00-\u9fff][,;?!][\u4e00-\u9fff]", body), "ASCII punctuation in Chinese text"
    language = {s.path: s.language for s in model.sources}
    for t in model.summary:
        if t.kind != "sentence":
            continue
        shown = squash(re.sub(r"\\(.)", r"\1", _shown(model, t.text, t.document, True)).lstrip(ELLIPSIS))
        assert shown in squash(re.sub(r"\\(.)", r"\1", body)), t.text
        if language[t.document] == "zh-Hant" and display(t.text, "zh-Hant") != t.text:
            # squash is script-blind (a sentence is one whatever its script): compare as written
            as_written = re.sub(r"[\W_]+", "", t.text)
            assert as_written not in re.sub(r"[\W_]+", "", body), (
                "a Traditional quote in a Simplified briefing"
            )


def test_the_source_list_names_authors_and_sites_in_the_briefings_script(briefing) -> None:
    from briefing.script import to_simplified

    model, markdown = briefing
    listed = "\n".join(line for line in markdown.splitlines() if "{: #src-" in line)
    for s in model.sources:
        for value in (s.author, s.site):
            if value and to_simplified(value) != value:
                assert value not in listed, f"Traditional {value!r} in the source list"
                assert display(value, "zh-Hant") in listed


def test_no_cut_falls_inside_a_number_or_a_latin_word(briefing) -> None:
    model, markdown = briefing
    body = re.sub(r"\\(.)", r"\1", _body(markdown))
    sources = [display(text, None) for text, _, _ in _source_texts(model)]
    for m in re.finditer(r"([0-9A-Za-z]+)" + ELLIPSIS, body):
        token = m.group(1)
        # the token as shown must end where a word or number ends in some source sentence
        assert any(re.search(re.escape(token) + r"(?![0-9A-Za-z])(?![.,]\d)", s) for s in sources), m.group()


def test_several_memos_group_the_agenda_by_memo() -> None:
    model = build_briefing(read_corpus(CORPORA / "banks"), date=DATE)
    assert len({q.document for q in model.questions}) == 2
    agenda = render(model, charts_for(model)).split("## 研究议程", 1)[1].split("## 来源", 1)[0]
    assert len(re.findall(r"^### 备忘录 ", agenda, re.MULTILINE)) == 2
    assert len(re.findall(r"^#### 问题 ", agenda, re.MULTILINE)) == len(model.questions)
    seeds = build_briefing(read_corpus(SEEDS), date=DATE)
    assert "### 备忘录 " not in render(seeds, charts_for(seeds))


def test_beyond_the_sources_lists_the_angles_of_the_other_sources() -> None:
    model = build_briefing(read_corpus(CORPORA / "banks"), date=DATE)
    beyond = [q for q in model.questions if q.needs_new_material]
    assert len(beyond) == 2  # one Chinese memo (跳出以上资料的局限), one English (Beyond these sources)
    for q in beyond:
        assert q.status == "open"
        assert all(q.document not in a.documents for a in q.angles)
    # The arguments of the other sources are the folder's themes, pointed to by number,
    # never said again in full.
    labels = [t.label for t in model.themes]
    shown = render(model, charts_for(model))
    argued = [a for q in beyond for a in q.angles if not a.text]
    assert argued
    for a in argued:
        assert f"**{a.label}**（主题{labels.index(a.label) + 1}）" in shown


def test_each_takeaway_and_key_figure_is_shown_near_the_top(briefing) -> None:
    model, markdown = briefing
    top = markdown.split("## 主题", 1)[0]
    assert "## 关键结论" in top
    assert len(re.findall(r"^\d+\. ", top, re.MULTILINE)) == len(model.summary)
    if model.key_figures:
        assert "## 关键数据" in top
        for k in model.key_figures:
            label = key_figure_label(k)  # a deal names who made it: 获阿里巴巴投资
            rows = [line for line in top.splitlines() if line.startswith(f"| {label} |")]
            assert any(all(e.company in row for e in k.entries) for row in rows), (
                "comparable figures side by side"
            )


def test_field_corpus_is_read_when_present() -> None:
    if not FIELD.is_dir():
        pytest.skip(f"{FIELD} is absent (the shared field corpus is not part of the repository)")
    assert len(read_corpus(FIELD).documents) >= 13


_CITE_RE = re.compile(r"\s*(?:\[\[\d+\]\]\(#src-\d+\))+\s*$")


def _company_names(model: Briefing, name: str) -> set[str]:
    (c,) = [c for c in model.companies if c.name == name]
    names = {n for n in (c.name, c.english, *c.aliases) if n and len(n) >= 2}
    return names | {display(n, "zh-Hant") for n in names}


def test_a_stub_under_a_company_names_it(briefing) -> None:
    """Issue 11 (P1-6): where a company's move was already quoted in full, its row and
    its profile show the clause that names it ("…进口品牌强生和捷迈邦美的份额则明显
    下降。"), or point to where it was said ("见关键结论2"): never a clause of the same
    sentence about someone else ("…威高骨科和大博医疗在关节集采中以较低报价中标…")."""
    model, markdown = briefing
    body = _body(markdown).replace("\\", "")
    rows: list[tuple[str, str]] = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if (
            line.startswith("| ")
            and len(cells) > 5
            and any(c.name == cells[1].lstrip("└ ").split("（")[0] for c in model.companies)
        ):
            rows.append((cells[1].lstrip("└ ").split("（")[0], cells[-4] if model.modes else cells[3]))
    for section in re.split(r"\n### ", body)[1:]:
        name = section.split("\n", 1)[0].split("（")[0].strip()
        if not any(c.name == name for c in model.companies) or "**动向**" not in section:
            continue
        moves = section.split("**动向**", 1)[1].split("\n\n**", 1)[0]
        rows += [(name, m[2:]) for m in moves.strip().splitlines() if m.startswith("- ")]
    stubs = 0
    for name, shown in rows:
        text = _CITE_RE.sub("", shown).removesuffix("（据数据整理）").strip()
        if not text.startswith(ELLIPSIS) and not text.endswith(ELLIPSIS):
            continue  # a sentence in full, or a pointer ("见关键结论2")
        stubs += 1
        assert any(n in text for n in _company_names(model, name)), (name, text)
    assert stubs or not rows or len(model.companies) < 3


def test_a_chart_sets_only_figures_counted_alike_side_by_side(briefing) -> None:
    model, _ = briefing
    owners = {c.name: c for c in model.companies}
    for name, spec in charts_for(model).items():
        if spec.kind != "bars":
            continue
        counted = {
            f.compare_as
            for row, (value,) in zip(spec.rows, spec.values, strict=True)
            for f in owners[row].figures
            if f.value == value and spec.title.startswith(f.measure)
        }
        assert len(counted) == 1, (name, spec.title, counted)


def test_a_total_the_sentence_splits_is_charted_beside_rivals_wholes_not_its_part(tmp_path) -> None:
    """华为's 总销量 (its whole, which the sentence then splits) is a company total as
    小米's and 三星's plain 销量 are: one chart; the part (折叠屏) stays out of it."""
    (tmp_path / "a.md").write_text(
        "# 手机厂商年度销量\n\n"
        "华为2025年的总销量达到了 3200 万台，其中折叠屏手机销量 700 万台。\n\n"
        "小米集团2025年的销量 2500 万台，同比增长 8%。\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "# 折叠屏竞争\n\n三星2025年销量为 5800 万台，仍居全球第一。\n\n华为表示将继续加大折叠屏投入。\n",
        encoding="utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    huawei = next(c for c in model.companies if c.name == "华为")
    total = next(f for f in huawei.figures if f.value == 32_000_000)
    assert total.compare_as == "|organisation|"
    bars = [s for s in charts_for(model).values() if s.kind == "bars"]
    assert bars, "the figures of 华为, 小米 and 三星, counted alike, are charted together"
    charted = {row: v[0] for s in bars for row, v in zip(s.rows, s.values, strict=True)}
    assert charted.get("华为") == 32_000_000, "a company's total is charted beside its rivals' wholes"
    assert 7_000_000 not in charted.values(), "a part is charted beside wholes"


_CITES_RE = re.compile(r"(?:\s*\[\\\[\d+\\\]\]\(#src-\d+\))+\s*$")


def test_a_quote_or_takeaway_opens_with_its_text_and_ends_a_cut_with_an_ellipsis(briefing) -> None:
    """No footnote or list marker before a quote or takeaway (*, ※, ①, [1], 1), 4、),
    and a clause cut from a longer sentence (a memo summary's finding) ends with an
    ellipsis, never with the comma, semicolon or colon it was cut at."""
    from briefing.excerpts import marker_length

    _, markdown = briefing
    lines = [line for line in markdown.splitlines() if line.startswith("> ") or re.match(r"\d+\. ", line)]
    assert lines
    for line in lines:
        text = _CITES_RE.sub("", re.sub(r"^(?:> |\d+\. )", "", line)).strip()
        text = re.sub(r"\\(.)", r"\1", text)
        text = re.sub(r"^[^：:“”]{2,30}：(?=“)", "", text)  # a speaker before a quotation
        if not text or not _CITES_RE.search(line):
            continue  # not a quote (a numbered list of the template's own)
        assert marker_length(text) == 0, line
        assert not re.search(r"[，；：、,;:]$", text), line


def test_a_running_total_is_not_charted_beside_a_years_figure(tmp_path) -> None:
    """南方航空's passengers to the end of 2023 (截至2023年底…累计) are no 2023 figure: the
    chart of 2023 passengers holds only the airlines' figures of that year, and a chart
    of running totals says so in its title."""
    (tmp_path / "a.md").write_text(
        "# 航空公司客运量\n\n"
        "截至2023年底，南方航空累计旅客运输量超过20亿人次。\n\n"
        "东方航空2023年旅客运输量1.17亿人次。中国国航2023年旅客运输量1.09亿人次。\n\n"
        "截至2023年底，东方航空累计旅客运输量超过15亿人次。\n",
        encoding="utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=DATE)
    bars = [s for s in charts_for(model).values() if s.kind == "bars"]
    titles = {s.title: dict(zip(s.rows, (v[0] for v in s.values), strict=True)) for s in bars}
    assert titles.get("旅客运输量（2023年）") == {"东方航空": 117_000_000, "中国国航": 109_000_000}, titles
    assert titles.get("旅客运输量（截至2023年底）") == {
        "南方航空": 2_000_000_000,
        "东方航空": 1_500_000_000,
    }, titles


def test_no_bracketed_note_ends_a_sentence_twice(briefing) -> None:
    """A note in brackets inside a sentence does not close with its own full stop
    before the sentence's (healthcare's method note read '…尚未公开。）。')."""
    _, markdown = briefing
    assert not re.search(r"[。！？][）)][。；]", markdown)


def test_no_organisation_is_told_by_a_memos_summary_line(briefing) -> None:
    """A memo's summary line ("主要发现：…") lists many organisations' findings; under one
    organisation the briefing shows the clause that names it, not the summary's label."""
    from briefing.excerpts import MEMO_SUMMARY_RE

    markdown = briefing[1]
    cases = markdown.split("## 企业案例", 1)[1].split("\n## ", 1)[0] if "## 企业案例" in markdown else ""
    bullets = [line[2:] for line in cases.splitlines() if line.startswith("- ")]
    assert not [b for b in bullets if MEMO_SUMMARY_RE.match(b)], bullets


def test_a_source_title_is_never_a_pointer() -> None:
    """A source's title that repeats a sentence quoted earlier (a memo that lists a clipping's
    headline as a note) is metadata: the sources list shows it, never "见主题1"."""
    model = build_briefing(read_corpus(CORPORA / "logistics"), date=DATE)
    said = next(t.text for t in model.summary if t.kind == "sentence")
    model.sources[-1].title = said
    shown = render(model, charts_for(model))
    line = next(
        x for x in shown.splitlines() if "{: #src-" in x and x.startswith(f"\\[{len(model.sources)}\\]")
    )
    assert display(said, "zh-Hans")[:12] in line.replace("\\", ""), line


@pytest.mark.parametrize(
    ("sentence", "question", "clause"),
    [
        # the alternative the question asks about, not the sentence's opening claim
        (
            "管理层承认，价格战让部分顾客转向更便宜的选择，同店销售的下滑主要来自客单价下降。",
            "星巴克中国同店销售额下滑的主要原因是客单价还是客流？",
            "…同店销售的下滑主要来自客单价下降。",
        ),
        # an airline: the first clause answers, the rest is cut with an ellipsis
        (
            "国际航线运力只恢复了六成，欧美航线恢复最慢，票价仍高于疫情前。",
            "国际航线运力恢复了多少？",
            "国际航线运力只恢复了六成…",
        ),
        ("票价承压。", "票价什么时候止跌？", None),  # one clause: nothing to choose
        ("油价回落，利润修复仍需时间。", "票价什么时候止跌？", None),  # no clause shares enough
    ],
)
def test_a_later_answer_shows_the_clause_that_answers(
    sentence: str, question: str, clause: str | None
) -> None:
    from briefing.render import answering_clause

    assert answering_clause(sentence, question) == clause


def test_an_answer_said_before_is_shown_by_its_answering_clause() -> None:
    """coffee: the same-store theme quotes the management's sentence in full; the
    question 客单价还是客流 then shows the clause that says which (客单价)."""
    model = build_briefing(read_corpus(CORPORA / "coffee"), date=DATE)
    markdown = render(model, charts_for(model))
    line = next(x for x in markdown.splitlines() if x.startswith("**答案**"))
    assert "客单价下降" in line, line


def test_evidence_said_before_shows_what_the_question_asks_not_the_attribution() -> None:
    """nev's ticked ranking question names no organisation: its evidence, a takeaway
    quoted in full above, showed only '据SNE Research统计…'; it shows the share clause."""
    model = build_briefing(read_corpus(CORPORA / "nev"), date=DATE)
    markdown = render(model, charts_for(model))
    section = markdown.split("整理2023年全球动力电池装机量排名", 1)[1].split("问题 4", 1)[0]
    evidence = [x for x in section.splitlines() if x.startswith("- ") and "36.8%" in x]
    assert evidence, section
    assert not any(x.startswith("- 据SNE Research统计…") for x in section.splitlines()), section
