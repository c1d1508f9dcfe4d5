"""Key figures: the few numbers a decision rests on, comparable ones side by side.

Built from the companies' figures (each already owned by the organisation its
sentence gives it to, with measure, unit, year and credited source). Figures
of one measure, unit and year that one paragraph gives form one key figure
with a value per organisation (阿里云 45.5% · 腾讯 10.3%, 市场份额 2017, IDC). They are ranked
by what makes a number decision-relevant: a comparison across organisations,
a deal between two, a credited source, a year, a measure a reader acts on
(share, revenue, profit), and how central the organisations are to the corpus
(a deal's investor or buyer counts); a number with none of these but the last
only fills the first three.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from briefing.analysis.figures import GROWTH_WORDING_RE, is_growth, is_region
from briefing.model import Company, Figure, KeyFigure, KeyFigureEntry
from briefing.resources import data_lines, data_yaml
from briefing.script import to_simplified

MIN_KEY_FIGURES, MAX_KEY_FIGURES = 3, 6
TELLING = 2.5
"""Beyond the first three, a figure needs this score and one of: a comparison, a
credited source, a year, a measure a reader acts on (key_measures.txt) or a deal;
how often its organisation is named alone makes no number telling ("约10亿级的用户")."""
PER_COMPANY = 2
PER_DOCUMENT, WIDE_CORPUS = 2, 8
"""From WIDE_CORPUS sources on, at most PER_DOCUMENT key figures come from one source."""
RECENT_YEARS = 2
"""A figure this many years older than the newest result in the sources still counts as current."""
"""At most this many key figures name the same organisation: the block spans the corpus."""


@functools.cache
def _key_measures() -> tuple[str, ...]:
    return tuple(data_lines("key_measures.txt"))


def measure_weight(measure: str) -> float:
    """1 for the most telling measure of key_measures.txt, down to 0.4; 0 for others."""
    ranked = _key_measures()
    for i, name in enumerate(ranked):
        if measure.startswith(name):
            weight = 1.0 - 0.6 * i / max(len(ranked) - 1, 1)
            # A change of a measure tells less than the measure itself.
            return weight / 2 if is_growth(measure) and not is_growth(name) else weight
    return 0.0


def comparable_key(f: Figure, scope: str | None = None) -> tuple[str, str, str, str, int | None]:
    """What two figures must share to be set side by side: measure (with its
    fact/forecast/target suffix; one quantity under two names is one measure, see
    :func:`comparable_measure`), scope (the part of the organisation, the product
    range or the basis its clause states), period (the part of the year), unit and year.
    A deal's payment is dated by its month, not measured over it: deals of the year compare."""
    period = "" if f.attribution == "payment" else f.period
    return (comparable_measure(f.measure), f.scope if scope is None else scope, period, f.unit, f.year)


_GLOBAL = "全球"
_SHARE_RE = re.compile(r"份额|占有率|占比|渗透率|排名")


def comparable_measure(measure: str) -> str:
    """The quantity a measure reports, for setting figures side by side: its family
    (交付量 is 销量: a carmaker's deliveries are its sales; data/measure_family.yaml),
    and an organisation's 全球 total is its total (特斯拉全球交付180.8万辆 beside
    比亚迪销量302.4万辆). A share keeps its market (全球市场份额 is not 市场份额)."""
    from briefing.analysis.companies import measure_family

    base = measure
    if base.startswith(_GLOBAL) and len(base) > len(_GLOBAL) and not _SHARE_RE.search(base):
        base = base[len(_GLOBAL) :]
    family = measure_family(base)
    return family if family else measure


@functools.cache
def _scope_rules() -> dict:
    rules = data_yaml("key_figure_scopes.yaml") or {}
    return {
        "bases": [(re.compile(b["pattern"], re.IGNORECASE), b["label"]) for b in rules.get("bases", [])],
        "segments": [re.compile(p, re.IGNORECASE) for p in rules.get("segments", [])],
        "not_segments": tuple(rules.get("not_segments", [])),
        "segment_names": {k.lower(): v for k, v in (rules.get("segment_names") or {}).items()},
        "market_tier": re.compile(rules.get("market_tier") or r"(?!)"),
        "totals": re.compile(rules.get("totals") or r"(?!)", re.IGNORECASE),
        "total_label": rules.get("total_label", "合计"),
        "incomparable": re.compile(rules.get("incomparable") or r"(?!)", re.IGNORECASE),
        "elliptic": re.compile(rules.get("elliptic") or r"(?!)", re.IGNORECASE),
        "restated": re.compile(rules.get("restated") or r"(?!)", re.IGNORECASE),
    }


