"""The fixture corpora of other industries, read by `briefing corpus`.

tests/fixtures/corpora/<name>.expected.yaml says what the corpus stage must
produce (the `documents:` part) and what the analysis should find (checked by
the analysis tests). Here: the corpus-stage part, plus invariants that hold for
any clean corpus.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import CORPORA

from briefing.model import Corpus

NAMES = ["nev", "healthcare", "games", "logistics", "baijiu"]
TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:]*(?:\s[^<>]*)?/?>")
ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});", re.I)


def _expected(name: str) -> dict[str, Any]:
    return yaml.safe_load((CORPORA / f"{name}.expected.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def corpora() -> dict[str, dict[str, Any]]:
    from conftest import _run_cli

    out = {}
    for name in NAMES:
        result = _run_cli("-q", "corpus", CORPORA / name, "--json")
        assert result.exit_code == 0, result.stderr
        out[name] = result.json()
    return out


def _cases() -> list[Any]:
    return [
        pytest.param(name, path, id=f"{name}/{path}")
        for name in NAMES
        for path in _expected(name)["documents"]
    ]


@pytest.mark.parametrize("name", NAMES)
def test_every_file_is_a_document(corpora: dict[str, dict[str, Any]], name: str) -> None:
    data = corpora[name]
    assert data["skipped"] == []
    assert [d["path"] for d in data["documents"]] == sorted(_expected(name)["documents"])
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds.count("memo") == 1
    assert sorted(d["language"] for d in data["documents"]) == ["en", "zh-Hans", "zh-Hans", "zh-Hant"]


@pytest.mark.parametrize(("name", "path"), _cases())
def test_document_metadata(corpora: dict[str, dict[str, Any]], name: str, path: str) -> None:
    exp = _expected(name)["documents"][path]
    (doc,) = [d for d in corpora[name]["documents"] if d["path"] == path]
    for key in (
        "language",
        "kind",
        "format",
        "encoding",
        "title",
        "date",
        "author",
        "source_url",
        "source_site",
    ):
        if key in exp:
            assert doc[key] == exp[key], key
    if "author" not in exp:
        assert doc["author"] is None
    if "numbered_points" in exp:
        points = [h["text"] for h in doc["headings"] if h["number"] is not None]
        assert points == exp["numbered_points"]
        assert [h["number"] for h in doc["headings"] if h["number"] is not None] == list(
            range(1, len(exp["numbered_points"]) + 1)
        )
    # Expected todos name the fields they check (text and done; section and form when given).
    expected_todos = exp.get("todos", [])
    assert [
        {k: t[k] for k in e} for t, e in zip(doc["todos"], expected_todos, strict=False)
    ] == expected_todos
    assert len(doc["todos"]) == len(expected_todos)
    assert doc["references"] == exp.get("references", [])
    assert doc["changelog"] == exp.get("changelog", [])
    assert [g["text"] for g in doc["data_gaps"]] == exp.get("data_gaps", [])


@pytest.mark.parametrize(("name", "path"), _cases())
def test_document_text_is_clean(corpora: dict[str, dict[str, Any]], name: str, path: str) -> None:
    exp = _expected(name)["documents"][path]
    (doc,) = [d for d in corpora[name]["documents"] if d["path"] == path]
    text = doc["text"]
    for s in exp["present"]:
        assert s in text, s
    for s in exp["absent"]:
        assert s not in text, s
    assert not TAG_RE.search(text), TAG_RE.search(text)
    assert not ENTITY_RE.search(text), ENTITY_RE.search(text)
    assert not re.search(r"\?\s+\?", text)
    # The fixtures hold no mojibake: any garbled span is a false positive.
    assert doc["garbled"] == []
    assert doc["title"] not in text.split("\n\n")


@pytest.mark.parametrize("name", NAMES)
def test_figures_and_company_names_survive_cleaning(corpora: dict[str, dict[str, Any]], name: str) -> None:
    """Every figure and alias the analysis should find is in the cleaned text it is listed for."""
    texts = {d["path"]: d["text"] for d in corpora[name]["documents"]}
    for company in _expected(name)["companies"]:
        for path in company["documents"]:
            assert any(alias in texts[path] for alias in company["aliases"]), (company["name"], path)
        for figure in company.get("figures", []):
            for path in figure["documents"]:
                assert figure["raw"] in texts[path], (company["name"], figure["raw"], path)
    # Themes are found on the Simplified form (text_simplified for Traditional documents).
    simplified = {d["path"]: d["text_simplified"] or d["text"] for d in corpora[name]["documents"]}
    for theme in _expected(name)["themes"]:
        for path in theme["documents"]:
            lowered = simplified[path].lower()
            assert any(t.lower() in lowered for t in theme["any_terms"]), (theme["id"], path)


@pytest.mark.parametrize("name", NAMES)
def test_expected_questions_match_the_memo(corpora: dict[str, dict[str, Any]], name: str) -> None:
    (memo,) = [d for d in corpora[name]["documents"] if d["kind"] == "memo"]
    questions = _expected(name)["questions"]
    assert [q["text"] for q in questions] == [t["text"] for t in memo["todos"]]
    assert [q.get("done", False) for q in questions] == [t["done"] for t in memo["todos"]]
    for q in questions:
        for path in q.get("evidence_documents", []):
            assert path in {d["path"] for d in corpora[name]["documents"]}


@pytest.mark.parametrize("name", NAMES)
def test_invariants_and_round_trip(corpora: dict[str, dict[str, Any]], name: str) -> None:
    data = corpora[name]
    for doc in data["documents"]:
        assert doc["chars"] == len(doc["text"])
        assert doc["sha256"] == hashlib.sha256(doc["text"].encode("utf-8")).hexdigest()
        assert doc["text"] == doc["text"].strip() and "\n\n\n" not in doc["text"]
        if doc["language"] == "zh-Hant":
            assert len(doc["text_simplified"]) == len(doc["text"])
        for ref in doc["references"]:
            if ref["url"]:
                assert urlsplit(ref["url"]).scheme in ("http", "https")
        if doc["source_url"]:
            assert urlsplit(doc["source_url"]).netloc
    assert Corpus.from_dict(data).to_dict() == data


def test_corpus_output_is_deterministic(corpora: dict[str, dict[str, Any]]) -> None:
    from conftest import _run_cli

    for name in NAMES:
        again = _run_cli("-q", "corpus", CORPORA / name, "--json")
        assert again.json() == corpora[name]


def test_expectation_files_are_outside_the_corpus_folders() -> None:
    for name in NAMES:
        folder = CORPORA / name
        assert folder.is_dir()
        assert not list(folder.glob("*.yaml"))
        assert (CORPORA / f"{name}.expected.yaml").is_file()
    assert (CORPORA / "README.md").is_file()
