"""What an organisation does in a sentence: acts (launches, invests, grows, is
invested in…), or is only listed, ranked, quoted as a speaker, cited as a
source or quoted on the stock market.

A *case* is an organisation that acts in at least one sentence; the others are
*mentions*. Everything here is a cheap test on one sentence's Simplified text
and the spans of the organisations it names: no POS tagging.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from briefing.analysis.names import words
from briefing.analysis.org_words import _actions_en_re
from briefing.errors import ConfigError
from briefing.resources import data_lines, data_yaml

ACTS = "acts"
SPEAKER = "speaker"
SOURCE = "source"
EXAMPLE = "example"
RANKING = "ranking"
STOCK = "stock"
MENTIONED = "mentioned"
ROLES = (ACTS, SPEAKER, SOURCE, EXAMPLE, RANKING, STOCK, MENTIONED)
"""Every role a mention can have; only ``acts`` makes an organisation a case."""
MODIFIER = "修饰"
"""Cue of a name that modifies a thing the clause is about ("小米总部地块")."""
FORMER = "原"
"""Cue of a name that was (原小米总部): a former owner, never the subject."""
PASSIVE = "被"
"""Cue of a passive clause's agent ("被绿城以约48亿元夺得"): the one that acts."""

CLAUSE_BREAKS = "，,；;。！？!?：:"
_COORDINATORS = ("、", "和", "与", "及", "以及", "同", "跟", "携手", "联合", "、 ", " and ", ", ")
_NEGATIONS = ("不", "未", "没有", "并非", "不是", "无法")


# What stands between an owner and the unit it owns ("旗下的", "(Diageo)旗下的").
_POSSESSES_RE = re.compile(r"\s*(?:（[^（）]{1,40}）|\([^()]{1,40}\))?\s*(?:旗下|的|之|下属|子公司)+\s*")


@functools.cache
def actions_zh() -> tuple[str, ...]:
    """Chinese action verbs (``actions.txt``), longest first."""
    verbs = {w for line in data_lines("actions.txt") for w in line.split() if not w.isascii()}
    return tuple(sorted(verbs, key=lambda v: (-len(v), v)))


@functools.cache
def _supplier_verbs() -> tuple[str, ...]:
    """Verbs of a "由X和Y提供" supplier list (``supplier_verbs.txt``)."""
    return tuple(data_lines("supplier_verbs.txt"))


@functools.cache
def _actions_zh_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(v) for v in actions_zh()) or r"(?!x)x")


@functools.cache
def _object_verbs_re() -> re.Pattern[str]:
    verbs = words().object_verbs
    return re.compile(("(" + "|".join(map(re.escape, verbs)) + r")了?\s*$") if verbs else r"(?!x)x")


@functools.cache
def _own_act_reported(between: str, said: str) -> str | None:
    """The verb of the organisation's own act that it reports, or None: the name speaks
    itself (nothing but `own_speech_between` words before the speech verb) and what it
    says opens with a word pointing back to it (`own_speech_pointers`: 其, 公司) and
    does something ("强生公司称，其子公司Red River…提交了一份破产保护申请"); never a
    statement about the market or an analyst's view ("X表示，行业需求…")."""
    w = words()
    rest = between.strip()
    while rest:
        word = next((x for x in w.own_speech_between if rest.startswith(x)), None)
        if word is None:
            return None
        rest = rest[len(word) :].lstrip()
    said = said.lstrip("，,：: ")
    pointer = next((p for p in w.own_speech_pointers if said.startswith(p)), None)
    if pointer is None:
        return None
    clause = re.split(r"[，。；,;]", said, maxsplit=1)[0]
    return _action_in(clause[len(pointer) :][:40])


def _word_re(kind: str) -> re.Pattern[str]:
    items: tuple[str, ...] = getattr(words(), kind)
    return re.compile("|".join(re.escape(w) for w in items) or r"(?!x)x")


def _alternatives(words: object, spaces: bool = False) -> str:
    """A regular-expression alternation of ``words``, longest first (a blank matches any)."""
    items = sorted((str(w) for w in words), key=lambda w: (-len(w), w))  # type: ignore[attr-defined]
    escaped = [re.escape(w).replace(r"\ ", r"\s+") if spaces else re.escape(w) for w in items]
    return "|".join(escaped) or "(?!)"


