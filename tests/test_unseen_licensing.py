"""The drug-licensing folder (tests/fixtures/corpora/licensing): a feature with front
matter, a Taiwanese paper's plain text, an English wire-style report and a plain-text
memo whose questions open with "待研究：" on lines of their own. Written to try the
tool on deal-making rather than operating results: each assertion is what a reader
must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("licensing")


def test_a_deals_payment_is_the_licensors_and_names_its_payer(model: dict[str, Any]) -> None:
    # "三生制药将…授权给辉瑞，辉瑞支付12.5亿美元首付款", "GSK agreed to pay Hengrui Pharma $500 million"
    upfront = {f["counterpart"] for f in company_figures(model, "三生制药") if f["measure"] == "首付款"}
    assert upfront == {"辉瑞"}
    hengrui = [f for f in company_figures(model, "恒瑞医药") if f["measure"] == "首付款"]
    assert [(f["value"], f["counterpart"]) for f in hengrui] == [(500000000.0, "葛兰素史克")]
    # …and the payers own no upfront of their own
    assert not any(
        f["measure"] == "首付款"
        for f in company_figures(model, "辉瑞") + company_figures(model, "葛兰素史克")
    )


def test_the_key_figures_set_the_licensors_upfronts_side_by_side(model: dict[str, Any]) -> None:
    row = next(k for k in model["key_figures"] if k["measure"] == "首付款")
    who = [e["company"] for e in row["entries"]]
    assert {"三生制药", "恒瑞医药", "信达生物"} <= set(who)
    assert not {"辉瑞", "葛兰素史克", "武田制药"} & set(who)
    assert who[0] == "三生制药"  # the largest first


def test_the_licensing_argument_and_the_patent_cliff_are_themes(model: dict[str, Any]) -> None:
    themes = model["themes"]
    licensing = next(t for t in themes if "授权" in t["label"])
    assert len(licensing["documents"]) == 4
    cliff = next(t for t in themes if t["label"] == "专利悬崖")
    assert "03_reuters_biotech.md" in cliff["documents"]  # "patent expiries"
    # one argument is one theme, and no label pairs a concept with its own variant
    assert sum("授权" in t["label"] for t in themes) == 1
    assert not any("专利到期" in t["label"] for t in themes)


def test_a_kind_of_company_is_no_company(model: dict[str, Any]) -> None:
    assert not any("创新药公司" in c["name"] for c in model["companies"])


def test_no_question_keeps_its_label(model: dict[str, Any]) -> None:
    texts = [q["text"] for q in model["questions"]]
    assert len(texts) == 4
    assert not any(t.startswith("待研究") for t in texts)


def test_one_deal_in_two_languages_is_one_takeaway(model: dict[str, Any]) -> None:
    texts = [t["text"] for t in model["summary"]]
    hengrui = [t for t in texts if "GSK" in t and ("5亿美元" in t or "$500 million" in t)]
    assert len(hengrui) <= 1


def test_the_memos_next_step_is_never_quoted(model: dict[str, Any]) -> None:
    quoted = [q["text"] for t in model["themes"] for q in t["quotes"]] + [t["gist"] for t in model["themes"]]
    quoted += [t["text"] for t in model["summary"]]
    assert not any(q.startswith("下一步") for q in quoted)


def test_the_cover_names_what_the_titles_share(model: dict[str, Any]) -> None:
    # 创新药 in two titles (the memo's counting twice) and, as written, in three texts
    # (大陸創新藥企 cut 创新 + 药企); 新药 only inside it, so no vote of its own
    assert model["title"] == "创新药简报"
