"""Editions: the briefing of one schedule for one period, and what changed since the last.

Periods
    A weekly schedule (its cron fires at most once per ISO week) makes one
    edition per ISO week, keyed ``2026-W48``; a schedule that fires more often
    makes one per day, keyed ``2026-11-23``. The period is the week (or day)
    that holds the due time, in the schedule's time zone: the edition due on
    Monday 2026-11-23 08:00 Asia/Shanghai is ``2026-W48``, Monday 23 to Sunday
    29 November.

Inputs
    An edition is built from the documents dated in or before the period's
    end, or first seen (``documents_seen``, by content hash) no later than the
    period's end, plus the undated documents: the standing corpus.

Changes
    The new model is compared with the previous edition's stored model: new
    documents, new, rising and fading themes (themes are matched by content,
    their terms and documents, not by label; a matched theme keeps its label),
    organisations seen for the first time, figures whose value changed
    (company, measure and year), research questions whose status moved.

Every edition is recorded (period, inputs' hashes, output files and their
SHA-256, the model and the changes) so it can be listed and re-rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from briefing.errors import ConfigError, InputError
from briefing.labels import figure_changed
from briefing.model import (
    Briefing,
    Changes,
    Corpus,
    Document,
    Figure,
    FigureChange,
    QuestionChange,
    Theme,
    ThemeMatch,
)
from briefing.state import iso, transaction

if TYPE_CHECKING:
    from briefing.pipeline import GenerateResult

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
Generate = Callable[..., "GenerateResult"]
Analyze = Callable[..., Briefing]


class EditionPlan(Protocol):
    """What an edition needs of its schedule (``briefing.schedule.Schedule`` is one);
    a protocol so that editions depend on nothing above them."""

    name: str
    tz: str
    source: str
    out: str
    template: str | None


# -------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """One edition's period in a schedule's time zone."""

    key: str
    """``2026-W48`` (ISO week) or ``2026-11-23`` (day)."""
    kind: str
    """``week`` or ``day``."""
    start: dt.date
    """First day of the period."""
    end: dt.date
    """Last day of the period (inclusive)."""
    tz: str
    """IANA name of the zone the dates are in."""

    @property
    def end_instant(self) -> dt.datetime:
        """The first moment after the period (midnight after ``end``), aware."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), ZoneInfo(self.tz))


def period_for(due: dt.datetime, kind: str, tz: str) -> Period:
    """The period of kind ``week`` or ``day`` that holds ``due`` in zone ``tz``."""
    local = due.astimezone(ZoneInfo(tz))
    day = local.date()
    if kind == "day":
        return Period(day.isoformat(), "day", day, day, tz)
    if kind != "week":
        raise ValueError(f"unknown period kind {kind!r}")
    year, week, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period(f"{year}-W{week:02d}", "week", start, start + dt.timedelta(days=6), tz)


# ---------------------------------------------------------------------- documents


def record_seen(conn: sqlite3.Connection, documents: Iterable[Document], now: dt.datetime) -> None:
    """Remember when each document (by content hash) was first seen; earlier sightings win."""
    rows = [(d.sha256, d.path, iso(now)) for d in documents]
    with transaction(conn):
        conn.executemany(
            "INSERT OR IGNORE INTO documents_seen (sha256, path, first_seen) VALUES (?, ?, ?)", rows
        )


def first_seen(conn: sqlite3.Connection, hashes: Iterable[str]) -> dict[str, dt.datetime]:
    """When each of ``hashes`` was first seen (only those that were)."""
    found: dict[str, dt.datetime] = {}
    wanted = list(dict.fromkeys(hashes))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT sha256, first_seen FROM documents_seen WHERE sha256 IN ({marks})", chunk
        ):
            found[row["sha256"]] = dt.datetime.fromisoformat(row["first_seen"])
    return found


def select_documents(corpus: Corpus, period: Period, seen: dict[str, dt.datetime]) -> Corpus:
    """The edition's documents: dated in or before the period's end, or first seen
    no later than its end, plus the undated ones (the standing corpus)."""
    last_day = period.end.isoformat()
    end = period.end_instant
    kept = []
    for doc in corpus.documents:
        when = seen.get(doc.sha256)
        if doc.date is None or doc.date <= last_day or (when is not None and when < end):
            kept.append(doc)
        else:
            log.debug("%s: %s is dated %s, after the period", period.key, doc.path, doc.date)
    return Corpus(documents=kept, skipped=list(corpus.skipped))


# ------------------------------------------------------------------------ changes


