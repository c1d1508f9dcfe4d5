"""Editions: periods, document selection, week-over-week changes, recording, re-rendering.

The helpers at the top (documents, models, a fake ``generate`` that writes a
small real PDF) are shared with ``test_schedule.py`` and ``test_mail.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from reportlab.pdfgen import canvas

from briefing import editions
from briefing.cli import cli
from briefing.errors import ConfigError, InputError
from briefing.model import (
    Briefing,
    Changes,
    Company,
    Corpus,
    Document,
    Figure,
    Methodology,
    Question,
    Source,
    Takeaway,
    Theme,
)
from briefing.pipeline import GenerateResult
from briefing.readers import read_corpus
from briefing.schedule import add_schedule
from briefing.state import connect

UTC = dt.UTC

# ---------------------------------------------------------------- shared helpers


def make_document(path: str, text: str, date: str | None = None) -> Document:
    """A minimal cleaned document."""
    return Document(
        path=path,
        title=path,
        date=date,
        author=None,
        source_url=None,
        source_site=None,
        language="en",
        kind="article",
        format="text",
        encoding="utf-8",
        text=text,
        text_simplified=None,
        chars=len(text),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


def make_theme(
    label: str, mentions: int, documents: list[str] | None = None, terms: list[str] | None = None
) -> Theme:
    """A theme with ``mentions`` mentions in ``documents``, its terms its label unless given."""
    return Theme(
        label=label,
        terms=terms or [label],
        documents=documents or [],
        mentions=mentions,
        strength=1.0,
        coverage=[],
        gist=label,
        quotes=[],
        origin="keywords",
    )


def make_figure(value: float, measure: str, year: int | None, document: str) -> Figure:
    """A percentage figure."""
    return Figure(
        value=value,
        unit="%",
        measure=measure,
        year=year,
        text=f"{measure} {value}%",
        document=document,
        paragraph=0,
    )


def make_company(name: str, figures: list[Figure] | None = None) -> Company:
    """An organisation with optional figures."""
    return Company(
        name=name,
        aliases=[name],
        type="company",
        parent=None,
        documents=[],
        mentions=1,
        moves=[],
        figures=figures or [],
        mode=None,
    )


def make_question(text: str, status: str) -> Question:
    """A research question with a status."""
    return Question(text=text, document="memo.md", number=1, sub_questions=[text], evidence=[], status=status)


def make_briefing(
    *,
    documents: list[Document] | None = None,
    themes: list[Theme] | None = None,
    companies: list[Company] | None = None,
    questions: list[Question] | None = None,
    takeaways: list[str] | None = None,
) -> Briefing:
    """A briefing model over ``documents``."""
    documents = documents or []
    sources = [
        Source(
            number=i,
            path=d.path,
            title=d.title or d.path,
            date=d.date,
            language=d.language,
            kind=d.kind,
            author=None,
            url=None,
            site=None,
        )
        for i, d in enumerate(documents, 1)
    ]
    first = documents[0].path if documents else "x"
    return Briefing(
        title="Weekly briefing",
        date="2026-11-23",
        period_start=None,
        period_end=None,
        sources=sources,
        themes=themes or [],
        companies=companies or [],
        modes=[],
        questions=questions or [],
        summary=[Takeaway(t, first, 0, 1.0) for t in (takeaways or [])],
        methodology=Methodology(cleaning=[], garbled=[], data_gaps=[], skipped=[], references=[]),
    )


def write_pdf(path: Path, lines: list[str]) -> None:
    """A small real (byte-reproducible) PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), invariant=1)
    y = 800
    for line in lines:
        pdf.drawString(72, y, line.encode("ascii", "replace").decode("ascii"))
        y -= 16
    pdf.showPage()
    pdf.save()


