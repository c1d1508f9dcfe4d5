"""The cross-border e-commerce folder (tests/fixtures/corpora/crossborder): a feature,
a Hong Kong paper's plain text, an English report and a checklist memo. Written to try
the tool on a policy shock no rule was written for: each assertion is what a reader
must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("crossborder")


def test_the_owner_that_speaks_reports_its_own_revenue(model: dict[str, Any]) -> None:
    revenue = [f for f in company_figures(model, "拼多多") if f["measure"] == "营收"]
    assert revenue and "03_ft_temu.md" in {revenue[0]["document"], *revenue[0]["also_documents"]}
    assert not any(f["measure"].startswith("营收") for f in company_figures(model, "Temu"))


def test_a_price_threshold_is_no_ones_figure(model: dict[str, Any]) -> None:
    assert not any(f["value"] == 150 for c in model["companies"] for f in c["figures"])


def test_the_english_report_argues_the_policy_and_the_model(model: dict[str, Any]) -> None:
    themes = model["themes"]
    exemption = next(t for t in themes if "小额豁免" in t["label"])
    assert {"01_36kr_deminimis.md", "02_hket_shein.txt", "03_ft_temu.md"} <= set(exemption["documents"])
    managed = next(t for t in themes if "半托管" in t["label"])
    assert "03_ft_temu.md" in managed["documents"]


def test_a_ticked_question_is_answered(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if q["text"].startswith("拼多多一季度营收"))
    assert q["status"] == "answered"
