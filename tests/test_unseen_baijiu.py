"""The baijiu folder (tests/fixtures/corpora/baijiu), written to try the tool on an
industry and on formats no rule was written for, against what its expected file says
a reader must find; and the name rules it led to, on sentences of other industries."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import CORPORA, corpus_model

from briefing import nlp
from briefing.analysis import names

EXPECTED = yaml.safe_load((CORPORA / "baijiu.expected.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def model() -> dict[str, Any]:
    return corpus_model("baijiu")


def test_the_table_of_questions_is_the_agenda(model: dict[str, Any]) -> None:
    assert [q["text"] for q in model["questions"]] == [q["text"] for q in EXPECTED["questions"]]


def test_a_unit_s_figures_keep_its_name_as_scope(model: dict[str, Any]) -> None:
    """ "英国烈酒集团帝亚吉欧(Diageo)旗下的水井坊，2023年营收49.5亿元": Diageo's unit's revenue,
    as "比亚迪旗下的腾势2024年销量" is BYD's with the scope 腾势 (owners.yaml)."""
    companies = {c["name"]: c for c in model["companies"]}
    assert "英国烈酒集团" not in companies  # a description of Diageo, not a name
    scoped = {(f["raw"], f["scope"]) for f in companies["帝亚吉欧"]["figures"]}
    assert {("49.5億元", "水井坊"), ("12.7億元", "水井坊")} <= scoped


def test_page_furniture_makes_no_case(model: dict[str, Any]) -> None:
    assert "星巴克" not in {c["name"] for c in model["companies"]}  # a related-news link


def test_the_folder_has_a_theme(model: dict[str, Any]) -> None:
    expected_terms = {t for theme in EXPECTED["themes"] for t in theme["any_terms"]}
    assert model["themes"]
    for theme in model["themes"]:
        assert any(t in theme["label"] or t in theme["terms"] for t in expected_terms), theme["label"]


