"""Cleaning rules: each a small named function, each application counted.

Text rules take a string and return ``(new_text, count)``. Block rules take the
document's list of blocks and return ``(blocks, count)``. ``find_garbled``
records mojibake instead of changing the text, so that later stages can refuse
to quote it. Patterns that are data (boilerplate, placeholders) live in
``briefing/data``.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from briefing.resources import data_lines, data_yaml
from briefing.script import CJK_PUNCT, CN_NUMERAL, HAN, content_bigrams, is_cjk, is_han, to_simplified

SENTENCE_END = "。！？!?；;：:…"
CLOSERS = "”’」』）)》〉】\"'"


@dataclass
class Block:
    """A unit of a document between reading and the final text."""

    kind: str
    """``para``, ``heading``, ``item`` (list item), ``row`` (table row, cells
    joined by " | ") or ``code``."""
    text: str
    level: int = 0
    """Heading level, or list nesting depth."""
    marker: str = ""
    """List marker as written (``-``, ``1.``, ``[ ]``, ``[x]``)."""
    links: tuple[str, ...] = ()
    """For a block whose words are all link text: the links' targets (a
    navigation row, a trailing "Source" link); empty for ordinary text."""


# ------------------------------------------------------------------ text rules


_SPACE_MAP = {
    "\u00a0": " ",  # no-break space: lost as "?" by GBK/Big5 round trips
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u3000": " ",  # ideographic space, often used to indent paragraphs
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",  # stray BOM inside the text
    "\t": " ",
}
_SPACE_RE = re.compile("[" + "".join(_SPACE_MAP) + "]")


def normalize_spaces(text: str) -> tuple[str, int]:
    """Turn no-break, ideographic and zero-width spaces into plain spaces (or nothing)."""
    return _SPACE_RE.subn(lambda m: _SPACE_MAP[m.group()], text)


_TAG_NAMES = (
    r"(?:a|abbr|b|big|blockquote|br|center|code|dd|del|div|dl|dt|em|font|h[1-6]|hr|i|img"
    r"|ins|label|li|mark|ol|p|pre|q|s|section|small|span|strike|strong|sub|sup|table|tbody"
    r"|td|tfoot|th|thead|tr|tt|u|ul|article|header|footer|figure|figcaption|nav|iframe"
    r"|script|style|input|button|form|select|option|textarea|o:p)"
)
# A tag, or a closing tag whose "<" a bad decoding swallowed ("看到?/span>").
_TAG_RE = re.compile(rf"</?{_TAG_NAMES}\b[^<>]*/?>|(?<![\w/<>.:])/{_TAG_NAMES}>", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def strip_html_remnants(text: str) -> tuple[str, int]:
    """Remove stray HTML tags ("</span>") and decode entities ("&nbsp;", "&amp;")."""
    text, tags = _TAG_RE.subn("", text)
    count = 0

    def entity(m: re.Match[str]) -> str:
        nonlocal count
        decoded = html.unescape(m.group())
        if decoded == m.group():
            return decoded
        count += 1
        return " " if decoded == "\u00a0" else decoded

    text = _ENTITY_RE.sub(entity, text)
    return text, tags + count


_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_LETTERS = "a-zü" + _TONE
# A parenthesised single syllable carrying a tone mark, right after a
# character (no space): flattened <ruby> annotations such as 產(chǎn).
_PINYIN_RE = re.compile(
    rf"(?<=[^\s(（])[(（](?=[{_PINYIN_LETTERS}]*[{_TONE}])([{_PINYIN_LETTERS}]{{1,7}})[)）]"
)
_SYLLABLE_RE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:[aeiouü]{1,3})(?:ng|n|r)?$"
)
_UNTONE = str.maketrans(
    {
        c: v
        for v, group in zip("aeiouü", ("āáǎà", "ēéěè", "īíǐì", "ōóǒò", "ūúǔù", "ǖǘǚǜ"), strict=True)
        for c in group
    }
)


def is_pinyin_syllable(word: str) -> bool:
    """True for one Hanyu Pinyin syllable, with or without tone marks ("chǎn", "yè")."""
    return bool(_SYLLABLE_RE.match(word.translate(_UNTONE)))


def strip_pinyin_annotations(text: str) -> tuple[str, int]:
    """Remove pinyin written after characters ("產(chǎn)業(yè)" → "產業").

    Only a single tone-marked syllable in parentheses directly after a
    character is removed, so real parentheses ("SaaS(软件即服务)", "(CEO)",
    "(2019 年产业互联网白皮书，p6)") survive.
    """
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        if not is_pinyin_syllable(m.group(1)):
            return m.group()
        count += 1
        return ""

    return _PINYIN_RE.sub(sub, text), count


# "? ? ?": no-break spaces that a GBK/Big5 round trip turned into question marks.
_LOST_SPACE_RE = re.compile(r"[ ]*\?(?:[ ]+\?)+[ ]*")


def collapse_lost_spaces(text: str) -> tuple[str, int]:
    """Replace runs of "?" separated by spaces (lost no-break spaces) with one space."""
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if not before or not after or is_cjk(before) or is_cjk(after):
            return ""
        return " "

    return _LOST_SPACE_RE.sub(sub, text), count


_MD_REMNANT_RE = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")


def strip_markdown_remnants(text: str) -> tuple[str, int]:
    """Remove emphasis markers CommonMark left as text ("强**调" with CJK flanking)."""
    return _MD_REMNANT_RE.subn("", text)


# An inline image or file written as a data URI (a whole PNG in one line of
# base64), with the Markdown image syntax around it when there is one.
_DATA_URI_RE = re.compile(
    r"(?:!\[[^\]\n]*\]\(\s*)?data:[a-z]+/[\w.+-]+(?:;[\w=.+-]+)*;base64,[A-Za-z0-9+/=]{16,}(?:\s*\))?",
    re.IGNORECASE,
)


def strip_data_uris(text: str) -> tuple[str, int]:
    """Remove inline base64 data URIs ("![img](data:image/png;base64,iVBOR…)")."""
    if "base64," not in text:
        return text, 0
    return _DATA_URI_RE.subn("", text)


# Blog-engine shortcodes a post exported as text keeps: WordPress ([ad_1],
# [caption id="…"], [/embed]), Hugo ({{< figure … >}}) and Liquid ({% include … %}).
_SHORTCODE_RE = re.compile(
    r"\{\{[<%].*?[>%]\}\}|\{%-?\s*[a-z_]+\b.*?-?%\}|\{\{\s+\w+(?:\.\w+)*(?:\s*\|[^{}\n]*)?\s+\}\}"
    r"|\[/?(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|caption|embed|gallery|video|audio|playlist|wpvideo|more"
    r"|contact-form(?:-\d+)?)(?:\s+[a-z_-]+=[^\]\n]*)?\]",
)


def strip_shortcodes(text: str) -> tuple[str, int]:
    """Remove blog-engine shortcodes ("[ad_1]", "{{< figure src=… >}}", "{% include x %}")."""
    if "[" not in text and "{" not in text:
        return text, 0
    return _SHORTCODE_RE.subn("", text)


# A URL pasted after the last sentence of a paragraph (a source note whose
# link text was the address): "…性能较差。 arstechnica.com/cars/2025/07/…".
_TRAILING_BARE_URL_RE = re.compile(
    r"(?:(?<=[。！？”」』）])\s*|(?<=[.!?)\"])\s+)(?:https?://\S+|www\.\S+|(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*)\s*$",
    re.IGNORECASE,
)


def strip_trailing_urls(text: str) -> tuple[str, int]:
    """Remove a bare URL standing after a paragraph's last sentence."""
    tail = text[-300:]
    if "/" not in tail and "www." not in tail:
        return text, 0
    return _TRAILING_BARE_URL_RE.subn("", text)


