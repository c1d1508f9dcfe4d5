"""Decoding bytes and parsing the three source formats into blocks.

``decode`` turns a file's bytes into text or says why it cannot; ``parse``
turns text into :class:`~briefing.cleaning.Block` s plus the metadata the
format itself carries (YAML front matter, HTML ``<meta>``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import itertools
import re
import tomllib
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.cleaning import LABEL_LINE_RE, Block, line_label
from briefing.memo import REFERENCES_RE, clean_url
from briefing.metadata import parse_date
from briefing.resources import data_yaml
from briefing.script import CN_NUMERAL, is_cjk


class Unreadable(Exception):
    """The file is not a text document; the message is the one-line reason."""


# ----------------------------------------------------------- what is a source

# Files a folder carries about itself rather than as a source: its README, licence,
# changelog. Matched on the file's name without extension, case-insensitively;
# CHANGES and HISTORY only in capitals (a note may well be called "history.md").
_FOLDER_FILES = {
    "readme": "the folder's README, not a source",
    "read_me": "the folder's README, not a source",
    "license": "a licence file, not a source",
    "licence": "a licence file, not a source",
    "copying": "a licence file, not a source",
    "notice": "a licence notice, not a source",
    "changelog": "the folder's changelog, not a source",
    "contributing": "the folder's contribution guide, not a source",
    "code_of_conduct": "the folder's code of conduct, not a source",
    "authors": "the folder's list of authors, not a source",
}
_FOLDER_FILES_UPPER = {
    "CHANGES": "the folder's changelog, not a source",
    "HISTORY": "the folder's changelog, not a source",
}
_TABLE_SUFFIXES = {".tsv": "TSV", ".tab": "TSV", ".csv": "CSV", ".psv": "PSV"}
_SHEET_SUFFIXES = {".xlsx": "XLSX", ".xlsm": "XLSX", ".xls": "XLS", ".ods": "ODS", ".numbers": "Numbers"}


def not_a_source(path: str, raw: bytes) -> str | None:
    """Why a file is no source to brief on, or None: a folder's README, licence
    or changelog, a data table (TSV, CSV, a spreadsheet, or text whose lines are
    all tab-separated columns). Articles and memos are prose; a catalogue of the
    folder or a table of rows would otherwise be quoted and counted like one."""
    name = path.rsplit("/", 1)[-1]
    stem, dot, suffix = name.partition(".")
    suffix = (dot + suffix.rsplit(".", 1)[-1]).lower() if dot else ""
    if reason := _FOLDER_FILES.get(stem.lower()) or _FOLDER_FILES_UPPER.get(stem):
        return reason
    if kind := _TABLE_SUFFIXES.get(suffix):
        return f"a data table ({kind}), not an article"
    if kind := _SHEET_SUFFIXES.get(suffix):
        return f"a spreadsheet ({kind}), not an article"
    if _tab_separated(raw[:65536]):
        return "a data table (tab-separated columns), not an article"
    return None


def _tab_separated(head: bytes) -> bool:
    """Three or more lines, nearly all with the same two or more tabs: rows of a table."""
    lines = [line for line in head.split(b"\n")[:200] if line.strip()]
    if len(lines) < 3:
        return False
    counts = [line.count(b"\t") for line in lines]
    common = max(set(counts), key=counts.count)
    return common >= 2 and counts.count(common) >= 0.8 * len(lines)


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


_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or (13 < b < 32 and b != 27))
"""Control bytes no text file holds (tab, newlines, form feed and ESC excepted)."""


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
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not per byte
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


# Front matter after an optional BOM and blank lines: YAML between "---" lines
# (closed by "---" or "..."), TOML between "+++" lines.
_YAML_FM_RE = re.compile(r"\A\ufeff?(?:[ \t]*\n)*---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_FM_RE = re.compile(r"\A\ufeff?(?:[ \t]*\n)*\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)
_MD_SIGNALS = (
    re.compile(r"^#{1,6}\s+\S", re.M),
    re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s", re.M),
    re.compile(r"\[[^\]\n]+\]\([^)\n]+\)"),
    re.compile(r"^\s*[-*+]\s+\S", re.M),
    re.compile(r"\*\*[^*\n]+\*\*"),
    re.compile(r"^```", re.M),
)
_HTML_TAG_RE = re.compile(r"<(?:html|body|p|div|br|article|h[1-6]|table|li|ul|ol|section|head)\b", re.I)


def front_matter_span(text: str) -> tuple[str, str, int] | None:
    """``(kind, content, end)`` of the front matter opening ``text``, or None.

    ``kind`` is ``yaml`` or ``toml``; ``end`` is the offset where the body
    starts. A fenced block counts only when it holds ``key: value`` (or
    ``key = value``) lines, so a Markdown document opening with a thematic
    break ("---") keeps its text.
    """
    for kind, pattern in (("yaml", _YAML_FM_RE), ("toml", _TOML_FM_RE)):
        m = pattern.match(text)
        if m and _looks_like_fields(m.group(1) or "", kind):
            return kind, m.group(1) or "", m.end()
    return None


_FIELD_LINE_RE = {
    "yaml": re.compile(r"^[^\s:#][^:]{0,60}:(?:\s|$)"),
    "toml": re.compile(r"^(?:[\w.\-\"' ]{1,60}=|\[[\w.\-\" ]+\]\s*$)"),
}


def _looks_like_fields(content: str, kind: str) -> bool:
    if not content.strip():
        return True  # an empty front matter is still front matter
    lines = [line for line in content.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    top = [line for line in lines if not line[0].isspace() and not line.startswith("- ")]
    return bool(top) and all(_FIELD_LINE_RE[kind].match(line) for line in top)


def detect_format(text: str, suffix: str = "") -> str:
    """``html``, ``markdown`` or ``text``, from the content (the file name only breaks ties)."""
    if front_matter_span(text):
        return "markdown"  # even when the body is HTML: the Markdown reader hands that on
    tags = len(_HTML_TAG_RE.findall(text[:200000]))
    if tags >= 3 and (_strip_directives(text[:2000]).lstrip().startswith("<") or tags * 400 > len(text)):
        return "html"
    signals = sum(1 for p in _MD_SIGNALS if p.search(text))
    headings = len(_MD_SIGNALS[0].findall(text))
    if headings >= 2 or signals >= 3 or (signals >= 1 and suffix in (".md", ".markdown")):
        return "markdown"
    if suffix in (".html", ".htm", ".jsp", ".asp", ".aspx", ".php", ".shtml") and tags:
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
    r"^\s*(?:[-*•·]\s|\d{1,2}(?:[、．)）]|\.(?!\d))\s*|[（(]\d{1,2}[)）]|" + CN_NUMERAL + r"、"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))"
)


_NUMBERED_HEADING_RE = re.compile(
    r"^(?:" + CN_NUMERAL + r"、|[（(]" + CN_NUMERAL + r"[)）]|第[一二三四五六七八九十\d]{1,3}[章节部分篇]"
    r"|\d{1,2}[.、]\s*)[^。！？!?，,；;：:]{1,20}$"
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
        # A numbered heading line ("一、背景", "2. Method") ends its group even
        # when the text under it follows without a blank line.
        heading_line = len(group) == 1 and _NUMBERED_HEADING_RE.match(group[0].strip())
        if line.strip() and not (
            group and (_ITEM_LINE_RE.match(line) or heading_line or _labelled_after(group[-1], line))
        ):
            group.append(line)
            continue
        if group:
            blocks.append(Block("para", _join_lines(group)))
            raw.append("\n".join(group))
        group = [line] if line.strip() else []
    return Parsed("text", blocks, raw_lines=raw)


# ------------------------------------------------------------------ front matter


@functools.cache
def _front_matter_keys() -> dict[str, list[str]]:
    """Field → front-matter keys in priority order, normalised (see front_matter.yaml)."""
    return {field: [_norm_key(k) for k in keys] for field, keys in data_yaml("front_matter.yaml").items()}


def _norm_key(key: Any) -> str:
    return re.sub(r"[\s_\-]", "", str(key)).lower()


_SCALAR_RE = re.compile(r"""^(?P<key>[^\s:=#][^:=]{0,60}?)\s*(?P<sep>[:=])(?:\s+|$)(?P<value>.*)$""")


def _loose_fields(content: str, kind: str) -> dict[str, Any]:
    """Front matter a strict parser refused (an unquoted colon, a tab), read line by line:
    ``key: value`` / ``key = value``, indented continuations and ``- item`` lists."""
    data: dict[str, Any] = {}
    key = None
    for line in content.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s*-\s+(.*)$", line)
        if key and item:
            if not isinstance(data.get(key), list):
                data[key] = []
            data[key].append(_unquote(item.group(1)))
            continue
        m = _SCALAR_RE.match(line.strip())
        if key and line[0].isspace() and not (m and data.get(key)):
            value = data.get(key)
            data[key] = f"{value} {line.strip()}".strip() if isinstance(value, str) else line.strip()
            continue
        if not m or (kind == "toml") != (m.group("sep") == "="):
            key = None
            continue
        key = m.group("key").strip().strip("\"'")
        value = m.group("value").strip()
        if kind == "toml" and value.startswith("[") and value.endswith("]"):
            data[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            data[key] = "" if value in (">", "|", ">-", "|-") else _unquote(value)
    return data


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _as_text(value: Any) -> str | None:
    """A front-matter value as one line of text (folded scalars, lists, dates)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [t for t in (_as_text(v) for v in value) if t]
        return parts[0] if parts else None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or value.get("url"))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text or None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[,，、;；]", value) if p.strip()]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _as_list(v)] if any(isinstance(v, str) for v in value) else []
    return []


def front_matter_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The document metadata a front-matter mapping holds, keyed ``title``,
    ``date``, ``author``, ``url``, ``site``, ``description``, ``tags``, ``categories``."""
    values = {_norm_key(k): v for k, v in data.items()}
    keys = _front_matter_keys()

    def candidates(field_name: str) -> list[Any]:
        return [values[k] for k in keys.get(field_name, []) if k in values]

    meta: dict[str, Any] = {}
    # A value counts when it is usable: a date must parse (`published: true`
    # does not), a url must be a URL, a site must not be one.
    usable = {
        "title": bool,
        "date": parse_date,
        "url": clean_url,
        "site": lambda t: not re.match(r"(?i)^(?:https?:)?//", t),
        "description": bool,
    }
    for name, ok in usable.items():
        for value in candidates(name):
            if (text := _as_text(value)) and ok(text):
                meta[name] = text
                break
    for value in candidates("author"):
        names = (
            [t for t in (_as_text(v) for v in value) if t]
            if isinstance(value, list | tuple)
            else [_as_text(value)]
        )
        if text := ", ".join(n for n in names if n):
            meta["author"] = text
            break
    for name in ("tags", "categories"):
        found: list[str] = []
        for value in candidates(name):
            found.extend(t for t in _as_list(value) if t not in found)
        if found:
            meta[name] = found
    return meta


def read_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """``(metadata, body)``: the fields of the front matter ``text`` opens with
    (see :func:`front_matter_fields`) and the text after it; ``({}, text)`` when
    there is none."""
    span = front_matter_span(text)
    if not span:
        return {}, text
    kind, content, end = span
    data: Any = None
    try:
        data = tomllib.loads(content) if kind == "toml" else yaml.safe_load(content)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        data = _loose_fields(content, kind)
    return front_matter_fields(data), text[end:]


# ---------------------------------------------------------------------- Markdown


_md = MarkdownIt("commonmark").enable("table")
_SOFTBREAK = Token("softbreak", "br", 0)

# Inline HTML that breaks a Markdown paragraph into several: a body pasted as HTML.
_BLOCK_HTML_RE = re.compile(
    r"^</?(?:p|div|br|h[1-6]|li|ul|ol|table|tr|blockquote|section|article|hr)\b", re.I
)
_SCHEME_RE = re.compile(r"^(?:https?|ftp)://", re.I)


@functools.cache
def _share_link_re() -> re.Pattern[str]:
    return re.compile("|".join(data_yaml("page_chrome.yaml")["share_links"]), re.I)


def is_share_link(href: str) -> bool:
    """True for a share button's target ("service.weibo.com/share/…", "twitter.com/intent/…")."""
    return bool(href) and bool(_share_link_re().search(href))


def is_site_link(href: str) -> bool:
    """True for a link within the page's own site (relative, "//host/", "#", "javascript:"):
    a row of nothing else is navigation."""
    return not _SCHEME_RE.match(href.strip()) and not href.strip().lower().startswith("mailto:")


# Link text that only points at the link ("via", "source", "原文链接"): nothing to read once the link is gone.
_POINTER_RE = re.compile(r"^\s*(?:via|source|link|原文|原文链接|原文鏈接|链接|鏈接|来源|來源)\s*$", re.I)
_EMPTY_PARENS_RE = re.compile(r"\s*[（(]\s*[)）]")


@dataclass
class _Inline:
    text: str
    own: bool
    """Some letter or digit stands outside links."""
    links: list[str]
    """Targets of the links with text."""


def _inline(children: list[Any]) -> _Inline:
    """Inline tokens as text: links keep their text (share buttons lose it),
    images and inline HTML leave nothing."""
    parts: list[str] = []
    own = False
    links: list[str] = []
    href_stack: list[str] = []
    for tok in children:
        if tok.type == "link_open":
            href_stack.append(str(tok.attrs.get("href", "")))
        elif tok.type == "link_close":
            if href_stack:
                href_stack.pop()
        elif tok.type in ("text", "code_inline"):
            if href_stack and (is_share_link(href_stack[-1]) or _POINTER_RE.match(tok.content)):
                continue  # a share button, or "（via）": the text only pointed at the link
            parts.append(tok.content)
            if href_stack:
                if tok.content.strip() and href_stack[-1] not in links:
                    links.append(href_stack[-1])
            else:
                own = own or any(c.isalnum() for c in tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    text = _EMPTY_PARENS_RE.sub("", _join_lines("".join(parts).split("\n")))
    return _Inline(text, own, links)


def _inline_text(children: list[Any]) -> str:
    return _inline(children).text


def _inline_block(kind: str, children: list[Any], **kw: Any) -> Block:
    found = _inline(children)
    links = tuple(found.links) if found.text and not found.own else ()
    return Block(kind, found.text, links=links, **kw)


_CLAUSE_END = "。，、；：！？…,;:.!?)）”」』"
_SENTENCE_END = "。！？!?"


def _same_label(prev: str, line: str) -> bool:
    """Two lines that open with the same short label ("待核实：…" / "待核实：…"): a
    run of labelled entries, one per line, not one hard-wrapped sentence."""
    a, b = LABEL_LINE_RE.match(prev), LABEL_LINE_RE.match(line)
    return bool(a and b and a.group(1).strip() == b.group(1).strip())


def _labelled_after(prev: str, line: str) -> bool:
    """A line that opens with a short label ("待研究：", "下一步：") after a line that
    ends a sentence, or after a line with the same label: an entry of its own, not
    the wrapped rest of the line before."""
    prev = prev.strip()
    return bool(prev) and (_same_label(prev, line) or (prev[-1] in _SENTENCE_END and bool(line_label(line))))


def _split_lines(children: list[Any]) -> list[list[Any]]:
    """A paragraph's inline tokens cut where a line break starts a new item.

    A line that opens like a list item ("3、", "2.", "- ") starts a new block
    even without a blank line before it, and so does the line after a short
    line that ends no clause ("能 → 二波" after "是否继续创新高"): joined, such
    lines would run together as one false sentence. A hard-wrapped sentence
    ("…开始想：" / "👉 算力→带宽") stays one paragraph.
    """
    lines: list[list[Any]] = [[]]
    for tok in children:
        if tok.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(tok)
    texts = [_inline(line).text for line in lines]
    groups: list[list[Any]] = []
    for i, line in enumerate(lines):
        prev = texts[i - 1] if i else ""
        cut = (
            bool(prev)
            and bool(texts[i])
            and (
                bool(_ITEM_LINE_RE.match(texts[i]))
                or (len(prev) <= 25 and prev[-1] not in _CLAUSE_END)
                or _labelled_after(prev, texts[i])
            )
        )
        if not groups or cut:
            groups.append(list(line))
        else:
            groups[-1].extend([_SOFTBREAK, *line])
    return groups


def _mostly_html(body: str) -> bool:
    """A Markdown file whose body is an HTML page fragment (a WordPress export)."""
    tags = len(_HTML_TAG_RE.findall(body[:200000]))
    return tags >= 3 and not _MD_SIGNALS[0].search(body) and not _MD_SIGNALS[2].search(body)


def _is_nav(block: Block, in_references: bool) -> bool:
    return bool(block.links) and not in_references and all(is_site_link(h) for h in block.links)


def parse_markdown(text: str) -> Parsed:
    """Markdown via markdown-it-py; front matter via PyYAML or tomllib; HTML via the HTML reader.

    HTML inside Markdown is read as HTML wherever it stands: a body that is
    mostly HTML, HTML blocks, paragraphs broken up by ``<p>`` or ``<br>``,
    and indented HTML that CommonMark would take for code. Images leave no
    text (alt text is not a sentence); a row of links within the site is
    navigation and is dropped (not in a reference list); share buttons lose
    their text.
    """
    meta, body = read_front_matter(text)
    if _mostly_html(body):
        html = parse_html(body, fragment=True)
        return Parsed("markdown", html.blocks, {**html.meta, **meta}, html.raw_lines)
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
    in_references = False
    html_meta: dict[str, Any] = {}

    def add(block: Block, span: str) -> None:
        nonlocal in_references
        if block.kind == "heading" or (block.kind == "para" and len(block.text) <= 30):
            if REFERENCES_RE.match(block.text):
                in_references = True
            elif block.kind == "heading":
                in_references = False
        if _is_nav(block, in_references):
            return
        blocks.append(block)
        raw.append(span)

    def add_html(fragment: str, span: str) -> None:
        parsed = parse_html(fragment, fragment=True)
        for key, value in parsed.meta.items():
            html_meta.setdefault(key, value)
        for b in parsed.blocks:
            add(b, span)

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
            add(_inline_block("heading", tokens[i + 1].children or [], level=int(tok.tag[1])), span)
        elif tok.type == "paragraph_open":
            children = tokens[i + 1].children or []
            if any(c.type == "html_inline" and _BLOCK_HTML_RE.match(c.content) for c in children):
                add_html(_md.renderer.renderInline(children, _md.options, {}), span)
                in_item_first_para = False
            elif not depth and any(c.type == "softbreak" for c in children):
                for line_group in _split_lines(children):
                    add(_inline_block("para", line_group), span)
            elif depth and in_item_first_para:
                block = _inline_block("item", children, level=depth)
                marker = item_marker[-1] if item_marker else "-"
                box = re.match(r"^\[([ xX])\]\s+", block.text)
                if box:
                    marker = f"[{box.group(1).lower()}]"
                    block = replace(block, text=block.text[box.end() :])
                add(replace(block, marker=marker), item_span)
                in_item_first_para = False
            else:
                add(_inline_block("para", children), span)
        elif (
            tok.type == "code_block"
            and _HTML_TAG_RE.search(tok.content)
            and tok.content.lstrip().startswith("<")
        ):
            add_html(tok.content, span)  # indented HTML, not code
        elif tok.type in ("fence", "code_block"):
            blocks.append(Block("code", tok.content.rstrip("\n")))
            raw.append(span)
        elif tok.type == "html_block":
            add_html(tok.content, span)
        elif tok.type == "tr_open":
            cells = []
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            cells.append(_inline_text(tok.children or []))
        elif tok.type == "tr_close":
            add(Block("row", " | ".join(c for c in cells if c)), span)
    kept = [(b, r) for b, r in zip(blocks, raw, strict=True) if b.text.strip()]
    return Parsed("markdown", [b for b, _ in kept], {**html_meta, **meta}, [r for _, r in kept])


# -------------------------------------------------------------------------- HTML


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "section", "article", "blockquote", "pre", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dd", "dt", "figcaption", "header", "main", "hr",
    "figure", "caption", "center",
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
    "iframe",
    "object",
}
_VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_META_KEYS = {
    "author": "author",
    "article:author": "author",
    "byline": "author",
    "dc.creator": "author",
    "date": "date",
    "pubdate": "date",
    "publishdate": "date",
    "publish-date": "date",
    "publish_date": "date",
    "publication_date": "date",
    "article:published_time": "date",
    "og:published_time": "date",
    "datepublished": "date",
    "dc.date": "date",
    "dc.date.issued": "date",
    "dcterms.created": "date",
    "parsely-pub-date": "date",
    "sailthru.date": "date",
    "og:url": "url",
    "og:site_name": "site",
    "application-name": "site",
    "og:title": "title",
    "twitter:title": "title",
    "description": "description",
    "og:description": "description",
    "keywords": "tags",
    "news_keywords": "tags",
}
# Server-side template code in saved pages: <%@ page %>, <% … %>, <?php … ?>.
_DIRECTIVE_RE = re.compile(r"<%.*?%>|<\?(?!xml).*?\?>", re.S)


def _strip_directives(text: str) -> str:
    return _DIRECTIVE_RE.sub("", text)


@functools.cache
def _chrome_words() -> frozenset[str]:
    return frozenset(w.lower() for w in data_yaml("page_chrome.yaml")["chrome_classes"])


def is_chrome_element(attrs: dict[str, str]) -> bool:
    """True for an element whose class or id names page furniture ("navCurrent", "share-bar")."""
    value = f"{attrs.get('class', '')} {attrs.get('id', '')}"
    if not value.strip():
        return False
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", value).lower()
    return any(w in _chrome_words() for w in re.split(r"[^a-z]+", words))


_PLACE_CLASS_RE = re.compile(r"dateline|article-?location|story-?location|location-?dateline", re.IGNORECASE)


def is_place_element(attrs: dict[str, str]) -> bool:
    """An element a news page marks as the story's dateline ("articleLocation", "dateline")."""
    return bool(_PLACE_CLASS_RE.search(f"{attrs.get('class', '')} {attrs.get('itemprop', '')}"))


class _HTMLText(HTMLParser):
    def __init__(self, use_classes: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.use_classes = use_classes
        self.chrome_chars = 0
        """Characters inside elements skipped for their class or id."""
        self.blocks: list[Block] = []
        self.meta: dict[str, Any] = {}
        self._buf: list[str] = []
        self._own = False
        self._links: list[str] = []
        self._href: list[str] = []
        self._kind = "para"
        self._level = 0
        self._skip = 0
        self._chrome: list[list[Any]] = []  # [tag, open count] of skipped furniture
        self._in_head = False
        self._in_title = False
        self._title: list[str] = []
        self._place: list[Any] | None = None  # [tag, open count, text] of the dateline element
        self._place_seen = False

    def _flush(self) -> None:
        text = _join_lines("".join(self._buf).split("\n"))
        if text:
            links = tuple(self._links) if not self._own else ()
            marker = "-" if self._kind == "item" else ""
            self.blocks.append(Block(self._kind, text, level=self._level, marker=marker, links=links))
        self._buf, self._own, self._links = [], False, []
        self._kind, self._level = "para", 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._chrome:
            if tag == self._chrome[-1][0] and tag not in _VOID_TAGS:
                self._chrome[-1][1] += 1
            return
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            self._meta(a)
        elif tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])
        elif tag == "time" and a.get("datetime") and not self._skip:
            self.meta.setdefault("time", a["datetime"])
        if tag not in _VOID_TAGS and self.use_classes and not self._in_head and is_chrome_element(a):
            self._flush()
            self._chrome.append([tag, 1])
            return
        if self._place is not None and tag == self._place[0]:
            self._place[1] += 1
        elif not self._place_seen and not self._skip and is_place_element(a):
            self._place_seen = True
            self._place = [tag, 1, []]
        if tag == "a":
            self._href.append(a.get("href", ""))
        if tag in ("td", "th"):
            # Cells of a table row, separated as in a Markdown table's row.
            if "".join(self._buf).strip():
                self._buf.append(" | ")
            self._kind = "row"
        if tag in _BLOCK_TAGS:
            self._in_head = False  # a page that never closes its <head>: the body has begun
            self._flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self._kind, self._level = "heading", int(tag[1])
            elif tag == "li":
                self._kind, self._level = "item", 1

    def _meta(self, a: dict[str, str]) -> None:
        name = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
        content = a.get("content", "").strip()
        key = _META_KEYS.get(name)
        if key and content and key not in self.meta:
            self.meta[key] = _as_list(content) if key == "tags" else content

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <span id="x"/>: a tag that closes itself opens no container.
        if tag in _VOID_TAGS:
            self.handle_starttag(tag, attrs)
        elif tag in _BLOCK_TAGS and not (self._chrome or self._skip):
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self._chrome:
            if tag == self._chrome[-1][0]:
                self._chrome[-1][1] -= 1
                if not self._chrome[-1][1]:
                    self._chrome.pop()
            return
        if tag in _SKIP_TAGS:
            self._skip = max(self._skip - 1, 0)
            return
        if self._place is not None and tag == self._place[0]:
            self._place[1] -= 1
            if not self._place[1]:
                place = " ".join("".join(self._place[2]).split())
                if 0 < len(place) <= 40:
                    self.meta.setdefault("place", place)  # "SHANGHAI/BEIJING": it leaves the text in reading
                self._place = None
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self._in_head = False
        elif tag == "a" and self._href:
            self._href.pop()
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif self._chrome and not self._skip:
            self.chrome_chars += len(data.strip())
        elif self._skip or self._in_head:
            return
        elif self._href:
            if is_share_link(self._href[-1]):
                return
            self._buf.append(data)
            if data.strip() and self._href[-1] not in self._links:
                self._links.append(self._href[-1])
        else:
            self._buf.append(data)
            self._own = self._own or any(c.isalnum() for c in data)
        if self._place is not None and not (self._skip or self._chrome):
            self._place[2].append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        title = " ".join("".join(self._title).split())
        if title:
            self.meta.setdefault("page_title", title)


def parse_html(text: str, fragment: bool = False) -> Parsed:
    """HTML: markup stripped, block elements become paragraphs, links keep their text.

    Server-side directives (JSP, ASP, PHP), the ``<head>`` (but its
    ``<title>`` and ``<meta>`` tags, which become metadata), scripts, forms and
    elements whose class or id names navigation, sharing or a sidebar leave
    nothing; a row of links within the site is navigation. A ``fragment``
    (HTML inside a Markdown file) has no ``<head>``.
    """
    text = _strip_directives(text)
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    kept = sum(len(b.text) for b in parser.blocks)
    if kept < 200 and parser.chrome_chars > 2 * kept:
        # The article itself carried a furniture word in its class
        # ("post-body share-enabled"): read the page again without that rule.
        parser = _HTMLText(use_classes=False)
        parser.feed(text)
        parser.close()
    blocks = [b for b in parser.blocks if not _is_nav(b, False)]
    return Parsed("html", blocks, dict(parser.meta), [b.text for b in blocks])
