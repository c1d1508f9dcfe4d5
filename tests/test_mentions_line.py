"""The line of organisations only mentioned: kinds in a reader's order, the most
mentioned first, long kinds cut to their top with a count, events left out
(tests/fixtures/render/mentions.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefing.labels import mention_groups
from briefing.model import Company

CASES = yaml.safe_load((Path(__file__).parent / "fixtures/render/mentions.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_mention_groups(case: dict) -> None:
    companies = [
        Company(
            name=name,
            aliases=[name],
            type=kind,
            parent=None,
            documents=[f"d{i}.md" for i in range(docs)],
            mentions=mentions,
            moves=[],
            figures=[],
            mode=None,
        )
        for name, kind, mentions, docs in case["organisations"]
    ]
    got = [[g.kind, [c.name for c in g.shown], g.total] for g in mention_groups(companies)]
    assert got == case["expected"]
