"""Command-line interface: thin commands over the library.

Each command parses options, calls the library, prints the result and turns
the library's own exceptions into one-line errors with the documented exit
code. Progress goes to stderr and ``--quiet`` silences it.
"""

from __future__ import annotations

import json
import logging
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from briefing import __version__
from briefing.errors import BriefingError

log = logging.getLogger("briefing")


class CommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: BriefingError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class Context:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def progress(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def counter(self) -> Callable[[int, int], None]:
        """A progress bar on stderr for runs that take more than a moment."""
        import time

        start = time.monotonic()
        state = {"shown": -1}
        tty = sys.stderr.isatty()

        def update(done: int, total: int) -> None:
            if self.quiet or total == 0 or (time.monotonic() - start < 1.0 and done < total):
                return
            percent = done * 100 // total
            if tty:
                bar = "#" * (percent // 4)
                click.echo(f"\ranalysing [{bar:<25}] {done}/{total}", err=True, nl=done == total)
            elif total >= 50 and (percent // 25 != state["shown"] or done == total):
                state["shown"] = percent // 25
                click.echo(f"analysed {done}/{total} documents", err=True)

        return update


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Log details on stderr.")
@click.version_option(__version__, prog_name="briefing")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn a folder of industry sources into a cited executive briefing.

    \b
    Example:
      briefing generate seeds --date 2026-11-23
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
        stream=sys.stderr,
    )
    for noisy in ("jieba", "fontTools", "PIL", "mail.log", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    ctx.obj = Context(quiet)


def _source(source: str | None) -> Path:
    from briefing.readers import default_source

    return Path(source) if source else default_source()


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    out, used = "", 0
    for c in text:
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > width - (1 if len(text) > len(out) + 1 else 0):
            return out + "…" + " " * (width - used - 1)
        out += c
        used += w
    return out + " " * (width - used)


def table(headers: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A plain-text table that lines up Chinese (double-width) characters."""
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _dump(data: Any, output: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output:
        from briefing.writers import write_atomic

        write_atomic(Path(output), text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("source", required=False, type=click.Path(file_okay=False))
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
        result = read_corpus(_source(source), progress=lambda p: ctx.progress(f"read {p}"))
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


def _state_db() -> Any:
    """An open connection to the state database (``BRIEFING_HOME``), closed on exit."""
    import contextlib

    from briefing.state import connect

    return contextlib.closing(connect())


RECIPIENTS = click.option(
    "--to",
    "recipients",
    multiple=True,
    required=True,
    metavar="ADDR",
    help="Recipient address; repeat for more.",
)


@cli.command("send")
@click.argument("pdf", metavar="FILE.pdf", type=click.Path(dir_okay=False))
@RECIPIENTS
@click.option("--subject", metavar="TEXT", help="Subject (default: the briefing's title and date).")
@click.option("--dry-run", is_flag=True, help="Write the .eml to <state>/outbox, send nothing.")
@pass_ctx
def send_command(
    ctx: Context, pdf: str, recipients: tuple[str, ...], subject: str | None, dry_run: bool
) -> None:
    """Mail FILE.pdf, with the briefing's key takeaways as the body.

    The takeaways come from the model JSON written beside the PDF (same name,
    .json). SMTP settings come from the environment: BRIEFING_SMTP_HOST,
    BRIEFING_SMTP_PORT, BRIEFING_SMTP_SECURITY (starttls, ssl or none),
    BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD, BRIEFING_SMTP_FROM. Prints the
    Message-ID (or, with --dry-run, the .eml written). Exit code 7 when the
    mail could not be delivered, 8 when a setting is missing or invalid.

    \b
    Example:
      briefing send output/briefing-2026-11-23.pdf --to ceo@example.com --dry-run
    """
    from briefing.mail import send_pdf

    try:
        result = send_pdf(Path(pdf), list(recipients), subject=subject, dry_run=dry_run)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    if result.eml is not None:
        ctx.progress(f"dry run: wrote the mail for {', '.join(result.recipients)}; sent nothing")
        click.echo(str(result.eml))
    else:
        ctx.progress(f"sent to {', '.join(result.recipients)}")
        click.echo(result.message_id)


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
    type=click.Path(file_okay=False),
    help="Source folder (default: seeds/ here, else the bundled sample).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Output folder (default: <state>/editions/NAME).",
)
@click.option("--template", metavar="NAME|PATH", help="Template for the editions.")
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
) -> None:
    """Add schedule NAME: an edition per period, mailed to every --to address.

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
        with _state_db() as conn:
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
@click.option("--now", metavar="ISO-8601", help="Act as if it were this time, e.g. 2026-11-23T08:00+08:00.")
@pass_ctx
def schedule_run_due(ctx: Context, now: str | None) -> None:
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
    from briefing.schedule import parse_now, run_due

    try:
        report = run_due(parse_now(now) if now else None, progress=ctx.progress)
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
        with _state_db() as conn:
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
@click.argument("source", required=False, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the briefing model as JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), help="Date of the briefing (default: today).")
@click.option("--title", help="Title of the briefing.")
@click.option(
    "--no-cache", is_flag=True, help="Read and analyse every document again; store nothing in the caches."
)
@click.option("--workers", type=click.IntRange(1, 64), help="Processes for analysis (default: one per core).")
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
    from briefing.pipeline import analyze as run
    from briefing.writers.text import digest

    pool = None
    try:
        pool = _executor(executor, scheduler)
        model = run(
            _source(source),
            date=date.date() if date else None,
            title=title,
            use_cache=not no_cache,
            workers=workers,
            progress=ctx.progress,
            counter=ctx.counter(),
            executor=pool,
        )
        if as_json:
            _dump(model.to_dict(), output)
        elif output:
            from briefing.writers import write_atomic

            write_atomic(Path(output), digest(model).encode("utf-8"))
        else:
            click.echo(digest(model), nl=False)
    except BriefingError as exc:
        raise CommandError(exc) from exc
    finally:
        if pool is not None:
            pool.close()
    if output:
        ctx.progress(f"wrote {output}")


@cli.command()
@click.argument("source", required=False, type=click.Path(file_okay=False))
@click.option(
    "--out",
    "out",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the briefing files.",
)
@click.option(
    "--format", "formats", default="pdf,docx", show_default=True, help="Comma-separated: pdf, docx."
)
@click.option("--template", help="Template name (in ./templates or bundled) or path to a .md.j2 file.")
@click.option(
    "--date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of the briefing and of its file names (default: today).",
)
@click.option("--title", help="Title of the briefing.")
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
@EXECUTOR
@SCHEDULER
@click.option("-q", "--quiet", "quiet_here", is_flag=True, help="No progress messages.")
@pass_ctx
def generate(
    ctx: Context,
    source: str | None,
    out: str,
    formats: str,
    template: str | None,
    date: Any,
    title: str | None,
    font: str | None,
    bold_font: str | None,
    no_cache: bool,
    workers: int | None,
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

    progress = (lambda _m: None) if quiet_here else ctx.progress
    pool = None
    try:
        fonts = load_fonts(font, bold_font) if (font or bold_font) else default_fonts()
        pool = _executor(executor, scheduler)
        result = run(
            _source(source),
            Path(out),
            formats=tuple(f.strip().lower() for f in formats.split(",") if f.strip()),
            template=template,
            date=date.date() if date else None,
            title=title,
            fonts=fonts,
            use_cache=not no_cache,
            workers=workers,
            progress=progress,
            counter=ctx.counter() if not quiet_here else None,
            executor=pool,
        )
    except BriefingError as exc:
        raise CommandError(exc) from exc
    finally:
        if pool is not None:
            pool.close()
    for kind in ("pdf", "docx", "json"):
        if kind in result.files:
            click.echo(str(result.files[kind]))


def main() -> None:
    """Console entry point: never a traceback, always a one-line error."""
    try:
        cli.main(prog_name="briefing", standalone_mode=True)
    except SystemExit:
        raise
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