@functools.cache
def _deal_targets() -> dict:
    raw = data_yaml("deal_targets.yaml") or {}
    if not isinstance(raw, dict):
        raise ConfigError("data file deal_targets.yaml: expected zh, en and moves sections")
    zh, en = raw.get("zh") or {}, raw.get("en") or {}
    deals = {str(k): str(v) for k, v in (zh.get("deals") or {}).items()}
    before = {str(k).lower(): str(v) for k, v in (en.get("before") or {}).items()}
    return {
        "prepositions": tuple(str(p) for p in zh.get("prepositions") or ()),
        "gap": int(zh.get("gap", 6)),
        "deals": deals,
        "not_after": tuple(str(w) for w in zh.get("not_after") or ()),
        "zh_re": re.compile(rf"^\s*[^，,。；;、]{{0,{int(zh.get('gap', 6))}}}?({_alternatives(deals)})"),
        "en": before,
        "en_re": re.compile(
            rf"\b({_alternatives(before, spaces=True)})\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){{0,3}}$",
            re.IGNORECASE,
        ),
        "moves": {str(k): str(v) for k, v in (raw.get("moves") or {}).items()},
        "made": {str(k): str(v) for k, v in (raw.get("made") or {}).items()},
    }


DEAL_TARGET = "获"
"""Opens the cue of an organisation a deal is made for ("获收购要约")."""


@functools.cache
def deal_cues() -> frozenset[str]:
    """The cues :func:`role_zh` and :func:`role_en` give a deal's target."""
    return frozenset(DEAL_TARGET + d for d in _deal_targets()["moves"])


def deal_move(cue: str, actor: str) -> str | None:
    """What a target's move says when ``actor`` makes the deal its ``cue`` names
    ("获收购要约", KKR → "获KKR收购要约"), or None for no deal cue."""
    template = (
        _deal_targets()["moves"].get(cue.removeprefix(DEAL_TARGET)) if cue.startswith(DEAL_TARGET) else None
    )
    return template.format(actor=actor) if template else None


def deal_made(cue: str, target: str) -> str | None:
    """What the one that makes a deal did, from its target's ``cue`` ("获入股",
    零跑汽车 → "入股零跑汽车"), or None for no deal cue."""
    template = (
        _deal_targets()["made"].get(cue.removeprefix(DEAL_TARGET)) if cue.startswith(DEAL_TARGET) else None
    )
    return template.format(target=target) if template else None


def deal_target_zh(prep: str, after: str) -> str | None:
    """The deal a clause makes for the name after ``prep`` ("向" + "发出收购要约" → 收购要约)."""
    rules = _deal_targets()
    if not prep.startswith(rules["prepositions"]):
        return None
    m = rules["zh_re"].match(after)
    if m is None or after[m.end() :].startswith(rules["not_after"]):
        return None
    return rules["deals"][m.group(1)]


def deal_target_en(before: str) -> str | None:
    """The deal the words before a name make for it ("a tender offer for" → 收购要约)."""
    rules = _deal_targets()
    m = rules["en_re"].search(before)
    return rules["en"][re.sub(r"\s+", " ", m.group(1).lower())] if m else None


# ------------------------------------------------------------------- clauses


@functools.lru_cache(maxsize=4096)
def mask_parentheses(text: str) -> str:
    """``text`` with the inside of brackets blanked out (same length), so that a
    comma inside "(600019，收盘价5.92元)" ends no clause; a full stop glued to the
    next sentence ("economy.Alibaba's") and an English "while" end a clause too.
    Memoised: figures, roles and pronouns each mask the same sentence."""
    masked = text
    if "(" in text or "（" in text:  # else nothing to blank: no loop over the characters
        out = list(text)
        depth = 0
        for i, ch in enumerate(text):
            if ch in "(（":
                depth += 1
            elif ch in ")）":
                depth = max(depth - 1, 0)
            elif depth:
                out[i] = "□"
        masked = "".join(out)
    masked = re.sub(r"(?<=[a-z0-9%)])\.(?=[A-Z\"“<])", "。", masked)
    return re.sub(r" (?=(?:while|whereas|but|compared with|vs\.?|versus) )", ",", masked)


