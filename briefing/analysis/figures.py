"""Figures: the measured numbers of a sentence and the organisation each belongs to.

:func:`figures_in` finds a sentence's numbers with what they measure, their
unit, approximation (约, 超过, 近…), range (47-51%) and whether they are a
share-price quote. :func:`attribute` gives each number its owner: the
organisation the clause says it belongs to, an investee for a deal ("阿里45亿
投资的汇通达"), the i-th of a list for 分别, the entity a pronoun points back to
(该公司, 其, 公司), never a data source, a speaker, a whole market or a stock
quote.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from briefing.analysis.cues import speaks_as_company
from briefing.analysis.names import demonstrative_en_re, fits_pointer, pointer_sectors, words
from briefing.analysis.roles import (
    ACTS,
    CLAUSE_BREAKS,
    FORMER,
    MODIFIER,
    SOURCE,
    SPEAKER,
    STOCK,
    bracket_bounds,
    clause_bounds,
    mask_parentheses,
    passive_before,
)
from briefing.gazetteer import gazetteer
from briefing.resources import data_lines, data_yaml

# ----------------------------------------------------------------- numbers

_QUALIFIERS = {
    "超过": "超过", "超": "超过", "突破": "超过", "逾": "超过", "高达": "超过", "多达": "超过", "over": "超过",
    "more than": "超过", "近": "近", "接近": "近", "将近": "近", "nearly": "近", "almost": "近", "约": "约",
    "大约": "约", "about": "约", "around": "约", "roughly": "约", "不到": "不到", "不足": "不到", "less than": "不到",
    "至少": "至少", "at least": "至少", "最高": "最高", "up to": "最高", "达到": "", "达": "", "左右": "约",
    "以上": "超过", "以下": "不到", "余": "超过", "多": "超过", "+": "超过", "级": "约", "below": "不到",
    "under": "不到", "just under": "不到", "above": "超过", "just over": "超过", "approximately": "约",
    "some": "约", "约为": "约", "大约为": "约", "接近于": "近",
}  # fmt: skip
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT_RE = (
    r"个亿|万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|trillion|billion|million|bn|mn|m(?![a-z])"
    # 兆 is a trillion before a currency (新台幣1.85兆元, Taiwan and Japan), a mega in 兆瓦 or 兆赫
    r"|兆(?=元|新台币|日元|日圆|美元|港元|韩元|人民币)"
)
_MONEY_RE = (
    r"%|％|个百分点|百分点|基点|美元|美分|欧元|日元|港元|英镑|韩元|人民币|元新台币|新台币|元|倍|percent|per cent|pct|"
    r"U\.?S\.? dollars|Hong Kong dollars|HK dollars|NT dollars|Taiwan dollars|Singapore dollars|"
    r"yuan|renminbi|dollars|euros|yen|won|pounds|rupees"
)


@functools.cache
def count_units() -> tuple[tuple[str, ...], dict[str, str], tuple[str, ...]]:
    """(Chinese units, English count noun → unit, words between) of ``count_units.yaml``."""
    raw = data_yaml("count_units.yaml") or {}
    return (
        tuple(str(u) for u in raw.get("zh") or []),
        {str(k).lower(): str(v) for k, v in (raw.get("en") or {}).items()},
        tuple(str(w) for w in raw.get("en_between") or []),
    )


def _alternation(items: object) -> str:
    return "|".join(re.escape(x) for x in sorted(set(items), key=lambda x: (-len(x), x)))  # type: ignore[arg-type]


@functools.cache
def _num_re() -> re.Pattern[str]:
    """A number with its qualifier, currency, multiplier, range and unit."""
    zh, en, _ = count_units()
    # Money and percentages first ("人民币" before "人"), then counts, longest first ("人次" before "人").
    # 成 is tenths ("逾六成" once its numeral is a digit, see figures_in), not 成本 or 成交
    units = _MONEY_RE + "|" + _TENTHS_UNIT + "|" + _alternation([*zh, *en])
    return re.compile(
        # Every alternative starts with one of these characters: other positions fail at once.
        r"(?=[超突达近约逾高多接将大不至最mjoanrlubsMJOANRLUBS$¥￥€£HNSRT新台港人\d])"
        r"(?P<q>超过|超|突破|达到|达|近|约|逾|高达|多达|接近|将近|大约|不到|不足|至少|最高|"
        # an English qualifier is a word of its own ("Hangover 5%" is no "over 5%")
        r"(?<![A-Za-z])(?:more than|just over|just under|over|about|nearly|almost|around|roughly|"
        r"approximately|less than|at least|up to|below|under|above|some))?\s*"
        # "between 30 billion and 35 billion euros": one range (only after "between")
        r"(?P<between>(?<![A-Za-z])between\s+)?"
        # a currency written before the amount: "新台币76亿元" is no renminbi
        r"(?P<cur>US\$|HK\$|NT\$|T\$|S\$|A\$|RMB|\$|¥|￥|€|£|新台币|台币|港币|人民币)?\s*(?P<num>"
        + _NUM
        + r")"
        r"(?:\s*(?P<m1>"
        + _MULT_RE
        + r")?\s*(?:(?P<u1>%|％)\s*(?:-|~|～|—|–|(?(between)and(?=\s)|(?!)))|(?:-|~|～|—|–|至|到|(?(between)(?<=\s)and(?=\s)|(?!))))\s*(?P<num2>"
        + _NUM
        + r"))?"
        r"(?P<mid>余|多)?\s*(?P<mult>"
        + _MULT_RE
        + r")?\s*(?P<unit>"
        + units
        + r")?(?P<tail>左右|以上|以下|多|余|级|\+)?",
        re.IGNORECASE,
    )


@functools.cache
def _en_count_re() -> re.Pattern[str]:
    """An English count noun after its adjectives ("526 net new stores")."""
    _, en, between = count_units()
    adjectives = "".join(rf"(?:{re.escape(w)}\s+)?" for w in between)
    return re.compile(rf"\s*{adjectives}({_alternation(en)})\b", re.IGNORECASE)


def unit_name(written: str) -> str:
    """The unit shown for a unit as written ("vehicles" → 辆, "percent" → %)."""
    low = written.lower()
    return _UNIT_NAMES.get(low) or count_units()[1].get(low) or written


_MULT = {
    "个亿": 1e8, "亿": 1e8, "万亿": 1e12, "兆": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "千万": 1e7, "百万": 1e6,
    "十万": 1e5, "万": 1e4, "千": 1e3, "trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6,
    "m": 1e6,
}  # fmt: skip
_UNIT_NAMES = {
    "％": "%", "percent": "%", "per cent": "%", "pct": "%", "人民币": "元", "yuan": "元", "renminbi": "元",
    "dollars": "美元", "us dollars": "美元", "u.s. dollars": "美元", "us dollar": "美元", "hong kong dollars": "港元",
    "hk dollars": "港元", "nt dollars": "新台币", "taiwan dollars": "新台币", "singapore dollars": "新加坡元",
    "euros": "欧元", "yen": "日元", "won": "韩元", "pounds": "英镑", "rupees": "卢比", "百分点": "个百分点",
    "元新台币": "新台币",
}  # fmt: skip
CURRENCY_SIGNS = {"$": "美元", "US$": "美元", "HK$": "港元", "NT$": "新台币", "T$": "新台币", "S$": "新加坡元", "A$": "澳元", "RMB": "元", "¥": "元",
                   "￥": "元", "€": "欧元", "£": "英镑", "新台币": "新台币", "台币": "新台币", "港币": "港元",
                   "人民币": "元"}  # fmt: skip
_MONEY_UNITS = frozenset(
    ["元", "美元", "港元", "欧元", "日元", "英镑", "韩元", "新台币", "新加坡元", "澳元", "卢比", "美分"]
)
_GROWTH = ("同比增长", "同比下降", "环比增长", "环比下降", "增长率", "增长", "下降", "增速")
_CHANGE_AMOUNT = ("增加", "减少", "上调", "下调", "上涨", "下跌")
"""What an amount of change measures ends with (营收增加, 价格下调): see :func:`change_by`."""
_COMPARED_WITH_RE = re.compile(
    r"(?:较|(?<![同环])比)(?!上年|去年|前年|上季|上月|年初|此前|之前|过去|同期|\d)|高于|低于|高出|低出|高过|领先"
)
"""A figure in points set against another's (较国内业务高出), not against its own past
(比上年提高)."""

_CHANGE_BY_RE = re.compile(
    r"(?P<cmp>同比|环比|按年)?(?:大幅|小幅|略有|略微|明显|分别)?"
    r"(?P<verb>增加|减少|上调|下调|上涨|下跌|下降|上升|增长|降低|提高|提升|回落|下滑|缩减|多增|少增|增|减|涨|跌)了?"
    r"(?:约|近|超过|超|逾|达|多达|大约)?\s*$"
)
_UP_VERBS = frozenset(["增加", "上调", "上涨", "上升", "增长", "提高", "提升", "多增", "增", "涨"])
_AMOUNTS = (
    "营收", "净利润", "利润", "销量", "销售额", "交易额", "亏损", "营业利润", "交付量", "订单数", "产量", "用户数", "采购额",
    "每股收益",
)  # fmt: skip


_SAME_STORE = ("同店销售额", "同店交易量")
"""Rates of the stores open a year or more: what a bare growth rate next to them is of."""


@functools.cache
def _amount_measures() -> frozenset[str]:
    """Measures of an amount (营收, 税前利润, 交付量, 业务量…) and the same per unit
    (单票收入, per_unit.yaml): what a bare growth rate may be of."""
    # Money and volumes (a measure ending in 量 whatever its unit: 业务量 in 件), not counts
    # of partners, customers or shops ("合作伙伴的业务增长率" is the partners' business
    # growing, not their number).
    totals = (
        frozenset(
            m
            for _, m, unit in _measures()
            if (unit in ("元", "") or m.endswith("量")) and m not in ("股价", "市值", "估值")
        )
        | frozenset(_AMOUNTS)
        | frozenset(_SAME_STORE)
    )
    prefixes, _, names = _per_unit()
    per_unit = {p + names.get(m, m) for p in {*prefixes, *_per_unit()[1].values()} for m in totals}
    return totals | frozenset(per_unit)


def _is_amount(measure: str) -> bool:
    """An amount, also of a region (中国业务量, 东南亚业务量: the region's volume)."""
    if measure in _amount_measures():
        return True
    region = re.match(_REGION_ZH + "(?:市场)?", measure)
    return bool(region) and measure[region.end() :] in _amount_measures()


@functools.cache
def _per_unit() -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """(Chinese prefixes, English phrase → prefix, measure → its name after a prefix) of
    ``per_unit.yaml``: a measure per parcel, per car, per share is no total."""
    raw = data_yaml("per_unit.yaml") or {}
    return (
        tuple(sorted((str(p) for p in raw.get("zh") or ()), key=len, reverse=True)),
        {str(k).lower(): str(v) for k, v in (raw.get("en") or {}).items()},
        {str(k): str(v) for k, v in (raw.get("names") or {}).items()},
    )


@functools.cache
def _per_unit_en_re() -> re.Pattern[str]:
    phrases = sorted(_per_unit()[1], key=len, reverse=True)
    return re.compile(r"\s+(" + ("|".join(map(re.escape, phrases)) or "(?!)") + r")\b", re.IGNORECASE)


def per_unit(text: str, a: int, b: int, measure: str) -> tuple[int, int, str]:
    """The cue ``text[a:b]`` of ``measure`` read per unit when a prefix of ``per_unit.yaml``
    stands right before it ("单票收入": 单票收入) or a phrase right after it ("revenue per
    parcel": 单票收入): (start, end, measure), the span widened over the prefix; the cue
    unchanged otherwise."""
    prefixes, en, names = _per_unit()
    if measure in _GROWTH or measure.endswith(("率", "份额", "占比")):
        return a, b, measure
    for p in prefixes:
        if text.startswith(p, a - len(p)):
            return a - len(p), b, p + names.get(measure, measure)
    if text[a:b].isascii() and (m := _per_unit_en_re().match(text, b)):
        return a, m.end(), en[m.group(1).lower()] + names.get(measure, measure)
    return a, b, measure


_YEAR_RE = re.compile(
    # "2023财年", "2023会计年度": a fiscal year is the figure's year too.
    r"((?:19|20)\d{2})\s*(?:财政?|会计)?年(?!\d)|\b(?i:in|for|during|of|by|fiscal|FY) ?((?:19|20)\d{2})\b"
    r"|((?:19|20)\d{2})(?=年|的[\u4e00-\u9fff])"
)


@functools.cache
def _year_re() -> re.Pattern[str]:
    """``_YEAR_RE`` and an English year written as the adjective of a measure ("2023
    revenue of …", "full-year 2023 sales": ``year_measures_en.txt``) or after "full-year"."""
    measures = sorted(data_lines("year_measures_en.txt"), key=len, reverse=True)
    words = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in measures) or "(?!)"
    return re.compile(
        _YEAR_RE.pattern
        + rf"|\b((?:19|20)\d{{2}})\s+(?=(?i:(?:full[- ]year\s+)?(?:{words}))\b)"
        + r"|\b(?i:full[- ]year|fiscal[- ]year) ((?:19|20)\d{2})\b"
    )


_RELATIVE_YEAR = {
    "去年": -1,
    "前年": -2,
    "今年": 0,
    "上一年": -1,
    "十年前": -10,
    "last year": -1,
    "this year": 0,
    "a year earlier": -1,
    "a year ago": -1,
    "a decade ago": -10,
    # news of these days is of the year the story is dated ("近日完成C轮融资，投后估值接近80亿元")
    "近日": 0,
    "日前": 0,
    "本月": 0,
    "本周": 0,
}


FACT, FORECAST, TARGET = "fact", "forecast", "target"
"""What a figure states: a result, an expectation, or a goal."""


@dataclass(frozen=True)
class Hit:
    """A measured number in a sentence."""

    start: int
    end: int
    value: float
    unit: str
    measure: str
    raw: str
    qualifier: str = ""
    """约, 超过, 近, 不到, 至少, 最高, or empty."""
    value_max: float | None = None
    """Upper end of a range ("47-51 percent")."""
    stock: bool = False
    """A share-price quote or move, never a company's own figure."""
    scope: str = ""
    """The part of its owner the figure covers ("其中上海超级工厂交付…": 上海超级工厂)."""
    period: str = ""
    """The part of the year it covers (一季度, 上半年, 前4个月, 第三财季…), empty for a full year."""
    listed: bool = False
    """An entry of a ranking list ("宁德时代份额36.8%，比亚迪15.8%"): its measure is the list's."""
    years_back: int | None = None
    """For the starting level of "在过去四年从X增加到Y": how many years before Y's year X is."""
    kind: str = FACT
    """:data:`FACT`, :data:`FORECAST` (预计, 有望, expects…) or :data:`TARGET` (目标, 计划…)."""
    narrow: str = ""
    """The phrase of the figure's own clause that narrows its measure, the owner's name
    possibly still at its head ("宝钢冷板" of "宝钢冷板销量", 出口, 用于…, from X):
    :func:`attribute` makes it the scope once it knows the owner."""
    previous: float | None = None
    """The value this one replaced when the clause revises it ("预期由1.28万亿日元上调至1.31万亿日元":
    1.31万亿 with previous 1.28万亿); see :func:`_revisions`."""
    previous_raw: str = ""
    """``previous`` as written."""


@functools.cache
def _measures() -> list[tuple[str, str, str]]:
    raw = data_yaml("measures.yaml") or {}
    return sorted(((str(k), str(v[0]), str(v[1])) for k, v in raw.items()), key=lambda t: -len(t[0]))


@functools.cache
def _compound_tails() -> dict[str, tuple[str, ...]]:
    """Per measure cue, the endings that make it a word naming no measure (价格 + 战:
    ``measure_compounds.txt``)."""
    words = [w for line in data_lines("measure_compounds.txt") for w in line.split()]
    cues = {c for c, _, _ in _measures()}
    tails: dict[str, list[str]] = {}
    for w in words:
        for c in cues:
            if w.startswith(c) and len(w) > len(c):
                tails.setdefault(c, []).append(w[len(c) :])
    return {c: tuple(sorted(t, key=len, reverse=True)) for c, t in tails.items()}


def cue_pattern(cue: str) -> str:
    """A measure cue as a pattern: an English one as a whole word, a Chinese one not
    inside a word that names no measure (价格战)."""
    escaped = re.escape(cue)
    if cue.isascii() and cue[:1].isalpha():
        return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
    tails = _compound_tails().get(cue)
    return f"{escaped}(?!{'|'.join(map(re.escape, tails))})" if tails else escaped


def starts_with_one_of(cues: list[str], ignore_case: bool = False) -> str:
    """A look-ahead for the first characters of ``cues``: a pattern of many
    alternatives then passes over a place none starts at with one test instead
    of one per alternative (a sentence's measures: about ten times faster)."""
    firsts = {c[0] for c in cues if c}
    if ignore_case:
        firsts |= {f.lower() for f in firsts} | {f.upper() for f in firsts}
    return "(?=[" + "".join(re.escape(f) for f in sorted(firsts)) + "])" if firsts else ""


@functools.cache
def _measures_re() -> re.Pattern[str]:
    cues = [c for c, _, _ in _measures()]
    body = "|".join(cue_pattern(c) for c in cues)
    return re.compile(f"{starts_with_one_of(cues, ignore_case=True)}(?:{body})", re.IGNORECASE)


@functools.cache
def _cue_firsts() -> frozenset[str]:
    """The first characters of the measure cues (lower-case)."""
    return frozenset(cue[0].lower() for cue, _, _ in _measures())


@functools.cache
def _region_cues(head: str) -> re.Pattern[str] | None:
    """A region right before one of ``head``'s Chinese cues ("中国的销量")."""
    cues = [c for c, name, _ in _measures() if name == head and not c.isascii()]
    if not cues:
        return None
    return re.compile(_REGION_ZH + r"(?:市场)?的?(?:" + "|".join(map(re.escape, cues)) + ")")


@functools.cache
def _money_volumes() -> tuple[dict[str, str], frozenset[str]]:
    """(volume measure → its money measure, verbs whose money is a price) of ``money_volumes.yaml``."""
    raw = data_yaml("money_volumes.yaml") or {}
    return (
        {str(k): str(v) for k, v in (raw.get("measures") or {}).items()},
        frozenset(str(v).lower() for v in raw.get("verbs") or []),
    )


@functools.cache
def _counted_money() -> dict[str, str]:
    """Money measure → its volume, where the number is counted (``money_volumes.yaml``)."""
    raw = data_yaml("money_volumes.yaml") or {}
    return {str(k): str(v) for k, v in (raw.get("counted") or {}).items()}


@functools.cache
def _span_re() -> re.Pattern[str]:
    """A span of years since an event (``figure_spans.txt``): "上线三年", "成立10年以来"."""
    verbs = "|".join(map(re.escape, data_lines("figure_spans.txt")))
    return re.compile(
        rf"(?:{verbs})(?:以来|后)?的?(?:近|约|超过)?(?:\d{{1,3}}|[一二两三四五六七八九十]{{1,3}})个?(?:多)?年(?:以来|来|间|内|多)?"
    )


def _span_before(text: str, left: int, start: int) -> str:
    """The span of years the clause names before the number ("上线三年"), or ""."""
    lead = text[left:start]
    if "年" not in lead:
        return ""
    found = list(_span_re().finditer(lead))
    return re.sub(r"(?:以来|来|间|内)$", "", found[-1].group()) if found else ""


