"""Excerpts: how a source sentence is shown to the reader.

Used by the analysis (to pick sentences that stand alone, to cut a gist) and by
the template filters (to show a quote in the briefing's script, to clip it,
and to show a sentence already quoted as a short clause). The rules are the
editor's: cut only at a clause or sentence boundary and mark the cut with an
ellipsis, never inside a number, a Latin word or a name; a quote that opens
with a pointer back (这些, 该, 其, These …) needs its antecedent; Traditional
text is shown in Simplified script with full-width punctuation, English stays
English. Nothing here changes the model: the original stays in the JSON.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

import opencc

from briefing.resources import data_lines
from briefing.script import CN_NUMERAL, HAN, to_simplified

MEMO_SUMMARY_RE = re.compile(
    r"^\s*(?:(?:主要发现|核心发现|研究发现|结论|初步结论|核心结论|核心判断|小结|总结|摘要|要点|核心观点|主要观点|"
    r"一句话总结|本期要点|key findings?|findings|summary|conclusions?|takeaways?|tl;?dr)\s*[：:]"
    # the notes describing themselves ("本备忘汇总近期三篇报道（见文末），核心判断：…")
    r"|本(?:备忘录?|備忘錄?|报告|報告|文|笔记|筆記|纪要|紀要)[^。！？]{0,30}?(?:汇总|彙總|匯總|整理|梳理|综合|綜合|综述|綜述)"
    r"|this (?:memo|note|report) (?:summari[sz]es|brings together|collects))",
    re.IGNORECASE,
)
"""A summary line ("主要发现：…", "本备忘汇总…"): the author restating the document, not one of its arguments."""

ELLIPSIS = "…"
_CLAUSE_ENDS = "，；：、,;:"
_SENTENCE_ENDS = "。！？!?…"
_CLOSERS = "”’」』）)》\"'"
_HAN_RE = re.compile(f"[{HAN}]")
_LATIN_RE = re.compile(r"[A-Za-z]")

# A connective that opens a sentence and ties it to what came before; the
# clause after it stands alone ("其次，在人工智能方面，腾讯云…").
_CONNECTIVE_ZH = re.compile(
    r"^(?:首先|其次|再次|然后|最后|此外|另外|另一方面|一方面|同时|而且|并且|况且|"
    r"第[一二三四五六七八九十]+(?=[，,、])|因此|所以|因而|于是|但是|但|然而|不过|可是|总之|总而言之|可见|"
    r"对此|为此|当然|换言之|也就是说|比如|例如|譬如|与此同时|而)[，,、]?\s*"
)
_CONNECTIVE_EN = re.compile(
    r"^(?:however|moreover|furthermore|also|in addition|besides|meanwhile|therefore|thus|hence|so|but|"
    r"and|first|second|third|finally|then|still|yet|instead|either way)\b,?\s+",
    re.IGNORECASE,
)
# A pointer back: the sentence means nothing without the one before it.
_POINTER_ZH = re.compile(
    r"^(?:(?:当|在|从|对于|对|随着|通过|由于|因为|根据|基于|就|与|和|像|如)?"
    r"(?:这些|这种|这个|这一|这样|这类|这场|这次|这里的|这|那些|那个|那种|那样|那|该|其中|其|此|上述|以上))"
    r"|^(?:(?:与|和|同|跟|较|比)?(?:它们|它|他们|她们|他|她|前[两二三]?者|后[两二三]?者|两者|二者|上面|上文|之))"
    r"|^(?:对此|为此|话虽|虽然如此|尽管如此|即便如此|既然如此|如此一来|这么说)"
    # a comparison with what the sentence before told ("相较之下，宇峻奥汀…")
    r"|^(?:相较之下|相比之下|相形之下|对比之下|相较而言|相比而言|比较而言)"
)
_NOT_POINTER_ZH = re.compile(r"^(?:其实|其他|其余|此外|此前|此后|此时|那么多|在此基础上|与此同时)")
_POINTER_EN = re.compile(
    r"^(?:this|that|these|those|it|its|they|their|such|the latter|the former|by contrast|in contrast(?!\s+to)"
    r"|rivals?)\b",
    re.I,
)


# ------------------------------------------------------------------- script


def is_chinese(text: str) -> bool:
    """Mostly Chinese: Han characters outnumber a third of the letters."""
    han = len(_HAN_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    return han > 0 and han * 3 >= latin


# Pictographs and dingbats (👉, 🎯, ✔, ➊) decorate notes; no briefing font has them.
_OPEN_QUOTES = "「『“‘\"'"
_SYMBOLS_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]\\s*")

_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def zh_punctuation(text: str) -> str:
    """ASCII , ; : ? ! next to a Han character become full-width (spaces around
    them dropped), and ASCII parentheses around Chinese text become （）.
    Between two digits (6,700; 19:30) and inside Latin text nothing changes."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _ASCII_TO_FULL:
            before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
            han_side = bool(_HAN_RE.match(before) or before in "”」』）》" or _HAN_RE.match(after))
            numeric = before.isdigit() and after.isdigit()
            url = ch == ":" and text[i + 1 : i + 3] == "//"
            if han_side and not numeric and not url:
                while out and out[-1] == " ":
                    out.pop()
                out.append(_ASCII_TO_FULL[ch])
                i += 1
                while i < len(text) and text[i] == " ":
                    i += 1
                continue
        out.append(ch)
        i += 1
    text = re.sub(r"\(([^()]*[" + HAN + r"][^()]*)\)", r"（\1）", "".join(out))
    # Latin inside parentheses that stand in Chinese text: 人工智能（AI）, ABC（AI, Big Data）技术
    return _LATIN_PARENS_RE.sub(_full_parens, text)


