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


def main() -> None:
    """Console entry point: never a traceback, always a one-line error."""
    try:
        cli.main(prog_name="briefing", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one broad catch, at the top of the CLI
        log.debug("internal error", exc_info=True)
        click.echo(f"Error: internal error: {type(exc).__name__}: {exc} (run with -v for details)", err=True)
        sys.exit(70)
