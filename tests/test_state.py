"""State that cannot silently reset (issue 13).

A state database that existed and is now empty (0 bytes), missing beside its
backup, damaged or unreadable is reported with exit code 5 and a recovery
hint, never taken for a new database nor answered with exit code 70. The
database is backed up with SQLite's backup API after every ``run-due`` that
recorded something and before every migration; ``briefing state check``
inspects both and ``briefing state restore`` puts the backup back. List
commands work on a state folder that cannot be written.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import schedule as sched
from briefing import state
from briefing.cli import cli
from briefing.errors import ConfigError, StateError

try:
    from faults import can_restrict, make_readonly, run
    from test_editions import FakeGenerate, write_article
    from test_mail import SmtpServer, smtp_server
    from test_schedule import add_weekly
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.faults import can_restrict, make_readonly, run
    from tests.test_editions import FakeGenerate, write_article
    from tests.test_mail import SmtpServer, smtp_server  # noqa: F401 - a fixture
    from tests.test_schedule import add_weekly

NOW = "2026-11-23T08:30:00+08:00"


@pytest.fixture
def home() -> Path:
    """The test's state folder (``BRIEFING_HOME``, set in conftest)."""
    return Path(os.environ["BRIEFING_HOME"])


def _source(folder: Path) -> Path:
    write_article(folder, "a.md", "2026-11-20", "Cloud grew.\n\nMore cloud.\n")
    return folder


def _delivered_edition(home: Path, source: Path, smtp_server: SmtpServer, now: str = NOW) -> sched.RunReport:
    """A schedule with one edition mailed to two readers (library run-due, fake generate)."""
    if not (home / "state.db").exists():
        add_weekly(home, source, ["ceo@example.com", "cfo@example.com"], out=source.parent / "editions")
    return sched.run_due(
        sched.parse_now(now),
        home=home,
        generate=FakeGenerate(),
        settings=smtp_server.settings(),
        sleep=lambda _s: None,
    )


