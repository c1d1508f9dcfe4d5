"""Whether a sentence may be quoted as a theme's gist or quote, and what counts
against it there: the verdict no theme changes, read once per sentence while the
document is analysed (in the worker, beside its segmentation), not once per theme
while the corpus is (a big file's themes share many sentences)."""

from __future__ import annotations

import functools
import re
import unicodedata

from briefing.analysis.statements import background, bare_subject, promotion
from briefing.excerpts import MEMO_SUMMARY_RE, opening
from briefing.model import Document
from briefing.nlp import balanced
from briefing.resources import data_yaml
from briefing.script import to_simplified

_LEANS_BACK_RE = re.compile(r"这种|这一|这些|这个|这样的|此类|上述|這種|這一|這些|這個|這樣的|上述")
_MARKUP_RE = re.compile(r"<[%/!?A-Za-z]|%>|\{\{|\}\}|\[ad_\d\]")

UNREAD = -1
"""A sentence's marks before they were read (a sentence built by hand): read when needed."""
NEVER = -2
"""Cannot be quoted at all."""
SUMMARY = -3
"""A memo's summary line: it may back a theme with one of its findings, never state one."""

PENALTIES = (1.5, 0.5, 1.5, 1.0, 1.0, 2.0, 0.5, 2.0, 1.0, 1.0)
"""What each mark (bit i of a sentence's ``quote``) takes from its rank, in this order:
unbalanced quotation marks, an opening connective, a memo's summary label, a
reference back (这种…), no closing mark (a list line or a label), a weak gist
(a roadmap, a definition, a method note), a short Chinese line, a promotion,
background the reader knows, a bare 公司 as its subject."""


def is_symbol(ch: str) -> bool:
    """Pictographs, dingbats and their modifiers; not + = ≠ or currency signs."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn", "Me", "Co")


def _limit(doc: Document) -> int:
    return 320 if doc.language == "en" else 140


_PROSE_MARK_RE = re.compile(r"[，。；：、！？,.;:!?（）()“”「」《》\s]")
"""Any mark of punctuation or space: twenty characters without one are no sentence."""


def quote_marks(doc: Document, start: int, end: int, *, never: bool = False) -> int:
    """The verdict on the sentence at ``start:end`` as a quote: NEVER (also where
    ``never``: garbled, framing, a heading), SUMMARY, or the bits of PENALTIES that apply."""
    if never:
        return NEVER
    text = doc.text[start:end].strip()
    limit = _limit(doc)
    if doc.kind == "memo" and MEMO_SUMMARY_RE.match(text):
        return SUMMARY
    if len(text) < 12 or len(text) > limit or text.rstrip("”」』\"'").endswith(("？", "?", "：", ":")):
        return NEVER
    if opening(text)[0] == "pointer" or _MARKUP_RE.search(text):
        return NEVER  # a quote must stand alone, and be prose
    if doc.language != "en" and len(text) >= 20 and not _PROSE_MARK_RE.search(text):
        return NEVER  # a table's cells run together ("维度AI商业航天周期快极慢投入产出…"): no prose
    # The document's Simplified form, converted once when it was read (the same characters).
    simplified = doc.analysis_text[start:end].strip()
    marks = (
        not balanced(text),
        opening(text)[0] == "connective",
        bool(MEMO_SUMMARY_RE.match(text)),  # a memo restating itself is no gist
        bool(_LEANS_BACK_RE.search(text)),  # "正是这种现象的直接体现" leans on what came before
        text.rstrip()[-1:] not in "。！？.!?”」』\"'…",  # a list line or a label, not an argument
        bool(weak_gist(text)),  # a roadmap, a definition, a method note: it argues nothing itself
        doc.language != "en" and len(text) < 20,
        bool(promotion(simplified)),  # a fund pitched or a course sold argues nothing
        bool(background(simplified)),  # 我们都知道…, 曾长期…: what the reader knows
        bool(bare_subject(simplified)),  # "公司全年总收入…": which company?
    )
    return sum(1 << i for i, m in enumerate(marks) if m)


def fitness(doc: Document, start: int, end: int, marks: int) -> tuple[float, ...] | None:
    """What ranking the sentence at ``start:end`` as a theme's quote needs that no
    theme changes, from its ``marks`` (:func:`quote_marks`): its length share and its
    penalties (each 0.0 where its mark does not apply); ``()`` for a memo's summary
    line; None when it cannot be quoted at all."""
    if marks == NEVER:
        return None
    if marks == SUMMARY:
        return ()
    length = len(doc.text[start:end].strip())
    return (length / (_limit(doc) * 4), *(p if marks >> i & 1 else 0.0 for i, p in enumerate(PENALTIES)))


@functools.cache
def _weak_gist_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = data_yaml("weak_gists.yaml") or {}
    return tuple((str(kind), tuple(str(w).lower() for w in words or ())) for kind, words in raw.items())


def weak_gist(text: str) -> str | None:
    """Why a sentence states no argument of its own, or None: a roadmap ("我们分三个
    层次…来做一个最终判断"), a definition or one-line summary label ("一句话总结：
    CPO = …"), a note on method ("以等权重方式处理"), or an emoji line (weak_gists.yaml)."""
    if any(is_symbol(c) and not c.isascii() for c in text[:4]):
        return "emoji"
    lowered = to_simplified(text).lower()
    for kind, words in _weak_gist_words():
        if any(w in lowered for w in words):
            return kind
    return None
