"""The intermediate document both writers consume.

A template renders Markdown; :func:`parse` turns it (with markdown-it-py) into
this small tree of blocks and inline runs. Writers only map these nodes to
their format, so the PDF and the DOCX can never say different things.

Markdown conventions beyond CommonMark + tables:

* YAML front matter becomes the document's metadata and cover
  (``title``, ``subtitle``, ``author``, ``subject``, ``keywords``, ``date``,
  ``cover``: a list of lines printed under the title);
* ``![caption](chart:NAME)`` places the chart named NAME;
* ``<!-- pagebreak -->`` on its own line starts a new page;
* ``{: #anchor}`` at the end of a heading or paragraph gives it an id, and links to
  ``#anchor`` jump there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.errors import TemplateError


@dataclass
class Run:
    """A piece of inline text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    """URL (``http…``) or internal anchor (``#id``)."""


@dataclass
class Heading:
    level: int
    runs: list[Run]
    anchor: str | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Paragraph:
    runs: list[Run]
    style: str = "body"
    """``body``, ``quote`` (a blockquote) or ``small``."""
    anchor: str | None = None


@dataclass
class ListBlock:
    ordered: bool
    items: list[list[Any]]
    """Each item is a list of blocks (paragraphs, nested lists)."""
    start: int = 1


@dataclass
class Table:
    header: list[list[Run]]
    rows: list[list[list[Run]]]
    align: list[str] = field(default_factory=list)
    """Per column: ``left``, ``center`` or ``right``."""


@dataclass
class Chart:
    name: str
    caption: str


@dataclass
class PageBreak:
    pass


@dataclass
class Document:
    meta: dict[str, Any]
    blocks: list[Any]

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def texts(self) -> list[str]:
        """Every run of text, in order (tests compare this with the writers' output)."""
        out: list[str] = []

        def walk(blocks: list[Any]) -> None:
            for b in blocks:
                if isinstance(b, Heading | Paragraph):
                    out.append("".join(r.text for r in b.runs))
                elif isinstance(b, ListBlock):
                    for item in b.items:
                        walk(item)
                elif isinstance(b, Table):
                    out.extend("".join(r.text for r in c) for c in b.header)
                    for row in b.rows:
                        out.extend("".join(r.text for r in c) for c in row)

        walk(self.blocks)
        return out


# Page-break rules both writers share: a line that introduces a list, or closes one,
# stays on the page of the list it speaks of.
LIST_LEAD_ENDS = ("：", ":")
"""How a paragraph that introduces the list below it ends ("其他来源论及的角度可作起点：")."""
CLOSING_CHARS = 160
"""The longest paragraph that closes a list (about two lines: a question's 缺口)."""


def _plain(block: Any) -> str:
    return "".join(r.text for r in block.runs)


def introduces_list(blocks: list[Any], i: int) -> bool:
    """True for a paragraph right before a list that ends with a colon: it announces
    the list, and a page never ends on it."""
    return (
        i + 1 < len(blocks)
        and isinstance(blocks[i], Paragraph)
        and isinstance(blocks[i + 1], ListBlock)
        and _plain(blocks[i]).rstrip().endswith(LIST_LEAD_ENDS)
    )


def figure_introduction(blocks: list[Any], i: int) -> int:
    """The paragraphs (one to three) ending at ``blocks[i]`` that come between a heading
    and the table or chart right after them (企业案例, its introduction, the table): a
    page never ends on the heading and its introduction with what they introduce on
    the next. 0 where ``blocks[i]`` is no such introduction."""
    if not (
        i + 1 < len(blocks) and isinstance(blocks[i], Paragraph) and isinstance(blocks[i + 1], Table | Chart)
    ):
        return 0
    j = i
    while j > 0 and i - j < 3 and isinstance(blocks[j], Paragraph):
        j -= 1
    return i - j if isinstance(blocks[j], Heading) else 0


def closes_list(blocks: list[Any], i: int) -> bool:
    """True for a short paragraph right after a list that ends its section (a heading,
    a page break or the end follows): it says what the list shows (a question's
    "缺口：资料给出了相关现状…" under its evidence), and a page never opens with it
    alone: it stays with the list's last item."""
    return (
        0 < i < len(blocks)
        and isinstance(blocks[i], Paragraph)
        and isinstance(blocks[i - 1], ListBlock)
        and (i + 1 == len(blocks) or isinstance(blocks[i + 1], Heading | PageBreak))
        and 0 < len(_plain(blocks[i]).strip()) <= CLOSING_CHARS
    )


_md = MarkdownIt("commonmark", {"html": True}).enable("table")
_FRONT_RE = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
_ANCHOR_RE = re.compile(r"\s*\{:\s*#([A-Za-z0-9_\-:.]+)\s*\}\s*$")
_PAGEBREAK_RE = re.compile(r"<!--\s*pagebreak\s*-->", re.I)


