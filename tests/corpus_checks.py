"""Checks shared by the tests that hold a folder's `corpus --json` against a
`<folder>.expected.yaml` written by reading the files (field corpus, reading
fixtures, memo fixtures). See tests/fixtures/field-corpus.expected.yaml for
the format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:]*(?:\s[^<>]*)?/?>")
ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});", re.I)
# What must never reach a document's text or title: markup, link and image
# syntax, addresses, blog shortcodes, data URIs, JSP/PHP code.
DEBRIS = (
    ("HTML tag", TAG_RE),
    ("HTML entity", ENTITY_RE),
    ("Markdown link or image", re.compile(r"\]\(|!\[")),
    ("URL", re.compile(r"https?://|www\.", re.I)),
    ("shortcode", re.compile(r"\[/?[a-z]+_[a-z0-9_]+\]|\{\{[<%]|\{%")),
    ("data URI", re.compile(r"data:[a-z]+/[\w.+-]+;base64", re.I)),
    ("server directive", re.compile(r"<%|%>|<\?php")),
    ("carriage return", re.compile("\r")),
)
METADATA_KEYS = (
    "title",
    "date",
    "author",
    "language",
    "kind",
    "format",
    "source_url",
    "source_site",
    "tags",
    "categories",
    "place",
)
_FIELD_LINE_RE = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]", re.M)


def load_expected(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8"))


def front_matter_keys(source: Path) -> list[str]:
    """The keys of a file's front matter (YAML or TOML), read plainly from its lines."""
    text = source.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    fence = text[:3]
    if fence not in ("---", "+++"):
        return []
    end = text.find("\n" + fence, 3)
    return _FIELD_LINE_RE.findall(text[3:end]) if end > 0 else []


def check_metadata(doc: dict[str, Any], exp: dict[str, Any]) -> None:
    for key in METADATA_KEYS:
        if key in exp:
            assert doc[key] == exp[key], (key, doc[key], exp[key])
    if "questions" in exp:
        got = [{k: t[k] for k in e} for t, e in zip(doc["todos"], exp["questions"], strict=False)]
        assert got == exp["questions"], got
        assert len(doc["todos"]) == len(exp["questions"]), [t["text"] for t in doc["todos"]]
    if exp.get("kind") == "article":
        assert doc["todos"] == [], "an article's questions are rhetorical"


def check_text(doc: dict[str, Any], exp: dict[str, Any], source: Path) -> None:
    text = doc["text"]
    paragraphs = text.split("\n\n")
    for what, pattern in DEBRIS:
        for field in ("text", "title"):
            found = pattern.search(doc[field] or "")
            assert not found, f"{what} in {field}: {found.group()!r}"
    # No front-matter line, and no fence, in the text.
    for key in front_matter_keys(source):
        assert not any(re.match(rf"{re.escape(key)}\s*[:=]", p) for p in paragraphs), key
    assert not any(p.strip() in ("---", "+++") for p in paragraphs)
    assert not (doc["title"] or "").startswith(("---", "+++", "title:", "title ="))
    if "first_paragraph" in exp:
        assert paragraphs[0] == exp["first_paragraph"], paragraphs[0]
    for p in exp.get("paragraphs", []):
        assert p in paragraphs, p
    for s in exp.get("present", []):
        assert s in text, s
    for s in exp.get("absent", []):
        assert s not in text, s
