"""The state folder and its embedded SQLite database.

Everything ``briefing`` remembers between runs lives in one folder:
``$BRIEFING_HOME`` when set, else ``$XDG_DATA_HOME/briefing`` (by default
``~/.local/share/briefing``). It holds ``state.db`` (schedules, editions, the
documents seen so far and the delivery ledger), ``run.lock`` (the lock that
keeps two ``schedule run-due`` invocations apart), ``outbox/`` (mails written
by ``send --dry-run``), ``editions/`` (default output folder of schedules) and
``backup/`` (copies of the database made with SQLite's backup API: ``state.db``
after every ``run-due`` that recorded something, ``state-vN.db`` before a
migration from schema version N).

A database that existed must never silently become a new, empty one: a
0-byte ``state.db``, a missing one beside a backup, and a damaged or
unreadable one are :class:`~briefing.errors.StateError` (exit code 5) with a
recovery hint. A new database is built under a temporary name and linked into
place complete, so an empty ``state.db`` is always a loss, never a creation
in progress.

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
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import ConfigError, LockedError, OutputError, StateError
from briefing.writers import remove_stale, sync_to_disk, temp_name

log = logging.getLogger(__name__)

ENV = "BRIEFING_HOME"
DB_NAME = "state.db"
LOCK_NAME = "run.lock"
BACKUP_FOLDER = "backup"
CACHE_TABLES = ("analysis_cache", "document_cache")
"""Tables that only save time: left out of backups."""
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
    # 4: a checksum on every cache row, verified when it is read (issue 13)
    """
    ALTER TABLE analysis_cache ADD COLUMN checksum TEXT;   -- briefing.cache.row_checksum()
    ALTER TABLE document_cache ADD COLUMN checksum TEXT;
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


def db_path(home: Path | None = None) -> Path:
    """``<state>/state.db``."""
    return (Path(home) if home is not None else state_home()) / DB_NAME


def backup_path(home: Path | None = None) -> Path:
    """``<state>/backup/state.db``: the state after the last ``run-due`` that recorded something."""
    return (Path(home) if home is not None else state_home()) / BACKUP_FOLDER / DB_NAME


def recovery_hint(home: Path | None = None) -> str:
    """What to do about a lost or damaged state database."""
    backup = backup_path(home)
    try:
        made = dt.datetime.fromtimestamp(backup.stat().st_mtime, dt.UTC)
    except OSError:
        return f"no backup exists: move {db_path(home)} aside to start afresh (then add the schedules again)"
    return f"run `briefing state restore` to restore the backup made {iso(made)}"


def _check_present(home: Path) -> bool:
    """Whether ``state.db`` exists; :class:`StateError` when it existed and is lost."""
    path = home / DB_NAME
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        if backup_path(home).is_file():
            raise StateError(
                f"state database {path} is missing but a backup of it exists: {recovery_hint(home)} "
                f"(or delete {backup_path(home)} to start afresh)"
            ) from None
        return False
    except OSError as exc:
        raise StateError(f"cannot read state database {path}: {exc.strerror or exc}") from exc
    if size == 0:
        raise StateError(
            f"state database {path} is empty (0 bytes): its schedules, editions and delivery "
            f"ledger are lost; {recovery_hint(home)}"
        )
    return True