_FILLER_MAX = 60
"""A closing filler (a site's quote of the day, a slogan) is one short sentence."""


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)} | content_bigrams(text)


def drop_closing_filler(blocks: list[Block]) -> tuple[list[Block], int]:
    """Drop what a scraped page shows after the story's source link: once a
    paragraph closes with the link to where the story came from
    ("…性能较差。arstechnica.com/cars/…"), a short one-sentence paragraph after
    it that shares no content word with the story (a site's quote of the day,
    "实现明天理想的唯一障碍是今天的疑虑。") is page furniture, not the story's end.
    Blocks keep their places (a dropped one is left empty for the reader to filter)."""
    source = None
    for i, block in enumerate(blocks):
        if block.kind == "para" and len(block.text) >= 80 and _TRAILING_BARE_URL_RE.search(block.text):
            source = i
    if source is None:
        return blocks, 0
    story = _content_words("\n".join(b.text for b in blocks[: source + 1] if b.kind in ("para", "item")))
    removed = 0
    out = list(blocks)
    for i in range(source + 1, len(blocks)):
        text = blocks[i].text.strip()
        if blocks[i].kind != "para" or not text or len(text) > _FILLER_MAX:
            continue
        if len(re.findall(r"[。！？!?]|\.(?:\s|$)", text)) > 1:
            continue
        words = _content_words(text)
        if words and len(words & story) <= 1:
            out[i] = replace(blocks[i], text="")
            removed += 1
    return out, removed