def bracket_bounds(masked: str, at: int) -> tuple[int, int] | None:
    """The inside of the brackets around position ``at``, if it is in brackets."""
    if at >= len(masked) or masked[at] != "□":
        return None
    left = at
    while left > 0 and masked[left - 1] == "□":
        left -= 1
    right = at
    while right < len(masked) and masked[right] == "□":
        right += 1
    return left, right


def _in_number(masked: str, i: int) -> bool:
    """An ASCII comma or colon between digits ("7,093", "10:30") is part of a number."""
    return (
        masked[i] in ",:" and 0 < i < len(masked) - 1 and masked[i - 1].isdigit() and masked[i + 1].isdigit()
    )


def clause_bounds(masked: str, start: int, end: int) -> tuple[int, int]:
    """The clause of ``masked[start:end]``: between the nearest clause breaks (never
    the comma of a number such as 7,093)."""
    left = max(masked.rfind(c, 0, start) for c in CLAUSE_BREAKS)
    while left > 0 and _in_number(masked, left):
        left = max(masked.rfind(c, 0, left) for c in CLAUSE_BREAKS)
    rights = [i for i in (masked.find(c, end) for c in CLAUSE_BREAKS) if i != -1]
    right = min(rights) if rights else len(masked)
    while right < len(masked) and _in_number(masked, right):
        rights = [i for i in (masked.find(c, right + 1) for c in CLAUSE_BREAKS) if i != -1]
        right = min(rights) if rights else len(masked)
    return left + 1, right


# --------------------------------------------------------------------- roles


@dataclass(frozen=True)
class Role:
    """The part an organisation plays in one sentence."""

    role: str
    """One of :data:`ROLES`."""
    cue: str = ""
    """The word that decided it (推出, 表示, 根据, 等, 位列, 跌…)."""


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


_NOUN_AFTER = (
    "企业", "基地", "线", "组合", "者", "人", "机构", "伙伴", "关系", "器", "商", "会", "场景", "力", "额", "量", "价值", "方", "端", "领域",
    "环境", "收入", "模式", "成本", "优势", "渠道", "能力", "目标", "公司", "体系", "系统", "价格", "网络", "协议", "计划",
)  # fmt: skip


def _action_in(window: str) -> str | None:
    """The first action verb in ``window`` that is not negated and not part of a
    noun ("投资组合", "合作伙伴", "销售额")."""
    for m in _actions_zh_re().finditer(window):
        if window[max(m.start() - 2, 0) : m.start()].endswith(_NEGATIONS):
            continue
        if window[m.end() :].startswith(_NOUN_AFTER) or window[max(m.start() - 1, 0) : m.start()] == "的":
            continue
        return m.group()
    return None


def _enumeration(text: str, spans: list[tuple[int, int]], index: int) -> tuple[int, int] | None:
    """The span of the enumeration ``spans[index]`` belongs to (A、B和C), or None."""
    joins = ("、", "和", "与", "及", "以及", ",")
    first = last = index
    while first > 0 and text[spans[first - 1][1] : spans[first][0]].strip() in joins:
        first -= 1
    while last + 1 < len(spans) and text[spans[last][1] : spans[last + 1][0]].strip() in joins:
        last += 1
    if first == last:
        return None
    return first, last


def _example(text: str, masked: str, spans: list[tuple[int, int]], index: int) -> str | None:
    """The cue that makes the name an example ("A、B等", "比如A"), if any."""
    w = words()
    enum = _enumeration(masked, spans, index)
    first, last = enum if enum else (index, index)
    after = masked[spans[last][1] : spans[last][1] + 40]
    # An item's own unit may follow it ("亚马逊AWS、微软Azure"), and the list may go on
    # with names the analysis does not know ("通用、福特和康明斯等车企").
    after = re.sub(r"^[A-Za-z0-9 ]+", "", after)
    rest = re.match(
        r"^(?:\s*[、和及与]\s*[\u4e00-\u9fffA-Za-z0-9]{1,10}?){0,5}?\s*("
        + "|".join(map(re.escape, w.example_tails))
        + ")",
        after,
    )
    if rest:
        return rest.group(1)
    before = masked[max(spans[first][0] - 30, 0) : spans[first][0]]
    left = max(before.rfind(c) for c in CLAUSE_BREAKS) + 1
    before = before[left:]
    # Unknown names listed before this one belong to the same list: "如万丰奥威、中原内配等".
    before = re.sub(r"(?:[\u4e00-\u9fffA-Za-z0-9]{1,10}[、和及与])+$", "", before)
    before = before[-8:]
    for marker in w.example_markers:
        at = before.rfind(marker)
        if at == -1:
            continue
        if marker == "像" and before[at + 1 :].strip():
            continue  # "影像巨头佳能": 像 inside a word, not right before the names
        if marker == "如" and (
            before[at - 1 : at] in ("例", "比", "假", "譬", "诸", "犹", "正")
            or before[at + 1 : at + 2] in ("果", "何", "今", "此", "同", "下", "意")
        ):
            continue
        if re.search(r"(?:依托|借助|凭借|利用|通过|与|和|向|对|在)$", before):
            continue  # "例如工业行业依托京东推出…": the example is what precedes the preposition
        return marker
    if "以" in before and text[spans[last][1] : spans[last][1] + 5].startswith(("为代表", "为首", "为例")):
        return "为代表"
    return None


