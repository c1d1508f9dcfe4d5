"""Schedules: cron in IANA zones, run-due, the delivery ledger, catch-up, the run lock.

Mail goes to a real SMTP server on loopback (aiosmtpd). Time is replayed with
``now=``/``--now``; backoff sleeps are injected (or set to 0), so no test waits
for a real time. The library-level tests use a fake ``generate`` that writes a
small real PDF; the end-to-end tests at the bottom go through the real CLI and
the real ``pipeline.generate``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing import schedule as sched
from briefing.cli import cli
from briefing.editions import list_editions
from briefing.errors import ConfigError, DeliveryError, LockedError
from briefing.state import DB_NAME, connect, run_lock

try:
    from test_editions import FakeGenerate, write_article
    from test_mail import PASSWORD, SMTP_ENV, SmtpServer, check_login
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_editions import FakeGenerate, write_article
    from tests.test_mail import PASSWORD, SMTP_ENV, SmtpServer, check_login

UTC = dt.UTC
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def at(text: str) -> dt.datetime:
    """An aware datetime from ISO text."""
    return sched.parse_now(text)


# --------------------------------------------------------------- cron and zones


def test_validation_of_names_cron_and_zones() -> None:
    assert sched.check_cron("0  8 * *   MON") == "0 8 * * MON"
    for bad in ("0 8 * *", "0 8 * * MON *", "61 8 * * *", "0 8 * * FUNDAY"):
        with pytest.raises(ConfigError, match="invalid cron expression"):
            sched.check_cron(bad)
    assert str(sched.check_zone("Asia/Shanghai")) == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "CST+8", "/etc/passwd", ""):
        with pytest.raises(ConfigError, match="unknown time zone"):
            sched.check_zone(bad)
    for bad in ("", "has space", "../up", "a" * 65):
        with pytest.raises(ConfigError, match="invalid schedule name"):
            sched.check_name(bad)
    with pytest.raises(ConfigError, match="UTC offset"):
        sched.parse_now("2026-11-23T08:00:00")
    with pytest.raises(ConfigError, match="not an ISO 8601 time"):
        sched.parse_now("next monday")


def test_shanghai_versus_utc() -> None:
    # 08:00 in Shanghai is midnight UTC
    due = sched.last_due("0 8 * * MON", "Asia/Shanghai", at("2026-11-23T00:00:00Z"))
    assert due == at("2026-11-23T08:00:00+08:00")
    assert due is not None and due.utcoffset() == dt.timedelta(hours=8)
    earlier = sched.last_due("0 8 * * MON", "Asia/Shanghai", at("2026-11-22T23:59:59Z"))
    assert earlier == at("2026-11-16T08:00:00+08:00")
    # the same expression in UTC fires eight hours later
    assert sched.last_due("0 8 * * MON", "UTC", at("2026-11-23T07:59:00Z")) == at("2026-11-16T08:00:00Z")
    assert sched.last_due("0 8 * * MON", "UTC", at("2026-11-23T08:00:00Z")) == at("2026-11-23T08:00:00Z")
    assert sched.next_due("0 8 * * MON", "Asia/Shanghai", at("2026-11-23T00:00:00Z")) == at(
        "2026-11-30T08:00:00+08:00"
    )


def test_dst_berlin_0230_across_the_march_and_october_changes() -> None:
    cron, tz = "30 2 * * *", "Europe/Berlin"
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST, 02:30 does not exist: it runs at 03:00
    assert sched.last_due(cron, tz, at("2026-03-29T00:59:00Z")) == at("2026-03-28T02:30:00+01:00")
    assert sched.last_due(cron, tz, at("2026-03-29T01:00:00Z")) == at("2026-03-29T03:00:00+02:00")
    assert sched.next_due(cron, tz, at("2026-03-28T02:00:00Z")) == at("2026-03-29T03:00:00+02:00")
    # the day after, 02:30 CEST again (00:30 UTC)
    assert sched.last_due(cron, tz, at("2026-03-30T00:30:00Z")) == at("2026-03-30T02:30:00+02:00")
    # 2026-10-25: 02:30 happens twice (CEST, then CET); it runs once, at the first
    assert sched.last_due(cron, tz, at("2026-10-25T00:29:00Z")) == at("2026-10-24T02:30:00+02:00")
    first = at("2026-10-25T02:30:00+02:00")
    for moment in ("2026-10-25T00:30:00Z", "2026-10-25T01:29:00Z", "2026-10-25T01:31:00Z"):
        due = sched.last_due(cron, tz, at(moment))
        # (times in a fold never compare equal across zones: compare in UTC)
        assert due is not None and due.astimezone(UTC) == first.astimezone(UTC), moment
        assert due.utcoffset() == dt.timedelta(hours=2)
    assert sched.next_due(cron, tz, first) == at("2026-10-26T02:30:00+01:00")


def test_period_kind_follows_how_often_the_cron_fires() -> None:
    assert sched.period_kind("0 8 * * MON", "Asia/Shanghai") == "week"
    assert sched.period_kind("0 9 1 * *", "UTC") == "week"
    assert sched.period_kind("0 8 * * MON,THU", "UTC") == "day"
    assert sched.period_kind("30 2 * * *", "Europe/Berlin") == "day"


# ---------------------------------------------------------------------- fixtures


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh state folder in ``BRIEFING_HOME``; no SMTP settings in the environment."""
    state = tmp_path / "state"
    monkeypatch.setenv("BRIEFING_HOME", str(state))
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    return state


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small source folder: one dated article and one undated note."""
    folder = tmp_path / "src"
    write_article(folder, "a.md", "2026-11-20", "Cloud grew.\n\nMore cloud.\n")
    write_article(folder, "standing.md", None, "An undated note.\n")
    return folder


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """A started loopback SMTP server."""
    smtp = SmtpServer().start()
    yield smtp
    smtp.stop()


def add_weekly(home: Path, source: Path, recipients: list[str] | None = None, **kw: Any) -> Any:
    """``weekly``: Mondays 08:00 Asia/Shanghai."""
    with closing(connect(home)) as conn:
        found = sched.add_schedule(
            conn,
            kw.pop("name", "weekly"),
            cron=kw.pop("cron", "0 8 * * MON"),
            tz=kw.pop("tz", "Asia/Shanghai"),
            recipients=recipients or ["ceo@example.com"],
            source=source,
            home=home,
            **kw,
        )
    return found


def ledger(home: Path) -> list[sqlite3.Row]:
    """All delivery rows with their edition's period."""
    conn = connect(home)
    rows = conn.execute(
        "SELECT e.period, d.* FROM deliveries d JOIN editions e ON e.id = d.edition ORDER BY d.id"
    ).fetchall()
    conn.close()
    return rows


