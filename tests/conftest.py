"""Shared fixtures for the corpus-stage tests.

Nothing here touches the network or system fonts: documents are written to
``tmp_path`` and the CLI runs in-process through click's ``CliRunner``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from briefing.cli import cli

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SEEDS = ROOT / "seeds"
FIXTURES = TESTS / "fixtures"
CORPORA = FIXTURES / "corpora"
MEMOS = FIXTURES / "memos"


def write_text(
    path: Path,
    text: str,
    encoding: str = "utf-8",
    *,
    newline: str = "\n",
    bom: bool = False,
) -> Path:
    """Write ``text`` to ``path`` in ``encoding``, with ``newline`` line ends.

    ``bom`` prepends U+FEFF before encoding (UTF-8 with BOM); the ``utf-16``
    codec writes its own BOM. Parent folders are created.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if newline != "\n":
        text = text.replace("\n", newline)
    if bom:
        text = "\ufeff" + text
    path.write_bytes(text.encode(encoding))
    return path


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        return json.loads(self.stdout)


def analyze_with_data(
    tmp_path: Path, data: Path, folder: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """``briefing -q analyze FOLDER --no-cache ARGS`` in a process of its own with
    ``BRIEFING_DATA=data``, as a user would run it (a process reads its data once)."""
    env = {**os.environ, "BRIEFING_DATA": str(data), "BRIEFING_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, "-m", "briefing", "-q", "analyze", str(folder), *args, "--no-cache"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _run_cli(*args: str | Path) -> CliResult:
    runner = CliRunner()
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return CliResult(result.exit_code, result.stdout, result.stderr, exception)


def corpus_model(name: str, date: str = "2026-12-02") -> dict[str, Any]:
    """The model ``briefing analyze`` makes of the fixture corpus ``name`` (no cache), as JSON."""
    result = _run_cli("-q", "analyze", CORPORA / name, "--json", "--date", date, "--no-cache")
    assert result.exit_code == 0, result.stderr
    return result.json()


def company_figures(model: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The figures of the organisation ``name`` in a JSON model (none if it is not there)."""
    return next((c["figures"] for c in model["companies"] if c["name"] == name), [])


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """Run ``briefing ARGS…`` in-process; stdout and stderr are kept apart."""
    return _run_cli


@pytest.fixture
def corpus_json(run_cli: Callable[..., CliResult]) -> Callable[[Path], dict[str, Any]]:
    """``briefing -q corpus FOLDER --json`` parsed, asserting a clean exit."""

    def read(folder: Path) -> dict[str, Any]:
        result = run_cli("-q", "corpus", folder, "--json")
        assert result.exception is None, result.exception
        assert result.exit_code == 0, result.stderr
        return result.json()

    return read


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of ``tests/fixtures/cleaning/NAME.yaml`` (a list under ``cases``)."""
    data = yaml.safe_load((FIXTURES / "cleaning" / f"{name}.yaml").read_text("utf-8"))
    return data["cases"]


def case_ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


def docs_by_prefix(corpus: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Documents of a ``corpus --json`` result keyed by the path's first three characters."""
    return {d["path"][:3]: d for d in corpus["documents"]}


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own state folder: no test reads or writes the user's cache or schedules."""
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path_factory.mktemp("state")))
