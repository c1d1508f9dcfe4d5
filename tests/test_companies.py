"""Company cases, mentions, entity merging and figure owners.

Table-driven: tests/fixtures/companies/*.yaml are small corpora from other
industries (cars, semiconductors, logistics, retail; Simplified, Traditional,
English) with what the analysis must find written by hand (see the README
there); tests/fixtures/companies/names.yaml, roles.yaml, figures.yaml and owners.yaml are
rule tables. The field corpus (../shared/field-corpus) is read as a precision
check when it is there.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT, analyze_with_data, write_text

from briefing.analysis import build_briefing
from briefing.analysis.names import merge_key, reject_reason
from briefing.analysis.roles import roles
from briefing.model import Briefing, Company
from briefing.readers import read_corpus
from briefing.script import to_simplified

COMPANIES = FIXTURES / "companies"
CORPORA = sorted(
    p
    for p in COMPANIES.glob("*.yaml")
    if p.stem
    not in (
        "names",
        "roles",
        "gazetteer",
        "field_corpus",
        "figures",
        "figure_extents",
        "owners",
        "revisions",
        "key_figures",
        "clause_subjects",
        "units",
        "figure_verbs",
        "pointers_en",
        "pointer_sectors",
        "number_spans",
    )
)
FIELD = ROOT.parent / "shared" / "field-corpus"
DATE = dt.date(2026, 11, 23)


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8"))


def _build(folder: Path) -> Briefing:
    return build_briefing(read_corpus(folder), date=DATE)


@pytest.fixture(scope="module", params=[p.stem for p in CORPORA])
def fixture(request, tmp_path_factory) -> tuple[dict[str, Any], Briefing]:
    data = _load(COMPANIES / f"{request.param}.yaml")
    folder = tmp_path_factory.mktemp(request.param)
    for name, text in data["documents"].items():
        write_text(folder / name, text)
    return data["expected"], _build(folder)


def _company(model: Briefing, name: str) -> Company | None:
    return next((c for c in model.companies if c.name == name), None)


def _entity(model: Briefing, form: str) -> Company | None:
    """The company a form as written belongs to: by name or alias (any script),
    else by the form's name without legal suffix and country prefix."""
    simplified = to_simplified(form)
    for c in model.companies:
        if simplified == c.name or form in c.aliases or simplified in {to_simplified(a) for a in c.aliases}:
            return c
    return next((c for c in model.companies if merge_key(simplified) == merge_key(c.name)), None)


# ------------------------------------------------------------ fixture corpora


def test_cases_act(fixture) -> None:
    expected, model = fixture
    for name in expected["cases"]:
        c = _company(model, name)
        assert c is not None, f"{name} not found: {[x.name for x in model.companies]}"
        assert c.role == "case", (name, c.role_reason)
        assert c.move, f"{name} has no move"
        assert c.moves or c.figures


def test_every_case_has_a_move_and_none_rests_on_a_ranking_or_a_list(fixture) -> None:
    """No case row with an empty move cell, in any fixture: an organisation whose
    only clauses are a ranking or a list of examples is a mention."""
    from briefing.analysis.roles import EXAMPLE, RANKING

    _, model = fixture
    for c in model.companies:
        if c.role == "case":
            assert c.move and re.sub(r"（英文原文）|[…\s]", "", c.move), c.name
            assert c.role_reason not in (RANKING, EXAMPLE), (c.name, c.role_reason, c.move)


def test_moves_are_in_the_briefing_s_language_or_whole(fixture) -> None:
    """A Chinese source's clause where one says what the organisation did; else the
    English clause whole (from its name to a clause break), marked as English."""
    from briefing.analysis.companies import ENGLISH_MARK

    expected, model = fixture
    for name, want in expected.get("moves", {}).items():
        c = _company(model, name)
        assert c is not None and c.move, name
        assert want["contains"] in c.move and c.move_origin == want["origin"], (name, c.move, c.move_origin)
        assert "not_contains" not in want or want["not_contains"] not in c.move, (name, c.move)
    for c in model.companies:
        if c.move_origin == "english":
            assert c.move.startswith(ENGLISH_MARK), c.move
            assert re.search(r"[.!?…]$", c.move), c.move  # a whole sentence, or cut at a clause break