class Runner:
    """``run_due`` with a fake generate, a sleep recorder and the server's settings."""

    def __init__(self, home: Path, server: SmtpServer, **settings: Any) -> None:
        self.home = home
        self.server = server
        self.generate = FakeGenerate()
        self.sleeps: list[float] = []
        self.messages: list[str] = []
        self.settings = settings

    def __call__(self, now: str) -> sched.RunReport:
        return sched.run_due(
            at(now),
            home=self.home,
            generate=self.generate,
            sleep=self.sleeps.append,
            settings=self.server.settings(**self.settings),
            progress=self.messages.append,
        )


# ---------------------------------------------------------------------- run-due


def test_weekly_schedule_delivers_once_per_week_and_coalesces_missed_weeks(
    home: Path, source: Path, server: SmtpServer
) -> None:
    schedule = add_weekly(home, source, ["ceo@example.com", "cfo@example.com"])
    run = Runner(home, server)

    report = run("2026-11-23T08:05:00+08:00")
    assert report.generated == ["weekly 2026-W48"]
    assert sorted(report.sent) == ["weekly 2026-W48 → ceo@example.com", "weekly 2026-W48 → cfo@example.com"]
    assert sorted(m["To"] for m in server.messages) == ["ceo@example.com", "cfo@example.com"]
    pdf = Path(schedule.out) / "weekly-2026-W48.pdf"
    attachment = next(server.messages[0].iter_attachments())
    assert attachment.get_filename() == "Weekly briefing-2026-11-23.pdf"  # the briefing's title and date
    assert attachment.get_param("name") == "weekly-2026-W48.pdf"  # the ASCII fallback
    assert attachment.get_content() == pdf.read_bytes()
    assert "first edition" in server.messages[0].get_body(("plain",)).get_content()
    assert len(run.generate.calls) == 2  # draft + edition

    # re-runs in the same week: nothing generated, nothing sent
    for moment in ("2026-11-23T08:05:00+08:00", "2026-11-26T12:00:00+08:00", "2026-11-30T07:59:00+08:00"):
        report = run(moment)
        assert (report.generated, report.sent) == ([], [])
    assert len(server.messages) == 2 and len(run.generate.calls) == 2

    # next week: one more edition, one more mail each, with what changed
    write_article(source, "b.md", "2026-11-27", "Retail moved.\n")
    report = run("2026-11-30T08:00:00+08:00")
    assert report.generated == ["weekly 2026-W49"] and len(report.sent) == 2
    body = server.messages[-1].get_body(("plain",)).get_content()
    assert "Since the previous edition (2026-W48)" in body and "1 new document(s)" in body

    # W50 is missed entirely; the W51 run catches up once, coalesced
    report = run("2026-12-16T20:00:00+08:00")
    assert report.generated == ["weekly 2026-W51"] and len(report.sent) == 2
    assert any("missed 2026-W50; coalesced into 2026-W51" in m for m in run.messages)
    assert run("2026-12-17T09:00:00+08:00").sent == []
    assert len(server.messages) == 6

    with closing(connect(home)) as conn:
        found = list_editions(conn, "weekly")
    assert [(e.period, e.previous_period) for e in found] == [
        ("2026-W48", None),
        ("2026-W49", "2026-W48"),
        ("2026-W51", "2026-W49"),
    ]
    assert all(e.deliveries == {"sent": 2} for e in found)
    rows = ledger(home)
    assert all(r["attempts"] == 1 and r["status"] == "sent" for r in rows)
    assert len({r["message_id"] for r in rows}) == 6
    assert {r["message_id"] for r in rows} == {m["Message-ID"] for m in server.messages}
    assert run.sleeps == []