_SHARE_ENDINGS = ("份额", "占有率", "市占率")


def _before_number(f: Figure) -> str:
    """The figure's sentence up to its number, in Simplified script ("" where the number
    is not found in it)."""
    text = to_simplified(f.text)
    at = text.find(to_simplified(f.raw)) if f.raw else -1
    return text[:at] if at >= 0 else ""


def _market_tier(f: Figure, pattern: re.Pattern[str]) -> str:
    """The tier of a market a clause before the figure frames it in (中国高阶手机市场), or ""."""
    found = [m.group(1) for m in pattern.finditer(_before_number(f))]
    # (the home country is the folder's market, the tier what sets the share apart: 高阶手机市场)
    return re.sub(r"^(?:中国|国内|全国)", "", found[-1]) if found else ""


def _clause_before(f: Figure) -> str:
    """The figure's clause up to its number, in Simplified script (where a scope word
    stands); for a change ("同比增长6.22%") the clause of the amount before it too
    ("归母净利润1466.02亿元，同比增长6.22%": the growth is of 归母净利润)."""
    text = _before_number(f)
    at = len(text)
    start = max(text.rfind(p, 0, at) for p in "，,；;。：:!?！？") + 1
    if is_growth(f.measure) and start > 1 and text[start - 1] in "，,":
        start = max(text.rfind(p, 0, start - 1) for p in "，,；;。：:!?！？") + 1
    return text[start:at]


def stated_scope(f: Figure, siblings: list[Figure] = ()) -> str:
    """What the figure covers as its own clause states it: the scope the figure
    carries (其中上海超级工厂), else a segment named before the measure
    (汽车业务毛利率), a basis (归母净利润), or a total the same sentence then
    splits (汽车总销量…，其中纯电汽车销量…: 合计). Empty for a plain figure."""
    if f.scope:
        return f.scope
    rules = _scope_rules()
    before = _clause_before(f)
    for pattern in rules["segments"]:
        for m in pattern.finditer(before):
            segment = m.group(1).strip()
            segment = rules["segment_names"].get(segment.lower(), segment)
            if not segment.endswith(rules["not_segments"]) and segment not in f.measure:
                return segment
    if f.measure.endswith(_SHARE_ENDINGS) and (tier := _market_tier(f, rules["market_tier"])):
        return tier
    labels = [label for pattern, label in rules["bases"] if pattern.search(before)]
    if labels:
        return labels[0]
    split = any(
        g is not f and g.scope and g.text == f.text and g.unit == f.unit and g.value < f.value
        for g in siblings
    )
    if split and rules["totals"].search(before):
        return rules["total_label"]
    return ""


def _elided_bases(companies: list[Company]) -> dict[int, str]:
    """id(figure) → the basis an elliptic clause takes from the figure before it in
    its sentence ("…归母净利润亏损23.5亿元，通威股份同期亏损7.6亿元": 归母 for both)."""
    rules = _scope_rules()
    bases = {label for _, label in rules["bases"]}
    by_sentence: dict[tuple[str, int, str], list[Figure]] = defaultdict(list)
    for c in companies:
        for f in c.figures:
            by_sentence[(f.document, f.paragraph, f.text)].append(f)
    out: dict[int, str] = {}
    for (_, _, text), figures in by_sentence.items():
        if len(figures) < 2 or not rules["elliptic"].search(text):
            continue
        at = {id(f): to_simplified(text).find(to_simplified(f.raw)) for f in figures}
        for f in figures:
            if f.scope or stated_scope(f):
                continue
            before = _clause_before(f)
            if not rules["elliptic"].search(before) or rules["restated"].search(before):
                continue
            earlier = [
                g
                for g in figures
                if 0 <= at[id(g)] < at[id(f)]
                and comparable_key(g, "") == comparable_key(f, "")
                and stated_scope(g) in bases
            ]
            if earlier:
                out[id(f)] = stated_scope(earlier[-1])
    return out


def _basis_labels() -> set[str]:
    """Scopes that state a basis (归母) or a total, not a part: the figure covers the whole company."""
    rules = _scope_rules()
    return {label for _, label in rules["bases"]} | {rules["total_label"]}


