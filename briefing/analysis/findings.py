"""Whether a sentence may be a takeaway at all, read once per sentence while its
document is analysed (in the worker, after the roles of its names are known),
not once per candidate while the corpus is: a market-tick list, an
illustration, a hypothetical, a memo's summary of itself or a sentence whose
subject points back reports no finding, whatever the other sources say."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from briefing.analysis.figures import FACT, clause_kind, figures_in
from briefing.analysis.quotable import MEMO_SUMMARY_RE
from briefing.analysis.statements import (
    _after_lead_in,
    _openers,
    background,
    bare_company,
    promotion,
)
from briefing.excerpts import leans_back, opening, without_marker
from briefing.model import Document
from briefing.nlp import balanced
from briefing.script import to_simplified


class Sentence(Protocol):
    """What a verdict needs of a sentence (``briefing.analysis.document.Sentence``, which
    reads the findings with its sentences: this module does not import it)."""

    start: int
    end: int
    heading: bool
    finding: int

    @property
    def quotable(self) -> bool: ...


class Mention(Protocol):
    """What a verdict needs of an organisation's mention (``document.Mention``)."""

    sentence: int
    role: str
    evidence: str


REASONS = (
    "",
    "tick list",
    "daily move",
    "illustration",
    "promotion",
    "memo summary",
    "bare company",
    "also",
    "narration",
    "pointer",
    "leans back",
    "forecast",
    "unattributed quote",
)
"""What :func:`not_a_finding` may answer; a sentence keeps the index of its answer
(``Sentence.finding``), or one of the two below."""
UNREAD = -1
"""Not read with its document (a sentence built by hand): read when needed."""
RULED_OUT = -2
"""Its shape rules it out (see :func:`candidate_text`)."""
ASIDE_ROLES = ("speaker", "source")
"""Mentions that say who spoke or counted, not who acts (briefing.analysis.roles)."""

# Each pattern below opens with a lookahead on the characters its alternatives can
# start with: the same matches, but the engine skips every other position at once
# instead of trying each alternative there.
_NUMBER_RE = re.compile(
    r"(?=[\d$¥€百千万一两二三四五六七八九十过翻])(?:"
    r"\d+(?:[.,]\d+)*\s*(?:%|％|倍|万亿|亿|万|千|百万|元|美元|欧元|家|个|辆|人|户|座|台|点|吨|"
    r"percent|per cent|billion|million|bn\b|times)"
    r"|[$¥€]\s?\d|(?:百|千|万)倍|\d+\s*(?:成|折)"
    # a share or a multiple in words ("约三成", "不足六成", "两倍", "过半", "翻番")
    r"|[一两二三四五六七八九]成|[两二三四五六七八九十]倍|一半|过半|翻番|翻倍)",
    re.IGNORECASE,
)
_ILLUSTRATION_RE = re.compile(
    r"^(?:举例来说|举个例子|举例而言|打个比方|比方说|比如说?|例如|譬如|假设|假如|倘若|如果|若是|"
    r"试想一下|试想|设想一下|设想|想象一下|想象|"
    r"for example|for instance|suppose|imagine|if\b)",
    re.IGNORECASE,
)
"""An illustration or a hypothetical ("举例来说，如果…", "试想一下，如果…"): it explains, it reports nothing."""
_SUMMARY_LABEL_RE = MEMO_SUMMARY_RE

"""A memo's own summary line ("主要发现：…"): the memo restating itself, context rather than a finding."""
_TICK_RE = re.compile(
    r"^[^，,；;]{1,24}?(?:收涨|收跌|上涨|下跌|涨|跌|升|降|报|持平)(?:幅)?(?:约|逾|超)?\s*[\d.]+\s*(?:%|％|点|元|美元)?$"
)
"""One tick of a market report ("英伟达跌5.08%")."""
_DAILY_MOVE_RE = re.compile(
    r"(?:昨日|今日|当日|盘中|收盘|尾盘|早盘|午盘|隔夜|周[一二三四五]|本周|上周)[^，,。；;]{0,12}"
    r"(?:股价|指数|报收|收于|收报|收盘)?[^，,。；;]{0,6}(?:上涨|下跌|涨|跌|走高|走低)"
    # …the close, then the move ("周大福股价昨日收报7.87港元，跌3.1%")
    r"|(?:昨日|今日|当日|周[一二三四五])[^，,。；;]{0,6}(?:收报|报收|收于)\s*\d[\d.]*\s*(?:港元|美元|元)?[，,]\s*(?:上涨|下跌|涨|跌)"
)
"""A day's price move ("澜石汽车昨日股价下跌3.5%"): market noise, not a finding."""
_STOCK_QUOTE_RE = re.compile(r"\s*[（(]\s*\d{6}[^（）()]*收盘价[^（）()]*[）)]")
"""A stock code and closing price in brackets ("宝钢股份 (600019，收盘价5.92元)"): furniture, not facts."""
_ALSO_RE = re.compile(
    r"^[^，,。；;：:]{1,24}?(?:也(?!是|就是|许|罢|好|不|都|有|没)|还(?=宣布|发布|表示|披露|公布|推出|获得|称|透露))"
)
"""A first clause whose subject "also" acts ("…公司也发布年报", "恒驰科技还宣布…"): it continues an event told before."""