def test_server_down_fails_cleanly_then_delivers_exactly_once(
    home: Path, source: Path, server: SmtpServer
) -> None:
    schedule = add_weekly(home, source)
    run = Runner(home, server)
    server.stop()

    with pytest.raises(sched.RunFailed) as caught:
        run("2026-11-23T08:30:00+08:00")
    error = caught.value
    assert error.exit_code == DeliveryError.exit_code
    assert "\n" not in str(error)
    assert "connection refused" in str(error) and "will retry on the next run" in str(error)
    assert error.report.generated == ["weekly 2026-W48"] and error.report.sent == []
    assert run.sleeps == [5.0, 10.0]  # three attempts with exponential backoff, not slept
    pdf = Path(schedule.out) / "weekly-2026-W48.pdf"
    assert pdf.is_file()  # the PDF stays
    (row,) = ledger(home)
    assert (row["status"], row["attempts"]) == ("failed-transient", 3)
    assert "connection refused" in row["last_error"]

    server.start()  # back, on the same port
    report = run("2026-11-23T09:00:00+08:00")
    assert report.generated == [] and report.sent == ["weekly 2026-W48 → ceo@example.com"]
    assert len(run.generate.calls) == 2  # not regenerated
    assert run("2026-11-23T10:00:00+08:00").sent == []
    assert len(server.messages) == 1
    (row,) = ledger(home)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 4, None)
    assert server.messages[0]["Message-ID"] == row["message_id"]


def test_transient_reply_is_retried_on_the_next_run(home: Path, source: Path, server: SmtpServer) -> None:
    add_weekly(home, source)
    run = Runner(home, server)
    server.handler.data_reply = "451 4.3.0 try again later"
    with pytest.raises(sched.RunFailed, match=r"451 4\.3\.0"):
        run("2026-11-23T08:30:00+08:00")
    assert ledger(home)[0]["status"] == "failed-transient"
    server.handler.data_reply = None
    assert len(run("2026-11-24T08:30:00+08:00").sent) == 1
    assert len(server.messages) == 1