def passive_before(before: str) -> bool:
    """``before`` (the clause up to a name) ends in a passive marker: the name is the
    agent ("地块最终被绿城", "遭英伟达")."""
    return before.rstrip().endswith(words().passive_markers)


def former_before(before: str) -> bool:
    """``before`` ends in a former marker (原小米总部): the name is what was."""
    w = words()
    return before.endswith(w.former_markers) and not before.endswith(w.former_not)


def modifies(masked: str, end: int) -> str:
    """:data:`MODIFIER` when the name ending at ``end`` modifies a thing that follows
    it ("小米总部地块", "华为的旧址", "家乐福上海总部大楼"), else empty."""
    from briefing.nlp import pos_tag

    after = masked[end : end + 10].lstrip()
    after = after[1:] if after.startswith("的") else after
    heads = words().modifier_heads
    if after.startswith(heads):
        return MODIFIER
    # A place between them: "家乐福上海总部大楼".
    place = next((after[:n] for n in (2, 3, 4) if after[n:].startswith(heads)), "")
    return MODIFIER if place and pos_tag(place) == "ns" else ""


_OWN_REPORT_RE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}年)?(?:的)?"
    r"((?:(?:上|下)?半年度?|[一二三四1-4]季度|年度|中期|财务|业绩|经营)报告|财报|年报|半年报|季报|中报|业绩公告)"
    r"(?:显示|称|表明|披露)"
)
"""A company's own accounts reporting its figures ("鞍钢股份中期报告显示"): it acts."""


def _a_company(name: str) -> bool:
    """The name is a company's (the gazetteer's type, else its suffix's)."""
    from briefing.analysis.org_words import org_type
    from briefing.gazetteer import gazetteer

    gaz = gazetteer()
    known = gaz.canonical(name)
    if known:
        return gaz.orgs[known].type in ("company", "investor")
    return org_type(name) in ("company", "investor") and not name.endswith(words().nt_government)


_OWN_DISCLOSURE_RE = re.compile(
    r"(披露|公布|透露|发布|介绍|称|表示)[，,：:][^，。；]{0,12}?(?:其(?![中他它余实次])|该公司|公司|集团)"
)
"""After a source's name: it discloses its own numbers ("据美团披露，7月12日其…")."""