_LATIN_PARENS_RE = re.compile(
    r"(?<=[" + HAN + r"])\s?\(([^()（）]{1,40})\)\s?|\s?\(([^()（）]{1,40})\)\s?(?=[" + HAN + r"])"
)
"""Parentheses beside Chinese text, full-width: they carry their own spacing, so the
spaces around them go ("比亚迪 (BYD) said" → "比亚迪（BYD）said")."""


def _full_parens(m: re.Match[str]) -> str:
    return f"（{m.group(1) if m.group(1) is not None else m.group(2)}）"


# What OpenCC's phrase tables leave behind: 過於 → 过於 (於 is 于 outside a surname),
# and the Taiwanese quarter 第四季 (mainland 第四季度).
_RESIDUE = str.maketrans({"於": "于"})
_QUARTER_RE = re.compile(r"(第[一二三四1-4１-４]季)(?![度节])")
_ASCII_QUOTED_RE = re.compile(r'"([^"\n]{1,60})"')


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _script_variants() -> tuple[re.Pattern[str], dict[str, str]] | None:
    from briefing.resources import data_yaml

    raw = {str(k): str(v) for k, v in (data_yaml("script_variants.yaml") or {}).items()}
    if not raw:
        return None
    words = sorted(raw, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, words))), raw


def mainland(text: str) -> str:
    """Traditional text in Simplified script, for display only: OpenCC t2s
    (characters and the phrases that decide a character, 乾隆 beside 干净), never
    the regional vocabulary of tw2sp (which rewrites words: 新增 → 添加,
    複製 → 拷贝, 投影片 → 投视频, 資料 → 数据), so a quote keeps the author's
    words. Then the words whose character t2s keeps where the mainland writes
    another (著 as a particle: 隨著 → 随着; ``data/script_variants.yaml``), the
    residue of the phrase tables (於) and the quarter (第四季 → 第四季度)."""
    text = _t2s().convert(text).translate(_RESIDUE)
    variants = _script_variants()
    if variants is not None:
        pattern, table = variants
        text = pattern.sub(lambda m: table[m.group(0)], text)
    return _QUARTER_RE.sub(lambda m: m.group(1) + "度", text)


def zh_quotes(text: str) -> str:
    """Corner brackets and ASCII double quotes around Chinese text as mainland
    quotation marks: 「证券分析」 → “证券分析”, "北辰优选" → “北辰优选”."""
    text = text.replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
    return _ASCII_QUOTED_RE.sub(
        lambda m: f"“{m.group(1)}”" if _HAN_RE.search(m.group(1)) else m.group(0), text
    )


@functools.cache
def _marker_re() -> re.Pattern[str]:
    patterns = data_lines("list_markers.txt")
    return re.compile(r"^\s*(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\s*(?=\S)", re.IGNORECASE)


def marker_length(text: str) -> int:
    """How many characters of ``text`` a footnote or list marker takes at its start
    (``*``, ``※``, ``①``, ``[1]``, ``1)``, ``4、``; data/list_markers.txt), with
    the spaces after it; 0 when it opens with its text."""
    m = _marker_re().match(text)
    return m.end() if m else 0


def without_marker(text: str) -> str:
    """``text`` without the footnote or list marker it opens with (see :func:`marker_length`)."""
    return text[marker_length(text) :]


def display(text: str, language: str | None, script: str = "zh-Hans") -> str:
    """A source text as the briefing shows it: in the briefing's script (for a
    Traditional source in a Simplified briefing: mainland words and script,
    see :func:`mainland`), with full-width punctuation and mainland quotation
    marks when it is Chinese; English text unchanged."""
    text = without_marker(_SYMBOLS_RE.sub("", str(text)).strip())
    if not is_chinese(text):
        return text
    if script == "zh-Hans":
        if language == "zh-Hant" or to_simplified(text) != text:
            text = mainland(text)
        text = zh_quotes(text.translate(_RESIDUE))
    return zh_punctuation(text)


def with_owner(shown: str, owner: str, pointer: str = "") -> str:
    """A quote as shown, with the organisation it is about but does not name: right
    after the pointer it opens with ("公司（百济神州）全年总收入…", "The company
    [AstraZeneca] has…"), else before it ("（比亚迪）垂直整合：…", "[NIO] The strategy…");
    unchanged without an owner or when the quote names it."""
    if not owner or owner in shown:
        return shown
    chinese = is_chinese(shown)
    mark = f"（{owner}）" if chinese else f" [{owner}]"
    body = shown.lstrip()
    lead = shown[: len(shown) - len(body)]
    if pointer:
        said = to_simplified(pointer) if chinese else pointer
        for form in dict.fromkeys((pointer, said)):
            # where it opens the quote, or (two characters or more) opens one of its clauses
            # ("…，公司有望…", not the 公司 of 中金公司)
            if len(form) >= 2:
                at = re.search(
                    f"(?:^|(?<=[，,；;：:。\\s]))({re.escape(form)})", body, 0 if chinese else re.I
                )
            else:
                at = re.match(re.escape(form), body)
            if at:
                end = at.end()
                if body[end:].startswith(("（", "(", " [")):
                    return shown
                return f"{lead}{body[:end]}{mark}{body[end:]}"
    return f"{lead}{mark.strip()}{'' if chinese else ' '}{body}"


# ------------------------------------------------------------------ openings


