"""The state folder and its embedded SQLite database.

Everything ``briefing`` remembers between runs lives in one folder:
``$BRIEFING_HOME`` when set, else ``$XDG_DATA_HOME/briefing`` (by default
``~/.local/share/briefing``). It holds ``state.db`` (schedules, editions, the
documents seen so far and the delivery ledger), ``run.lock`` (the lock that
keeps two ``schedule run-due`` invocations apart), ``outbox/`` (mails written
by ``send --dry-run``) and ``editions/`` (default output folder of schedules).

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` is a
list of SQL scripts, the script at index ``i`` takes the database from version
``i`` to ``i + 1``. To change the schema, append a script; never edit one that
has shipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from briefing.errors import ConfigError, LockedError, OutputError

log = logging.getLogger(__name__)

ENV = "BRIEFING_HOME"
DB_NAME = "state.db"
LOCK_NAME = "run.lock"
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: list[str] = [
    # 1: schedules, editions, documents seen, delivery ledger (issue 5)
    """
    CREATE TABLE schedules (
        name        TEXT PRIMARY KEY,
        cron        TEXT NOT NULL,
        tz          TEXT NOT NULL,
        recipients  TEXT NOT NULL,          -- JSON list of addresses
        source      TEXT NOT NULL,          -- absolute path of the source folder
        out         TEXT NOT NULL,          -- absolute path of the output folder
        template    TEXT,                   -- template name or absolute path, or NULL
        created_at  TEXT NOT NULL           -- ISO 8601, UTC
    );

    CREATE TABLE editions (
        id               INTEGER PRIMARY KEY,
        schedule         TEXT NOT NULL,
        period           TEXT NOT NULL,     -- 2026-W48 (weekly) or 2026-11-23 (daily)
        period_start     TEXT NOT NULL,     -- ISO date in the schedule's zone
        period_end       TEXT NOT NULL,     -- ISO date in the schedule's zone, inclusive
        due_at           TEXT NOT NULL,     -- the cron time it was made for, ISO with offset
        generated_at     TEXT NOT NULL,     -- ISO 8601, UTC
        source           TEXT NOT NULL,     -- folder the inputs were read from
        template         TEXT,
        inputs           TEXT NOT NULL,     -- JSON {path: sha256 of the cleaned text}
        outputs          TEXT NOT NULL,     -- JSON {kind: {"path": ..., "sha256": ...}}
        model_path       TEXT,              -- the model JSON written beside the PDF
        model_json       TEXT NOT NULL,     -- the model itself (Briefing.to_dict)
        changes_json     TEXT NOT NULL,     -- Changes.to_dict
        previous_period  TEXT,
        UNIQUE (schedule, period)
    );

    CREATE TABLE documents_seen (
        sha256      TEXT PRIMARY KEY,       -- Document.sha256
        path        TEXT NOT NULL,          -- path where it was first seen
        first_seen  TEXT NOT NULL           -- ISO 8601, UTC
    );

    CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY,
        edition     INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
        recipient   TEXT NOT NULL,
        message_id  TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        status      TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed-transient', 'failed-permanent')),
        last_error  TEXT,
        updated_at  TEXT NOT NULL,          -- ISO 8601, UTC
        UNIQUE (edition, recipient)
    );

    CREATE INDEX deliveries_status ON deliveries (status);
    """,
    # 2: per-document analysis cache (issue 6)
    """
    CREATE TABLE analysis_cache (
        key         TEXT PRIMARY KEY,       -- sha256 of the document's analysis inputs and the version
        version     TEXT NOT NULL,          -- briefing.cache.analysis_version(): code and data files
        path        TEXT NOT NULL,          -- path the document had when it was analysed
        data        BLOB NOT NULL,          -- zlib-compressed JSON of DocAnalysis
        created_at  TEXT NOT NULL           -- ISO 8601, UTC
    );

    CREATE INDEX analysis_cache_version ON analysis_cache (version);
    """,
    # 3: read and cleaned documents, keyed by file path and bytes (issue 6)
    """
    CREATE TABLE document_cache (
        key         TEXT PRIMARY KEY,       -- sha256 of the relative path and the file's bytes
        version     TEXT NOT NULL,          -- briefing.cache.reading_version(): code and data files
        path        TEXT NOT NULL,          -- the file's path in its source folder
        data        BLOB NOT NULL,          -- zlib-compressed JSON of Document
        created_at  TEXT NOT NULL           -- ISO 8601, UTC
    );

    CREATE INDEX document_cache_version ON document_cache (version);
    """,
]
"""SQL scripts, one per schema version; append to extend the schema."""


def state_home() -> Path:
    """The state folder: ``$BRIEFING_HOME``, else ``$XDG_DATA_HOME/briefing``, else
    ``~/.local/share/briefing``."""
    explicit = os.environ.get(ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else None
    return (base or Path.home() / ".local" / "share") / "briefing"


def ensure_home(home: Path | None = None) -> Path:
    """Create the state folder (mode 0700: it holds addresses) and return it."""
    home = Path(home) if home is not None else state_home()
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise OutputError(f"cannot create state folder {home}: {exc.strerror or exc}") from exc
    return home


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, to the second (how the database stores times)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _statements(script: str) -> Iterator[str]:
    """Split a script into complete SQL statements (triggers included)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip().strip(";").strip():
        raise ConfigError("incomplete SQL statement in a state migration")


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date, one version per transaction; return the version."""
    target = len(MIGRATIONS)
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > target:
                raise ConfigError(
                    f"the state database is at schema version {version}, this briefing knows "
                    f"up to {target}: upgrade briefing"
                )
            if version == target:
                conn.execute("COMMIT")
                return version
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
            log.debug("state database migrated to version %d", version + 1)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def connect(home: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the state database under ``home``.

    The connection is in autocommit mode (use :func:`transaction` to group
    writes), in WAL journal mode, with a busy timeout and foreign keys on;
    rows are :class:`sqlite3.Row`.
    """
    home = ensure_home(home)
    path = home / DB_NAME
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise OutputError(f"cannot open state database {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise OutputError(f"cannot use state database {path}: {exc}") from exc
    except ConfigError:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back when the block raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextlib.contextmanager
def run_lock(home: Path | None = None) -> Iterator[Path]:
    """Hold ``<state>/run.lock`` with ``fcntl.flock`` for the block, without waiting.

    The kernel releases the lock when the process ends, however it ends
    (even ``kill -9``), so a crashed run never blocks the next one. A second
    holder gets :class:`LockedError` at once.
    """
    home = ensure_home(home)
    path = home / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(f"cannot open lock file {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockedError(f"another run holds the lock {path}; try again later") from None
            raise OutputError(f"cannot lock {path}: {exc.strerror or exc}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        os.close(fd)  # closing the only descriptor releases the flock