def role_zh(text: str, spans: list[tuple[int, int]], index: int, masked: str | None = None) -> Role:
    """The role of the organisation at ``spans[index]`` in a Chinese sentence
    (``spans`` are all the organisation spans of the sentence, in order)."""
    w = words()
    masked = masked if masked is not None else mask_parentheses(text)
    a, b = spans[index]
    inside = bracket_bounds(masked, a)
    if inside:
        # A name in brackets plays its part inside them: "（由博睿康研发）", "（如…SpaceX星舰）".
        lo, hi = inside
        inner = [(x - lo, y - lo) for x, y in spans if lo <= x and y <= hi]
        here = inner.index((a - lo, b - lo))
        return role_zh(text[lo:hi], inner, here)
    left, right = clause_bounds(masked, a, b)
    before = masked[left:a]
    clause = masked[left:right]
    # The data source: "根据IDC发布的报告", "据海关统计", "中汽协公布的数据显示".
    m = re.search(r"(?:根据|依据|援引|来自|引用|数据来源|(?<![数证占收依根])据)[^，。；]{0,10}$", before)
    rest = masked[b:]
    if m and not _action_in(before[m.end() :]):
        if (own := _OWN_DISCLOSURE_RE.match(rest)) and _a_company(text[a:b]):
            return Role(ACTS, own.group(1))  # "据美团披露，7月12日其日订单量…": its own numbers
        return Role(SOURCE, m.group()[:2])
    if (own := _OWN_REPORT_RE.match(rest)) and _a_company(text[a:b]):
        # "鞍钢股份中期报告显示，公司…净亏损": its own accounts, not a study of others
        # (an association's or a bureau's 年度报告 reports on others: a source).
        return Role(ACTS, own.group(1))
    if re.match(
        r"^[^，。；]{0,3}(?:公布|发布)?的?(?:统计)?数据(?:显示|表明)|^[^，。；]{0,4}(?:报告|统计|监测)(?:显示|称|表明|发现)",
        rest,
    ):
        return Role(SOURCE, "数据显示")
    # Whoever speaks first, before any action: "美团CEO王兴表示…", "长城证券分析师乔培涛告诉记者".
    window = rest[:16]
    speech = _word_re("speech_verbs").search(window)
    if (
        speech
        and speech.group() == "称"
        and (
            window[speech.start() - 1 : speech.start()] in ("并", "被", "号", "简", "昵", "俗", "堪")
            or window[speech.end() : speech.end() + 1] == "为"
        )
    ):
        speech = None  # "被并称为": a name, not a statement
    action = _action_in(window)
    if speech and (action is None or window.find(action) > speech.start()):
        between = window[: speech.start()]
        if not re.search(r"[，。；]", between):
            if own := _own_act_reported(between, rest[len(between) + len(speech.group()) :]):
                return Role(ACTS, own)
            return Role(SPEAKER, speech.group())
    # A quote on the stock market: "英伟达跌5.08%", "宝钢股份(600019，收盘价5.92元)".
    if re.match(
        r"^\s*(?:股价)?(?:收涨|收跌|上涨|下跌|大涨|大跌|涨停|跌停|涨|跌)\s*\d", masked[b:right]
    ) or any(s in clause for s in w.stock_words):
        return Role(STOCK, "股价")
    # A possessor is not the subject: "沃尔玛旗下的山姆会员店", "阿里的 ET 大脑",
    # "帝亚吉欧(Diageo)旗下的水井坊" (its Latin form between).
    nxt = next(((c, d) for c, d in spans[index + 1 :] if c >= b), None)
    if nxt and _POSSESSES_RE.fullmatch(masked[b : nxt[0]]):
        return Role(MENTIONED, "旗下")
    # A name that modifies a thing is not the subject: "原小米总部地块最终被绿城…夺得".
    if former_before(before):
        return Role(MENTIONED, FORMER)
    if modifies(masked, b) and (
        any(b <= c < right for c, _ in spans) or any(p in masked[b:right] for p in w.passive_markers)
    ):
        # Only when someone else acts on the thing: "华为总部园区投资扩建" is still 华为's.
        return Role(MENTIONED, MODIFIER)
    # A background supplier list: "DSP芯片主要由Marvell和Broadcom提供" is no action of theirs.
    enum = _enumeration(masked, spans, index)
    first, last = enum if enum else (index, index)
    if re.search(r"由\s*$", masked[left : spans[first][0]]) and re.match(
        r"^[^，。；]{0,3}?(?:" + "|".join(map(re.escape, _supplier_verbs())) + ")",
        re.sub(r"^[A-Za-z0-9 □（）()]+", "", masked[spans[last][1] : right]),
    ):
        return Role(MENTIONED, "由…提供")
    # The object of a preposition is not the subject: "蚂蚁金服从前身支付宝的…拓展".
    # ("在香港挂牌的珍酒李渡，…": the name heads a relative clause that holds the
    # preposition; it is not its object.)
    prep = re.search(
        r"(?:从|向|对|(?<![名称成作认视改更])为|把|在|以|依托|借助|凭借|利用|比|给|替|于|将|让|使)"
        r"(?:[\u4e00-\u9fffA-Za-z0-9]{1,10}[、和及与])*[^，。；、]{0,6}$",
        before,
    )
    if prep and re.search(r"[\u4e00-\u9fff]{2}的\s*$", before):
        prep = None
    # The object of a verb is not the subject either: "进入菲亚特动力配套体系".
    verb_before = _action_in(before[-4:]) if before.strip() else None
    if (
        verb_before
        and before.rstrip().endswith((verb_before, verb_before + "了"))
        and not passive_before(before)
    ) and not re.search(r"(?:投资|入股|收购|并购|控股)了?的?\s*$", before):
        return Role(MENTIONED, verb_before)
    partner = re.search(r"(?:与|和|同|跟|携手|联合)\s*$", before)
    if (
        partner
        and not any(left <= c < a for c, _ in spans)
        and re.fullmatch(
            r"[^\u4e00-\u9fff]*(?:(?:它|其|该公司|公司|他们)[^，,]*?)?(?:与|同|跟|携手|联合)\s*", before
        )
    ):
        # "与福特以技术授权方式合作", "它开始以技术授权的方式与福特合作": the partner of a
        # subject the clause leaves out or points back to.
        return Role(MENTIONED, partner.group().strip())
    obj = _object_verbs_re().search(before)
    if obj:
        # "学习京东转自营", "超越特斯拉": the object of the clause's verb, not its subject.
        return Role(MENTIONED, obj.group(1))
    example = _example(text, masked, spans, index)
    if example:
        return Role(EXAMPLE, example)
    rank = _word_re("ranking_words").search(clause) or re.search(
        r"第[一二三四五六七八九十\d]+(?:名|位|大)", clause
    )
    if rank and not (left + rank.end() <= a and _action_in(masked[b:right][:40])):
        # A rank after the name is what the sentence says of it ("分列第三到五位");
        # a rank before it only describes it ("第二名新易盛同时披露了…").
        return Role(RANKING, rank.group())
    # The acting window: the rest of the clause, past partners joined by 与/和 but
    # not past another organisation that is the next subject.
    end = right
    for c, d in spans[index + 1 :]:
        if c >= right:
            break
        gap = masked[b:c]
        if gap.strip() in _COORDINATORS or re.search(
            r"与|和|同|跟|携手|联合|向|对|为|从|把|在|以|依托|通过|借助|凭借|利用|比|给", gap
        ):
            b = d  # a partner or the object of a preposition: the subject goes on
            continue
        end = c
        break
    window = masked[spans[index][1] : end][:40]
    if not window.strip(" 　") and end == right and right < len(masked) and masked[right] in "，,":
        # "…的钢铁公司鞍钢股份，也在近期下调了…": the subject's verb is in the next clause.
        _, r2 = clause_bounds(masked, right + 1, right + 1)
        nxt = masked[right + 1 : r2]
        if not any(right < c < r2 for c, _ in spans):
            window = nxt[:40]
    if re.search(r"(?:不是|并非|并不是)\s*$", before):
        return Role(MENTIONED, "不是")
    if re.match(r"^\s*被", window) or passive_before(before):
        return Role(ACTS, PASSIVE)
    verb = _action_in(window)
    if (
        verb
        and prep
        and re.search(r"(?:依托|借助|凭借)\s*$", before)
        and not any(left <= c < a for c, _ in spans)
        and not _action_in(before)
    ):
        # "工业行业依托京东推出工业品频道": the platform does what the clause, without a
        # subject of its own, says is done through it.
        return Role(ACTS, verb)
    if prep and (deal := deal_target_zh(prep.group(), masked[spans[index][1] : right])):
        # "KKR宣布已向日本软件公司Fuji Soft发出收购要约": the deal is made for it
        return Role(ACTS, DEAL_TARGET + deal)
    if verb and prep and not partner:
        return Role(MENTIONED, prep.group()[:2])
    if verb:
        return Role(ACTS, verb)
    if not prep and end == right and right < len(masked) and masked[right] in "，,":
        # "中际旭创是全球光模块领域的龙头，在800G…市场占据主导份额": the next clause goes
        # on with the same subject (no name of its own, opening with a preposition or adverb).
        _, r2 = clause_bounds(masked, right + 1, right + 1)
        nxt = masked[right + 1 : r2]
        if not any(right < c < r2 for c, _ in spans) and re.match(
            r"\s*(?:在|于|并|还|也|已|将|则|又|同时|随后|从而|进而|目前|今年|去年)", nxt
        ):
            verb = _action_in(nxt[:40])
            if verb:
                return Role(ACTS, verb)
    if re.match(r"^\s*(?:获|获得|斩获|赢得|拿下)", window):
        return Role(ACTS, "获")
    inv = re.search(
        r"(?:投资|入股|战略投资|领投|收购|并购|控股|成立|设立|组建|推出|上线)了?的\s*$|(?:投资|入股|收购|并购)了?\s*$",
        before,
    )
    if inv:
        # "阿里45亿投资的汇通达", "腾讯新成立的云与智慧产业事业群": it is invested in, founded…
        return Role(ACTS, "获" + inv.group().strip("了的 "))
    # Coordinated subjects act together: "阿里巴巴和腾讯都推出了…".
    enum = _enumeration(masked, spans, index)
    if enum and enum[1] != index:
        last_end = spans[enum[1]][1]
        _, r2 = clause_bounds(masked, last_end, last_end)
        verb = _action_in(masked[last_end:r2][:20])
        if verb:
            return Role(ACTS, verb)
    return Role(MENTIONED)


