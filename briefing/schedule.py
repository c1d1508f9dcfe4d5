"""Schedules: editions generated and mailed unattended.

A schedule (name, cron expression, IANA time zone, recipients, source and
output folders, template) lives in the state database. ``briefing schedule
run-due``, called by cron or a systemd timer, runs :func:`run_due`:

* For each schedule it takes the most recent due time at or before *now*
  (cron is evaluated in the schedule's zone, so it is DST-correct: a 02:30
  Europe/Berlin job runs at 03:00 on the spring-forward day and once on the
  fall-back day).
* Catch-up policy: missed periods are **coalesced**. When runs were missed,
  only the edition of the latest due period is generated; its "what changed"
  section compares it with the last edition that was made, so nothing is lost
  and nobody gets a burst of stale mails. An undelivered older edition is not
  retried once a newer period is due (the newer edition supersedes it).
* An edition is generated once per period; the delivery ledger holds one row
  per (edition, recipient). ``sent`` and ``failed-permanent`` rows are never
  retried; ``pending`` and ``failed-transient`` ones are, with backoff within
  the run and again on the next run, without regenerating.
* A run that could not deliver (or generate) raises, with a one-line reason;
  the generated files stay on disk.
* Runs are kept apart by a POSIX lock on ``<state>/run.lock``
  (:func:`briefing.state.run_lock`), which no forked worker inherits.
* After a run that recorded something, the state database is backed up
  (:func:`briefing.state.backup`) to ``<state>/backup/state.db``.

Time is always passed in (``now``); nothing here waits for a real time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from briefing import editions, mail
from briefing.errors import BriefingError, ConfigError, DeliveryError, OutputError
from briefing.state import backup, backup_path, iso, open_state, run_lock, state_home, transaction, utc_now

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SEARCH_LIMIT = 10_000


# --------------------------------------------------------------------- validation


def check_name(name: str) -> str:
    """A schedule name: letters, digits, ``.``, ``_`` and ``-`` (it names files)."""
    if not NAME.fullmatch(name):
        raise ConfigError(f"invalid schedule name {name!r}: use letters, digits, '.', '_' and '-' (max. 64)")
    return name


def check_zone(name: str) -> ZoneInfo:
    """The zone of an IANA name such as ``Asia/Shanghai``; :class:`ConfigError` otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Shanghai or UTC"
        ) from None