def not_a_finding(text: str, *, memo: bool = False, actors: int = 0) -> str:
    """Why a sentence (Simplified) is no finding, or "" when it may be one: a
    market-tick list, an illustration or a hypothetical, a memo's summary of
    itself, or a sentence whose subject points back (公司并宣布…, X也发布…)."""
    core = text.strip()
    kind, n = opening(core)
    if kind == "connective":
        core = core[n:].lstrip()
    clauses = [c.strip() for c in re.split(r"[，,；;]", core.rstrip("。.！!？?")) if c.strip()]
    if len(clauses) >= 3 and sum(1 for c in clauses if _TICK_RE.match(c)) >= 0.67 * len(clauses):
        return "tick list"
    if _DAILY_MOVE_RE.search(_STOCK_QUOTE_RE.sub("", core)):
        return "daily move"
    if _ILLUSTRATION_RE.match(core) or _ILLUSTRATION_RE.match(text.strip()):
        return "illustration"
    if promotion(core):
        return "promotion"
    if memo and _SUMMARY_LABEL_RE.match(core):
        return "memo summary"
    after = _after_lead_in(core)
    if not actors and (bare_company(core) or _openers()["bare_subject"].match(after)):
        return "bare company"
    if _ALSO_RE.match(core):
        return "also"
    openers = _openers()
    if openers["narration"].match(text.strip()) or any(
        openers["narration"].match(c) for c in _clause_starts(core)
    ):
        return "narration"
    if openers["pointer"].match(text.strip()) and not text.strip().startswith(("即使", "即便", "即时")):
        return "pointer"
    if opening(after)[0] == "pointer":
        return "pointer"  # the subject after a date or an attribution points back ("In 2023, it…", "2023年，其…")
    if leans_back(core, is_simplified=True):
        return "leans back"  # "…the embodiment of this decentralization model": which model?
    hits = [h for h in figures_in(core) if not h.stock]
    if hits and all(h.kind != FACT for h in hits):
        return "forecast"  # an expectation or a goal ("预计…新开门店将超过5000家") is not a finding
    if not hits and _NUMBER_RE.search(core) and clause_kind(core.lower()):
        return "forecast"  # "多数机构预测2030年全球市场将超过54亿美元"
    if re.fullmatch(r"\s*[“「『\"][^“”「」『』\"]+[”」』\"]\s*", core):
        return "unattributed quote"  # a quotation alone: who said it is in another sentence
    return ""


def _clause_starts(text: str) -> list[str]:
    """The sentence from the start of each clause on, an opening connective dropped
    ("于是，我们看到了…" → "我们看到了…")."""
    out = []
    for m in re.finditer(r"(?:^|(?<=[，,；;]))\s*", text):
        rest = text[m.end() :]
        kind, n = opening(rest)
        out.append(rest[n:].lstrip() if kind == "connective" else rest)
    return out


_LABEL_LEAD_RE = re.compile(r"^[^，,。；;！!？?]{1,32}[：:]")


def finding_lead(text: str) -> bool:
    """A heading line (an item's bold or numbered lead, Simplified, its marker
    gone) that states a finding rather than naming a section: a whole sentence
    (it ends with 。/./!, not with a question or a colon), no label before a
    colon ("卫星ETF招商 (159218)：…", "1）全球市场规模：…"), long enough to hold
    a subject, a verb and an object, and no sponsored copy, product pitch or
    background (data/background_cues.yaml). Whether it names an actor or a
    figure is checked with the other candidates."""
    core = text.strip()
    if not core or core[-1] not in "。！!." or core.endswith(("...", "…")):
        return False
    if _LABEL_LEAD_RE.match(core):
        return False
    latin = not re.search(r"[\u4e00-\u9fff]", core)
    if len(core.split() if latin else core) < (8 if latin else 14):
        return False
    return not (promotion(core) or background(core))


def candidate_text(doc: Document, start: int, end: int, *, quotable: bool, heading: bool) -> str | None:
    """The sentence at ``start:end`` as a takeaway would show it, or None where its
    shape rules it out: not quotable, a heading that names a section, too short
    or too long, a question, a label, a list line, unbalanced quotation marks, a
    subject that points back."""
    if not quotable:
        return None
    text = doc.text[start:end].strip()
    if heading:
        # A newsletter item's lead (4、**巴菲特…累计减持近81亿美元。**) states the finding;
        # a heading or a label ("卫星ETF招商 (159218)：…") does not.
        text = without_marker(text)
        if not finding_lead(to_simplified(text)):
            return None
    low, high = (50, 300) if doc.language == "en" else (16, 120)
    if not low <= len(text) <= high or text.rstrip("”」』\"'").endswith(("？", "?", "：", ":")):
        return None
    if text.rstrip()[-1:] not in "。！？.!?”」』\"'…":
        return None  # a list line, a label or a sentence cut short: not a finding
    if not balanced(text) or opening(text)[0] == "pointer":
        return None
    return text


def subject_counts(mentions: Iterable[Mention]) -> Counter[int]:
    """How many names act in each sentence (by index): not a speaker or a source,
    and not a pronoun resolved to a name."""
    return Counter(
        m.sentence for m in mentions if m.role not in ASIDE_ROLES and not m.evidence.startswith("pronoun")
    )


def read_findings(doc: Document, sentences: list[Sentence], mentions: Iterable[Mention]) -> None:
    """Set each sentence's ``finding``: RULED_OUT, or the index of its verdict in REASONS."""
    subjects = subject_counts(mentions)
    memo = doc.kind == "memo"
    for i, s in enumerate(sentences):
        if candidate_text(doc, s.start, s.end, quotable=s.quotable, heading=s.heading) is None:
            s.finding = RULED_OUT
        else:
            reason = not_a_finding(doc.analysis_text[s.start : s.end].strip(), memo=memo, actors=subjects[i])
            s.finding = REASONS.index(reason)