_MULTI_SPACE_RE = re.compile(r"[ ]{2,}")
_CJK_SPACE_RE = re.compile(rf"(?<=[{HAN}，。、；：？！）」』”])[ ]+(?=[{HAN}，。、；：？！（「『“])")


def collapse_whitespace(text: str) -> tuple[str, int]:
    """Collapse runs of spaces, drop spaces between CJK characters and trim."""
    text, n1 = _MULTI_SPACE_RE.subn(" ", text)
    text, n2 = _CJK_SPACE_RE.subn("", text)
    stripped = text.strip()
    return stripped, n1 + n2 + (stripped != text)


# Full-width digits and Latin letters ("每股盈餘(EPS)５９.４９元", "ＥＰＳ") as ASCII, and a
# full-width point or comma between two digits; Chinese punctuation stays full-width.
_WIDE_RE = re.compile(r"[０-９Ａ-Ｚａ-ｚ]+(?:[．，][０-９]+)*")
_WIDE_MAP = {c: chr(ord(c) - 0xFEE0) for c in "０１２３４５６７８９．，"} | {
    chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("ｚ") + 1) if chr(c).isalpha()
}


def normalize_width(text: str) -> tuple[str, int]:
    """Full-width digits and Latin letters (５９.４９, ＥＰＳ) as ASCII, so that numbers and
    names read as the same words in every source."""
    return _WIDE_RE.subn(lambda m: m.group().translate(str.maketrans(_WIDE_MAP)), text)


TEXT_RULES = (
    normalize_spaces,
    normalize_width,
    strip_data_uris,
    strip_html_remnants,
    strip_shortcodes,
    strip_pinyin_annotations,
    collapse_lost_spaces,
    strip_markdown_remnants,
    strip_trailing_urls,
    collapse_whitespace,
)


# ----------------------------------------------------------------- block rules


@functools.cache
def _boilerplate() -> dict[str, list[re.Pattern[str]]]:
    raw = data_yaml("boilerplate.yaml")
    return {
        key: [re.compile(p, re.IGNORECASE) for p in raw.get(key, [])]
        for key in ("footer", "tail", "header", "anywhere", "inline")
    }


_URL_RE = re.compile(r"https?://[^\s()（）<>\"'，。]+", re.IGNORECASE)
_SITE_RE = re.compile(r"(?:网站|網站|站点|站點|site)\s*[:：]\s*([^()（）\s,，;；]+)", re.IGNORECASE)
_SOURCE_NAME_RE = re.compile(
    r"(?:来源|來源|出处|出處|稿源|发布人|發布人|发布者|發布者|source)\s*[:：]\s*[-–—]?\s*([^\s()（）,，;；:：]+?)"
    # the next label when the spaces between them were taken out ("来源：某某网作者：赵敏")
    r"(?=作者|编辑|編輯|责任编辑|責任編輯|记者|記者|发布时间|發布時間|时间|時間|日期|[\s()（）,，;；:：]|$)",
    re.IGNORECASE,
)
# Not after "@" or inside a longer host name: an e-mail address in a
# disclaimer ("请发送邮件至jubao@wind.com.cn") names a mailbox, not the site.
_DOMAIN_RE = re.compile(
    r"(?<![@.A-Za-z0-9-])((?:[a-z0-9-]+\.)+(?:com|cn|net|org|io|hk|tw|co|info|biz)(?:\.[a-z]{2})?)\b", re.I
)