def check_cron(expr: str) -> str:
    """A five-field cron expression (minute hour day month weekday), normalised."""
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(
            f"invalid cron expression {expr!r}: expected 5 fields "
            "(minute hour day-of-month month day-of-week), e.g. '0 8 * * MON'"
        )
    normal = " ".join(fields)
    try:
        next(CronSim(normal, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    except (CronSimError, StopIteration) as exc:
        raise ConfigError(f"invalid cron expression {expr!r}: {exc}") from None
    return normal


# ------------------------------------------------------------------------- timing


def _aware(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ConfigError("the time must carry a UTC offset, e.g. 2026-11-23T08:00:00+08:00")
    return now


def parse_now(text: str) -> dt.datetime:
    """An ISO 8601 time with offset (``2026-11-23T08:00+08:00``, ``…Z``)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--now: not an ISO 8601 time: {text!r}") from None
    return _aware(value)


def last_due(cron: str, tz: str, now: dt.datetime) -> dt.datetime | None:
    """The most recent time ``cron`` fires at or before ``now``, in zone ``tz``.

    Reverse iteration is only used to find a starting point; the answer comes
    from forward iteration, which handles the ambiguous hour when clocks go back.
    """
    zone = check_zone(tz)
    now = _aware(now)
    start = (now + dt.timedelta(seconds=1)).astimezone(zone).replace(microsecond=0)
    try:
        backwards = CronSim(cron, start, reverse=True)
        candidate = next(backwards)
        for _ in range(SEARCH_LIMIT):
            if candidate <= now:
                break
            candidate = next(backwards)
        else:
            return None
        # then forwards: reverse iteration can skip a time in the repeated hour
        best = candidate
        for moment in CronSim(cron, candidate):
            if moment > now:
                break
            best = max(best, moment)
        return best
    except (CronSimError, StopIteration):
        return None


def next_due(cron: str, tz: str, now: dt.datetime) -> dt.datetime | None:
    """The first time ``cron`` fires after ``now``, in zone ``tz``."""
    zone = check_zone(tz)
    try:
        for moment in CronSim(cron, _aware(now).astimezone(zone)):
            if moment > now:
                return moment
    except (CronSimError, StopIteration):
        return None
    return None


def period_kind(cron: str, tz: str) -> str:
    """``week`` when ``cron`` fires at most once per ISO week, else ``day``."""
    zone = check_zone(tz)
    start = dt.datetime(2026, 1, 5, tzinfo=zone)
    weeks: set[tuple[int, int]] = set()
    for i, moment in enumerate(CronSim(cron, start)):
        year, week, _ = moment.date().isocalendar()
        if (year, week) in weeks:
            return "day"
        weeks.add((year, week))
        if i > 60 or moment > start + dt.timedelta(days=70):
            break
    return "week"


def missed_periods(schedule: Schedule, since: dt.datetime, due: dt.datetime) -> list[str]:
    """Periods that fell due strictly between ``since`` and ``due`` (coalesced into ``due``'s)."""
    kind = schedule.period_kind
    skip = {
        editions.period_for(since, kind, schedule.tz).key,
        editions.period_for(due, kind, schedule.tz).key,
    }
    found: list[str] = []
    for i, moment in enumerate(CronSim(schedule.cron, since.astimezone(schedule.zone))):
        if moment >= due or i > SEARCH_LIMIT:
            break
        key = editions.period_for(moment, kind, schedule.tz).key
        if key not in skip and key not in found:
            found.append(key)
    return found


# ---------------------------------------------------------------------- schedules


@dataclass
class Schedule:
    """A stored schedule."""

    name: str
    """Unique name; editions' files are named ``<name>-<period>``."""
    cron: str
    """Five-field cron expression, evaluated in ``tz``."""
    tz: str
    """IANA time zone name."""
    recipients: list[str]
    """Addresses every edition is mailed to."""
    source: str
    """Absolute path of the source folder."""
    out: str
    """Absolute path of the output folder."""
    template: str | None = None
    """Template name or absolute path, or null for the default."""
    created_at: str = ""
    """When it was added (ISO 8601, UTC)."""

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's time zone."""
        return check_zone(self.tz)

    @property
    def period_kind(self) -> str:
        """``week`` or ``day``: see :func:`period_kind`."""
        return period_kind(self.cron, self.tz)

    def last_due(self, now: dt.datetime) -> dt.datetime | None:
        """Most recent due time at or before ``now``."""
        return last_due(self.cron, self.tz, now)

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        """First due time after ``now``."""
        return next_due(self.cron, self.tz, now)

    def to_dict(self) -> dict[str, object]:
        """Plain data."""
        return dict(self.__dict__)


def _schedule(row: sqlite3.Row) -> Schedule:
    return Schedule(
        name=row["name"],
        cron=row["cron"],
        tz=row["tz"],
        recipients=json.loads(row["recipients"]),
        source=row["source"],
        out=row["out"],
        template=row["template"],
        created_at=row["created_at"],
    )


def add_schedule(
    conn: sqlite3.Connection,
    name: str,
    *,
    cron: str,
    tz: str,
    recipients: Sequence[str],
    source: Path,
    out: Path | None = None,
    template: str | None = None,
    home: Path | None = None,
    now: dt.datetime | None = None,
    check_smtp: bool = False,
) -> Schedule:
    """Validate and store a new schedule; :class:`ConfigError` when the name is taken.

    Everything an unattended run needs is checked now, not at the first due
    time: the name, cron expression, time zone and recipients (each once,
    whatever its case), that the source folder exists and can be read, that
    the output folder can be written, that the template exists and parses
    (:class:`TemplateError`), and with ``check_smtp`` the
    ``BRIEFING_SMTP_*`` settings.

    ``out`` defaults to ``<state>/editions/<name>``. Paths are stored absolute,
    so cron can run the schedule from any working folder; so is a template
    found in ``./templates``.
    """
    from briefing.render import check_template
    from briefing.resources import bundled_folder
    from briefing.writers import check_writable

    check_name(name)
    cron = check_cron(cron)
    check_zone(tz)
    addresses = mail.unique_addresses(recipients)
    if not addresses:
        raise ConfigError("a schedule needs at least one recipient (--to ADDRESS)")
    source = Path(source).expanduser()
    if not source.is_dir():
        raise ConfigError(f"source folder not found: {source}")
    if not os.access(source, os.R_OK | os.X_OK):
        raise ConfigError(f"source folder cannot be read: {source}")
    home = home if home is not None else state_home()
    out = Path(out).expanduser() if out is not None else Path(home) / "editions" / name
    check_writable(out)
    main = check_template(template)[0].resolve()
    if template is not None and main.parent != bundled_folder("templates").resolve():
        template = str(main)  # ./templates/NAME.md.j2 must not depend on cron's working folder
    if check_smtp:
        mail.settings_from_env()
    schedule = Schedule(
        name=name,
        cron=cron,
        tz=tz,
        recipients=addresses,
        source=str(source.resolve()),
        out=str(out.resolve()),
        template=template,
        created_at=iso(now or utc_now()),
    )
    try:
        with transaction(conn):
            conn.execute(
                "INSERT INTO schedules (name, cron, tz, recipients, source, out, template, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    schedule.name,
                    schedule.cron,
                    schedule.tz,
                    json.dumps(schedule.recipients),
                    schedule.source,
                    schedule.out,
                    schedule.template,
                    schedule.created_at,
                ),
            )
    except sqlite3.IntegrityError:
        raise ConfigError(
            f"a schedule named {name!r} exists: remove it first (briefing schedule remove {name})"
        ) from None
    return schedule


def list_schedules(conn: sqlite3.Connection) -> list[Schedule]:
    """All schedules, by name."""
    return [_schedule(r) for r in conn.execute("SELECT * FROM schedules ORDER BY name")]


def get_schedule(conn: sqlite3.Connection, name: str) -> Schedule:
    """The schedule called ``name``; :class:`ConfigError` when there is none."""
    row = conn.execute("SELECT * FROM schedules WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise ConfigError(f"no schedule named {name!r} (see: briefing schedule list)")
    return _schedule(row)


def remove_schedule(conn: sqlite3.Connection, name: str) -> None:
    """Delete a schedule. Its editions and ledger stay (they keep a re-added schedule
    of the same name from mailing an edition twice)."""
    with transaction(conn):
        gone = conn.execute("DELETE FROM schedules WHERE name = ?", (name,)).rowcount
    if not gone:
        raise ConfigError(f"no schedule named {name!r} (see: briefing schedule list)")


# -------------------------------------------------------------------------- runs


@dataclass
class RunReport:
    """What one :func:`run_due` did."""

    generated: list[str] = field(default_factory=list)
    """Editions generated, as ``<schedule> <period>``."""
    sent: list[str] = field(default_factory=list)
    """Mails delivered, as ``<schedule> <period> → <recipient>``."""
    failures: list[BriefingError] = field(default_factory=list)
    """What went wrong, one error per failed schedule or delivery."""


class RunFailed(DeliveryError):
    """A run could not generate or deliver everything that was due.

    The exit code is that of the first failure; ``report`` says what was done.
    """

    def __init__(self, report: RunReport) -> None:
        first = report.failures[0]
        more = len(report.failures) - 1
        super().__init__(str(first) + (f" (and {more} more problem(s))" if more else ""))
        self.exit_code = first.exit_code
        self.report = report


@dataclass
class _Run:
    conn: sqlite3.Connection
    now: dt.datetime
    generate: editions.Generate
    analyze: editions.Analyze | None
    send: Callable[..., None]
    sleep: Callable[[float], None]
    attempts: int | None
    backoff: float | None
    progress: Progress
    settings: mail.SmtpSettings | None
    report: RunReport = field(default_factory=RunReport)

    def smtp(self) -> mail.SmtpSettings:
        if self.settings is None:
            self.settings = mail.settings_from_env()
        return self.settings


def run_due(
    now: dt.datetime | None = None,
    *,
    home: Path | None = None,
    generate: editions.Generate | None = None,
    analyze: editions.Analyze | None = None,
    send: Callable[..., None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    settings: mail.SmtpSettings | None = None,
    attempts: int | None = None,
    backoff: float | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Generate and deliver every edition that is due at ``now`` and not yet delivered.

    ``generate`` and ``analyze`` (default :func:`briefing.pipeline.generate` and
    :func:`briefing.pipeline.analyze`; with only ``generate`` given, see
    :func:`briefing.editions.build_edition`), ``send`` (default
    :func:`briefing.mail.send`) and ``sleep`` (the backoff between transient
    failures) are injectable; ``settings`` defaults to the environment's, read
    only when something is to be sent; ``attempts`` and ``backoff`` default to
    the settings' (``BRIEFING_SMTP_ATTEMPTS``, ``BRIEFING_SMTP_BACKOFF``).

    Holds the state folder's run lock (:class:`LockedError` when another run
    has it). Raises :class:`RunFailed` when anything could not be generated or
    delivered.
    """
    now = _aware(now) if now is not None else utc_now()
    if generate is None:
        from briefing import pipeline

        generate = pipeline.generate
        analyze = analyze or pipeline.analyze
    with run_lock(home), open_state(home) as conn:
        run = _Run(
            conn=conn,
            now=now,
            generate=generate,
            analyze=analyze,
            send=send or mail.send,
            sleep=sleep,
            attempts=attempts,
            backoff=backoff,
            progress=progress or (lambda _m: None),
            settings=settings,
        )
        for schedule in list_schedules(conn):
            try:
                _run_schedule(run, schedule)
            except BriefingError as exc:
                exc.args = (f"{schedule.name}: {exc}",)
                run.progress(str(exc))
                run.report.failures.append(exc)
        if run.report.generated or run.report.sent or not backup_path(home).exists():
            try:
                backup(conn, home)
            except OutputError as exc:  # the run itself succeeded
                log.warning("%s", exc)
    if run.report.failures:
        raise RunFailed(run.report)
    return run.report


def _run_schedule(run: _Run, schedule: Schedule) -> None:
    due = schedule.last_due(run.now)
    if due is None:
        log.debug("%s: not due before %s", schedule.name, run.now.isoformat())
        return
    period = editions.period_for(due, schedule.period_kind, schedule.tz)
    edition = editions.get_edition(run.conn, schedule.name, period.key)
    if edition is None:
        previous = run.conn.execute(
            "SELECT due_at FROM editions WHERE schedule = ? ORDER BY due_at DESC LIMIT 1",
            (schedule.name,),
        ).fetchone()
        if previous is not None:
            missed = missed_periods(schedule, dt.datetime.fromisoformat(previous["due_at"]), due)
            if missed:
                run.progress(f"{schedule.name}: missed {', '.join(missed)}; coalesced into {period.key}")
        run.progress(f"{schedule.name}: generating edition {period.key} (due {due.isoformat()})")
        edition = editions.build_edition(
            run.conn,
            schedule,
            due=due,
            period=period,
            now=run.now,
            generate=run.generate,
            analyze=run.analyze,
            progress=run.progress,
        )
        run.report.generated.append(f"{schedule.name} {period.key}")
    _deliver(run, schedule, edition)


def _deliver(run: _Run, schedule: Schedule, edition: editions.Edition) -> None:
    rows = {
        r["recipient"]: r
        for r in run.conn.execute("SELECT * FROM deliveries WHERE edition = ?", (edition.id,))
    }
    todo = [
        r
        for r in schedule.recipients
        if r not in rows or rows[r]["status"] in ("pending", "failed-transient")
    ]
    for r in schedule.recipients:
        if r in rows and rows[r]["status"] == "failed-permanent":
            log.info(
                "%s %s: not retrying %s (permanent failure: %s)",
                schedule.name,
                edition.period,
                r,
                rows[r]["last_error"],
            )
    if not todo:
        log.debug("%s %s: nothing left to deliver", schedule.name, edition.period)
        return
    settings = run.smtp()
    with transaction(run.conn):
        for r in todo:
            if r not in rows:
                run.conn.execute(
                    "INSERT INTO deliveries (edition, recipient, message_id, status, updated_at) "
                    "VALUES (?, ?, ?, 'pending', ?)",
                    (edition.id, r, mail.new_message_id(settings.sender), iso(run.now)),
                )
    pdf = edition.pdf
    if pdf is None:
        raise DeliveryError(f"edition {edition.period} has no PDF to send")
    model, changes = editions.load_model(run.conn, edition.id)
    takeaways = [t.text for t in model.summary]
    subject = mail.default_subject(pdf, model, edition.period) if model.title else edition.stem
    for recipient in todo:
        row = run.conn.execute(
            "SELECT * FROM deliveries WHERE edition = ? AND recipient = ?", (edition.id, recipient)
        ).fetchone()
        try:
            message = mail.build_message(
                pdf,
                [recipient],
                subject,
                takeaways,
                sender=settings.sender,
                message_id=row["message_id"],
                changes=changes,
                model=model,
            )
        except DeliveryError as exc:
            run.report.failures.append(
                DeliveryError(f"{schedule.name} {edition.period} → {recipient}: {exc}")
            )
            continue
        _attempt(
            run,
            schedule,
            edition,
            row_id=row["id"],
            recipient=recipient,
            message=message,
            settings=settings,
        )


def _attempt(
    run: _Run,
    schedule: Schedule,
    edition: editions.Edition,
    *,
    row_id: int,
    recipient: str,
    message: EmailMessage,
    settings: mail.SmtpSettings,
) -> None:
    """Send one ledger row's mail, retrying transient failures with backoff."""
    label = f"{schedule.name} {edition.period} → {recipient}"
    attempts = max(1, settings.attempts if run.attempts is None else run.attempts)
    backoff = settings.backoff if run.backoff is None else run.backoff
    delays = mail.backoff_delays(attempts, backoff)
    recorded = False

    def mark_sent() -> None:
        nonlocal recorded
        with transaction(run.conn):
            run.conn.execute(
                "UPDATE deliveries SET status = 'sent', last_error = NULL, updated_at = ? WHERE id = ?",
                (iso(run.now), row_id),
            )
        recorded = True

    for attempt in range(attempts):
        with transaction(run.conn):
            run.conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (iso(run.now), row_id),
            )
        try:
            run.send(message, settings, on_sent=mark_sent)
        except DeliveryError as exc:
            permanent = not getattr(exc, "transient", False)
            reason = settings.scrub(str(exc))
            with transaction(run.conn):
                run.conn.execute(
                    "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
                    (
                        "failed-permanent" if permanent else "failed-transient",
                        reason,
                        iso(run.now),
                        row_id,
                    ),
                )
            if permanent:
                run.report.failures.append(mail.PermanentDeliveryError(f"{label}: {reason} (not retried)"))
                run.progress(f"{label}: failed permanently: {reason}")
                return
            if attempt + 1 < attempts:
                run.progress(f"{label}: {reason}; retrying in {delays[attempt]:g}s")
                run.sleep(delays[attempt])
                continue
            run.report.failures.append(
                mail.TransientDeliveryError(f"{label}: {reason} (will retry on the next run)")
            )
            run.progress(f"{label}: failed: {reason}; the PDF stays at {edition.pdf}")
            return
        if not recorded:
            mark_sent()
        run.report.sent.append(label)
        run.progress(f"{label}: sent")
        return
