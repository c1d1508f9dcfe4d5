"""`briefing corpus` over the reading and memo fixtures: one file per form of
source (Hugo TOML, BOM and blank line before YAML, WordPress export, saved JSP
page, kicker above the headline, scraped forum page) and per question style
(labels, checklists, numbered lists, inline runs, blockquotes, headings,
question lists), from other industries and writers. Expected values are in
tests/fixtures/reading.expected.yaml and memos.expected.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, MEMOS
from corpus_checks import check_metadata, check_text, load_expected

READING = FIXTURES / "reading"
FOLDERS = {"reading": READING, "memos": MEMOS}
EXPECTED = {name: load_expected(FIXTURES / f"{name}.expected.yaml")["documents"] for name in FOLDERS}


@pytest.fixture(scope="module")
def read() -> dict[str, dict[str, Any]]:
    from conftest import _run_cli

    out = {}
    for name, folder in FOLDERS.items():
        result = _run_cli("-q", "corpus", folder, "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["skipped"] == []
        out[name] = {d["path"]: d for d in result.json()["documents"]}
    return out


def _cases() -> list[Any]:
    return [pytest.param(name, path, id=f"{name}/{path}") for name in FOLDERS for path in EXPECTED[name]]


def test_every_reading_fixture_is_described(read: dict[str, dict[str, Any]]) -> None:
    assert sorted(read["reading"]) == sorted(EXPECTED["reading"])


@pytest.mark.parametrize(("name", "path"), _cases())
def test_metadata_and_questions(read: dict[str, dict[str, Any]], name: str, path: str) -> None:
    check_metadata(read[name][path], EXPECTED[name][path])


@pytest.mark.parametrize(("name", "path"), _cases())
def test_clean_text(read: dict[str, dict[str, Any]], name: str, path: str) -> None:
    check_text(read[name][path], EXPECTED[name][path], FOLDERS[name] / path)


def test_the_saved_page_is_crlf_uppercase_and_has_a_bom_free_directive() -> None:
    """The fixture really is what it claims: CRLF line ends, uppercase tags, JSP directives."""
    raw = (READING / "saved_news_page.html").read_bytes()
    assert b"\r\n" in raw and b"<P>" in raw and raw.startswith(b"<%@ page")


def test_the_dairy_post_starts_with_a_bom_and_a_blank_line() -> None:
    assert (READING / "bom_yaml_dairy.md").read_bytes().startswith(b"\xef\xbb\xbf\n---\n")


def test_front_matter_never_reaches_the_text(tmp_path: Path) -> None:
    """A front matter a strict parser refuses (unquoted colon, tab) is still
    read line by line and never left in the text or the title."""
    (tmp_path / "post.md").write_text(
        "\n\n---\ntitle: Lithium: the next glut\ndate: 2024-05-02 10:00\n\tauthor: Ana Costa\n"
        "link: https://www.example-mining.com/lithium-glut\n---\n\n"
        "Spodumene prices fell 80% in 2023 as new mines in Australia and Africa came online.\n",
        "utf-8",
    )
    from briefing.readers import read_corpus

    (doc,) = read_corpus(tmp_path).documents
    assert (doc.title, doc.date) == ("Lithium: the next glut", "2024-05-02")
    assert doc.source_url == "https://www.example-mining.com/lithium-glut"
    assert doc.text == "Spodumene prices fell 80% in 2023 as new mines in Australia and Africa came online."
