"""``-q`` prints nothing but warnings and errors, command by command.

A command's result (a table, JSON, a digest, a check's report, the mails
``send`` made) is what it was asked for and stays; progress, cache counts and the list of files written go.
Both spellings count: ``briefing -q generate`` and ``briefing generate -q``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli

try:
    from test_cli import ARTICLE
    from test_mail import SmtpServer
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_cli import ARTICLE
    from tests.test_mail import SmtpServer


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "storage.txt").write_text(ARTICLE, "utf-8")
    return folder


def _quiet(*args: str | Path) -> tuple[str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize("where", ["group", "command"])
def test_generate_quiet_prints_nothing_cold_or_warm(where: str, src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = ["generate", src, "--out", out, "--date", "2026-11-23", "--format", "pdf"]
    args = ["-q", *command] if where == "group" else [*command, "-q"]
    cold = _quiet(*args)
    warm = _quiet(*args)  # documents, analyses and the rendered file come from the caches
    assert cold == ("", "")
    assert warm == ("", "")
    assert (out / "briefing-2026-11-23.pdf").is_file()
    loud = CliRunner().invoke(cli, [str(a) for a in command])
    assert "from the cache" in loud.stderr  # the lines -q removes exist without it
    assert str(out / "briefing-2026-11-23.pdf") in loud.stdout


def test_generate_quiet_keeps_warnings(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from briefing import pipeline

    real = pipeline.generate

    def warn_then_generate(*args, **kwargs):
        logging.getLogger("briefing.pipeline").warning("a warning a user must see")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "generate", warn_then_generate)
    result = CliRunner().invoke(
        cli, ["generate", str(src), "--out", str(tmp_path / "o"), "--format", "pdf", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "warning: a warning a user must see\n"
    assert result.stdout == ""


def test_generate_quiet_with_v_still_logs(src: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-v", "generate", str(src), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0, result.output
    assert "INFO briefing" in result.stderr  # -v asked for the log: the command's -q does not take it away


def test_other_commands_quiet(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = SmtpServer().start()
    try:
        server.env(monkeypatch, BACKOFF="0")
        out = tmp_path / "out"
        _quiet("-q", "generate", src, "--out", out, "--date", "2026-11-23", "--format", "pdf")
        pdf = out / "briefing-2026-11-23.pdf"

        # Commands whose whole output is progress print nothing at all.
        silent = [
            ["analyze", src, "--json", "-o", tmp_path / "model.json"],
            ["analyze", src, "-o", tmp_path / "digest.txt"],
            [
                "schedule",
                "add",
                "weekly",
                "--cron",
                "0 8 * * MON",
                "--tz",
                "UTC",
                "--to",
                "a@example.com",
                "--source",
                src,
                "--out",
                tmp_path / "editions",
            ],
            ["schedule", "run-due", "--now", "2026-11-23T08:30:00+00:00"],  # generates, mails, backs up
            ["cache", "clear"],
            ["state", "restore", "--force"],
        ]
        for args in silent:
            assert _quiet("-q", *args) == ("", ""), args
        assert len(server.messages) == 1

        # Commands that report print their report, and nothing on stderr; send's report is
        # each .eml written (with --dry-run) or each Message-ID, as its help says.
        reports = [
            ["corpus", src],
            ["analyze", src],
            ["send", pdf, "--to", "ceo@example.com", "--dry-run"],
            ["schedule", "list"],
            ["editions", "list"],
            ["editions", "render", "2026-W48", "--schedule", "weekly", "--out", tmp_path / "again"],
            ["state", "check"],
        ]
        for args in reports:
            stdout, stderr = _quiet("-q", *args)
            assert stdout and stderr == "", args
        assert _quiet("-q", "schedule", "remove", "weekly") == ("", "")
    finally:
        server.stop()
