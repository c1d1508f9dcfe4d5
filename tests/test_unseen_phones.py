"""The smartphone folder (tests/fixtures/corpora/phones): a feature with front matter, a
Taiwanese paper's HTML page, an English research note with a table and a memo whose
questions are rows of a Markdown table. Written to try the tool on an industry no rule
was written for: each assertion is what a reader must trust."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import company_figures, corpus_model


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("phones")


def _figure(model: dict[str, Any], company: str, value: float) -> dict[str, Any]:
    found = [f for f in company_figures(model, company) if f["value"] == pytest.approx(value)]
    assert found, (company, value, company_figures(model, company))
    return found[0]


def test_each_source_is_dated_and_credited(model: dict[str, Any]) -> None:
    by_path = {s["path"]: s for s in model["sources"]}
    assert by_path["03_canalys_en.md"]["date"] == "2024-10-18"  # "Research note, 18 October 2024"
    paper = by_path["02_udn_phones.html"]
    assert (paper["author"], paper["site"]) == ("林亞緯", "經濟日報")
    assert by_path["01_jiemian_phones.md"]["site"] == "界面新闻"


def test_the_memo_table_rows_are_its_questions(model: dict[str, Any]) -> None:
    assert len(model["questions"]) == 4
    assert model["questions"][0]["text"].startswith("华为在高端市场的份额提升")


def test_the_handset_makers_hold_their_shares_of_the_quarter(model: dict[str, Any]) -> None:
    for company, share in (("vivo", 18.6), ("OPPO", 15.7), ("荣耀", 15.3), ("华为", 15.3)):
        f = _figure(model, company, share)
        # the ranking paragraph breaks down IDC's data of China's market in 2024's third quarter
        assert (f["measure"], f["year"], f["period"], f["source"]) == ("中国市场份额", 2024, "三季度", "IDC")


def test_a_parallel_change_gives_each_its_level_of_this_year(model: dict[str, Any]) -> None:
    assert _figure(model, "苹果公司", 50)["year"] == 2024
    assert _figure(model, "苹果公司", 60)["year"] == 2023
    assert _figure(model, "华为", 40)["year"] == 2024


def test_a_market_s_shipments_are_not_set_beside_a_company_s_global_ones(model: dict[str, Any]) -> None:
    assert any(f["measure"] == "全球出货量" for f in company_figures(model, "小米集团"))
    for row in model["key_figures"]:
        if "出货量" in row["measure"]:
            assert {e["company"] for e in row["entries"]} != {"小米集团", "vivo"}, row


def test_a_price_band_is_no_share(model: dict[str, Any]) -> None:
    assert not any(f["value"] == 600 for f in company_figures(model, "华为"))


def test_high_end_shares_stand_apart_from_the_whole_market(model: dict[str, Any]) -> None:
    rows = [k for k in model["key_figures"] if "市场份额" in k["measure"]]
    whole = next(k for k in rows if any(e["company"] == "vivo" for e in k["entries"]))
    assert {e["company"] for e in whole["entries"]} >= {"vivo", "OPPO", "华为", "苹果公司"}
    assert all(e["value"] < 20 for e in whole["entries"])
    tier = next(k for k in rows if any(e["value"] == 40 for e in k["entries"]))
    assert {e["company"] for e in tier["entries"]} == {"华为", "苹果公司"}
    assert {e["value"] for e in tier["entries"]} == {40, 50}


def test_premiumisation_is_one_argument_all_sources_make(model: dict[str, Any]) -> None:
    theme = next(t for t in model["themes"] if t["label"] == "高端化")
    assert len(theme["documents"]) == 4
    cycle = next(t for t in model["themes"] if "换机周期" in t["label"])
    assert "03_canalys_en.md" in cycle["documents"]  # "replacement cycle"


def test_an_impact_question_is_answered_by_its_object_first(model: dict[str, Any]) -> None:
    q = next(q for q in model["questions"] if "台湾供应链" in q["text"])
    assert q["status"] != "open"
    assert "供應鏈" in q["evidence"][0]["text"]


def test_ordinary_words_and_titles_are_no_companies(model: dict[str, Any]) -> None:
    names = {c["name"] for c in model["companies"]}
    assert {"vivo", "OPPO", "荣耀", "大立光"} <= names
    assert not any(n in names for n in ("高端市场", "厂商", "法人", "业内人士"))


def test_the_research_note_s_table_gives_each_vendor_its_global_share(model: dict[str, Any]) -> None:
    for name, value in (("三星电子", 19.0), ("苹果公司", 18.0), ("传音控股", 9.0)):
        share = next(
            f for f in company_figures(model, name) if f["measure"] == "全球市场份额" and f["value"] == value
        )
        assert (share["year"], share["period"], share["source"]) == (2024, "三季度", "Canalys")
    fall = next(f for f in company_figures(model, "三星电子") if f["measure"] == "全球出货量下降")
    assert fall["value"] == 2.0