def _names(sentence: str) -> set[str]:
    return {f.name for f in names.discover(list(nlp.zh_cut(sentence)), sentence)}


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        ("英国烈酒集团帝亚吉欧(Diageo)旗下的水井坊，2023年营收49.5亿元。", {"帝亚吉欧"}, {"英国烈酒集团"}),
        ("美国芯片集团英伟达（NVIDIA）发布新品。", {"英伟达"}, {"美国芯片集团"}),
        (
            "法国奢侈品集团开云（Kering）上半年营收下滑。",
            {"开云集团"},
            {"法国奢侈品集团"},
        ),  # (a gazetteer name now)
        # a name before the suffix, no country: the suffix's name stands
        ("复星集团豫园（Yuyuan）今年扩张。", {"复星集团"}, set()),
    ],
)
def test_a_country_and_trade_before_a_glossed_name_describe_it(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    found = _names(sentence)
    assert present <= found, found
    assert not absent & found, found


def test_how_a_name_was_found_reads_as_one_label() -> None:
    """ "kind noun 集团" reads 类别词“集团”, not 类别词“noun 集团”."""
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.charts import charts_for
    from briefing.readers import read_corpus
    from briefing.render import render

    model = build_briefing(read_corpus(CORPORA / "baijiu"), date=dt.date(2026, 12, 2))
    text = render(model, charts_for(model))
    assert "识别依据：类别词“集团”" in text
    assert "“noun " not in text
    assert "识别依据：挂牌上市" in text and "listed" not in text


@pytest.mark.parametrize("folder", ["baijiu", "healthcare"])
def test_a_question_shows_a_sentence_once(folder: str) -> None:
    """A passage brought along with the sentence it points back to, and that sentence
    found on its own, are one piece of evidence (baijiu: 飞天茅台批价…/这是近三年来…;
    healthcare: AstraZeneca … / Its China revenue …)."""
    from conftest import _run_cli

    result = _run_cli("-q", "analyze", CORPORA / folder, "--json", "--date", "2026-12-02", "--no-cache")
    for q in result.json()["questions"]:
        places = [(e["document"], e["paragraph"], e["text"]) for e in q["evidence"]]
        texts = [t for _, _, t in places]
        assert not [a for a in texts for b in texts if a is not b and a in b], q["text"]


@pytest.mark.parametrize(
    ("question", "change"),
    [
        ("次高端酒企的下滑是周期性的还是结构性的？", "下滑"),
        ("组件价格还会继续下跌吗？", "下跌"),
        ("Will margins narrow further in 2025?", "narrow"),
        ("差距在扩大还是缩小？", None),  # which way: both directions
        ("收入是增长还是下滑？", None),
        ("港股估值是否见底？", None),
    ],
)
def test_the_change_a_question_asks(question: str, change: str | None) -> None:
    from briefing.analysis.questions import _change_asked

    assert _change_asked(question) == change


def test_a_change_asked_in_other_words_finds_its_evidence(model: dict[str, Any]) -> None:
    """ "次高端酒企（酒鬼酒、水井坊）的下滑…": no source writes 下滑; 酒鬼酒's revenue
    "同比下降30.1%" bears on it."""
    q = model["questions"][2]
    assert q["status"] == "partly answered"
    assert any("酒鬼酒" in e["text"] and "下降" in e["text"] for e in q["evidence"])


def test_the_memo_s_references_are_in_the_briefing_s_script() -> None:
    """A Traditional reference title ("陸白酒股跌跌不休…（自由財經…）") is shown in Simplified."""
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.charts import charts_for
    from briefing.readers import read_corpus
    from briefing.render import render

    model = build_briefing(read_corpus(CORPORA / "baijiu"), date=dt.date(2026, 12, 2))
    text = render(model, charts_for(model))
    refs = text.split("### 备忘录参考文献", 1)[1].split("## ", 1)[0]
    assert "陆白酒股跌跌不休" in refs
    assert "陸" not in refs
    # a gap that is its whole line is shown once, with its citation, not again as its context
    (gaps,) = [line for line in text.splitlines() if line.startswith("- **数据缺口**")]
    assert gaps.count("系列酒收入增速") == 1


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("港股方面，2023年4月在香港挂牌的珍酒李渡，上市首日即跌破发行价。", {"珍酒李渡"}),
        ("去年登陆科创板的寒武纪，股价翻倍。", {"寒武纪"}),
        ("在纳斯达克上市的蔚来，股价下跌。", {"蔚来"}),
        ("今年在港股上市的公司，普遍破发。", set()),  # a kind, no name
        ("在超市上市的新品，销量不错。", set()),  # a product launched, no listing
        ("刚上市的新品，销量不错。", set()),
    ],
)
def test_a_listing_introduces_a_company(sentence: str, found: set[str]) -> None:
    assert _names(sentence) == found


def test_the_company_a_listing_names_owns_the_figures_after_it(model: dict[str, Any]) -> None:
    """ "在香港掛牌的珍酒李渡，上市首日即跌破發行價。公司2023年營收70.3億元": 公司 is 珍酒李渡
    (the head of the relative clause, not the object of 在), not the document's topic 茅台."""
    companies = {c["name"]: c for c in model["companies"]}
    assert "70.3億元" in {f["raw"] for f in companies["珍酒李渡"]["figures"]}
    assert "70.3億元" not in {f["raw"] for f in companies["贵州茅台"]["figures"]}


def test_an_industry_total_names_the_firms_it_adds_up(model: dict[str, Any]) -> None:
    """ "全国规模以上白酒企业产量449.2万千升": the total of 全国规模以上白酒企业 (in 千升), not
    of a "全国规模以上白酒企业市场"."""
    entries = [(e["company"], e["raw"], k["unit"]) for k in model["key_figures"] for e in k["entries"]]
    assert ("全国规模以上白酒企业", "449.2万千升", "千升") in entries
    assert not [c for c, _, _ in entries if c.endswith("企业市场")]