@functools.cache
def _extent_rules() -> dict:
    """``figure_extents.yaml``, its patterns compiled."""
    raw = data_yaml("figure_extents.yaml") or {}

    def compiled(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern, re.IGNORECASE)

    return {
        "cumulative_to": [compiled(p) for p in raw.get("cumulative_to") or []],
        "cumulative": [compiled(p) for p in raw.get("cumulative") or []],
        "dated": compiled(raw["dated"]) if raw.get("dated") else None,
        "rates": {label: compiled(p) for label, p in (raw.get("rates") or {}).items()},
        "stocks": tuple(raw.get("stocks") or ()),
        "running_words": compiled(raw["running_words"]) if raw.get("running_words") else None,
    }


_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")  # fmt: skip


def _running_to(text: str) -> str:
    """截至年底 or 截至N月 when ``text`` names the time a running total runs to, else ""."""
    for pattern in _extent_rules()["cumulative_to"]:
        if m := pattern.search(text):
            month = (m.groupdict().get("month") or "").lower()
            if not month:
                return "截至年底"
            n = int(month) if month.isdigit() else _MONTHS_EN.index(month) + 1
            return "截至年底" if n == 12 and "底" in m.group() else f"截至{n}月"
    return ""


def extent_of(clause: str, unit: str = "", measure: str = "", before: str = "") -> str:
    """What a figure adds up beyond one year, from its own clause (``figure_extents.yaml``):
    截至年底 or 截至N月 (a running total to a year's end or a month: "截至2023年底累计",
    "by the end of 2023"; ``before``, the sentence's earlier clauses, may name the time
    when the clause names no period of its own and says it adds up: 累计, 已…), 累计 (a running total, its end unstated:
    迄今, "to date"), a rate (每年, 年均, 每月, 每天: "每年投入超过60亿元", "a year"), or ""
    (none of these). A stock (a count, a share, a rate: ``stocks``) at a time is that
    time's figure, no running total."""
    rules = _extent_rules()
    before = before[max(before.rfind("；"), before.rfind(";")) + 1 :]  # a clause after ； starts anew
    dated = rules["dated"] is not None and bool(rules["dated"].search(clause))
    adds_up = any(p.search(clause) for p in rules["cumulative"])
    runs = adds_up or (rules["running_words"] is not None and bool(rules["running_words"].search(clause)))
    if not measure.endswith(rules["stocks"]) and (
        (to := _running_to(clause)) or (not dated and runs and before and (to := _running_to(before)))
    ):
        return to
    if adds_up and not dated:
        return "累计"
    if unit != "%":
        for label, pattern in rules["rates"].items():
            if pattern.search(clause):
                return label
    return ""


_TITLE_RE = re.compile(r"《[^《》]{1,20}》")


def _title_scope(lead: str) -> str:
    """A work named in 《》 before the measure, with what narrows it after the title
    ("《原神》上线三年全球移动端": 《原神》全球移动端), or ""."""
    if "《" not in lead:
        return ""
    found = list(_TITLE_RE.finditer(lead))
    if not found:
        return ""
    title = found[-1]
    data = _scope_data()
    if any(w in title.group() for w in data.get("title_sources", [])) or lead[: title.start()].endswith(
        tuple(data.get("title_cited", []))
    ):
        return ""  # a report cited as the figure's source
    rest = lead[title.end() :]
    if span := _span_re().search(rest):
        rest = rest[: span.start()] + rest[span.end() :]
    rest = _TIME_LEAD_RE.sub("", rest.strip()).rstrip("的")
    if rest and not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{1,8}", rest):
        return ""
    return title.group() + rest


@functools.cache
def _year_words() -> frozenset[str]:
    """Time words ending in 年 (``year_words.txt``)."""
    return frozenset(data_lines("year_words.txt"))


@functools.cache
def _measure_of() -> dict[str, tuple[str, str]]:
    return {cue.lower(): (measure, unit) for cue, measure, unit in _measures()}


@functools.cache
def target_cues() -> tuple[str, ...]:
    """Words that make a number a goal (``figure_targets.txt``)."""
    return tuple(line.lower() for line in data_lines("figure_targets.txt"))


@functools.cache
def forecast_cues() -> tuple[str, ...]:
    """Words that make a number a forecast (``figure_forecasts.txt``)."""
    return tuple(line.lower() for line in data_lines("figure_forecasts.txt"))


@functools.cache
def _revision_re() -> re.Pattern[str]:
    """A verb that sets a figure anew (``figure_revisions.txt``)."""
    verbs = sorted((line.lower() for line in data_lines("figure_revisions.txt")), key=len, reverse=True)
    alternation = "|".join(rf"\b{re.escape(v)}\b" if v.isascii() else re.escape(v) for v in verbs)
    return re.compile(alternation or "(?!)", re.IGNORECASE)


_REVISED_TO_RE = re.compile(
    r"\s*(?:了)?\s*(?:至|到|为|to)\s*(?:about|around|roughly|约|近)?\s*$", re.IGNORECASE
)


_EN_DOWN_FROM_RE = re.compile(
    r"\s*,?\s*(?:down|up|lower|higher|compared)\s+(?:with\s+|from\s+)(?:about\s+|around\s+)?", re.IGNORECASE
)


def _revisions(text: str, masked: str, hits: list[Hit]) -> list[Hit]:
    """A figure revised in its clause is one figure: "由X上调至Y", "raised … from X to Y"
    give Y, with X as its ``previous`` (not two figures of the same measure)."""
    out: list[Hit] = []
    for hit in hits:
        if out:
            before = out[-1]
            left = clause_bounds(masked, before.start, before.end)[0]
            between = text[before.end : hit.start]
            verb = _revision_re().search(text, left, hit.start)
            # two plain numbers of one unit in the clause of a revising verb
            paired = (
                verb is not None
                and before.unit == hit.unit
                and before.value_max is None
                and hit.value_max is None
                and not before.stock
                and clause_bounds(masked, hit.start, hit.end)[0] == left
            )
            if (
                paired
                and _BASELINE_RE.search(
                    re.sub(r"(?:约|近|about|around)\s*$", "", text[left : before.start]).rstrip()
                )
                and _REVISED_TO_RE.match(_revision_re().sub("", between))
            ):
                out[-1] = dataclasses.replace(
                    hit,
                    previous=before.value,
                    previous_raw=before.raw,
                    kind=before.kind if hit.kind == FACT else hit.kind,
                )
                continue
            if (
                paired
                and re.search(
                    r"\bto\s*(?:about|around|roughly)?\s*$", text[left : before.start], re.IGNORECASE
                )
                and re.fullmatch(r"\s*from\s*(?:about|around|roughly)?\s*", between, re.IGNORECASE)
            ):
                # "cut its revenue forecast to $5 billion from $5.5 billion"
                out[-1] = dataclasses.replace(before, previous=hit.value, previous_raw=hit.raw)
                continue
            if before.unit == hit.unit and _EN_DOWN_FROM_RE.fullmatch(between):
                # "margin was 20%, down from 21.3% a year earlier": the same measure at an
                # earlier time, not a fall of 21.3%
                hit = dataclasses.replace(hit, measure=before.measure)
        out.append(hit)
    return out


@functools.cache
def _flows() -> tuple[tuple[str, str], ...]:
    """(word, prefix) of ``figure_flows.yaml``, longest word first."""
    raw = data_yaml("figure_flows.yaml") or {}
    return tuple(sorted(((str(k), str(v)) for k, v in raw.items()), key=lambda t: -len(t[0])))


_FLOW_MEASURES = ("装机量", "产能")


def flow_prefix(text: str, left: int, cue_start: int, cue_end: int, start: int, end: int) -> str:
    """The flow a count measures when a word of ``figure_flows.yaml`` stands right
    before its cue or its number ("新开门店2342家", "新开2342家门店", "门店净增1200家",
    "opened 526 net new stores"): 新开, 净增, 关闭…; empty for a stock ("门店总数")."""
    lo = max(left, min(cue_start, start) - (12 if text[left:end].isascii() else 8))
    hi = max(cue_end, start) if cue_start < start else cue_start
    window = text[lo:hi].lower()
    for word, prefix in _flows():
        if word.isascii():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", window):
                return prefix
        elif word in window and "总" not in window[window.index(word) :]:
            return prefix
    return ""


def _cues(text: str, left: int, right: int) -> list[tuple[int, int, str, str]]:
    """(start, end, measure, default unit) of every measure cue in ``text[left:right]``."""
    table = _measure_of()
    pattern = _measures_re()
    firsts = _cue_firsts()
    out = []
    pos = left
    while (m := pattern.search(text, pos, right)) is not None:
        a, b = m.start(), m.end()
        if text[a] == "年" and a > 0 and (text[a - 1].isdigit() or text[a - 1 : a + 1] in _year_words()):
            # "今年产量", "今年增长12%": the 年 is the time word's, the cue starts after it.
            pos = a + 1
            continue
        # A longer cue that starts inside this one wins ("2023年产品收入": 产品收入, not 年产).
        for inner in range(a + 1, b):
            if text[inner].lower() not in firsts:
                continue
            longer = pattern.match(text, inner, right)
            if longer and longer.end() > b and longer.end() - inner > b - a:
                a, b = inner, longer.end()
                break
        measure, unit = table[text[a:b].lower()]
        pos = b
        if unit == "元" or measure in _amount_measures():
            a, b, measure = per_unit(text, a, b, measure)
        out.append((a, b, measure, unit))
    return out


def is_price(measure: str) -> bool:
    """A price or its change (价格, 价格下降, 价格变化)."""
    return measure.startswith("价格")


GROWTH_WORDING_RE = re.compile(r"(?:同比|按年|年度)(?=增长|下降|减少|上升)|(?<=增长|下降|减少|上升)率$")
"""How a growth is worded, no part of what grows: 净利润同比增长 and 净利润增长率 are 净利润增长."""


def is_growth(measure: str) -> bool:
    """A change rather than a level (增长, 同比下降, 增长率, 营收增加…)."""
    return measure in _GROWTH or measure.endswith(_GROWTH) or measure.endswith(_CHANGE_AMOUNT)


def change_by(before: str, measure: str, unit: str) -> str:
    """The measure of a number written right after a verb of change, by how much
    it changed, not the level it reached: "营收减少10亿元" → 营收减少, "每吨价格下调
    100~200元" → 每吨价格下调, "营收减少10%" → 营收下降 (a rate, as 同比下降 is);
    "增至" and "降至" name the level, and stay ``measure``. ``before`` is the
    text between the measure's cue and the number."""
    m = _CHANGE_BY_RE.search(before)
    if not m or is_growth(measure) or measure.endswith(("率", "份额", "占比", "目标", "预测")):
        return measure
    up = m.group("verb") in _UP_VERBS
    if unit == "%":
        return f"{measure}{m.group('cmp') or ''}{'增长' if up else '下降'}".replace("按年", "同比")
    if is_price(measure.removeprefix("每吨").removeprefix("每")) or measure.endswith(("价格", "价")):
        word = ("上调" if up else "下调") if "调" in m.group("verb") else ("上涨" if up else "下跌")
    else:
        word = "增加" if up else "减少"
    return measure + word


def _nearest(
    cues: list[tuple[int, int, str, str]],
    start: int,
    end: int,
    percent: bool | None = None,
    level: bool = False,
) -> tuple[int, int, str, str] | None:
    """The cue nearest a number; with ``percent`` given, among the cues whose bare
    unit fits (a rate for "2%", an amount for "3.01万亿日元") when there is one; for
    a ``level`` ("fell from 28.5% to 19%", "增长至100亿元") among the cues that are
    not a change."""
    if percent is not None:
        fitting = [c for c in cues if (c[3] == "%") == percent]
        if fitting:
            cues = fitting
        elif not percent and cues and all(c[3] == "%" and is_growth(c[2]) for c in cues):
            # "fell to around 2,300 yuan": a change names no amount's measure (下降 2300元)
            return None
    if level:
        levels = [c for c in cues if not is_growth(c[2])]
        if levels:
            cues = levels
    best = None
    for cue in cues:
        a, b = cue[0], cue[1]
        dist = start - b if b <= start else a - end if a >= end else 0
        if best is None or abs(dist) < best[0]:
            best = (abs(dist), cue)
    return best[1] if best else None


_SHARE_OF_RE = re.compile(
    r"(?<![市应])占(?![比率有据])(?:其|公司)?(?P<base>[\u4e00-\u9fff]{1,6}?)(?:的)?(?:比重|比例)?(?:约|达到|达|为|超过)?\s*$"
)
_WEIGHT_RE = re.compile(
    r"(?P<part>[\u4e00-\u9fff]{2,6}(?:[和与及、][\u4e00-\u9fff]{1,6})?)在(?P<base>[\u4e00-\u9fff]{2,8})中(?:所)?占(?:的)?(?:比重|比)(?:分别)?(?:约为|约|达到|达|为)?\s*$"
)
_SCOPE_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _scope_re() -> re.Pattern[str]:
    if "re" not in _SCOPE_RE_CACHE:
        scope = "|".join(re.escape(s) for s in words().scope_words)
        _SCOPE_RE_CACHE["re"] = re.compile(rf"((?:{scope})的?[\u4e00-\u9fff]{{0,3}})(?:[A-Za-z]{{2,5}})?$")
    return _SCOPE_RE_CACHE["re"]


def _stock_move(text: str, left: int, start: int, measure: str, unit: str) -> bool:
    before = text[max(left, start - 4) : start]
    if measure == "股价":
        return True
    if re.search(
        r"(?:收涨|收跌|上涨|下跌|大涨|大跌|涨停|跌停|涨了|跌了|起涨|涨|跌)\s*(?:约|近|超)?\s*$", before
    ):
        return unit in ("%", "倍") and not _cues(text, max(left, start - 8), start - 1)
    return unit == "倍" and bool(re.search(r"涨|股", text[max(left, start - 8) : start]))


_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}  # fmt: skip
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_EN_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
               "eleven": 11}  # fmt: skip
_QUARTERS = "一二三四"
_PERIOD_RE = re.compile(
    r"(?P<fq>第?(?P<fqn>[一二三四1-4])财季|(?:财年|财政年度|会计年度)第?(?P<fqy>[一二三四1-4])季度?"
    r"|fiscal (?P<fqe>first|second|third|fourth) quarter|\bQ(?P<fqq>[1-4]) FY ?\d{2,4}\b)"
    r"|(?P<nine>前三季度|前三季(?!度)|首三季度?|前三个季度|nine[- ]months|first three quarters)"
    r"|(?P<qm>quarter (?:to|ended|ending|through) (?:the end of )?(?P<qme>March|June|September|December))"
    # a quarter by its months: "the July-September period", "7-9月"
    r"|(?P<qr3>(?P<qrs>January|April|July|October)\s*(?:-|–|—|to|through)\s*(?P<qre>March|June|September|December)"
    r"|(?<![\d.])(?P<qzs>[147]|10)\s*[-—–~至]\s*(?P<qze>3|6|9|12)月份?(?![\d底初中末日号份]))"
    r"|(?P<q>第?(?P<qn>[一二三四1-4])季度|(?P<qr>[一二三四])季报|第(?P<qt>[一二三四])季(?!度)|\bQ(?P<qe>[1-4])\b"
    r"|(?P<qo>first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter)"
    # six months to a month-end ("截至2024年9月30日止六个月中期业绩"): a fiscal half unless it ends in June or December
    r"|(?P<six>截至(?:(?:19|20)\d{2}年)?(?P<sixm>\d{1,2})月(?:\d{1,2}日)?止?(?:的)?(?:六个月|半年)(?:中期业绩|中期报告|中期)?"
    r"|six months (?:ended|ending|to) (?:\d{1,2} )?(?P<sixe>March|June|September|December))"
    r"|(?P<h1>上半年|前半年|半年报|中报|中期业绩|中期报告|first[- ]half|\bH1\b)|(?P<h2>下半年|后半年|second[- ]half|\bH2\b)"
    r"|(?:前|头|首)(?P<mn>\d{1,2}|[一二两三四五六七八九十]{1,2})个?月|(?<![\d.])(?:1|一)\s*[-—–~至]\s*(?P<mr>\d{1,2}|[二三四五六七八九十]{1,2})月份?(?![\d底初中末日号份])|first (?P<mne>two|three|four|five|six|seven|eight|nine|ten|eleven) months"
    r"|(?P<mo>(?<!\d)(?:1[0-2]|[1-9])月份?(?:上旬|中旬|下旬)?(?![\d底初中末日号份]))"
    r"|(?<!ending )(?<!ended )\b(?:in|for|during)\s+(?P<moe>January|February|March|April|May|June|July|August|September|October|November|December)\b(?!\s+\d{1,2}\b)"
    r"|(?P<full>全年|全年度|年度|年报|full[- ]year|annual)",
    re.IGNORECASE,
)


def _period_before(periods: list[re.Match[str]], start: int, left: int = 0) -> str:
    """:func:`period_in` of the text before ``start``, from the sentence's period phrases found once
    (an English month only in the number's own clause, from ``left``: "…, which defaulted in
    October 2023, said its sales fell 68% in the first eight months")."""
    before = [p for p in periods if p.end() <= start and (p.start() >= left or not p.group("moe"))]
    return period_in(before[-1].group()) if before else ""


def _period_after(periods: list[re.Match[str]], end: int, right: int, clause: str = "") -> str:
    """The period the clause names after the number ("82 percent in the nine-months to September");
    not the month a running total was reached in ("shipments passed 50 million units in December
    2023": 截至, see :func:`extent_of`)."""
    after = [p for p in periods if end <= p.start() and p.end() <= right]
    if after and after[0].group("moe") and _RUNNING_EN_RE.search(clause):
        return ""
    return period_in(after[0].group()) if after else ""


_RUNNING_EN_RE = re.compile(r"\b(?:passed|surpassed|topped|exceeded|crossed|reached|hit)\b", re.IGNORECASE)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _ZH_DIGITS.get(word, 0)


def period_in(text: str) -> str:
    """The part of a year the last period phrase of ``text`` names, normalised
    (一季度, 上半年, 前4个月, 第三财季, 前三季度, 5月), or empty (a full year, or none)."""
    found = list(_PERIOD_RE.finditer(text))
    last = found[-1] if found else None
    if last is None or last.group("full"):
        return ""
    g = last.groupdict()
    if g["fq"]:
        digit = g["fqn"] or g["fqy"] or g["fqq"]
        n = _number(digit) if digit else _EN_ORDINALS[g["fqe"].lower()]
        return f"第{_QUARTERS[n - 1]}财季"
    if g["nine"]:
        return "前三季度"
    if g["qm"]:
        # "the quarter to March": the calendar quarter that month ends
        return f"{_QUARTERS[('march', 'june', 'september', 'december').index(g['qme'].lower())]}季度"
    if g["qr3"]:
        if g["qrs"]:
            first = ("january", "april", "july", "october").index(g["qrs"].lower())
            span = ("march", "june", "september", "december").index(g["qre"].lower()) - first
            # "July-September" is a quarter; "January to June" the first half
            if span == 0:
                return f"{_QUARTERS[first]}季度"
            return {(0, 1): "上半年", (0, 2): "前三季度", (2, 1): "下半年"}.get((first, span), "")
        first, last = int(g["qzs"]), int(g["qze"])
        if last == first + 2:
            return f"{_QUARTERS[first // 3]}季度"
        if first == 1:  # "1—6月": from January, as 前N个月 below
            return {6: "上半年", 9: "前三季度", 12: ""}.get(last, f"前{last}个月")
        return "下半年" if (first, last) == (7, 12) else ""
    if g["six"]:
        month = int(g["sixm"]) if g["sixm"] else _MONTHS_EN.index(g["sixe"].lower()) + 1
        return {6: "上半年", 12: "下半年"}.get(month, f"截至{month}月的六个月")
    if g["q"]:
        raw = g["qn"] or g["qr"] or g["qt"] or g["qe"]
        n = _number(raw) if raw else _EN_ORDINALS[g["qo"].lower()]
        return f"{_QUARTERS[n - 1]}季度"
    if g["h1"]:
        return "上半年"
    if g["h2"]:
        return "下半年"
    if g["mn"] or g["mr"] or g["mne"]:
        # "前8个月", "1-8月" (January to August), "first eight months"
        n = _number(g["mn"] or g["mr"]) if g["mn"] or g["mr"] else _EN_NUMBERS[g["mne"].lower()]
        return {6: "上半年", 9: "前三季度", 12: ""}.get(n, f"前{n}个月")
    if g["moe"]:
        return f"{_MONTHS_EN.index(g['moe'].lower()) + 1}月"  # "fell 26% in September"
    return g["mo"].rstrip("份")