def test_mentions_are_not_cases(fixture) -> None:
    expected, model = fixture
    for name in expected.get("mentions", []):
        c = _company(model, name)
        assert c is not None, name
        assert c.role == "mention", (name, c.role_reason, c.move)


def test_no_common_word_becomes_an_organisation(fixture) -> None:
    expected, model = fixture
    names = {c.name for c in model.companies} | {to_simplified(a) for c in model.companies for a in c.aliases}
    for word in expected.get("not_organisations", []):
        assert to_simplified(word) not in names, word


def test_one_entity_one_row(fixture) -> None:
    expected, model = fixture
    for form, entity in expected.get("merges", {}).items():
        c = _entity(model, form)
        assert c is not None and c.name == entity, (form, c.name if c else None)
    keys = [merge_key(c.name) for c in model.companies]
    assert len(keys) == len(set(keys)), "two rows for one entity"


def test_distinct_entities_stay_apart(fixture) -> None:
    """Names that share a generic tail are different bodies (印度政府, 荷兰政府)."""
    expected, model = fixture
    for group in expected.get("distinct", []):
        rows = {(c.name if (c := _entity(model, form)) else None) for form in group}
        assert None not in rows and len(rows) == len(group), (group, rows)


def test_units_are_shown_under_their_parent(fixture) -> None:
    expected, model = fixture
    gaz_parent = {c.name: c.parent for c in model.companies}
    for unit, host in expected.get("units", {}).items():
        c = _company(model, unit)
        assert c is not None, unit
        assert gaz_parent[unit] == host, (unit, gaz_parent[unit])
        parent = _company(model, host)
        if c.role == "mention" and parent is not None and parent.role == "case":
            assert unit in parent.units


def test_types(fixture) -> None:
    expected, model = fixture
    for name, kind in expected.get("types", {}).items():
        c = _entity(model, name)
        assert c is not None, name
        assert c.type == kind, (name, c.type)


def test_figures_belong_to_their_owner(fixture) -> None:
    expected, model = fixture
    for want in expected.get("figures", []):
        owner = _company(model, want["owner"])
        assert owner is not None, want
        matches = [
            f
            for f in owner.figures
            if f.value == pytest.approx(want["value"]) and want.get("measure", "") in f.measure
        ]
        assert matches, (want, [(f.measure, f.value) for f in owner.figures])
        f = matches[0]
        if "year" in want:
            assert f.year == want["year"], (want, f.year)
        if "qualifier" in want:
            assert f.qualifier == want["qualifier"], (want, f.qualifier)
        if "counterpart" in want:
            assert f.counterpart == want["counterpart"], (want, f.counterpart)
        if "caveat" in want:
            assert want["caveat"] in f.caveats, (want, f.caveats)
        if "period" in want:
            assert f.period == want["period"], (want, f.period)
        assert f.raw and f.raw in f.text, f


def test_figures_do_not_go_to_others(fixture) -> None:
    expected, model = fixture
    for bad in expected.get("not_figures", []):
        owner = _company(model, bad["owner"])
        if owner is None:
            continue
        assert not any(f.value == pytest.approx(bad["value"]) for f in owner.figures), (bad, owner.figures)


def test_one_deal_is_stored_once(fixture) -> None:
    _, model = fixture
    deals = [(c.name, f.value) for c in model.companies for f in c.figures if f.counterpart]
    for name, value in deals:
        investor = next(
            f.counterpart for c in model.companies for f in c.figures if c.name == name and f.value == value
        )
        inv = _company(model, investor)
        if inv is not None:
            assert not any(f.value == value for f in inv.figures), (name, investor, value)