class FakeGenerate:
    """Stands in for ``pipeline.generate``: a model over the corpus and a real PDF.

    Themes: one per document, labelled after its file stem, with as many
    mentions as the document has paragraphs; every document's first paragraph
    is a takeaway.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.analyses = 0

    @staticmethod
    def model(corpus: Corpus, date: dt.date | None) -> Briefing:
        """The model the fake computes for ``corpus``."""
        docs = corpus.documents
        model = make_briefing(
            documents=docs,
            themes=[make_theme(Path(d.path).stem, len(d.paragraphs()), [d.path]) for d in docs],
            companies=[make_company(Path(d.path).stem.upper()) for d in docs],
            takeaways=[d.paragraphs()[0] for d in docs[:3]],
        )
        model.date = (date or dt.date(2026, 11, 23)).isoformat()
        return model

    def analyze(
        self,
        source: Path,
        *,
        date: dt.date | None = None,
        title: str | None = None,
        corpus: Corpus | None = None,
        progress: Any = None,
    ) -> Briefing:
        """Stands in for ``pipeline.analyze``."""
        self.analyses += 1
        return self.model(corpus if corpus is not None else read_corpus(source), date)

    def __call__(
        self,
        source: Path,
        out_dir: Path,
        *,
        formats: tuple[str, ...] = ("pdf", "docx"),
        template: str | None = None,
        date: dt.date | None = None,
        title: str | None = None,
        corpus: Corpus | None = None,
        changes: Changes | None = None,
        stem: str | None = None,
        progress: Any = None,
    ) -> GenerateResult:
        corpus = corpus if corpus is not None else read_corpus(source)
        self.calls.append({"out_dir": Path(out_dir), "formats": formats, "changes": changes, "stem": stem})
        docs = corpus.documents
        model = self.model(corpus, date)
        model.changes = changes
        stem = stem or f"briefing-{model.date}"
        out = Path(out_dir)
        files: dict[str, Path] = {}
        if "pdf" in formats:
            lines = [model.title, model.date, *[f"- {d.path}" for d in docs]]
            if changes is not None:
                lines.append(f"previous: {changes.previous_period}")
                lines += [f"new: {p}" for p in changes.new_documents]
            write_pdf(out / f"{stem}.pdf", lines)
            files["pdf"] = out / f"{stem}.pdf"
        files["json"] = out / f"{stem}.json"
        files["json"].write_text(json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True), "utf-8")
        return GenerateResult(model=model, files=files)


def write_article(folder: Path, name: str, date: str | None, body: str) -> Path:
    """A Markdown article (front matter date when given) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    head = f"---\ntitle: {name}\ndate: {date}\n---\n\n" if date else ""
    path = folder / name
    path.write_text(head + body, "utf-8")
    return path


# ------------------------------------------------------------------------ periods