def period_end_month(period: str) -> int | None:
    """The calendar month a normalised period (:func:`period_in`) ends in, or None for
    a fiscal period or an unknown one (its calendar is the company's own)."""
    if period in ("上半年", "二季度"):
        return 6
    if period in ("下半年", "四季度"):
        return 12
    if period in ("前三季度", "三季度"):
        return 9
    if period == "一季度":
        return 3
    if m := re.fullmatch(r"前(\d{1,2})个月|(\d{1,2})月(?:上旬|中旬|下旬)?|截至(\d{1,2})月的六个月", period):
        return int(m.group(1) or m.group(2) or m.group(3))
    return None


def year_before(period: str, date: str) -> int | None:
    """The year of the latest ``period`` that had ended by ``date`` (ISO), for a figure
    whose text names a period but no year ("上半年净亏损18.6亿元" in an article of
    2024-09-12: 2024's first half); None when the period is not a calendar one."""
    end = period_end_month(period)
    if end is None or not re.match(r"\d{4}-\d{2}", date):
        return None
    year, month = int(date[:4]), int(date[5:7])
    if re.fullmatch(r"\d{1,2}月", period) and 0 < end - month <= 2:
        # a month just ahead is this year's, announced ("自7月起每吨价格下调…" in June):
        # last year's would be written 去年7月
        return year
    return year if month >= end else year - 1  # written in its last month: this year's


_SCOPE_OPENERS_RE = re.compile(r"^\s*(?:其中|包括|of which|including)[，,]?\s*")
_PART_HEAD_RE = re.compile(
    r"^(?:.*的)?(?:公司|主要|核心|重要)*(?:原材料|原料|材料|产品|业务|部件|成本项|费用)?"
)
_BASELINE_RE = re.compile(r"(?:从|由|from)\s*$", re.IGNORECASE)
_YEARS_BACK_RE = re.compile(
    r"(?:过去|近|最近|在过去)(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,2})年|"
    r"(?:over|in) the (?:past|last) (?P<e>two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) years",
    re.IGNORECASE,
)


def _years_back(text: str) -> int | None:
    m = _YEARS_BACK_RE.search(text)
    if not m:
        return None
    word = m.group("n") or m.group("e")
    return _number(word) if m.group("n") else (int(word) if word.isdigit() else _EN_NUMBERS[word.lower()])


_REGION_ZH = r"(国内|国际|全球|海外|北美|欧洲|大中华区|中国内地|中国|美国|境内|境外|国外|东南亚|亚太|新加坡|马来西亚|日本|韩国|印度|英国|德国|香港)"
_REGION_EN = {
    "china": "中国", "the us": "美国", "the u.s.": "美国", "the united states": "美国", "america": "美国",
    "europe": "欧洲", "japan": "日本", "india": "印度", "north america": "北美", "the world": "全球",
    "world's": "全球", "global": "全球", "worldwide": "全球", "overseas": "海外", "us": "美国", "u.s.": "美国",
    "domestic": "国内", "southeast asia": "东南亚", "international": "国际", "greater china": "大中华区",
    "abroad": "海外", "outside china": "中国以外", "outside of china": "中国以外",
    "from international markets": "国际", "from overseas markets": "海外", "from overseas": "海外",
}  # fmt: skip
_REGION_EN_RE = re.compile(
    r"\b(?:in|across) (greater china|china|the us|the u\.s\.|the united states|america|europe|japan|india|north america|southeast asia"
    r"|the world)\b"
    r"|\b(world's|global|worldwide|overseas)\b|\b(china)'s\b"
    r"|\b(greater china|china|europe|japan|india|us|u\.s\.|domestic|international|north america)"
    r"(?= (?:comparable (?:store )?|same-store )?(?:revenue|sales|deliveries|market share|stores)\b)"
    # "earns 60% of its revenue abroad", "40% of its sales outside China"
    r"|(?:(?<=revenue )|(?<=sales ))(?:comes |come )?(abroad|overseas|outside (?:of )?china|from international markets"
    r"|from overseas markets|from overseas)\b",
    re.IGNORECASE,
)
_EN_CLAUSE_BREAK_RE = re.compile(
    r",\s+(?:as|while|because|but|which|after|and|although|though)\b|[;]|\.(?:\s|$)"
)
_REGION_MEASURES = (
    "市场份额",
    "营收占比",
    "销售额占比",
    "销量",
    "营收",
    "交付量",
    "出货量",
    "产量",
    "装机量",
    "消费量",
    "需求量",
    "业务量",
    "同店销售额",
    "门店数",
)


def regional_measure(region: str, measure: str) -> str:
    """``measure`` of one market ("中国" + 市场份额 → 中国市场份额, 出货量 → 中国出货量); a
    measure that is no market's (营收增长率) or names its market already stays as it is."""
    if not measure.startswith(_REGION_MEASURES):
        return measure
    return (
        region
        + ("市场" if measure in ("市场份额", "营收占比") and not region.endswith("以外") else "")
        + measure.replace("市场", "")
    )


_MARKET_FRAME_RE = re.compile(_REGION_ZH + r"[\u4e00-\u9fff]{0,8}?市场")


_MARKET_FRAME_EN_RE = re.compile(
    r"^\W*(?:(?:According to|In the) [^,]{1,30}, )?((?i:Global|Worldwide|World|China's|Chinese|Europe's|European|India's|Indian))"
    r"(?: (?:[a-z][a-z-]*|EVs?|NEVs?|PCs?|AI|LNG)){0,3} (?:shipments|sales|deliveries|registrations|market|demand|installations|output|production)\b",
)
_MARKETS_EN = {"global": "全球", "worldwide": "全球", "world": "全球", "china's": "中国", "chinese": "中国",
               "europe's": "欧洲", "european": "欧洲", "india's": "印度", "indian": "印度"}  # fmt: skip


def market_frame(sentence: str) -> str:
    """The market a sentence reports data of ("2024年第三季度中国智能手机市场出货量…": 中国;
    "Global smartphone shipments grew 5%…": 全球), or ""."""
    if m := _MARKET_FRAME_RE.search(sentence):
        return m.group(1)
    if sentence[:1].isascii() and (m := _MARKET_FRAME_EN_RE.match(sentence)):
        return _MARKETS_EN[m.group(1).lower()]  # (not "Global Payments said…", "China's BYD…")
    return ""


def _region(text: str, left: int, cue_start: int, start: int, end: int, right: int, measure: str) -> str:
    """The market a share, revenue or sales figure is of: "国内市场占有率", "国内市场贡献了
    公司68%的营业收入", "47%的营业收入来自中国内地之外", "its revenue in China",
    "36.8% of the world's EV batteries"; empty when the text names none."""
    if not measure.startswith(_REGION_MEASURES):
        return ""
    lead = text[left:cue_start]
    if m := re.search(_REGION_ZH + r"(?:市场)?的?$", lead):
        return m.group(1)
    head = next(r for r in _REGION_MEASURES if measure.startswith(r))
    pattern = _region_cues(head)
    if pattern is not None and (m := pattern.search(lead)):
        return m.group(1)  # "特斯拉在中国的销量下滑了5%"
    if measure in ("市场份额", "营收占比") and (m := re.search(_REGION_ZH, text[left:start])):
        return m.group(1)
    if m := re.match(
        r"\s*的?(?:营业收入|营收|收入|销售额|销量)来自([\u4e00-\u9fff]{2,8}?)(之外|以外)", text[end:right]
    ):
        return m.group(1) + "以外"
    if text[max(0, start - 80) : start].isascii():
        # after the number, only its own clause ("…rose 16 per cent to Rmb14.8bn, as Chinese
        # travellers returned to overseas destinations": a reason, not the revenue's market)
        tail = _EN_CLAUSE_BREAK_RE.search(text, end, min(len(text), end + 60))
        # …and before it, only its own clause ("Global shipments grew 5%, and Apple shipped
        # 56.5 million iPhones in China": China's)
        head = max(
            (m.end() for m in _EN_CLAUSE_BREAK_RE.finditer(text, max(0, start - 80), start)),
            default=max(0, start - 80),
        )
        found = list(_REGION_EN_RE.finditer(text, head, tail.start() if tail else min(len(text), end + 60)))
        before = [r for r in found if r.end() <= start]
        if found:
            # The region named last before the number ("In North America, … fell 2%, while
            # China … dropped 14%"), else the first after it ("36.8% of the world's…").
            last = before[-1] if before else found[0]
            word = (last.group(1) or last.group(2) or last.group(3) or last.group(4) or last.group(5)).lower()
            return _REGION_EN.get(word, "")
    return ""


@functools.cache
def _scope_data() -> dict:
    return data_yaml("figure_scopes.yaml") or {}


@functools.cache
def _share_markets() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _scope_data().get("share_markets", []))


def share_market(before: str) -> str:
    """The product a sentence says, before a market share, its owner makes ("是全国最大的
    杏仁露生产企业，…，市场占有率90%": 杏仁露): the market the share is of; empty when
    it says none (``share_markets`` of figure_scopes.yaml)."""
    found = [m for p in _share_markets() for m in p.finditer(before)]
    if not found:
        return ""
    product = max(found, key=lambda m: m.start()).group("product")
    return "" if product in _scope_data().get("whole", []) else product


_TIME_LEAD_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*(?:财政?|会计)?年?(?:底|末|初|度)?的?|今年|去年|前年|目前|当前|截至目前|第?[一二三四]季度|"
    r"上半年|下半年|全年|(?:前|头)\d+个?月|\d{1,2}月份?|其中|此外|同时|另外|而|但|则|又)+"
)
_PURPOSE_RE = re.compile(
    r"^[^，。；,;]{0,4}?(?:用于|来自|源自)((?:支持|激励|扶持|鼓励|补贴|资助|奖励|建设|发展)(?:和|与|及|、)?)*"
    r"([\u4e00-\u9fffA-Za-z0-9]{2,14}?)(?:创新|发展|建设)?(?=[，。；,;]|$)"
)


@functools.cache
def _from_en_re() -> re.Pattern[str]:
    """ "from the Snapdragon 820 orders": a named thing and the English noun it ends with."""
    nouns = "|".join(sorted(map(re.escape, _scope_data().get("english_heads", {})), key=len, reverse=True))
    return re.compile(
        rf"\bfrom (?:the |its |their |a |an )?([A-Z0-9][\w\-]*(?:\s+[\w\-]+){{0,3}}?)\s+({nouns})\b"
    )


@functools.cache
def _en_product_re() -> re.Pattern[str]:
    """A product named right before an English measure, mid-sentence (``english_product_nouns``)."""
    nouns = "|".join(
        sorted(map(re.escape, _scope_data().get("english_product_nouns") or ()), key=len, reverse=True)
    )
    return re.compile(
        r"(?:\b(?:its|their|the|that)\s+|(?<=[a-z,]\s))"
        r"([A-Z][A-Za-z]*(?:\s+(?:[A-Z][A-Za-z]*|\d+[A-Za-z]?))*)\s+"
        rf"(?:(?:{nouns or '(?!)'})\s+)?(?:(?:had|has|have)\s+)?$"
    )


def _en_product(name: str) -> bool:
    """A capitalised name before an English measure is a product, not a place ("its China
    revenue": the region is the measure's), a people or an organisation."""
    w = words()
    first = name.split(maxsplit=1)[0]
    return not (
        name in w.en_places
        or first in w.en_places
        or first in w.en_not_names
        or first.lower() in _demonyms()
        or gazetteer().canonical(name)
        or gazetteer().canonical(first)
    )


@functools.cache
def _demonyms() -> frozenset[str]:
    return frozenset(line.lower() for line in data_lines("demonyms_en.txt"))


_PLACE_RE = re.compile(r"在([\u4e00-\u9fff]{2,8}?)(?:投资|新建|建设|扩建|兴建|建)?$")
_PLANT_RE = re.compile(
    r"^[^，。；]{0,2}?(?:建设|新建|兴建|扩建|建)([\u4e00-\u9fff]{0,6}?(?:工厂|基地|产线|项目|园区))"
)
_PLACE_MEASURES = ("产能", "投资", "产量")


def _dated(phrase: str) -> bool:
    """The phrase holds a year or a number that is no model name or size ("2025年的
    手机", "3家门店"): a cut clause, never a segment; "Model 3", "800G光模块",
    "12英寸晶圆" are segments."""
    if re.search(r"(?:19|20)\d{2}|\d\s*(?:年|月|季|日)", phrase):
        return True
    # A product's size or generation is a segment: "12英寸晶圆", "800G光模块", "第5代".
    spec = re.sub(r"[A-Za-z]+[\s-]?\d+[A-Za-z]*", "", phrase)  # "Model 3", "Snapdragon 820"
    spec = re.sub(r"\d+(?:\.\d+)?\s*(?:[A-Za-z]+|英寸|寸|吋|纳米|微米|代|系)", "", spec)
    return bool(re.search(r"\d", spec))


def _phrase_ok(phrase: str, measure: str) -> bool:
    """A narrowing phrase that is a noun phrase of its own (no verb, time word or
    pronoun) and that the measure does not already name."""
    data = _scope_data()
    if (
        not re.fullmatch(
            r"[\u4e00-\u9fffA-Za-z0-9 ]{1,14}(?:-[A-Za-z0-9][\u4e00-\u9fffA-Za-z0-9 ]{0,12})?", phrase
        )
        or len(phrase) < 2
        or phrase in data.get("whole", [])
    ):
        return False
    if _dated(phrase):
        return False  # "荣耀2025年的手机": a clause with a subject of its own, not a segment
    if any(w in phrase for w in data.get("not_in", [])):
        return False
    bare = phrase.replace("的", "")
    return not measure.startswith(bare) and bare not in measure


def narrowing(text: str, left: int, right: int, cue_start: int, start: int, end: int, measure: str) -> str:
    """The phrase of a figure's own clause that narrows its measure: a product or
    segment right before the measure ("宝钢冷板销量": 宝钢冷板, the owner's name is
    taken off later), a direction of trade (出口销量), the market a share is of
    ("占国内冷轧汽车板50.1%的份额": 冷轧汽车板), a place or plant ("在匈牙利德布勒森
    投资73.4亿欧元建设电池基地"), a purpose or origin after the number (用于X, 来自X,
    "revenue from the Snapdragon 820 orders"); empty when the clause names none."""
    data = _scope_data()
    heads = tuple(sorted(data.get("heads", []), key=len, reverse=True))
    tail = text[end:right]
    if (
        (m := _PURPOSE_RE.match(tail))
        and not re.match(r"之外|以外", tail[m.end(2) :])  # "来自中国内地之外": a region, see _region
        and (_phrase_ok(m.group(2), measure) or m.group(2).isascii())
    ):
        return m.group(2)
    if text[left:right].isascii() and (m := _from_en_re().search(tail)):
        noun = _scope_data().get("english_heads", {}).get(m.group(2).lower())
        if noun:
            return m.group(1).strip() + noun
    lead = text[left:cue_start] if cue_start < start else text[left:start]
    if lead.isascii() and (product := _en_product_re().search(lead)) and _en_product(product.group(1)):
        return product.group(1)  # "its Switch console had sold…", "PlayStation 5 shipments"
    if lead.isascii() and (m := re.search(r"([A-Za-z]+)\s+$", lead)):
        return str(data.get("english_lead", {}).get(m.group(1).lower(), ""))  # "automotive gross margin"
    if measure.startswith(_PLACE_MEASURES) and (m := _PLACE_RE.search(text[left:start])):
        place = m.group(1)
        if not re.fullmatch(_REGION_ZH, place) and not place.endswith(("市场", "方面", "领域", "上", "中")):
            plant = _PLANT_RE.match(text[end:right])
            return place + (plant.group(1) if plant else "")
    if cue_start < start and (title := _title_scope(text[left:cue_start])):
        return title  # "《原神》上线三年全球移动端收入": the game's, not its maker's whole revenue
    if cue_start < start:
        before = re.sub(r"的$", "", text[left:cue_start].rstrip())
        for d in data.get("directions", []):
            if before.endswith(d) and not measure.startswith(d):
                return d
        phrase = _TIME_LEAD_RE.sub("", re.sub(r"^.*[^\u4e00-\u9fffA-Za-z0-9]", "", before))
        for total in data.get("total_words", []):
            # "手机总销量", "智能手机合计出货量": the product's total is still the product's
            if phrase.endswith(total) and len(phrase) > len(total):
                phrase = phrase[: -len(total)]
                break
        if phrase.endswith(heads) or (
            measure.startswith(_SEGMENT_MEASURES) and phrase.endswith(tuple(data.get("segment_heads", [])))
        ):
            return phrase
    elif (
        measure.endswith(("份额", "占比"))
        and (m := re.search(r"占(?:据)?了?" + _REGION_ZH + r"?([\u4e00-\u9fff]{2,10}?)(?:市场)?的?$", lead))
        and m.group(2).endswith(heads)
        and _phrase_ok(m.group(2), measure)
    ):
        return m.group(2)
    if m := _PART_SUBJECT_RE.match(text):
        return m.group(1)  # "这是应用材料营收占比最大的部门，2015的营收占总营收的64%": the segment's
    return ""


# A sentence about a part of a company named just before it ("Silicon Systems：这是
# 应用材料营收占比最大的部门，…"): its figures are that part's.
_PART_SUBJECT_RE = re.compile(
    r"[「“\"]?(?:这|该|此)(?:是|个|一)?([\u4e00-\u9fffA-Za-z0-9]{0,16}?(?:部门|业务|板块|事业部|事业群|分部))[，,]"
)


_SEGMENT_MEASURES = ("营收", "利润", "净利润", "营业利润", "毛利")


def _segment_ok(phrase: str, measure: str) -> bool:
    """A business line before a revenue or profit word ("本土市场游戏", "游戏及相关增值
    服务"): may name its market or join two lines, never hold a verb or a time word."""
    data = _scope_data()
    if not measure.startswith(_SEGMENT_MEASURES) or not phrase.endswith(tuple(data.get("segment_heads", []))):
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,14}", phrase) or _dated(phrase):
        return False
    allowed = tuple(data.get("segment_allows", []))
    rest = phrase
    for word in sorted(allowed, key=len, reverse=True):
        rest = rest.replace(word, "")
    return not any(w in rest for w in data.get("not_in", []))


