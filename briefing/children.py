"""Child processes that never outlive their parent.

briefing forks workers (readers, analysis, the writers and the PDF writer). A forked child
whose parent is killed would otherwise wait forever on a pipe, holding its
memory and every descriptor it inherited. So every child first calls
:func:`die_with_parent`: on Linux the kernel kills it when the parent dies
(``PR_SET_PDEATHSIG``); elsewhere a thread watches the parent. A child takes
the default action on SIGTERM (the parent's own handler, which raises
:class:`~briefing.errors.Terminated` so that its clean-up runs, is not for
children) and ignores SIGINT (the parent stops it).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self

from briefing.errors import OutputError

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make the calling (forked) process end when process ``parent`` ends."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _kill_on_parent_death():
        threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


def _kill_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def pool_options() -> dict[str, Any]:
    """Keyword arguments for ``multiprocessing.Pool`` whose workers die with this process."""
    return {"initializer": die_with_parent, "initargs": (os.getpid(),)}


class _Stoppable:
    """A context manager whose exit, however it comes, calls :meth:`stop`."""

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


class Standby(_Stoppable):
    """A forked child, dying with this process, that gets ready for work now and
    does it when :meth:`run` hands it the arguments: ``work(*args, say=...)``.

    Getting ready is ``ahead``, steps run in order on another core while this
    process goes on with other work (imports, parsed fonts), and only until the
    work arrives: a step not begun by then is skipped, so a parent that is soon
    ready never waits for preparation it can do without. Steps only save time:
    one that fails is passed over (the work meets the same error itself, and
    reports it). ``say`` sends progress lines back, passed on in order by
    :meth:`run`. A child never asked (the work turned out not to be needed) is
    killed when the block is left.

    :meth:`prepare` hands the child part of the work's input early:
    ``prepare(*args, stop=...)`` runs there while this process makes the rest
    (the charts are drawn while the template is rendered); ``stop()`` says
    that more has arrived (the work, or more to prepare), for a preparation
    that can end early and leave the rest to the work. It also ends the steps ahead, and like them it only
    saves time: its failure is passed over.
    """

    def __init__(
        self,
        what: str,
        work: Callable[..., Any],
        ahead: Iterable[Callable[[], Any]] = (),
        prepare: Callable[..., Any] | None = None,
    ) -> None:
        self.what = what
        self._prepare = prepare
        context = multiprocessing.get_context("fork")
        self._reader, child_writer = context.Pipe(duplex=False)
        child_reader, self._writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(os.getpid(), child_reader, child_writer, list(ahead), work, prepare),
            name=what,
            daemon=True,
        )
        self._process.start()
        child_writer.close()  # the reader then sees EOF if the child dies
        child_reader.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def prepare(self, *args: Any) -> None:
        """``prepare(*args)`` in the child, now; returns at once (nothing comes back)."""
        if self._prepare is None:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the child is gone: run() says so
            self._writer.send(("prepare", args))

    def run(self, *args: Any, say: Callable[[str], None] | None = None) -> Any:
        """``work(*args)`` in the child: its value, or its exception raised here."""
        try:
            self._writer.send(("work", args))
            while True:
                status, value = self._reader.recv()
                if status != "say":
                    break
                if say:
                    say(value)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._process.join()
            code = self._process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise OutputError(f"{self.what} ended without a result ({how})") from None
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        """Kill the child if it still runs, and reap it."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._reader.close()
        self._writer.close()


def _serve(
    parent: int,
    reader: Any,
    writer: Any,
    ahead: list[Callable[[], Any]],
    work: Callable[..., Any],
    prepare: Callable[..., Any] | None = None,
) -> None:
    die_with_parent(parent)
    gc.disable()  # short-lived: imports, then one briefing written; the collector only walks it
    for step in ahead:
        if reader.poll():  # the work is here (or the parent gone): no more getting ready
            break
        try:
            step()
        except Exception as exc:  # the work meets it again and reports it
            log.debug("getting ready for %s: %s", work.__name__, exc)
    while True:
        try:
            kind, args = reader.recv()
        except EOFError:  # never asked
            return
        if kind == "work":
            break
        if prepare is not None:
            try:
                prepare(*args, stop=reader.poll)
            except Exception as exc:  # only saves time: the work meets it again
                log.debug("preparing %s: %s", work.__name__, exc)
    try:
        outcome: tuple[str, Any] = ("ok", work(*args, say=lambda line: writer.send(("say", line))))
    except Exception as exc:  # handed to the parent, which raises it
        outcome = ("error", exc)
    try:
        writer.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError):
        writer.send(("error", OutputError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
    writer.close()


def cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether :class:`Forked` can run here (a POSIX system, at least two cores)."""
    return hasattr(os, "fork") and cores() > 1


class Forked(_Stoppable):
    """``fn(*args)`` in a child made by ``os.fork``, which dies with this process.

    Unlike a ``multiprocessing`` child it works inside a pool's worker (``multiprocessing``
    lets no daemonic process start children): a worker analysing one huge
    document hands half of it to a second core. The child inherits everything
    (nothing is pickled on the way in) and writes its pickled result to an
    unlinked temporary file, read once it has ended. A context manager: leaving the block kills and reaps the
    child if it still runs.
    """

    def __init__(self, what: str, fn: Callable[..., Any], *args: Any) -> None:
        self.what = what
        self._done = False
        parent = os.getpid()
        # An unlinked file, not a pipe: the child writes each part as it is made and
        # exits, holding neither its parts nor its memory while this process works on;
        # and a killed run leaves no file behind.
        self._file = tempfile.TemporaryFile(prefix="briefing-half-")  # noqa: SIM115 - closed by stop()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                die_with_parent(parent)
                gc.disable()  # short-lived, builds its result and exits
                _send(what, fn, args, self._file)
                self._file.flush()
                code = 0
            finally:
                os._exit(code)
        self._pid = pid

    def result(self) -> Any:
        """The function's return value (a :class:`Stream`'s parts as a list); its
        exception is raised here. Waits for the child to end."""
        code = self._reap()
        self._file.seek(0)
        parts: list[Any] = []
        try:
            while True:
                status, value = pickle.load(self._file)
                if status != "part":
                    break
                parts.append(value)
        except (EOFError, pickle.UnpicklingError):
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            raise OutputError(f"{self.what} ended without a result ({how})") from None
        if status == "error":
            raise value
        return parts if status == "stream" else value

    def _reap(self) -> int:
        if self._done:
            return 0
        _, status = os.waitpid(self._pid, 0)
        self._done = True
        return os.waitstatus_to_exitcode(status)

    def stop(self) -> None:
        """Kill the child if it still runs, and reap it."""
        if not self._done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()
        self._file.close()


class Stream:
    """A result :class:`Forked` pickles part by part, each on its own, and writes
    as the parts are made: a pickler remembers every object it wrote (to write it
    once), and for a result of millions of small objects that memory would rival
    the result's own."""

    def __init__(self, parts: Iterable[Any]) -> None:
        self.parts = parts


def _send(what: str, fn: Callable[..., Any], args: tuple, out: Any) -> None:
    def dump(item: tuple[str, Any]) -> None:
        pickle.dump(item, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        value = fn(*args)
        if isinstance(value, Stream):
            for part in value.parts:
                dump(("part", part))
            dump(("stream", None))
        else:
            dump(("ok", value))
    except Exception as exc:  # handed to the parent, which raises it
        try:
            dump(("error", exc))
        except (pickle.PicklingError, TypeError, AttributeError):
            dump(("error", OutputError(f"{what}: {exc}")))
