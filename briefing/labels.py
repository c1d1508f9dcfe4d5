"""How the model's codes and numbers read to a Chinese reader: label tables and number formats.

Shared by the template filters, the charts and the text digest, below all three.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefing.model import Figure, KeyFigure

TYPE_ZH = {
    "company": "企业",
    "investor": "投资机构",
    "government": "政府机构",
    "association": "协会/联盟",
    "research": "研究机构",
    "media": "媒体",
    "university": "高校",
    "product": "产品/业务",
    "other": "其他",
}
LANGUAGE_ZH = {"zh-Hans": "简体中文", "zh-Hant": "繁体中文", "en": "英文"}
KIND_ZH = {"memo": "研究备忘录", "article": "文章"}
RULE_ZH = {
    "normalize_spaces": "空白字符规范化",
    "normalize_width": "全角数字字母转半角",
    "strip_html_remnants": "去除HTML残留",
    "strip_pinyin_annotations": "去除拼音注音",
    "collapse_lost_spaces": "去除乱码问号占位",
    "strip_markdown_remnants": "去除Markdown残留",
    "collapse_whitespace": "合并多余空格",
    "remove_boilerplate": "去除网站页脚与评论区",
    "extract_byline": "提取署名行",
    "rejoin_broken_lines": "接合断行",
    "strip_data_uris": "去除内嵌base64图片",
    "strip_shortcodes": "去除博客短代码",
    "strip_trailing_urls": "去除段末裸链接",
    "find_garbled": "标记乱码",
}
SKIP_REASON_ZH = (
    # (pattern of an English skip reason, its Chinese wording): the method note of a
    # Chinese briefing says why a file was skipped in Chinese, not in the reader's log words.
    (r"README", "文件夹的说明文件，不是来源"),
    (r"licen[cs]e", "许可证文件，不是来源"),
    (r"changelog", "更新日志，不是来源"),
    (r"contribution guide|code of conduct|list of authors", "项目说明文件，不是来源"),
    (r"data table|tab-separated", "数据表，不是文章"),
    (r"spreadsheet", "电子表格，不是文章"),
    (r"broken symbolic link", "失效的符号链接"),
    (r"symbolic link loop", "循环的符号链接"),
    (r"symbolic link", "指向文件夹的链接，未跟随"),
    (r"cannot read folder", "无法读取的文件夹"),
    (r"cannot read", "无法读取"),
    (r"not a regular file|: not read", "不是普通文件"),
    (r"empty", "空文件"),
    (r"binary|not a text|image|PDF", "不是文本文件"),
    (r"encoding|decode", "无法识别的编码"),
    (r"too large|size", "文件过大"),
)
SKIP_REASON_OTHER_ZH = "无法作为来源读取"


def skip_reason_zh(reason: str) -> str:
    """A skipped file's reason in Chinese (the English one stays in the JSON)."""
    import re

    if copy := re.match(r"a copy of (.+) \(the same text( in the other script)?\)$", reason):
        # (analysis/copies.py: the same story clipped twice, which source it repeats)
        return f"与{copy.group(1)}内容相同的{'繁简' if copy.group(2) else ''}转载"
    for pattern, zh in SKIP_REASON_ZH:
        if re.search(pattern, reason, re.IGNORECASE):
            return zh
    return SKIP_REASON_OTHER_ZH


FOUND_BY_ZH: tuple[tuple[str, str, bool], ...] = (
    # (cue as the analysis records it, Chinese label, quote the rest of the cue)
    ("gazetteer", "机构名表", False),
    ("suffix", "机构后缀", True),
    ("title", "职务", True),
    ("predicate", "公司才有的说法", True),
    ("stock code", "股票代码", False),
    ("kind noun", "类别词", True),
    ("named", "“名为…的公司”", False),
    ("legal suffix", "英文公司后缀", True),
    ("jieba nt", "词典中的机构名", False),
    ("analysts at", "分析师所在机构（analysts at）", False),
    ("listed", "挂牌上市", False),
    ("invested in", "投资对象", False),
    ("said its", "英文报道称其“said its”", False),
    ("share subject", "市场份额的主语", False),
    ("according to", "数据出处（according to）", False),
    ("apposition the", "同位语", True),
    ("country prefix", "国名加机构", False),
    ("publisher", "发布数据的机构", True),
    ("subject of", "行动的主语", True),
    ("repeat", "多次出现", False),
    ("reports its results", "公布业绩的主语", False),
    ("pinyin", "拼音对应", True),
)
"""How each discovery cue (``Company.found_by``) reads in the briefing: the
longest prefix wins; a cue no row names is shown as the words it holds."""