# ---------------------------------------------------------------- rule tables


def _rows(name: str) -> list[Any]:
    data = _load(COMPANIES / f"{name}.yaml")
    return [pytest.param(c, id=c["id"]) for c in data["cases"]]


@pytest.mark.parametrize("case", _rows("names"))
def test_name_rules(case: dict[str, Any]) -> None:
    reason = reject_reason(case["name"], case.get("type"))
    if case["organisation"]:
        assert reason is None, reason
    else:
        assert reason is not None


@pytest.mark.parametrize("case", _rows("roles"))
def test_role_rules(case: dict[str, Any]) -> None:
    text = case["sentence"]
    spans = []
    for name in case["names"]:
        at = text.find(name, spans[-1][1] if spans else 0)
        assert at != -1, name
        spans.append((at, at + len(name)))
    found = roles(text, spans, english=text.isascii())
    assert [r.role for r in found] == case["roles"], found
    if "cues" in case:
        assert [r.cue for r in found] == case["cues"], found


# ---------------------------------------------------------------- field corpus


@pytest.fixture(scope="module")
def field() -> Briefing:
    if not FIELD.is_dir():
        pytest.skip(f"the field corpus is not at {FIELD} (it lives in the shared folder, never in the repo)")
    return _build(FIELD)


FIELD_EXPECTED = _load(COMPANIES / "field_corpus.yaml")


def test_field_corpus_cases_are_exactly_the_justified_ones(field: Briefing) -> None:
    cases = {c.name for c in field.companies if c.role == "case"}
    expected = set(FIELD_EXPECTED["cases"])
    assert cases == expected, (sorted(cases - expected), sorted(expected - cases))


def test_field_corpus_mentions_and_non_names(field: Briefing) -> None:
    names = {c.name for c in field.companies}
    for name in FIELD_EXPECTED["mentions"]:
        c = _company(field, name)
        assert c is not None and c.role == "mention", name
    for word in FIELD_EXPECTED["not_organisations"]:
        assert word not in names, word


def test_field_corpus_figures_have_the_right_owner(field: Briefing) -> None:
    for want in FIELD_EXPECTED["figures"]:
        owner = _company(field, want["owner"])
        assert owner is not None, want
        assert any(
            f.value == pytest.approx(want["value"])
            and want.get("measure", "") in f.measure
            and f.kind == want.get("kind", f.kind)
            and f.scope == want.get("scope", f.scope)  # REVIEW-3 P1-2: the part a figure covers
            for f in owner.figures
        ), (want, [(f.measure, f.scope, f.value) for f in owner.figures])
    for bad in FIELD_EXPECTED["not_figures"]:
        owner = _company(field, bad["owner"])
        if owner is not None:
            assert not any(f.value == pytest.approx(bad["value"]) for f in owner.figures), bad


def test_field_corpus_moves_are_clean(field: Briefing) -> None:
    for c in field.companies:
        if c.role != "case":
            continue
        assert c.move, c.name
        assert not re.search(r"</?\w+|<%|发表于|https?://", c.move), (c.name, c.move)
        if c.move_origin == "english":
            # An English source's clause, marked as such, whole from the name on.
            assert c.move.startswith("（英文原文）"), (c.name, c.move)
            assert re.match(r"（英文原文）(?:…)?[A-Z0-9]", c.move), (c.name, c.move)
            assert not re.search(r"[\u4e00-\u9fff]", c.move[6:]), (c.name, c.move)
            assert re.search(r"[.!?…]$", c.move), (c.name, c.move)  # never cut mid-phrase
        else:
            # Never an English fragment inside a Chinese cell.
            assert not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+ [A-Za-z]+", c.move), (c.name, c.move)


