"""Memo structure: research questions, references and changelog; memo or article.

Research memos are working notes. Their open questions come in whatever form
the analyst uses: a heading or label (TODO, 待办, 待研究问题, 需要思考的问题,
问题, 疑问, 思考, Open questions) followed by bullets, checklists or a
numbered list (``1.`` ``1、`` ``（1）`` ``一、``), one labelled line holding
several questions, or questions standing on their own as headings,
paragraphs, blockquotes or a run of list items. Labelled sections, the
reference list and the changelog are lifted out of the body into structured
fields; questions that stand on their own stay in the body (they structure
the notes) and are listed as well, but only in a memo: in an article they are
rhetorical. Whether a document is a memo is decided by :func:`memo_signals`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing.cleaning import Block, find_placeholders
from briefing.metadata import parse_date
from briefing.model import ChangelogEntry, Reference, Todo
from briefing.resources import data_yaml
from briefing.script import CN_NUMERAL, HAN

_LABEL_END = r"\s*(?:[:：]\s*|$)"
# Labels whose section lists what is still to find out: everything under them is a question.
_OPEN_LABELS = (
    r"to\s*-?\s*dos?|待办(?:事项)?|待辦(?:事項)?|待研究(?:的)?(?:问题|問題)?|待解决(?:的)?(?:问题)?|待解決(?:的)?(?:問題)?"
    r"|待跟进|待跟進|待确认|待確認|待验证(?:的)?(?:问题)?|待驗證(?:的)?(?:問題)?"
    r"|(?:待|有待)(?:解答|回答|厘清|釐清|澄清|调研|調研|明确|明確)(?:的)?(?:问题|問題)?"
    # 需要弄清的问题, 有待厘清的问题, 尚需核实的問題: any verb of finding out between the two
    r"|(?:需要|需|有待|尚待|尚需|仍需|还需|還需|还要|還要)[\u4e00-\u9fff]{1,8}?的(?:问题|問題)"
    # 需要回答, 尚需核实: the verb of finding out alone labels the list
    r"|(?:需要|需|尚需|仍需|还需|還需)(?:回答|解答|弄清楚?|搞清楚?|厘清|釐清|澄清|调研|調研|核实|核實|研究|确认|確認|验证|驗證)"
    r"|研究问题|研究問題|问题清单|問題清單|遗留问题|遺留問題|开放问题|開放問題|未解决的问题|未解決的問題"
    # 我们想知道, 我还想弄清: what the writer wants to find out
    r"|(?:我们|我們|我)?(?:还|還)?(?:想|希望|需要)(?:知道|弄清|弄清楚|搞清|搞清楚|了解)(?:的)?(?:问题|問題|事)?"
    r"|open questions?|research questions?|unanswered questions?|outstanding questions?"
    r"|questions? to (?:answer|explore|check|ask)|questions? (?:we|i) (?:need|want|have) to (?:answer|settle|resolve)"
    r"|what we (?:still )?need to (?:know|find out|answer)|next steps?|to check|to investigate|follow[- ]ups?"
)
# Labels that name questions but are also ordinary words ("问题" is also "a problem"):
# items under them are questions, a paragraph only when it asks.
_QUESTION_WORDS = r"问题|問題|疑问|疑問|核心问题|核心問題|关键问题|關鍵問題|key questions?|questions?"
# One of a numbered series ("问题一：", "问题2：", "Question 3:"): the writer's own question.
_ORDINAL = r"\s*(?:" + CN_NUMERAL + r"|\d{1,2}|[（(](?:" + CN_NUMERAL + r"|\d{1,2})[)）])"
_QUESTION_LABELS = rf"(?:{_QUESTION_WORDS})(?:{_ORDINAL})?"
# Labels of reflections: only what asks is a question.
_THOUGHT_LABELS = r"思考|我的思考|thoughts|reflections"
TODO_RE = re.compile(
    rf"^\s*(?:{_OPEN_LABELS}|{_QUESTION_LABELS}|{_THOUGHT_LABELS}){_LABEL_END}", re.IGNORECASE
)
_OPEN_RE = re.compile(rf"^\s*(?:{_OPEN_LABELS}){_LABEL_END}", re.IGNORECASE)
_THOUGHT_RE = re.compile(rf"^\s*(?:{_THOUGHT_LABELS}){_LABEL_END}", re.IGNORECASE)
_NUMBERED_RE = re.compile(rf"^\s*(?:{_QUESTION_WORDS}){_ORDINAL}{_LABEL_END}", re.IGNORECASE)
REFERENCES_RE = re.compile(
    r"^\s*(?:参考文献|參考文獻|参考资料|參考資料|参考链接|參考鏈接|资料来源|資料來源|资料|資料|references?|sources?|bibliography"
    r"|further reading|延伸阅读|延伸閱讀|相关链接|相關鏈接)\s*[:：]?\s*$",
    re.IGNORECASE,
)
CHANGELOG_RE = re.compile(
    r"^\s*(?:change\s*-?\s*log|changes|history|revision history|更新记录|更新記錄|修改记录|修改記錄"
    r"|版本记录|版本記錄|修订记录|修訂記錄|变更记录|變更記錄)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ITEM_RE = re.compile(
    r"^\s*(?:[-*+•·]\s*(?:\[(?P<box>[ xX✓✔])\]\s*)?|(?:\d{1,2}|[a-z])\s*(?:[、．)）]|\.(?!\d))\s*|[（(](?:\d{1,2}|[a-h])[)）]\s*"
    r"|Q\d{1,2}\s*(?:[、．:：)）]|\.(?!\d))\s*"  # Q1. Q2: numbered questions (not "Q1 revenue")
    r"|" + CN_NUMERAL + r"、\s*|[（(]" + CN_NUMERAL + r"[)）]\s*|\[(?P<box2>[ xX✓✔])\]\s*|[☐☑✅✔]\s*)"
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
# The author's numbering in front of a heading or label: "四、", "第一部分：", "➍、",
# "1️⃣", "（2）", "Part 3:".
_NUMBERING_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]{1,3}(?:部分|篇|章|节|節|点|點|条|條)\s*[：:、.．]?"
    r"|"
    + CN_NUMERAL
    + r"\s*[、.．]|\d{1,2}\s*(?:[、．)）]|\.(?!\d))|[（(](?:\d{1,2}|"
    + CN_NUMERAL
    + r")[)）]"
    r"|[（(][a-hA-H][)）]|[a-h][)）](?=\s)"
    r"|[\u2776-\u2793\u2460-\u2473\u24f5-\u24fe][、.．]?|\d\ufe0f?\u20e3[、.．]?|part\s+\d{1,2}\s*[:.：])\s*",
    re.IGNORECASE,
)
_QUESTION_END = "？?"
_CLOSERS = "”’」』\"')）】"


def strip_numbering(text: str) -> str:
    """A heading or label without the author's numbering and decoration
    ("➍、核心问题：…" → "核心问题：…", "四、是否已经见顶？" → "是否已经见顶？")."""
    text = text.strip()
    if text[:1].isalpha() and text[0] not in "第一二三四五六七八九十" and text[:4].lower() != "part":
        return text  # starts with a word: nothing to strip (the common case, kept cheap)
    while True:
        start = text
        while text and (
            unicodedata.category(text[0]) in ("So", "Sk", "Mn", "Cf") or text[0] in "\ufe0f\u20e3"
        ):
            text = text[1:].lstrip()
        text = _NUMBERING_RE.sub("", text, count=1)
        if text == start:
            return text


def asks(text: str) -> bool:
    """True when ``text`` ends in a question mark (a closing quote may follow it)."""
    text = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(text) and text[-1] in _QUESTION_END


_UNMARKED_RE = re.compile(
    r"(?:能否|是否|能不能|会不会|會不會|有没有|有沒有|多少|(?<!无论)(?<!無論)如何|怎样|怎樣|怎么|怎麼|为何|為何|为什么|為什麼"
    r"|多久|何时|何時|什么时候|什麼時候|(?<![许許])多大(?![型规規])|哪家|哪些|哪个|哪個)|[吗嗎呢]$"
)


def asks_unmarked(text: str) -> bool:
    """``text`` asks, with its question mark or without one: a note's bullet that asks
    in words and ends in no mark ("牧原的养殖成本能否降到14元/公斤以下", "…谁的成本更低");
    not a statement that holds such a word ("无论如何，成本是关键", "谁能降本谁就赢")."""
    if asks(text):
        return True
    body = text.rstrip().rstrip(_CLOSERS).rstrip()
    if not body or body[-1] in "。.！!；;：:…，,":
        return False
    who = body.count("谁") + body.count("誰")
    return bool(_UNMARKED_RE.search(body)) or who == 1


@dataclass
class MemoParts:
    todos: list[Todo] = field(default_factory=list)
    """Questions under an explicit label (TODO, 待研究问题, 问题, …), in order."""
    references: list[Reference] = field(default_factory=list)
    changelog: list[ChangelogEntry] = field(default_factory=list)
    keep: list[bool] = field(default_factory=list)
    """Per block: stays in the body (False for the lifted sections)."""
    todo_blocks: list[int] = field(default_factory=list)
    """Per entry of ``todos``: the index of the block it was read from."""
    open_section: bool = False
    """An open-question section (TODO, 待研究问题, Open questions, …) was found."""
    question_blocks: set[int] = field(default_factory=set)
    """Blocks lifted as (part of) a question section: they go back into the
    body of an article, where a "问题：" line is text, not a research question."""
    standalone: list[tuple[int, Todo]] = field(default_factory=list)
    """Questions standing on their own (headings, paragraphs, blockquotes, runs
    of list items that ask), with their block index; questions only in a memo."""
    expository: set[int] = field(default_factory=set)
    """Blocks that ask only to lead into what the writer explains at once
    ("先来了解：CPO到底是什么？"): not research questions (see :func:`expository`)."""


@dataclass
class _Section:
    kind: str
    """``todo``, ``references`` or ``changelog``."""
    rest: str = ""
    """Text after the label on the same line."""
    label: str = ""
    """The label as written, without numbering and colon."""
    strength: str = "open"
    """For ``todo``: ``open`` (everything under it is a question), ``question``
    (items are questions, paragraphs when they ask) or ``thought`` (only what asks)."""
    numbered: bool = False
    """For ``todo``: the label numbers one question of a series ("问题二："): its
    line is one question, however many question marks it holds."""


def _section_kind(block: Block) -> _Section | None:
    """The section a block opens: TO DO (questions), references or changelog."""
    if block.kind == "item" or (block.kind != "heading" and len(block.text) >= 200):
        return None  # a label line is short; a long paragraph opens nothing
    text = strip_numbering(block.text)
    if m := TODO_RE.match(text):
        rest = text[m.end() :].strip()
        label = text[: m.end()].strip().rstrip(":：").strip()
        strength = "open" if _OPEN_RE.match(text) else "thought" if _THOUGHT_RE.match(text) else "question"
        # A numbered question ("问题三：出海能否…？请结合…判断…。") is one question, whatever
        # follows its question mark; "问题：库存过高。" states a problem, "思考：…。" a thought.
        numbered = bool(_NUMBERED_RE.match(text)) and bool(re.search(r"[？?]", rest))
        if strength != "open" and rest and not asks(rest) and not numbered:
            return None
        if block.kind == "heading" or not rest or len(text) < 200:
            return _Section("todo", rest, label, strength, numbered)
    if REFERENCES_RE.match(text):
        return _Section("references")
    if CHANGELOG_RE.match(text):
        return _Section("changelog")
    return None


def reference_blocks(blocks: list[Block]) -> frozenset[int]:
    """Indices of the blocks of reference lists (under 参考资料, References, …)."""
    found: set[int] = set()
    section: _Section | None = None
    level = 0
    for i, block in enumerate(blocks):
        if opened := _section_kind(block):
            section, level = opened, block.level if block.kind == "heading" else 99
            continue
        if block.kind == "heading" and block.level <= level:
            section = None
        if section is not None and section.kind == "references":
            found.add(i)
    return frozenset(found)


_INLINE_NUMBER_RE = re.compile(
    r"(?:^|(?<=[：:？?；;。]))\s*(?:[1-9]|[一二三四五六七八九])\s*[）)、．.](?!\d)"
)


def inline_numbered(text: str) -> list[str]:
    """The questions a paragraph numbers within itself ("想请帮忙看三个问题：1）…？2）…？3）…？"),
    each without its number and the lead-in before the first; empty for fewer than two."""
    marks = list(_INLINE_NUMBER_RE.finditer(text))
    if len(marks) < 2:
        return []
    return split_questions(text[marks[0].start() :].strip())


def split_questions(text: str) -> list[str]:
    """Split a run of questions at question marks ("a？b？c？" → three)."""
    parts = [strip_numbering(p.strip(" ，,；;")) for p in re.split(r"(?<=[？?])", text)]
    out: list[str] = []
    for part in parts:
        if out and _NOTE_RE.fullmatch(part):
            out[-1] += part  # "…有多大？（待查）": the memo's note on the question, none of its own
        elif part:
            out.append(part)
    return out


_NOTE_RE = re.compile(r"[（(][^）)？?]*[）)]|[-—–]{1,2}\s*[^？?]{0,12}")


_LOWER_OPENING_RE = re.compile(r"^[a-z]+(?=[\s,])")


def sentence_case(question: str) -> str:
    """An English question left in lower case by the label before it ("Open question:
    is the console segment…") as the reader sees it as a heading, with a capital; a name
    written in lower case (iPhone, eBay, vivo的份额…) stays as written. The question's
    text (its key) stays as found."""
    if _LOWER_OPENING_RE.match(question) and not re.search(f"[{HAN}]", question):
        return question[0].upper() + question[1:]
    return question


# "Q1 国内销量能否…？": a question's number before a space, where a question follows
# (not "Q1 revenue", a quarter).
_Q_NUMBER_RE = re.compile(r"^\s*Q\d{1,2}\s+(?=[\u4e00-\u9fffA-Z])")
# "Q: …？", "Q1：…", "问：…", "Question 2: …": a label before a question, not part of it.
_Q_LABEL_RE = re.compile(r"^\s*(?:Q\d{0,2}|问|Question\s*\d{0,2})\s*[:：]\s*(?=\S)", re.IGNORECASE)


def _todo(text: str, marker: str = "", section: str | None = None, form: str = "item") -> Todo | None:
    done = marker in ("[x]", "[✓]", "[✔]")
    text = _Q_NUMBER_RE.sub("", text.strip()) if section is not None else text.strip()
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
    return Todo(text=text, done=done, section=section, form=form) if text else None


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
    """Lift labelled question, reference and changelog sections out of a
    document's blocks, and find the questions that stand on their own."""
    parts = MemoParts(keep=[True] * len(blocks))
    nested: set[int] = set()
    i = 0
    while i < len(blocks):
        found = _section_kind(blocks[i])
        if not found:
            i += 1
            continue
        head = blocks[i]
        if found.kind == "todo":
            if found.strength == "open":
                parts.open_section = True
            if found.rest:
                form = "heading" if head.kind == "heading" else "inline"
                for question in (
                    split_questions(found.rest) if form == "inline" and not found.numbered else [found.rest]
                ):
                    if todo := _todo(question, section=found.label, form=form):
                        parts.todos.append(todo)
                        parts.todo_blocks.append(i)
                if head.kind == "heading" and found.strength != "open":
                    # "核心问题：CPO还有没有机会？" asks; the section under it answers.
                    i += 1
                    continue
        parts.keep[i] = False
        j = i + 1
        seen_item = False
        header: list[str] | None = None
        own_style = _ordinal_style(head.text)
        while j < len(blocks):
            block = blocks[j]
            if block.kind == "heading" and (head.kind != "heading" or block.level <= head.level):
                break
            if _section_kind(block):
                break
            if own_style and _ordinal_style(block.text) == own_style:
                break  # "三、数据缺口" after "二、需要回答的问题": the next section, not an item of this one
            is_item = (
                block.kind == "item"
                or bool(_ITEM_RE.match(block.text))
                or (found.kind == "changelog" and bool(_DATED_RE.match(block.text)))
            )
            if head.kind != "heading" and seen_item and not is_item:
                break
            if head.kind != "heading" and not is_item and (found.kind != "todo" or found.rest):
                break
            seen_item = seen_item or is_item
            raw = raw_lines[j] if j < len(raw_lines) else block.text
            if found.kind == "todo" and block.kind == "row":
                # A table of questions: its header row names the question column.
                cells = [c.strip() for c in block.text.split(" | ")]
                if header is None:
                    header = cells
                    parts.keep[j] = False
                    parts.question_blocks.add(j)
                    j += 1
                    continue
                question = table_question(header, cells)
                if not question or not _take_question(
                    parts, found, Block("para", question), j, nested, is_item=True
                ):
                    j += 1
                    continue
                parts.keep[j] = False
                parts.question_blocks.add(j)
                j += 1
                continue
            if found.kind == "todo" and verify_line(block.text):
                j += 1
                continue  # a fact to verify is a data gap, and stays in the body
            if found.kind == "todo" and (lines := _question_lines(block, raw)):
                # "Q1. …？\nQ2. …？" written as lines of one paragraph: a question each
                taken = [_take_question(parts, found, Block("para", line), j, nested, True) for line in lines]
                if not any(taken):
                    j += 1
                    continue
            elif found.kind == "todo":
                if not _take_question(parts, found, block, j, nested, is_item):
                    j += 1
                    continue  # a statement under "问题" or "思考" stays in the body
            elif found.kind == "references":
                if find_placeholders(block.text, memo=True):
                    j += 1
                    continue  # "婴配粉行业数据：待补" is a gap to fill in, not a reference: it stays
                for line in raw.split("\n") if block.kind != "item" else [raw.split("\n")[0]]:
                    if ref := parse_reference(line):
                        parts.references.append(ref)
            elif found.kind == "changelog" and (entry := parse_changelog(block.text)):
                parts.changelog.append(entry)
            parts.keep[j] = False
            if found.kind == "todo":
                parts.question_blocks.add(j)
            j += 1
        if found.kind == "todo":
            parts.question_blocks.add(i)
        i = j
    parts.standalone = _standalone_questions(blocks, parts.keep, set(parts.todo_blocks), parts.expository)
    return parts


def table_question(header: list[str], cells: list[str]) -> str | None:
    """The question of a row of a table of questions: the cell under the header
    that names the question column (``question_columns``), when the row has as many
    cells as the header; else the cells that ask, joined; None when none asks."""
    names = {w.lower() for w in _signal_words().get("question_columns", ())}
    columns = [k for k, h in enumerate(header) if h.strip().lower() in names]
    if len(columns) == 1 and len(cells) == len(header) and cells[columns[0]].strip():
        return cells[columns[0]].strip()
    asking = [c for c in cells if asks(c)]
    return "".join(asking) or None


def verify_line(text: str) -> bool:
    """A line that opens with a label of a fact to verify ("待核实：…", ``verify_labels``)."""
    words = _signal_words().get("verify_labels", ())
    head = text.strip().lower()
    return any(re.match(rf"{re.escape(w)}\s*[:：]", head) for w in words)


_ORDINAL_STYLES = (
    ("cn", re.compile(r"^\s*" + CN_NUMERAL + r"[、．.]")),
    ("arabic", re.compile(r"^\s*\d{1,2}(?:[、．]|\.(?!\d))")),
    (
        "paren",
        re.compile(r"^\s*[（(](?:\d{1,2}|" + CN_NUMERAL + r")[)）]"),
    ),
)


def _ordinal_style(text: str) -> str | None:
    """How a line is numbered (一、 / 1、 / （1）), or None."""
    return next((name for name, pattern in _ORDINAL_STYLES if pattern.match(text)), None)


def _question_lines(block: Block, raw: str) -> list[str]:
    """The lines of a paragraph that lists questions a line each, each numbered (Q1.,
    1、) or asking; empty for a paragraph of one line, or one whose lines run on."""
    if block.kind != "para":
        return []
    # (a paragraph split on reading shares its raw lines: only this block's own)
    own = re.sub(r"\s", "", block.text)
    lines = [line.strip() for line in raw.split("\n") if line.strip() and re.sub(r"\s", "", line) in own]
    if len(lines) < 2:
        return []
    if not all(_ITEM_RE.match(line) or _Q_NUMBER_RE.match(line) or asks(line) for line in lines):
        return []
    # each numbered: asking in words will do ("Q3 卡特彼勒在中国的份额还剩多少")
    numbered = all(_ITEM_RE.match(line) or _Q_NUMBER_RE.match(line) for line in lines)
    if sum(bool(asks_unmarked(line) if numbered else asks(line)) for line in lines) < 2:
        return []
    return lines


def _take_question(
    parts: MemoParts, section: _Section, block: Block, index: int, nested: set[int], is_item: bool
) -> bool:
    """Add the question a block of a TO DO section holds; False when it holds none."""
    text = block.text.strip()
    if section.strength == "thought" and not asks(text):
        return False
    if section.strength == "question" and not is_item and not asks(text):
        return False
    if block.kind == "item" and block.level > 1 and parts.todos and parts.todo_blocks[-1] < index:
        # Sub-items complete their parent: "比较毛利率：爱美客；华熙生物".
        parent = parts.todos[-1]
        if id(parent) in nested:
            parent.text = f"{parent.text}；{text}"
        else:
            parent.text = f"{parent.text.rstrip('：:')}：{text}"
            nested.add(id(parent))
        return True
    form = "item" if is_item else "paragraph"
    if todo := _todo(text, block.marker, section=section.label, form=form):
        parts.todos.append(todo)
        parts.todo_blocks.append(index)
        return True
    return False


# "市场开始问：“业绩能不能跟上？”": the quoted question after a saying-verb label.
_QUOTED_RE = re.compile(r"^[^“「『\"]{1,20}[:：]\s*[“「『\"](?P<q>[^”」』\"]+[？?])[”」』\"]$")
_SENTENCE_RE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*[”’」』\"')）]*")


def asked(text: str) -> str | None:
    """The question a paragraph asks, when it ends by asking: the trailing run of
    question sentences ("关键在于：毛利率能否回升？" → itself; "我们先看数据。
    毛利率能否回升？" → the second sentence; a quoted question after a
    "…问：" label → the quote); None when it does not end in a question."""
    text = text.strip()
    if not asks(text) or len(text) > 200:
        return None
    if m := _QUOTED_RE.match(text):
        return m.group("q").strip()
    sentences = [s for s in _SENTENCE_RE.findall(text) if s.strip()]
    run: list[str] = []
    for sentence in reversed(sentences):
        if not asks(sentence):
            break
        run.insert(0, sentence)
    return "".join(run).strip() or None


_ANSWER_OPENERS_RE = re.compile(
    r"^\s*(?:因为|因為|由于|由於|原因|答案|其实|其實|显然|顯然|当然|當然|是的|不是|没有|沒有|不会|不會|这是因为|這是因為"
    r"|大约|大約|大概|约|約|差不多|\d)"
)
"""A sentence that opens by answering the question before it: that question was rhetorical."""
_TASK_RE = re.compile(
    r"[，,]\s*(?:还)?(?:需要|需|有待|待)(?:去)?(?:找|查|核实|核實|确认|確認|补充|補充|验证|驗證|跟踪|跟蹤)"
)
"""A research task after what it asks ("…国产化率现在大概是多少，需要找行业数据")."""


_RESEARCH_TASK_RE = re.compile(
    r"^\s*(?:我们|我|本组)?(?:还)?(?:(?:需要|需|要|得|有待|待)(?:重点|继续|进一步)?"
    r"(?:关注|關注|跟踪|跟蹤|研究|弄清楚|搞清楚|核实|核實|确认|確認|补充|補充|整理|查)"
    r"|(?:整理|查找|核实|核實))"
    # a task has an object; "需要关注的是，…", "整理下来看，…", "核实过的数据显示…" state findings
    r"(?![的了过過后後下一：:，,]|起来)"
)


def research_task(sentence: str) -> bool:
    """A memo's sentence that sets its writer a task ("需要关注加盟商的单店回本周期。",
    "整理三家招股书的加盟商数据"): a note to self, no argument of the folder."""
    return bool(_RESEARCH_TASK_RE.match(sentence))


_RESEARCH_FRAME_RE = re.compile(
    r"需要(?:弄清楚|搞清楚|弄明白|搞明白|回答|确认|確認|研究|跟踪|跟蹤|关注|關注)|关注点|關注點|关注的是|關注的是"
    r"|值得(?:研究|跟踪|跟蹤|关注|關注)|待(?:研究|确认|確認|核实|核實)|要回答|问题(?:是|在于)|問題(?:是|在於)"
)
"""What makes a question between a note's statements the writer's own to research ("降本是第二
个关注点。…靠的是国产替代还是规模效应？"), not a rhetorical one an essay answers itself."""
_ASK_FRAME_RE = re.compile(
    r"^(?:我们|我|本组)?(?:需要|要|想|得)?(?:弄清楚|搞清楚|弄明白|搞明白|回答|确认|確認|判断|判斷)的(?:是|问题是)[，,：:]?\s*"
)
"""Words that frame what a sentence asks ("我们需要弄清楚的是，"): no part of the question."""


def asked_within(text: str) -> list[str]:
    """The questions a memo's paragraph asks between its statements, when it does not
    end by asking (see :func:`asked`): a sentence that asks as the writer's own research
    (framed so, in it or the sentence before: "我们需要弄清楚的是，…有没有真实的订单支撑？",
    "降本是第二个关注点。…还是规模效应？") and is not answered by the next, and one that
    asks in words and sets itself a task ("丝杠和减速器的国产化率现在大概是多少，需要找
    行业数据": the part that asks). An essay's rhetorical questions, a question the next
    sentence answers ("为什么？因为…") and one that asks what something is or why are the
    writer's exposition."""
    out: list[str] = []
    sentences = [x.strip() for x in _SENTENCE_RE.findall(text.strip()) if x.strip()]
    for i, sentence in enumerate(sentences):
        after = sentences[i + 1] if i + 1 < len(sentences) else ""
        if sentence.count("（") + sentence.count("(") > sentence.count("）") + sentence.count(")"):
            continue  # "待核实：…增速（约48%？）": a doubt about a figure, cut at its mark
        before = sentences[i - 1] if i else ""
        if asks(sentence):
            if (
                after
                and (_RESEARCH_FRAME_RE.search(sentence) or _RESEARCH_FRAME_RE.search(before))
                and not _ANSWER_OPENERS_RE.match(after)
                and not _DEFINITION_RE.search(sentence)
                and not _WHY_RE.match(sentence)
            ):
                out.append(_ASK_FRAME_RE.sub("", sentence))
        elif (task := _TASK_RE.search(sentence)) and asks_unmarked(sentence[: task.start()]):
            out.append(_ASK_FRAME_RE.sub("", sentence[: task.start()].strip()) + "？")
    return out


def _item_like(block: Block) -> bool:
    """A list item, or a plain-text line numbered like one ("1、", "（2）", "- ")."""
    return block.kind == "item" or (block.kind == "para" and bool(_ITEM_RE.match(block.text)))


def _standalone_questions(
    blocks: list[Block], keep: list[bool], taken: set[int], expository_blocks: set[int]
) -> list[tuple[int, Todo]]:
    """Questions that stand on their own: headings and paragraphs (blockquotes
    included) that ask, and runs of two or more list items that ask. One
    asking bullet among statements is an outline point, not a question list.
    Expository ones (:func:`expository`) are left out and their blocks noted
    in ``expository_blocks``."""
    found: list[tuple[int, Todo]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if not keep[i] or i in taken or block.kind == "code":
            i += 1
            continue
        if block.kind == "para" and _Q_LABEL_RE.match(block.text) and asks(block.text):
            # "Q1：…？" over "A：…": a question of a Q&A list, whatever follows it
            found.append(
                (i, Todo(text=_Q_LABEL_RE.sub("", block.text.strip()), done=False, form="paragraph"))
            )
            i += 1
            continue
        if _item_like(block):
            j = i
            while j < len(blocks) and _item_like(blocks[j]) and keep[j] and asks_unmarked(blocks[j].text):
                j += 1
            # a run that asks: one of its items at least with a question mark
            if j - i >= 2 and any(asks(blocks[k].text) for k in range(i, j)):
                for k in range(i, j):
                    if todo := _todo(blocks[k].text, blocks[k].marker, form="list"):
                        found.append((k, todo))
            i = max(j, i + 1)
            continue
        text = strip_numbering(block.text) if block.kind == "heading" else block.text.strip()
        text = _Q_LABEL_RE.sub("", text)  # "### Q: 国内酒店RevPAR什么时候止跌？"
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "heading" and (asks(text) or "是否" in text):
            if expository(text, following):
                expository_blocks.add(i)
            else:
                found.append((i, Todo(text=text, done=False, form="heading")))
        elif block.kind == "para" and (question := asked(text)):
            if expository(question, following):
                expository_blocks.add(i)
            elif numbered := inline_numbered(question):
                found += [(i, Todo(text=q, done=False, form="list")) for q in numbered]
            else:
                found.append((i, Todo(text=question, done=False, form="paragraph")))
        elif block.kind == "para":
            found += [(i, Todo(text=q, done=False, form="paragraph")) for q in asked_within(text)]
        i += 1
    return found


_DEFINITION_RE = re.compile(
    r"是什么|是什麼|是啥|是指什么|指的是什么|什么是|什麼是|何为|何謂|何谓|^what (?:is|are)\b|\bwhat does .+ mean",
    re.IGNORECASE,
)
_WHY_RE = re.compile(r"^(?:为什么|為什麼|为何|為何|why\b)", re.IGNORECASE)
_BECAUSE_RE = re.compile(r"^\s*(?:因为|因為|由于|由於|原因(?:是|在于|很简单)?|because\b)", re.IGNORECASE)


def expository(question: str, following: Block | None) -> bool:
    """True when a question standing on its own only leads into what the writer
    explains at once, so it is exposition rather than an open research question:
    its label is an explanatory lead-in ("先来了解：…", "资金路径复盘：…",
    "Background: …"), or it asks what something is ("X到底是什么？") or why
    ("为什么它重要？" over "因为…") and the next paragraph answers. A question that
    asks for a judgement or a forecast ("还有没有机会", "是否已经见顶", "能不能",
    "will …") stays a research question whatever its label."""
    words = _signal_words()
    lower = question.lower()
    if _count_words(lower, words["judgement"]):
        return False
    label = re.split(r"[：:]", question, maxsplit=1)[0] if re.search(r"[：:]", question) else ""
    if label and len(label) <= 16 and _count_words(label.lower(), words["expository_labels"]):
        return True
    body = question[len(label) :].lstrip("：: ") if label else question
    answered = following is not None and following.kind in ("para", "item") and not asks(following.text)
    if not answered:
        return False
    if _DEFINITION_RE.search(body):
        return True
    return bool(_WHY_RE.match(body) and following is not None and _BECAUSE_RE.match(following.text))


# ----------------------------------------------------------------- memo or article


@functools.cache
def _signal_words() -> dict[str, tuple[str, ...]]:
    return {key: tuple(w.lower() for w in words) for key, words in data_yaml("memo_signals.yaml").items()}


def _count_words(lower: str, words: tuple[str, ...]) -> int:
    """Occurrences of the words in lower-cased text: English ones as whole words,
    Chinese ones anywhere (a plain count first: most texts hold none of them)."""
    found = 0
    for w in words:
        if w not in lower:
            continue
        found += len(re.findall(rf"\b{re.escape(w)}\b", lower)) if w.isascii() else lower.count(w)
    return found


MEMO_WEIGHT = 3
"""Signs of working notes a document needs, in weight, to be a memo."""


def memo_signals(blocks: list[Block], parts: MemoParts, title: str | None = None) -> dict[str, int]:
    """The signs of working notes a document shows, each with its weight.

    Weight 3, any one of which makes a memo: an open-question section (TODO,
    待研究问题, Open questions), a changelog, two or more headings that ask,
    three or more working-note headings (背景, 初步判断, 结论, Hypothesis, …).
    Lighter signs add up: two working-note headings (2), questions under a
    label such as 问题 or 思考 (2; 3 when two of them ask), a run of list items that ask (2), one
    heading that asks (1), two paragraphs that ask (1), first-person notes
    (我认为, I think; 1), tracking points (跟踪指标, what to watch; 1), a
    reference list (1), a first line that calls the document notes (研究备忘,
    memo; 2, not for a 合作备忘录). So a news article with a reference list and a
    rhetorical question heading, or a column written in the first person,
    stays an article.
    """
    words = _signal_words()
    found: dict[str, int] = {}
    if parts.open_section and parts.todos:
        found["open-question section"] = 3
    if parts.changelog:
        found["changelog"] = 3
    headings = [b for b in blocks if b.kind == "heading"]
    # An explainer's "什么是X？" headings are exposition, not a writer's open questions.
    asking = sum(
        1 for i, b in enumerate(blocks) if b.kind == "heading" and asks(b.text) and i not in parts.expository
    )
    notes = sum(1 for b in headings if _count_words(b.text.lower(), words["note_headings"]))
    if asking:
        found["question headings"] = 3 if asking >= 2 else 1
    if notes >= 2:
        found["working-note headings"] = 3 if notes >= 3 else 2
    if parts.todos and not parts.open_section:
        # Two asked questions under 问题 / 疑问 / Questions are a question list of the writer's own.
        found["labelled questions"] = 3 if sum(1 for t in parts.todos if asks(t.text)) >= 2 else 2
    forms = [t.form for _, t in parts.standalone]
    if "list" in forms:
        found["question list"] = 2
    if forms.count("paragraph") >= 2:
        found["question paragraphs"] = 1
    lower = "\n".join(b.text for b in blocks if b.kind != "code").lower()
    if _count_words(lower, words["first_person"]) >= 2:
        found["first-person notes"] = 1
    if _count_words(lower, words["tracking"]):
        found["tracking points"] = 1
    if parts.references:
        found["reference list"] = 1
    # the title (read before the body), else the first line
    first = (title if title is not None else blocks[0].text if blocks else "").lower()
    if _count_words(first, words["self_titles"]) and not _count_words(first, words["self_title_not"]):
        found["titled as notes"] = 2
    return found


def is_memo(signals: dict[str, int]) -> bool:
    """A memo: signs of working notes weighing :data:`MEMO_WEIGHT` or more."""
    return sum(signals.values()) >= MEMO_WEIGHT


def questions(
    parts: MemoParts, memo: bool, paragraph_of: dict[int, int] | None = None, title: str | None = None
) -> list[Todo]:
    """A memo's research questions, labelled and standalone, in the order
    written, after the questions its title asks (:func:`title_questions`);
    none for an article (its questions are rhetorical). A question asked twice
    (the title and a heading, "数据分析CPO现在是否见顶" and "用当前最新数据，分析判断
    CPO现在是否见顶") is listed once, where the memo answers it: in the body.
    With ``paragraph_of`` (block index → paragraph of the body), a question
    whose heading or paragraph stays in the body records where it stands."""
    if not memo:
        return []
    found = list(zip(parts.todo_blocks, parts.todos, strict=True)) + parts.standalone
    ordered = sorted(found, key=lambda pair: pair[0])
    for block, todo in ordered:
        if paragraph_of is not None:
            todo.paragraph = paragraph_of.get(block)
    body: list[Todo] = []
    keys: set[str] = set()
    for _, todo in ordered:
        key = question_key(todo.text)
        if key and key in keys:
            continue
        keys.add(key)
        body.append(todo)
    lead = [Todo(text=q, done=False, form="title") for q in title_questions(title or "")]
    return [t for t in lead if question_key(t.text) not in keys] + body


# A title that asks without a question mark ("数据分析CPO现在是否见顶").
_TITLE_ASKS_RE = re.compile(r"是否|能不能|能否|会不会|有没有|还是")
# Words that frame a question rather than ask it ("用当前最新数据，分析判断…").
_FRAMING_RE = re.compile(
    r"^(?:用[^，,：:]{0,12}[，,])?(?:数据分析|分析判断|分析|判断|研究|探讨|看看|聊聊|复盘)*"
)
_KEY_STRIP_RE = re.compile(r"[\s，,。？?！!：:；;、“”\"'（）()《》【】/|·\-—]+")


def title_questions(title: str) -> list[str]:
    """The questions a memo's title asks: each part of it that ends in a question
    mark ("商业航天还能不能买？产业周期/炒作周期分析" → 商业航天还能不能买？), or
    that asks without one ("数据分析CPO现在是否见顶"). A title that states its
    topic ("银行业息差研究备忘") asks none."""
    out = []
    for piece in re.split(r"(?<=[？?])", title.strip()):
        piece = piece.strip(" ，,；;|/—-")
        if piece and (asks(piece) or (_TITLE_ASKS_RE.search(piece) and len(piece) <= 40)):
            out.append(piece)
    return out


def question_key(text: str) -> str:
    """A question in a normalised form, to tell a question asked twice: without
    numbering, framing words and punctuation; for one that asks with 是否 and no
    question mark, the clause that asks ("用当前最新数据，分析判断CPO现在是否见顶"
    and "数据分析CPO现在是否见顶" → cpo现在是否见顶)."""
    text = strip_numbering(text)
    if not asks(text) and "是否" in text:
        text = next((c for c in re.split(r"[，,：:]", text) if "是否" in c), text)
    text = re.sub(r"^[^：:]{1,12}[：:](?=.)", "", text) if re.search(r"[：:].*[？?]$", text) else text
    return _KEY_STRIP_RE.sub("", _FRAMING_RE.sub("", text.strip())).lower()
