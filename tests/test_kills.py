"""Kills leave nothing running and nothing locked (issue 13).

Each test starts the real command line in its own session, as cron or
``timeout`` would, waits for a moment of the run (reading or analysing on a
worker pool, writing PDF and DOCX with the PDF writer's process, recording
the edition) and sends SIGTERM or SIGKILL to the command alone, not to its
children. Then, within a few seconds, no process of that session may be left,
and the next run must proceed: a ``run-due`` generates and mails the edition
exactly once and records it and its ledger row; a ``generate`` writes its
files, and leaves no temporary file of the killed run beside them.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from briefing import bench
from briefing.readers import read_corpus
from briefing.state import run_lock

try:
    from faults import SEEDS, Started, run, wait_until_gone
    from test_mail import SmtpServer
    from test_schedule import add_weekly
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.faults import SEEDS, Started, run, wait_until_gone
    from tests.test_mail import SmtpServer
    from tests.test_schedule import add_weekly

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find a run's processes"),
    pytest.mark.skipif(
        len(os.sched_getaffinity(0)) < 2, reason="one core: briefing forks no worker or PDF writer to kill"
    ),
]

NOW = "2026-11-23T08:30:00+08:00"
PERIOD = "2026-W48"
DATE = "2026-11-23"

# moment: (stderr line that starts it, processes alive in the session by then)
MOMENTS = {
    "reading": (None, 3),  # the reading pool (parent and two workers), before any progress line
    "analysing": ("analysing ", 3),  # the analysis pool
    "writing": ("writing PDF and DOCX", 2),  # the PDF writer's process beside the DOCX writer
    "recording": ("wrote ", 1),  # files written, the edition not yet recorded
}


@functools.cache
def _seed_groups() -> dict[str, tuple[int, list[str]]]:
    return bench.seed_paragraphs([d.to_dict() for d in read_corpus(SEEDS).documents])


def _source(tmp_path: Path, large: bool) -> Path:
    """The seeds, plus (``large``) 50 documents made from their paragraphs, enough
    for the reading and the analysis pools."""
    folder = tmp_path / "sources"
    shutil.copytree(SEEDS, folder)
    if large:
        bench.write_corpus(folder, bench.generate_corpus(_seed_groups(), 50, seed=13))
    return folder


def _leftovers(*folders: Path) -> list[str]:
    """Temporary and kept-old files (``.NAME.PID.HEX.tmp`` / ``.old``) in ``folders``."""
    return sorted(
        str(p)
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.endswith((".tmp", ".old"))
    )


def _kill_at(started: Started, moment: str, sig: int) -> None:
    prefix, processes = MOMENTS[moment]
    try:
        started.wait_for(prefix, processes)
        code = started.kill(sig)
        assert code in (-sig, 128 + sig), started.lines[-5:]
        left = wait_until_gone(started.proc.pid)
        assert left == [], f"still running after the {signal.Signals(sig).name} at {moment}: {left}"
    finally:
        started.stop()


@pytest.mark.parametrize(
    ("sig", "moment", "large"),
    [
        pytest.param(signal.SIGTERM, "writing", False, id="SIGTERM-writing"),
        pytest.param(signal.SIGKILL, "writing", False, id="SIGKILL-writing"),
        pytest.param(signal.SIGKILL, "reading", True, id="SIGKILL-reading"),
        pytest.param(signal.SIGTERM, "analysing", True, id="SIGTERM-analysing"),
        pytest.param(signal.SIGKILL, "recording", False, id="SIGKILL-recording"),
    ],
)
def test_a_killed_run_due_leaves_nothing_and_the_next_delivers_once(
    tmp_path: Path, sig: int, moment: str, large: bool
) -> None:
    home, out = tmp_path / "state", tmp_path / "editions"
    source = _source(tmp_path, large)
    add_weekly(home, source, out=out)
    server = SmtpServer().start()
    try:
        smtp = {"BRIEFING_SMTP_HOST": server.hostname, "BRIEFING_SMTP_PORT": str(server.port)}
        smtp |= {"BRIEFING_SMTP_SECURITY": "none", "BRIEFING_SMTP_FROM": "briefing@example.com"}
        _kill_at(Started("schedule", "run-due", "--now", NOW, home=home, **smtp), moment, sig)
        with run_lock(home):  # free: no orphan holds it
            pass

        done = run("-q", "schedule", "run-due", "--now", NOW, home=home, **smtp)
        assert done.returncode == 0, done.stderr
        assert len(server.messages) == 1
        assert server.messages[0].get_content_type() == "multipart/mixed"
        again = run("-q", "schedule", "run-due", "--now", "2026-11-23T09:00:00+08:00", home=home, **smtp)
        assert again.returncode == 0, again.stderr
        assert len(server.messages) == 1  # nothing twice
    finally:
        server.stop()
    editions = json.loads(run("editions", "list", "--json", home=home).stdout)
    assert [(e["period"], e["deliveries"]) for e in editions] == [(PERIOD, {"sent": 1})]
    assert sorted(p.name for p in out.iterdir()) == [f"weekly-{PERIOD}.{k}" for k in ("docx", "json", "pdf")]
    assert _leftovers(out, home / "cache" / "outputs") == []
    with sqlite3.connect(home / "state.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    ("sig", "moment", "large"),
    [
        pytest.param(signal.SIGTERM, "writing", False, id="SIGTERM-writing"),
        pytest.param(signal.SIGKILL, "writing", False, id="SIGKILL-writing"),
        pytest.param(signal.SIGKILL, "analysing", True, id="SIGKILL-analysing"),
    ],
)
def test_a_killed_generate_leaves_nothing_and_the_next_run_writes_everything(
    tmp_path: Path, sig: int, moment: str, large: bool
) -> None:
    home, out = tmp_path / "state", tmp_path / "out"
    source = _source(tmp_path, large)
    # an earlier briefing of the same date: a killed run must leave it whole
    first = run("-q", "generate", SEEDS, "--out", out, "--date", DATE, "--format", "pdf", home=home)
    assert first.returncode == 0, first.stderr
    before = (out / f"briefing-{DATE}.pdf").read_bytes()

    args = ("generate", source, "--out", out, "--date", DATE, "--workers", "2")
    _kill_at(Started(*args, home=home), moment, sig)
    assert (out / f"briefing-{DATE}.pdf").read_bytes() == before  # the old file, whole
    assert not (out / f"briefing-{DATE}.docx").exists()

    done = run("-q", *args, home=home)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"briefing-{DATE}.{k}" for k in ("docx", "json", "pdf")]
    assert (out / f"briefing-{DATE}.pdf").read_bytes().startswith(b"%PDF-")
    assert _leftovers(out, home / "cache" / "outputs") == []