def test_weekly_period_is_the_iso_week_of_the_due_time_in_the_schedule_zone() -> None:
    due = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    period = editions.period_for(due, "week", "Asia/Shanghai")
    assert period.key == "2026-W48"
    assert (period.start, period.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert period.end_instant == dt.datetime(2026, 11, 30, tzinfo=period.end_instant.tzinfo)
    assert period.end_instant.utcoffset() == dt.timedelta(hours=8)


def test_same_instant_falls_in_different_weeks_in_different_zones() -> None:
    # Sunday 23:30 UTC is already Monday 07:30 in Shanghai
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert editions.period_for(moment, "week", "Asia/Shanghai").key == "2026-W48"
    assert editions.period_for(moment, "week", "UTC").key == "2026-W47"


def test_iso_week_across_new_year_and_daily_periods() -> None:
    new_year = dt.datetime(2027, 1, 1, 12, tzinfo=UTC)
    week = editions.period_for(new_year, "week", "UTC")
    assert week.key == "2026-W53"
    assert (week.start, week.end) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    day = editions.period_for(new_year, "day", "UTC")
    assert (day.key, day.start, day.end) == ("2027-01-01", new_year.date(), new_year.date())


# --------------------------------------------------------------------- selection


def test_select_documents_dated_first_seen_and_standing_corpus() -> None:
    period = editions.Period("2026-W48", "week", dt.date(2026, 11, 23), dt.date(2026, 11, 29), "UTC")
    old = make_document("old.md", "old", "2021-06-23")
    inside = make_document("inside.md", "inside", "2026-11-29")
    later = make_document("later.md", "later", "2026-12-02")
    later_seen = make_document("later-seen.md", "seen early", "2026-12-05")
    undated = make_document("undated.txt", "standing")
    seen = {later_seen.sha256: dt.datetime(2026, 11, 25, tzinfo=UTC)}
    corpus = Corpus(documents=[old, inside, later, later_seen, undated])
    chosen = editions.select_documents(corpus, period, seen)
    assert [d.path for d in chosen.documents] == [
        "old.md",
        "inside.md",
        "later-seen.md",
        "undated.txt",
    ]


# ----------------------------------------------------------------------- changes


def test_first_edition_has_no_previous_period() -> None:
    model = make_briefing(themes=[make_theme("cloud", 3)])
    changes = editions.compute_changes("2026-W48", model, {"a.md": "1"}, None)
    assert changes.previous_period is None
    assert changes.period == "2026-W48"
    assert changes.new_documents == [] and changes.new_themes == []


def test_changes_between_two_editions() -> None:
    a, b = make_document("a.md", "a", "2026-11-01"), make_document("b.md", "b", "2026-11-20")
    before = make_briefing(
        documents=[a],
        themes=[
            make_theme("cloud", 3, ["a.md"]),
            make_theme("retail", 5, ["a.md"]),
            make_theme("steady", 6, ["a.md"]),
            make_theme("gone", 2, ["a.md"]),
        ],
        companies=[make_company("阿里巴巴", [make_figure(40.0, "市场份额", 2026, "a.md")])],
        questions=[make_question("Who leads?", "thin"), make_question("Same?", "none")],
    )
    after = make_briefing(
        documents=[a, b],
        themes=[
            make_theme("cloud", 7, ["a.md", "b.md"]),
            make_theme("retail", 2, ["a.md"]),
            make_theme("steady", 5, ["a.md"]),
            make_theme("fresh", 2, ["b.md"]),
        ],
        companies=[
            make_company(
                "阿里巴巴",
                [make_figure(40.0, "市场份额", 2026, "a.md"), make_figure(45.5, "市场份额", 2026, "b.md")],
            ),
            make_company("腾讯"),
        ],
        questions=[
            make_question("Who leads?", "evidence found"),
            make_question("Same?", "none"),
            make_question("New one?", "thin"),
        ],
    )
    # a.md was edited since last week (its earlier version had another hash): what it argued may fade
    previous = editions.Previous("2026-W47", before, {"a.md": "an-earlier-version-of-a"})
    changes = editions.compute_changes("2026-W48", after, {"a.md": a.sha256, "b.md": b.sha256}, previous)
    assert changes.previous_period == "2026-W47"
    assert changes.new_documents == ["b.md"]
    assert changes.new_themes == ["fresh"]
    assert changes.rising_themes == ["cloud"]
    assert changes.fading_themes == ["retail"]  # steady's 6 → 5 is not a change
    assert changes.dropped_themes == ["gone"]
    assert [(m.label, m.before, m.after) for m in changes.continuing_themes] == [
        ("cloud", 3, 7),
        ("retail", 5, 2),
        ("steady", 6, 5),
    ]
    assert changes.new_companies == ["腾讯"]
    assert [(f.company, f.measure, f.year, f.before, f.after, f.unit) for f in changes.changed_figures] == [
        ("阿里巴巴", "市场份额", 2026, 40.0, 45.5, "%")
    ]
    assert [(q.text, q.before, q.after) for q in changes.moved_questions] == [
        ("Who leads?", "thin", "evidence found"),
        ("New one?", None, "thin"),
    ]
    # the model's own round trip keeps the changes intact
    assert Changes.from_dict(json.loads(json.dumps(changes.to_dict()))) == changes


def test_themes_of_unchanged_sources_do_not_fade() -> None:
    """Last week's sources all unchanged and one added: a theme whose sources did
    not change neither fades (its count moved as the folder was regrouped) nor is
    gone (it fell out of the list or merged into another)."""
    a, b = make_document("a.md", "a", "2026-11-01"), make_document("b.md", "b", "2026-11-20")
    before = make_briefing(
        documents=[a], themes=[make_theme("retail", 5, ["a.md"]), make_theme("gone", 2, ["a.md"])]
    )
    after = make_briefing(
        documents=[a, b], themes=[make_theme("retail", 2, ["a.md"]), make_theme("fresh", 2, ["b.md"])]
    )
    previous = editions.Previous("2026-W47", before, {"a.md": a.sha256})
    changes = editions.compute_changes("2026-W48", after, {"a.md": a.sha256, "b.md": b.sha256}, previous)
    assert changes.fading_themes == [] and changes.rising_themes == []
    assert changes.new_themes == ["fresh"]
    assert changes.dropped_themes == ["gone"], "a theme gone from the list is listed, never silent"


def test_a_relabelled_theme_continues_and_keeps_its_label() -> None:
    """Match by content, not label: the same terms and documents under a new
    label are the same theme; it keeps last week's label and is no change."""
    from briefing.analysis.themes import keep_labels

    a, b = make_document("a.md", "a", "2026-11-01"), make_document("b.md", "b", "2026-11-20")
    ai = ["人工智能", "落地", "数据"]
    before = make_briefing(
        documents=[a], themes=[make_theme("人工智能", 20, ["a.md"], ai), make_theme("赋能", 8, ["a.md"])]
    )
    after = make_briefing(
        documents=[a, b],
        themes=[make_theme("AI很火，落地却很难", 21, ["a.md"], ai), make_theme("赋能", 8, ["a.md"])],
    )
    previous = editions.Previous("2026-W47", before, {"a.md": a.sha256})
    changes = editions.compute_changes("2026-W48", after, {"a.md": a.sha256, "b.md": b.sha256}, previous)
    assert changes.new_themes == [] and changes.fading_themes == [] and changes.rising_themes == []
    assert [(m.label, m.found_as) for m in changes.continuing_themes] == [
        ("人工智能", "AI很火，落地却很难"),
        ("赋能", "赋能"),
    ]
    keep_labels(after.themes, changes.continuing_themes)
    assert [t.label for t in after.themes] == ["人工智能", "赋能"]


def test_a_theme_crossing_the_cut_off_is_listed_as_new_and_dropped() -> None:
    """A theme that drops out of the list is listed as dropped, and the one that
    took its place as new, even when no source changed: nothing vanishes silently.
    Neither fades: fading is a count the sources lowered."""
    a, b = make_document("a.md", "a", "2026-11-01"), make_document("b.md", "b", "2026-11-20")
    before = make_briefing(documents=[a], themes=[make_theme("x", 5, ["a.md"]), make_theme("y", 3, ["a.md"])])
    after = make_briefing(
        documents=[a, b], themes=[make_theme("x", 5, ["a.md"]), make_theme("z", 3, ["a.md"])]
    )
    previous = editions.Previous("2026-W47", before, {"a.md": a.sha256})
    changes = editions.compute_changes("2026-W48", after, {"a.md": a.sha256, "b.md": b.sha256}, previous)
    assert changes.new_themes == ["z"] and changes.dropped_themes == ["y"]
    assert changes.fading_themes == [] and changes.rising_themes == []


# (label, terms, documents) last week → this week; whether they are one theme.
_PAIRS = [
    # the same lead term and sources under a new label: relabelled, one theme
    (
        ("人工智能", ["人工智能", "落地", "数据"], ["a"]),
        ("AI很火，落地却很难", ["人工智能", "落地", "数据"], ["a"]),
        True,
    ),
    # a source gained: still itself
    (("集采降价", ["集采", "降价", "支架"], ["a"]), ("集采降价", ["集采", "降价", "支架"], ["a", "b"]), True),
    # most terms shared, lead reordered
    (
        ("息差收窄", ["息差", "收窄", "净息差"], ["a", "b"]),
        ("息差承压", ["净息差", "息差", "收窄"], ["a", "b"]),
        True,
    ),
    # the nev folder: the same two documents, one shared term that leads neither
    (("量产", ["磷酸铁锂", "量产"], ["a", "b"]), ("量产", ["整车", "量产", "投资"], ["a", "b"]), False),
    # one theme's secondary term leads the other's, little else shared
    (
        ("电池成本", ["电池", "动力电池", "整车"], ["a", "b"]),
        ("整车出海", ["整车", "量产", "投资"], ["a", "b"]),
        False,
    ),
    # the same lead term in other sources: another argument
    (("价格战", ["价格战", "利润"], ["a"]), ("价格战", ["价格战", "咖啡"], ["c", "d"]), False),
    # nothing in common but the folder
    (("换电模式", ["换电", "换电站"], ["a", "b"]), ("垂直整合", ["垂直整合", "芯片"], ["a", "b"]), False),
]


@pytest.mark.parametrize(("old", "new", "same"), _PAIRS, ids=[f"{p[0][0]}->{p[1][0]}" for p in _PAIRS])
def test_themes_pair_across_editions_only_on_strong_overlap(old: tuple, new: tuple, same: bool) -> None:
    a = make_theme(old[0], 5, old[2], old[1])
    b = make_theme(new[0], 5, new[2], new[1])
    assert editions.same_theme(a, b) is same
    before = make_briefing(themes=[a])
    after = make_briefing(themes=[b])
    inputs = {p: p for p in {*old[2], *new[2]}}
    changes = editions.compute_changes(
        "2026-W48", after, inputs, editions.Previous("2026-W47", before, inputs)
    )
    if same:
        assert [m.found_as for m in changes.continuing_themes] == [new[0]]
        assert changes.dropped_themes == [] and changes.new_themes == []
    else:
        assert changes.continuing_themes == []
        if old[0] != new[0]:
            assert changes.dropped_themes == [old[0]] and changes.new_themes == [new[0]]


def test_a_carried_label_must_name_the_theme() -> None:
    """A theme that continues keeps last week's label only where that label names
    one of its terms: 量产 is not carried onto a theme of 磷酸铁锂 alone."""
    before = make_briefing(themes=[make_theme("量产", 5, ["a", "b"], ["磷酸铁锂", "量产"])])
    after = make_briefing(themes=[make_theme("磷酸铁锂路线", 3, ["b"], ["磷酸铁锂"])])
    inputs = {"a": "a", "b": "b"}
    changes = editions.compute_changes(
        "2026-W48", after, inputs, editions.Previous("2026-W47", before, inputs)
    )
    assert [(m.label, m.found_as) for m in changes.continuing_themes] == [("磷酸铁锂路线", "磷酸铁锂路线")]


def _figure(raw: str, value: float, unit: str) -> Figure:
    return Figure(
        value=value, unit=unit, measure="销量", year=2023, text=raw, document="a", paragraph=0, raw=raw
    )


# (last week's figure, this week's, whether the change report lists it)
_FIGURES = [
    (("19%", 19.0, "%"), ("19.4%", 19.4, "%"), False),  # rounding, not change
    (("19%", 19.0, "%"), ("19.6%", 19.6, "%"), True),  # 19.6 rounds to 20
    (("28.5%", 28.5, "%"), ("19.4%", 19.4, "%"), True),
    (("302万辆", 3_020_000, "辆"), ("302.4万辆", 3_024_000, "辆"), False),
    (("302萬輛", 3_020_000, "辆"), ("3.02 million", 3_020_000, ""), False),  # English count, no unit word
    (("3.02 million", 3_020_000, ""), ("302.4万辆", 3_024_000, "辆"), False),
    (("16.0万辆", 160_000, "辆"), ("160,038", 160_038, "辆"), False),
    (("300.4亿元", 30_040_000_000, "元"), ("30.0 billion yuan", 30_000_000_000, "元"), False),
    (("300.4亿元", 30_040_000_000, "元"), ("320.1亿元", 32_010_000_000, "元"), True),
    (("1.3万元", 13_000, "元"), ("700元", 700, "元"), True),
    (("13億美元", 1_300_000_000, "美元"), ("13亿元", 1_300_000_000, "元"), False),  # another currency
    (("2023年营收1,300亿元", 130_000_000_000, "元"), ("1,301亿元", 130_100_000_000, "元"), True),
]


@pytest.mark.parametrize(("old", "new", "changed"), _FIGURES, ids=[f"{f[0][0]}->{f[1][0]}" for f in _FIGURES])
def test_figures_change_only_beyond_rounding(old: tuple, new: tuple, changed: bool) -> None:
    before = make_briefing(companies=[make_company("比亚迪", [_figure(*old)])])
    after = make_briefing(companies=[make_company("比亚迪", [_figure(*new)])])
    changes = editions.compute_changes(
        "2026-W48", after, {"a": "1"}, editions.Previous("2026-W47", before, {"a": "1"})
    )
    assert bool(changes.changed_figures) is changed


# (last week's (value, year, period, scope), this week's, the change line the briefing shows or None)
_PERIODS = [
    # a quarter's revenue is not the year's: no change, whatever the values
    ((100.0, 2024, "", ""), (30.0, 2024, "三季度", ""), None),
    # the same quarter, revised: the line says which quarter
    ((30.0, 2024, "三季度", ""), (32.0, 2024, "三季度", ""), "营收（2024年三季度）由 30元 变为 32元"),
    # a fiscal quarter whose year the text does not state
    ((30.0, None, "第一财季", ""), (32.0, None, "第一财季", ""), "营收（第一财季，未注明）由 30元 变为 32元"),
    # a running total keeps its end
    ((30.0, 2024, "截至9月", ""), (32.0, 2024, "截至9月", ""), "营收（截至2024年9月）由 30元 变为 32元"),
    # a segment's revenue is not the company's
    ((100.0, 2024, "", ""), (30.0, 2024, "", "云业务"), None),
    ((30.0, 2024, "", "云业务"), (32.0, 2024, "", "云业务"), "营收（云业务，2024年）由 30元 变为 32元"),
    ((30.0, 2024, "", ""), (32.0, 2024, "", ""), "营收（2024年）由 30元 变为 32元"),
]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    _PERIODS,
    ids=[f"{o[2] or o[3] or 'year'}-{n[2] or n[3] or 'year'}-{bool(x)}" for o, n, x in _PERIODS],
)
def test_a_changed_figure_keeps_its_period_and_scope(old: tuple, new: tuple, line: str | None) -> None:
    from briefing.chartspec import charts_for
    from briefing.render import render

    def fig(value: float, year: int | None, period: str, scope: str) -> Figure:
        return Figure(
            value=value,
            unit="元",
            measure="营收",
            year=year,
            text="营收",
            document="a",
            paragraph=0,
            raw=f"{value:g}元",
            period=period,
            scope=scope,
        )

    before = make_briefing(companies=[make_company("比亚迪", [fig(*old)])])
    after = make_briefing(companies=[make_company("比亚迪", [fig(*new)])])
    changes = editions.compute_changes(
        "2026-W48", after, {"a": "1"}, editions.Previous("2026-W47", before, {"a": "1"})
    )
    if line is None:
        assert changes.changed_figures == []
        return
    assert [(f.period, f.scope) for f in changes.changed_figures] == [(new[2], new[3])]
    after.changes = changes
    markdown = render(after, charts_for(after), None, use_cache=False)
    shown = [ln for ln in markdown.splitlines() if "数据变化" in ln]
    assert shown == [f"- **数据变化**：比亚迪 {line}"], shown