def found_by_zh(cue: str) -> str:
    """A company's discovery cue in Chinese: "suffix 银行" → 机构后缀“银行”,
    "said its" → 英文报道称其“said its”."""
    for prefix, zh, rest in sorted(FOUND_BY_ZH, key=lambda row: -len(row[0])):
        if cue == prefix or cue.startswith(prefix + " "):
            tail = cue[len(prefix) :].strip()
            return f"{zh}“{tail}”" if rest and tail else zh
    return f"上下文“{cue}”"


STATUS_ZH = {
    "answered": "已回答",
    "partly answered": "部分回答",
    "open": "待研究",
    # Models written before version 0.2 (stored editions) hold these.
    "evidence found": "已有证据",
    "thin": "证据不足",
    "none": "暂无证据",
}


def format_number(value: float) -> str:
    """45.5 → "45.5", 120000000 → "1.2亿", 100000 → "10万"; an exact count that
    万 would write with more than two decimals stays a count: 242765 → "242,765"
    (not "24.2765万", a precision no one writes)."""
    for size, unit in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(value) >= size:
            scaled = float(f"{value / size:.6g}")
            if size == 1e4 and value == int(value) and round(scaled, 2) != scaled:
                return f"{int(value):,}"
            return f"{scaled:.6g}{unit}"
    return f"{value:.6g}" if value != int(value) else str(int(value))


def format_among(value: float, among: Iterable[float] = ()) -> tuple[str, bool]:
    """A number written beside the others of one comparison (``among``), and whether
    it is rounded to be: an exact count stays a count alone (160,038), but beside a
    figure written in 万 it is written in 万 too, rounded ("约16万" beside "302.4万",
    not "160,038" beside "302.4万", which the reader cannot compare at a glance)."""
    text = format_number(value)
    if "," not in text or not any(format_number(v).endswith("万") for v in among if v != value):
        return text, False
    scaled = round(value / 1e4, 2)
    return f"{scaled:g}万", scaled * 1e4 != value


def format_value(
    value: float,
    unit: str,
    qualifier: str = "",
    value_max: float | None = None,
    among: Iterable[float] = (),
) -> str:
    """A number as the briefing writes it, whatever the source's script or language:
    its approximation, the scaled value, a range's upper end and the unit
    ("約57億元" and "about 5.7 billion yuan" both → "约57亿元"; "82 percent" → "82%");
    ``among``: the values it is compared with (see :func:`format_among`)."""
    text, rounded = format_among(value, among)
    if rounded and not qualifier:
        qualifier = APPROXIMATELY
    if value_max is not None:
        text += "–" + format_number(value_max)
    return f"{qualifier}{text}{'' if unit == '个' else unit}"


def format_key_value(
    raw: str,
    value: float,
    unit: str,
    qualifier: str = "",
    value_max: float | None = None,
    among: Iterable[float] = (),
) -> str:
    """A key figure's value in the briefing's script and units, from its parsed
    value (the text as written, ``raw``, stays in the JSON); ``among``: the values
    of its row, written alike."""
    return format_value(value, unit, qualifier, value_max, among)


APPROXIMATELY = "约"


RATE_PERIODS = ("每年", "年均", "每月", "每天")
"""Periods of figures that are rates (see ``figure_extents.yaml``)."""


def format_when(year: int | None, period: str = "") -> str:
    """The time a figure covers: "2024年一季度", "2023年", "第三财季，年份未注明", "年份未注明";
    a running total runs to a time ("截至2023年底", "截至2023年9月", "累计，截至2023年"),
    a rate says so ("每年", "2024年，每年")."""
    if period.startswith("截至"):
        rest = period.removeprefix("截至").removeprefix("年")
        return f"截至{year}年{rest}" if year else f"{period}，年份未注明"
    if period == "累计":
        return f"累计，截至{year}年" if year else "累计，截至时间未注明"
    if period in RATE_PERIODS:
        return f"{year}年，{period}" if year else period
    if year:
        return f"{year}年{period}"
    return f"{period}，年份未注明" if period else "年份未注明"


def is_extent(period: str) -> bool:
    """The period is a running total's (截至…, 累计) or a rate's (每年…), not a part of a year."""
    return period.startswith("截至") or period == "累计" or period in RATE_PERIODS


def time_words(year: int | None, period: str = "") -> str:
    """The time a figure covers as the words that open a statement of it ("2023年一季度",
    "截至2023年底", "截至2023年累计", "每年"), empty when the text names none."""
    if period == "累计":
        return f"截至{year}年累计" if year else "累计"
    if period.startswith("截至") and not year:
        return period
    if is_extent(period):
        return format_when(year, period)
    return f"{year}年{period}" if year else period


def key_when(year: int | None, period: str = "") -> str:
    """A key figure's time column: :func:`format_when` for a running total or a rate,
    else the year and period, or 未注明."""
    if year or is_extent(period):
        return format_when(year, period)
    return f"{period}，未注明" if period else "未注明"