def test_charts_compare_only_like_with_like(fixture) -> None:
    from briefing.charts import charts_for

    _, model = fixture
    figures = {(c.name, f.value): f for c in model.companies for f in c.figures}
    for chart in charts_for(model).values():
        if chart.kind != "bars":
            continue
        shown = [figures[(name, row[0])] for name, row in zip(chart.rows, chart.values, strict=True)]
        assert len({(f.measure, f.unit, f.year) for f in shown}) == 1, chart.title
        assert all(f.year is not None and not f.counterpart and f.value_max is None for f in shown)


@pytest.mark.parametrize("case", _rows("gazetteer"))
def test_gazetteer_find(case: dict[str, Any]) -> None:
    from briefing.gazetteer import gazetteer

    text = case["text"]
    found = [[text[m.start : m.end], m.name] for m in gazetteer().find(text)]
    assert found == case["expected"]


def test_an_entry_marked_any_case_matches_in_any_case() -> None:
    """English aliases match as written (or in capitals) unless the entry says any_case."""
    from briefing.gazetteer import Gazetteer, Org

    gaz = Gazetteer(
        [
            Org("星澜科技", "company", en="Xinglan", aliases=["xinglan.ai"], any_case=True),
            Org("苹果公司", "company", en="Apple"),
        ],
        [],
    )
    text = "XINGLAN, xinglan, Xinglan.AI and apple juice; Apple, APPLE."
    assert [(text[m.start : m.end], m.name) for m in gaz.find(text)] == [
        ("XINGLAN", "星澜科技"),
        ("xinglan", "星澜科技"),
        ("Xinglan.AI", "星澜科技"),
        ("Apple", "苹果公司"),
        ("APPLE", "苹果公司"),
    ]


def test_field_corpus_one_row_per_entity(field: Briefing) -> None:
    keys = [merge_key(c.name) for c in field.companies]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    for c in field.companies:
        # A short name and its legal or country-prefixed form are one row.
        assert not any(
            other.name != c.name and merge_key(other.name) == merge_key(c.name) for other in field.companies
        )


@pytest.mark.parametrize(
    ("name", "text"),
    [("organisations.yaml", "- just a list\n"), ("actions_en.yaml", "verbs: [launch, invest]\n")],
)
def test_a_malformed_word_list_is_a_one_line_error(tmp_path: Path, name: str, text: str) -> None:
    data = tmp_path / "data"
    write_text(data / name, text)
    done = analyze_with_data(tmp_path, data, COMPANIES.parent / "corpora" / "nev")
    assert done.returncode == 8, done.stderr
    assert name in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------- figure rules


def _figure_rows() -> list[Any]:
    return [
        pytest.param(c, id=c["id"])
        for name in ("figures.yaml", "owners.yaml", "revisions.yaml")
        for c in _load(COMPANIES / name)["cases"]
    ]


