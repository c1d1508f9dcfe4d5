"""Helpers for the fault tests (kills, permissions, damaged state): run
``briefing`` as its own process, as an operator or cron would, and look at
what is left afterwards.

File modes do not bind root, so when the tests run as root the commands that
must meet an unreadable folder or a read-only state folder run without root's
capabilities to override them (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``,
``CAP_FOWNER``, dropped from the bounding set before ``exec``); as any other
user the modes bind already.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
AS_ROOT = os.geteuid() == 0
_PR_CAPBSET_DROP = 24
_FILE_OVERRIDES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def _drop_file_overrides() -> None:
    """In a child before ``exec``: root without the power to ignore file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _FILE_OVERRIDES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def can_restrict() -> bool:
    """Whether :func:`run` can make file modes bind (always, unless root cannot drop capabilities)."""
    if not AS_ROOT:
        return True
    done = subprocess.run(["true"], preexec_fn=_drop_file_overrides, check=False, capture_output=True)
    return done.returncode == 0


def command(*args: str | Path) -> list[str]:
    """``python -m briefing ARGS`` with this interpreter."""
    return [sys.executable, "-m", "briefing", *map(str, args)]


def environment(home: Path, **extra: str) -> dict[str, str]:
    """This environment with ``BRIEFING_HOME`` set (and ``extra``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env["BRIEFING_HOME"] = str(home)
    env.update(extra)
    return env


def run(*args: str | Path, home: Path, restricted: bool = False, **extra: str) -> subprocess.CompletedProcess:
    """Run ``briefing ARGS`` to the end; ``restricted``: so that file modes bind
    even when the tests run as root."""
    return subprocess.run(
        command(*args),
        env=environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=_drop_file_overrides if restricted and AS_ROOT else None,
    )


def make_readonly(folder: Path) -> None:
    """Make ``folder`` and what is in it read-only (for a restricted :func:`run`)."""
    for path in [*folder.rglob("*"), folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def session_processes(session: int) -> list[str]:
    """Live (not zombie) processes of a session, as ``pid state command`` lines."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{entry.name} {fields[0]} {command_line[:100]}")
    return found


def wait_until_gone(session: int, seconds: float = 5.0) -> list[str]:
    """Wait up to ``seconds`` for every process of ``session`` to end; what is left."""
    deadline = time.monotonic() + seconds
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


class Started:
    """A ``briefing`` command started in its own session, its stderr read line by line."""

    def __init__(self, *args: str | Path, home: Path, **extra: str) -> None:
        self.proc = subprocess.Popen(
            command(*args),
            env=environment(home, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # the session id is its pid: its children are found by it
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert self.proc.stderr is not None
        threading.Thread(target=self._read, args=(self.proc.stderr,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, prefix: str | None, processes: int = 1, timeout: float = 180) -> None:
        """Wait until a stderr line starts with ``prefix`` (if any) and, after it,
        the session has at least ``processes`` live processes; AssertionError when
        the command ends first."""
        seen = prefix is None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                line = self._queue.get(timeout=0.005)
                self.lines.append(line)
                seen = seen or line.startswith(prefix or "")
            if seen and len(session_processes(self.proc.pid)) >= processes:
                return
            if self.proc.poll() is not None and self._queue.empty():
                break
        raise AssertionError(f"never reached {prefix!r} with {processes} process(es): {self.lines[-5:]}")

    def kill(self, signal: int) -> int:
        """Send ``signal`` to the command (not to its children) and reap it."""
        os.kill(self.proc.pid, signal)
        return self.proc.wait(timeout=60)

    def stop(self) -> None:
        """Kill what is left of the session (after a failed test)."""
        for line in session_processes(self.proc.pid):
            with contextlib.suppress(OSError):
                os.kill(int(line.split()[0]), 9)
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=10)