@dataclass
class SourceHints:
    """What boilerplate said about where the text came from."""

    url: str | None = None
    site: str | None = None


def source_hints(line: str) -> SourceHints:
    """Read a source URL and site name from a boilerplate line."""
    hints = SourceHints()
    if m := _URL_RE.search(line):
        hints.url = m.group().rstrip(".,;:")
    if (m := _SITE_RE.search(line)) or (
        (m := _SOURCE_NAME_RE.search(line)) and not m.group(1).lower().startswith("http")
    ):
        hints.site = m.group(1)
    elif m := _DOMAIN_RE.search(_URL_RE.sub("", line)):
        hints.site = m.group(1).lower()
    return hints


def _matches(patterns: Iterable[re.Pattern[str]], line: str) -> bool:
    return any(p.search(line) for p in patterns)


def remove_boilerplate(
    blocks: list[Block], protect: frozenset[int] = frozenset()
) -> tuple[list[Block], int, SourceHints]:
    """Remove site chrome near the head and tail: footers, comment forms, page metadata.

    Returns the kept blocks, the number removed and any source URL/site the
    removed lines named, which the reader keeps as metadata. Blocks whose
    index is in ``protect`` (a memo's reference list) are never taken for a
    footer menu.
    """
    patterns = _boilerplate()
    n = len(blocks)
    head_zone = min(3, n)
    tail_zone = max(n - max(4, n // 4), 0)
    hints = SourceHints()
    drop: set[int] = set()
    inline = 0
    blocks = list(blocks)

    def note(block: Block) -> None:
        if block.links:
            # A trailing "Source" / "原文链接" link names the source; other link rows do not.
            if _SOURCE_LINK_RE.match(block.text):
                hints.url = hints.url or next((h for h in block.links if _URL_RE.match(h)), None)
            return
        found = source_hints(block.text)
        hints.url = hints.url or found.url
        hints.site = hints.site or found.site

    for i, block in enumerate(blocks):
        if block.kind == "code":
            continue
        line = block.text
        for pattern in patterns["inline"]:
            line = pattern.sub("", line)
        if line != block.text:
            blocks[i] = block = replace(block, text=line.strip())
            inline += 1
        if len(line) <= 300 and _matches(patterns["anywhere"], line):
            drop.add(i)
            continue
        # A comment form or share bar can be longer than the tail zone: it
        # still counts when only short lines follow it to the end.
        trailing = i >= n // 2 and n - i <= 12 and all(len(b.text) <= 200 for b in blocks[i:])
        if (i >= tail_zone or trailing) and _matches(patterns["tail"], line):
            drop.update(range(i, n))
            break
        short = len(line) <= 200
        # Page metadata sits in the first lines; short page controls a little further down too.
        head = i < head_zone or (i < 6 and len(line) <= 40)
        if (short and (i < head_zone or i >= tail_zone) and _matches(patterns["footer"], line)) or (
            short and head and _matches(patterns["header"], line)
        ):
            drop.add(i)
            note(block)
    # The footer grows upwards from the end: footer lines, and rows of links
    # (a footer menu, a "Source" link), even above the tail zone.
    i = n - 1
    while i >= head_zone:
        block = blocks[i]
        if i in drop or block.kind == "code":
            i -= 1
            continue
        joins = i + 1 == n or i + 1 in drop
        if joins and (
            (block.links and len(block.text) <= 40 and i not in protect)
            or (len(block.text) <= 200 and _matches(patterns["footer"], block.text))
        ):
            drop.add(i)
            note(block)
        elif i < tail_zone:
            break
        i -= 1
    kept = [b for i, b in enumerate(blocks) if i not in drop]
    return kept, len(drop) + inline, hints


_SOURCE_LINK_RE = re.compile(
    r"^\s*(?:source|original|via|read more|原文|阅读原文|閱讀原文|来源|來源|出处|出處)", re.I
)


_TRAILING_URL_RE = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if text.endswith((")", "）")):
        return True  # a closing parenthetical (a citation) ends the paragraph
    if _TRAILING_URL_RE.search(text):
        return True  # a line ending in a link (a reference, a source note) is complete
    stripped = text.rstrip(CLOSERS + " ")
    return not stripped or stripped[-1] in SENTENCE_END or stripped[-1] in ".!?"


def _looks_like_prose(text: str) -> bool:
    # Two clause commas make a run of clauses, not a heading ("…强调，AI不只是…，更是一种").
    return (
        len(text) >= 40
        or any(p in text for p in "。！？；")
        or text.count(". ") >= 1
        or text.count("，") + text.count(", ") >= 2
    )


# Words that open a new sentence: a paragraph starting with one is not the
# tail of the previous paragraph, even when that one lacks its full stop.
_SENTENCE_OPENERS = (
    "首先", "其次", "再次", "最后", "另外", "此外", "同时", "但是", "然而", "因此", "所以", "而且",
    "并且", "总之", "例如", "比如", "其中", "目前", "如今", "随后", "此后", "不过", "可见", "第一",
    "第二", "第三", "第四", "第五", "其次", "最後", "另一方面", "一方面",
)  # fmt: skip
_LIST_START_RE = re.compile(
    r"^(?:\d{1,2}(?:[、．)）]|\.(?!\d))|[（(]\d{1,2}[)）]|" + CN_NUMERAL + r"、|[-*•·]\s"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))"  # a dated entry (a log line) starts afresh
)