@functools.lru_cache(maxsize=32768)
def opening(text: str) -> tuple[str, int]:
    """How a sentence opens: ``("pointer", 0)`` when it points back to a sentence
    it lacks (这些…, 该公司…, These …), ``("connective", n)`` when its first ``n``
    characters are a connective that can be dropped (其次，…; However, …),
    else ``("", 0)``. Traditional text is read in Simplified form; a footnote or
    list marker before it (``*``, ``4、``) is looked through."""
    lead = len(text) - len(text.lstrip())
    lead += marker_length(text[lead:])
    # an emoji or an opening quotation mark before it ("👉 这意味着：…", "「這是…") is no
    # part of what it says: look through it
    while (m := _SYMBOLS_RE.match(text, lead)) or (lead < len(text) and text[lead] in _OPEN_QUOTES):
        lead = m.end() if m else lead + 1
    simplified = to_simplified(text[lead:])
    m = _CONNECTIVE_ZH.match(simplified) or _CONNECTIVE_EN.match(simplified)
    if m:
        rest = simplified[m.end() :]
        if _is_pointer(rest):
            return "pointer", 0
        if len(rest) >= 8:
            return "connective", lead + m.end()
    if _is_pointer(simplified):
        return "pointer", 0
    return "", 0


def _is_pointer(text: str) -> bool:
    if _NOT_POINTER_ZH.match(text):
        return False
    return bool(_POINTER_ZH.match(text) or _POINTER_EN.match(text))


@functools.cache
def _antecedent_rules() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    from briefing.resources import data_yaml

    rules = data_yaml("antecedents.yaml") or {}

    def words(key: str) -> list[str]:
        return [re.escape(str(w)) for w in rules.get(key) or []]

    zh = re.compile("|".join(sorted(words("demonstratives_zh"), key=len, reverse=True)) or r"(?!)")
    skip = "|".join(words("present_en") + words("not_a_noun_en")) or r"(?!)"
    en = re.compile(
        r"\b(?:" + ("|".join(words("demonstratives_en")) or r"(?!)") + r")\s+(?!(?:" + skip + r")\b)"
        r"((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)",
        re.IGNORECASE,
    )
    told = "".join("|" + w.replace(r"\ ", r"\s+") for w in words("told_before_en"))
    past = re.compile(
        r"\bthat\s+(?:"
        + ("|".join(words("past_en")) or r"(?!)")
        + r")\b"
        + (rf"|\b(?:{told[1:]})\b(?!\s+(?:of|when|after|before|it|that)\b)" if told else ""),
        re.IGNORECASE,
    )
    # "The company, which supplies…, said…": opening on a pointer to the company named before
    # (the noun in lower case: "The Company Law" is a name)
    opening = "|".join(words("subject_pointers_en"))
    if opening:
        past = re.compile(
            r"(?i:" + past.pattern + r")|^\W*[Tt]he\s+(?:" + opening + r")"
            r"(?=,|\s+(?:said|says|reported|posted|has|had|is|was|will|would|expects|added|also|which|whose)\b)"
            r"(?!,\s+[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*,)"  # "The company, Mindray, reported…" names it
        )
    return zh, en, past


# "海尔智家同期收入按年增长9.5%": the period the sentence before named (not 去年同期,
# 2024年同期, 较同期: those say which)
_SAME_PERIOD_RE = re.compile(r"(?<![年较比与去上史月])同期(?![内间举])")
_PERIOD_NAMED_RE = re.compile(
    r"\d{4}年|[一二三四]季度?|[上下]半年|全年|\d{1,2}月|前三季|Q[1-4]|财年|今年|本年|报告期|本季|本月|上月"
)


def leans_back(text: str, is_simplified: bool = False) -> bool:
    """The sentence leans on an antecedent it lacks: a demonstrative before a noun
    it has not named before ("…the embodiment of this decentralization model",
    "正是这种模式的体现"), or "that year" (data/antecedents.yaml). A pointer whose
    noun the sentence names earlier ("汇通达的模式……这一模式") is resolved in it."""
    zh, en, past = _antecedent_rules()
    simplified = text if is_simplified else to_simplified(text)
    if past.search(simplified):
        return True
    same = _SAME_PERIOD_RE.search(simplified)
    if same and not _PERIOD_NAMED_RE.search(simplified, 0, same.start()):
        return True  # (…2024年一季度…，通威股份同期亏损7.6亿元: the period is this sentence's)
    for m in en.finditer(simplified):
        before = simplified[: m.start()].lower()
        nouns = [w for w in re.findall(r"[a-z][\w-]*", m.group(1).lower()) if len(w) >= 3]
        if nouns and not any(w[:5] in before for w in nouns):
            return True
    for m in zh.finditer(simplified):
        head = re.match(f"[{HAN}]{{1,4}}", simplified[m.end() :])
        if not head:
            continue
        before = simplified[: m.start()]
        word = head.group(0)
        if not any(word[i : i + 2] in before for i in range(max(len(word) - 1, 1))):
            return True
    return False


@functools.cache
def _cross_reference_re() -> re.Pattern[str]:
    from briefing.resources import data_yaml

    rules = data_yaml("antecedents.yaml") or {}
    zh = [re.escape(str(w)) for w in rules.get("cross_references_zh") or []]
    en = [r"\s+".join(re.escape(p) for p in str(w).split()) for w in rules.get("cross_references_en") or []]
    lines = [re.escape(str(w)) for w in rules.get("cross_reference_lines_zh") or []]
    parts = [*sorted(zh, key=len, reverse=True)]
    if en:
        parts.append(r"\b(?:" + "|".join(sorted(en, key=len, reverse=True)) + r")\b(?![-\w])")
    if lines:
        parts.append(r"^\W*(?:" + "|".join(lines) + r")\W*$")
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def cross_reference(text: str) -> bool:
    """The sentence refers the reader to another place of its source ("见上文新易盛",
    "如上所述，…", "同上", "see above"; data/antecedents.yaml): it does not stand alone."""
    return bool(_cross_reference_re().search(to_simplified(text)))


def stands_alone(text: str) -> bool:
    """The sentence can be quoted on its own: it does not open with a pointer back,
    nor refer the reader to another place of its source."""
    return opening(text)[0] != "pointer" and not cross_reference(text)


