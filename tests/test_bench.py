"""The benchmark's options (issue 15): sections can be chosen, and a wrong name is refused.

The measurements themselves are not run here: speed is measured by
``python -m briefing.bench``, never by timed tests.
"""

from __future__ import annotations

import sys

import pytest

from briefing import bench


def test_sections_are_chosen_by_name() -> None:
    args = bench.parser().parse_args(["--only", "seeds, dask", "--skip", "dask"])
    assert args.only == ("seeds", "dask")
    assert [s for s in bench.SECTIONS if s in args.only and s not in args.skip] == ["seeds"]
    assert bench.parser().parse_args([]).only == bench.SECTIONS  # everything by default


def test_an_unknown_section_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench.parser().parse_args(["--only", "seeds,everything"])
    assert exit_info.value.code == 2
    assert "unknown section everything" in capsys.readouterr().err


def test_every_section_is_a_measurement() -> None:
    assert all(callable(getattr(bench.Measurement, name, None)) for name in bench.SECTIONS)


def test_cpu_time_is_reported_beside_wall_time() -> None:
    row = bench.Measure("x", 3.0, baseline=1.5, target=2.0, cpu=2.0, baseline_cpu=1.0)
    assert row.ratio == 2.0 and row.cpu_ratio == 2.0 and row.verdict == "PASS"
    assert bench.Measure("y", 1.0, baseline=1.0).cpu_ratio is None  # no CPU measured: no ratio
    text = bench.table([row])
    assert "cpu ratio" in text.splitlines()[0]
    assert "2.00 s" in text and "1.00 s" in text


def test_a_command_reports_its_cpu_time(tmp_path) -> None:
    run = bench.Bench(tmp_path, verbose=False).run(
        [
            sys.executable,
            "-c",
            "import time; t = time.process_time()\nwhile time.process_time() - t < 0.2: pass",
        ]
    )
    assert run.cpu >= 0.15  # the busy loop's CPU time, measured from outside


def test_the_package_is_compiled_to_bytecode_before_anything_is_timed() -> None:
    """As pip compiles an installed package (and jieba): the cold runs must not
    compile briefing's modules from source when the environment forbids writing bytecode."""
    import importlib.util
    from pathlib import Path

    assert bench.compile_package()
    package = Path(bench.__file__).resolve().parent
    for source in package.rglob("*.py"):
        assert Path(importlib.util.cache_from_source(str(source))).is_file(), source