LABEL_LINE_RE = re.compile(r"^\s*([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z ]{0,7})\s*[:：]")
"""A line that opens with a short label before a colon ("待研究：", "下一步：", "Note:")."""
_SPOKEN_ENDINGS = ("表示", "指出", "称", "认为", "認為", "强调", "強調", "包括", "介绍", "介紹", "透露", "坦言", "说", "說", "如下", "是", "为", "為")  # fmt: skip


def line_label(text: str) -> str:
    """The short label a line opens with ("待研究" of "待研究：…"), or "" where it has none
    or the words before the colon are a speaker's ("…明确表示：…" goes on a sentence)."""
    m = LABEL_LINE_RE.match(text)
    if m is None or m.group(1).strip().endswith(_SPOKEN_ENDINGS):
        return ""
    return m.group(1).strip()


def rejoin_broken_lines(blocks: list[Block]) -> tuple[list[Block], int]:
    """Join paragraphs that a PDF extraction or hard wrap cut mid-sentence.

    "…高效对接。因" + "此，如果…" becomes one paragraph: no space between CJK,
    one space between Latin words. A block is only continued when it reads as
    prose, does not end a sentence, and the next block does not start a list
    item or heading.
    """
    out: list[Block] = []
    count = 0
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "para"
            and block.kind == "para"
            and prev.text
            and block.text
            and _looks_like_prose(prev.text)
            and not _ends_sentence(prev.text)
            and not _LIST_START_RE.match(block.text)
            and not block.text.startswith(_SENTENCE_OPENERS)
            # a labelled entry ("待研究：…", "下一步：…") starts afresh
            and len(line_label(block.text)) < 2
        ):
            left, right = prev.text[-1], block.text[0]
            if is_cjk(left) or is_cjk(right):
                joined = prev.text + block.text
            elif (
                (left.isalnum() and (right.islower() or right.isdigit())) or left in ",;-–" or right.islower()
            ):
                joined = prev.text + " " + block.text
            else:
                out.append(block)
                continue
            out[-1] = replace(prev, text=joined)
            count += 1
            continue
        out.append(block)
    return out, count


# ------------------------------------------------------------------- garbled


@functools.cache
def _char_rank() -> dict[str, int]:
    return {ch: i for i, ch in enumerate(data_lines("char_freq.txt"))}


@functools.cache
def _common_chars() -> dict[int, None]:
    """A str.translate table deleting the 3,500 commonest characters: what is left is rare."""
    return {ord(ch): None for ch, i in _char_rank().items() if i < 3500 and len(ch) == 1}


def _naturalness(text: str) -> float:
    """Share of Han characters that are among the 3,500 commonest (on the Simplified form)."""

    rank = _char_rank()
    han = [c for c in to_simplified(text) if is_han(c)]
    if not han:
        return 0.0
    return sum(rank.get(c, 99999) < 3500 for c in han) / len(han)