def own_scope(narrow: str, text: str, orgs: list[OrgRef], measure: str, owner: str = "") -> str:
    """``narrow`` without its owner's name at its head ("宝钢冷板" → 冷板), when
    what is left narrows the measure ("from the Apple modem orders" keeps Apple)."""
    for o in sorted(orgs, key=lambda o: o.start - o.end):
        if owner and o.name != owner:
            continue
        surface = text[o.start : o.end]
        if surface and narrow.startswith(surface):
            narrow = narrow[len(surface) :]
            break
    if narrow.startswith("《"):
        return narrow  # a work named in 《》 (see _title_scope)
    narrow = _TIME_LEAD_RE.sub(
        "", re.sub(r"^(?:的|在|之|其(?![中他它余实次])|该公司|公司)", "", narrow).strip()
    )
    if (region := re.match(r"(?:全球|国内|海外|国际|全国)(?:的)?", narrow)) and region.group().rstrip(
        "的"
    ) in measure:
        narrow = narrow[region.end() :]  # "全球动力电池市占率": the measure (全球市场份额) says 全球
    if _dated(narrow):
        return ""
    if re.search(r"[A-Za-z]", narrow):  # "Snapdragon 820订单": a name the checks below do not fit
        return narrow if len(narrow) >= 2 else ""
    if _phrase_ok(narrow, measure) or _segment_ok(narrow, measure):
        return narrow
    # A segment the sentence is about ("营收占比最大的部门") may compare itself: kept,
    # unless it is the whole business (主营业务, 全部业务).
    part = re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]{2,14}(?:部门|业务|板块|事业部|事业群|分部)", narrow)
    named = narrow.replace("的", "") in measure  # "合作伙伴的业务增长率": the measure says it
    return narrow if part and not named and not re.search(r"主营|全部|整体|公司|集团|总", narrow) else ""


_LATIN_UNIT = r"[A-Z][A-Za-z0-9&\-]*(?:[ \t]+[A-Za-z0-9&\-]+){0,3}"


def named_unit(scope: str, sentence: str, before: str) -> str:
    """The unit a describing scope points back to: "这是应用材料营收占比最大的部门，…占总营收的
    64%" after "应材的主要营业部门Silicon systems：" is Silicon systems部门's share; else
    ``scope`` as it is (``unit_heads``, ``unit_pointers`` in ``figure_scopes.yaml``)."""
    data = _scope_data()
    heads = sorted(data.get("unit_heads") or (), key=len, reverse=True)
    head = next((h for h in heads if scope.endswith(h)), None)
    opening = sentence.lstrip("「『“\"'（( \t")
    if head is None or not opening.startswith(tuple(data.get("unit_pointers") or ())):
        return scope
    h = re.escape(head)
    quoted = r"[“「『\"](?P<{}>[^”」』\"\n]{{2,16}})[”」』\"]"
    named = re.compile(
        rf"{h}\s*[：:]?\s*(?P<a>{_LATIN_UNIT})|(?P<b>{_LATIN_UNIT})\s*{h}|"
        + quoted.format("c")
        + rf"\s*{h}|{h}\s*"
        + quoted.format("d")
    )
    found = [next(g for g in m.groups() if g) for m in named.finditer(before)]
    if not found:
        return scope
    name = found[-1].strip()
    return name if name.endswith(head) else f"{name}{head}"


@functools.cache
def _rank_re() -> re.Pattern[str]:
    verbs = "|".join(re.escape(w) for w in words().ranking_words)
    return re.compile(rf"\s*(?:的(?:市场)?份额)?\s*(?:{verbs})第")


def _ranked_share(text: str, left: int, start: int, end: int) -> bool:
    """ "X以18%位列第一": the number is X's share in the ranking the sentence's market
    names (the clause says 以 before it and a place in a ranking after it)."""
    return text[left:start].rstrip().endswith("以") and bool(_rank_re().match(text, end))


def _list_head(text: str, masked: str, left: int) -> str:
    """The share measure a heading names when a list follows its colon
    ("2023年中国公有云市场份额排名：阿里云39%、…", "市占率依次为：…"), else ""."""
    if left < 2 or masked[left - 1] not in "：:":
        return ""
    start = max(masked.rfind(c, 0, left - 1) for c in CLAUSE_BREAKS) + 1
    cues = [c for c in _cues(text, start, left - 1) if c[2].endswith("市场份额")]
    tail = re.sub(r"\s+", "", text[cues[-1][1] : left - 1]) if cues else ""
    for word in words().list_head_words:
        tail = tail.replace(word, "")
    return cues[-1][2] if cues and not tail else ""


_TENTHS_UNIT = r"成(?!本|员|功|为|交|果|绩|立|长|熟|型|品|效|就|因|分|年|都|了|则|套|批|群|份|熟)"
_CN_TENTHS_RE = re.compile(
    r"(?<=[占逾超近约达至到低高降升增减跌涨过足为有是的、])([一两二三四五六七八九])" + _TENTHS_UNIT
)
_CN_TENTHS_RANGE_RE = re.compile(
    r"(?<=[占逾超近约达低高降升增减跌涨过足为有是的、])([一两二三四五六七八九])([至到])([两二三四五六七八九])"
    + _TENTHS_UNIT
)
_CN_DIGITS = {
    "一": "1",
    "两": "2",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}


def figures_in(text: str) -> list[Hit]:
    """Each measured number in a sentence (see :func:`_figures_in`); tenths written
    with a Chinese numeral ("占总收入逾六成", "低两至三成") are read as percentages,
    their raw text kept as written."""
    if "成" not in text:
        return _figures_in(text)
    work = _CN_TENTHS_RANGE_RE.sub(
        lambda m: _CN_DIGITS[m.group(1)] + m.group(2) + _CN_DIGITS[m.group(3)] + "成", text
    )
    work = _CN_TENTHS_RE.sub(lambda m: _CN_DIGITS[m.group(1)] + "成", work)
    if work == text:
        return _figures_in(text)
    out = []
    for h in _figures_in(work):  # one character for one: the offsets hold in the text as written
        at = work.find(h.raw, max(h.start - len(h.raw), 0))
        out.append(dataclasses.replace(h, raw=text[at : at + len(h.raw)]) if at >= 0 else h)
    return out


def _figures_in(text: str) -> list[Hit]:
    """Each measured number in a sentence (Simplified Chinese or English).

    A number the clause calls a goal ("目标是在2025年拿下5%的市占率") gets a
    measure ending in 目标, a forecast ("预计", "is projected to") one ending in
    预测; "占营收的26.9%" after "研发投入61.5亿元" is "研发投入占营收比例";
    a growth rate names what grew ("营业收入8.04亿元，同比下降4.88%" →
    营收同比下降); a measure of someone else's ("合作伙伴的业务增长率") keeps
    whose it is (合作伙伴业务增长率).
    """
    masked = mask_parentheses(text)
    out: list[Hit] = []
    parts: list[str] = []
    years_back: int | None = None
    periods: list[re.Match[str]] | None = None
    for m in _num_re().finditer(text):
        num = m.group("num")
        after = text[m.end() : m.end() + 1]
        before = text[max(m.start("num") - 1, 0) : m.start("num")]
        mult = m.group("mult") or m.group("m1")
        unit = m.group("unit") or (m.group("u1") if m.group("num2") else None)
        if (after and after in "年月日号期届时代") or (before and before in "第前/-.:"):
            continue
        if re.match(r"\s*vol\b", text[m.end() : m.end() + 5], re.IGNORECASE):
            continue  # "53%vol": alcohol by volume, a product's name
        if not (unit or m.group("cur")) and (count := _en_count_re().match(text, m.end())):
            unit = count.group(1)  # "opened 526 net new stores": the count's noun after its adjectives
        if not (mult or unit or m.group("cur")):
            continue
        if re.match(r"(?:19|20)\d{2}$", num) and not (unit or mult):
            continue
        if (
            re.search(r"差距|相差|是[^，。；]{1,8}的$", text[max(0, m.start() - 12) : m.start()])
            and unit == "倍"
        ):
            continue  # "市值差距超过100倍", "中国是美国的9倍": a ratio between two, no one's figure
        if masked[m.start("num")] == "□" and not (mult or unit):
            continue  # inside brackets without a unit: a stock code or a note
        left, right = clause_bounds(masked, m.start(), m.end())
        inside = bracket_bounds(masked, m.start("num"))
        if inside:
            left, right = clause_bounds(text[: inside[1]], m.start(), m.end())
            left = max(left, inside[0])
        cues = _cues(text, left, right)
        written_unit = (m.group("unit") or m.group("u1") or "").lower()
        percent = True if written_unit in ("%", "％", "percent", "per cent", "pct", "成") else None
        if percent is None and (written_unit or m.group("cur")):
            percent = False
        lead = text[left : m.start()]
        level = bool(
            re.search(
                r"(?:\b(?:from|to|at)|从|由|至|到)\s*(?:about|around|roughly|nearly|约|近)?\s*$", lead, re.I
            )
        )
        money = (
            bool(m.group("cur"))
            or unit_name(written_unit).removeprefix("亿").removeprefix("万") in _MONEY_UNITS
        )
        if money:
            # "parcels under €150": an amount of money is no count's measure (业务量, 件)
            # nor a share's or a ratio's ("600美元以上价位段的份额": a price band)
            cues = [c for c in cues if c[3] in ("", "元", "%") and not c[2].endswith(_RATIO_ENDINGS)]
        cue = _nearest(cues, m.start(), m.end(), percent, level)
        stock = False
        listed = False
        carried = ""
        scope_at = -1
        if cue is None and (carry := _carried(text, masked, left, m, out)):
            # "采购金额同比上升了35%，达到2.72亿元": the level of what the clause before grew.
            cue = (m.start(), m.start(), carry, "")
            carried = out[-1].narrow
        if cue is None:
            if re.search(r"(?:收涨|收跌|上涨|下跌|涨|跌)\s*$", text[max(left, m.start() - 4) : m.start()]):
                cue = (m.start(), m.start(), "股价涨跌", "%")
            elif percent and out and out[-1].measure.endswith("市场份额"):
                # "台积电市占率61.7%，三星电子以11%位居第二": the list's measure, its market included.
                cue = (m.start(), m.start(), out[-1].measure, "%")
                listed = True
            elif percent and (head := _list_head(text, masked, left)):
                # "份额排名：阿里云39%、华为云19%": the share the heading before the colon names.
                cue = (m.start(), m.start(), head, "%")
                listed = True
            elif percent and "市场" in text[:left] and _ranked_share(text, left, m.start(), m.end()):
                # "在咖啡市场，瑞幸咖啡以18%位列第一": a place in a market's ranking by share.
                cue = (m.start(), m.start(), "市场份额", "%")
                listed = True
            else:
                continue
        cue_start, cue_end, measure, default_unit = cue
        factor = _MULT.get((mult or "").lower(), 1.0)
        # 8.8 × 1e8 is 880000000.0000001 in binary floating point
        value = float(f"{float(num.replace(',', '')) * factor:.12g}")
        value_max = None
        if m.group("num2"):
            value_max = float(f"{float(m.group('num2').replace(',', '')) * factor:.12g}")
        unit = unit_name(unit or "")
        if unit == "成":  # tenths: 六成 is 60%
            value, unit = float(f"{value * 10:.12g}"), "%"
            value_max = float(f"{value_max * 10:.12g}") if value_max is not None else None
        sign = (m.group("cur") or "").upper()
        if sign and unit in ("", "元", "美元"):
            unit = CURRENCY_SIGNS.get(sign, unit)
        elif not unit:
            unit = default_unit if (mult or default_unit != "%") else ""
            if unit in _MONEY_UNITS and text[left:right].isascii():
                unit = ""  # "revenue of 4.2 billion": an English amount names its currency or has none
        if unit in _MONEY_UNITS and (priced := _money_volumes()[0].get(measure)):
            if text[cue_start:cue_end].lower() in _money_volumes()[1]:
                continue  # "sold its stake for $2 billion": a price, no volume
            measure = priced  # "Sales reached $2 billion": the amount sold
        elif (
            unit not in _MONEY_UNITS
            and unit not in ("", "%", "个百分点")
            and (counted := _counted_money().get(measure))
        ):
            measure = counted  # "sales reached 242,765 vehicles": units sold
        if unit == "个百分点" and not measure.endswith(("率", "份额", "占比")):
            measure = measure + "变化"
        elif unit == "个百分点" and _COMPARED_WITH_RE.search(text, cue_end, m.start()):
            # points set against another's: "毛利率较国内业务高出约8个百分点" is the gap
            # between two margins, not a margin
            measure += "差"
        if (
            out
            and out[-1].unit == unit
            and out[-1].value_max is None
            and out[-1].end >= left
            and re.fullmatch(r"\s*(?:至|到|~|～|—|–)\s*", text[out[-1].end : m.start()])
            and not re.search(r"[从由]", text[left : out[-1].start])
            and value > out[-1].value
            # "净利润下降2亿元至8亿元": a change, then the level it reached; but an amount's
            # growth "同比增长24%至38%" has no level in %: a range of the growth
            and (
                not _CHANGE_BY_RE.search(text[left : out[-1].start])
                or (unit == "%" and not re.search(r"(?:率|份额|占比|比重|比例)", out[-1].measure))
            )
        ):
            # "净亏损48.8亿元至55.3亿元", the unit written twice: one range ("从100亿元增至…" is two)
            out[-1] = dataclasses.replace(
                out[-1], end=m.end(), value_max=value, raw=text[out[-1].start : m.end()].strip()
            )
            continue
        if (
            out
            and out[-1].unit == unit
            and out[-1].value_max is None
            and re.fullmatch(r"\s+to\s+", text[out[-1].end : m.start()])
            and (
                re.search(r"\b(?:of|between|by)\s*$", text[: out[-1].start])
                # guidance: "expects net sales to grow 3.75% to 4.75%"
                or (out[-1].kind != FACT and "from" not in text[left : out[-1].start].lower())
            )
        ):
            # "revenue growth of 1% to 3%": one range, not two figures ("from 28.5% to 19%" stays two)
            out[-1] = dataclasses.replace(
                out[-1], end=m.end(), value_max=value, raw=text[out[-1].start : m.end()].strip()
            )
            continue
        if (
            out
            and out[-1].end >= left
            and re.fullmatch(r"\s*(?:和|、|与|及|以及|,|，)\s*", text[out[-1].end : m.start()])
            and out[-1].unit == unit
        ):
            # "分别约为15%和46%": the second number measures what the first does, or
            # the next of the parts the clause lists ("杏仁和马口铁在成本中占比分别…").
            measure = out[-1].measure
            if parts and len(out) >= 1:
                k = sum(1 for h in out if h.start >= left) if out else 0
                if k < len(parts):
                    measure = measure.replace(parts[0], parts[k], 1) if parts[0] in measure else measure
            out.append(
                Hit(
                    _own_start(m),
                    m.end(),
                    float(f"{float(num.replace(',', '')) * factor:.12g}"),
                    unit,
                    measure,
                    m.group().strip(),
                    out[-1].qualifier,
                    None,
                    out[-1].stock,
                    out[-1].scope,
                    out[-1].period,
                    out[-1].listed,
                    None,
                    out[-1].kind,
                )
            )
            continue
        share_of = (
            _SHARE_OF_RE.search(text[left : m.start()])
            if unit == "%" and not re.match(r"\s*的?(?:市场)?(?:份额|占有率)", text[m.end() :])
            else None
        )  # "占国内热轧板18.2%的份额" is a market share, see narrowing()
        weight = _WEIGHT_RE.search(text[left : m.start()]) if unit == "%" else None
        if weight:
            part = re.sub(r"^(?:两家|三家|其|该|这|公司)", "", weight.group("part"))
            pieces = [p for p in re.split(r"[和与及、]", part) if p]
            if len(pieces) >= 2 and "分别" in text[left:right]:
                # "原料杏仁和马口铁在成本中占比分别约为15%和46%": one share per part.
                pieces[0] = _PART_HEAD_RE.sub("", pieces[0]) or pieces[0]
                parts = pieces
                part = pieces[0]
            measure = f"{part}占{weight.group('base')}比重"
        elif share_of:
            previous = out[-1].measure if out and out[-1].end >= left - 1 else ""
            if not previous and (
                part := re.fullmatch(
                    r"\s*(?:其|该公司|公司)?([\u4e00-\u9fff]{2,8}?)\s*", text[left : left + share_of.start()]
                )
            ):
                previous = part.group(1)  # "其先进制程占营收比重约65%": the part that takes the share
                # …not whose it is ("三一重工海外收入占总收入的60%": 海外收入)
                named = [n for n in gazetteer().find(previous) if n.start == 0]
                if named and len(previous) > named[0].end:
                    previous = previous[named[0].end :]
            measure = f"{previous}占{share_of.group('base')}比例"
            if previous and out and out[-1].end >= left - 1:
                carried = carried or out[-1].narrow  # "关联交易采购金额…，占营业收入的15%"
        elif unit == "%" and measure in _GROWTH:
            amounts = [c for c in cues if c[2] in _amount_measures()]
            # The amount named nearest before the rate ("客户上汽大众…销量分别增长6%": 销量).
            base_cue = next(
                (c for c in reversed(amounts) if c[1] <= cue_start), amounts[0] if amounts else None
            )
            base = base_cue[2] if base_cue else ""
            if base_cue and base_cue[0] < cue_start:
                scope_at = base_cue[0]  # "关联交易采购金额同比上升35%": what narrows the amount
            bare = re.fullmatch(
                r"\s*(?:较|比|与)?(?:上年|去年|上年同期|去年同期|上一年|前一年)?(?:同期)?(?:同比|环比|按年|按年度|年比)?"
                r"(?:大幅|小幅|略有|明显)?\s*",
                text[left:cue_start],
            )
            if not base and left >= 2 and "分别" in text[left:right]:
                # "这两大客户今年以来销量远超行业平均水平，头4个月分别同比增长38%": what grew
                # is the amount the clause before names (without a number of its own).
                lo = clause_bounds(masked, left - 2, left - 2)[0]
                named = [c[2] for c in _cues(text, lo, left - 1) if c[2] in _amount_measures()]
                base = named[-1] if named and not re.search(r"\d", text[lo:left]) else ""
            if (
                not base
                and bare
                and out
                and _is_amount(out[-1].measure)
                and out[-1].end >= left - (48 if text[left:right].isascii() else 16)
            ):
                base = out[-1].measure  # "营业收入8.04亿元，同比下降4.88%"
            elif not base and text[left:right].isascii() and out and out[-1].measure.endswith(_GROWTH):
                base = next(
                    (g for g in _AMOUNTS if out[-1].measure.startswith(g)), ""
                )  # "…while Alibaba's rose 34%"
            elif (
                not base
                and bare
                and out
                and out[-1].measure.endswith(("目标", "预测"))
                and out[-1].end >= left - 8
            ):
                base = out[-1].measure  # "销售目标为400万辆，较去年增长12%"
            if any(
                c[2] == "股价"
                and (base_cue is None or c[0] > base_cue[0])
                and c[1] <= cue_start
                and not re.search(r"[，,;；。]|\d", text[c[1] : cue_start])
                for c in cues
            ):
                base = "股价"  # "Shares in Maersk fell 17%", "its share price rose 5%": the price's change
            compared = re.search(r"(同比|环比|按年)", text[left:cue_start])
            if measure in ("增长", "下降") and compared:
                # "同比大幅下降52.73%"; Hong Kong's 按年 is 同比
                measure = compared.group(1).replace("按年", "同比") + measure
            if base.endswith(("目标", "预测")):
                # "销售目标为400万辆，较去年增长12%": the goal's growth is a goal too (销量增长目标)
                measure = f"{base[:-2]}{measure}{base[-2:]}"
            else:
                measure = f"{base}{measure}" if base else measure
        elif (
            unit == "%"
            and measure == "占比"
            and out
            and out[-1].measure == "市场份额"
            and out[-1].end >= left - 40
        ):
            measure = "市场份额"  # "占据了45.5%的市场份额;腾讯占比10.3%"
        elif unit == "%" and measure == "股价":
            measure = "股价涨跌"
        elif unit == "%" and measure == "价格":
            measure = "价格变化"  # "raised its factory price by about 20%": no price is a share
        elif (
            unit == "%"
            and default_unit != "%"
            and cue_end <= m.start()
            and (changed := change_by(text[cue_end : m.start()], measure, unit)) != measure
        ):
            measure = changed  # "净利润减少5%": a fall, not a share
        elif (
            unit == "%"
            and default_unit != "%"
            and cue_end <= m.start()
            and re.search(
                r"(?:恢复|回升|回到)(?:至|到)?[^，。；]{0,12}(?:同期|水平)的?\s*$", text[cue_end : m.start()]
            )
        ):
            measure += "恢复率"  # "预订量已恢复至2019年同期的120%": a level against a base, no share
        elif unit == "%" and default_unit != "%" and measure not in _GROWTH and measure != "股价涨跌":
            measure = {"亏损": "亏损率"}.get(measure, f"{measure}占比")
        elif unit != "%" and cue_end <= m.start():
            measure = change_by(text[cue_end : m.start()], measure, unit)  # "营收减少10亿元"
        if (
            unit != "%"
            and (
                cut := re.search(
                    r"(压减|削减|缩减|减少|下调|砍掉)[\u4e00-\u9fff]{0,3}$", text[left:cue_start]
                )
            )
            and not measure.startswith(cut.group(1))
        ):
            measure = cut.group(1) + measure  # "将主动压减粗钢产量约1000万吨": a cut, not the output
        if measure == "占比" and (
            part := _share_of(text[left:cue_start]) or _share_before(text, left, cue_start)
        ):
            measure = part + measure  # "比亚迪纯电车型销量占比达到52%": the share of that part's sales
        if (
            (unit or m.group("unit")) != "%"
            and (measure.endswith("数") or measure in _FLOW_MEASURES)
            and (flow := flow_prefix(text, left, cue_start, cue_end, m.start(), m.end()))
            and not measure.startswith(flow)
        ):
            measure = flow + measure  # "新开门店2342家": stores opened, not the store count
        region_name = _region(text, left, cue_start, m.start(), m.end(), right, measure)
        if region_name:
            measure = regional_measure(region_name, measure)
        scope = _scope_re().search(text[left:cue_start]) if cue_start > left else None
        if scope and not any(measure.startswith(s) for s in words().scope_words):
            measure = re.sub(r"的", "", scope.group(1)) + measure
        part_scope = ""
        if opener := _SCOPE_OPENERS_RE.match(text[left:cue_start]):
            # "其中上海超级工厂交付约94.7万辆": a part of what the previous clause counted.
            part_scope = re.sub(
                r"^(?:在|的)|(?:的|在|共|累计|合计|仅|约|则|也|还)+$",
                "",
                text[left + opener.end() : cue_start],
            ).strip()
            if (
                len(part_scope) > 16
                or re.search(r"\d", part_scope)
                or measure.startswith(part_scope)
                or measure.startswith(part_scope.removesuffix("市场") or "-")  # "其中中国市场营收": 中国营收
            ):
                part_scope = ""
        elif measure.endswith(("市场份额", "营收", "销量", "营收占比")) and left >= 2:
            # "铝制摩轮业务全球规模第一，市场份额达到22%": the business line the share is of.
            lo = clause_bounds(masked, left - 2, left - 2)[0]
            before_cue = (
                text[lo:cue_start] if not re.search(r"\d", text[lo : left - 1]) else text[left:cue_start]
            )
            if business := re.search(r"(?![年月季度日])([\u4e00-\u9fff]{2,6}?)业务", before_cue):
                part_scope = business.group(1) + "业务"
                if measure == "市场份额" and "全球" in before_cue:
                    measure = "全球市场份额"
        clause = text[left:right].lower()
        if (joined := _EN_NEXT_VERB_RE.search(text, m.end(), right)) is not None:
            # "…had delivered 10 units and expects to deliver 500": the next verb's expectation
            # is not this figure's
            clause = text[left : joined.start()].lower()
        if (
            out
            and out[-1].measure.endswith(("目标", "预测"))
            and out[-1].end >= left - 2
            and text[left:cue_start].strip() == ""
            and not measure.endswith(("目标", "预测"))
        ):
            clause += " " + ("预计" if out[-1].measure.endswith("预测") else "目标")  # "…，净利润1万亿日元"
        stock = measure == "股价涨跌" or _stock_move(text, left, m.start(), measure, unit)
        if stock:
            measure = "股价涨跌" if measure != "股价" else measure
        elif measure.endswith(("目标", "预测")):
            pass  # the list's measure ("分别为…和…"), already a goal or a forecast
        elif (kind := clause_kind(clause) or _sentence_kind(text, masked, left, right)) == TARGET:
            measure += "目标"
        elif kind == FORECAST:
            measure += "预测"
        qualifier = _QUALIFIERS.get((m.group("q") or "").lower(), "") or _QUALIFIERS.get(
            m.group("tail") or m.group("mid") or "", ""
        )
        if not m.group("q") and not qualifier:
            # "占比分别约为15%": the approximation stands before a copula.
            ahead = re.search(
                r"(?<![最附])(约|大约|接近|将近|近|超过|逾|不到|不足)(?:为|是|有|达|占)\s*$",
                text[max(left, m.start() - 5) : m.start()],
            )
            qualifier = _QUALIFIERS.get(ahead.group(1), "") if ahead else ""
        if periods is None:
            periods = list(_PERIOD_RE.finditer(text))
            years_back = _years_back(text)
        raw = m.group().strip()
        if m.group("q") and _QUALIFIERS.get(m.group("q").lower()) == "":
            raw = raw[len(m.group("q")) :].strip()  # "达到450%" is 450%
        baseline = bool(
            _BASELINE_RE.search(re.sub(r"(?:不到|不足|约|近|超过|less than|about)\s*$", "", lead).rstrip())
        )
        if (
            out
            and unit == "%"
            and out[-1].unit == "%"
            and _EN_FROM_EARLIER_RE.fullmatch(text, out[-1].end, m.start())
        ):
            # "revenue rose 15.5%…, down from 47% a year earlier": the same growth, earlier
            measure = out[-1].measure
        own_start = _own_start(m)
        if value_max is None and (low := _EN_RANGE_LOW_RE.search(text, max(left, m.start() - 16), m.start())):
            # "expects to deliver 500 to 1,000 units": one range, its unit written once
            # (not "from 100 to 120 units", a change)
            bottom = float(f"{float(low.group(1).replace(',', '')) * factor:.12g}")
            if bottom < value:
                value, value_max, own_start = bottom, value, low.start(1)
                raw = text[own_start : m.end()].strip()
        out.append(
            Hit(
                own_start,
                m.end(),
                value,
                unit,
                measure,
                raw,
                qualifier,
                value_max,
                stock,
                part_scope,
                _period_before(periods, m.start(), left)
                or _period_after(periods, m.end(), right, text[left:right])
                or _span_before(text, left, m.start())
                or extent_of(text[left:right], unit, measure, text[:left]),
                listed,
                years_back if baseline else None,
                _kind_of(measure),
                carried
                or narrowing(
                    text, left, right, scope_at if scope_at >= 0 else cue_start, m.start(), m.end(), measure
                ),
            )
        )
    out = [_per_physical_unit(text, h) for h in out]
    for i, hit in enumerate(out):
        # "8月15日，…现货均价跌至7.9万元/吨": a price is that day's, in that month
        days = list(_DAY_RE.finditer(text, 0, hit.start)) if is_price(hit.measure) and "/" in hit.unit else []
        if days and not hit.period:
            out[i] = dataclasses.replace(hit, period=f"{int(days[-1].group(1))}月")
    for i in range(1, len(out)):
        # "从每吨约18万元跌至…约4万元": the level it went to is per tonne too
        prev, hit = out[i - 1], out[i]
        if (
            hit.unit in _MONEY_UNITS
            and prev.unit.startswith(hit.unit + "/")
            and re.search(r"[至到]", text[prev.end : hit.start])
            and not re.search(r"[，,。；;]", text[prev.end : hit.start])
        ):
            out[i] = dataclasses.replace(hit, unit=prev.unit)
    return _revisions(text, masked, out) if len(out) >= 2 else out