def _create(home: Path) -> None:
    """Build a new, migrated database under a temporary name and link it into place
    complete (a concurrent first run may win: then its database is used)."""
    path = home / DB_NAME
    remove_stale(home, [DB_NAME])  # of a first run that was killed
    tmp = temp_name(path)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn)
        finally:
            conn.close()
        sync_to_disk(tmp)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links here: a rename, which may replace a racing twin
            if not path.exists():
                os.replace(tmp, path)
        sync_to_disk(home)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(f"cannot create state database {path}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def connect(home: Path | None = None, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the state database under ``home``.

    The connection is in autocommit mode (use :func:`transaction` to group
    writes), in WAL journal mode, with a busy timeout and foreign keys on;
    rows are :class:`sqlite3.Row`. Before a migration the database is backed
    up to ``backup/state-vN.db``.

    ``readonly`` opens it without writing anything (list commands on a
    read-only state folder); a state folder without a database then reads as
    an empty one.
    """
    if readonly:
        return _connect_readonly(Path(home) if home is not None else state_home())
    home = ensure_home(home)
    path = home / DB_NAME
    if not _check_present(home):
        _create(home)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StateError(f"cannot open state database {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if 0 < version < len(MIGRATIONS):
            try:
                backup(conn, home, home / BACKUP_FOLDER / f"state-v{version}.db")
            except StateError:
                raise
            except OutputError as exc:  # a full disk, say: the migration itself is one transaction
                log.warning("%s; migrating without a backup", exc)
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise database_error(path, exc) from exc
    except (ConfigError, OutputError):
        conn.close()
        raise
    return conn


def _connect_readonly(home: Path) -> sqlite3.Connection:
    if not _check_present(home):
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.row_factory = sqlite3.Row
        migrate(conn)
        return conn
    try:
        conn = _open_readonly(home / DB_NAME)
    except sqlite3.Error as exc:
        raise database_error(home / DB_NAME, exc) from exc
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        conn.close()
        raise ConfigError(
            f"the state database is at schema version {version}, this briefing knows "
            f"up to {len(MIGRATIONS)}: upgrade briefing"
        )
    return conn


def _open_readonly(path: Path) -> sqlite3.Connection:
    """Open a database file without writing to it or beside it; the last
    :class:`sqlite3.Error` when it cannot be read."""
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri()
    # "mode=ro" needs the -shm file (it creates it in a writable folder);
    # "immutable=1" needs none but would not see a -wal file's transactions.
    modes = ["mode=ro"] + ([] if wal.exists() and wal.stat().st_size else ["immutable=1"])
    failure: sqlite3.Error | None = None
    for mode in modes:
        try:
            conn = sqlite3.connect(
                f"{uri}?{mode}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            failure = exc
            continue
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            failure = exc
            continue
        return conn
    assert failure is not None
    raise failure


def database_error(path: Path, exc: sqlite3.Error) -> StateError:
    """The one-line error for an SQLite failure on the state database."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StateError(
            f"state database {path} is busy: another process held it for more than "
            f"{BUSY_TIMEOUT_MS // 1000} s; try again"
        )
    if "readonly" in text or "unable to open" in text or "disk I/O" in text or "full" in text:
        return StateError(f"cannot use state database {path}: {text}")
    return StateError(f"state database {path} is damaged ({text}); {recovery_hint(path.parent)}")