@pytest.mark.parametrize("case", _figure_rows())
def test_figure_rules(case: dict[str, Any], tmp_path: Path) -> None:
    from briefing.analysis.document import analyse_document
    from briefing.readers import read_document

    path = tmp_path / f"{case['id'][:40]}.md"
    write_text(path, f"---\ndate: {case['date']}\n---\n\n" + case["text"])
    doc = read_document(path, tmp_path)
    year_now = int(case["date"][:4])
    found = []
    for f in analyse_document(doc).figures:
        year = (
            f.year
            if f.year is not None
            else (year_now + f.relative_year if f.relative_year is not None else None)
        )
        found.append({**f.to_dict(), "year": year})
    for want in case.get("figures", []):
        mine = [f for f in found if f["org"] == want["owner"] and f["value"] == pytest.approx(want["value"])]
        assert mine, (want, [(f["org"], f["measure"], f["value"]) for f in found])
        f = mine[0]
        for key in (
            "measure",
            "unit",
            "qualifier",
            "year",
            "period",
            "scope",
            "attribution",
            "kind",
            "value_max",
            "previous",
            "previous_raw",
            "source",
        ):
            if key in want:
                assert f[key] == want[key], (key, want, f)
    for bad in case.get("absent", []):
        assert not any(
            f["org"] == bad["owner"] and f["value"] == pytest.approx(bad["value"]) for f in found
        ), bad


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["text"]) for c in _load(COMPANIES / "pointers_en.yaml")["cases"]]
)
def test_english_pointer_rules(case: dict[str, Any]) -> None:
    """ "The airline", "the logistics group", "the Taiwanese chipmaker" point back to an
    organisation named before; "the airline industry" and "the rival carrier" do not."""
    from briefing.analysis.names import demonstrative_en_re

    m = demonstrative_en_re().search(case["text"])
    assert (m.group("noun").lower() if m else None) == case["noun"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=f"{c['noun']}-{c['name']}")
        for c in _load(COMPANIES / "pointer_sectors.yaml")["cases"]
    ],
)
def test_pointer_sector_rules(case: dict[str, Any]) -> None:
    """ "The airline", "the bank", "the carmaker" point back only to an organisation in
    that line of business; "the company" to any."""
    from briefing.analysis.names import fits_pointer

    assert fits_pointer(case["noun"], case["name"], case.get("evidence", "")) is case["fits"]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["clause"]) for c in _load(COMPANIES / "clause_subjects.yaml")["cases"]],
)
def test_clause_subject_rules(case: dict[str, Any]) -> None:
    """A name no list knows at a clause's head before a time or a measure is its own
    subject; a part of the previous subject, a measure or a time is not."""
    from briefing.analysis.figures import _unnamed_subject

    assert _unnamed_subject(case["clause"]) == case["subject"]


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["text"][:40]) for c in _load(COMPANIES / "units.yaml")["cases"]]
)
def test_measure_and_unit_rules(case: dict[str, Any]) -> None:
    """The measure and unit a clause states ("shipped 94.9 million units": 出货量, 台)."""
    from briefing.analysis.figures import figures_in
    from briefing.script import to_simplified

    hits = figures_in(to_simplified(case["text"]))
    mine = [h for h in hits if h.value == pytest.approx(case["value"])]
    if case.get("none"):
        assert not mine, [(h.raw, h.measure, h.unit) for h in mine]
        return
    assert mine, [(h.raw, h.measure, h.unit) for h in hits]
    if "measure" in case:
        assert mine[0].measure == case["measure"], mine[0]
    assert mine[0].unit == case["unit"], mine[0]


def _deal_verb_rows() -> list[Any]:
    from briefing.resources import data_yaml

    data = data_yaml("figure_verbs.yaml")
    table = _load(COMPANIES / "figure_verbs.yaml")
    cues = {str(c).lower() for c in data_yaml("measures.yaml")}
    # A verb that is no measure cue (控股: "控股51%" is a stake) decides only a figure
    # another cue of its clause measures.
    assert {v for v in data["zh_deal"] if v not in cues} == {"控股"}
    rows = [(table["en_passive"].format(verb=v), k) for v, k in data["en_passive_deal"].items()]
    for v, k in ((v, k) for v, k in data["zh_deal"].items() if v in cues):
        rows += [(table[form].format(verb=v), k) for form in ("zh_passive", "zh_after", "zh_object")]
    rows += [
        (table["zh_receive"].format(verb=v, noun=n), "获投资")
        for v in data["zh_receive"]
        for n in data["zh_funding"]
    ]
    return [pytest.param(text, kind, id=text[:30]) for text, kind in rows]


@pytest.mark.parametrize("text,kind", _deal_verb_rows())
def test_every_deal_verb_of_the_data_file(text: str, kind: str, tmp_path: Path) -> None:
    """Each verb of figure_verbs.yaml makes its amount the target's, the buyer its counterpart."""
    from briefing.analysis.document import analyse_document
    from briefing.readers import read_document

    table = _load(COMPANIES / "figure_verbs.yaml")
    path = tmp_path / "deal.md"
    write_text(path, "---\ndate: 2024-05-01\n---\n\n交易\n\n" + text + "\n")
    found = [f.to_dict() for f in analyse_document(read_document(path, tmp_path)).figures]
    mine = [f for f in found if f["value"] == pytest.approx(table["value"])]
    assert mine, found
    f = mine[0]
    assert (f["org"], f["measure"], f["counterpart"], f["attribution"]) == (
        table["owner"],
        kind,
        table["counterpart"],
        "deal",
    ), f