def _redecodings(run: str) -> Iterable[str]:
    """The run read back under the usual wrong-codec hypotheses."""
    for codec in ("gb18030", "big5"):
        try:
            raw = run.encode(codec)
        except UnicodeEncodeError:
            continue
        for shift in (1, 0):
            for target in ("gb18030", "big5", "utf-8"):
                if shift == 0 and target == codec:
                    continue
                yield raw[shift:].decode(target, errors="ignore")


def _reading_quality(text: str) -> float:
    """How natural a re-decoded run reads: the share of its characters that are
    common Han characters. Unlike :func:`_naturalness`, symbols, kana, Cyrillic,
    private-use characters and the like count against it (a wrong-codec
    reading of real text is full of them), and fewer than two Han characters
    read as nothing."""

    rank = _char_rank()
    chars = [
        c for c in to_simplified(text) if not (c.isspace() or c.isdigit() or c in CJK_PUNCT or c in ",.;:!?")
    ]
    han = [c for c in chars if is_han(c)]
    if len(han) < 2:
        return 0.0
    return sum(rank.get(c, 99999) < 3500 for c in han) / len(chars)


@functools.cache
def _rare_words() -> frozenset[str]:
    """Dictionary words holding a rare character (饕餮, 魑魅魍魉, 氯喹): real text, not mojibake.

    ``rare_words.txt`` is generated from jieba's dictionary with ``char_freq.txt``
    by ``tools/build_charfreq.py``.
    """
    return frozenset(data_lines("rare_words.txt"))


def _in_words(simp: str) -> list[bool]:
    """Per character of a (Simplified) run: inside a dictionary word holding a rare character."""
    words = _rare_words()
    covered = [False] * len(simp)
    for i in range(len(simp)):
        for n in range(min(8, len(simp) - i), 1, -1):
            if simp[i : i + n] in words:
                for j in range(i, i + n):
                    covered[j] = True
                break
    return covered


_RUN_RE = re.compile(f"[{HAN}]{{3,}}")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzü" + _TONE)
_RESIDUE = frozenset("?@()（）") | _LETTERS
_QUESTION_PARTICLES = "吗嗎呢吧么麼啊呀嘛乎否"
_QUESTION_WORDS_RE = re.compile(
    r"[何谁誰哪怎几幾吗嗎呢么麼岂豈]|多[少大久长長高远遠]|[能是可]否|难道|難道|究竟|到底|(.)[不没沒]\1"
)
_CLAUSE_END = "，。！？；：,.!;:\n"


def _asks(text: str, i: int) -> bool:
    """True when the clause ending at ``text[i]`` is a question (holds a question word)."""
    start = max(text.rfind(c, 0, i) for c in _CLAUSE_END) + 1
    return bool(_QUESTION_WORDS_RE.search(text[start:i]))