def incomparable(f: Figure) -> bool:
    """The figure's sentence says the figures in it are counted differently."""
    return bool(_scope_rules()["incomparable"].search(to_simplified(f.text)))


def owner_kind(company: Company) -> str:
    """Whose figure it is, for pairing: an organisation, or a market by its
    industry (中国新能源汽车市场 and 全球新能源汽车市场 are one industry; 低空经济
    and 商业航天 are not). A market's size is never set beside one firm's."""
    if company.type != "market":
        return "organisation"
    name = company.name
    for i in range(len(name) - 1, 0, -1):
        if is_region(name[:i]):
            name = name[i:]
            break
    return "market:" + name.removesuffix("市场")


_BARE_CHANGES = frozenset(
    ["增长", "下降", "下滑", "下跌", "上涨", "上升", "增长率", "降幅", "增幅", "同比增长", "同比下降", "变化"]
)
"""Measures that are a change and nothing else: no key figure a reader could place."""


def key_figures(companies: list[Company], kinds: dict[str, str] | None = None) -> list[KeyFigure]:
    """The 3-6 most decision-relevant figures (fewer when the corpus gives fewer).

    Figures are comparable when they share measure, scope, period, unit and a
    stated year (a first-quarter figure is never set beside a full year's), or,
    without a year, when one paragraph gives them; each organisation appears once
    in a comparison. ``kinds`` maps a document's path to its kind (a memo's
    summary numbers are the ones its author thought worth writing down).
    """
    kinds = kinds or {}
    top = max((c.mentions for c in companies), default=1) or 1
    mentions = {c.name: c.mentions for c in companies}
    groups: dict[tuple, dict[str, tuple[Company, Figure]]] = defaultdict(dict)
    facts = {
        (c.name, base_measure(f.measure), f.scope) for c in companies for f in c.figures if f.kind == "fact"
    }
    # The newest year the sources report results for: a folder that spans fifteen years
    # leads with what is current, not with a 2011 quarterly.
    latest = max((f.year for c in companies for f in c.figures if f.kind == "fact" and f.year), default=None)
    elided = _elided_bases(companies)
    total_label = _scope_rules()["total_label"]
    totals: set[int] = set()
    for company in companies:
        for f in company.figures:
            if f.counterpart and f.measure not in ("获投资", "被收购") and f.attribution != "payment":
                continue  # (a deal's payment is the one paid's: 首付款 of each licensor, side by side)
            if f.measure in _BARE_CHANGES:
                continue  # "…while Apple's fell 0.3%": a change of what, the row could not say
            if f.kind != "fact" and (company.name, base_measure(f.measure), f.scope) in facts:
                continue  # the result is there: an expectation of the same measure is no headline
            scope = stated_scope(f, company.figures) or elided.get(id(f), "")
            if scope == total_label:
                # A total its sentence splits (汽车总销量427万辆，其中纯电…) is the organisation's
                # whole, as a plain figure of a peer is (特斯拉销量179万辆): they pair.
                totals.add(id(f))
                scope = ""
            # the source warns they are counted differently: each stands alone
            alone = company.name if incomparable(f) else ""
            f.compare_as = "|".join((scope, owner_kind(company), alone))
            key = (
                *comparable_key(f, scope),
                owner_kind(company),
                alone,
                *(() if f.year is not None else (f.document, f.paragraph)),
            )
            known = groups[key].get(company.name)
            if known is None or _better(f, known[1]):
                groups[key][company.name] = (company, f)
    scored: list[KeyFigure] = []
    telling: dict[int, bool] = {}  # index in scored → the figure has something beyond its number
    for key, entries in groups.items():
        measure, scope, period, unit, year = key[:5]
        rows = sorted(entries.values(), key=lambda cf: (-cf[1].value, cf[0].name))
        if len(rows) == 2 and len({f.document for _, f in rows}) == 2 and _one_fact(rows):
            # one number from each source under another name ("the latte sold 5.42 million
            # cups": 瑞幸咖啡's, "首日销量突破542万杯": 贵州茅台's): one fact, no comparison
            rows = rows[:1]
        named = {f.measure for _, f in rows}
        if len(named) == 1:
            measure = named.pop()  # the source's own name where every row uses it (交付量, 全球市场份额)
        else:
            # one quantity under its names, the family's first: 销量/交付量
            bare = {m.removeprefix(_GLOBAL) if comparable_measure(m) != m else m for m in named}
            # …each once: 新业务价值同比增长 and 新业务价值增长率 are one name in two wordings
            worded: dict[str, str] = {}
            for m in sorted(bare, key=lambda m: (m != measure, m)):
                worded.setdefault(GROWTH_WORDING_RE.sub("", m), m)
            measure = "/".join(worded.values())
        if not scope and all(id(f) in totals for _, f in rows):
            scope = total_label  # totals alone: said so (and not shown without a peer)
        sources = sorted({f.source for _, f in rows if f.source})
        # A deal is as central as the organisations in it: the investor or buyer too
        # (阿里巴巴's 45亿 in 汇通达 is news of 阿里巴巴's, however rarely 汇通达 is named).
        prominence = max(max(c.mentions, mentions.get(f.counterpart or "", 0)) for c, f in rows) / top
        documents = {f.document for _, f in rows}
        deal = any(f.counterpart for _, f in rows)
        score = (
            1.0
            + 2.0 * (len(rows) >= 2)
            + 1.0 * deal  # two organisations and an amount between them: a deal is news
            + 0.5 * (len(rows) >= 3)
            + 0.5 * (len(documents) >= 2 or (len(rows) >= 2 and len({f.paragraph for _, f in rows}) >= 2))
            + 1.0 * bool(sources)
            + 0.5 * (year is not None)
            + 1.0 * (latest is not None and year is not None and year >= latest - RECENT_YEARS)
            + 1.5 * measure_weight(measure)
            + 1.0 * prominence
            + 0.5 * any(kinds.get(f.document) == "memo" or f.paragraph <= 2 for _, f in rows)
            - 0.75 * measure.endswith(("目标", "预测"))
            - 0.5 * any(f.caveats for _, f in rows)
            - 1.0 * any(incomparable(f) for _, f in rows)
            # A plant or a business line tells less than the whole; a region (星巴克中国) is
            # scored as a region named in the measure is (中国营收).
            - 0.5 * (bool(scope) and not is_region(scope) and scope not in _basis_labels())
            - 1.0 * any(_starting_level(f) for _, f in rows)
            # a market's size is a headline; how fast it grew tells less
            + 1.0 * (any(c.type == "market" for c, _ in rows) and not is_growth(measure))
        )
        telling[len(scored)] = (
            len(rows) >= 2 or bool(sources) or year is not None or measure_weight(measure) > 0 or deal
        )
        scored.append(
            KeyFigure(
                measure=measure,
                unit=unit,
                year=year,
                source="、".join(sources) or None,
                entries=[
                    KeyFigureEntry(
                        company=c.name,
                        value=f.value,
                        raw=f.raw,
                        document=f.document,
                        paragraph=f.paragraph,
                        qualifier=f.qualifier,
                        value_max=f.value_max,
                        counterpart=f.counterpart,
                    )
                    for c, f in rows
                ],
                score=round(score, 3),
                scope=scope,
                period=period,
                kind=rows[0][1].kind,
            )
        )
    # An organisation's measure shown for its latest period (2011年一季度, not the
    # 2010年四季度 the same source gives before it): the newest result is the news.
    newest: dict[tuple[str, str, str, str, str], tuple[int, int]] = {}
    for k in scored:
        when = _when(k)
        if k.kind != "fact" or when is None:
            continue
        for e in k.entries:
            at = (e.company, k.measure, k.unit, k.scope, when[0])
            newest[at] = max(newest.get(at, when[1]), when[1])
    untelling = {id(k) for i, k in enumerate(scored) if not telling[i]}
    # Results first: a forecast or a goal fills the block only where results run out.
    scored.sort(key=lambda k: (k.kind != "fact", -k.score, k.measure, k.year or 0, k.entries[0].company))
    chosen: list[KeyFigure] = []
    used: dict[str, int] = defaultdict(int)
    facts: set[tuple[str, int, str]] = set()
    shown: set[tuple[str, float]] = set()
    markets = {c.name for c in companies if c.type == "market"}
    per_document: dict[str, int] = defaultdict(int)
    wide = len({d for c in companies for d in c.documents} | set(kinds)) >= WIDE_CORPUS
    for k in scored:
        if k.kind != "fact" and len(chosen) >= MIN_KEY_FIGURES:
            break
        names = [e.company for e in k.entries]
        if all(used[n] >= PER_COMPANY for n in names):
            continue
        if len(k.entries) == 1 and k.scope == _scope_rules()["total_label"]:
            continue  # a total its source splits, alone, invites comparison with a peer's part
        when = _when(k)
        if len(k.entries) == 1 and when is not None:
            at = (k.entries[0].company, k.measure, k.unit, k.scope, when[0])
            if newest.get(at, when[1]) > when[1]:
                continue  # a later period of the same kind and measure is there
        documents = {e.document for e in k.entries}
        if wide and all(per_document[d] >= PER_DOCUMENT for d in documents):
            continue  # a wide folder: no one source fills the block
        if (
            markets.issuperset(names)
            and sum(1 for c in chosen if markets.issuperset(e.company for e in c.entries)) >= 2
        ):
            continue  # at most two market sizes: the block is about the sources' actors
        if len(chosen) >= MIN_KEY_FIGURES and k.score < TELLING:
            break
        if len(chosen) >= MIN_KEY_FIGURES and id(k) in untelling:
            continue  # only a number: no comparison, source, year, key measure or deal
        mine = {(e.document, e.paragraph, e.raw) for e in k.entries}
        if mine & facts:
            continue  # one deal seen from both sides (阿里 invested 45亿, 汇通达 received it) is one figure
        values = {(e.company, e.value) for e in k.entries}
        if values <= shown:
            continue  # the same numbers again (a memo's summary of an article's figures)
        facts |= mine
        shown |= values
        chosen.append(k)
        for n in names:
            used[n] += 1
        for d in documents:
            per_document[d] += 1
        if len(chosen) == MAX_KEY_FIGURES:
            break
    return chosen