_DAY_RE = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])月(?:[1-9]|[12]\d|3[01])日")

_PER_PHYSICAL_RE = re.compile(
    r"\s*/\s*(吨|公斤|千克|克|斤|桶|瓦|W|千瓦时|度|平方米|平米|㎡|头|只|盎司|瓶|箱|盒|支|kg|t)(?![A-Za-z\u4e00-\u9fff])",
    re.IGNORECASE,
)
"""A money amount per physical unit written after it ("7.9万元/吨", "18.5元/公斤", "80美元/桶")."""


_PER_PHYSICAL_EN_RE = re.compile(
    r"\s*(?<![A-Za-z])(?:per|a|an)\s+(tonne|metric ton|ton|kilogram|kilo|kg|barrel|pound|ounce|litre|liter|square meter|square metre)\b",
    re.IGNORECASE,
)
_PER_PHYSICAL_BEFORE_RE = re.compile(
    r"每\s*(吨|公斤|千克|斤|桶|头|瓶|平方米|瓦|千瓦时|度)\s*(?:约|为|达|近)?\s*$"
)
_PHYSICAL_NAMES = {
    "kg": "公斤", "t": "吨", "w": "瓦", "平米": "平方米", "㎡": "平方米", "tonne": "吨", "metric ton": "吨", "ton": "吨",
    "kilogram": "公斤", "kilo": "公斤", "barrel": "桶", "pound": "磅", "ounce": "盎司", "litre": "升", "liter": "升",
    "square meter": "平方米", "square metre": "平方米",
}  # fmt: skip


def _per_physical_unit(text: str, hit: Hit) -> Hit:
    """A price per physical unit is read with its unit ("7.9万元/吨", "每公斤19.5元", "3.5
    yuan per kilogram", "$72 a barrel": 79000 元/吨…), not as an amount of money."""
    if hit.unit not in _MONEY_UNITS:
        return hit
    end = hit.end
    if m := _PER_PHYSICAL_RE.match(text, hit.end) or _PER_PHYSICAL_EN_RE.match(text, hit.end):
        per, end = m.group(1), m.end()
    elif m := _PER_PHYSICAL_BEFORE_RE.search(text, max(0, hit.start - 8), hit.start):
        per = m.group(1)
    else:
        return hit
    per = _PHYSICAL_NAMES.get(per.lower(), per)
    return dataclasses.replace(hit, end=end, unit=f"{hit.unit}/{per}", raw=text[hit.start : end].strip())


_REACH_RE = re.compile(
    r"\s*(?:(?:19|20)\d{2}年)?(?:则|又|再|进一步|并)?(?:升至|增至|增长至|增加到|增加至|提升至|上升至|达到|达|降至|减至|"
    r"下降至|回落至|跌至|为)?\s*"
)


def _carried(text: str, masked: str, left: int, m: re.Match[str], out: list[Hit]) -> str:
    """The measure a clause with no cue of its own carries on from the clause before
    ("2008年冷板销量达到260万吨，2009年升至332万吨"; "采购金额同比上升了35%，达到
    2.72亿元": 采购额), or empty."""
    if not out or left < 2 or out[-1].stock or out[-1].listed:
        return ""
    lead = text[left : m.start()] + (m.group("q") or "")
    if not _REACH_RE.fullmatch(lead) or not (m.group("q") or lead.strip()):
        return ""
    lo = clause_bounds(masked, left - 2, left - 2)[0]
    prev = out[-1]
    if prev.start < lo or prev.kind != FACT:
        return ""
    unit = m.group("unit") or m.group("mult") or m.group("cur")
    if is_growth(prev.measure):
        if prev.unit != "%" or not unit or unit in ("%", "％"):
            return ""
        base = next(
            (
                prev.measure[: -len(g)]
                for g in sorted(_GROWTH, key=len, reverse=True)
                if prev.measure.endswith(g)
            ),
            "",
        )
        return base if base in _amount_measures() else ""
    if prev.unit != "%" and prev.measure in _amount_measures() and (m.group("mult") or m.group("unit")):
        same = unit_name(m.group("unit") or "")
        return prev.measure if same in ("", prev.unit) else ""
    return ""


_EXPECTED_RE = re.compile(r"(?:不及|超|符合|高于|低于|好于|差于|市场)预期|(?:better|worse) than expected")


def _has(clause: str, cues: tuple[str, ...]) -> bool:
    """A cue in ``clause`` (lower case): English cues as whole words ("may" is not in "Maybank")."""
    for c in cues:
        if c.isascii() and c[:1].isalpha():
            if re.search(rf"(?<![a-z]){re.escape(c)}(?![a-z])", clause):
                return True
        elif c in clause:
            return True
    return False


@functools.cache
def _cue_names_re() -> re.Pattern[str] | None:
    """The gazetteer's Chinese names that hold a goal or forecast word (新希望)."""
    cues = [c for c in (*target_cues(), *forecast_cues()) if not c.isascii()]
    gaz = gazetteer()
    names = {
        a.lower() for a in (*gaz.alias_to_name, *gaz.orgs) if not a.isascii() and any(c in a for c in cues)
    }
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))) if names else None


_MONTH_MAY_RE = re.compile(r"\b(?:in|of|since|until|from|early|late|mid-?|last|next)\s+may\b|\bmay\s+\d")


def clause_kind(clause: str) -> str:
    """:data:`TARGET` or :data:`FORECAST` when a clause (lower case) states a goal or an
    expectation (``figure_targets.txt``, ``figure_forecasts.txt``), else empty; "低于市场
    预期" compares a result with an expectation and is no forecast. A name that holds
    such a word (新希望) states none."""
    if (names := _cue_names_re()) is not None:
        clause = names.sub(" ", clause)
    clause = _MONTH_MAY_RE.sub(" ", clause)  # "sales in may 2024 rose 5%": the month, no "may"
    if _has(clause, target_cues()):
        return TARGET
    if _has(_EXPECTED_RE.sub("", clause), forecast_cues()):
        return FORECAST
    return ""


_EN_FROM_EARLIER_RE = re.compile(
    r"(?:\s+(?:in|for|during) (?:the )?(?:first|second|third|fourth|last|past)?\s*[\w -]{0,20}?)?,?\s*(?:down|up)\s+from\s+(?:about\s+|around\s+)?"
)
"""Between a rate and the one it is compared with ("…15.5% in the first nine months, down from 47%")."""
_EN_RANGE_LOW_RE = re.compile(r"(?<![Ff]rom )(?<![\d.,])(\d[\d,]*(?:\.\d+)?)\s+to\s+$")
"""The low end of an English range written with its unit once ("500 to 1,000 units")."""
_EN_NEXT_VERB_RE = re.compile(
    r",?\s+and\s+(?:it\s+|the company\s+|they\s+)?(?:expects?|forecasts?|plans?|aims?|targets?|projects?|sees|said|says)\b"
)
"""An English clause joined after a figure with its own verb ("… and expects to deliver …")."""
_FACT_RE = re.compile(
    r"已|实现|录得|去年|上年|同期|此前|过去|曾|[12]\d{3}年(?:底|末)?(?:已|的)|"
    r"\b(?:was|were|had|has|have|rose|fell|grew|reported|posted|last year|a year earlier)\b|\b\w+ed\b"
)


def _sentence_kind(text: str, masked: str, left: int, right: int) -> str:
    """The goal or forecast a clause earlier in the sentence states carries on into
    this one ("今年年底公司产销量有望达2700万只，其中国内销量1600万只…": all three
    are expected), unless this clause states a result of its own (已, 实现, 去年…)."""
    if left <= 0 or _FACT_RE.search(text[left:right]):
        return ""
    start = max(masked.rfind(p, 0, left) for p in "。！？!?") + 1  # a quote holds several sentences
    semi = max(masked.rfind(p, start, left) for p in "；;")
    if semi >= 0 and _opens_with_name(text[semi + 1 : right]):
        start = semi + 1  # "三一重工预计…；徐工机械全年营收约915亿元": each company its own statement
    before = _EXPECTED_RE.sub("", masked[start:left].lower())
    return clause_kind(before)


_PART_SHARE_RE = re.compile(
    r"([\u4e00-\u9fff]{0,8}?(?:销量|收入|营收|出货量|销售额|利润|交付量|装机量|投入|支出|费用))$"
)
_LEADING_TIME_RE = re.compile(
    r"^(?:(?:19|20)\d\d年|去年|今年|前年|上半年|下半年|全年|[一二三四]季度|前三季度?|同期|目前|当前|其中|的)+"
)


def _share_of(before: str) -> str:
    """The part a bare 占比 is the share of, when the words before it name a part's
    sales or revenue ("比亚迪纯电车型销量占比" → 纯电车型销量): after the company the
    gazetteer names, a verb or the time."""
    text = before.strip()
    text = text[max((found.end for found in gazetteer().find(text)), default=0) :]
    text = re.sub(r"^.*(?:推动|带动|使得|促使|使|让|将|把|令|实现|其中)", "", text)
    text = _LEADING_TIME_RE.sub("", re.sub(r"^(?:该公司|公司|集团|企业|其)", "", text))
    m = _PART_SHARE_RE.search(text)
    return m.group(1) if m else ""


def _share_before(text: str, left: int, cue_start: int) -> str:
    """The part a share "in the whole" is of, named in the clause before ("电动挖掘机
    销量同比翻倍，但在整体销量中的占比仍不足5%" → 电动挖掘机销量)."""
    if not re.search(r"在[\u4e00-\u9fff]{1,6}中的?$", text[left:cue_start]):
        return ""
    before = text[max(0, text.rfind("，", 0, max(left - 1, 0)) + 1) : max(left - 1, 0)]
    found = [m.end() for m in re.finditer(r"(?:销量|收入|营收|出货量|销售额|交付量)", before)]
    return _share_of(before[: found[-1]]) if found else ""


def _opens_with_name(segment: str) -> bool:
    """A clause opens with an organisation the gazetteer knows (its own subject)."""
    stripped = segment.lstrip()
    return any(m.start == 0 for m in gazetteer().find(stripped[:16]))


def _kind_of(measure: str) -> str:
    return TARGET if measure.endswith("目标") else FORECAST if measure.endswith("预测") else FACT


# --------------------------------------------------------------- ownership


@dataclass(frozen=True)
class OrgRef:
    """An organisation named in the sentence, with its role there."""

    start: int
    end: int
    name: str
    role: str
    kind: str
    """Organisation type (company, investor, product, research, …)."""
    cue: str = ""
    """The word that decided its role (a preposition or verb before an object…)."""


@dataclass(frozen=True)
class Owned:
    """A figure with the organisation it belongs to."""

    hit: Hit
    owner: str
    measure: str
    attribution: str
    """How the owner was found (clause subject, deal, 分别, pronoun 该公司 → …)."""
    counterpart: str | None = None
    scope: str = ""
    """The part of the owner the figure covers (see ``Hit.scope``)."""


Refer = Callable[[str], "tuple[str, str] | None"]
"""Resolves ``demonstrative``, ``ellipsis`` or ``list:N`` to (name, how)."""

_OWNER_KINDS = ("company", "investor", "product")


def _eligible(orgs: list[OrgRef]) -> list[OrgRef]:
    """Organisations that may own a figure: not a source, a speaker, a stock quote,
    the possessor of the next name ("沃尔玛旗下的山姆会员店") or a former owner
    ("原小米总部地块")."""
    return [
        o
        for o in orgs
        if o.role not in (SOURCE, SPEAKER, STOCK, "possessor") and o.cue != FORMER and o.kind in _OWNER_KINDS
    ]


