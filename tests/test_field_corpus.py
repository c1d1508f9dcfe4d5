"""`briefing corpus` over ../shared/field-corpus: 13 real public documents nobody
here wrote (Jekyll/Astro/WordPress front matter, saved JSP pages, GitBook
chapters, scraped pages, personal research memos).

The folder is read in place, never copied into the project. It lies next to
the repository (`../shared/field-corpus` from the repository root); when it is
absent the tests say so and skip. What each document must yield is in
tests/fixtures/field-corpus.expected.yaml, written by reading the files.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from corpus_checks import check_metadata, check_text, load_expected

FIELD = ROOT.parent / "shared" / "field-corpus"
EXPECTED = load_expected(FIXTURES / "field-corpus.expected.yaml")

pytestmark = pytest.mark.skipif(
    not FIELD.is_dir(),
    reason=f"field corpus not found at {FIELD} (../shared/field-corpus beside the repository); "
    "these tests read it in place",
)


@pytest.fixture(scope="module")
def field() -> dict[str, Any]:
    from conftest import _run_cli

    result = _run_cli("-q", "corpus", FIELD, "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    return {
        "documents": {d["path"]: d for d in data["documents"]},
        "skipped": {s["path"]: s["reason"] for s in data["skipped"]},
    }


def test_every_document_is_read_and_the_folder_files_are_skipped(field: dict[str, Any]) -> None:
    """The 13 documents are read; the folder's README.md and its SOURCES.tsv
    catalogue are no sources: skipped, each with its reason, not read as
    articles (they used to be cited as sources [14] and [15])."""
    assert sorted(field["documents"]) == sorted(EXPECTED["documents"])
    assert field["skipped"] == EXPECTED["skipped"]


def test_memos_and_articles(field: dict[str, Any]) -> None:
    kinds = {path: field["documents"][path]["kind"] for path in EXPECTED["documents"]}
    assert sorted(p for p, k in kinds.items() if k == "memo") == [
        "09_memo_cpo-sector-stage.md",
        "10_memo_commercial-space-cycle.md",
        "11_memo_brain-computer-interface.md",
    ]


@pytest.mark.parametrize("path", sorted(EXPECTED["documents"]))
def test_metadata_and_questions(field: dict[str, Any], path: str) -> None:
    check_metadata(field["documents"][path], EXPECTED["documents"][path])


@pytest.mark.parametrize("path", sorted(EXPECTED["documents"]))
def test_clean_text(field: dict[str, Any], path: str) -> None:
    check_text(field["documents"][path], EXPECTED["documents"][path], FIELD / path)