@pytest.mark.parametrize("added", ["001_01840027cb0e81da.txt", "002_8299b01accc4fdc2.txt"])
def test_seed_editions_a_week_apart_report_only_real_changes(added: str) -> None:
    """Two editions of the seeds, the second with one source more: continuing
    themes are matched, and what is reported new is argued by the new source."""
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.analysis.themes import keep_labels
    from briefing.readers import read_corpus

    corpus = read_corpus(Path(__file__).resolve().parent.parent / "seeds")
    week1 = Corpus(documents=[d for d in corpus.documents if d.path != added])
    before = build_briefing(week1, date=dt.date(2026, 11, 16))
    after = build_briefing(corpus, date=dt.date(2026, 11, 23))
    inputs = {d.path: d.sha256 for d in corpus.documents}
    previous = editions.Previous("2026-W47", before, {d.path: d.sha256 for d in week1.documents})
    changes = editions.compute_changes("2026-W48", after, inputs, previous)
    assert changes.new_documents == [added]
    assert len(changes.continuing_themes) >= len(after.themes) - 2, "most themes continue"
    _every_theme_accounted_for(before, after, changes)
    assert len(changes.new_themes) <= 2 and len(changes.fading_themes) <= 2
    keep_labels(after.themes, changes.continuing_themes)
    labels = [t.label for t in after.themes]
    assert len(set(labels)) == len(labels)
    assert {m.label for m in changes.continuing_themes} <= set(labels)


