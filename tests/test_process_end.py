"""The ``briefing`` command ends its process at once when the command is done
(issue 15, cold start: the interpreter's tear-down cost a fifth of bare jieba's
run). What must survive: the exit code, everything written to stdout and
stderr (also through a pipe, where Python buffers it), and the exit handlers
(logging's flush, multiprocessing's clean-up, ``atexit`` callbacks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

PROBE = """
import atexit, sys
from briefing import cli
atexit.register(lambda: print("handler ran", file=sys.stderr))
sys.argv = ["briefing", *sys.argv[1:]]
cli.main()
print("not reached", file=sys.stderr)
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_HOME": str(tmp_path / "home")}
    env.pop("BRIEFING_DATA", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Each case: the command's arguments, its documented exit code, what its stderr says.
CASES = {
    "success, long output on a pipe": (["corpus", str(SEEDS), "--json"], 0, ""),
    "a missing folder (exit code 3)": (["analyze", "/nonexistent/folder"], 3, "source folder not found"),
    "a usage error (click's 2)": (["analyze", "--no-such-option"], 2, "No such option"),
    "help": (["--help"], 0, ""),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_process_ends_with_its_code_its_output_and_its_handlers(tmp_path: Path, case: str) -> None:
    args, code, said = CASES[case]
    done = _run(tmp_path, *args)
    assert done.returncode == code, done.stderr
    assert said in done.stderr
    assert done.stderr.rstrip().endswith("handler ran")  # atexit callbacks ran, last
    assert "not reached" not in done.stderr  # the process ended in cli.main
    if args[0] == "corpus":
        documents = json.loads(done.stdout)["documents"]  # the whole JSON came through the pipe
        assert len(documents) == len(list(SEEDS.iterdir()))
