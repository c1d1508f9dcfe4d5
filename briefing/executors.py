"""Where per-document work runs: this process, forked workers, or a Dask cluster.

An executor applies one function to many items and yields ``(position,
result)`` pairs as they finish; callers put the results back in order, so the
model never depends on which worker finished first. The function and the
items must be picklable; every call also receives one ``shared`` value (the
analysis version, the keys already cached), sent once per worker rather than
once per item.

* :class:`LocalExecutor` runs small batches in-process and larger ones on
  one forked worker per core. Workers inherit the parent's memory, so the
  items and whatever the parent loaded before forking (jieba's dictionary)
  are shared, not copied or pickled.
* :class:`DaskExecutor` sends the items, in chunks, to the workers of an
  existing Dask distributed scheduler (``pip install 'briefing[dask]'``).
  The workers need the same briefing, jieba and data files as this machine;
  the work function checks that and fails loudly otherwise.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from briefing import children
from briefing.children import cores
from briefing.errors import ConfigError, SchedulerError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "BRIEFING_DASK_SCHEDULER"
EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = 10.0
"""Seconds to reach the scheduler and to wait for its first worker."""


class Executor(Protocol):
    """Runs ``fn(item, shared)`` for every item; yields ``(position, result)`` as each finishes."""

    def map(
        self, fn: Callable[[T, Any], R], items: Sequence[T], shared: Any = None
    ) -> Iterator[tuple[int, R]]: ...

    def close(self) -> None: ...


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection while a batch of documents and analyses is
    built: they hold no reference cycles, and the collector would walk all of
    them again every few thousand allocations (a tenth of a warm 20,000-document
    run). Restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the batch made joins the oldest generation unexamined: re-enabled as it was,
            # the collector's next young collection would walk all of it (0.02 s after a cold
            # run of the seeds, the whole analysis).
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _chunk_size(items: int, workers: int) -> int:
    """Items per task: few enough to balance the workers, enough to amortise each hand-over."""
    return max(1, min(32, items // (workers * 8)))


# ------------------------------------------------------------------ local

_SHARED: list[Any] = []
"""The items, the function and the shared value of the batch under way, inherited by forked workers."""


def _run_forked(position: int) -> tuple[int, Any]:
    fn, items, shared = _SHARED
    return position, fn(items[position], shared)


class LocalExecutor:
    """This machine: in-process below ``min_items`` items or with one worker, else a fork pool.

    ``before_fork`` runs once before the workers are forked (to load what
    they should share, such as jieba's dictionary); it does not run when the
    batch stays in-process.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        min_items: int = 24,
        before_fork: Callable[[], None] | None = None,
    ) -> None:
        self.workers = max(1, workers or cores())
        self.min_items = min_items
        self.before_fork = before_fork

    def parallel(self, items: int) -> bool:
        """Whether a batch of this many items goes to forked workers."""
        return (
            self.workers > 1 and items >= self.min_items and "fork" in multiprocessing.get_all_start_methods()
        )

    def map(
        self, fn: Callable[[T, Any], R], items: Sequence[T], shared: Any = None
    ) -> Iterator[tuple[int, R]]:
        if not self.parallel(len(items)):
            for position, item in enumerate(items):
                yield position, fn(item, shared)
            return
        if self.before_fork:
            self.before_fork()
        _SHARED[:] = [fn, items, shared]
        # What the workers inherit (jieba's 500,000-word dictionary, the items) is
        # never garbage: frozen, their collector does not walk it or touch its pages.
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            # No more workers than items: an idle forked worker still holds (and counts) pages.
            with context.Pool(min(self.workers, len(items)), **children.pool_options()) as pool:
                yield from pool.imap_unordered(
                    _run_forked, range(len(items)), chunksize=_chunk_size(len(items), self.workers)
                )
        finally:
            gc.unfreeze()
            _SHARED.clear()

    def close(self) -> None:
        pass


# ------------------------------------------------------------------- dask


def _run_chunk(
    fn: Callable[[Any, Any], Any], chunk: list[tuple[int, Any]], shared: Any
) -> list[tuple[int, Any]]:
    """One Dask task: several items, so that the scheduler's per-task cost is paid once per chunk."""
    return [(position, fn(item, shared)) for position, item in chunk]


class DaskExecutor:
    """The workers of a Dask distributed scheduler at ``address`` (``tcp://host:8786``)."""

    def __init__(self, address: str, *, timeout: float | None = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ConfigError(
                "the dask executor needs Dask distributed: pip install 'briefing[dask]'"
            ) from exc
        self.address = check_address(address)
        timeout = timeout or CONNECT_TIMEOUT
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {_reason(exc)}") from exc
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            self.client.close()
            raise SchedulerError(
                f"the Dask scheduler at {address} has no worker (waited {timeout:.0f} s)"
            ) from exc
        self.workers = max(
            1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        )
        log.info("Dask scheduler %s: %d worker thread(s)", address, self.workers)

    def map(
        self, fn: Callable[[T, Any], R], items: Sequence[T], shared: Any = None
    ) -> Iterator[tuple[int, R]]:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker, as_completed

        if not items:
            return
        size = _chunk_size(len(items), self.workers)
        chunks = [list(enumerate(items))[start : start + size] for start in range(0, len(items), size)]
        try:
            shared_future = self.client.scatter(shared, broadcast=True) if shared is not None else None
            futures = self.client.map(
                _run_chunk, [fn] * len(chunks), chunks, shared=shared_future, pure=False
            )
            for future in as_completed(futures, loop=self.client.loop):
                yield from future.result()
                future.release()
        except (OSError, TimeoutError, CancelledError) as exc:
            raise SchedulerError(f"lost the Dask scheduler at {self.address}: {_reason(exc)}") from exc
        except KilledWorker as exc:
            raise SchedulerError(f"Dask workers died while analysing: {_reason(exc)}") from exc
        except (ImportError, AttributeError) as exc:
            # Raised on a worker that unpickles a function its installation lacks.
            raise SchedulerError(
                f"a Dask worker cannot run this briefing ({_reason(exc)}): install the same briefing on every worker"
            ) from exc

    def close(self) -> None:
        self.client.close()


def check_address(address: str) -> str:
    """A scheduler address as Dask writes them (``tcp://host:8786``, ``tls://…``, ``host:8786``)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(address)
        parse_host_port(location)
    except ValueError as exc:
        raise ConfigError(f"invalid Dask scheduler address {address!r}: expected tcp://HOST:PORT") from exc
    if scheme not in ("tcp", "tls", "ws", "wss", "ucx"):
        raise ConfigError(f"invalid Dask scheduler address {address!r}: unknown protocol {scheme}")
    return address


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def make_executor(
    kind: str | None = None, scheduler: str | None = None, workers: int | None = None, **local: Any
) -> Executor:
    """The executor a command asked for: ``local`` (default) or ``dask`` at ``scheduler``
    (default: the ``BRIEFING_DASK_SCHEDULER`` environment variable)."""
    kind = kind or "local"
    if kind == "local":
        return LocalExecutor(workers, **local)
    if kind == "dask":
        address = scheduler or os.environ.get(SCHEDULER_ENV)
        if not address:
            raise ConfigError(f"--executor dask needs a scheduler address: --scheduler or {SCHEDULER_ENV}")
        return DaskExecutor(address)
    raise ConfigError(f"unknown executor {kind}: choose from {', '.join(EXECUTORS)}")