def _subject_order(masked: str, left: int, orgs: list[OrgRef], at: int) -> list[OrgRef]:
    """The clause's organisations, the likeliest owner of the figure at ``at`` first: a
    passive clause's agent when it pays or wins with the figure ("地块最终被绿城以约48亿元
    夺得": 绿城), then names that are not only the modifier of a thing ("小米总部地块"),
    in order ("苹果被小米超越后份额降至12%": 苹果)."""
    w = words()
    agents = [
        o
        for o in orgs
        if passive_before(masked[left : o.start])
        and (
            masked[o.end : at].lstrip().startswith(w.passive_instruments)
            or any(v in masked[o.end : at] for v in w.passive_gains)
        )
    ]
    rest = [o for o in orgs if o not in agents]
    return agents + [o for o in rest if o.cue != MODIFIER] + [o for o in rest if o.cue == MODIFIER]


_TIME_OPEN = (
    r"(?:19|20)\d{2}\s*(?:财政?|会计)?年|今年|去年|前年|上半年|下半年|全年|前三季度?|第?[一二三四]季度|(?:前|头)\d+个?月|\d{1,2}月"
    r"|(?<!上年)(?<!去年)(?<!今年)(?<!年)同期(?=[\u4e00-\u9fff]{0,6}(?:营收|收入|利润|净利|销量|销售))"  # "古茗同期营收61.4亿元": the period just told
)


@functools.cache
def _gazetteer_stems() -> frozenset[str]:
    """Known organisations' names without their organisation suffix (理想汽车 → 理想),
    when that leaves a name of two characters or more, not a place or a market: a
    short form the text may use at the head of a clause ("理想2024年交付50万辆")."""
    from briefing.analysis.names import reject_reason, suffix_of
    from briefing.gazetteer import gazetteer
    from briefing.nlp import pos_tag

    gaz = gazetteer()
    stems = set()
    for alias, name in gaz.alias_to_name.items():
        if gaz.orgs[name].type not in _OWNER_KINDS:
            continue
        suffix = suffix_of(alias)
        stem = alias[: -len(suffix)] if suffix else ""
        if (
            re.fullmatch(r"[\u4e00-\u9fff]{2,6}", stem)
            and not stem.startswith(words().market_words)
            and not is_region(stem)
            and not stem.startswith(words().countries)
            and pos_tag(stem) != "ns"
            # A common word is kept (理想, 现代, 通用: at a clause's head before a time
            # they are the company), a cut phrase is not.
            and reject_reason(stem, "company") not in ("fragment", "generic", "person or job")
        ):
            stems.add(stem)
    return frozenset(stems)


_EN_OWN_SUBJECT_RE = re.compile(
    r"\s*(?:(?:while|whereas|and|but|meanwhile|by contrast)\s*,?\s*)?(?:rival\s+|smaller\s+)?"
    r"([A-Z][A-Za-z0-9&.\-]+(?:\s+[A-Z][A-Za-z0-9&.\-]+){0,2})(?:'s|’s)\s",
    re.IGNORECASE,
)


@functools.cache
def figure_verbs() -> dict:
    """``figure_verbs.yaml``: the verbs that decide who owns a figure."""
    return data_yaml("figure_verbs.yaml") or {}


@functools.cache
def _en_subject_verb_re() -> re.Pattern[str]:
    verbs = "|".join(
        sorted(map(re.escape, figure_verbs().get("en_subject_verbs") or []), key=len, reverse=True)
    )
    return re.compile(
        r"\s*(?:(?:while|whereas|and|but|meanwhile|by contrast)\s*,?\s*)?(?:rival\s+|smaller\s+)?"
        rf"([A-Z][A-Za-z0-9&.\-]+(?:\s+[A-Z][A-Za-z0-9&.\-]+){{0,2}})\s+(?:{verbs})\b"
    )


def _unnamed_subject_en(clause: str) -> str:
    """An English clause that opens with a name's possessive or with a name and a
    verb of ``figure_verbs.yaml`` the analysis does not know ("…, while Honor's
    shipments reached 21 million units", "…, while Honor shipped 21 million units")."""
    m = _EN_OWN_SUBJECT_RE.match(clause) or _en_subject_verb_re().match(clause)
    if not m or not m.group(1)[0].isupper():
        return ""
    name = m.group(1)
    w = words()
    first = name.split()[0]
    if first in w.en_not_names or first in w.en_places or first.lower() in ("it", "its", "the", "company"):
        return ""
    return name


@functools.cache
def _clause_subject_data() -> tuple[frozenset[str], tuple[str, ...]]:
    """(parts, not_first_pos) of ``clause_subjects.yaml``."""
    raw = data_yaml("clause_subjects.yaml") or {}
    return frozenset(str(w) for w in raw.get("parts") or []), tuple(
        str(t) for t in raw.get("not_first_pos") or []
    )


def clause_head(clause: str) -> tuple[str, str]:
    """(phrase, what follows it) when a Chinese clause opens with a phrase of 2 to 6
    characters right before a time ("胖东来2024年…": ``time``) or a measure cue
    ("海底捞门店数为…": ``measure``); ("", "") otherwise."""
    clause = re.sub(r"^[\s“”\"]*(?:而|但|且|同时|此外|另外|相比之下|与此同时)?[，,\s]*", "", clause)
    m = re.match(rf"([\u4e00-\u9fff]{{2,6}}?|[A-Z][A-Za-z0-9&.\-]+)\s*(?:{_TIME_OPEN})", clause)
    if m and not _QUALIFIER_HEAD_RE.fullmatch(m.group(1)):
        return m.group(1), "time"
    cues = _cues(clause, 0, min(len(clause), 12))
    # Before a change ("按年增长78%") the words are how it is measured, not a subject.
    if cues and 2 <= cues[0][0] <= 8 and not is_growth(cues[0][2]):
        head = clause[: cues[0][0]]
        head = head[:-1] if head.endswith("的") else head
        if re.fullmatch(
            r"[\u4e00-\u9fff]{2,6}|[A-Z][A-Za-z0-9&.\-]+", head
        ) and not _QUALIFIER_HEAD_RE.fullmatch(head):
            return head, "measure"
    return "", ""


_QUALIFIER_HEAD_RE = re.compile(
    r"(?:单季度?|当季度?|本季度?|单月|当月|本月|全年|同期|累计|期内|税后|税前|扣非|归母|合并|每股)+"
)
"""Words that open a clause as the measure's period or basis ("单季税后亏损…"), not its subject."""


def noun_phrase_subject(name: str, follows: str) -> bool:
    """``name``, opening its clause before a time or a measure, reads as that clause's
    own subject even though no organisation list knows it: a noun phrase, not a verb,
    an adverb, a time or a pronoun ("胖东来", "海底捞"), nor a part or channel of the
    previous subject ("线上", "同店", "动力电池": ``clause_subjects.yaml`` and the
    scope heads of ``figure_scopes.yaml``). Before a measure only a phrase the
    dictionary cuts as a name would be cut (a one-character piece or an unknown
    word: 海底+捞), never a compound of ordinary words ("门店", "会员")."""
    from briefing.nlp import pos_tag, rarity, zh_cut

    if not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", name):
        return False
    parts, not_first = _clause_subject_data()
    scope = _scope_data()
    if name in parts or any(name.startswith(p) or name.endswith(p) for p in parts if len(p) >= 2):
        return False
    if name.endswith(tuple(scope.get("heads", [])) + tuple(scope.get("whole", []))):
        return False
    if any(w in name for w in scope.get("not_in", []) if len(w) >= 2):
        return False
    if name.startswith(words().market_words) or is_region(name) or name.startswith(words().countries):
        return False
    if _cues(name, 0, len(name)):
        return False  # "销售额", "营收": a measure, not a subject
    tokens = [t for t in zh_cut(name) if t.strip()]
    if not tokens or pos_tag(tokens[0])[:1] in not_first:
        return False
    if pos_tag(tokens[0]) == "ns":
        return False  # a place ("成都2024年…")
    if follows == "measure":
        return (any(len(t) == 1 or rarity(t) >= 14.0 for t in tokens) and len(tokens) >= 2) or (
            len(tokens) == 1 and rarity(tokens[0]) >= 14.0
        )
    return True


def _kind_subject(clause: str) -> str:
    """The phrase a clause opens with when it names a kind of company, not one
    ("头部券商公司的自营业务收入…", "某头部白酒集团2023年…", "多家龙头房企集团…"): the
    clause has a subject of its own the analysis cannot name. Empty otherwise."""
    from briefing.analysis.names import suffix_of
    from briefing.nlp import zh_cut

    w = words()
    if group := re.match(
        r"(?:这|上述|以上|前)?(?:[两二三四五六七八九十]|\d{1,2})(?:家|大)[\u4e00-\u9fff]{0,4}", clause
    ):
        return group.group()  # "三家平台二季度合计投入约250亿元": a group, none of its members
    rest = re.sub(r"^(?:某|一家|多家|部分|各家|不少|众多|一些|几家)", "", clause)
    kinds = tuple(w.kind_nouns)
    stems = w.generic_stems | w.kind_stems
    for k in range(min(len(rest), 14), 2, -1):
        phrase = rest[:k]
        suffix = suffix_of(phrase) or next((n for n in kinds if phrase.endswith(n)), "")
        if suffix in w.weak_suffixes:
            continue  # "管理零售客户总资产": 零售 names a business here, not an organisation
        stem = phrase[: len(phrase) - len(suffix)] if suffix else ""
        if stem and all(t in stems for t in zh_cut(stem) if t.strip()):
            return phrase
    return ""


def _unnamed_subject(clause: str, english: bool = False) -> str:
    """The name a clause opens with, when it is not one the analysis knows but reads as
    the clause's own subject: a proper name right before a time or a measure
    ("荣耀2025年的手机销量2100万台", "OPPO上半年出货量…"), or any other noun phrase
    there ("胖东来2024年销售额…", "海底捞门店数…": :func:`noun_phrase_subject`). Its
    figure is not the previous clause's subject's. Empty when the clause opens otherwise."""
    from briefing.analysis.names import reject_reason, suffix_of
    from briefing.nlp import pos_tag, zh_cut

    if english:
        return _unnamed_subject_en(clause)
    stripped = re.sub(r"^[\s“”\"]*(?:而|但|且|同时|此外|另外|相比之下|与此同时)?[，,\s]*", "", clause)
    if kind := _kind_subject(stripped):
        return kind  # "某头部白酒集团2023年营收增长12%": an unnamed company of a kind
    m = re.match(rf"([\u4e00-\u9fff]{{2,6}}?|[A-Z][A-Za-z0-9&.\-]+)\s*(?:{_TIME_OPEN})", stripped)
    name = m.group(1) if m else ""
    before_time = bool(m)
    if not m:
        tokens = [t for t in zh_cut(stripped[:12]) if t.strip()]
        cues = tuple(c for c, _, _ in _measures())
        if len(tokens) >= 2 and "".join(tokens[1:]).startswith(cues):
            name = tokens[0]
    if not name or name.startswith(words().market_words) or is_region(name):
        name = ""
    elif name in _gazetteer_stems():
        return name  # "理想2024年交付50万辆": 理想汽车 without its suffix
    elif name.endswith(tuple(_scope_data().get("heads", []))):
        return ""  # "储能电池2024年出货量": a segment of the previous subject
    if name and name.isascii():
        ok = name not in words().en_not_names and name not in words().en_places and len(name) >= 2
    elif name:
        # A word the dictionary tags as a name, or one it does not know and keeps whole
        # ("魅族", "大疆"); never a compound of known words ("光模块", "晶圆代工").
        tag = pos_tag(name)
        ok = (
            tag in ("nr", "nrt", "nt")  # not nz: the dictionaries tag terms so (锂电池, 云计算)
            # Before a measure only a word tagged as a name: "同店销售额", "按年增长" are not.
            or (before_time and tag == "x" and len(zh_cut(name)) == 1)
            or (before_time and suffix_of(name) is not None)  # "星澜电子2025年…"
        )
        ok = ok and reject_reason(name, "company") is None
    else:
        ok = False
    if ok:
        return name
    head, follows = clause_head(stripped)
    if head.endswith(tuple(_scope_data().get("heads", []))) and not _kind_subject(head):
        return ""  # "流媒体业务营业利润达4700万美元": a segment of the subject before, its scope
    return head if head and noun_phrase_subject(head, follows) else ""


_OWN_SPEECH_RE = re.compile(r"\s*(?:方面|则|也|还|亦|同时)?(?:表示|称|透露|披露|介绍|宣布)[，,：:]\s*$")


def _own_speaker(text: str, orgs: list[OrgRef], left: int) -> OrgRef | None:
    """The company that opens the sentence and speaks right before the clause at
    ``left`` ("携程表示，…"), when it is the only organisation before it and no analyst."""
    before = [o for o in orgs if o.end <= left]
    if len(before) != 1 or before[0].role != SPEAKER or before[0].kind != "company":
        return None
    speaker = before[0]
    if text[: speaker.start].strip(' “"') or not _OWN_SPEECH_RE.fullmatch(text, speaker.end, left):
        return None
    return None if _analyst(speaker.name) else speaker


_EN_OWN_SPEECH_RE = re.compile(
    r"(?:,[^,;]{1,40},)?\s+(?:said|says|reported|reports|announced)(?:\s+on\s+\w+)?(?:\s+that)?\s+",
    re.IGNORECASE,
)


def _own_speaker_en(text: str, orgs: list[OrgRef], at: int) -> OrgRef | None:
    """The company that opens an English sentence and says what follows ("PDD Holdings,
    Temu's owner, said first-quarter revenue rose…"), no analyst; None where another
    organisation is named after the verb, before the figure."""
    if not orgs or text[: orgs[0].start].strip(' “"'):
        return None
    speaker = orgs[0]
    if speaker.kind != "company" or speaker.role != SPEAKER:
        return None
    m = _EN_OWN_SPEECH_RE.match(text, speaker.end)
    if m is None or m.end() > at or any(m.end() <= o.start < at for o in orgs):
        return None
    return None if _analyst(speaker.name) else speaker


def _analyst(name: str) -> bool:
    """A bank or a research firm: what it says of figures is its view, never its own result."""
    org = gazetteer().orgs.get(gazetteer().alias_to_name.get(name, name))
    return org is not None and org.sector in ("bank", "research")


def _pronoun(text: str) -> str | None:
    """``demonstrative`` or ``ellipsis`` when ``text`` points back to an organisation."""
    w = words()
    if any(d in text for d in w.demonstratives) or demonstrative_en_re().search(text):
        return "demonstrative"
    if re.search(r"(?:^|[，,；;。“”\s])(?:他们|它们|这家)", text):
        return "they"
    if re.search(
        r"(?:^|[，,；;。“”\s]|年底|年初|今年|去年|目前|此前|同时|而|但|且|并|也|还|因此|\d日|\d月|季度|上半年|下半年)"
        r"(?:公司|集团|其|它)"
        r"|(?:带动|对|为|让|使|贡献了?)公司|\b(?i:its|it)\b",
        text,
    ):
        return "ellipsis"
    return None


def market_led(clause: str) -> bool:
    """The clause is about a whole market ("我国共生产汽车…", "全球空天产业总规模…")."""
    clause = re.sub(
        r"^(?:\d{4}年|\d{1,2}月份?|今年|去年|前\d+个?月|截至[^，]{0,12}|目前|当前|上半年|下半年)+",
        "",
        clause.strip(),
    )
    cues = [c for c, _, _ in _measures()]
    return clause.startswith(words().market_words) and not clause.startswith(tuple(cues))


def _alt(words: object) -> str:
    return "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))  # type: ignore[attr-defined]


@functools.cache
def _deal_words() -> tuple[re.Pattern[str], dict[str, str], tuple[str, ...], str, str, str]:
    """(English passive deal pattern, zh deal verb → kind, deal measures, zh deal verbs,
    receiving verbs, funding nouns) of ``figure_verbs.yaml``."""
    data = figure_verbs()
    en = {str(k).lower(): str(v) for k, v in (data.get("en_passive_deal") or {}).items()}
    passive = re.compile(
        rf"\s+(?:{_alt(data.get('en_passive_aux') or [])})\s+(?:\w+ly\s+)?({_alt(en)})\s+by\s+",
        re.IGNORECASE,
    )
    zh = {str(k): str(v) for k, v in (data.get("zh_deal") or {}).items()}
    return (
        passive,
        {**zh, **en},
        tuple(str(m) for m in data.get("deal_measures") or []),
        _alt(zh),
        _alt(data.get("zh_receive") or []),
        _alt(data.get("zh_funding") or []),
    )


@functools.cache
def _payment_words() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """(payment measures, pay verb, deal link between payee and payer) of ``figure_verbs.yaml``."""
    data = figure_verbs()
    pay = re.compile(
        rf"(?:{_alt(data.get('zh_pay') or [])})|\b(?:{_alt(data.get('en_pay') or [])})\b", re.IGNORECASE
    )
    grants = _alt(data.get("zh_payment_grants") or []) or r"(?!)"
    links = re.compile(
        rf"\s*(?:则|也|已|还)?(?:(?:{_alt(data.get('zh_payment_links') or []) or '(?!)'})"
        rf"|(?P<grant>将[^，。；]{{0,40}}?(?:{grants})))\s*"
    )
    return frozenset(str(m) for m in data.get("payment_measures") or []), pay, links


_DEAL_MADE_RE = re.compile(r"[^，。；]{0,12}?(?:达成|签署|签订|合作|协议|交易)")


def _payment(text: str, hit: Hit, orgs: list[OrgRef]) -> tuple[str, str] | None:
    """(payee, payer) of a deal's payment (``payment_measures``): the payer names the pay
    verb before the amount; the one paid is named between them ("pay Hengrui Pharma $500
    million", "向恒瑞支付"), after the amount ("from 3SBio"), or before the payer with a
    word of the deal between them ("恒瑞医药与GSK达成协议，GSK支付5亿美元首付款")."""
    _, pay, links = _payment_words()
    verb = None
    for m in pay.finditer(text, 0, hit.start):
        verb = m
    if verb is None or re.search(r"[。；;]", text[verb.end() : hit.start]):
        return None
    before = [o for o in orgs if o.end <= verb.start()]
    if not before or re.search(r"[，。；,;]", text[before[-1].end : verb.start()]):
        return None
    payer = before[-1]
    between = [o for o in orgs if verb.end() <= o.start and o.end <= hit.start and o.name != payer.name]
    if between:
        return between[0].name, payer.name
    toward = re.search(r"向\s*$", text[: payer.start])
    if toward and len(before) >= 2 and before[-2].name != payer.name:
        return payer.name, before[-2].name  # "GSK向恒瑞支付…": 恒瑞 is paid
    for o in orgs:
        if o.start >= hit.end and o.name != payer.name:
            if re.fullmatch(r"[^.;，。；]{0,80}?\bfrom\s*", text[hit.end : o.start], re.IGNORECASE):
                return o.name, payer.name
            break
    # "A与B达成协议，B支付…", "A将…授权给B，B支付…": the link stands right between them, and
    # 与/和 joins them in a deal only where the clause goes on to make one (not "A和B都面临…")
    first = next((o for o in orgs if o.name == payer.name), payer)
    for o in orgs:
        if o.end > first.start:
            break
        if o.name == payer.name or not (m := links.fullmatch(text, o.end, first.start)):
            continue
        if m.group("grant") or _DEAL_MADE_RE.match(text, first.end):
            return o.name, payer.name
    return None