@pytest.mark.parametrize("name", ["banks", "healthcare", "nev", "field"])
def test_a_key_move_cites_the_source_it_was_cut_from(name: str) -> None:
    """REVIEW-3 P0-3: 京东's move from [1] was cited [7] (its first move's source)."""
    from briefing.readers import read_corpus
    from briefing.script import to_simplified

    folder = FIELD if name == "field" else FIXTURES / "corpora" / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    corpus = read_corpus(folder)
    texts = {d.path: to_simplified(d.text) for d in corpus.documents}
    model = build_briefing(corpus, date=dt.date(2026, 11, 23))
    checked = 0
    for c in model.companies:
        if c.move_origin != "clause":
            continue
        assert c.move_document in texts, c.name
        core = re.sub(r"〔[^〕]*〕", "", c.move).strip("…")
        han = "".join(re.findall(r"[\u4e00-\u9fff]", core))[:8]
        source = "".join(re.findall(r"[\u4e00-\u9fff]", texts[c.move_document]))
        assert han in source, (c.name, c.move, c.move_document)
        checked += 1
    assert checked >= 3
    from briefing.charts import charts_for
    from briefing.render import render

    rows = [line for line in render(model, charts_for(model)).splitlines() if line.startswith("| ")]
    for c in model.companies:
        row = next((r for r in rows if r.startswith(f"| {c.name} |")), None)
        if c.move_origin != "clause" or row is None:
            continue
        move_cell = row.split(" | ")[-3]
        assert re.findall(r"#src-(\d+)", move_cell) == [str(model.source_number(c.move_document))], row


# ------------------------------------------------------- coffee corpus (figures a board quotes)

COFFEE = FIXTURES / "corpora" / "coffee"
COFFEE_EXPECTED = _load(FIXTURES / "corpora" / "coffee.expected.yaml")


@pytest.fixture(scope="module")
def coffee() -> Briefing:
    return _build(COFFEE)


@pytest.mark.parametrize(
    "company,want",
    [
        pytest.param(c["name"], f, id=f"{c['name']}-{f['raw']}")
        for c in COFFEE_EXPECTED["companies"]
        for f in c.get("figures", [])
    ],
)
def test_coffee_figures_keep_measure_kind_scope_and_period(
    coffee: Briefing, company: str, want: dict
) -> None:
    c = _company(coffee, company)
    assert c is not None, company
    mine = [f for f in c.figures if f.value == pytest.approx(want["value"]) and f.measure == want["measure"]]
    assert mine, (want, [(f.measure, f.value, f.scope) for f in c.figures])
    f = mine[0]
    for key in ("kind", "scope", "period", "year", "value_max", "unit"):
        if key in want:
            assert getattr(f, key) == want[key], (key, want, f)
    if "scope" not in want:
        assert f.scope == "", (want, f.scope)  # the whole company's figure


@pytest.mark.parametrize("company", COFFEE_EXPECTED["companies"], ids=lambda c: c["name"])
def test_coffee_moves_and_aliases(coffee: Briefing, company: dict) -> None:
    c = _company(coffee, company["name"])
    assert c is not None and c.is_case
    for text in company.get("not_moves", []):
        assert not any(text in m.text for m in c.moves), (c.name, text)
    if "shown_aliases" in company:
        assert c.shown_aliases == company["shown_aliases"]
    assert c.name not in c.shown_aliases
    assert all(to_simplified(a) == a for a in c.shown_aliases)