KIND_LABELS = {"forecast": ("预计", "预测"), "target": ("目标", "目标")}
"""A figure's kind → (the word shown before its measure, the suffix its measure carries)."""


def measure_label(measure: str, kind: str = "fact") -> str:
    """A measure as shown: a forecast or a goal says so first ("营收增长率预测" →
    "预计营收增长率", "门店数目标" → "目标门店数"); a result is shown as it is."""
    if kind not in KIND_LABELS:
        return measure
    word, suffix = KIND_LABELS[kind]
    return word + measure.removesuffix(suffix)


def key_figure_label(k: KeyFigure) -> str:
    """What a key figure measures, with the part it covers ("交付量（上海超级工厂）")."""
    scope = getattr(k, "scope", "")
    measure = measure_label(k.measure, getattr(k, "kind", "fact"))
    measure = deal_label(measure, {getattr(e, "counterpart", None) for e in k.entries})
    return f"{measure}（{scope}）" if scope else measure


def deal_label(measure: str, counterparts: set[str | None]) -> str:
    """A deal's measure with the one who made it, when one did for every entry
    (获投资 from 阿里巴巴 → 获阿里巴巴投资; 被收购 → 被X收购); else ``measure``."""
    if len(counterparts) != 1 or None in counterparts:
        return measure
    (who,) = counterparts
    # (the key figures set no other deal side by side than these and payments)
    return counterpart_label(measure, who, payment=True)


def counterpart_label(measure: str, who: str, payment: bool = False) -> str:
    """A deal's measure with the other party: 获阿里巴巴投资, 被X收购; for a deal's
    ``payment`` (see figure_verbs.yaml) 首付款（辉瑞支付）, 与辉瑞交易金额; else ``measure``."""
    if measure in ("获投资", "被收购"):
        return {"获投资": f"获{who}投资", "被收购": f"被{who}收购"}[measure]
    if not payment:
        return measure
    return f"与{who}{measure}" if measure == "交易金额" else f"{measure}（{who}支付）"


def format_key_figure(k: KeyFigure) -> str:
    """A key figure on one line: "市场份额：阿里云 45.5% · 腾讯 10.3%（2017年，IDC）"."""
    values = " · ".join(
        f"{e.company} {format_key_value(e.raw, e.value, k.unit, e.qualifier, e.value_max)}" for e in k.entries
    )
    extra = "，".join(x for x in (format_when(k.year, getattr(k, "period", "")), k.source or "") if x)
    return f"{key_figure_label(k)}：{values}（{extra}）"


def format_figure(f: Figure) -> str:
    """A figure as a briefing shows it: what it measures (whose, for a deal), the
    value with its approximation or range and unit, then the year ("年份未注明"
    when the text gives none), the source and any data gap the author left."""
    unit = "" if f.unit in ("", "个") and not f.raw.endswith("个") else f.unit
    value = format_number(f.value)
    if f.value_max is not None:
        value += "–" + format_number(f.value_max)
    value = f"{getattr(f, 'qualifier', '') or ''}{value}{unit}"
    measure = measure_label(f.measure, getattr(f, "kind", "fact"))
    if getattr(f, "scope", ""):
        measure = f"{measure}（{f.scope}）"
    counterpart = getattr(f, "counterpart", None)
    payment = getattr(f, "attribution", "") == "payment"
    if counterpart and (measure in ("获投资", "被收购") or payment):
        measure = counterpart_label(measure, counterpart, payment)
    caveats = "、".join(getattr(f, "caveats", None) or [])
    previous = getattr(f, "previous", None)
    revised = ""
    if previous is not None and previous != f.value:
        # "由1.28万亿日元上调": the value it replaced, never a figure of its own
        revised = f"由{format_number(previous)}{unit}{'上调' if f.value > previous else '下调'}"
    extra = "，".join(
        x
        for x in (
            revised,
            format_when(f.year, getattr(f, "period", "")),
            f.source or "",
            f"待补{caveats}" if caveats else "",
        )
        if x
    )
    return f"{measure} {value}（{extra}）"


@dataclass(frozen=True)
class MailLabels:
    """The words of the mail that carries a briefing, in one language."""

    subject: str
    takeaways: str
    figures: str
    attached_only: str
    attached: str
    first_edition: str
    since: str
    no_change: str
    separator: str
    stop: str
    counts: tuple[tuple[str, str], ...]
    """(field of Changes, phrase with {n}) for "what changed"."""


