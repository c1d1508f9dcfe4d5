"""The case section lists at most eight figures, chosen by ``headline_figures``."""

from pathlib import Path

import pytest
import yaml

from briefing.model import Figure
from briefing.render import headline_figures

CASES = yaml.safe_load((Path(__file__).parent / "fixtures/render/headline_figures.yaml").read_text("utf-8"))


def _figure(measure: str, text: str, scope: str = "") -> Figure:
    return Figure(
        value=1.0, unit="", measure=measure, year=None, text=text, document="a.md", paragraph=0, scope=scope
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_headline_figures(case: dict) -> None:
    figures = [_figure(*row) for row in case["figures"]]
    shown = headline_figures(figures, case["limit"])
    assert [figures.index(f) for f in shown] == case["expected"]
