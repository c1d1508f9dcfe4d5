"""Memo structure: TO DO questions, references and changelog.

Research memos are working notes: headings, a TO DO list written in whatever
form the analyst uses (a heading or a label followed by bullets, checklists
or a numbered list, or one labelled line holding several questions), a
reference list with half-broken links, and a changelog. These sections are
lifted out of the body into structured fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing.cleaning import Block
from briefing.metadata import parse_date
from briefing.model import ChangelogEntry, Reference, Todo

_LABEL_END = r"\s*(?:[:：]\s*|$)"
TODO_RE = re.compile(
    r"^\s*(?:to\s*-?\s*dos?|待办(?:事项)?|待辦(?:事項)?|待研究(?:的)?(?:问题|問題)?|待解决(?:的)?问题|待解決(?:的)?問題"
    r"|待跟进|待跟進|研究问题|研究問題|问题清单|問題清單|open questions?|research questions?|next steps?)"
    + _LABEL_END,
    re.IGNORECASE,
)
REFERENCES_RE = re.compile(
    r"^\s*(?:参考文献|參考文獻|参考资料|參考資料|参考链接|參考鏈接|references?|sources?|bibliography"
    r"|further reading|延伸阅读|延伸閱讀|相关链接|相關鏈接)\s*[:：]?\s*$",
    re.IGNORECASE,
)
CHANGELOG_RE = re.compile(
    r"^\s*(?:change\s*-?\s*log|changes|history|revision history|更新记录|更新記錄|修改记录|修改記錄"
    r"|版本记录|版本記錄|修订记录|修訂記錄|变更记录|變更記錄)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ITEM_RE = re.compile(
    r"^\s*(?:[-*+•·]\s*(?:\[(?P<box>[ xX✓✔])\]\s*)?|(?:\d{1,2}|[a-z])\s*(?:[、．)）]|\.(?!\d))\s*|[（(]\d{1,2}[)）]\s*"
    r"|\[(?P<box2>[ xX✓✔])\]\s*|[☐☑✅✔]\s*)"
)
_DONE_RE = re.compile(
    r"^(?:✅|✔|☑|\[[xX✓✔]\]|done[:：]|已完成[:：]?)\s*|\s*(?:\((?:done|已完成)\)|（已完成）|✓|✔)\s*$",
    re.I,
)
_STRIKE_RE = re.compile(r"^~~(.+)~~$")
# A line that starts with a date (a changelog entry written without a bullet).
_DATED_RE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|(?:19|20)?\d{6})(?!\d)"
)


@dataclass
class MemoParts:
    todos: list[Todo] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    changelog: list[ChangelogEntry] = field(default_factory=list)
    keep: list[bool] = field(default_factory=list)
    """Per block: stays in the body (False for the lifted sections)."""


def _section_kind(block: Block) -> tuple[str, str] | None:
    """``(kind, inline_rest)`` when a block opens a TO DO, reference or changelog section."""
    text = block.text.strip()
    if block.kind == "item":
        return None
    if m := TODO_RE.match(text):
        rest = text[m.end() :].strip()
        if block.kind == "heading" or not rest or len(text) < 200:
            return "todo", rest
    if REFERENCES_RE.match(text):
        return "references", ""
    if CHANGELOG_RE.match(text):
        return "changelog", ""
    return None


def split_questions(text: str) -> list[str]:
    """Split a run of questions at question marks ("a？b？c？" → three)."""
    parts = [p.strip(" ，,；;") for p in re.split(r"(?<=[？?])", text)]
    return [p for p in parts if p]


def _todo(text: str, marker: str = "") -> Todo | None:
    done = marker in ("[x]", "[✓]", "[✔]")
    text = text.strip()
    if m := _ITEM_RE.match(text):
        if (m.group("box") or m.group("box2") or " ").strip() or any(c in m.group() for c in "☑✅✔"):
            done = True
        text = text[m.end() :]
    if _DONE_RE.search(text):
        done = True
        text = _DONE_RE.sub("", text)
    if m := _STRIKE_RE.match(text.strip()):
        done, text = True, m.group(1)
    text = text.strip()
    return Todo(text=text, done=done) if text else None


# A Markdown link closing the line; the closing parenthesis may be missing and
# a space may stand between "]" and "(" ("[t](http://a", "[t] (http://a)").
_LINK_RE = re.compile(r"\[(?P<title>(?:[^\[\]]|\[[^\[\]]*\])*)\]\s*\((?P<dest>.*?)\)?\s*$")
_URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'，。]+", re.IGNORECASE)


def clean_url(url: str) -> str | None:
    """A well-formed http(s) URL, or None."""
    url = url.strip().strip("<>").rstrip(".,;:，。；")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        return None
    return url


def parse_reference(line: str) -> Reference | None:
    """A reference from one list line, repairing links such as ``[t]([http://a](http://a))``."""
    line = _ITEM_RE.sub("", line.strip(), count=1).strip()
    if not line:
        return None
    title, url = line, None
    if m := _LINK_RE.search(line):
        title = (line[: m.start()] + m.group("title")).strip()
        found = _URL_RE.findall(m.group("dest"))
        url = next((u for u in (clean_url(f) for f in found) if u), None)
    else:
        found = _URL_RE.findall(line)
        if found:
            url = clean_url(found[0])
            title = _URL_RE.sub("", line).replace("<>", "").strip(" -–—:：|。，；")
    title = re.sub(r"\s+", " ", title.replace("**", "")).strip()
    return Reference(title=title or (url or ""), url=url)


def parse_changelog(line: str) -> ChangelogEntry | None:
    line = _ITEM_RE.sub("", line.strip(), count=1).strip()
    if not line:
        return None
    date = parse_date(line, compact=True)
    text = re.sub(_DATED_RE.pattern + r"\s*[:：-]?\s*", "", line) if date else line
    return ChangelogEntry(date=date, text=text.strip() or line)


def extract(blocks: list[Block], raw_lines: list[str]) -> MemoParts:
    """Lift TO DO, reference and changelog sections out of a document's blocks."""
    parts = MemoParts(keep=[True] * len(blocks))
    nested: set[int] = set()
    i = 0
    while i < len(blocks):
        found = _section_kind(blocks[i])
        if not found:
            i += 1
            continue
        kind, rest = found
        head = blocks[i]
        parts.keep[i] = False
        if kind == "todo" and rest:
            for question in split_questions(rest):
                if todo := _todo(question):
                    parts.todos.append(todo)
        j = i + 1
        seen_item = False
        while j < len(blocks):
            block = blocks[j]
            if block.kind == "heading" and (head.kind != "heading" or block.level <= head.level):
                break
            if _section_kind(block):
                break
            is_item = (
                block.kind == "item"
                or bool(_ITEM_RE.match(block.text))
                or (kind == "changelog" and bool(_DATED_RE.match(block.text)))
            )
            if head.kind != "heading" and seen_item and not is_item:
                break
            if head.kind != "heading" and not is_item and (kind != "todo" or rest):
                break
            seen_item = seen_item or is_item
            parts.keep[j] = False
            raw = raw_lines[j] if j < len(raw_lines) else block.text
            if kind == "todo":
                if block.kind == "item" and block.level > 1 and parts.todos:
                    # Sub-items complete their parent: "比较毛利率：爱美客；华熙生物".
                    parent = parts.todos[-1]
                    if id(parent) in nested:
                        parent.text = f"{parent.text}；{block.text.strip()}"
                    else:
                        parent.text = f"{parent.text.rstrip('：:')}：{block.text.strip()}"
                        nested.add(id(parent))
                elif todo := _todo(block.text, block.marker):
                    parts.todos.append(todo)
            elif kind == "references":
                for line in raw.split("\n") if block.kind != "item" else [raw.split("\n")[0]]:
                    if ref := parse_reference(line):
                        parts.references.append(ref)
            elif kind == "changelog" and (entry := parse_changelog(block.text)):
                parts.changelog.append(entry)
            j += 1
        i = j
    return parts