def test_coffee_key_figures_are_results_and_no_author_is_an_organisation(coffee: Briefing) -> None:
    names = {n for c in coffee.companies for n in (c.name, *c.aliases)}
    for word in COFFEE_EXPECTED["not_organisations"]:
        assert word not in names and to_simplified(word) not in names, word
    for k in coffee.key_figures:
        assert k.measure not in COFFEE_EXPECTED["key_figures_absent"], k
        assert k.kind == "fact" or len(coffee.key_figures) < 3, k


# --------------------------------------------------------------- key-figure rules


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["id"]) for c in _load(COMPANIES / "key_figures.yaml")["cases"]]
)
def test_key_figure_rules(case: dict[str, Any]) -> None:
    from briefing.analysis.key_figures import key_figures
    from briefing.labels import key_figure_label
    from briefing.model import Figure

    companies = [
        Company(
            name=c["name"],
            aliases=[c["name"]],
            type=c.get("type", "company"),
            parent=None,
            documents=["a.txt"],
            mentions=c.get("mentions", 3),
            moves=[],
            figures=[
                Figure(
                    counterpart=f.get("counterpart"),
                    value=f["value"],
                    unit=f["unit"],
                    measure=f["measure"],
                    year=f["year"],
                    text=f.get("text", "…"),
                    document=f.get("document", "a.txt"),
                    paragraph=f.get("paragraph", i + 3),
                    raw=f.get("raw", str(f["value"])),
                    kind=f.get("kind", "fact"),
                    scope=f.get("scope", ""),
                    period=f.get("period", ""),
                )
                for i, f in enumerate(c["figures"])
            ],
            mode=None,
        )
        for c in case["companies"]
    ]
    chosen = key_figures(companies)
    got = [(k.measure, k.kind) for k in chosen]
    for measure, kind in case["shown"]:
        assert (measure, kind) in got, (measure, got)
    for measure in case["absent"]:
        assert measure not in [m for m, _ in got], (measure, got)
    for k in chosen:
        label = key_figure_label(k)
        # a forecast or a goal says so first; a result does not pretend to be one
        assert label.startswith({"forecast": "预计", "target": "目标"}.get(k.kind, "")), label
        assert not label.endswith(("预测", "目标")), label
    for measure in case.get("apart", []):
        assert all(len(k.entries) == 1 for k in chosen if k.measure == measure), got
    for measure, names in case.get("paired", {}).items():
        # the like-for-like figures are set side by side, and nothing else joins them
        assert any(
            k.measure == measure and sorted(e.company for e in k.entries) == sorted(names) for k in chosen
        ), [(k.measure, [e.company for e in k.entries]) for k in chosen]
    for measure, scope in case.get("scoped", {}).items():
        assert all(k.scope == scope for k in chosen if k.measure == measure), [
            (k.measure, k.scope) for k in chosen
        ]
    for entry in case.get("not_shown", []):
        assert all(f"{e.company} {e.raw}" != entry for k in chosen for e in k.entries), entry
    for entry in case.get("shown_entries", []):
        assert any(f"{e.company} {e.raw}" == entry for k in chosen for e in k.entries), (entry, got)
    labels = [key_figure_label(k) for k in chosen]
    for label in case.get("labels", []):
        assert label in labels, (label, labels)  # a deal names who made it: 获京东物流投资


