"""Where per-document work runs (issue 15): this machine's cores or a Dask cluster.

The Dask tests start a ``LocalCluster`` with two worker processes on this
machine (Dask is part of the test extras). A run on the cluster must give
the model a local run gives, byte for byte, and leave the local caches warm;
a scheduler that cannot be reached, a malformed address and workers running
another analysis version each end in a one-line error with a documented exit
code, never a traceback and never a wrong cache entry.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import batch, bench, executors
from briefing.analysis import document
from briefing.readers import read_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NEV = ROOT / "tests" / "fixtures" / "corpora" / "nev"
DATE = "2026-11-23"


def _square(item: int, shared: int) -> int:
    return item * item + shared


@pytest.mark.parametrize("workers", [1, 2])
def test_the_local_executor_runs_every_item_once(workers: int) -> None:
    items = list(range(60))
    done = dict(executors.LocalExecutor(workers, min_items=10).map(_square, items, 7))
    assert done == {i: i * i + 7 for i in items}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 generated documents, the NEV fixture corpus and a file that is skipped."""
    folder = tmp_path_factory.mktemp("corpus")
    groups = bench.seed_paragraphs([d.to_dict() for d in read_corpus(SEEDS).documents])
    bench.write_corpus(folder, bench.generate_corpus(groups, 40, seed=15))
    shutil.copytree(NEV, folder / "nev")
    (folder / "scan.bin").write_bytes(b"\x00\x01\x02 not text")
    return folder


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two worker processes on this machine."""
    distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install -e '.[test]'")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as local:
        yield local.scheduler_address


def _analyze(run_cli, folder: Path, *options: str) -> str:
    result = run_cli("-q", "analyze", folder, "--json", "--date", DATE, *options)
    assert result.exception is None, result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_dask_run_gives_the_local_model_and_leaves_the_cache_warm(
    run_cli, corpus: Path, cluster: str, monkeypatch, tmp_path: Path
) -> None:
    local = _analyze(run_cli, corpus, "--no-cache")
    analysed: list[str] = []
    real = document.analyse_document
    monkeypatch.setattr(document, "analyse_document", lambda doc: analysed.append(doc.path) or real(doc))

    remote = _analyze(run_cli, corpus, "--executor", "dask", "--scheduler", cluster)
    assert remote == local
    assert analysed == [], "the documents were analysed here, not on the cluster"
    assert '"scan.bin"' in remote  # skipped files are listed as on a local run

    # the next local run finds every document and analysis in the local caches
    read_again: list[str] = []
    from briefing import readers

    build = readers.build_document
    monkeypatch.setattr(
        readers, "build_document", lambda rel, *a, **k: read_again.append(rel) or build(rel, *a, **k)
    )
    assert _analyze(run_cli, corpus) == local
    assert analysed == [] and read_again == []

    # generate too, with the scheduler from the environment
    monkeypatch.setenv(executors.SCHEDULER_ENV, cluster)
    out = tmp_path / "out"
    result = run_cli("-q", "generate", corpus, "--out", out, "--date", DATE, "--format", "pdf",
                     "--executor", "dask", "--no-cache")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (out / f"briefing-{DATE}.json").read_text("utf-8") == local


def test_a_worker_with_another_analysis_version_is_refused(
    run_cli, corpus: Path, cluster: str, monkeypatch
) -> None:
    # as if this machine's dictionary differed from the workers'
    monkeypatch.setattr(batch, "analysis_version", lambda: "another-version")
    result = run_cli("analyze", corpus, "--json", "--no-cache", "--executor", "dask", "--scheduler", cluster)
    assert result.exit_code == 10
    assert "another version of briefing's analysis" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_a_one_line_error(corpus: Path, tmp_path: Path) -> None:
    """Run as a user would, in a process of its own: in-process, a cluster of an
    earlier test still shutting down would log into this command's stderr."""
    pytest.importorskip("distributed", reason="Dask is not installed: pip install -e '.[test]'")
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {**os.environ, "BRIEFING_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefing",
            "analyze",
            str(corpus),
            "--executor",
            "dask",
            "--scheduler",
            address,
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 10, result.stderr
    assert result.stderr.strip().splitlines() == [
        next(line for line in result.stderr.splitlines() if line.startswith("Error:"))
    ]
    assert f"cannot reach the Dask scheduler at {address}" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["--scheduler", "localhost"], "invalid Dask scheduler address", id="no-port"),
        pytest.param(["--scheduler", "ftp://localhost:21"], "unknown protocol ftp", id="protocol"),
        pytest.param([], "needs a scheduler address", id="none"),
    ],
)
def test_a_missing_or_malformed_address_is_a_setting_error(
    run_cli, corpus: Path, monkeypatch, options: list[str], message: str
) -> None:
    pytest.importorskip("distributed", reason="Dask is not installed: pip install -e '.[test]'")
    monkeypatch.delenv(executors.SCHEDULER_ENV, raising=False)
    result = run_cli("analyze", corpus, "--executor", "dask", *options)
    assert result.exit_code == 8
    assert message in result.stderr


def test_without_dask_the_dask_executor_says_how_to_install_it(run_cli, corpus: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = run_cli("analyze", corpus, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 8
    assert "pip install 'briefing[dask]'" in result.stderr