@dataclass
class Previous:
    """What the change computation needs of the previous edition."""

    period: str
    """Its period key."""
    model: Briefing
    """Its model."""
    inputs: dict[str, str]
    """Its inputs, path → SHA-256."""


_FigureKey = tuple[str, str, int | None, str, str]


def _figure_values(model: Briefing) -> dict[_FigureKey, Figure]:
    """One figure per (company, measure, year, period, scope): the one from the most
    recent source. A quarter's revenue and the year's, or a segment's and the
    company's, are different figures, never one figure that changed."""
    dates = {s.path: s.date or "" for s in model.sources}
    chosen: dict[_FigureKey, Figure] = {}
    for company in model.companies:
        for fig in company.figures:
            key = (company.name, fig.measure, fig.year, fig.period, fig.scope)
            best = chosen.get(key)
            if best is None or dates.get(fig.document, "") > dates.get(best.document, ""):
                chosen[key] = fig
    return chosen


def compute_changes(
    period: str, current: Briefing, inputs: dict[str, str], previous: Previous | None
) -> Changes:
    """What changed between ``previous`` (null for the first edition) and ``current``."""
    if previous is None:
        return Changes(period=period, previous_period=None)
    before = previous.model
    old_paths, old_hashes = set(previous.inputs), set(previous.inputs.values())
    new_documents = sorted(p for p, h in inputs.items() if p not in old_paths and h not in old_hashes)

    matches = match_themes(before.themes, current.themes)
    matched_now = {id(now) for _, now, _ in matches}
    matched_before = {id(old) for old, _, _ in matches}
    added, removed = set(new_documents), old_paths - set(inputs)
    edited = {p for p, h in inputs.items() if p in previous.inputs and previous.inputs[p] != h}
    touched = added | removed | edited
    # A theme is one argument across editions only on strong overlap of its
    # terms and sources (``same_theme``). One of this edition that continues none
    # is new; one of the previous edition that none continues is dropped, listed
    # whatever the reason (its sources left, or it fell out of the list), so that
    # no theme vanishes silently. A label both editions show names two different
    # groupings, not a change the reader could see: it is in neither list.
    now_labels = {t.label for t in current.themes}
    old_labels = {t.label for t in before.themes}
    new_themes = [t.label for t in current.themes if id(t) not in matched_now and t.label not in old_labels]
    dropped = [t.label for t in before.themes if id(t) not in matched_before and t.label not in now_labels]
    # Rising and fading are real changes only where the sources changed: counts
    # that move while every source of the theme stayed are the analysis regrouping.
    rising, fading, continuing = [], [], []
    for old, now, similarity in matches:
        # The previous label carries over only where it still names this theme's terms.
        shown = old.label if label_fits(old.label, now) else now.label
        continuing.append(ThemeMatch(shown, now.label, old.mentions, now.mentions, round(similarity, 3)))
        trend = theme_trend(old, now, touched)
        if trend > 0:
            rising.append(shown)
        elif trend < 0:
            fading.append(shown)

    # Only organisations that act, and only when no name or alias of theirs was seen
    # before (a mention, or "Contemporary Amperex Technology" for 宁德时代, is no news).
    old_companies = {c.name for c in before.companies} | {a for c in before.companies for a in c.aliases}
    new_companies = [
        c.name
        for c in current.companies
        if c.role == "case" and c.name not in old_companies and not old_companies & set(c.aliases)
    ]

    old_figures = _figure_values(before)
    changed = []
    for key, fig in _figure_values(current).items():
        old = old_figures.get(key)
        if old is not None and figure_changed(old, fig):
            changed.append(
                FigureChange(
                    key[0], key[1], key[2], old.value, fig.value, fig.unit or old.unit, key[3], key[4]
                )
            )

    old_status = {q.text: q.status for q in before.questions}
    moved = [
        QuestionChange(q.text, old_status.get(q.text), q.status)
        for q in current.questions
        if old_status.get(q.text) != q.status
    ]
    return Changes(
        period=period,
        previous_period=previous.period,
        new_documents=new_documents,
        new_themes=new_themes,
        rising_themes=rising,
        fading_themes=fading,
        new_companies=new_companies,
        changed_figures=changed,
        moved_questions=moved,
        continuing_themes=continuing,
        dropped_themes=dropped,
    )


SAME_THEME = 0.6
"""Content similarity (terms and documents) at which two editions' themes are one theme."""