def _deal(text: str, hit: Hit, orgs: list[OrgRef]) -> tuple[str, str, str] | None:
    """(owner, measure, counterpart) of a deal: the investee or the target owns it,
    the investor or buyer is its counterpart ("阿里45亿投资的汇通达",
    "汇通达获阿里巴巴45亿元投资", "A以10亿元收购B"); the verbs are ``figure_verbs.yaml``'s."""
    en_passive, kind_of, _, verbs, receive, funding = _deal_words()
    before = [o for o in orgs if o.end <= hit.start]
    after = [o for o in orgs if o.start >= hit.end]
    # "Leapmotor was invested in by Stellantis for…", "Arm was acquired by SoftBank for…"
    for target, agent in itertools.pairwise(before):
        m = en_passive.fullmatch(text[target.end : agent.start])
        if m and target.cue not in (MODIFIER, FORMER):
            return target.name, kind_of[re.sub(r"\s+", " ", m.group(1).lower())], agent.name
    # "汇通达被阿里巴巴以45亿元入股", "B遭A以10亿元收购": the patient is the target.
    for k in range(len(before) - 1, 0, -1):
        target, agent = before[k - 1], before[k]
        gap = text[target.end : agent.start]
        if target.cue in (MODIFIER, FORMER) or not passive_before(gap) or re.search(r"[，。；,;]", gap):
            continue
        if len(gap.strip()) > 6:
            break
        verb = re.search(rf"({verbs})", text[agent.end : min(len(text), hit.end + 8)])
        if verb and not re.search(r"[，。；,;]", text[agent.end : verb.start()]):
            return target.name, kind_of[verb.group(1)], agent.name
        break
    # "…45亿投资的汇通达", "…以10亿元收购B", "invested $200 million in B"
    for o in after:
        gap = text[hit.end : o.start]
        if re.fullmatch(r"\s*in\s*", gap) and before:
            return o.name, "获投资", before[-1].name
        if (
            re.fullmatch(
                r"\s*(?:acquisition|takeover|purchase|buyout)\s+of\s*|\s*(?:bid|offer)\s+for\s*", gap
            )
            and before
        ):
            return o.name, "收购", before[-1].name  # "its $3.1 billion acquisition of Norvik Metals"
        m = re.fullmatch(rf"\s*(?:元|美元|港元)?\s*(?:战略)?({verbs})了?的?\s*", gap)
        if m and before:
            return o.name, kind_of[m.group(1)], before[-1].name
        break
    # "汇通达获阿里巴巴45亿元投资"
    if len(before) >= 2:
        target, investor = before[-2], before[-1]
        if re.fullmatch(rf"[^，。；]{{0,6}}?(?:{receive})\s*", text[target.end : investor.start]):
            tail = text[hit.end : hit.end + 8]
            if re.match(rf"^\s*(?:元|美元)?\s*(?:的)?(?:战略)?(?:{funding})", tail):
                return target.name, "获投资", investor.name
    # "A完成对B的收购，交易金额约12亿元"
    for o in orgs:
        if re.search(r"对\s*$", text[: o.start]) and (noun := re.match(rf"^\s*的?({verbs})", text[o.end :])):
            buyer = [p for p in orgs if p.end <= o.start]
            if buyer and o.end <= hit.start:
                return o.name, kind_of[noun.group(1)], buyer[0].name
    return None


def _own_start(m: re.Match[str]) -> int:
    """Where a number's own text starts: after a word that only leads to it ("达15.0%",
    "达到450%": the 达 may end a name, 韵达15.0%), at any qualifier that it keeps."""
    q = m.group("q")
    if q and _QUALIFIERS.get(q.lower()) == "":
        return m.start("cur") if m.group("cur") else m.start("num")
    return m.start()


def clear_of_names(text: str, hits: list[Hit], orgs: list[OrgRef]) -> list[Hit]:
    """Hits whose match began inside a name, moved to the name's end: the character is
    the name's, not the number's qualifier ("韵达15.0%" is no "达15.0%", "美超12%" is
    12%, not 超过12%)."""
    if not orgs:
        return hits
    out = []
    for hit in hits:
        inside = next((o for o in orgs if o.start < hit.start < o.end), None)
        if inside is not None and not text[inside.end - 1].isdigit():
            opening = text[hit.start : hit.end].lower()
            word = max((q for q in _QUALIFIERS if opening.startswith(q)), key=len, default="")
            # the qualifier the name took is gone (one written after the number stays)
            qualifier = "" if word and _QUALIFIERS[word] == hit.qualifier else hit.qualifier
            raw = text[inside.end : hit.end].strip()
            if hit.raw != text[hit.start : hit.end].strip():
                raw = hit.raw  # the number as written elsewhere ("达到450%" is 450%)
            hit = dataclasses.replace(hit, start=inside.end, raw=raw, qualifier=qualifier)
        out.append(hit)
    return out


_GROUP_TOTAL_RE = re.compile(
    r"合计|共计|总计|合共|一共|\b(?:combined|together|jointly|in total)\b", re.IGNORECASE
)
"""Words that make a figure after several organisations their total (合计亏损, combined losses)."""


def attribute(
    text: str, hits: list[Hit], orgs: list[OrgRef], refer: Refer, english: bool = False, carried: str = ""
) -> list[Owned]:
    """The owner of each of a sentence's figures (figures with none are dropped).
    ``carried`` is the market the sentence before gave figures to, if any: a sentence
    that opens with 其中 gives its parts (see :func:`_market_part`)."""
    masked = mask_parentheses(text)
    hits = clear_of_names(text, hits, orgs)
    eligible = _eligible(orgs)
    # A name in brackets ("（像台积电跟松翰的市值差距…）") is no subject outside them.
    outside = [o for o in eligible if masked[o.start] != "□"]
    out: list[Owned] = []
    for _i, hit in enumerate(hits):
        if hit.stock:
            continue
        left, right = clause_bounds(masked, hit.start, hit.end)
        measure = hit.measure
        if measure.startswith(_deal_words()[2]) and (deal := _deal(text, hit, eligible)):
            owner, verb, counterpart = deal
            out.append(Owned(hit, owner, verb, "deal", counterpart or None))
            continue
        if measure in _payment_words()[0] and (paid := _payment(text, hit, eligible)):
            out.append(Owned(hit, paid[0], measure, "payment", paid[1]))
            continue
        clause_hits = [h for h in hits if clause_bounds(masked, h.start, h.end) == (left, right)]
        if "分别" in text[left : hit.start] and len(clause_hits) >= 2:
            k = len(clause_hits)
            first_hit = min(h.start for h in clause_hits)
            listed = _last_list(masked, [o for o in eligible if o.end <= first_hit], k)
            if listed:
                out.append(Owned(hit, listed[clause_hits.index(hit)], measure, "分别"))
                continue
            got = (
                refer(f"list:{k}")
                if re.search(r"两家|两者|二者|两大|这两|三家|这三|上述|前者", text[: hit.start])
                else None
            )
            if got:
                names = got[0].split("\t")
                out.append(Owned(hit, names[clause_hits.index(hit)], measure, got[1]))
                continue
        pool = outside if masked[hit.start] != "□" else eligible
        in_clause = _subject_order(masked, left, [o for o in pool if left <= o.start < hit.start], hit.start)
        later = [o for o in pool if hit.end <= o.start < right] if english else []
        owner: tuple[str, str] | None = None
        ref: OrgRef | None = None
        if (
            in_clause
            and hit.scope
            and in_clause[0].start >= left
            and hit.scope.startswith(text[in_clause[0].start : in_clause[0].end])
        ):
            # "其中阿里云营收…": the part is an organisation of its own and owns the figure.
            out.append(Owned(hit, in_clause[0].name, measure, "clause subject"))
            continue
        if hit.listed:
            # "阿里云39%、华为云19%": each entry's share is the name's right before it; the
            # level an entry's share went to is the entry's own ("苹果则由约60%降至约50%").
            before = [h for h in hits if left <= h.start and h.end <= hit.start]
            level = hit
            while before and to_level(text, before[-1].end, level.start):
                level = before.pop()
            since = max((h.end for h in before), default=left)
            entry = [o for o in pool if since <= o.start < hit.start]
            if entry:
                in_clause = [entry[-1]]
            elif since > left or not in_clause:
                # an entry whose name the analysis does not know ("、OPPO 11%", "，鲜咖道以6%
                # 位列第五"): no one's, never the subject of the clause before
                continue
        named = [o for o in pool if left <= o.start < hit.start]
        if len({o.name for o in named}) >= 2 and _GROUP_TOTAL_RE.search(
            text, max(o.end for o in named), hit.start
        ):
            # "中国国航、东方航空和南方航空三大航上半年合计亏损超过30亿元": the group's total,
            # none of its members' (the first named would be given all of it)
            continue
        if in_clause:
            ref = in_clause[0]
            passive = passive_before(masked[left : ref.start])
            owner = (ref.name, "被 → agent" if passive else "clause subject")
        elif later and len(text[hit.end : later[0].start].split()) <= 6:
            ref = later[0]
            owner = (ref.name, "clause subject")  # "the 47-51 percent revenue growth JD.com projected"
        elif (
            (kind := _pronoun(text[left : hit.start]))
            and kind == "ellipsis"
            and (
                speakers := [
                    o
                    for o in orgs
                    if o.role == SPEAKER
                    # "Samsung Electronics, the world's largest memory chipmaker, said … its
                    # chip division": the clause goes on from the name before the apposition
                    and (
                        (left if not (english and _EN_MAIN_VERB_RE.match(masked, left)) else 0)
                        <= o.start
                        < hit.start
                        # "中联重科则表示，公司海外收入…": 公司 is the speaker of the clause before
                        or (not english and o.end <= left and speaks_as_company(text, o.end))
                    )
                ]
            )
            and speakers[-1].kind in _OWNER_KINDS
        ):
            ref = speakers[-1]
            owner = (ref.name, "its → the company speaking")  # "X said its revenue rose…"
        elif kind == "demonstrative":
            before = [o for o in pool if o.end <= hit.start]
            noun = None
            if english and (pointer := demonstrative_en_re().search(text[left : hit.start])):
                # "Toyota bought chips… The airline carried…": only an airline named before.
                noun = pointer.group("noun").lower()
            elif not english:
                noun = next((d for d in words().demonstratives if d in text[left : hit.start]), None)
            if noun and pointer_sectors(noun):
                before = [o for o in before if fits_pointer(noun, o.name)]
            else:
                noun = None
            ref = before[-1] if before else None
            if english and before:
                # "UPS signed a deal with Amazon, and the carrier shipped…": the
                # subject of the clause before, not the object named last.
                ref = _previous_subject(masked, before, left, english) or ref
            owner = (
                (ref.name, "该公司 → nearest") if ref else refer(f"demonstrative:{noun}" if noun else kind)
            )
        elif _unnamed_subject(text[left : hit.start], english):
            owner = None  # "…，荣耀2025年的手机销量2100万台": its own subject, one the analysis does not know
        else:
            subject = _previous_subject(masked, pool, left, english)
            if subject is not None:
                ref = subject
                owner = (subject.name, "previous clause subject")
            elif (kind := _pronoun(text[left : hit.start])) or (
                (kind := _pronoun(text[: hit.start])) and _company_clause(text[left : hit.start])
            ):
                owner = refer(kind)
            elif (
                not english
                and not any(o.role in (SOURCE, SPEAKER) for o in orgs if o.end <= hit.start)
                and not market_led(text[left:right])
                and not market_led(text)
                and _company_clause(text[left : hit.start])
            ):
                owner = refer("ellipsis-soft")
            elif (
                not english
                and (speaker := _own_speaker(text, orgs, left))
                and not market_led(text[left:right])
                and not _unnamed_subject(text[left : hit.start])
            ):
                # "携程表示，第二季出境酒店和机票预订量已恢复至…": a company that says a
                # figure of no one named reports its own
                ref = speaker
                owner = (speaker.name, "the company speaking")
            elif english and not orgs and _EN_RESULT_OPENING_RE.match(text):
                owner = refer("ellipsis")  # "Revenue rose 39% to 24.4 trillion won.": the story's company
            elif english and (speaker := _own_speaker_en(text, orgs, hit.start)):
                # "PDD Holdings, Temu's owner, said first-quarter revenue rose 10%…": a
                # company that opens the sentence and says a figure of no one named reports its own
                ref = speaker
                owner = (speaker.name, "the company speaking")
        if owner is None and not english and (label := _market_label(text, left, hit, orgs)):
            # "预计2026年全球脑机接口市场规模约为32.5亿至33亿美元": the market's own figure.
            out.append(Owned(hit, label, measure, MARKET, None, hit.scope))
            continue
        if owner is None and not english and carried and (part := _market_part(text, left, hit, orgs)):
            # "…全国黄金消费量为741.15吨。其中，黄金首饰消费量为403.47吨": a part of that
            # market, the part its scope (no second total beside the first)
            out.append(Owned(hit, carried, measure, MARKET, None, part))
            continue
        if owner is None and not english and (label := _market_carried(text, left, hit, orgs, out)):
            # "2023年全国快递业务量完成1320.7亿件…；快递业务收入完成12074亿元": the market
            # the sentence sized goes on, its subject left out; a change of the part it
            # sized is that part's ("其中，黄金首饰消费量为403.47吨，同比下降26.68%")
            part = (
                out[-1].scope
                if out[-1].owner == label and _measures_re().match(text[left : hit.start].strip())
                else ""
            )
            out.append(Owned(hit, label, measure, MARKET, None, hit.scope or part))
            continue
        if owner is None:
            continue
        how = "ranking list" if hit.listed and owner[1] == "clause subject" else owner[1]
        scope = (
            hit.scope
            or (own_scope(hit.narrow, text, orgs, measure, owner[0]) if hit.narrow else "")
            or (name_scope(text, ref.end, measure) if ref is not None else "")
            or (unit_scope(text, ref.end, hit.start, measure) if ref is not None else "")
            or (share_market(text[: hit.start]) if measure.endswith("市场份额") and not english else "")
        )
        if (
            not scope
            and is_growth(measure)
            and out
            and out[-1].owner == owner[0]
            and out[-1].scope
            and out[-1].hit.end <= hit.start
            and measure.startswith(out[-1].measure)
            and _BARE_CHANGE_RE.fullmatch(text[left : hit.start])
        ):
            scope = out[-1].scope  # "储能业务收入约178亿元，同比增长约77%": the business's growth
        out.append(Owned(hit, owner[0], measure, how, None, scope))
    return _deal_value_of_payment(out)


def _deal_value_of_payment(owned: list[Owned]) -> list[Owned]:
    """A deal's total told with its payment ("辉瑞支付12.5亿美元首付款，交易总额最高可达
    60.5亿美元") is the deal's, as the payment is: the one paid owns it, not the payer
    the clause opens with."""
    paid = {(o.counterpart, o.owner) for o in owned if o.attribution == "payment"}
    if not paid:
        return owned
    deal_measures = _deal_words()[2]
    out = []
    for o in owned:
        payee = next((payee for payer, payee in paid if payer == o.owner), None)
        if (
            payee
            and o.counterpart is None
            and o.attribution != "payment"
            and o.measure.startswith(deal_measures)
        ):
            o = dataclasses.replace(o, owner=payee, attribution="payment", counterpart=o.owner)
        out.append(o)
    return out


_NAME_REGION_RE = re.compile(
    r"\s*(?P<zh>中国区|大中华区|中国内地|中国|北美|美国|欧洲|日本|亚太|东南亚|香港)(?![\u4e00-\u9fff]*(?:银行|公司|集团|大学|研究院))"
    r"|(?:'s?)?\s+(?P<en>China|Greater China|North America|International|Europe|Japan|U\.S\.|US)(?![A-Za-z])"
    r"(?!\s+(?:Inc|Ltd|Co|Corp)\b)"
)
_REGIONS_EN = {"china": "中国", "greater china": "大中华区", "north america": "北美", "international": "国际",
               "europe": "欧洲", "japan": "日本", "u.s.": "美国", "us": "美国"}  # fmt: skip


def is_region(scope: str) -> bool:
    """The scope is a region of the company (中国, 北美, 大中华区…), not a business line or a plant."""
    return bool(re.fullmatch(_REGION_ZH + r"|中国区|大中华区|国际|海外", scope))


def name_scope(text: str, end: int, measure: str) -> str:
    """The region a company's name is followed by ("星巴克中国第三财季营收…",
    "Starbucks China's revenue"): the figure is that segment's, not the whole
    company's; empty when there is none or the measure names it already."""
    m = _NAME_REGION_RE.match(text, end)
    if m is None:
        return ""
    region = m.group("zh") or _REGIONS_EN[m.group("en").lower()]
    return "" if measure.startswith(region) else region


_BARE_CHANGE_RE = re.compile(
    r"\s*(?:按年|同比|环比|按季|较上年|较去年)?(?:大幅|小幅)?(?:增长|增加|上升|上涨|下降|下滑|减少|增|降|升)了?(?:约|近|超过|达到|达)?\s*"
)


def unit_scope(text: str, end: int, at: int, measure: str) -> str:
    """The unit a company's name introduces with 旗下 or 的 ("比亚迪旗下的腾势2024年销量…",
    "百济神州的泽布替尼2023年全球销售额…"): the figure is that brand's, subsidiary's or
    product's, not the whole company's; empty when there is none."""
    m = re.match(r"\s*(?:（[^（）]*）|\([^()]*\))?\s*(?:旗下(?:的)?|的)\s*", text[end:at])
    if m is None:
        return ""
    if "旗下" not in m.group() and (breaks := list(re.finditer(r"[，,；;。]", text[end:at]))):
        # A product named with 的 narrows its own clause's figures and the change of
        # them the next clause gives ("…的销售额达到13亿美元，按年增长约129%").
        last = text[end + breaks[-1].end() : at]
        if len(breaks) > 1 or not is_growth(measure) or not _BARE_CHANGE_RE.fullmatch(last):
            return ""
        at = end + breaks[0].start()
    # "百济神州（BeiGene）的BTK抑制剂泽布替尼（Brukinsa）在2023年的全球销售额": the product's.
    rest = re.sub(r"（[^（）]*）|\([^()]*\)", "", text[end + m.end() : at])
    cues = _cues(rest, 0, len(rest))
    stop = min(
        [c[0] for c in cues] + [t.start() for t in re.finditer(_TIME_OPEN + r"|的", rest)] + [len(rest)]
    )
    unit = re.sub(r"(?:在|于)$", "", rest[:stop].strip())
    if "旗下" in m.group():
        # "帝亚吉欧旗下的水井坊，2023年营收…": the unit is the topic of the clause after it.
        unit = unit.rstrip(" ，,")
    return unit if _phrase_ok(unit, measure) else ""


MARKET = "market"
"""Attribution of a figure a whole market owns (its owner is then the market's name)."""


@functools.cache
def _market_measures() -> tuple[str, ...]:
    """Measures a market has as its own (``market_measures.txt``)."""
    return tuple(data_lines("market_measures.txt"))


@functools.cache
def _firm_group_re() -> re.Pattern[str]:
    """A group of firms named as a whole (百强房企, 商业银行: firm_groups.yaml)."""
    raw = data_yaml("firm_groups.yaml")
    qualifiers, kinds = (_alternation(raw[k]) for k in ("qualifiers", "kinds"))
    return re.compile(rf"(?:{qualifiers})[\u4e00-\u9fff]{{0,4}}?(?:{kinds})")