def test_a_renamed_document_is_not_new() -> None:
    a = make_document("a.md", "same text", "2026-11-01")
    model = make_briefing(documents=[a])
    previous = editions.Previous("2026-W47", model, {"old-name.md": a.sha256})
    changes = editions.compute_changes("2026-W48", model, {"a.md": a.sha256}, previous)
    assert changes.new_documents == []


# --------------------------------------------------------- record, list, render


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state folder in ``BRIEFING_HOME``."""
    state = tmp_path / "state"
    monkeypatch.setenv("BRIEFING_HOME", str(state))
    return state


def _schedule(conn: Any, home: Path, source: Path) -> Any:
    return add_schedule(
        conn,
        "weekly",
        cron="0 8 * * MON",
        tz="Asia/Shanghai",
        recipients=["ceo@example.com"],
        source=source,
        home=home,
    )


def _build(conn: Any, schedule: Any, due: dt.datetime, fake: FakeGenerate) -> editions.Edition:
    period = editions.period_for(due, "week", schedule.tz)
    return editions.build_edition(conn, schedule, due=due, period=period, now=due, generate=fake)


def test_editions_are_recorded_diffed_listed_and_re_rendered(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", "2026-11-20", "Cloud grew.\n\nMore cloud.\n")
    write_article(source, "standing.md", None, "An undated note.\n")
    fake = FakeGenerate()
    shanghai = dt.timezone(dt.timedelta(hours=8))
    conn = connect(home)
    schedule = _schedule(conn, home, source)

    first = _build(conn, schedule, dt.datetime(2026, 11, 23, 8, tzinfo=shanghai), fake)
    assert first.period == "2026-W48" and first.previous_period is None
    assert set(first.inputs) == {"a.md", "standing.md"}
    pdf = first.pdf
    assert pdf is not None and pdf.name == "weekly-2026-W48.pdf" and pdf.is_file()
    assert first.outputs["pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    # the draft pass went to a temporary folder, the edition itself to the schedule's folder
    assert fake.calls[0]["formats"] == ("pdf",) and fake.calls[0]["changes"] is None
    assert fake.calls[1]["out_dir"] == Path(schedule.out)
    assert fake.calls[1]["changes"].previous_period is None
    _, changes = editions.load_model(conn, first.id)
    assert changes.previous_period is None

    write_article(source, "b.md", "2026-11-27", "Retail moved.\n")
    second = _build(conn, schedule, dt.datetime(2026, 11, 30, 8, tzinfo=shanghai), fake)
    model, changes = editions.load_model(conn, second.id)
    assert second.period == "2026-W49" and second.previous_period == "2026-W48"
    assert changes.new_documents == ["b.md"]
    assert changes.new_themes == ["b"] and changes.new_companies == ["B"]
    assert model.changes == changes

    listed = editions.list_editions(conn, "weekly")
    assert [e.period for e in listed] == ["2026-W48", "2026-W49"]
    assert editions.list_editions(conn, "other") == []

    # re-render W48 from its recorded inputs: b.md (added later) is not among them
    pdf.unlink()
    rendered = editions.render_edition(conn, "weekly", "2026-W48", generate=fake)
    assert rendered.files["pdf"] == pdf and pdf.is_file()
    assert rendered.identical == {"pdf": True, "json": True}
    assert fake.calls[-1]["changes"].previous_period is None

    # an input that changed or went away makes re-rendering fail with a reason
    (source / "a.md").write_text("---\ndate: 2026-11-20\n---\n\nRewritten.\n", "utf-8")
    with pytest.raises(InputError, match=r"1 recorded input\(s\) missing or changed.*a\.md"):
        editions.render_edition(conn, "weekly", "2026-W48", generate=fake)
    with pytest.raises(ConfigError, match="no edition 2020-W01"):
        editions.render_edition(conn, "weekly", "2020-W01", generate=fake)
    conn.close()


def test_documents_seen_keeps_the_first_sighting(home: Path) -> None:
    conn = connect(home)
    doc = make_document("a.md", "text", "2030-01-01")
    early = dt.datetime(2026, 11, 20, tzinfo=UTC)
    editions.record_seen(conn, [doc], early)
    editions.record_seen(conn, [doc], early + dt.timedelta(days=9))
    assert editions.first_seen(conn, [doc.sha256, "unknown"]) == {doc.sha256: early}
    conn.close()


def test_editions_list_cli(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", "2026-11-20", "Cloud grew.\n")
    conn = connect(home)
    schedule = _schedule(conn, home, source)
    _build(conn, schedule, dt.datetime(2026, 11, 23, 0, tzinfo=UTC), FakeGenerate())
    conn.close()

    result = CliRunner().invoke(cli, ["editions", "list"])
    assert result.exit_code == 0, result.output
    assert "2026-W48" in result.output and "weekly" in result.output
    assert "1 edition(s)" in result.output

    result = CliRunner().invoke(cli, ["editions", "list", "--schedule", "weekly", "--json"])
    data = json.loads(result.output)
    assert data[0]["period"] == "2026-W48" and data[0]["previous_period"] is None
    assert data[0]["outputs"]["pdf"]["path"].endswith("weekly-2026-W48.pdf")

    result = CliRunner().invoke(cli, ["editions", "render", "2020-W01", "--schedule", "weekly"])
    assert result.exit_code == ConfigError.exit_code
    assert "no edition 2020-W01" in result.output


def test_build_edition_uses_analyze_for_the_model_when_given(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", "2026-11-20", "Cloud grew.\n")
    fake = FakeGenerate()
    conn = connect(home)
    schedule = _schedule(conn, home, source)
    due = dt.datetime(2026, 11, 23, 0, tzinfo=UTC)
    period = editions.period_for(due, "week", schedule.tz)
    edition = editions.build_edition(
        conn, schedule, due=due, period=period, now=due, generate=fake, analyze=fake.analyze
    )
    assert fake.analyses == 1 and len(fake.calls) == 1  # no draft rendering
    assert fake.calls[0]["changes"].previous_period is None
    assert edition.pdf is not None and edition.pdf.is_file()
    conn.close()


# -------------------------------------------------------------------------- state


def test_state_home_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from briefing.state import state_home

    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "explicit"))
    assert state_home() == tmp_path / "explicit"
    monkeypatch.delenv("BRIEFING_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert state_home() == tmp_path / "xdg" / "briefing"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_home() == tmp_path / "home" / ".local" / "share" / "briefing"


def test_database_is_wal_versioned_and_extensible(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing import state

    conn = connect(home)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(state.MIGRATIONS)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == state.BUSY_TIMEOUT_MS
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"schedules", "editions", "documents_seen", "deliveries"} <= tables
    conn.close()

    # a later version appends a step: existing databases are migrated on the next connect
    extra = "CREATE TABLE later_feature (key TEXT PRIMARY KEY, value BLOB);\n"
    monkeypatch.setattr(state, "MIGRATIONS", [*state.MIGRATIONS, extra])
    conn = connect(home)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(state.MIGRATIONS)
    conn.execute("INSERT INTO later_feature VALUES ('k', x'00')")
    conn.close()

    # a database from a newer briefing is refused, in one line
    monkeypatch.setattr(state, "MIGRATIONS", state.MIGRATIONS[:1])
    with pytest.raises(ConfigError, match="upgrade briefing"):
        connect(home)


_ROOT = Path(__file__).resolve().parent.parent
_ADDED = [
    ("seeds", _ROOT / "seeds", "003_b2ba2a936e619039.txt"),
    ("nev", _ROOT / "tests" / "fixtures" / "corpora" / "nev", "03_ev_economics_en.txt"),
    ("healthcare", _ROOT / "tests" / "fixtures" / "corpora" / "healthcare", "02_hk_biotech_zh-hant.html"),
    ("field", _ROOT.parent / "shared" / "field-corpus", "12_zh-hans_solidot-byd-vs-tesla-scraped.md"),
]


@pytest.mark.parametrize(("name", "folder", "added"), _ADDED, ids=[a[0] for a in _ADDED])
def test_adding_one_source_reports_no_fading_and_only_what_it_argues(
    name: str, folder: Path, added: str
) -> None:
    """REVIEW-1 item 17: two editions a week apart, the second with one source more
    and nothing else changed. Nothing fades (no source that argued anything left or
    changed: the seeds' 人工智能 must not fade while 'AI很火，落地却很难' is new, nor
    nev's single-source theme), and what is new is argued by the added source."""
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the shared field corpus is not part of the repository)")
    corpus = read_corpus(folder)
    assert added in {d.path for d in corpus.documents}
    week1 = Corpus(documents=[d for d in corpus.documents if d.path != added])
    before = build_briefing(week1, date=dt.date(2026, 11, 16))
    after = build_briefing(corpus, date=dt.date(2026, 11, 23))
    previous = editions.Previous("2026-W47", before, {d.path: d.sha256 for d in week1.documents})
    changes = editions.compute_changes(
        "2026-W48", after, {d.path: d.sha256 for d in corpus.documents}, previous
    )
    assert changes.new_documents == [added]
    assert changes.fading_themes == [], f"{name}: faded although none of its sources changed"
    _every_theme_accounted_for(before, after, changes)
    argued = [label for label in changes.new_themes if added in _theme(after, label).documents]
    assert len(argued) >= len(changes.new_themes) - 1, f"{name}: new themes the new source does not argue"
    for label in changes.rising_themes:
        theme = next(
            t
            for t in after.themes
            if t.label == next(m.found_as for m in changes.continuing_themes if m.label == label)
        )
        assert added in theme.documents, f"{name}: {label} rises but the new source does not argue it"