_PERIOD_ENDS = {
    "": ("year", 12),
    "一季度": ("quarter", 3),
    "二季度": ("quarter", 6),
    "三季度": ("quarter", 9),
    "四季度": ("quarter", 12),
    "上半年": ("half", 6),
    "下半年": ("half", 12),
    "前三季度": ("to date", 9),
}
_MONTHS_RE = re.compile(r"^前(\d{1,2})个月$|^(\d{1,2})月$")


def _one_fact(rows: list[tuple[Company, Figure]]) -> bool:
    """Two rows give the same number (within rounding), each in a sentence that names the
    other's organisation too: one fact the sources give to different owners, not two
    companies that happen to report the same growth."""
    (a, fa), (b, fb) = rows
    if not fa.value or abs(fa.value - fb.value) > 0.001 * max(abs(fa.value), abs(fb.value)):
        return False
    return any(n in fa.text for n in b.aliases) or any(n in fb.text for n in a.aliases)


def _when(k: KeyFigure) -> tuple[str, tuple[int, int]] | None:
    """The kind of period (a year, a quarter, a half, the year to date, a month) and
    when it ends (year, month): 一季度 2011 is (quarter, (2011, 3)), a full year ends in
    December, 前4个月 in April. None without a year or for a fiscal quarter (whose
    months depend on the company's fiscal year). Only periods of one kind compare:
    a first quarter is no later version of the year before."""
    if k.year is None:
        return None
    if k.period in _PERIOD_ENDS:
        kind, month = _PERIOD_ENDS[k.period]
        return kind, (k.year, month)
    m = _MONTHS_RE.match(k.period)
    if m is None:
        return None
    return ("to date", (k.year, int(m.group(1)))) if m.group(1) else ("month", (k.year, int(m.group(2))))


def base_measure(measure: str) -> str:
    """A measure without its goal or forecast suffix ("营收预测" → 营收)."""
    return re.sub(r"(?:目标|预测)$", "", measure)


def _starting_level(f: Figure) -> bool:
    """The figure is where a change started ("销量从不到50万辆增加到179万辆"), not the news."""
    return bool(f.raw) and bool(re.search(r"(?:从|由|from)\s*" + re.escape(f.raw), f.text, re.IGNORECASE))


def _better(a: Figure, b: Figure) -> bool:
    """``a`` states a fact more usefully than ``b``: exact rather than approximate,
    more digits, a credited source."""
    return (not a.qualifier, sum(ch.isdigit() for ch in a.raw), bool(a.source)) > (
        not b.qualifier,
        sum(ch.isdigit() for ch in b.raw),
        bool(b.source),
    )