def _inline(tokens: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    link: list[str] = []
    for tok in tokens:
        if tok.type == "strong_open":
            bold += 1
        elif tok.type == "strong_close":
            bold -= 1
        elif tok.type == "em_open":
            italic += 1
        elif tok.type == "em_close":
            italic -= 1
        elif tok.type == "link_open":
            link.append(str(tok.attrs.get("href", "")))
        elif tok.type == "link_close":
            link.pop()
        elif tok.type in ("text", "code_inline", "softbreak", "hardbreak"):
            text = (
                tok.content
                if tok.type in ("text", "code_inline")
                else ("\n" if tok.type == "hardbreak" else " ")
            )
            run = Run(
                text,
                bold=bold > 0,
                italic=italic > 0,
                code=tok.type == "code_inline",
                link=link[-1] if link else None,
            )
            last = runs[-1] if runs else None
            if last and (last.bold, last.italic, last.code, last.link) == (
                run.bold,
                run.italic,
                run.code,
                run.link,
            ):
                last.text += run.text
            else:
                runs.append(run)
    return [r for r in runs if r.text]


def parse(markdown: str) -> Document:
    """Parse rendered Markdown into the intermediate document."""
    meta: dict[str, Any] = {}
    m = _FRONT_RE.match(markdown)
    if m:
        try:
            meta = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as exc:
            raise TemplateError(
                f"the template's front matter is not valid YAML: {exc}".splitlines()[0]
            ) from exc
        if not isinstance(meta, dict):
            raise TemplateError("the template's front matter must be a mapping")
        markdown = markdown[m.end() :]
    tokens = _md.parse(markdown)
    blocks, _ = _blocks(tokens, 0, len(tokens))
    return Document(meta=meta, blocks=blocks)


def _blocks(tokens: list[Token], i: int, end: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    while i < end:
        tok = tokens[i]
        if tok.type == "heading_open":
            runs = _inline(tokens[i + 1].children or [])
            anchor = None
            if runs and (m := _ANCHOR_RE.search(runs[-1].text)):
                anchor = m.group(1)
                runs[-1].text = runs[-1].text[: m.start()]
            out.append(Heading(level=int(tok.tag[1]), runs=[r for r in runs if r.text], anchor=anchor))
            i += 3
        elif tok.type == "paragraph_open":
            inline = tokens[i + 1].children or []
            if (
                len(inline) == 1
                and inline[0].type == "image"
                and str(inline[0].attrs.get("src", "")).startswith("chart:")
            ):
                out.append(Chart(name=str(inline[0].attrs["src"])[6:], caption=inline[0].content))
            else:
                runs = _inline(inline)
                anchor = None
                if runs and (m := _ANCHOR_RE.search(runs[-1].text)):
                    anchor = m.group(1)
                    runs[-1].text = runs[-1].text[: m.start()]
                if runs:
                    out.append(Paragraph(runs=runs, anchor=anchor))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            close = _closing(tokens, i)
            items = []
            j = i + 1
            while j < close:
                if tokens[j].type == "list_item_open":
                    item_close = _closing(tokens, j)
                    item, _ = _blocks(tokens, j + 1, item_close)
                    items.append(item)
                    j = item_close + 1
                else:
                    j += 1
            start = int(tok.attrs.get("start", 1)) if tok.type == "ordered_list_open" else 1
            out.append(ListBlock(ordered=tok.type == "ordered_list_open", items=items, start=start))
            i = close + 1
        elif tok.type == "blockquote_open":
            close = _closing(tokens, i)
            inner, _ = _blocks(tokens, i + 1, close)
            for b in inner:
                if isinstance(b, Paragraph):
                    b.style = "quote"
                out.append(b)
            i = close + 1
        elif tok.type == "table_open":
            close = _closing(tokens, i)
            header: list[list[Run]] = []
            rows: list[list[list[Run]]] = []
            align: list[str] = []
            row: list[list[Run]] | None = None
            in_head = False
            for j in range(i + 1, close):
                t = tokens[j]
                if t.type == "thead_open":
                    in_head = True
                elif t.type == "thead_close":
                    in_head = False
                elif t.type == "tr_open":
                    row = []
                elif t.type == "tr_close" and row is not None:
                    if in_head:
                        header = row
                    else:
                        rows.append(row)
                elif t.type in ("th_open", "td_open"):
                    style = str(t.attrs.get("style", ""))
                    if in_head:
                        align.append(
                            "right" if "right" in style else "center" if "center" in style else "left"
                        )
                elif t.type == "inline" and row is not None:
                    row.append(_inline(t.children or []))
            out.append(Table(header=header, rows=rows, align=align))
            i = close + 1
        elif tok.type == "html_block":
            if _PAGEBREAK_RE.search(tok.content):
                out.append(PageBreak())
            i += 1
        elif tok.type == "hr":
            out.append(PageBreak())
            i += 1
        elif tok.type in ("fence", "code_block"):
            out.append(Paragraph(runs=[Run(tok.content.rstrip("\n"), code=True)]))
            i += 1
        else:
            i += 1
    return out, i


def _closing(tokens: list[Token], i: int) -> int:
    """Index of the token that closes ``tokens[i]``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def check_links(doc: Document) -> None:
    """Every internal link (``#id``) must point at an anchor the document defines."""
    anchors: set[str] = set()
    targets: list[str] = []

    def walk(blocks: list[Any]) -> None:
        for b in blocks:
            if isinstance(b, Heading | Paragraph):
                if b.anchor:
                    anchors.add(b.anchor)
                targets.extend(r.link[1:] for r in b.runs if r.link and r.link.startswith("#"))
            elif isinstance(b, ListBlock):
                for item in b.items:
                    walk(item)
            elif isinstance(b, Table):
                for cell in [*b.header, *(c for row in b.rows for c in row)]:
                    targets.extend(r.link[1:] for r in cell if r.link and r.link.startswith("#"))

    walk(doc.blocks)
    missing = sorted(set(targets) - anchors)
    if missing:
        raise TemplateError(
            f"the template links to anchors it does not define: {', '.join('#' + m for m in missing)}"
        )