def _theme(model: Briefing, label: str) -> Theme:
    return next(t for t in model.themes if t.label == label)


def _every_theme_accounted_for(before: Briefing, after: Briefing, changes: Changes) -> None:
    """Nothing vanishes silently: each of last week's themes continues or is dropped;
    each of this week's continues or is new (or shows a label last week showed)."""
    continued = {m.found_as for m in changes.continuing_themes}
    old_labels = {t.label for t in before.themes}
    now_labels = {t.label for t in after.themes}
    shown_before = {m.label for m in changes.continuing_themes} | {
        t.label for t in before.themes if t.label in now_labels
    }
    for t in before.themes:
        assert (
            t.label in shown_before
            or t.label in changes.dropped_themes
            or any(m.label == t.label for m in changes.continuing_themes)
        ), f"{t.label} vanished silently"
    for t in after.themes:
        assert t.label in continued or t.label in changes.new_themes or t.label in old_labels, t.label


def test_new_companies_are_new_cases_under_no_known_name() -> None:
    """A mention, or a case known before under another name, is not a new company."""
    old = make_company("宁德时代")
    old.aliases = ["宁德时代", "CATL"]
    renamed = make_company("Contemporary Amperex Technology")
    renamed.aliases = ["Contemporary Amperex Technology", "CATL"]
    mention = make_company("特朗普政府")
    mention.role = "mention"
    fresh = make_company("比亚迪")
    before = make_briefing(companies=[old])
    current = make_briefing(companies=[old, renamed, mention, fresh])
    previous = editions.Previous("2026-W47", before, {})
    assert editions.compute_changes("2026-W48", current, {}, previous).new_companies == ["比亚迪"]
