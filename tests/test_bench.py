"""The benchmark's options (issue 15): sections can be chosen, and a wrong name is refused.

The measurements themselves are not run here: speed is measured by
``python -m briefing.bench``, never by timed tests.
"""

from __future__ import annotations

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
