"""What a sentence states besides a finding, read by the takeaways (summary) and the
themes' quotes and gists alike: a background statement, a promotion, a bare 公司 as its
subject, and the openings of takeaway_openers.yaml. A module of its own so that the two
read one set of rules without importing each other."""

from __future__ import annotations

import functools
import re

from briefing.excerpts import says_nothing
from briefing.gazetteer import gazetteer
from briefing.resources import data_yaml

_BARE_COMPANY_RE = re.compile(
    r"(?:^|[，,：:；;])(?:该)?(?:公司|集团)(?=[\u4e00-\u9fff]{0,2}(?:并|也|还|将|已|在|于|正|就|需要|须|面临|表示|宣布|发布|称|预计|计划|"
    r"披露|透露|海外|全年|今年|营收|收入|订单|业务|销量|利润|净利润|业绩|产能|股价|市值|产品|客户|毛利率|增长))"
)
"""A clause whose subject is a bare 公司 or 集团 ("公司并宣布…", "王宁表示，公司海外订单…",
"分析员指出，集团需要偿还…"): which company, the sentence does not say."""


def bare_company(core: str) -> bool:
    """A clause of ``core`` (Simplified) has a bare 公司 or 集团 for its subject, and no
    officer of a company named before it speaks for that company ("万科董事会主席郁亮
    表示，公司将继续压降有息负债": 万科's own; an analyst's 公司 stays anyone's)."""
    return any(not _own_officer_re().search(core, 0, m.start() + 1) for m in _BARE_COMPANY_RE.finditer(core))


@functools.cache
def _own_officer_re() -> re.Pattern[str]:
    from briefing.analysis.org_words import words

    titles = "|".join(sorted((re.escape(t) for t in words().business_titles), key=len, reverse=True))
    return re.compile(
        rf"^[^，,。；;]{{2,}}?(?:{titles})[\u4e00-\u9fff·]{{2,4}}(?:表示|称|指出|透露|介绍|说)[，,：:]$"
    )


def _after_lead_in(text: str) -> str:
    """The sentence after the clauses that only say when or who reported it
    ("In 2023, …", "According to IDC, …", "2023年，…"): where its subject stands."""
    rest = text
    while True:
        m = re.search(r"[，,]\s*", rest)
        if not m or not says_nothing(rest[: m.start()]) or len(rest) - m.end() < 8:
            return rest
        rest = rest[m.end() :]


def bare_subject(text: str) -> bool:
    """A sentence (Simplified) whose subject is a bare 公司 or "the company" and that
    names no organisation itself ("公司全年总收入为24.6亿美元"): which company, the
    sentence does not say; as a theme's gist or quote it needs the sentence before."""
    core = text.strip()
    if gazetteer().find(core):
        return False
    return bare_company(core) or bool(_openers()["bare_subject"].match(_after_lead_in(core)))


@functools.cache
def _background_cues() -> dict[str, re.Pattern[str]]:
    rules = data_yaml("background_cues.yaml") or {}

    def joined(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in rules.get(key) or []) or r"(?!)", re.IGNORECASE)

    return {
        k: joined(k)
        for k in (
            "background",
            "finding",
            "promotion_address",
            "promotion_offer",
            "promotion_product",
            "promotion_pitch",
        )
    }


def background(text: str) -> bool:
    """A background statement (Simplified or English): it says what an actor has
    long been, where or when it was founded, what it is known as
    (美国银行曾长期占据伯克希尔投资组合第二的位置), and reports no change or turn
    (``data/background_cues.yaml``). Context for the reader, not a finding."""
    cues = _background_cues()
    return bool(cues["background"].search(text)) and not cues["finding"].search(text)


def promotion(text: str) -> bool:
    """Sponsored copy (为你详细讲解…领衔授课): it speaks to the reader about what is
    sold; or an investment product pitched (卫星ETF…是专题布局的优选, 适合作为辅助配置;
    ``data/background_cues.yaml``)."""
    cues = _background_cues()
    if cues["promotion_address"].search(text) and cues["promotion_offer"].search(text):
        return True
    return bool(cues["promotion_product"].search(text)) and bool(cues["promotion_pitch"].search(text))


@functools.cache
def _openers() -> dict[str, re.Pattern[str]]:
    rules = data_yaml("takeaway_openers.yaml") or {}
    return {
        k: re.compile(rules.get(k) or r"(?!)", re.IGNORECASE)
        for k in ("narration", "pointer", "bare_subject", "enumeration")
    }