def _cli(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def _ledger(db: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT e.period, d.recipient, d.status FROM deliveries d JOIN editions e ON e.id = d.edition "
            "ORDER BY d.recipient"
        ).fetchall()


def _damage_pages(db: Path, marker: bytes = b'"themes"') -> None:
    """Overwrite every page that holds ``marker`` (by default: the editions'
    stored models) with garbage; the schema and the other tables stay sound."""
    data = bytearray(db.read_bytes())
    size = 4096
    pages = {i // size for i in range(len(data)) if data.startswith(marker, i)}
    assert pages and 0 not in pages
    for page in pages:
        data[page * size : (page + 1) * size] = (b"\x5a\xa5 damaged " * size)[:size]
    db.write_bytes(bytes(data))


# ----------------------------------------------------------------- backups


def test_run_due_backs_the_state_up_without_the_caches(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    with closing(state.connect(home)) as conn:  # a cache row, which the backup leaves out
        conn.execute(
            "INSERT INTO analysis_cache (key, version, path, data, created_at) VALUES ('k', 'v', 'p', x'00', 'now')"
        )
        state.backup(conn, home)
    saved = state.inspect(home / "backup" / "state.db")
    assert saved.ok, saved.problem
    assert saved.counts == {"schedules": 1, "editions": 1, "deliveries": 2, "documents_seen": 1}
    assert _ledger(home / "backup" / "state.db") == _ledger(home / "state.db")
    with closing(sqlite3.connect(home / "backup" / "state.db")) as conn:
        assert conn.execute("SELECT count(*) FROM analysis_cache").fetchone()[0] == 0
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file


def test_a_run_that_recorded_nothing_keeps_the_backup(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    made = (home / "backup" / "state.db").stat().st_mtime_ns
    os.utime((home / "backup" / "state.db"), ns=(made - 10**9, made - 10**9))
    report = _delivered_edition(home, tmp_path / "src", smtp_server, "2026-11-23T09:00:00+08:00")
    assert report.generated == report.sent == []
    assert (home / "backup" / "state.db").stat().st_mtime_ns == made - 10**9


def test_a_migration_is_preceded_by_a_backup(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    current = list(state.MIGRATIONS)
    monkeypatch.setattr(state, "MIGRATIONS", current[:3])  # a database made by an earlier version
    add_weekly(home, _source(tmp_path / "src"))
    monkeypatch.setattr(state, "MIGRATIONS", current)
    with closing(state.connect(home)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(current)
    before = state.inspect(home / "backup" / "state-v3.db")
    assert before.ok and before.version == 3 and before.counts["schedules"] == 1


# ------------------------------------------------------- lost or damaged state


def test_an_emptied_database_is_reported_not_taken_for_a_new_one(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    (home / "state.db").write_bytes(b"")  # 0 bytes: the disk filled up, a bad copy, …
    for name in ("state.db-wal", "state.db-shm"):
        (home / name).unlink(missing_ok=True)
    for args in (["schedule", "run-due", "--now", NOW], ["schedule", "list"], ["editions", "list"]):
        result = _cli(*args)
        assert result.exit_code == StateError.exit_code == 5, (args, result.output)
        assert "is empty (0 bytes)" in result.output and "briefing state restore" in result.output
        assert result.output.count("\n") == 1
    assert (home / "state.db").stat().st_size == 0  # nothing was created over it
    assert len(smtp_server.messages) == 2  # and nothing mailed again


def test_a_damaged_page_is_exit_5_with_a_hint_everywhere(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    _damage_pages(home / "state.db")
    assert _cli("schedule", "list").exit_code == 0  # its table is sound
    for args in (
        ["editions", "render", "2026-W48", "--schedule", "weekly"],
        ["editions", "list"],
        ["schedule", "run-due", "--now", NOW],
    ):
        result = _cli(*args)
        assert result.exit_code == 5, (args, result.output)
        assert "damaged" in result.output and "briefing state restore" in result.output, result.output
        assert "Traceback" not in result.output


def test_a_missing_database_beside_its_backup_is_reported(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (home / name).unlink(missing_ok=True)
    result = _cli("schedule", "run-due", "--now", NOW)
    assert result.exit_code == 5 and "missing but a backup of it exists" in result.output
    assert not (home / "state.db").exists()


def test_state_check_and_restore_bring_back_schedules_editions_and_ledger(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    before = _ledger(home / "state.db")
    result = _cli("state", "check")
    assert result.exit_code == 0, result.output
    assert result.output.count("sound, schema version") == 2

    (home / "state.db").write_bytes(b"")
    result = _cli("state", "check")
    assert result.exit_code == 5 and "empty (0 bytes)" in result.output and "state restore" in result.output

    result = _cli("state", "restore")
    assert result.exit_code == 0, result.output
    assert "1 schedules, 1 editions, 2 deliveries" in result.output
    assert _ledger(home / "state.db") == before
    assert list(home.glob("state.db.replaced-*"))  # the damaged file is kept aside, not deleted
    assert _cli("state", "check").exit_code == 0
    # the restored ledger holds: nobody gets the edition again
    assert (
        sched.run_due(
            sched.parse_now(NOW), home=home, generate=FakeGenerate(), settings=smtp_server.settings()
        ).sent
        == []
    )
    assert len(smtp_server.messages) == 2


def test_restore_refuses_to_replace_a_sound_database(
    home: Path, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    result = _cli("state", "restore")
    assert result.exit_code == 5 and "is sound" in result.output and "--force" in result.output
    assert not list(home.glob("state.db.replaced-*"))
    assert _cli("state", "restore", "--force").exit_code == 0


def test_restore_refuses_a_damaged_backup(home: Path, tmp_path: Path, smtp_server: SmtpServer) -> None:
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    (home / "state.db").write_bytes(b"")
    _damage_pages(home / "backup" / "state.db")
    result = _cli("state", "restore")
    assert result.exit_code == 5 and "cannot restore from" in result.output and "damaged" in result.output
    assert (home / "state.db").stat().st_size == 0  # left as it was


def test_a_new_state_folder_still_starts_empty(home: Path) -> None:
    assert _cli("schedule", "list").exit_code == 0
    assert _cli("state", "check").exit_code == 0  # no database and no backup: nothing lost
    with closing(state.connect(home)) as conn:
        assert conn.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0
    assert not list(home.glob(".state.db.*"))  # built under a temporary name, then linked into place


def test_a_newer_schema_is_refused_read_only_too(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state.connect(home).close()
    monkeypatch.setattr(state, "MIGRATIONS", state.MIGRATIONS[:1])
    with pytest.raises(ConfigError, match="upgrade briefing"):
        state.connect(home, readonly=True)


# ------------------------------------------------------------- permissions

needs_modes = pytest.mark.skipif(not can_restrict(), reason="root here cannot give up overriding file modes")


@needs_modes
def test_list_commands_work_on_a_read_only_state_folder(tmp_path: Path, smtp_server: SmtpServer) -> None:
    home = tmp_path / "state"
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    make_readonly(home)
    for args, expected in (
        (["schedule", "list", "--json"], "weekly"),
        (["editions", "list", "--json"], "2026-W48"),
    ):
        done = run(*args, home=home, restricted=True)
        assert done.returncode == 0, (args, done.stderr)
        assert expected in json.dumps(json.loads(done.stdout))
    done = run("state", "check", home=home, restricted=True)
    assert done.returncode == 0, done.stderr
    # a command that must write says so, in one line, with exit code 5
    done = run("schedule", "remove", "weekly", home=home, restricted=True)
    assert done.returncode == 5, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@needs_modes
def test_an_unreadable_database_is_exit_5(tmp_path: Path, smtp_server: SmtpServer) -> None:
    home = tmp_path / "state"
    _delivered_edition(home, _source(tmp_path / "src"), smtp_server)
    (home / "state.db").chmod(0)
    done = run("schedule", "list", home=home, restricted=True)
    assert done.returncode == 5, done.stderr
    assert "state.db" in done.stderr and "Traceback" not in done.stderr
