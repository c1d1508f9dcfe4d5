"""Command-line interface: thin commands over the library.

Each command parses options, calls the library, prints the result and turns
the library's own exceptions into one-line errors with the documented exit
code. Progress goes to stderr and ``--quiet`` silences it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sqlite3
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from briefing import __version__
from briefing.errors import BriefingError, OutputError, Terminated

log = logging.getLogger("briefing")


class CommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: BriefingError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


# Progress lines that say what became of one file; on a terminal the bar shows them.
_FILE_LINES = ("read ", "cached ")
_SKIPPED = "skipped "


class Context:
    """What every command shares: progress on stderr, silenced by ``-q``.

    On a terminal, counted work (files read, documents analysed) shows as a
    bar with done/total and the current file; other lines wait until the bar
    is finished. Elsewhere (a log file, cron's mail) every line is printed as
    it comes, and a count is printed at each quarter of a long run that prints
    no line per file.
    """

    def __init__(self, quiet: bool, stream: TextIO | None = None, verbose: int = 0) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.stream = stream
        """Where progress goes; None for the stderr of the moment (click's test runner swaps it)."""
        self._bar: Any = None
        self._held: list[str] = []
        self._item = ""
        self._files = 0
        self._quarter = 0

    @property
    def out(self) -> TextIO:
        return self.stream or sys.stderr

    def quieten(self) -> None:
        """A command's own ``-q``: the same as ``briefing -q`` (no progress, and
        briefing's log at warnings, unless ``-v`` asked for it)."""
        self.quiet = True
        if not self.verbose:
            logging.getLogger("briefing").setLevel(logging.WARNING)

    def progress(self, message: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            if message.startswith((*_FILE_LINES, _SKIPPED)):
                self._item = message.split(" ", 1)[1].split(": ", 1)[0]
            if not message.startswith(_FILE_LINES):
                self._held.append(message)
            return
        if message.startswith((*_FILE_LINES, _SKIPPED)):
            self._files += 1
        else:  # a new step: its count starts afresh
            self._files = self._quarter = 0
        click.echo(message, file=self.out)

    def counter(self) -> Callable[[int, int], None]:
        """``counter(done, total)`` for counted work."""
        return self._count

    def _count(self, done: int, total: int) -> None:
        if self.quiet or total == 0:
            return
        if self.out.isatty():
            if self._bar is None:
                if done >= total:
                    return
                self._bar = click.progressbar(
                    length=total,
                    file=self.out,
                    show_pos=True,
                    show_eta=False,
                    width=24,
                    label=" ",
                    item_show_func=lambda item: item,
                )
                self._bar.__enter__()
            self._bar.update(done - self._bar.pos, self._item)
            if done >= total:
                self.close()
            return
        quarter = done * 4 // total
        if total >= 50 and not self._files and quarter > self._quarter:
            self._quarter = quarter
            click.echo(f"{done}/{total} done", file=self.out)

    def close(self) -> None:
        """Finish a bar left open and print the lines held back while it ran."""
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)
        self._item = ""
        held, self._held = self._held, []
        for message in held:
            self.progress(message)


pass_ctx = click.make_pass_decorator(Context)

SOURCE_PATH = click.Path(file_okay=False, readable=False)
"""A source folder; the library says when it cannot be read (exit code 3, not click's 2)."""


class _LogFormat(logging.Formatter):
    """Plain messages; warnings and errors say so; ``-v`` adds level and logger."""

    def __init__(self, verbose: int) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s")
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        if not self.verbose and (record.exc_info or record.exc_text or record.stack_info):
            # a library's traceback (Dask logs closed connections with one) is for -v only
            record = logging.makeLogRecord(
                {**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None}
            )
        text = super().format(record)
        if not self.verbose and record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {text}"
        return text


_LOG_HANDLER: dict[str, logging.Handler] = {}

_CHATTY_LIBRARIES = ("jieba", "distributed", "tornado")
"""Libraries that set their own loggers to INFO or DEBUG: held at the others' level."""


def _configure_logging(quiet: bool, verbose: int) -> Callable[[], None]:
    """briefing's log at INFO (WARNING with -q, DEBUG with -v); other libraries at WARNING
    unless -vv. Returns what undoes it at the end of the command."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)  # this run's stderr
    handler.setFormatter(_LogFormat(verbose))
    old = _LOG_HANDLER.pop("cli", None)
    if old is not None:
        root.removeHandler(old)
    _LOG_HANDLER["cli"] = handler
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    ours = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.getLogger("briefing").setLevel(ours)
    for library in _CHATTY_LIBRARIES:
        logging.getLogger(library).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)

    def undo() -> None:
        root.removeHandler(handler)
        _LOG_HANDLER.pop("cli", None)

    return undo


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress or file list, only warnings, errors and what the command reports (a table, JSON).",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Log details on stderr: -v briefing's own log, -vv also the libraries' (markdown-it, jieba, …).",
)
@click.version_option(__version__, prog_name="briefing")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int) -> None:
    """Turn a folder of industry sources into a cited executive briefing.

    \b
    Example:
      briefing generate seeds --date 2026-11-23
    """
    ctx.call_on_close(_configure_logging(quiet, verbose))
    ctx.obj = Context(quiet, verbose=verbose)
    ctx.call_on_close(ctx.obj.close)


class CommaChoice(click.ParamType):
    """One or more of a fixed set of values, comma-separated (``pdf,docx``)."""

    name = "list"

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.choices) + "],…"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        items = [item.strip().lower() for item in str(value).split(",") if item.strip()]
        unknown = [item for item in items if item not in self.choices]
        if unknown or not items:
            given = ", ".join(repr(item) for item in unknown) if unknown else "nothing"
            self.fail(
                f"{given}: choose one or more of {', '.join(self.choices)}, comma-separated", param, ctx
            )
        return tuple(dict.fromkeys(items))


def _check_now(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """--now as an aware time (a wrong one is wrong usage: exit 2)."""
    if value is None:
        return None
    from briefing.schedule import parse_now

    try:
        return parse_now(value)
    except BriefingError as exc:
        raise click.BadParameter(str(exc).removeprefix("--now: "), ctx, param) from None


def _source(source: str | None) -> Path:
    from briefing.listing import default_source

    return Path(source) if source else default_source()


def table(headers: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A plain-text table that lines up Chinese (double-width) characters."""
    from briefing.writers.text import table as text_table

    return text_table(headers, rows, widths)


def _digest_width() -> int:
    """The terminal's width when stdout is one (within reason), else the digest's default."""
    import shutil

    from briefing.writers.text import WIDTH

    if not sys.stdout.isatty():
        return WIDTH
    return max(60, min(shutil.get_terminal_size((WIDTH, 24)).columns, 120))


def _dump(data: Any, output: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        from briefing.writers import write_atomic

        write_atomic(Path(output), text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("source", required=False, type=SOURCE_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the corpus as one JSON object.")
@pass_ctx
def corpus(ctx: Context, source: str | None, as_json: bool) -> None:
    """Read and clean every file under SOURCE (default: seeds/) and report on it.

    Files that are binary, undecodable, empty or only whitespace are skipped
    with a reason; the exit code is 0 as long as the folder could be read.

    \b
    Examples:
      briefing corpus
      briefing corpus ~/clippings --json > corpus.json
    """
    from briefing.readers import read_corpus

    try:
        result = read_corpus(_source(source), progress=ctx.progress, counter=ctx.counter())
    except BriefingError as exc:
        raise CommandError(exc) from exc
    if as_json:
        _dump(result.to_dict(), None)
        return
    rows = []
    for d in result.documents:
        cleaned = ", ".join(f"{c.rule.replace('_', ' ')} {c.count}" for c in d.cleaning) or "-"
        rows.append([d.path, d.language, d.kind, d.date or "-", str(d.chars), d.title or "-", cleaned])
    click.echo(
        table(
            ["path", "language", "kind", "date", "chars", "title", "cleaning"],
            rows,
            [26, 8, 7, 10, 6, 36, 60],
        )
    )
    if result.skipped:
        click.echo("\nskipped:")
        for s in result.skipped:
            click.echo(f"  {s.path}: {s.reason}")
    click.echo(f"\n{len(result.documents)} document(s), {len(result.skipped)} skipped")


# ---- delivery: send, schedule, editions (issue 5)


def _state_db(readonly: bool = False) -> Any:
    """An open connection to the state database (``BRIEFING_HOME``), closed on exit;
    ``readonly`` for commands that only read (they work on a read-only state folder)."""
    from briefing.state import open_state

    return open_state(readonly=readonly)


def _header_text(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An option that ends up in a mail header (a title becomes the subject): one
    line, no control characters, checked where it is given."""
    if value is not None and any(unicodedata.category(c) == "Cc" for c in value):
        raise click.BadParameter("must be one line without control characters (no CR or LF)")
    return value


RECIPIENTS = click.option(
    "--to",
    "recipients",
    multiple=True,
    required=True,
    metavar="ADDR",
    help="Recipient address; repeat for more.",
)


@cli.command("send")
@click.argument("pdf", metavar="FILE.pdf", type=click.Path(exists=True, dir_okay=False))
@RECIPIENTS
@click.option(
    "--subject",
    metavar="TEXT",
    callback=_header_text,
    help="Subject (default: the briefing's title and date).",
)
@click.option("--dry-run", is_flag=True, help="Write the .eml to <state>/outbox, send nothing.")
@pass_ctx
def send_command(
    ctx: Context, pdf: str, recipients: tuple[str, ...], subject: str | None, dry_run: bool
) -> None:
    """Mail FILE.pdf, with the briefing's key takeaways as the body.

    The takeaways come from the model JSON written beside the PDF (same name,
    .json). SMTP settings come from the environment: BRIEFING_SMTP_HOST,
    BRIEFING_SMTP_PORT, BRIEFING_SMTP_SECURITY (starttls, ssl or none),
    BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD, BRIEFING_SMTP_FROM. Each
    address gets a copy of its own (an address given twice, in any case, one).
    Prints each Message-ID (or, with --dry-run, each .eml written). Exit code 7
    when a mail could not be delivered, 8 when a setting is missing or invalid.

    \b
    Example:
      briefing send output/briefing-2026-11-23.pdf --to ceo@example.com --dry-run
    """
    from briefing.mail import send_pdf

    try:
        result = send_pdf(Path(pdf), list(recipients), subject=subject, dry_run=dry_run)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    if result.emls:
        ctx.progress(f"dry run: wrote a mail for each of {', '.join(result.recipients)}; sent nothing")
        click.echo("\n".join(str(eml) for eml in result.emls))
    else:
        ctx.progress(f"sent a copy to each of {', '.join(result.recipients)}")
        click.echo("\n".join(result.message_ids.values()))


@cli.group("schedule")
def schedule_group() -> None:
    """Weekly (or daily) editions, generated and mailed unattended.

    Schedules live in the state database under $BRIEFING_HOME (default
    ~/.local/share/briefing). Call `briefing schedule run-due` from cron or a
    systemd timer; it does whatever is due and nothing twice.

    \b
    Example:
      briefing schedule add weekly --cron "0 8 * * MON" --tz Asia/Shanghai --to ceo@example.com
    """


@schedule_group.command("add")
@click.argument("name")
@click.option("--cron", required=True, help='Five-field cron expression, e.g. "0 8 * * MON".')
@click.option("--tz", required=True, help="IANA time zone the cron is read in, e.g. Asia/Shanghai.")
@RECIPIENTS
@click.option(
    "--source",
    type=SOURCE_PATH,
    help="Source folder (default: seeds/ here, else the bundled sample).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Output folder (default: <state>/editions/NAME).",
)
@click.option("--template", metavar="NAME|PATH", help="Template for the editions.")
@click.option(
    "--no-smtp-check",
    is_flag=True,
    help="Add it even though BRIEFING_SMTP_* are not set here (only in the scheduled job's environment).",
)
@pass_ctx
def schedule_add(
    ctx: Context,
    *,
    name: str,
    cron: str,
    tz: str,
    recipients: tuple[str, ...],
    source: str | None,
    out: str | None,
    template: str | None,
    no_smtp_check: bool,
) -> None:
    """Add schedule NAME: an edition per period, mailed to every --to address.

    What an unattended run needs is checked now: cron, time zone, addresses,
    source and output folders, the template (it must parse) and the
    BRIEFING_SMTP_* settings.

    A schedule whose cron fires at most once a week makes one edition per ISO
    week (2026-W48); one that fires more often makes one per day. Paths are
    stored absolute.

    \b
    Example:
      briefing schedule add weekly --cron "0 8 * * MON" --tz Asia/Shanghai \\
          --to ceo@example.com --to cfo@example.com --source ~/clippings
    """
    from briefing.schedule import add_schedule
    from briefing.state import utc_now

    try:
        with _state_db() as conn:
            added = add_schedule(
                conn,
                name,
                cron=cron,
                tz=tz,
                recipients=list(recipients),
                source=_source(source),
                out=Path(out) if out else None,
                template=template,
                check_smtp=not no_smtp_check,
            )
    except BriefingError as exc:
        raise CommandError(exc) from exc
    nxt = added.next_due(utc_now())
    when = nxt.strftime("%Y-%m-%d %H:%M %Z") if nxt else "never"
    ctx.progress(f"added schedule {added.name}: next due {when} ({added.tz}); output: {added.out}")


@schedule_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the schedules as JSON.")
def schedule_list(as_json: bool) -> None:
    """List the schedules with their next due time.

    \b
    Example:
      briefing schedule list
    """
    from briefing.schedule import list_schedules
    from briefing.state import utc_now

    try:
        with _state_db(readonly=True) as conn:
            found = list_schedules(conn)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    now = utc_now()
    if as_json:
        _dump([dict(s.to_dict(), next_due=_iso_or_none(s.next_due(now))) for s in found], None)
        return
    rows = [
        [
            s.name,
            s.cron,
            s.tz,
            _iso_or_none(s.next_due(now)) or "-",
            ", ".join(s.recipients),
            s.source,
        ]
        for s in found
    ]
    headers = ["name", "cron", "tz", "next due", "to", "source"]
    click.echo(table(headers, rows, [12, 14, 16, 25, 30, 40]))
    click.echo(f"\n{len(found)} schedule(s)")


def _iso_or_none(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


@schedule_group.command("remove")
@click.argument("name")
@pass_ctx
def schedule_remove(ctx: Context, name: str) -> None:
    """Remove schedule NAME. Its recorded editions and delivery ledger are kept.

    \b
    Example:
      briefing schedule remove weekly
    """
    from briefing.schedule import remove_schedule

    try:
        with _state_db() as conn:
            remove_schedule(conn, name)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    ctx.progress(f"removed schedule {name}")


@schedule_group.command("run-due")
@click.option(
    "--now",
    metavar="ISO-8601",
    callback=_check_now,
    help="Act as if it were this time, e.g. 2026-11-23T08:00+08:00.",
)
@pass_ctx
def schedule_run_due(ctx: Context, now: Any) -> None:
    """Generate and mail every edition that is due and not yet delivered.

    Meant for cron or a systemd timer (run it every 15 minutes or so). Missed
    periods are coalesced into one catch-up edition for the latest due period;
    no recipient ever gets the same edition twice. Failed transient deliveries
    are retried on the next run. Exit code 7 when something could not be
    delivered (the PDF stays on disk), 9 when another run holds the lock.

    \b
    Example:
      BRIEFING_HOME=/srv/briefing/state briefing -q schedule run-due
    """
    from briefing.schedule import run_due

    try:
        report = run_due(now, progress=ctx.progress)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    ctx.progress(f"{len(report.generated)} edition(s) generated, {len(report.sent)} mail(s) sent")


@cli.group("editions")
def editions_group() -> None:
    """The recorded editions of the schedules.

    \b
    Example:
      briefing editions list --schedule weekly
    """


@editions_group.command("list")
@click.option("--schedule", "schedule_name", metavar="NAME", help="Only this schedule's editions.")
@click.option("--json", "as_json", is_flag=True, help="Print the editions as JSON.")
def editions_list(schedule_name: str | None, as_json: bool) -> None:
    """List recorded editions: period, inputs, files and delivery status.

    \b
    Example:
      briefing editions list --schedule weekly
    """
    from briefing.editions import list_editions

    try:
        with _state_db(readonly=True) as conn:
            found = list_editions(conn, schedule_name)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    if as_json:
        _dump([e.to_dict() for e in found], None)
        return
    rows = [
        [
            e.schedule,
            e.period,
            e.generated_at,
            str(len(e.inputs)),
            e.previous_period or "-",
            ", ".join(f"{n} {s}" for s, n in sorted(e.deliveries.items())) or "-",
            str(e.pdf or "-"),
        ]
        for e in found
    ]
    click.echo(
        table(
            ["schedule", "period", "generated", "docs", "previous", "deliveries", "pdf"],
            rows,
            [12, 10, 25, 4, 10, 28, 50],
        )
    )
    click.echo(f"\n{len(found)} edition(s)")


@editions_group.command("render")
@click.argument("period")
@click.option("--schedule", "schedule_name", required=True, metavar="NAME", help="The schedule.")
@click.option(
    "--out", type=click.Path(file_okay=False), help="Output folder (default: where it was written)."
)
@pass_ctx
def editions_render(ctx: Context, period: str, schedule_name: str, out: str | None) -> None:
    """Re-render edition PERIOD from its recorded inputs (they must still be there).

    Prints each file written and whether it matches the recorded checksum.

    \b
    Example:
      briefing editions render 2026-W48 --schedule weekly --out /tmp/w48
    """
    from briefing.editions import render_edition

    try:
        with _state_db() as conn:
            rendered = render_edition(
                conn,
                schedule_name,
                period,
                out_dir=Path(out) if out else None,
                progress=ctx.progress,
            )
    except BriefingError as exc:
        raise CommandError(exc) from exc
    for kind, path in sorted(rendered.files.items()):
        same = "identical to" if rendered.identical.get(kind) else "differs from"
        click.echo(f"{kind}: {path} ({same} the recorded file)")


@cli.group("cache")
def cache_group() -> None:
    """The caches that make a weekly run follow only what is new.

    All live in the state folder ($BRIEFING_HOME, default
    ~/.local/share/briefing): read documents and per-document analyses in the
    tables document_cache and analysis_cache of state.db, rendered PDF and
    DOCX files in cache/outputs/. A change of code, data files or libraries
    invalidates them by itself; --no-cache bypasses them for one run.

    \b
    Example:
      briefing cache clear
    """


@cache_group.command("clear")
@pass_ctx
def cache_clear(ctx: Context) -> None:
    """Empty the caches; schedules, editions and the delivery ledger are kept.

    \b
    Example:
      BRIEFING_HOME=/srv/briefing/state briefing cache clear
    """
    from briefing.cache import AnalysisCache, DocumentCache, ModelCache, OutputCache, TemplateChecks
    from briefing.state import ensure_home

    try:
        ensure_home(None)  # a state folder that cannot be opened is an error here, not a cache miss
        counts = []
        for cache in (DocumentCache(), AnalysisCache()):
            counts.append(f"{cache.clear()} {cache.table.removesuffix('_cache')} entries")
            cache.close()
        counts.append(f"{ModelCache().clear()} folder models")
        counts.append(f"{OutputCache().clear()} rendered files")
        counts.append(f"{TemplateChecks().clear()} template checks")
    except BriefingError as exc:
        raise CommandError(exc) from exc
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(OutputError(f"cannot clear the caches in the state folder: {exc}")) from exc
    ctx.progress("removed " + ", ".join(counts))


# ---- state: check the state database, restore it from its backup (issue 13)


@cli.group("state")
def state_group() -> None:
    """The state database: check it, restore it from its backup.

    After every run-due that recorded something, the database (schedules,
    editions, delivery ledger; not the caches) is backed up to
    $BRIEFING_HOME/backup/state.db with SQLite's backup API.

    \b
    Example:
      briefing state check
    """


@state_group.command("check")
def state_check() -> None:
    """Check the state database and its backup thoroughly: integrity, schema, rows.

    Exit code 5 when the database is empty, damaged, unreadable, or missing
    beside a backup; the message says how to recover.

    \b
    Example:
      briefing state check
    """
    from briefing import state
    from briefing.errors import StateError

    found = state.inspect(state.db_path())
    saved = state.inspect(state.backup_path())
    for label, report in (("database", found), ("backup", saved)):
        click.echo(f"{label}: {report.path}")
        if report.ok:
            rows = ", ".join(f"{n} {table}" for table, n in report.counts.items())
            click.echo(f"  sound, schema version {report.version}, changed {report.modified}: {rows}")
        else:
            click.echo(f"  {report.problem}")
    if not found.ok and (found.problem != "missing" or saved.ok):
        raise CommandError(StateError(f"the state database is {found.problem}; {state.recovery_hint()}"))


@state_group.command("restore")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    help="The backup to restore (default: $BRIEFING_HOME/backup/state.db).",
)
@click.option("--force", is_flag=True, help="Replace the database even though it is sound.")
@pass_ctx
def state_restore(ctx: Context, source: str | None, force: bool) -> None:
    """Replace the state database with its backup, once the backup checks out.

    The current database is kept beside it as state.db.replaced-TIME. The run
    lock is held meanwhile, so no run-due runs. What was recorded after the
    backup was made is not in it (the editions' files stay on disk).

    \b
    Example:
      briefing state restore
    """
    from briefing.state import restore

    try:
        restored = restore(source=Path(source) if source else None, force=force)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    rows = ", ".join(f"{n} {table}" for table, n in restored.counts.items())
    ctx.progress(f"restored the state database from {restored.path} ({restored.modified}): {rows}")


EXECUTOR = click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where documents are read and analysed: this machine's cores, or a Dask cluster.",
)
SCHEDULER = click.option(
    "--scheduler",
    metavar="ADDR",
    envvar="BRIEFING_DASK_SCHEDULER",
    help="Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 [env: BRIEFING_DASK_SCHEDULER].",
)


def _executor(kind: str, scheduler: str | None) -> Any:
    """``None`` for this machine (the library's default), else a connected Dask executor."""
    if kind == "local":
        return None
    from briefing.executors import make_executor

    return make_executor(kind, scheduler)


@cli.command()
@click.argument("source", required=False, type=SOURCE_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the briefing model as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), help="Date of the briefing (default: today).")
@click.option("--title", callback=_header_text, help="Title of the briefing.")
@click.option(
    "--no-cache", is_flag=True, help="Read and analyse every document again; store nothing in the caches."
)
@click.option("--workers", type=click.IntRange(1, 64), help="Processes for analysis (default: one per core).")
@click.option(
    "--themes",
    "max_themes",
    type=click.IntRange(1, 30),
    help="At most this many themes (default 8; fewer when the sources argue fewer).",
)
@EXECUTOR
@SCHEDULER
@pass_ctx
def analyze(
    ctx: Context,
    source: str | None,
    as_json: bool,
    output: str | None,
    date: Any,
    title: str | None,
    no_cache: bool,
    workers: int | None,
    max_themes: int | None,
    executor: str,
    scheduler: str | None,
) -> None:
    """Compute the briefing model for SOURCE (default: seeds/): themes, company
    cases with figures, research questions with evidence, key takeaways.

    Without --json it prints a readable digest; the JSON is the stable model
    documented in the README.

    \b
    Examples:
      briefing analyze
      briefing analyze ~/clippings --json -o model.json
      briefing analyze ~/archive --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from briefing.pipeline import analyze_json as run
    from briefing.writers.text import digest

    pool = None
    try:
        pool = _executor(executor, scheduler)
        model, model_json = run(
            _source(source),
            date=date.date() if date else None,
            title=title,
            use_cache=not no_cache,
            workers=workers,
            progress=ctx.progress,
            counter=ctx.counter(),
            executor=pool,
            max_themes=max_themes,
        )
        if as_json and model_json is not None and output:
            from briefing.writers import write_atomic

            write_atomic(Path(output), model_json)  # as _dump writes it, encoded once for the cache
        elif as_json:
            _dump(model.to_dict(), output)
        elif output:
            from briefing.writers import write_atomic

            write_atomic(Path(output), digest(model).encode("utf-8"))
        else:
            click.echo(digest(model, _digest_width()), nl=False)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    finally:
        if pool is not None:
            pool.close()
    if output:
        ctx.progress(f"wrote {output}")


@cli.command()
@click.argument("source", required=False, type=SOURCE_PATH)
@click.option(
    "--out",
    "out",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the briefing files.",
)
@click.option(
    "--format",
    "formats",
    type=CommaChoice(("pdf", "docx")),
    default="pdf,docx",
    show_default=True,
    help="One or more of pdf, docx, comma-separated.",
)
@click.option("--template", help="Template name (in ./templates or bundled) or path to a .md.j2 file.")
@click.option(
    "--date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of the briefing and of its file names (default: today).",
)
@click.option("--title", callback=_header_text, help="Title of the briefing.")
@click.option(
    "--font",
    envvar="BRIEFING_FONT",
    type=click.Path(dir_okay=False),
    help="Regular TrueType font to use instead of the bundled one [env: BRIEFING_FONT].",
)
@click.option(
    "--bold-font",
    envvar="BRIEFING_FONT_BOLD",
    type=click.Path(dir_okay=False),
    help="Bold TrueType font [env: BRIEFING_FONT_BOLD].",
)
@click.option(
    "--no-cache", is_flag=True, help="Read and analyse every document again; store nothing in the caches."
)
@click.option("--workers", type=click.IntRange(1, 64), help="Processes for analysis (default: one per core).")
@click.option(
    "--themes",
    "max_themes",
    type=click.IntRange(1, 30),
    help="At most this many themes (default 8; fewer when the sources argue fewer).",
)
@EXECUTOR
@SCHEDULER
@click.option(
    "-q",
    "--quiet",
    "quiet_here",
    is_flag=True,
    help="Print nothing but warnings and errors (as briefing -q).",
)
@pass_ctx
def generate(
    ctx: Context,
    source: str | None,
    out: str,
    formats: tuple[str, ...],
    template: str | None,
    date: Any,
    title: str | None,
    font: str | None,
    bold_font: str | None,
    no_cache: bool,
    workers: int | None,
    max_themes: int | None,
    executor: str,
    scheduler: str | None,
    quiet_here: bool,
) -> None:
    """Generate the briefing for SOURCE (default: seeds/) as PDF and DOCX.

    Files are named after the date (output/briefing-YYYY-MM-DD.pdf) and the
    model is written beside them as JSON. A run that fails writes nothing.

    \b
    Examples:
      briefing generate
      briefing generate ~/clippings --out ~/briefings --date 2026-11-23 --format pdf
      briefing generate --template my-briefing.md.j2 --title "产业互联网周报"
      briefing generate ~/archive --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from briefing.fonts import default_fonts, load_fonts
    from briefing.pipeline import generate as run

    if quiet_here:
        ctx.quieten()
    pool = None
    try:
        fonts = load_fonts(font, bold_font) if (font or bold_font) else default_fonts()
        pool = _executor(executor, scheduler)
        result = run(
            _source(source),
            Path(out),
            formats=formats,
            template=template,
            date=date.date() if date else None,
            title=title,
            fonts=fonts,
            use_cache=not no_cache,
            workers=workers,
            progress=ctx.progress,
            counter=ctx.counter(),
            executor=pool,
            max_themes=max_themes,
        )
    except BriefingError as exc:
        raise CommandError(exc) from exc
    finally:
        if pool is not None:
            pool.close()
    if ctx.quiet:  # -q is for cron and scripts: nothing but warnings and errors
        return
    for kind in ("pdf", "docx", "json"):
        if kind in result.files:
            click.echo(str(result.files[kind]))


def _terminate(_signum: int, _frame: Any) -> None:
    """SIGTERM (``timeout``, systemd, ``kill``): unwind, so that worker processes are
    stopped and temporary files removed; a second SIGTERM ends the process at once."""
    _sigterm.set()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated()


# Set by the first SIGTERM: a run that was told to stop never reports success,
# even where the exception could not unwind (a library that swallows it).
_sigterm = threading.Event()


def main() -> None:
    """Console entry point: :func:`run`, then the process ends at once with its
    exit code (:func:`_end`), without the interpreter's tear-down. Code that runs
    the command line in its own process calls :func:`run`."""
    try:
        run()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    _end(code)


def _end(code: Any) -> None:
    """End the process with ``code`` (as ``sys.exit`` would) once the command is done.

    Python's own tear-down frees every object one by one: after a cold
    ``generate`` (jieba's 500,000-word dictionary, the data files, the
    analyses, compiled patterns) that took 0.2-0.5 s, a fifth of bare jieba's
    whole run, for memory the system takes back at once anyway. So, the work
    done and its files written and closed: the exit handlers run (logging's
    flush, multiprocessing's clean-up of children, ``weakref.finalize`` and
    ``atexit`` callbacks), stdout and stderr are flushed, and the process ends
    with ``os._exit``. Where the interpreter has no such hook, or a handler
    fails, it exits the ordinary way.
    """
    import atexit
    import os

    status = code if isinstance(code, int) else 0 if code is None else 1
    if not isinstance(code, int) and code is not None:
        print(code, file=sys.stderr)  # what sys.exit("message") prints
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None:
        sys.exit(status)
    try:
        run_handlers()
    except BaseException:  # the ordinary exit reports it
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or its reader gone
            stream.flush()
    os._exit(status)


def run() -> None:
    """The command line in this process, for :func:`main`: its outcome is the
    ``SystemExit`` raised with the exit code (never a traceback, always a
    one-line error)."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="briefing", standalone_mode=True)
    except SystemExit as exc:
        if _sigterm.is_set() and exc.code in (0, None):
            click.echo("terminated", err=True)
            sys.exit(128 + signal.SIGTERM)
        raise
    except Terminated:
        click.echo("terminated", err=True)
        sys.exit(128 + signal.SIGTERM)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        log.debug("internal error", exc_info=True)
        click.echo(
            f"Error: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
            err=True,
        )
        sys.exit(70)