_CUT_END_RE = re.compile(r"\s*[，；：、,;:]+\s*$")


def finish_cut(text: str) -> str:
    """A passage cut from a longer sentence at a clause mark ("招商银行…守住了2.15%的
    净息差；", "…凭借电商做产业延伸：") ends with an ellipsis instead of the mark,
    as every clip does; a whole sentence (its own end punctuation) is unchanged."""
    stripped = text.rstrip()
    m = _CUT_END_RE.search(stripped)
    if not m or m.start() == 0:
        return text
    return _close(stripped[: m.start()] + ELLIPSIS)


def drop_connective(text: str) -> str:
    """The sentence without an opening connective, the cut marked: "其次，在…" → "…在…"."""
    kind, n = opening(text)
    if kind != "connective":
        return text
    return ELLIPSIS + text[n:].lstrip()


# ---------------------------------------------------------------------- clips


def _is_boundary(text: str, i: int) -> bool:
    """A cut may follow ``text[i]``: clause or sentence punctuation, not a
    separator inside a number (6,700 or 3.5) or a URL."""
    ch = text[i]
    if ch in "，；：、。！？…":
        return True
    if ch in ",;:!?":
        after = text[i + 1 : i + 2]
        if text[i - 1 : i].isdigit() and after.isdigit():
            return False
        if ch == "," and en_list_comma(text, i):
            return False  # "studios in Japan, Canada and the United States": one list
        return after in ("", " ") or not after.isascii()
    if ch == "." and i + 1 < len(text) and text[i + 1] == " ":
        return not text[i - 1 : i].isdigit() or not text[i + 2 : i + 3].isdigit()
    return False


_EN_NAME_ITEM = r"[A-Z][\w&\-]*\.?(?: (?:of |de |the )?[A-Z][\w&\-]*\.?)*"
_EN_LIST_TAIL_RE = re.compile(
    rf" (?P<last>(?:and|or) )?(?:the )?{_EN_NAME_ITEM}"
    rf"(?P<more>,? (?:and|or) (?:the )?{_EN_NAME_ITEM})?(?P<end>(?=[,.;:!?]|$))?(?![\w&\-])"
)
_EN_LIST_HEAD_RE = re.compile(r"(?:^|[\s(])[A-Z][\w&\-]*\.?$")


def en_list_comma(text: str, i: int) -> bool:
    """The comma at ``i`` separates names of an English list ("Japan, Canada and the United
    States", "Apple, Samsung, Xiaomi"): a name before it, and after it only names up to the
    list's end (an "and"/"or" item or the next comma)."""
    if not _EN_LIST_HEAD_RE.search(text[max(0, i - 40) : i]):
        return False
    m = _EN_LIST_TAIL_RE.match(text, i + 1)
    if not m:
        return False
    if m.group("more"):
        return True  # "Georgia, Alabama and Indonesia over the past three years"
    # "China, Japan, and Korea," or a middle item ("Apple, Samsung, Xiaomi"): the list must
    # end there ("Revenue rose in Asia, and Europe lagged" is two clauses)
    return m.group("end") is not None and (bool(m.group("last")) or text[m.end() : m.end() + 1] == ",")


# A piece that names only who said it, where it was reported or when: it carries no claim.
_LEAD_IN_ZH = re.compile(
    r"^(?:(?:据|根据|按照|依据|援引|引述|来自)[^，,；;]*"
    r"|[^，,；;]{0,30}?(?:数据显示|资料显示|报告显示|统计显示|显示|统计|表示|指出|认为|称|说|报道|透露|介绍"
    r"|强调|预计|估计|提到|写道|坦言|直言|分析|援引[^，,；;]*)"
    r"|(?:在|于|截至|到|从|自)?[\d\s年月日号季度上下半前后初末底中旬第一二三四五六七八九十零〇]+(?:以来|之前|之后|前后)?"
    r"|[^，,；;]{0,12}(?:来看|而言|来说|方面|看来|为例)"
    r")$"
)
_LEAD_IN_EN = re.compile(
    r"^(?:according to\b.*|.{0,60}\b(?:said|says|reported|reports|noted|notes|told [\w\s]+|estimated|wrote)"
    r"|(?:in|by|since|as of|for)\s+(?:the\s+)?(?:\w+\s+)?(?:19|20)\d{2}\b.{0,20}"
    r"|either way|that said|however|meanwhile|in addition|for example|for instance|by contrast|in contrast)$",
    re.IGNORECASE,
)
# A cut between words must not leave a preposition, particle or conjunction dangling.
_DANGLING_ZH = "的地得于在和与及或对从向将把被以为由让给跟同并而且也还就都又了着过所其之"
_DANGLING_EN = re.compile(
    r"\b(?:a|an|the|and|or|of|to|in|on|at|for|from|with|by|as|than|that|which|its|their|his|her|is|are|was|were)$",
    re.IGNORECASE,
)