@contextlib.contextmanager
def open_state(home: Path | None = None, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """:func:`connect` for a block, closed after it; an SQLite failure inside the
    block (a damaged page, say) becomes a one-line :class:`StateError`."""
    home = Path(home) if home is not None else state_home()
    conn = connect(home, readonly=readonly)
    try:
        yield conn
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
        raise  # a bug, not damage
    except sqlite3.DatabaseError as exc:
        raise database_error(home / DB_NAME, exc) from exc
    finally:
        conn.close()


# ------------------------------------------------------------------------ backups


def backup(conn: sqlite3.Connection, home: Path | None = None, target: Path | None = None) -> Path:
    """Copy the state, without the caches, to ``target`` (default
    :func:`backup_path`) with SQLite's backup API; the copy is checked
    (``quick_check``) before it replaces the previous one."""
    home = Path(home) if home is not None else state_home()
    target = target or backup_path(home)
    tmp = temp_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove_stale(target.parent, [target.name])
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(copy)
            tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table in CACHE_TABLES:
                if table in tables:
                    copy.execute(f"DELETE FROM {table}")
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            copy.execute("VACUUM")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
        if verdict != "ok":
            raise StateError(f"not backing up a damaged state database ({verdict})")
        sync_to_disk(tmp)
        os.replace(tmp, target)
        sync_to_disk(target.parent)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(f"cannot back up the state database to {target}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    log.debug("state database backed up to %s", target)
    return target


COUNTED = ("schedules", "editions", "deliveries", "documents_seen")


@dataclass
class DatabaseReport:
    """What :func:`inspect` found in one database file."""

    path: Path
    """The file."""
    problem: str | None = None
    """Why it cannot be used, or null when it is sound."""
    version: int | None = None
    """Its schema version."""
    modified: str | None = None
    """When the file last changed (ISO 8601, UTC)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Rows per table of :data:`COUNTED`."""

    @property
    def ok(self) -> bool:
        """Sound and usable."""
        return self.problem is None


def inspect(path: Path) -> DatabaseReport:
    """Check a state database file thoroughly (``PRAGMA integrity_check``), read-only."""
    report = DatabaseReport(path=Path(path))
    try:
        info = report.path.stat()
    except FileNotFoundError:
        report.problem = "missing"
        return report
    except OSError as exc:
        report.problem = f"unreadable: {exc.strerror or exc}"
        return report
    report.modified = iso(dt.datetime.fromtimestamp(info.st_mtime, dt.UTC))
    if info.st_size == 0:
        report.problem = "empty (0 bytes)"
        return report
    try:
        conn = _open_readonly(report.path)
        try:
            verdict = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            report.version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table in COUNTED:
                if table in tables:
                    report.counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        report.problem = f"unreadable: {exc}" if "unable to open" in str(exc) else f"damaged: {exc}"
        return report
    if verdict != ["ok"]:
        report.problem = "damaged: " + "; ".join(verdict[:3])
    elif not {"schedules", "editions"} <= set(report.counts):
        report.problem = "not a briefing state database (no schedules or editions table)"
    return report


def restore(home: Path | None = None, source: Path | None = None, *, force: bool = False) -> DatabaseReport:
    """Replace ``state.db`` with a backup (default :func:`backup_path`), under the run lock.

    The backup is checked first. The current database, if any, is kept beside
    it as ``state.db.replaced-<time>`` (with its -wal and -shm files); a sound
    one is replaced only with ``force``. Returns the report of what was restored.
    """
    home = ensure_home(home)
    source = Path(source) if source is not None else backup_path(home)
    with run_lock(home):
        found = inspect(source)
        if not found.ok:
            raise StateError(f"cannot restore from {source}: it is {found.problem}")
        path = home / DB_NAME
        if path.exists() and not force:
            current = inspect(path)
            if current.ok:
                raise StateError(
                    f"{path} is sound ({_counts(current)}): nothing to restore; "
                    "`briefing state restore --force` replaces it anyway"
                )
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        tmp = temp_name(path)
        try:
            src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            copy = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(copy)
                copy.execute("PRAGMA journal_mode = WAL")
            finally:
                copy.close()
                src.close()
            sync_to_disk(tmp)
            for suffix in ("", "-wal", "-shm"):
                old = home / (DB_NAME + suffix)
                if old.exists():
                    os.replace(old, home / f"{DB_NAME}.replaced-{stamp}{suffix}")
            os.replace(tmp, path)
            sync_to_disk(home)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot restore {path} from {source}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    log.debug("restored %s from %s", path, source)
    return found


def _counts(report: DatabaseReport) -> str:
    return ", ".join(f"{n} {table}" for table, n in report.counts.items()) or "no rows"


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


_HELD: set[tuple[int, int]] = set()
"""(device, inode) of the lock files this process holds: a POSIX lock does not
conflict with its own process, so a second holder in one process is refused here."""


@contextlib.contextmanager
def run_lock(home: Path | None = None) -> Iterator[Path]:
    """Hold ``<state>/run.lock`` for the block, without waiting.

    The lock is a POSIX record lock (``fcntl.lockf``): it belongs to this
    process alone. Processes forked while it is held (PDF writer, analysis
    workers) do not inherit it, so none of them can keep it after the run is
    killed; and the kernel releases it when the process ends, however it ends
    (even ``kill -9``), so a killed run never blocks the next one. A second
    holder gets :class:`LockedError` at once, naming the holder's process id.
    """
    home = ensure_home(home)
    path = home / LOCK_NAME
    with contextlib.suppress(OSError):
        info = path.stat()
        if (info.st_dev, info.st_ino) in _HELD:
            raise LockedError(f"another run holds the lock {path} (process {os.getpid()}); try again later")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(f"cannot open lock file {path}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                who = f" (process {holder})" if holder.isdigit() else ""
                raise LockedError(f"another run holds the lock {path}{who}; try again later") from None
            raise OutputError(f"cannot lock {path}: {exc.strerror or exc}") from exc
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(key)
        try:
            yield path
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)  # closing the process's only descriptor of the file releases the lock
