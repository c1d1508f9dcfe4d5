"""Decoding bytes and parsing the three source formats into blocks.

``decode`` turns a file's bytes into text or says why it cannot; ``parse``
turns text into :class:`~briefing.cleaning.Block` s plus the metadata the
format itself carries (YAML front matter, HTML ``<meta>``).
"""

from __future__ import annotations

import codecs
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml
from markdown_it import MarkdownIt

from briefing.cleaning import Block
from briefing.script import is_cjk


class Unreadable(Exception):
    """The file is not a text document; the message is the one-line reason."""


# --------------------------------------------------------------------- decoding

_MAGIC = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (DOCX, XLSX, …)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office file",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"SQLite format 3": "an SQLite database",
}


_JUNK_RE = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\uac00-\ud7af\ue000-\uf8ff\ufffd]")


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)`` or raise :class:`Unreadable`.

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are recognised
    directly; otherwise GB18030 (a superset of GBK) and Big5 are both tried
    and the one that reads as more natural Chinese wins, because either
    decoder accepts most of the other's bytes.
    """
    from briefing.cleaning import _naturalness

    if not raw:
        raise Unreadable("empty file")
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise Unreadable(f"binary file ({what})")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return _check_text(raw.decode(codec)), codec
            except UnicodeDecodeError as exc:
                raise Unreadable(f"undecodable: starts with a {codec} BOM but is not {codec}") from exc
    head = raw[:65536]
    if b"\x00" in head:
        raise Unreadable("binary file (holds NUL bytes)")
    controls = sum(1 for b in head if b < 9 or (13 < b < 32 and b != 27))
    if controls > len(head) // 100:
        raise Unreadable("binary file (holds control bytes)")
    try:
        return _check_text(raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec in ("gb18030", "big5"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        han = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
        # A wrong decoder also yields kana, Cyrillic, box drawing and private-use
        # characters; they count against it (a short Big5 title read as GBK can
        # otherwise score as well as the right reading).
        junk = len(_JUNK_RE.findall(sample))
        score = _naturalness(sample) * han / (han + junk) if han else 0.0
        candidates.append((score, han, codec, text))
    non_ascii = sum(1 for b in head if b >= 128)
    if non_ascii * 50 < len(head):
        # Mostly ASCII with a few stray high bytes: a Western single-byte file.
        return _check_text(raw.decode("cp1252", errors="replace")), "cp1252"
    if not candidates:
        raise Unreadable("undecodable: not UTF-8, UTF-16, GB18030/GBK or Big5 text")
    score, han, codec, text = max(candidates, key=lambda c: c[0])
    if han >= 20 and score < 0.6:
        raise Unreadable("undecodable: no encoding gives readable text (UTF-8, GB18030/GBK, Big5 tried)")
    return _check_text(text), codec


def _check_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise Unreadable("only whitespace" if text else "empty file")
    return text


# ---------------------------------------------------------------------- formats


@dataclass
class Parsed:
    """A file after format parsing, before cleaning."""

    format: str
    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    """Metadata the format carried: title, date, author, url, site."""
    raw_lines: list[str] = field(default_factory=list)
    """Source lines of each block, for rules that need the markup (reference links)."""


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_SIGNALS = (
    re.compile(r"^#{1,6}\s+\S", re.M),
    re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s", re.M),
    re.compile(r"\[[^\]\n]+\]\([^)\n]+\)"),
    re.compile(r"^\s*[-*+]\s+\S", re.M),
    re.compile(r"\*\*[^*\n]+\*\*"),
    re.compile(r"^```", re.M),
)
_HTML_TAG_RE = re.compile(r"<(?:html|body|p|div|br|article|h[1-6]|table|li|ul|ol|section|head)\b", re.I)


def detect_format(text: str, suffix: str = "") -> str:
    """``html``, ``markdown`` or ``text``, from the content (the file name only breaks ties)."""
    if _FRONT_MATTER_RE.match(text):
        return "markdown"  # even when the body is HTML: the Markdown reader hands that on
    tags = len(_HTML_TAG_RE.findall(text[:200000]))
    if tags >= 3 and (text.lstrip().startswith("<") or tags * 400 > len(text)):
        return "html"
    signals = sum(1 for p in _MD_SIGNALS if p.search(text))
    headings = len(_MD_SIGNALS[0].findall(text))
    if headings >= 2 or signals >= 3 or (signals >= 1 and suffix in (".md", ".markdown")):
        return "markdown"
    if suffix in (".html", ".htm") and tags:
        return "html"
    return "text"


def parse(text: str, fmt: str) -> Parsed:
    if fmt == "html":
        return parse_html(text)
    if fmt == "markdown":
        return parse_markdown(text)
    return parse_text(text)


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


# Lines that start a new block even without a blank line before them: list
# items, and dated entries such as a changelog's "2024-04-02 新建".
_ITEM_LINE_RE = re.compile(
    r"^\s*(?:[-*•·]\s|\d{1,2}(?:[、．)）]|\.(?!\d))\s*|[（(]\d{1,2}[)）]|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))"
)


def parse_text(text: str) -> Parsed:
    """Plain text: blank lines separate paragraphs when the file uses them,
    otherwise every line is a paragraph."""
    lines = text.split("\n")
    gaps = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and not b.strip())
    nonblank = sum(1 for line in lines if line.strip())
    blank_separated = gaps >= 3 and gaps * 3 >= nonblank
    blocks: list[Block] = []
    raw: list[str] = []
    if not blank_separated:
        for line in lines:
            if line.strip():
                blocks.append(Block("para", line.strip()))
                raw.append(line)
        return Parsed("text", blocks, raw_lines=raw)
    group: list[str] = []
    for line in [*lines, ""]:
        if line.strip() and not (group and _ITEM_LINE_RE.match(line)):
            group.append(line)
            continue
        if group:
            blocks.append(Block("para", _join_lines(group)))
            raw.append("\n".join(group))
        group = [line] if line.strip() else []
    return Parsed("text", blocks, raw_lines=raw)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    meta: dict[str, Any] = {}
    for key, names in {
        "title": ("title",),
        "date": ("date", "published", "created"),
        "author": ("author", "authors", "by"),
        "url": ("url", "source_url", "link", "source", "canonical"),
        "site": ("site", "source_site", "publisher"),
    }.items():
        for name in names:
            value = data.get(name)
            if value:
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                meta[key] = str(value).strip()
                break
    return meta, text[m.end() :]


_md = MarkdownIt("commonmark").enable("table")


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif tok.type == "image":
            parts.append(tok.content or "")
        elif tok.type == "html_inline":
            continue
    return _join_lines("".join(parts).split("\n"))


def parse_markdown(text: str) -> Parsed:
    """Markdown via markdown-it-py; front matter via PyYAML; HTML blocks via the HTML reader."""
    meta, body = _front_matter(text)
    source_lines = body.split("\n")
    tokens = _md.parse(body)
    blocks: list[Block] = []
    raw: list[str] = []
    depth = 0
    ordered: list[bool] = []
    item_marker: list[str] = []
    in_item_first_para = False
    cells: list[str] = []
    item_span = ""
    for i, tok in enumerate(tokens):
        span = "\n".join(source_lines[tok.map[0] : tok.map[1]]) if tok.map else ""
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            ordered.append(tok.type == "ordered_list_open")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            ordered.pop()
        elif tok.type == "list_item_open":
            item_marker.append((tok.info + tok.markup) if ordered and ordered[-1] else tok.markup)
            in_item_first_para = True
            item_span = span
        elif tok.type == "list_item_close":
            item_marker.pop()
        elif tok.type == "heading_open":
            content = _inline_text(tokens[i + 1].children or [])
            blocks.append(Block("heading", content, level=int(tok.tag[1])))
            raw.append(span)
        elif tok.type == "paragraph_open":
            content = _inline_text(tokens[i + 1].children or [])
            if depth and in_item_first_para:
                marker = item_marker[-1] if item_marker else "-"
                box = re.match(r"^\[([ xX])\]\s+", content)
                if box:
                    marker = f"[{box.group(1).lower()}]"
                    content = content[box.end() :]
                blocks.append(Block("item", content, level=depth, marker=marker))
                raw.append(item_span)
                in_item_first_para = False
            else:
                blocks.append(Block("para", content))
                raw.append(span)
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block("code", tok.content.rstrip("\n")))
            raw.append(span)
        elif tok.type == "html_block":
            for b in parse_html(tok.content).blocks:
                blocks.append(b)
                raw.append(span)
        elif tok.type == "tr_open":
            cells = []
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            cells.append(_inline_text(tok.children or []))
        elif tok.type == "tr_close":
            blocks.append(Block("para", " | ".join(c for c in cells if c)))
            raw.append(span)
    kept = [(b, r) for b, r in zip(blocks, raw, strict=True) if b.text.strip()]
    return Parsed("markdown", [b for b, _ in kept], meta, [r for _, r in kept])


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "section", "article", "blockquote", "pre", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dd", "dt", "figcaption", "header", "main", "hr",
}  # fmt: skip
_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "form",
    "footer",
    "aside",
    "button",
    "select",
}


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self._buf: list[str] = []
        self._kind = "para"
        self._level = 0
        self._skip = 0
        self._in_title = False
        self._title: list[str] = []

    def _flush(self) -> None:
        text = _join_lines("".join(self._buf).split("\n"))
        if text:
            self.blocks.append(
                Block(self._kind, text, level=self._level, marker="-" if self._kind == "item" else "")
            )
        self._buf = []
        self._kind, self._level = "para", 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            content = a.get("content", "").strip()
            key = {
                "author": "author",
                "article:author": "author",
                "date": "date",
                "pubdate": "date",
                "article:published_time": "date",
                "og:url": "url",
                "og:site_name": "site",
                "og:title": "title",
            }.get(name)
            if key and content and key not in self.meta:
                self.meta[key] = content
        elif tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self._kind, self._level = "heading", int(tag[1])
            elif tag == "li":
                self._kind, self._level = "item", 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(self._skip - 1, 0)
            return
        if tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        title = " ".join("".join(self._title).split())
        if title:
            self.meta.setdefault("title", title)


def parse_html(text: str) -> Parsed:
    """HTML: markup stripped, block elements become paragraphs, links keep their text."""
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return Parsed("html", parser.blocks, dict(parser.meta), [b.text for b in parser.blocks])
