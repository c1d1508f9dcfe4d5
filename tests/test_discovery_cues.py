"""Discovery from context: the cues of briefing/analysis/cues.py on sentences of other
industries (tests/fixtures/discovery_cues/sentences.yaml), and the document-level cue
(a name with an industry word whose stem the document also writes alone) on a
Traditional electronics folder (tests/fixtures/companies/electronics_zh-hant.yaml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import analyze_with_data

from briefing.analysis.cues import person_name_re, tail_names
from briefing.analysis.names import discover, discover_en
from briefing.nlp import zh_cut
from briefing.script import to_simplified

FIXTURES = Path(__file__).parent / "fixtures" / "discovery_cues"
SENTENCES = yaml.safe_load((FIXTURES / "sentences.yaml").read_text("utf-8"))["cases"]
ORGANISATION_TYPES = {"research": ("research", "association"), "association": ("research", "association")}


def _found(text: str) -> dict[str, Any]:
    if text.isascii():
        return {f.name: f for f in discover_en(text)}
    simplified = to_simplified(text)
    return {f.name: f for f in discover(zh_cut(simplified), simplified)}


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in SENTENCES])
def test_a_cue_finds_the_name_and_keeps_its_evidence(case: dict[str, Any]) -> None:
    found = _found(case["text"])
    if case.get("nothing"):
        assert not found, found
    for name in case.get("none", []):
        assert name not in found, found
    for want in case.get("found", []):
        name = to_simplified(want["name"])
        assert name in found, (name, found)
        assert found[name].type in ORGANISATION_TYPES.get(want["type"], (want["type"],)), found[name]
        assert want["cue"] in found[name].evidence, found[name]


@pytest.mark.parametrize(
    ("heads", "expected"),
    [
        (["钰晟电子则专注车用市场", "钰晟今年将扩产"], {"钰晟": "钰晟电子"}),
        (["智冠科技则选择另一条路", "智冠去年以新台币4.5"], {"智冠": "智冠科技"}),
        # an index, not a company; a stem never written alone; a dictionary word
        (["恒生科技指数涨1.19", "恒生指数收盘涨1.38"], {}),
        (["钰晟电子则专注车用市场"], {}),
        (["消费电子需求回暖", "消费持续复苏"], {}),
        # a person's name before an industry word
        (["刘柏园科技公司", "刘柏园表示"], {}),
    ],
)
def test_an_industry_word_joins_a_name_written_alone_elsewhere(heads, expected) -> None:
    assert {stem: full for stem, (full, _) in tail_names("", heads).items()} == expected


# ------------------------------------------------------------------ games folder

GAMES = Path(__file__).parent / "fixtures" / "corpora" / "games"
GAMES_EXPECTED = yaml.safe_load((GAMES.parent / "games.expected.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def games():
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    return build_briefing(read_corpus(GAMES), date=dt.date(2026, 12, 2))


def _by_form(model, form: str):
    simplified = to_simplified(form)
    return next(
        (
            c
            for c in model.companies
            if simplified == c.name or simplified in {to_simplified(a) for a in c.aliases}
        ),
        None,
    )


@pytest.mark.parametrize("company", [pytest.param(c, id=c["name"]) for c in GAMES_EXPECTED["companies"]])
def test_games_companies_nobody_listed_are_found_as_cases(games, company: dict[str, Any]) -> None:
    """Every company of games.expected.yaml, by its name or one of its forms as written
    (Nintendo is the gazetteer's 任天堂: an English source names the entity a Chinese one does)."""
    c = next((x for f in [company["name"], *company["aliases"]] if (x := _by_form(games, f))), None)
    assert c is not None, (company["name"], [x.name for x in games.companies])
    assert c.type == company["type"] and c.role == "case", (c.name, c.type, c.role, c.role_reason)
    assert set(company["documents"]) <= set(c.documents), (c.name, c.documents)
    for alias in company["aliases"]:
        assert alias in c.aliases or to_simplified(alias) == c.name, (alias, c.aliases)


@pytest.mark.parametrize(
    ("company", "want"),
    [
        pytest.param(c, f, id=f"{c['name']}-{f['raw']}")
        for c in GAMES_EXPECTED["companies"]
        for f in c.get("figures", [])
    ],
)
def test_games_figures_keep_owner_unit_year_and_scope(games, company: dict[str, Any], want: dict) -> None:
    """Each figure of games.expected.yaml is its company's, with the unit, year, period and
    scope written there (the measure where the model's name for it is given as model_measure)."""
    c = next((x for f in [company["name"], *company["aliases"]] if (x := _by_form(games, f))), None)
    assert c is not None, company["name"]
    mine = [f for f in c.figures if f.value == pytest.approx(want["value"])]
    assert mine, (want, [(f.measure, f.value) for f in c.figures])
    f = mine[0]
    for key in ("unit", "year", "period", "scope"):
        if key in want:
            assert getattr(f, key) == want[key], (key, want, f)
    if "model_measure" in want:
        assert f.measure == want["model_measure"], (want, f)


def test_games_data_sources_are_typed_mentions_and_no_person_or_word_is_an_organisation(games) -> None:
    for name in GAMES_EXPECTED["research"]:
        c = _by_form(games, name)
        assert c is not None, name
        assert c.type in ("research", "association") and c.role == "mention", (name, c.type, c.role)
    names = {to_simplified(n) for c in games.companies for n in (c.name, *c.aliases)}
    for word in GAMES_EXPECTED["not_organisations"]:
        assert to_simplified(word) not in names, word


@pytest.mark.parametrize(
    ("text", "name", "person"),
    [
        ("Chief executive John Smith spoke. Smith said its policy was wrong.", "Smith", True),
        ("Smith said he would leave. Later Smith said its policy changed.", "Smith", True),
        ("Mr Olsen said its stores stay open.", "Olsen", True),
        (
            "Nintendo said its Switch had sold 139 million units. In March Nintendo cut prices.",
            "Nintendo",
            False,
        ),
        ("Japan's Nintendo said its console sold well, and Sony and Nintendo gained.", "Nintendo", False),
    ],
)
def test_a_name_that_said_its_is_a_person_s_where_the_document_says_so(text, name, person) -> None:
    assert bool(person_name_re(name).search(text)) is person


@pytest.mark.parametrize("text", ["- just a list\n", "kind_nouns_en: [researcher]\n", "deal_verbs: 入股\n"])
def test_a_malformed_cue_file_is_a_one_line_error(tmp_path: Path, text: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "discovery_cues.yaml").write_text(text, "utf-8")
    done = analyze_with_data(tmp_path, data, GAMES)
    assert done.returncode == 8, done.stderr
    assert "discovery_cues.yaml" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ dairy folder

DAIRY = Path(__file__).parent / "fixtures" / "corpora" / "dairy"
DAIRY_EXPECTED = yaml.safe_load((DAIRY.parent / "dairy.expected.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def dairy():
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    return build_briefing(read_corpus(DAIRY), date=dt.date(2026, 12, 2))


@pytest.mark.parametrize("company", [pytest.param(c, id=c["name"]) for c in DAIRY_EXPECTED["companies"]])
def test_dairy_organisations_an_english_sentence_marks_are_found(dairy, company: dict[str, Any]) -> None:
    """An unseen folder's organisations nobody listed, found by what the English sentence
    does with them (dairy.expected.yaml discovered_by), with their type."""
    c = next((x for f in [company["name"], *company.get("aliases", [])] if (x := _by_form(dairy, f))), None)
    assert c is not None, (company["name"], [x.name for x in dairy.companies])
    assert c.type == company.get("type", "company"), (c.name, c.type)
    english = {d for d in company["documents"] if d.endswith(("_en.txt", "_en.md"))}
    assert english <= set(c.documents), (c.name, c.documents)
    if "discovered_by" in company:
        assert any(cue.strip() in " ".join(c.found_by) for cue in company["discovered_by"].split("/")), (
            c.found_by
        )
    if "role" in company:
        assert c.role == company["role"], (c.name, c.role, c.role_reason)


def test_english_subjects_named_together_act_together(tmp_path: Path) -> None:
    """ "Veltro and Marisol have both lost share…": the second name is a subject too (a
    case), as 与/和 join subjects in Chinese."""
    import datetime as dt

    from briefing.analysis import build_briefing
    from briefing.readers import read_corpus

    (tmp_path / "paint.txt").write_text(
        "European paint makers retreat in Asia\n\n"
        "Veltro and Marisol have both lost share to local rivals since 2021. "
        "Prices fell 4% in 2023 as the rivals cut prices.\n",
        "utf-8",
    )
    model = build_briefing(read_corpus(tmp_path), date=dt.date(2026, 12, 2))
    roles = {c.name: c.role for c in model.companies}
    assert roles.get("Veltro") == "case" and roles.get("Marisol") == "case", roles


@pytest.mark.parametrize(
    ("company", "want"),
    [
        pytest.param(c, f, id=f"{c['name']}-{f['raw']}")
        for c in DAIRY_EXPECTED["companies"]
        for f in c.get("figures", [])
    ],
)
def test_dairy_english_figures_keep_their_year(dairy, company: dict[str, Any], want: dict) -> None:
    """ "reported 2023 revenue of 126.2 billion yuan … while net profit rose 12.3% to 10.4
    billion yuan": every figure of the sentence is 2023's, as "in 2023" would make it."""
    c = next((x for f in [company["name"], *company.get("aliases", [])] if (x := _by_form(dairy, f))), None)
    assert c is not None, company["name"]
    mine = [f for f in c.figures if f.value == pytest.approx(want["value"])]
    assert mine, (want, [(f.measure, f.value) for f in c.figures])
    for key in ("year", "period"):
        if key in want:
            assert getattr(mine[0], key) == want[key], (key, want, mine[0])


def test_dairy_people_and_places_are_no_organisations(dairy) -> None:
    names = {n for c in dairy.companies for n in (c.name, *c.aliases)}
    for word in DAIRY_EXPECTED["not_companies"]:
        assert word not in names, word


def test_dairy_english_arguments_make_a_theme(dairy) -> None:
    """Two English articles and a memo argue the milk glut: a theme (the glossary's
    economic vocabulary, glut → 供过于求), where there was none."""
    ids = {t["id"]: t["any_terms"] for t in DAIRY_EXPECTED["themes"]}
    found = [t for t in dairy.themes if any(w in t.label or w in t.terms for w in ids["milk-glut"])]
    assert found, [t.label for t in dairy.themes]
    assert "01_reuters_en.txt" in found[0].documents


def test_dairy_discovery_cues_read_in_chinese_in_the_briefing(dairy) -> None:
    """A case found by an English cue says so in Chinese ("said its" is the
    English words quoted, never the raw cue with a stray quote: said its“its”)."""
    from briefing.render import render

    text = render(dairy, {})
    basis = [line for line in text.splitlines() if "识别依据" in line]
    assert basis, "no case found outside the gazetteer shows its cue"
    for line in basis:
        cue = line.split("识别依据：", 1)[1]
        assert "上下文“" not in cue, line
        assert not re.search(r"(?<![“（])\b(?:said|share|according|apposition|subject)\b", cue), line