@pytest.mark.parametrize(
    ("phrase", "dated"),
    [
        ("荣耀2025年的手机", True),  # a cut clause with its own subject and year
        ("2025年的手机", True),
        ("3家门店", True),
        ("旗下3个品牌", True),
        ("手机", False),
        ("5G手机", False),
        ("800G光模块", False),
        ("12英寸晶圆", False),
        ("28纳米工艺", False),
        ("Model 3", False),
        ("Snapdragon 820订单", False),
        ("iPhone 15系列", False),
    ],
)
def test_a_scope_holds_no_year_or_bare_number(phrase: str, dated: bool) -> None:
    from briefing.analysis.figures import _dated

    assert _dated(phrase) is dated


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c["text"][:30]) for c in _load(COMPANIES / "number_spans.yaml")["cases"]]
)
def test_number_spans_leave_names_whole(case: dict[str, Any]) -> None:
    """A number's span never takes a character of the name before it (韵达15.0%, Hangover 5%)."""
    from briefing.analysis.figures import OrgRef, clear_of_names, figures_in

    text = case["text"]
    refs = [
        OrgRef(text.index(n), text.index(n) + len(n), n, "subject", "company") for n in case.get("names", [])
    ]
    hits = clear_of_names(text, figures_in(text), refs)
    mine = [h for h in hits if h.value == pytest.approx(case["value"])]
    assert mine, [(h.raw, h.value) for h in hits]
    h = mine[0]
    assert (text[h.start : h.end], h.raw, h.qualifier) == (case["span"], case["raw"], case["qualifier"])


def _extent_rows() -> list[Any]:
    data = _load(COMPANIES / "figure_extents.yaml")
    return [pytest.param(*row, id=row[0][:40]) for row in data["rows"]]


@pytest.mark.parametrize(("clause", "unit", "measure", "period", "before"), _extent_rows())
def test_running_totals_and_rates_keep_their_period(
    clause: str, unit: str, measure: str, period: str, before: str
) -> None:
    """截至…底, 迄今, "by the end of 2023" make a running total, 每年 and "a year" a rate;
    a dated 累计 is that period's total and a stock at a time is that time's figure."""
    from briefing.analysis.figures import extent_of

    assert extent_of(to_simplified(clause), unit, measure, to_simplified(before)) == period


@pytest.mark.parametrize(
    ("year", "period", "shown"), [tuple(r) for r in _load(COMPANIES / "figure_extents.yaml")["shown"]]
)
def test_running_totals_and_rates_are_shown_as_such(year: int | None, period: str, shown: str) -> None:
    from briefing.labels import format_when

    assert format_when(year, period) == shown


@pytest.mark.parametrize(
    ("year", "period", "opens", "column"),
    [tuple(r) for r in _load(COMPANIES / "figure_extents.yaml")["opens"]],
)
def test_statements_and_key_figures_name_a_running_total_as_such(
    year: int | None, period: str, opens: str, column: str
) -> None:
    from briefing.labels import key_when, time_words

    assert (time_words(year, period), key_when(year, period)) == (opens, column)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这也是新易盛时隔九个季度再度出现环比下滑。", True),
        ("這也是鴻海首度公布電動車出貨量。", True),
        ("这意味着宁德时代的海外产能将翻倍。", True),
        ("此举将使顺丰的航空运力提升三成。", True),
        ("这家公司去年营收增长了两成。", False),
        ("此外，比亚迪还在匈牙利建厂。", False),
        ("与此同时，微创医疗却陷入亏损。", False),
        ("新易盛同时披露了2025年年报。", False),
    ],
)
def test_a_comment_on_the_last_sentence_tells_no_move(text, expected) -> None:
    from briefing.analysis.companies import comments_on_the_last

    assert comments_on_the_last(text) is expected


@pytest.mark.parametrize(
    ("value", "previous", "shown"),
    [
        (1.31e12, 1.28e12, "预计营业利润 1.31万亿日元（由1.28万亿日元上调，年份未注明）"),
        (2.8e6, 3.0e6, "预计营业利润 280万日元（由300万日元下调，年份未注明）"),
        (1.31e12, None, "预计营业利润 1.31万亿日元（年份未注明）"),
    ],
)
def test_a_revised_figure_is_shown_with_the_value_it_replaced(value, previous, shown) -> None:
    from briefing.labels import format_figure
    from briefing.model import Figure

    f = Figure(
        value=value,
        unit="日元",
        measure="营业利润预测",
        year=None,
        text="",
        document="a",
        paragraph=0,
        kind="forecast",
        previous=previous,
    )
    assert format_figure(f) == shown