@functools.cache
def _shares_move_re() -> re.Pattern[str]:
    """Right after a name: its shares moving ("U.S. Steel shares fell…")."""
    from briefing.analysis.cues import cue_words

    moves = "|".join(re.escape(w) for w in cue_words().share_moves_en) or "(?!)"
    return re.compile(rf"(?:['’]s?)?\s+shares?\s+(?:{moves})\b")


def role_en(text: str, spans: list[tuple[int, int]], index: int) -> Role:
    """The role of the organisation at ``spans[index]`` in an English sentence."""

    w = words()
    a, b = spans[index]
    before = text[max(a - 40, 0) : a].lower()
    if re.search(
        r"(?:according to|data from|citing|per|survey of)\s*(?:the\s+)?(?:[\w.-]+\s+){0,2}$", before
    ):
        return Role(SOURCE, "according to")
    if re.search(r"(?:such as|including|like)\s+(?:[\w.&-]+[\s,]+){0,6}$", before):
        return Role(EXAMPLE, "such as")
    if deal := deal_target_en(text[max(a - 60, 0) : a]):
        return Role(ACTS, DEAL_TARGET + deal)  # "KKR made a tender offer for Fuji Soft"
    if re.search(r"\b(?:a|an|the|its|their|his|her)\s+(?:[a-z\-]+\s+){0,3}$", before):
        return Role(MENTIONED, "modifier")  # "a major Apple Inc supplier"
    if (
        index > 0
        and text[spans[index - 1][1] : a].strip() == ","
        and re.match(r"'s?\s+(?:[A-Za-z\-]+\s+){0,3}[A-Za-z\-]+\s*,", text[b:])
    ):
        # "Cainiao, Alibaba's logistics arm, built…": the owner named in an apposition
        # describes the subject before it; "It handles…" next points back to Cainiao.
        return Role(MENTIONED, "apposition")
    if _shares_move_re().match(text[b:]):
        return Role(STOCK, "shares")  # "U.S. Steel shares fell 17%": a quote, not its own act
    opening = re.split(r"[,;:.!?]", text[:a])[-1]
    words_before = [
        t.lower()
        for t in re.findall(r"[A-Za-z][A-Za-z'\-]*", opening)
        if not t[0].isupper() or t.lower() in ("in", "on", "at", "for", "with", "to", "from", "by")
    ]
    openers = w.clause_openers_en | w.kind_nouns_en | frozenset(w.demonstratives_en) | _descriptor_words_en()
    # "China's largest pig farmer Muyuan Foods swung to…": a description, not a verb before it
    words_before = [t for t in words_before if not t.endswith(("'s", "’s"))]
    if re.match(r"['’]s?\s", text[b:]) and any(t not in openers for t in words_before):
        # "…offered to invest $2.7 billion in U.S. Steel's plants and promised not to cut
        # jobs": an owner inside the object; the clause's verbs are its subject's.
        return Role(MENTIONED, "object")
    after = re.sub(r"[“\"][^”\"]*[”\"]", " ", text[b:])  # a quoted slogan holds no verb of the name's
    if re.match(r"^\s*,", after):
        # An apposition ("Samsung, a major Apple Inc supplier, is…"): the verb follows it.
        second = after.find(",", after.find(",") + 1)
        after = after[second + 1 :] if second != -1 else ""
    end = re.search(r"[,;]|\.(?=\s|$|[A-Z\"<])", after)
    tail = after[: end.start()] if end else after
    if re.match(r"^'s\s", tail):
        tail = re.sub(r"^'s\s+[A-Za-z\-]+", "", tail)  # "Qualcomm's orders could…": the noun is not a verb
    tokens = re.findall(r"[A-Za-z][A-Za-z'\-]*", tail)[:10]
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in w.speech_verbs_en:
            if any(t.lower() in w.analyst_words_en for t in tokens[:i]):
                return Role(SOURCE, "analysts")  # "Morgan Stanley analysts said it expects…"
            if _speaks_of_itself(tokens, i):
                return Role(ACTS, f"{low} its")
            return Role(SPEAKER, low)
        if _actions_en_re().fullmatch(low):
            return Role(ACTS, low)
    if re.search(r"(?:invested in|acquired|acquisition of|stake in|orders? (?:to|from))\s*$", before):
        return Role(ACTS, "invested in")
    # "TSMC supplies Apple and Nvidia": a name after a verb or a preposition of its
    # clause is that clause's object, not a subject "it" could point back to.
    if any(t not in openers for t in words_before):
        return Role(MENTIONED, "object")
    return Role(MENTIONED)