def says_nothing(piece: str, least: int = 7) -> bool:
    """A clip that carries no claim: an attribution ("据SNE Research统计"), a
    speaker ("分析师王宁表示"), a date, a framing phrase, or a stub too short
    to name a subject and what it does ("阿里云于")."""
    core = piece.strip().strip(ELLIPSIS).rstrip(_CLAUSE_ENDS + _SENTENCE_ENDS + _CLOSERS + ". ")
    core = core.lstrip(_CLOSERS + "“「『 ")
    kind, n = opening(core)
    if kind == "connective":
        core = core[n:].lstrip()
    if not core:
        return True
    if is_chinese(core):
        weight = len(_HAN_RE.findall(core)) + 2 * len(re.findall(r"[A-Za-z0-9]+", core))
        return weight < least or bool(_LEAD_IN_ZH.match(to_simplified(core)))
    words = core.split()
    return len(words) < max(4, least // 2) or bool(_LEAD_IN_EN.match(core))


_FIGURE_RE = re.compile(
    r"(?:约为|大约|约|接近|将近|近|超过|逾|高达|多达|突破|不到|不足|至少|最高|达到)?"
    r"\d+(?:[.,]\d+)*\s*(?:%|％|万亿|亿|万|千|百|个|家|元|倍|年|月|日|辆|人)*"
)
"""A number with its units and the qualifier before it (约6.9亿, 超过8000家): a cut
that keeps "净亏损约" and drops the number leaves the reader a word that qualifies nothing."""


def _protected(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Spans a cut must not fall inside: numbers with their units, Latin words,
    names (those given and the gazetteer's) and, in Chinese, jieba's words."""
    spans = [m.span() for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9.,%'’\-]*[A-Za-z0-9%]?", text)]
    spans += [m.span() for m in _FIGURE_RE.finditer(text)]
    for name in names:
        if len(name) >= 2:
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name)))
                start = text.find(name, start + 1)
    from briefing.gazetteer import gazetteer

    simplified = to_simplified(text)
    spans += [(m.start, m.end) for m in gazetteer().find(simplified)]
    if is_chinese(text):
        from briefing.nlp import zh_cut

        at, unknown = 0, -1
        for word in zh_cut(simplified):
            if len(word) >= 2:
                spans.append((at, at + len(word)))
            # Words jieba only guessed (泽布|替尼) run together: an unknown name is one span.
            if _HAN_RE.match(word) and not known_word(word):
                unknown = at if unknown < 0 else unknown
            else:
                if unknown >= 0 and at - unknown >= 2:
                    spans.append((unknown, at))
                unknown = -1
            at += len(word)
        if unknown >= 0:
            spans.append((unknown, at))
    depth, opened = 0, 0
    for i, ch in enumerate(text):
        if ch in "(（《「『“【":
            opened = i if depth == 0 else opened
            depth += 1
        elif ch in ")）》」』”】" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, i + 1))
    return spans


def known_word(word: str) -> bool:
    """A word jieba's dictionary (or the domain dictionary) knows, not one its HMM guessed."""
    from briefing.nlp import domain_words, rarity

    return word in domain_words() or rarity(word) < 14.0 or (len(word) == 1 and word in _DANGLING_ZH)


def _safe_cut(text: str, at: int, names: Iterable[str]) -> int:
    """The nearest cut at or before ``at`` that is not inside a protected span
    (a number, a Latin word, a name, a word) and leaves no function word dangling."""
    spans = _protected(text, names)
    cut = at
    for start, end in spans:
        if start == 0 and at < end < len(text) - 1:
            cut = end  # a name the text opens with is kept whole, even past the limit
    while cut > 0:
        moved = True
        while moved and cut > 0:
            moved = False
            for start, end in spans:
                if start < cut < end:
                    cut = start
                    moved = True
        if cut <= 0:
            return at
        if not is_chinese(text):
            space = text.rfind(" ", 0, cut + 1)
            cut = space if space > 0 else cut
            if _DANGLING_EN.search(text[:cut].rstrip(" ,;:")) and cut > 1:
                cut -= 1
                continue
            # Before a preposition a phrase is whole ("…from generic drugs" | "to medical devices").
            before = [m.start() for m in _PHRASE_START_EN.finditer(text, int(cut * 0.6), cut + 1)]
            return before[-1] if before else cut
        if cut > 1 and _dangling_zh(text[:cut], text[cut : cut + 8]):
            cut -= 1
            continue
        return cut
    return at


_PHRASE_START_EN = re.compile(
    r" (?=(?:to|from|in|into|with|for|by|as|and|but|that|which|while|after|before) )"
)


def _dangling_zh(piece: str, after: str = "") -> bool:
    """The piece ends in a function word, a measure word or a determiner (的, 在,
    每个), or in a verb whose object follows (占据|市场份额)."""
    from briefing.nlp import pos_tag, zh_cut

    if piece[-1:] in _DANGLING_ZH:
        return True
    words = zh_cut(to_simplified(piece[-8:]))
    if not words:
        return False
    if pos_tag(words[-1]) in ("m", "q", "r", "p", "c", "u", "uj", "ul", "f") and not re.search(
        r"\d\s*[年月日号季]?$", piece
    ):
        return True
    following = [w for w in zh_cut(to_simplified(after)) if w not in ("了", "着", "过")][:1]
    return pos_tag(words[-1]) == "v" and bool(following) and pos_tag(following[0]) in ("n", "nz", "vn", "m")


def _depths(text: str) -> list[int]:
    """Bracket and quotation depth at each position: a cut inside "(AI, Big Data)" or
    “…，…” would leave it open."""
    depth = 0
    out = []
    for ch in text:
        if ch in "(（《「『“[【":
            depth += 1
        out.append(depth)
        if ch in ")）》」』”]】" and depth:
            depth -= 1
    stripped = text.rstrip("。.！？!? ")
    if text[:1] in "“「『" and stripped[-1:] in "”」』":
        out = [max(d - 1, 0) for d in out]  # a quotation as a whole: its clauses are the sentence's
    return out


def _boundaries(text: str) -> list[int]:
    """Where a clip may end: after clause or sentence punctuation outside brackets and quotes."""
    depth = _depths(text)
    return [i + 1 for i in range(len(text) - 1) if _is_boundary(text, i) and not depth[i]]


def _close(out: str) -> str:
    for opener, closer in ("“”", "「」", "『』", "（）", "()"):
        if out.count(opener) > out.count(closer):
            out += closer  # the quotation the cut falls in is closed again
    if out.count('"') % 2:
        out += '"'  # an English quotation too ('"The Red Sea crisis has turned … short of ships…"')
    return out


_FIGURE_END_RE = re.compile(
    r"\d+(?:[.,]\d+)*\s*(?:%|％|(?:万亿|亿|万|千)?(?:元|美元|欧元|港元|人民币|辆|家|个|人|户|吨|台|倍)|万亿|亿|万|倍"
    r"|\s?(?:percent|per cent|(?:billion|million|trillion)(?:\s+(?:yuan|dollars|euros|units|vehicles))?))",
    re.IGNORECASE,
)


def _figure_ends(text: str) -> list[int]:
    """Where a figure with its unit ends (45.5%, 13亿美元, 365.1 billion yuan): a cut there keeps the claim."""
    return [m.end() for m in _FIGURE_END_RE.finditer(text)]


def clip(text: str, limit: int = 60, names: Iterable[str] = ()) -> str:
    """``text`` cut to about ``limit`` characters at the last clause or sentence
    boundary, with an ellipsis; never inside a number, a Latin word, a word or
    one of ``names``, and never down to a piece that says nothing (an
    attribution, a speaker, a date). A sentence or first clause that ends
    within half as much again is kept whole; only then is it cut between words."""
    text = str(text).strip()
    if len(text) <= limit:
        return text
    ends = _boundaries(text)
    floor = max(6, limit // 3)
    good = [c for c in ends if floor <= c <= limit and not says_nothing(text[:c])]
    if good:
        cut = good[-1]
    else:
        stretch = limit + limit // 2
        if len(text) <= stretch:
            return text
        later = [c for c in ends if limit < c <= stretch and not says_nothing(text[:c])]
        figures = [c for c in _figure_ends(text) if limit // 2 <= c <= stretch and not says_nothing(text[:c])]
        if later:
            cut = later[0]
        elif figures:
            cut = figures[-1] if figures[-1] <= limit else figures[0]  # the claim's figure is kept
        else:
            for target in (limit - 1, limit * 5 // 4, stretch, limit * 2):
                cut = _safe_cut(text, min(target, len(text) - 1), names)
                if not says_nothing(text[:cut]):
                    break
    piece = text[:cut].rstrip()
    if len(piece) >= len(text.rstrip(_SENTENCE_ENDS + _CLOSERS)):
        return text
    return _close(piece.rstrip(_CLAUSE_ENDS + "。.!?！？ ") + ELLIPSIS)


_EN_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|may|might|must|should|\w{3,}ed|"
    r"rose|fell|grew|sold|made|took|gave|won|lost|hit|cut|led|paid|set|saw|became|began|came|went|got|"
    r"kept|spent|built|bought|says|said|expects|plans|remains|reaches|accounts|makes|sells|leads)\b",
    re.IGNORECASE,
)


def short_clause(text: str, limit: int = 24, names: Iterable[str] = ()) -> str:
    """What the briefing shows of a sentence it already quoted in full: the
    clause that carries its claim (subject, verb, object or figure), not an
    attribution or a date before it, enough to recognise it and never the
    whole sentence again."""
    text = str(text).strip()
    if not is_chinese(text):
        limit = int(limit * 2.5)  # an English word carries what two or three Han characters do
    ends = [0, *_boundaries(text), len(text)]
    clauses = [(a, b) for a, b in itertools.pairwise(ends) if text[a:b].strip()]
    # Lead-ins ("根据IDC发布的报告，" "2017年，") point at nothing: start after them.
    first = 0
    while first < len(clauses) - 1 and says_nothing(text[clauses[first][0] : clauses[first][1]]):
        first += 1
    start = clauses[first][0] if clauses else 0
    rest = text[start:].lstrip()
    lead = ELLIPSIS if start > 0 else ""
    if not is_chinese(text) and first < len(clauses) - 1:
        # "Industrial and Commercial Bank of China (ICBC), the world's largest lender…,
        # reported…": a subject alone says nothing; the pointer joins it to its verb.
        subject = text[clauses[first][0] : clauses[first][1]].rstrip(" ,;:")
        if not _EN_VERB_RE.search(subject):
            later = next(
                (a for a, b in clauses[first + 1 :] if _EN_VERB_RE.search(text[a:b].split(",")[0])), None
            )
            if later is not None:
                subject = re.sub(r"\s*\([^()]*\)", "", subject)
                return lead + subject + " " + ELLIPSIS + clip(text[later:].lstrip(), limit, names)
    if len(rest) > limit:
        # Asides in brackets explain; a pointer can do without them: 百济神州（BeiGene）的… → 百济神州的…
        rest = re.sub(r"\s*[（(][^（）()\d]{1,30}[）)]", "", rest)
    piece = clip(rest, limit, names)
    if says_nothing(piece) and piece != rest:
        piece = clip(rest, limit + 16, names)
    if piece != rest:
        return lead + piece
    # The rest is short: its first clause, or its first part cut between words.
    inner = [c for c in _boundaries(rest) if not says_nothing(rest[:c], least=10)]
    body = rest.rstrip(_SENTENCE_ENDS + _CLOSERS + ".")
    if inner and inner[0] < len(body):
        return lead + _close(rest[: inner[0]].rstrip(_CLAUSE_ENDS + " ") + ELLIPSIS)
    if lead and len(rest) <= limit + 8:
        return lead + rest  # a trailing clause on its own is a pointer already
    for share in (0.6, 0.7, 0.8, 0.5, 0.9):
        cut = _safe_cut(rest, int(len(body) * share), names)
        if 0 < cut < len(body) - 1 and not says_nothing(rest[:cut], least=10):
            break
    else:
        # A short sentence of one name and a date ("阿里云于2009年9月成立"): cut after the date.
        spans = _protected(rest, names)
        ends = sorted(
            {
                e
                for _, e in spans
                if len(body) // 2 <= e < len(body) - 1 and not any(a < e < b for a, b in spans)
            }
        )  # the end of a word, not of 4500 inside 4500万
        fits = [e for e in ends if not says_nothing(rest[:e], least=8) and not _dangling_zh(rest[:e])]
        cut = fits[0] if fits else _safe_cut(rest, max(len(body) // 2, 4), names)
    return lead + _close(rest[:cut].rstrip(_CLAUSE_ENDS + " ") + ELLIPSIS)


@functools.cache
def regional_variants() -> tuple[tuple[str, str], ...]:
    """(regional word, mainland word) of regional_variants.yaml, longest first."""
    from briefing.resources import data_yaml

    raw = data_yaml("regional_variants.yaml") or {}
    return tuple(sorted(((str(k), str(v)) for k, v in raw.items()), key=lambda kv: -len(kv[0])))


_NOT_WORD_RE = re.compile(r"[\W_]+")
_DECIMAL_RE = re.compile(r"(?<=\d)\.(?=\d)")


def squash(text: str) -> str:
    """A sentence's identity for "said once": the same whatever its script
    (Traditional or Simplified), its regional words (资讯/信息), its punctuation
    (full-width or ASCII, quotes of any kind) and its spacing or letter case."""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    for regional, mainland in regional_variants():
        text = text.replace(regional, mainland)
    text = _DECIMAL_RE.sub("点", text)  # 1.69 and 16.9 stay two numbers
    return _NOT_WORD_RE.sub("", text).lower()


# --------------------------------------------------------------------- stubs
#
# A stub is what a later use of a sentence already quoted in full shows: whole
# clauses only, cut at ，；。 (or , ; before a space), so that it never splits
# 从…到, a phrase after 的/及其, or a verb from its object. When no clause can
# stand for the sentence, the caller points to where it was said instead.

_STUB_ENDS = "，；。！？：,;!?:"
_RANGE_OPEN_RE = re.compile(r"从(?!而|事|来|未|不|此|中)")
_RANGE_CLOSE_RE = re.compile(r"到|至")
# A clause that only frames the claim: its cause, its standpoint or a heading before a colon.
_PREAMBLE_ZH = re.compile(
    r"^(?:由于|因为|因|受惠于|受益于|得益于|随着|鉴于|对于[^，,；;]*(?:来说|而言)|作为|在[^，,；;]*(?:背景下|之际|方面))"
)
_CAUSE_ZH = re.compile(r"受惠于|受益于|得益于|由于|因为|随着|受[^，,；;]{1,12}(?:影响|拖累|推动)")
_PREAMBLE_EN = re.compile(r"^(?:because|as a result of|thanks to|due to|with|amid|despite|after|as)\b", re.I)
_JOINS_NEXT_ZH = re.compile(r"(?:的|及其|及|和|与|或|从|对|把|将|被|在)$")
# A list item's number ("5、华为…"): the list's, not the sentence's.
_LIST_MARK_RE = re.compile(r"^\s*(?:\d{1,2}|" + CN_NUMERAL + r")[、．.）)]\s*(?!\d)")
_SPEECH_END_RE = re.compile(
    r"(?:宣布|表示|指出|称|说|透露|披露|公布|认为|预计|显示|强调|介绍|提到|坦言|said|says|announced)$"
)
STUB_MAX = 60
"""Longest stub (Chinese characters; English gets two and a half times as many)."""


def _stub_spans(text: str) -> list[tuple[int, int]]:
    """The clauses a stub may be made of, as spans: cut at clause punctuation
    outside brackets and quotes, never inside 从…到 and never after a word that
    needs what follows (的, 及其, 和)."""
    depth = _depths(text)
    cuts = [
        i + 1
        for i, ch in enumerate(text[:-1])
        if not depth[i]
        and (
            ch in "，；。！？："
            or (ch in ",;:!?" and _is_boundary(text, i))
            or (ch == "." and _is_boundary(text, i))
        )
    ]
    spans = [(a, b) for a, b in itertools.pairwise([0, *cuts, len(text)]) if text[a:b].strip()]
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged:
            pa, pb = merged[-1]
            prev = text[pa:pb].rstrip(_STUB_ENDS + " ")
            opened = _RANGE_OPEN_RE.search(prev)
            unclosed = opened and not _RANGE_CLOSE_RE.search(prev, opened.end())
            if (unclosed and _RANGE_CLOSE_RE.search(text[a:b])) or _JOINS_NEXT_ZH.search(prev):
                merged[-1] = (pa, b)
                continue
        merged.append((a, b))
    return merged


def _has_claim(piece: str, names: Iterable[str] = ()) -> bool:
    """The piece says something of its subject: a verb or a figure besides the names."""
    for name in sorted(names, key=len, reverse=True):
        piece = piece.replace(name, " ")
    if re.search(r"\d", piece):
        return True
    if not is_chinese(piece):
        return bool(_EN_VERB_RE.search(piece))
    from briefing.nlp import pos_tag, zh_cut

    if len(_HAN_RE.findall(piece)) >= 10:
        return True  # a subject alone is short; jieba tags many verbs (布局) as nouns
    return any(pos_tag(w).startswith("v") for w in zh_cut(to_simplified(piece)) if len(w.strip()) >= 1)


def _preamble(piece: str, last: bool) -> bool:
    """A clause that frames the claim that follows (a cause, a standpoint, a heading before ：)."""
    core = piece.strip().strip(ELLIPSIS).strip()
    if last:
        return False
    if core.endswith(("：", ":")):
        return True
    simplified = to_simplified(core)
    if _PREAMBLE_ZH.match(simplified) or _PREAMBLE_EN.match(core):
        return True
    return bool(_CAUSE_ZH.search(simplified)) and not re.search(r"\d", core)


def _stub_text(
    text: str, spans: list[tuple[int, int]], i: int, ends: tuple[int, int], limit: int
) -> str | None:
    """Clauses ``i``..``ends[0]`` of ``text`` as a stub, the cuts marked (only up to
    ``ends[1]``, the clause that completes the claim, when the figures after it would
    make it most of the sentence again); None when even that is the whole sentence
    or too long to be a stub."""
    for end in range(ends[0], min(ends) - 1, -1):  # fewer figure clauses, down to the claim's own
        if i == 0 and end == len(spans) - 1:
            continue
        piece = text[spans[i][0] : spans[end][1]].strip()
        last = end == len(spans) - 1
        piece = piece if last else piece.rstrip(_STUB_ENDS + " ")
        hard = STUB_MAX if is_chinese(text) else int(STUB_MAX * 2.5)
        if len(piece) > limit and is_chinese(text):
            piece = re.sub(r"\s*[（(][A-Za-z][A-Za-z .&'-]{0,40}[）)]", "", piece)  # an English alias can go
        if len(piece) > max(limit, hard):
            piece = re.sub(r"\s*[（(][^（）()]{1,40}[）)]", "", piece)  # an aside in brackets can go
        if len(piece) > max(limit, hard) or len(squash(piece)) >= 0.85 * len(squash(text)):
            continue
        return _close((ELLIPSIS if i > 0 else "") + piece + ("" if last else ELLIPSIS))
    return None


def _extend(
    text: str, spans: list[tuple[int, int]], i: int, j: int, limit: int, names: Iterable[str]
) -> tuple[int, int]:
    """The last clause of a stub that starts at ``i``: on until the subject has its
    verb, then the clauses that only add figures, while the stub stays short."""
    names = list(names)
    while j + 1 < len(spans) and (
        not _has_claim(text[spans[i][0] : spans[j][1]], names)
        or _SPEECH_END_RE.search(text[spans[i][0] : spans[j][1]].rstrip(_STUB_ENDS + " "))
    ):
        j += 1  # "英特尔宣布，" has a verb but says only that something follows
    core = j
    while j + 1 < len(spans):
        nxt = text[spans[j + 1][0] : spans[j + 1][1]]
        if not _FIGURE_END_RE.search(nxt) or spans[j + 1][1] - spans[i][0] > limit:  # "2C" is no figure
            break
        j += 1
    return j, core


_EN_RELATIVE_START_RE = re.compile(r"\s*(?:which|who|whose|whom|where)\b", re.IGNORECASE)


def actor_stub(text: str, actors: Iterable[str], limit: int = 40) -> str | None:
    """The stub of ``text`` shown under an organisation: the clause that names one
    of ``actors`` with its verb and object (and the figures that follow it), cut
    only at clause punctuation. None when no clause names it or that clause is
    the whole sentence: the caller points instead."""
    text = str(text).strip()
    lead = ELLIPSIS if text.startswith(ELLIPSIS) else ""
    body = _LIST_MARK_RE.sub("", text.strip(ELLIPSIS))
    actors = [a for a in actors if a and len(a) >= 2]
    spans = _stub_spans(body)
    simplified = to_simplified(body)
    hit = next(
        (k for k, (a, b) in enumerate(spans) if any(n in simplified[a:b] or n in body[a:b] for n in actors)),
        None,
    )
    if hit is None or len(spans) < 2:
        return None
    if not is_chinese(body) and _EN_RELATIVE_START_RE.match(body[spans[hit][0] : spans[hit][1]]):
        return None  # "…, which tracks spot rates…": a relative clause stands on the name before it
    ends = _extend(body, spans, hit, hit, limit if is_chinese(body) else int(limit * 2.5), actors)
    piece = body[spans[hit][0] : spans[ends[0]][1]]
    if not is_chinese(piece) and not _has_claim(piece, actors):
        return None  # "…, chief China economist at Macquarie.": the name's clause says nothing of it
    stub = _stub_text(body, spans, hit, ends, limit)
    return None if stub is None else (lead if hit == 0 and lead else "") + stub


def claim_stub(text: str, limit: int = 40) -> str | None:
    """The stub of ``text`` in any other place: the first clause that carries a
    claim (not an attribution, a date, a cause or a heading before it), with the
    figures that follow, cut only at clause punctuation. None when no clause
    stands for the sentence (the claim has no subject without its cause clause)."""
    text = str(text).strip()
    body = _LIST_MARK_RE.sub("", text.strip(ELLIPSIS))
    spans = _stub_spans(body)
    if len(spans) < 2:
        return None
    if not is_chinese(body):
        limit = int(limit * 2.5)
    last = len(spans) - 1
    first = next(
        (
            k
            for k, (a, b) in enumerate(spans)
            if not says_nothing(body[a:b]) and not _preamble(body[a:b], k == last)
        ),
        None,
    )
    if first is None:
        return None
    subject = ""
    if not is_chinese(body) and first > 0 and body[:1].isupper():
        # "Yili Industrial Group, the country's biggest dairy firm, reported…": the name
        # and its apposition are the subject, not clauses to skip; the name stays.
        verb = next((k for k, (a, b) in enumerate(spans) if _EN_VERB_RE.search(body[a:b])), None)
        if verb is not None and verb >= first:
            subject = re.sub(r"\s*\([^()]*\)", "", body[spans[0][0] : spans[0][1]]).strip().rstrip(",;: ")
            first = verb
    ends = _extend(body, spans, first, first, limit, ())
    while says_nothing(body[spans[first][0] : spans[ends[1]][1]], least=8) and ends[0] + 1 < len(spans):
        ends = (ends[0] + 1, ends[1] + 1)  # a clause too short to say anything takes the next
    if says_nothing(body[spans[first][0] : spans[ends[0]][1]], least=8):
        return None
    stub = _stub_text(body, spans, first, ends, limit)
    return f"{subject} {stub}" if stub is not None and subject else stub