def find_garbled(text: str) -> list[tuple[int, int]]:
    """Spans of unrecoverable mojibake, as ``(start, end)`` offsets in ``text``.

    A run of Han characters is garbled when most of its characters are rare
    (and not part of a dictionary word such as 饕餮 or 氯喹) and reading its
    bytes back under a wrong-codec hypothesis (a GBK stream shifted by one
    byte, UTF-8 read as GBK, Big5 read as GBK) gives far more natural text.
    Replacement characters, "锟斤拷" and a lone "?" standing for a lost
    character between two Han characters count too. Spans are widened over
    the "?"s and pinyin residue that mojibake leaves around it.
    """

    rank = _char_rank()
    spans: list[tuple[int, int]] = []
    for m in _RUN_RE.finditer(text):
        run = m.group()
        simp = to_simplified(run)
        if len(simp.translate(_common_chars())) < 2:
            continue  # fewer than two rare characters, counted in C (most runs)
        rare = [rank.get(c, 99999) >= 3500 for c in simp]
        common = [not r for r in rare]
        words: list[bool] | None = None
        window = 4
        flagged = [False] * len(run)
        for i in range(0, max(len(run) - window + 1, 1)):
            piece = run[i : i + window]
            if sum(rare[i : i + window]) * 2 < len(piece):
                continue
            if words is None:
                words = _in_words(simp)
            if sum(
                r and not w for r, w in zip(rare[i : i + window], words[i : i + window], strict=True)
            ) * 2 < len(piece):
                continue
            base = sum(common[i : i + window]) / len(piece)
            if any(
                _reading_quality(alt) >= max(0.75, base + 0.4)
                for alt in _redecodings(run[max(i - 1, 0) : i + window + 1])
            ):
                for j in range(i, min(i + window, len(run))):
                    flagged[j] = True
        start = None
        for j, flag in enumerate([*flagged, False]):
            if flag and start is None:
                start = j
            elif not flag and start is not None:
                spans.append((m.start() + start, m.start() + j))
                start = None
    for m in re.finditer("\ufffd+|(?:锟斤拷)+|(?:烫烫烫)+|(?:屯屯屯)+", text):
        spans.append(m.span())
    for m in re.finditer(r"\?", text):
        i = m.start()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before and after and is_han(before) and (is_han(after) or after in _LETTERS):
            if before in _QUESTION_PARTICLES:
                continue
            if after not in _LETTERS and _asks(text, i):
                continue  # a half-width question mark: "市场有多大?据统计…"
            spans.append((i, i + 1))
    return _widen(text, _merge(spans))


def _merge(spans: list[tuple[int, int]], gap: int = 2) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_residue(ch: str) -> bool:
    """Characters mojibake leaves around a span: "?", pinyin letters, rare Han characters."""

    return ch in _RESIDUE or (is_han(ch) and _char_rank().get(to_simplified(ch), 99999) >= 3500)


def _widen(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        while start > 0 and _is_residue(text[start - 1]):
            if text[start - 1] == "?" and _asks(text, start - 1):
                break  # the question mark that ends the sentence before
            start -= 1
        while end < len(text) and _is_residue(text[end]):
            end += 1
        out.append((start, end))
    return _merge(out, gap=0)


# ------------------------------------------------------------ placeholders


@functools.cache
def _placeholder_words() -> frozenset[str]:
    return frozenset(data_lines("placeholders.txt"))


_PLACEHOLDER_RE = re.compile(r"[「【\[{〔]([^」】\]}〕\n]{1,8})[」】\]}〕]")


# In a memo's notes an author also leaves a gap unbracketed: "the buyback figure is
# TBD", "金额为待核实". In an article such words report someone else's uncertainty.
_BARE_GAP_RE = re.compile(
    r"(?<![A-Za-z])(?:TBD|TBC|TBA)(?![A-Za-z])|\bto be (?:confirmed|determined|added|checked|verified)\b"
    r"|(?<=[为是：:])\s*(?:待补充|待補充|待补|待補|待核实|待核實|待确认|待確認|待定|待查)(?=[，。；,.;\s]|$)"
)


def find_placeholders(text: str, memo: bool = False) -> list[tuple[int, int]]:
    """Spans of placeholders an author left to fill in ("「时间点」", "【待补充】", "[TBD]");
    in a ``memo`` also unbracketed ones ("… is TBD", "to be confirmed", "为待核实")."""
    spans = []
    for m in _PLACEHOLDER_RE.finditer(text):
        inner = m.group(1).strip()
        before = text[m.start() - 1] if m.start() else "，"
        after = text[m.end()] if m.end() < len(text) else "，"
        # 【×××】 and 「？？」 are gaps wherever they stand; "[x]" only when it stands
        # alone (inside a sentence it is a ticked checkbox or a variable).
        standalone = m.group()[0] in "「【〔" or (before in "，,。；;：:\n " and after in "，,。；;：:\n ")
        if (
            inner in _placeholder_words()
            or inner.upper() in _placeholder_words()
            or to_simplified(inner) in _placeholder_words()  # 【待補充】 of a Traditional note
            or (standalone and re.fullmatch(r"[xX×*?？_]+|某+", inner))
        ):
            spans.append(m.span())
    if memo:
        for m in _BARE_GAP_RE.finditer(text):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            if not any(a <= start < b for a, b in spans):
                spans.append((start, m.end()))
        spans.sort()
    return spans