@functools.cache
def _descriptor_words_en() -> frozenset[str]:
    """Words of a description standing before a name ("largest pig farmer"): the
    kind nouns' words and superlatives."""
    from briefing.analysis.cues import cue_words

    kinds = {w for phrase, _ in cue_words().kind_nouns_en for w in phrase.lower().split()}
    return frozenset(kinds) | frozenset(
        [
            "largest",
            "biggest",
            "leading",
            "top",
            "second-largest",
            "third-largest",
            "no.",
            "number",
            "one",
            "major",
            "listed",
            "state-run",
        ]
    )


def _speaks_of_itself(tokens: list[str], i: int) -> bool:
    """ "Nintendo said its Switch console had sold…": right after the name, an
    organisation says something of its own (its figures, its products): it reports,
    it does not comment on another; not "Goldman said its economists expect…"
    (``said_its_not_before`` of ``discovery_cues.yaml``)."""
    from briefing.analysis.cues import cue_words

    low = [t.lower() for t in tokens[i + 1 :]]
    if low[:1] == ["on"]:
        low = low[2:]  # "said on Thursday it…"
    if low[:1] == ["that"]:
        low = low[1:]
    if i != 0 or not low:
        return False
    if low[0] == "its":
        return not (low[1:2] and low[1] in cue_words().said_its_not_before)
    # "Maersk said it would pause…", "Nippon Steel said it remained committed to its
    # acquisition…": its own act, announced; not "said it expects demand to fall".
    return (
        low[0] == "it"
        and low[1:2] != []
        and low[1] in cue_words().said_it_verbs_en
        and any(t == "committed" or _actions_en_re().fullmatch(t) for t in low[2:8])
    )


def roles(text: str, spans: list[tuple[int, int]], english: bool) -> list[Role]:
    """The role of every organisation span of one sentence."""
    if english:
        return [role_en(text, spans, i) for i in range(len(spans))]
    masked = mask_parentheses(text)
    return [role_zh(text, spans, i, masked) for i in range(len(spans))]


# --------------------------------------------------------------- clause text


def tidy_clause(piece: str) -> str:
    """A clause fit for a Chinese table cell: without an English gloss in brackets
    ("ABC (AI, Big Data, Cloud)") and without quotation marks left unpaired by a cut."""
    piece = re.sub(
        r"\s*[（(]([^()（）]*)[)）]",
        lambda m: (
            "" if sum(c.isascii() and c.isalpha() for c in m.group(1)) >= 0.6 * len(m.group(1)) else m.group()
        ),
        piece,
    )
    for a, b in (("“", "”"), ("「", "」"), ("『", "』"), ("《", "》")):
        if piece.count(a) != piece.count(b):
            piece = piece.replace(a, "").replace(b, "")
    return piece