_NO_COMMODITY = frozenset(
    {"进口", "出口", "散瓶", "原箱", "整箱", "散装", "终端", "国内", "海外", "产品", "价格"}
)
"""Words before a price that say how it is traded or packed, not what is priced."""


def _market_label(text: str, left: int, hit: Hit, orgs: list[OrgRef]) -> str | None:
    """The market a figure of a market-led clause measures ("全球脑机接口市场",
    "中国新能源汽车"): the words between the clause's time and forecast words and
    the measure; None when the clause names an organisation or is not about a market."""
    if not hit.measure.startswith(_market_measures()) or hit.stock or hit.listed:
        return None
    if any(left <= o.start < hit.start for o in orgs):
        return None
    cues = [c for c in _cues(text, left, hit.start) if hit.measure.startswith(c[2]) or c[2] == "市场规模"]
    if not cues:
        return None
    head = re.sub(
        r"^(?:[^，]{0,12}?(?:预测|预计|估计|显示|表示)[，,：:]?)?\s*(?:预计|预测|估计|截至|截止)?\s*"
        r"(?:(?:19|20)\d{2}\s*年(?:底|末|初)?|今年|去年|全年|上半年|下半年|前\d+个?月|前[一二三]季度?|首三季"
        r"|第?[一二三四1-4]季度"
        r"|\d{1,2}\s*[-—–~至]\s*\d{1,2}\s*月份?|\d{1,2}月份?(?:底|末)?)*\s*[，,]?\s*",
        "",
        text[left : cues[-1][0]],
    ).strip(" 的")
    head = re.sub(r"(?:的|在|中|累计|合计|总计|共|实现|完成|录得|实际)$", "", head)
    written = text[cues[-1][0] : cues[-1][1]]
    industry = [
        written[: -len(c)]
        for c, m, _ in _measures()
        if m == cues[-1][2] and len(c) < len(written) and written.endswith(c) and not c.isascii()
    ]
    if industry and head in words().market_words:
        head += industry[0]  # "全国快递业务量": the cue names the industry (快递), the market is 全国快递
    if _firm_group_re().fullmatch(head):
        return head  # "百强房企", "商业银行": a group of firms, named as written
    if "/" in hit.unit and hit.measure.startswith("价格"):
        # "电池级碳酸锂现货均价跌至7.9万元/吨": a price per tonne is the commodity's
        good = re.sub(r"(?:现货|期货|主力合约|市场|出厂|平均|成交|批发|零售|中标)+$", "", head)
        good = re.sub(rf"^(?:{_alternation(words().market_words)})", "", good) or good
        if good in _NO_COMMODITY:
            return None  # "进口均价每吨826.1元", "散瓶批价": what is priced stands in the clause before
        return good if re.fullmatch(r"[\u4e00-\u9fff]{2,10}", good) else None
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,12}", head) or not head.startswith(words().market_words):
        return None
    if head in words().market_words:
        return None  # "全球", "行业": which market is not said
    # "全国规模以上白酒企业": the firms the total adds up, as written (no "…企业市场")
    kept = ("市场", "产业", "行业", "经济", *words().kind_nouns)
    return head if head.endswith(kept) else head + "市场"


def _market_carried(text: str, left: int, hit: Hit, orgs: list[OrgRef], out: list[Owned]) -> str | None:
    """The market an earlier clause of the sentence gave a figure to, when this clause
    names no organisation and goes on about it: it opens with a measure ("同比增长19.4%")
    or with the market's industry ("快递业务收入完成12074亿元" after 全国快递市场); else None."""
    if not out or out[-1].attribution != MARKET or hit.stock or hit.listed:
        return None
    if any(left <= o.start < hit.start for o in orgs):
        return None
    label = out[-1].owner
    industry = label
    for word in sorted(words().market_words, key=len, reverse=True):
        if industry.startswith(word):
            industry = industry[len(word) :]
            break
    industry = re.sub(r"(?:市场|产业|行业|经济)$", "", industry)
    lead = re.sub(
        r"^(?:(?:19|20)\d{2}\s*年|今年|去年|全年|其中|同时|而|但)+", "", text[left : hit.start].strip()
    )
    if (len(industry) >= 2 and lead.startswith(industry)) or _measures_re().match(lead):
        return label
    return None


_PART_OPENING_RE = re.compile(r"^\s*(?:其中|分品类看|分产品看|分品类来看|分产品来看)[，,：:]?")


def _market_part(text: str, left: int, hit: Hit, orgs: list[OrgRef]) -> str | None:
    """The part of a market a clause of a sentence opening with 其中 sizes, naming no
    organisation: the words before its measure ("黄金首饰" of "其中，黄金首饰消费量为…",
    "金条及金币" of "；金条及金币消费量为…"); None when the clause names none."""
    if (
        not _PART_OPENING_RE.match(text)
        or hit.stock
        or hit.listed
        or not hit.measure.startswith(_market_measures())
    ):
        return None
    if any(left <= o.start < hit.start for o in orgs):
        return None
    cues = [c for c in _cues(text, left, hit.start) if hit.measure.startswith(c[2])]
    if not cues:
        return None
    part = _PART_OPENING_RE.sub("", text[left : cues[-1][0]]) if left == 0 else text[left : cues[-1][0]]
    part = re.sub(r"^[，,；;：:\s]+|[的\s]+$", "", part)
    return part if re.fullmatch(r"[\u4e00-\u9fff]{2,10}", part) else None


_EN_RESULT_OPENING_RE = re.compile(
    r"\s*(?:Its\s+)?(?:quarterly\s+|annual\s+|full-year\s+)?(?:revenue|revenues|net profit|net income|"
    r"operating profit|operating income)\s+(?!of\b|across\b|in\b|at\b|for\b|from\b)",
    re.IGNORECASE,
)
"""A results line that names no one ("Revenue rose 39%…"); not a market's ("Sales of
electric vehicles in Europe…", "Revenue across the industry…")."""
_EN_RELATIVE_RE = re.compile(r",\s+(?:which|who)\s")
_EN_MAIN_VERB_RE = re.compile(
    r"\s*(?:said|says|reported|reports|posted|posts|announced|expects|expected|added|told|has|had|is|was|will)\b"
)


def _previous_subject(masked: str, pool: list[OrgRef], left: int, english: bool = False) -> OrgRef | None:
    """The subject of the nearest clause before ``left`` that names one: the first
    organisation there that is not the object of a preposition or a verb
    ("特斯拉…降至19.4%，而比亚迪凭借垂直整合，全年实现净利润300.4亿元": 比亚迪);
    None past a clause whose subject is a name the analysis does not know."""
    from briefing.analysis.roles import EXAMPLE, RANKING

    if english and re.match(r"\s*(?:which|who)\s", masked[left : left + 8]):
        # "…signed a deal with Apple, which said its revenue rose 5%": the name it follows
        named = [o for o in pool if o.end <= left and not masked[o.end : left].strip(" ,")]
        if named:
            return named[-1]
    if english and _EN_MAIN_VERB_RE.match(masked, left):
        # "Quanta, which assembles servers for Microsoft, Amazon and Google, said …": the
        # clause goes on from the name before the relative clause, not from its objects.
        relatives = [m.start() for m in _EN_RELATIVE_RE.finditer(masked, 0, left)]
        if relatives:
            pool = [o for o in pool if not relatives[-1] <= o.start < left]
    p = left - 2
    while p >= 0:
        lo, hi = clause_bounds(masked, p, p)
        here = [
            o
            for o in pool
            if lo <= o.start < hi and (o.role in (ACTS, RANKING) or (o.role not in (EXAMPLE,) and not o.cue))
        ]
        if here:
            return here[0]
        if _unnamed_subject(masked[lo:hi], english):
            return None  # "…，荣耀2025年的手机销量2100万台，同比增长5%": 荣耀's, not the name before
        p = lo - 2
    return None


def _company_clause(before: str) -> bool:
    """The clause before a number reads as one company's result, its subject left
    out: it opens with a measure or a reporting verb ("营业收入8.04亿元",
    "实现净利润…"), not with a place, a market or another noun."""
    stripped = re.sub(
        r"^(?:\d{4}年|\d{1,2}月份?|今年|去年|全年|年内|本年度|前\d+个?月|前[一二三两]季度?|[一二三四]季度|第[一二三四]季度|上半年|下半年|同时|此外|其中|另外|总|累计)+",
        "",
        before.strip(),
    )
    stripped = re.sub(r"^(?:国内|国际|海外|境内|境外|出口|北美|欧洲|全球)(?:市场)?", "", stripped)
    # A unit of the company ("流媒体业务营业利润达…") or an adjusted basis ("调整后EPS…")
    # before the measure: still the company's result, that unit's scope.
    units = "|".join(map(re.escape, sorted(_scope_data().get("unit_heads") or [], key=len, reverse=True)))
    stripped = re.sub(rf"^[\u4e00-\u9fffA-Za-z]{{1,8}}?(?:{units or '(?!)'}|业务)(?=\S)", "", stripped)
    stripped = re.sub(r"^(?:调整后|经调整|非GAAP|non-GAAP)\s*", "", stripped)
    cues = tuple(c for c, _, _ in _measures())
    return stripped.startswith(cues) or stripped.startswith(
        ("实现", "录得", "完成", "营收", "净利", "盈利", "亏损", "收入")
    )


def _last_list(masked: str, orgs: list[OrgRef], k: int) -> list[str] | None:
    """The last ``k`` organisations before, if they form one enumeration (A、B)."""
    if len(orgs) < k:
        return None
    tail = orgs[-k:]
    for a, b in itertools.pairwise(tail):
        if masked[a.end : b.start].strip() not in ("、", "和", "与", "及", ",", "，"):
            return None
    return [o.name for o in tail]


_RATIO_ENDINGS = ("份额", "占比", "比重", "率")
"""Endings of measures that are shares or ratios, never an amount of money."""
_TO_LEVEL = (
    r"(?:升至|增至|降至|减至|跌至|涨至|上升至|下降至|增加至|增加到|减少至|提高至|提升至|回落至|扩大至|收窄至)"
)
"""The verbs that take a change to the level after them."""
_FROM_BASE_RE = re.compile(r"(?:由|从)(去年|前年)的?\s*(?:约|近)?$")
_FROM_BASE_TO_RE = re.compile(rf"(?:由|从)(去年|前年)的?[^，,；;。]{{1,20}}?{_TO_LEVEL}\s*(?:约|近)?$")
_TO_LEVEL_RE = re.compile(rf"\s*{_TO_LEVEL}\s*(?:约|近)?\s*")


def to_level(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` only takes a level to the next ("…约60%降至约50%": 降至约)."""
    return _TO_LEVEL_RE.fullmatch(text, start, end) is not None


_OWN_START_YEAR_RE = re.compile(
    r"(?:年)?(?:初|底|末|中)?的\s*(?:每[\u4e00-\u9fff]{1,2})?\s*(?:约|近|逾)?\s*$"
)
"""After 从/自 and a year, up to the figure: the year is the starting level's own."""


def _from_level_year(text: str, year: re.Match[str], start: int | None) -> bool:
    """The year opens a level a change starts from ("从2019年的100亿元增至…"); with
    ``start``, the figure at ``start`` is that level (not the one it went to)."""
    if not re.search(r"(?:从|由|自)\s*$", text[max(year.start() - 2, 0) : year.start()]):
        return False
    if start is None:
        return bool(re.match(r"(?:年)?(?:初|底|末|中)?的", text[year.end() : year.end() + 3]))
    return bool(_OWN_START_YEAR_RE.match(text, year.end(), start))


def year_of(text: str, start: int, end: int | None = None) -> tuple[int | None, int | None]:
    """(year, relative year) a figure at ``text[start:end]`` refers to: a year
    right after it ("28.5% in 2022"), else the nearest year before it in the
    sentence, else 去年/今年 and the like (resolved with the document's date later)."""
    if end is not None:
        right_after = re.match(
            # "4.5 billion parcels in Southeast Asia in 2023": a place may stand between
            r"\s*(?:[a-z]+\s+){0,4}?(?:(?:in|across) (?:the )?[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*){0,3},?\s+)?"
            r"(?:in|for|during|(?:by|as of|as at|at) (?:the )?end of(?: [A-Z][a-z]+,?)?)"
            # "sold 5.42 million cups on its first day in September 2023"
            r" (?:fiscal (?:year )?|(?:January|February|March|April|May|June|July|August|September|October"
            r"|November|December) )?((?:19|20)\d{2})\b",
            text[end : end + 48],
        )
        if right_after:
            return int(right_after.group(1)), None
    # "净负债比率由去年的50.3%升至54.9%": the first figure is last year's, the one it
    # rose to the year after (this year)
    if base := _FROM_BASE_RE.search(text[max(start - 6, 0) : start]):
        return None, _RELATIVE_YEAR[base.group(1)]
    if reach := _FROM_BASE_TO_RE.search(text[max(start - 40, 0) : start]):
        return None, _RELATIVE_YEAR[reach.group(1)] + 1
    years = [
        m
        for m in _year_re().finditer(text)
        if m.start() < start
        # "几乎是2020年的10倍", "比2019年", "2015年以来": a year compared with, not the figure's;
        # but "从2023年初的每吨约18万元跌至…": the level it started from, in its own year (and
        # not the year of the level it went to)
        and (
            _from_level_year(text, m, start)
            or (
                not re.search(r"(?:是|比|较|与|自|从|相比)\s*$", text[max(m.start() - 3, 0) : m.start()])
                # "slightly lower than in 2023": the year compared with
                and not _EN_THAN_YEAR_RE.search(text, max(m.start() - 16, 0), m.start())
                # "恢复至2019年同期的120%": the base it is measured against
                and not re.match(r"\s*(?:年)?(?:的\s*\d|以来|相比|同期)", text[m.end() : m.end() + 4])
                and not _from_level_year(text, m, None)
            )
        )
        and not _founding_year(text, m.start())
    ]
    just_before = text[max(start - 8, 0) : start]
    # (only right before a figure: at the end of a sentence "与上年基本持平" compares)
    previous = end is not None and any(w in just_before for w in ("上一年", "上年", "前一年", "去年同期"))
    masked = mask_parentheses(text)
    left, right = clause_bounds(masked, start, start)
    if years and years[-1].start() < left and not previous:
        # "计划到2028年门店数达到10000家，去年新开门店超过900家": the figure's own clause
        # dates it (去年), not a goal's year in the clause before.
        own = [
            m
            for m in _RELATIVE_RE.finditer(text, left, start)
            if not re.search(r"(?:较|比|与|相比|同|than|from)\s*$", text[max(m.start() - 3, 0) : m.start()])
        ]
        if own:
            return None, _RELATIVE_YEAR[own[-1].group().lower()]
    if years:
        y = years[-1]
        return int(next(g for g in y.groups() if g)) - (1 if previous else 0), None
    if previous:
        return None, -1
    if end is not None and (
        due := re.search(r"(?:等到|要到|将于|将在|预计于?|计划于?)\s*((?:19|20)\d{2})\s*年", text[end:right])
    ):
        return int(due.group(1)), None  # "产能投产仍要等到2012年": the year it is due
    # (only in its own clause: "…had delivered 10 units and expects to deliver 500 in 2025")
    joined = _EN_NEXT_VERB_RE.search(text, end if end is not None else start, right)
    later = re.search(
        r"\b(?:in|for|during) (?:fiscal (?:year )?)?((?:19|20)\d{2})\b"
        r"|\b(?:quarter|half|year|months) of ((?:19|20)\d{2})\b"
        r"|\b(?:by|as of|as at|at) (?:the )?end of (?:[A-Z][a-z]+,? )?((?:19|20)\d{2})\b",
        text[start : joined.start() if joined else right],
    )
    if later:
        # "revenue of $4.2 billion for 2023", "declined 3% in the fiscal third quarter of 2024",
        # "had sold 2 million units in the United States by the end of 2024"
        return int(later.group(1) or later.group(2) or later.group(3)), None
    if re.search(r"目前|当前|截至目前|现有|\b(?:now|currently)\b", text[left:start]) and not (
        end is not None and re.match(r"\s*(?:元|美元)?\s*的?(?:战略)?(?:投资|收购|融资|入股)", text[end:])
    ):
        return None, 0  # "目前在新加坡的门店已达30家": today, not the 去年 of the clause before
    if re.search(r"(?<![\d年])\d{1,2}月\d{1,2}日", text[left:start]):
        return None, 0  # "7月12日其日订单量突破1.2亿单": a day of the article's year
    for scope, own_from in ((text[left:right], 0), (text[:start], left)):
        # The nearest 去年/今年 that is not the base of a comparison ("较去年增长12%"), nor
        # a clause before that gives last year's figure ("去年同期为盈利48.9亿元，收入按年
        # 下跌68.2%": this year's fall).
        found = [
            (m.start(), _RELATIVE_YEAR[m.group().lower()])
            for m in _RELATIVE_RE.finditer(scope)
            if not re.search(
                r"(?:较|比|与|相比|同|由|从|than|from)\s*$", scope[max(m.start() - 3, 0) : m.start()]
            )
            # "20%, down from 21.3% a year earlier": the time of the figure it came from
            and not (
                own_from == 0
                and left + m.start() > start
                and _EN_FROM_RE.search(text, start, left + m.start())
            )
            and not (m.start() < own_from and scope.startswith("同期", m.end()))
        ]
        if found:
            return None, found[-1][1]
    return None, None


_EN_THAN_YEAR_RE = re.compile(r"\b(?:than|compared with|versus|vs\.?)\s+(?:in\s+|for\s+)?(?:fiscal\s+)?$")
_EN_FROM_RE = re.compile(r"\b(?:from|compared with)\b", re.IGNORECASE)


@functools.cache
def _founding_re() -> re.Pattern[str]:
    words = sorted(data_lines("founding_years.txt"), key=len, reverse=True)
    return re.compile(
        r"(?:"
        + "|".join(map(re.escape, words))
        + r")(?:\s+in(?:\s+[A-Z][\w.'&-]*){0,3},?)?\s*(?:in|于|在)?\s*$",
        re.IGNORECASE,
    )


def _founding_year(text: str, at: int) -> bool:
    """The year at ``at`` dates a founding ("founded in Indonesia in 2015", "成立于2015年"):
    ``founding_years.txt``."""
    lead = re.sub(r"\s*\b(?:in|for)\s*$", "", text[max(0, at - 40) : at], flags=re.IGNORECASE)
    return bool(_founding_re().search(lead))


_RELATIVE_RE = re.compile("|".join(re.escape(w) for w in _RELATIVE_YEAR), re.IGNORECASE)
_BARE_MEASURES = {"利润率": ("净息差", "毛利率", "净利率")}
"""A bare measure ("its margin") and the specific ones a document may mean by it."""


def refine_measures(figures: list, text: str) -> None:
    """A bare measure becomes the specific one its document names ("kept its margin
    at 2.15%" in a text that speaks of the net interest margin → 净息差), when the
    document names exactly one of them (through any cue of ``measures.yaml``)."""
    bare = [f for f in figures if f.measure.startswith(tuple(_BARE_MEASURES))]
    if not bare:
        return
    low = text.lower()
    for f in bare:
        head = next(b for b in _BARE_MEASURES if f.measure.startswith(b))
        named = [
            m
            for m in _BARE_MEASURES[head]
            if any(c.lower() in low for c, measure, _ in _measures() if measure == m)
        ]
        if len(named) == 1:
            f.measure = named[0] + f.measure[len(head) :]


__all__ = [
    "ACTS",
    "CLAUSE_BREAKS",
    "Hit",
    "OrgRef",
    "Owned",
    "attribute",
    "extent_of",
    "figures_in",
    "market_led",
    "year_of",
]