def _overlap(a: Theme, b: Theme) -> tuple[float, float, float, int]:
    """(terms shared over all, lead term agreement, documents shared over the
    smaller side, sentences both show)."""
    terms_a, terms_b = set(a.terms), set(b.terms)
    docs_a, docs_b = set(a.documents), set(b.documents)
    terms = len(terms_a & terms_b) / max(len(terms_a | terms_b), 1)
    if a.terms[:1] == b.terms[:1]:
        lead = 1.0
    elif set(a.terms[:1]) & terms_b or set(b.terms[:1]) & terms_a:
        lead = 0.5
    else:
        lead = 0.0
    docs = len(docs_a & docs_b) / max(min(len(docs_a), len(docs_b)), 1)
    return terms, lead, docs, len(_quoted(a) & _quoted(b))


def theme_similarity(a: Theme, b: Theme) -> float:
    """How much of a theme persisted: its terms (shared over all, the lead term
    counting extra, half when it is among the other's terms), its documents
    (shared over the smaller side: a theme that gains a source is still itself)
    and the sentences it quotes (a theme quoting what it quoted last week is
    itself under whatever label)."""
    terms, lead, docs, quoted = _overlap(a, b)
    return min(1.0, 0.4 * terms + 0.3 * lead + 0.3 * docs + (0.3 if quoted else 0.0))


def same_theme(a: Theme, b: Theme) -> bool:
    """Two editions' themes are one argument only on strong overlap: its terms
    (the same lead term, or most terms shared, or the lead among the other's
    terms with a third of all shared, or two shown sentences and a term in
    common) and its sources (half of the smaller side's). In a small folder every
    theme shares the same two documents and a quoted sentence may move from one
    theme to another: neither alone makes two themes one."""
    terms, lead, docs, quoted = _overlap(a, b)
    argued = lead == 1.0 or terms >= 0.5 or (lead == 0.5 and terms >= 1 / 3) or (quoted >= 2 and terms > 0)
    return argued and docs >= 0.5 and theme_similarity(a, b) >= SAME_THEME


def label_fits(label: str, theme: Theme) -> bool:
    """A label names one of the theme's terms (人工智能 for a theme of 人工智能, 落地,
    数据; 产业、技术与模式革命 for 产业革命): else it was another theme's word."""
    parts = [p for p in re.split(r"[与和、，,：:及\s]+", label) if len(p) >= 2]
    for term in theme.terms:
        if len(term) >= 2 and (term.lower() in label.lower() or any(p in term for p in parts)):
            return True
    return False


def _quoted(theme: Theme) -> set[str]:
    """The source sentences a theme shows (its gist's and its quotes')."""
    shown = {q.text for q in theme.quotes}
    if theme.gist_source is not None:
        shown.add(theme.gist_source.text)
    return shown