#: By the briefing's language: "zh" when its title is Chinese, else "en".
MAIL_LABELS = {
    "zh": MailLabels(
        subject="{title}（{date}）",
        takeaways="关键结论",
        figures="关键数据",
        attached_only="简报见附件。",
        attached="附件：{name}",
        first_edition="这是本简报的第一期（{period}），没有可供比较的上一期。",
        since="与上一期（{previous}）相比：",
        no_change="没有变化。",
        separator="，",
        stop="。",
        counts=(
            ("new_documents", "新增来源 {n} 份"),
            ("new_themes", "新主题 {n} 个"),
            ("rising_themes", "升温的主题 {n} 个"),
            ("fading_themes", "降温的主题 {n} 个"),
            ("dropped_themes", "不再出现的主题 {n} 个"),
            ("new_companies", "首次出现的机构 {n} 个"),
            ("changed_figures", "数据变化 {n} 处"),
            ("moved_questions", "研究问题进展 {n} 个"),
        ),
    ),
    "en": MailLabels(
        subject="{title} — {date}",
        takeaways="Key takeaways",
        figures="Key figures",
        attached_only="The briefing is attached.",
        attached="Attached: {name}",
        first_edition="This is the first edition ({period}): there is no previous one.",
        since="Since the previous edition ({previous}):",
        no_change="no change.",
        separator=", ",
        stop=".",
        counts=(
            ("new_documents", "{n} new document(s)"),
            ("new_themes", "{n} new theme(s)"),
            ("rising_themes", "{n} rising theme(s)"),
            ("fading_themes", "{n} fading theme(s)"),
            ("dropped_themes", "{n} theme(s) dropped"),
            ("new_companies", "{n} organisation(s) seen for the first time"),
            ("changed_figures", "{n} figure(s) changed"),
            ("moved_questions", "{n} research question(s) moved"),
        ),
    ),
}


# --------------------------------------------------- comparing figures as written


_NUMBER_RE = re.compile(r"\d[\d,，]*(?:\.\d+)?")


def precision(fig: Figure) -> float:
    """The step of the figure as written, in its scaled unit: ``302万辆`` → 10000,
    ``302.4万辆`` → 1000, ``19.4%`` → 0.1, ``3.02 million`` → 10000. The number
    written is found in ``raw`` as the one whose scale to ``value`` is a power
    of ten (the scale the unit word applied); 0 when nothing written matches."""
    for m in _NUMBER_RE.finditer(fig.raw or ""):
        written = m.group().replace(",", "").replace("，", "")
        try:
            number = float(written)
        except ValueError:
            continue
        if number == 0 or fig.value == 0:
            continue
        scale = fig.value / number
        exponent = round(math.log10(abs(scale)))
        if abs(scale - 10.0**exponent) > 1e-6 * abs(scale):
            continue  # not this number (a year, a range's other end)
        decimals = len(written.partition(".")[2])
        return 10.0 ** (exponent - decimals)
    return 0.0


def _differs(a: float, b: float, step: float = 0.0) -> bool:
    """Two values differ beyond rounding: at ``step`` (the coarser figure's
    precision) 19 and 19.4 are one value, as are 302万 and 302.4万."""
    return abs(a - b) > max(step / 2, 1e-9 * max(1.0, abs(a), abs(b))) + 1e-9 * max(abs(a), abs(b))


def figure_changed(old: Figure, new: Figure) -> bool:
    """A real change of a figure: the same unit after scaling (an English count
    with no unit word takes the other's unit), values apart by more than the
    rounding of the less precise of the two."""
    if old.unit and new.unit and old.unit != new.unit:
        return False  # 美元 and 元 are not one figure moving
    return _differs(old.value, new.value, max(precision(old), precision(new)))


@dataclass(frozen=True)
class MentionGroup:
    """One kind's part of the line of organisations only mentioned."""

    kind: str
    shown: list
    total: int

    @property
    def rest(self) -> int:
        return self.total - len(self.shown)


def mention_groups(companies: list) -> list[MentionGroup]:
    """The organisations only mentioned, by kind in ``mentions.yaml``'s order, each
    kind's most mentioned first (more mentions, then more sources, then the name),
    at most its ``per_kind`` shown (all when two or fewer more remain); events
    (云栖大会) are no organisations and are left out."""
    from briefing.resources import data_yaml

    data = data_yaml("mentions.yaml") or {}
    order = [str(k) for k in data.get("order") or []]
    limits = {str(k): int(v) for k, v in (data.get("per_kind") or {}).items()}
    events = tuple(str(e) for e in data.get("event_endings") or [])
    kinds: dict[str, list] = {}
    seen: set[str] = set()
    for c in companies:
        if c.name in seen or (events and c.name.endswith(events)):
            continue
        seen.add(c.name)
        kinds.setdefault(c.type, []).append(c)
    out = []
    for kind in sorted(kinds, key=lambda k: (order.index(k) if k in order else len(order), k)):
        group = sorted(kinds[kind], key=lambda c: (-c.mentions, -len(c.documents), c.name))
        limit = limits.get(kind, 5)
        shown = group if len(group) <= limit + 2 else group[:limit]
        out.append(MentionGroup(kind, shown, len(group)))
    return out