def test_permanent_failure_is_reported_and_not_retried(home: Path, source: Path, server: SmtpServer) -> None:
    add_weekly(home, source, ["gone@example.com", "ceo@example.com"])
    server.handler.refuse = {"gone@example.com"}
    run = Runner(home, server)
    with pytest.raises(sched.RunFailed, match=r"gone@example.com.*550.*not retried") as caught:
        run("2026-11-23T08:30:00+08:00")
    assert caught.value.report.sent == ["weekly 2026-W48 → ceo@example.com"]
    assert run.sleeps == []
    rows = {r["recipient"]: r for r in ledger(home)}
    assert rows["gone@example.com"]["status"] == "failed-permanent"
    assert rows["gone@example.com"]["attempts"] == 1
    # the next run neither retries it blindly nor re-sends to the other recipient
    server.handler.refuse = set()
    report = run("2026-11-24T08:30:00+08:00")
    assert report.sent == [] and len(server.messages) == 1
    assert {r["recipient"]: r["attempts"] for r in ledger(home)} == {
        "gone@example.com": 1,
        "ceo@example.com": 1,
    }


def test_missing_smtp_settings_keep_the_edition_and_deliver_later(
    home: Path, source: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule = add_weekly(home, source)
    generate = FakeGenerate()
    with pytest.raises(sched.RunFailed, match="BRIEFING_SMTP_HOST is not set") as caught:
        sched.run_due(at("2026-11-23T08:30:00+08:00"), home=home, generate=generate)
    assert caught.value.exit_code == ConfigError.exit_code
    assert (Path(schedule.out) / "weekly-2026-W48.pdf").is_file()
    server.env(monkeypatch, BACKOFF="0")
    report = sched.run_due(at("2026-11-23T08:45:00+08:00"), home=home, generate=generate)
    assert report.sent == ["weekly 2026-W48 → ceo@example.com"] and len(generate.calls) == 2


def test_password_never_in_ledger_logs_or_errors(
    home: Path, source: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add_weekly(home, source, ["a@example.com"])
    add_weekly(home, source, ["b@example.com"], name="second")
    auth = SmtpServer(authenticator=check_login, auth_require_tls=False).start()
    try:
        bad = Runner(home, auth, user="user", password=PASSWORD + "-wrong")
        with pytest.raises(sched.RunFailed, match="authentication failed") as caught:
            bad("2026-11-23T08:30:00+08:00")
        # permanent failures are not retried blindly, even with the right password
        good = Runner(home, auth, user="user", password=PASSWORD)
        assert good("2026-11-23T08:45:00+08:00").sent == []
    finally:
        auth.stop()
    assert [r["status"] for r in ledger(home)] == ["failed-permanent", "failed-permanent"]
    assert all("535" in r["last_error"] for r in ledger(home))
    secrets = set(bad.server.settings(**bad.settings).secrets())
    secrets |= set(good.server.settings(**good.settings).secrets())
    stored = b"".join(p.read_bytes() for p in home.glob(f"{DB_NAME}*"))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("briefing"))
    shown = str(caught.value) + "\n".join(bad.messages + good.messages)
    for secret in secrets:
        assert secret.encode() not in stored
        assert secret not in ours and secret not in shown


def test_good_password_delivers_and_is_not_stored(home: Path, source: Path) -> None:
    add_weekly(home, source, ["a@example.com"])
    auth = SmtpServer(authenticator=check_login, auth_require_tls=False).start()
    try:
        run = Runner(home, auth, user="user", password=PASSWORD)
        assert len(run("2026-11-23T08:30:00+08:00").sent) == 1
    finally:
        auth.stop()
    stored = b"".join(p.read_bytes() for p in home.glob(f"{DB_NAME}*"))
    assert PASSWORD.encode() not in stored and len(auth.messages) == 1


def test_daily_schedule_across_the_berlin_spring_change(home: Path, source: Path, server: SmtpServer) -> None:
    add_weekly(home, source, name="daily", cron="30 2 * * *", tz="Europe/Berlin")
    run = Runner(home, server)
    assert run("2026-03-28T01:35:00Z").generated == ["daily 2026-03-28"]
    assert run("2026-03-29T00:59:00Z").generated == []  # 01:59 CET: not yet
    assert run("2026-03-29T01:00:00Z").generated == ["daily 2026-03-29"]  # 03:00 CEST
    assert run("2026-03-29T23:00:00Z").generated == []
    assert run("2026-03-30T00:30:00Z").generated == ["daily 2026-03-30"]  # 02:30 CEST
    assert len(server.messages) == 3


# -------------------------------------------------------------------------- lock


def test_a_second_run_while_the_lock_is_held_fails(home: Path, source: Path) -> None:
    add_weekly(home, source)
    with run_lock(home):
        with pytest.raises(LockedError, match="another run holds the lock"):
            sched.run_due(at("2026-11-23T08:30:00+08:00"), home=home, generate=FakeGenerate())
        result = CliRunner().invoke(cli, ["schedule", "run-due", "--now", "2026-11-23T08:30:00+08:00"])
        assert result.exit_code == LockedError.exit_code
        assert result.output.count("\n") == 1 and "another run holds the lock" in result.output
    with run_lock(home):  # released after the block
        pass


def test_the_lock_is_released_when_its_holder_is_killed(home: Path) -> None:
    holder = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from briefing.state import run_lock
        with run_lock(Path({str(home)!r})):
            print("locked", flush=True)
            sys.stdin.read()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
            with pytest.raises(LockedError), run_lock(home):
                pass
            os.kill(proc.pid, signal.SIGKILL)  # no clean-up code runs
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    with run_lock(home) as path:
        assert path.name == "run.lock"


# --------------------------------------------------------------------------- CLI


def test_schedule_add_list_remove_cli(home: Path, source: Path) -> None:
    runner = CliRunner()
    add = [
        "schedule", "add", "weekly", "--cron", "0 8 * * MON", "--tz", "Asia/Shanghai",
        "--to", "ceo@example.com", "--to", "cfo@example.com", "--source", str(source), "--no-smtp-check",
    ]  # fmt: skip
    result = runner.invoke(cli, add)
    assert result.exit_code == 0, result.output
    assert "added schedule weekly" in result.output
    result = runner.invoke(cli, add)
    assert result.exit_code == ConfigError.exit_code and "exists" in result.output

    result = runner.invoke(cli, ["schedule", "list"])
    assert result.exit_code == 0
    assert "weekly" in result.output and "Asia/Shanghai" in result.output
    result = runner.invoke(cli, ["schedule", "list", "--json"])
    (listed,) = json.loads(result.stdout)
    assert listed["recipients"] == ["ceo@example.com", "cfo@example.com"]
    assert listed["source"] == str(source.resolve())
    assert listed["out"] == str((home / "editions" / "weekly").resolve())
    assert listed["next_due"].endswith("+08:00")

    for bad, message in (
        (["--cron", "0 8 * *"], "invalid cron expression"),
        (["--tz", "Asia/Beijing"], "unknown time zone"),
        (["--to", "nobody"], "not a mail address"),
    ):
        args = ["schedule", "add", "other", "--cron", "0 8 * * MON", "--tz", "UTC"]
        args += ["--to", "a@example.com", "--source", str(source), *bad]
        result = runner.invoke(cli, args)
        assert result.exit_code == ConfigError.exit_code, result.output
        assert message in result.output

    result = runner.invoke(cli, ["schedule", "run-due", "--now", "yesterday"])
    assert result.exit_code == 2 and "--now" in result.output  # wrong usage, like a bad --date
    assert runner.invoke(cli, ["schedule", "remove", "weekly"]).exit_code == 0
    result = runner.invoke(cli, ["schedule", "remove", "weekly"])
    assert result.exit_code == ConfigError.exit_code and "no schedule named" in result.output
    assert "0 schedule(s)" in runner.invoke(cli, ["schedule", "list"]).output


def test_run_due_cli_with_fake_generate(
    home: Path, source: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing import pipeline

    fake = FakeGenerate()
    monkeypatch.setattr(pipeline, "generate", fake)
    monkeypatch.setattr(pipeline, "analyze", fake.analyze)
    server.env(monkeypatch, BACKOFF="0")
    add_weekly(home, source)
    runner = CliRunner()
    now = ["schedule", "run-due", "--now", "2026-11-23T08:30:00+08:00"]
    result = runner.invoke(cli, now)
    assert result.exit_code == 0, result.output
    assert "1 edition(s) generated, 1 mail(s) sent" in result.output
    assert runner.invoke(cli, ["-q", *now]).output == ""
    server.stop()
    result = runner.invoke(cli, ["-q", "schedule", "run-due", "--now", "2026-11-30T08:30:00+08:00"])
    assert result.exit_code == DeliveryError.exit_code
    assert result.output.startswith("Error: weekly 2026-W49 → ceo@example.com: connection refused")
    assert result.output.count("\n") == 1
    assert len(server.messages) == 1


# ------------------------------------------------------------ end to end (real generate)


def _e2e_env(tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    source = tmp_path / "sources"
    shutil.copytree(SEEDS, source)
    server.env(monkeypatch, BACKOFF="0")
    return source


def _run_due(now: str) -> Any:
    return CliRunner().invoke(cli, ["-q", "schedule", "run-due", "--now", now])


def test_end_to_end_weekly_mailing(
    home: Path, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's "done when", through the CLI and the real pipeline."""
    source = _e2e_env(tmp_path, server, monkeypatch)
    out = tmp_path / "editions"
    result = CliRunner().invoke(
        cli,
        ["schedule", "add", "weekly", "--cron", "0 8 * * MON", "--tz", "Asia/Shanghai",
         "--to", "ceo@example.com", "--source", str(source), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    # first due time: one mail with the PDF
    result = _run_due("2026-11-23T08:05:00+08:00")
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 1
    (attachment,) = server.messages[0].iter_attachments()
    model = json.loads((out / "weekly-2026-W48.json").read_text("utf-8"))
    assert attachment.get_filename() == f"{model['title']}-2026-11-23.pdf"
    assert attachment.get_param("name") == "weekly-2026-W48.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert attachment.get_content() == (out / "weekly-2026-W48.pdf").read_bytes()

    # re-run in the same week: nothing more
    assert _run_due("2026-11-25T18:00:00+08:00").exit_code == 0
    assert len(server.messages) == 1

    # next week: one more
    (source / "zz_new_this_week.txt").write_text(
        "发布时间: 2026-11-27\n产业互联网平台本周新增客户超过10万家。\n", "utf-8"
    )
    assert _run_due("2026-11-30T08:01:00+08:00").exit_code == 0
    assert len(server.messages) == 2

    # a missed week (W50) is caught up once, without duplicates
    assert _run_due("2026-12-15T10:00:00+08:00").exit_code == 0
    assert _run_due("2026-12-16T10:00:00+08:00").exit_code == 0
    assert len(server.messages) == 3
    assert [re.search(r"\d{4}-W\d\d", m["Subject"]).group() for m in server.messages] == [
        "2026-W48",
        "2026-W49",
        "2026-W51",
    ]

    # server down: non-zero exit, one line, the PDF kept
    server.stop()
    result = _run_due("2026-12-21T08:30:00+08:00")
    assert result.exit_code == DeliveryError.exit_code
    assert result.output.count("\n") == 1 and "connection refused" in result.output
    assert (out / "weekly-2026-W52.pdf").is_file()

    # server back: delivered exactly once
    server.start()
    assert _run_due("2026-12-21T09:00:00+08:00").exit_code == 0
    assert _run_due("2026-12-21T09:15:00+08:00").exit_code == 0
    assert len(server.messages) == 4
    assert server.messages[-1]["Subject"] == "产业互联网简报（2026-W52）"  # the briefing's language
    assert "关键数据" in str(server.messages[-1].get_body(("plain",)).get_content())

    result = CliRunner().invoke(cli, ["editions", "list", "--schedule", "weekly"])
    assert result.exit_code == 0
    for period in ("2026-W48", "2026-W49", "2026-W51", "2026-W52"):
        assert period in result.output
    assert "2026-W50" not in result.output


def test_end_to_end_send_dry_run_with_a_generated_briefing(
    home: Path, tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``send --dry-run`` on a real edition: an .eml in the outbox, nothing sent."""
    source = _e2e_env(tmp_path, server, monkeypatch)
    add_weekly(home, source, out=tmp_path / "editions")
    server.stop()
    assert _run_due("2026-11-23T08:05:00+08:00").exit_code == DeliveryError.exit_code
    pdf = tmp_path / "editions" / "weekly-2026-W48.pdf"
    result = CliRunner().invoke(cli, ["send", str(pdf), "--to", "ceo@example.com", "--dry-run"])
    assert result.exit_code == 0, result.output
    (eml,) = (home / "outbox").glob("*.eml")
    assert eml.read_bytes().count(b"Content-Type: application/pdf") == 1
    assert server.messages == []