def match_themes(before: list[Theme], after: list[Theme]) -> list[tuple[Theme, Theme, float]]:
    """One-to-one matches between two editions' themes by content, not label:
    the most similar pairs first, each one argument (``same_theme``)."""
    pairs = sorted(
        (
            (theme_similarity(a, b), i, j)
            for i, a in enumerate(before)
            for j, b in enumerate(after)
            if same_theme(a, b)
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for similarity, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((before[i], after[j], similarity))
    return sorted(out, key=lambda m: after.index(m[1]))


def theme_trend(old: Theme, now: Theme, touched: set[str] | None = None) -> int:
    """+1 rising, -1 fading, 0 steady. A real change is one the sources made:
    its mentions move by a quarter and a source that argues it was added,
    removed or edited (``touched``; without it, any source it gained or lost).
    Counts that move while every source of the theme stayed the same are the
    analysis regrouping a larger folder, not a change in what is argued."""
    if old.mentions == now.mentions:
        return 0
    ratio = now.mentions / max(old.mentions, 1)
    if touched is None:
        touched = set(now.documents) ^ set(old.documents)
    if ratio >= 1.25 and touched & set(now.documents):
        return 1
    if ratio <= 0.8 and touched & set(old.documents):
        return -1
    return 0


# ----------------------------------------------------------------------- editions


@dataclass
class Edition:
    """A recorded edition (a row of ``editions``, without the stored model)."""

    id: int
    schedule: str
    period: str
    period_start: str
    period_end: str
    due_at: str
    """The cron time it was made for, ISO 8601 with the zone's offset."""
    generated_at: str
    source: str
    template: str | None
    inputs: dict[str, str]
    """Input documents: path → SHA-256 of the cleaned text."""
    outputs: dict[str, dict[str, str]]
    """Output files by kind: ``{"path": ..., "sha256": ...}``."""
    model_path: str | None
    previous_period: str | None
    deliveries: dict[str, int] = field(default_factory=dict)
    """Delivery ledger rows by status (filled by :func:`list_editions`)."""

    @property
    def pdf(self) -> Path | None:
        """The edition's PDF, if one was written."""
        out = self.outputs.get("pdf")
        return Path(out["path"]) if out else None

    @property
    def stem(self) -> str:
        """The output file stem: ``<schedule>-<period>``."""
        return f"{self.schedule}-{self.period}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``editions list --json``."""
        return {k: v for k, v in self.__dict__.items()}


_COLUMNS = (
    "id, schedule, period, period_start, period_end, due_at, generated_at, source, template, "
    "inputs, outputs, model_path, previous_period"
)


def _edition(row: sqlite3.Row) -> Edition:
    return Edition(
        id=row["id"],
        schedule=row["schedule"],
        period=row["period"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        due_at=row["due_at"],
        generated_at=row["generated_at"],
        source=row["source"],
        template=row["template"],
        inputs=json.loads(row["inputs"]),
        outputs=json.loads(row["outputs"]),
        model_path=row["model_path"],
        previous_period=row["previous_period"],
    )


def get_edition(conn: sqlite3.Connection, schedule: str, period: str) -> Edition | None:
    """The recorded edition of ``schedule`` for ``period``, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM editions WHERE schedule = ? AND period = ?", (schedule, period)
    ).fetchone()
    return _edition(row) if row else None


def list_editions(conn: sqlite3.Connection, schedule: str | None = None) -> list[Edition]:
    """Recorded editions (of one schedule, or all), oldest first, with delivery counts."""
    where, args = ("WHERE schedule = ?", (schedule,)) if schedule else ("", ())
    found = [
        _edition(r)
        for r in conn.execute(f"SELECT {_COLUMNS} FROM editions {where} ORDER BY schedule, due_at", args)
    ]
    counts: dict[int, dict[str, int]] = {}
    for row in conn.execute("SELECT edition, status, COUNT(*) AS n FROM deliveries GROUP BY edition, status"):
        counts.setdefault(row["edition"], {})[row["status"]] = row["n"]
    for ed in found:
        ed.deliveries = counts.get(ed.id, {})
    return found


def load_model(conn: sqlite3.Connection, edition_id: int) -> tuple[Briefing, Changes]:
    """The stored model and changes of an edition."""
    row = conn.execute("SELECT model_json, changes_json FROM editions WHERE id = ?", (edition_id,)).fetchone()
    if row is None:
        raise ConfigError(f"no edition with id {edition_id}")
    return (
        Briefing.from_dict(json.loads(row["model_json"])),
        Changes.from_dict(json.loads(row["changes_json"])),
    )


def previous_edition(conn: sqlite3.Connection, schedule: str, due: dt.datetime) -> Previous | None:
    """The schedule's latest edition made for a due time before ``due``."""
    rows = conn.execute(
        "SELECT id, period, due_at, inputs FROM editions WHERE schedule = ?", (schedule,)
    ).fetchall()
    earlier = [r for r in rows if dt.datetime.fromisoformat(r["due_at"]) < due]
    if not earlier:
        return None
    row = max(earlier, key=lambda r: dt.datetime.fromisoformat(r["due_at"]))
    model, _ = load_model(conn, row["id"])
    return Previous(period=row["period"], model=model, inputs=json.loads(row["inputs"]))


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _outputs(files: dict[str, Path]) -> dict[str, dict[str, str]]:
    return {
        kind: {"path": str(Path(path).resolve()), "sha256": sha256_file(Path(path))}
        for kind, path in sorted(files.items())
    }


def build_edition(
    conn: sqlite3.Connection,
    schedule: EditionPlan,
    *,
    due: dt.datetime,
    period: Period,
    now: dt.datetime,
    generate: Generate,
    analyze: Analyze | None = None,
    progress: Progress | None = None,
) -> Edition:
    """Generate and record the edition of ``schedule`` for ``period`` (due at ``due``).

    Reads the schedule's source folder, remembers the documents seen, selects
    the period's documents, compares with the previous edition and writes the
    files into the schedule's output folder.

    The new model is needed before the changes can be computed, and the
    changes before the files can be rendered: ``analyze`` (normally
    :func:`briefing.pipeline.analyze`) computes the model first. Without it the
    briefing is generated twice: a draft (PDF only, into a temporary folder,
    thrown away) for the model, then the edition itself.
    """
    source = Path(schedule.source)
    from briefing.readers import read_corpus

    corpus = read_corpus(source, use_cache=True)
    record_seen(conn, corpus.documents, now)
    selected = select_documents(corpus, period, first_seen(conn, (d.sha256 for d in corpus.documents)))
    if not selected.documents:
        raise InputError(
            f"{schedule.name} {period.key}: no document in {source} is dated on or before "
            f"{period.end.isoformat()}"
        )
    inputs = {d.path: d.sha256 for d in selected.documents}
    previous = previous_edition(conn, schedule.name, due)
    stem = f"{schedule.name}-{period.key}"
    date = due.astimezone(ZoneInfo(schedule.tz)).date()
    if analyze is not None:
        draft = analyze(source, date=date, corpus=selected, progress=progress)
    else:
        with tempfile.TemporaryDirectory(prefix="briefing-draft-") as draft_dir:
            draft = generate(
                source,
                Path(draft_dir),
                formats=("pdf",),
                template=schedule.template,
                date=date,
                corpus=selected,
                stem=stem,
                progress=progress,
            ).model
    changes = compute_changes(period.key, draft, inputs, previous)
    result = generate(
        source,
        Path(schedule.out),
        template=schedule.template,
        date=date,
        corpus=selected,
        changes=changes,
        stem=stem,
        progress=progress,
    )
    model = result.model
    if model.changes is None:
        model.changes = changes
    outputs = _outputs(result.files)
    model_path = outputs.get("json", {}).get("path")
    with transaction(conn):
        cursor = conn.execute(
            """INSERT INTO editions (schedule, period, period_start, period_end, due_at,
                   generated_at, source, template, inputs, outputs, model_path, model_json,
                   changes_json, previous_period)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                schedule.name,
                period.key,
                period.start.isoformat(),
                period.end.isoformat(),
                due.replace(microsecond=0).isoformat(),
                iso(now),
                str(source.resolve()),
                schedule.template,
                json.dumps(inputs, ensure_ascii=False, sort_keys=True),
                json.dumps(outputs, ensure_ascii=False, sort_keys=True),
                model_path,
                json.dumps(model.to_dict(), ensure_ascii=False),
                json.dumps(changes.to_dict(), ensure_ascii=False),
                changes.previous_period,
            ),
        )
    edition = get_edition(conn, schedule.name, period.key)
    assert edition is not None and edition.id == cursor.lastrowid
    log.info(
        "%s %s: recorded %d input(s), %s",
        schedule.name,
        period.key,
        len(inputs),
        ", ".join(outputs) or "no files",
    )
    return edition


@dataclass
class Rendered:
    """What :func:`render_edition` wrote."""

    edition: Edition
    """The recorded edition."""
    files: dict[str, Path]
    """Files written, by kind."""
    identical: dict[str, bool]
    """Per kind: whether the file has the recorded checksum."""


def render_edition(
    conn: sqlite3.Connection,
    schedule: str,
    period: str,
    *,
    out_dir: Path | None = None,
    generate: Generate | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Regenerate a recorded edition from its recorded inputs.

    Every recorded input must still be in the recorded source folder, at the
    same path with the same content, else :class:`InputError` lists what is
    missing. Files go to ``out_dir`` (default: where the edition was written).
    """
    edition = get_edition(conn, schedule, period)
    if edition is None:
        raise ConfigError(f"no edition {period} of schedule {schedule} (see: briefing editions list)")
    if generate is None:
        from briefing import pipeline

        generate = pipeline.generate
    from briefing.readers import read_corpus

    source = Path(edition.source)
    corpus = read_corpus(source, use_cache=True)
    docs = [d for d in corpus.documents if edition.inputs.get(d.path) == d.sha256]
    found = {d.path for d in docs}
    missing = sorted(p for p in edition.inputs if p not in found)
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise InputError(
            f"cannot re-render {schedule} {period}: {len(missing)} recorded input(s) missing "
            f"or changed in {source}: {shown}"
        )
    _, changes = load_model(conn, edition.id)
    if out_dir is None:
        pdf = edition.pdf
        out_dir = pdf.parent if pdf else source
    result = generate(
        source,
        Path(out_dir),
        template=edition.template,
        date=dt.datetime.fromisoformat(edition.due_at).date(),
        corpus=Corpus(documents=docs, skipped=list(corpus.skipped)),
        changes=changes,
        stem=edition.stem,
        progress=progress,
    )
    identical = {
        kind: kind in edition.outputs and sha256_file(Path(path)) == edition.outputs[kind]["sha256"]
        for kind, path in result.files.items()
    }
    return Rendered(edition=edition, files=dict(result.files), identical=identical)
