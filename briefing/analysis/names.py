"""Organisation names the gazetteer does not list: how discovery finds them,
the tests that keep common words out, their type, and the forms one entity
takes (short and long names, legal suffixes, country prefixes).

Discovery works on one sentence's jieba tokens and needs evidence: an
organisation suffix after a distinctive stem (宝钢股份, 嘉实基金), a job title
after a name (云知声董事长), a stock code (华域汽车(600741…)), a predicate only a
company has (承德露露公布了一季报, 中原内配主营…), a kind noun before a name
(德国化工巨头巴斯夫), an English legal suffix (Samsung Electronics Co Ltd).
Every name comes with the kind of evidence that made it one, so an analyst can
check it (``Company.found_by``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from briefing.analysis.org_words import Words, _distinctive, _is_common, _name_piece, _tokens, org_type, words
from briefing.gazetteer import gazetteer
from briefing.resources import data_yaml
from briefing.script import is_han

# ----------------------------------------------------------------- vocabulary


@functools.cache
def demonstrative_en_re() -> re.Pattern[str]:
    """An English noun phrase that points back to an organisation named before:
    "the company", "the airline", "the logistics group", "the Taiwanese chipmaker's"
    (``demonstratives_en`` of ``organisations.yaml``), not "the airline industry"
    (``demonstratives_en_not_before``) nor "the rival carrier" (``demonstratives_en_not_after``).
    Case-insensitive; group ``noun`` is the noun."""
    w = words()
    nouns = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in w.demonstratives_en) or "(?!)"
    not_before = "|".join(re.escape(n) for n in w.demonstratives_en_not_before) or "(?!)"
    not_after = "|".join(re.escape(n) for n in w.demonstratives_en_not_after) or "(?!)"
    return re.compile(
        rf"\bthe\s+(?:(?!(?:{not_after})\b)[A-Za-z][\w.&’'-]*\s+){{0,3}}?(?P<noun>{nouns})(?:['’]s)?\b"
        rf"(?!['’]s?\b)(?![-‑])(?!\s+(?:{not_before})\b)",
        re.IGNORECASE,
    )


@functools.lru_cache(maxsize=4096)
def sectors_of(name: str, evidence: str = "") -> frozenset[str]:
    """The lines of business an organisation is known to be in: the gazetteer's
    ``sector``, else the sector words of its forms (Delta Air Lines: airline), plus
    the sector of the kind noun discovery found it by ("the airline Jet2": airline)."""
    w = words()
    org = gazetteer().orgs.get(name)
    if org is not None and org.sector:
        return frozenset({org.sector})
    forms = org.all_names() if org is not None else [name]
    found = {
        sector
        for sector, cues in w.sector_words
        for cue in cues
        for form in forms
        if (re.search(rf"(?<![A-Za-z]){re.escape(cue)}(?![A-Za-z])", form) if cue.isascii() else cue in form)
    }
    if evidence.startswith("kind noun "):
        noun = evidence[len("kind noun ") :].lower()
        found.update(s for n, sectors in w.pointer_sectors_en if n == noun for s in sectors)
    return frozenset(found)


def fits_pointer(noun: str | None, name: str, evidence: str = "") -> bool:
    """Whether an English pointer noun ("the airline", "the bank") may point back to
    ``name``: a noun that names a line of business only to an organisation known to
    be in it; any other noun ("the company", "the group") to any."""
    wanted = pointer_sectors(noun)
    return wanted is None or bool(sectors_of(name, evidence) & set(wanted))


def pointer_sectors(noun: str | None) -> tuple[str, ...] | None:
    """The sectors an English pointer noun names ("airline" → airline; "carrier" →
    airline, logistics), None for a noun that names none ("company", "group")."""
    if not noun:
        return None
    noun = re.sub(r"\s+", " ", noun.lower())
    return next((sectors for n, sectors in words().pointer_sectors_en if n == noun), None)


# ---------------------------------------------------------------------- types


@functools.cache
def _suffix_tuple() -> tuple[str, ...]:
    return tuple(suffix for suffix, _ in words().suffix_types)


@functools.cache
def _suffix_set() -> frozenset[str]:
    return frozenset(_suffix_tuple())


@functools.lru_cache(maxsize=65536)
def suffix_of(name: str) -> str | None:
    """The trusted organisation suffix ``name`` ends with, if any."""
    if not name.endswith(_suffix_tuple()):
        return None  # most tokens: one C-level test
    for suffix, _ in words().suffix_types:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return None


# ------------------------------------------------------------ name checking


def _known_word(token: str) -> bool:
    """jieba's dictionary lists the word (not a name it would have to guess)."""
    from briefing.nlp import rarity

    return rarity(token) < 14.0


@functools.lru_cache(maxsize=16384)
def reject_reason(name: str, kind: str | None = None) -> str | None:
    """Why a discovered phrase is not an organisation's name (``None``: it may be one).

    ``kind`` is the type discovery gives it; the tests are strictest for
    companies and investors (business cases), lighter for associations,
    government bodies and research institutes, which are only ever mentioned.
    """
    w = words()
    gaz = gazetteer()
    name = name.strip()
    if gaz.canonical(name):
        return None
    if len(name) < 2 or len(name) > (40 if name.isascii() else 16):
        return "length"
    if name in gaz.generic or name in w.generic_names:
        return "generic"
    if name[0].isdigit():
        return "starts with a number"
    if (
        name[0]
        in "的在和与是了及等对为把被从向以由于因该其这那各每某本此另一多数几可将已也还都就又并而但且让使"
        or name.startswith(("中国的", "一家", "一个", "多家", "部分", "相关"))
    ):
        return "fragment"
    if any(p in name for p in w.not_name_parts):
        return "person or job"
    if is_han(name[-1]) and name[-1] in "其它他她该此这那":
        return "fragment"  # "令其股价": a verb and a pronoun, not a name
    if not any(is_han(c) for c in name):
        if not re.fullmatch(
            r"(?:[A-Z]|[a-z]{1,2}(?=[0-9A-Z]))[A-Za-z0-9&.\-]*(?: [A-Z0-9][A-Za-z0-9&.\-]*){0,4}", name
        ):
            return "not a name"
        if name in w.en_not_names or name in w.en_places:
            return "common English word"
        if len(name) < 3:
            return "too short"
        return None
    if name.endswith("学") and not name.endswith(w.school_endings):
        return "discipline"
    first = _first_token(name)
    if first and _pos(first)[:1] in ("v", "d", "p", "c", "u", "r") and not gaz.canonical(first):
        return "fragment"
    if any(_pos(t) == "v" and _known_word(t) and len(t) >= 2 and _common_verb(t) for t in _tokens(name)[1:]):
        return "fragment"  # "钢企下调汽车": a verb inside is a clause, not a name
    for ending in w.not_name_endings:
        if name.endswith(ending) and not (suffix_of(name) and len(suffix_of(name) or "") > len(ending)):
            return "not an organisation (" + ending + ")"
    kind = kind or org_type(name)
    suffix = suffix_of(name)
    stem = name[: -len(suffix)] if suffix else name
    if kind in ("company", "investor", "product"):
        # "商业银行", "证券基金", "中国资本", "荷兰公司": a kind of organisation, not one of them.
        places = kind == "company"
        if suffix and not _distinctive(stem, places_count=places):
            return "kind of organisation"
        if (
            suffix in w.weak_suffixes
            and _known_word(stem)
            and _pos(stem) not in ("nr", "ns", "nz", "nt", "nrt")
        ):
            return "kind of organisation"  # "无人机物流", "日系汽车": a dictionary word before a weak suffix
        if not suffix and not _distinctive(name, places_count=False):
            return "common word"
    elif kind == "association" and suffix and not _distinctive(stem, places_count=True):
        return "kind of organisation"  # "水泥行业协会"
    elif suffix and not stem:
        return "bare suffix"
    return None


def _common_verb(token: str) -> bool:
    from briefing.nlp import rarity

    return rarity(token) < 11.0 or token in ("下调", "上调", "下滑", "上涨", "下跌")


def _first_token(name: str) -> str:
    tokens = _tokens(name)
    return tokens[0] if tokens else ""


def _pos(token: str) -> str:
    from briefing.nlp import pos_tag

    return pos_tag(token)


# ------------------------------------------------------------------ discovery


@dataclass(frozen=True)
class Found:
    """A name discovery recognised in a sentence."""

    name: str
    type: str
    evidence: str
    """What made it a name: ``suffix 股份``, ``title 董事长``, ``stock code``,
    ``predicate 年报``, ``kind noun 巨头``, ``named 名为``, ``jieba nt``,
    ``legal suffix Inc``."""
    short: tuple[str, ...] = ()
    """Other forms of the same name to look for in the document (宝钢 for 宝钢股份, TSMC)."""


_PUNCT_RE = re.compile(r"[\s，。、；：？！“”‘’「」『』（）()《》,.;:!?\"'—\-…·/|]")
_STOP_POS = ("v", "d", "p", "c", "u", "r", "m", "q", "f", "t", "a", "vn")


def _token_ok(tok: str) -> bool:
    from briefing.nlp import stopwords

    return bool(tok.strip()) and not _PUNCT_RE.fullmatch(tok) and tok not in stopwords()


def candidate_before(tokens: list[str], index: int, max_chars: int = 8) -> str:
    """Noun-like tokens directly before ``tokens[index]``, joined, up to a boundary
    (punctuation, a function word, a verb, a kind noun such as 公司 in
    "钢铁公司鞍钢股份")."""
    from briefing.nlp import pos_tag, rarity

    w = words()
    parts: list[str] = []
    i = index - 1
    while i >= 0:
        tok = tokens[i]
        if not _token_ok(tok) or tok in ("兼", "及", "和", "与", "的", "之"):
            break
        if parts and (tok in w.kind_nouns or tok.endswith(tuple(w.kind_nouns))):
            break
        tag = pos_tag(tok)
        if (
            tag[:1] in ("v", "a")
            and rarity(tok) >= 11.0
            and len(tok) >= 2
            and i > 0
            and pos_tag(tokens[i - 1]) in ("nr", "ns", "nrt", "nz")
        ):
            pass  # a rare word jieba tags as a verb may end a name ("承德" + "露露")
        elif tag[:1] in ("v", "d", "p", "c", "u", "r", "m", "q", "f", "t", "a") and not (
            tag == "vn" or (tok.isascii() and tok[:1].isupper())
        ):
            break
        if sum(len(p) for p in parts) + len(tok) > max_chars:
            break
        parts.insert(0, tok)
        i -= 1
    return "".join(parts).strip()


def head_candidate(tokens: list[str], index: int, max_chars: int = 8) -> str:
    """The whole phrase from the start of its clause to ``tokens[index]`` when it may be
    a name jieba cut into pieces that :func:`candidate_before` stops at ("海底+捞+国际"
    before 控股, "胖+东来+商贸" before 集团): one-character words and rare words of any
    tag go on, a punctuation mark, a function word or a common word of two or more
    characters that is no noun ends it; "" when it is longer than ``max_chars`` or
    does not open its clause."""
    from briefing.nlp import pos_tag

    w = words()
    parts: list[str] = []
    i = index - 1
    while i >= 0:
        tok = tokens[i]
        if not _token_ok(tok) or tok in w.name_breakers or tok in ("兼", "及", "之", "、"):
            break
        tag = pos_tag(tok)
        if tag[:1] in ("p", "c", "u", "r", "d", "m", "q", "f") or (len(tok) == 1 and not _name_piece(tok)):
            break
        if (
            tag[:1] not in ("n", "x")
            and tag != "vn"
            and len(tok) >= 2
            and _is_common(tok)
            and not (tok.isascii() and tok[:1].isupper())
        ):
            break  # "收购": a verb before the name, not a piece of it
        if sum(len(p) for p in parts) + len(tok) > max_chars:
            return ""
        parts.insert(0, tok)
        i -= 1
    return "".join(parts).strip()


_POINTER_KINDS = frozenset({"公司", "集团", "企业"})
"""Kind nouns that, opening a clause, point back to the company just named."""
_CLAUSE_MARKS = frozenset("，,。；;：:、！!？?")
_SAYS = frozenset({"表示", "称", "指出", "认为", "介绍", "透露", "说"})


@functools.cache
def _industry_tails() -> frozenset[str]:
    from briefing.analysis.cues import cue_words

    return frozenset(cue_words().industry_tails)


def _unknown_word(token: str) -> bool:
    """A Chinese word neither jieba's dictionary nor the domain's knows (宇树 of 宇树科技):
    after a kind noun, a name. (:func:`briefing.analysis.cues.unknown_word`, and not
    listed at all: 合作开发 is listed, rare, rarer than an unknown word.)"""
    from briefing.analysis.cues import unknown_word
    from briefing.nlp import UNKNOWN_RARITY, pos_tag, rarity

    return unknown_word(token) and pos_tag(token) == "x" and rarity(token) == UNKNOWN_RARITY


def candidate_after(tokens: list[str], index: int, max_chars: int = 10) -> str:
    """A name right after ``tokens[index]`` (a kind noun or 名为): Latin words
    joined with spaces, or Chinese tokens up to a verb, particle or punctuation."""
    from briefing.nlp import pos_tag

    i = index + 1
    while i < len(tokens) and not tokens[i].strip():
        i += 1
    if i >= len(tokens):
        return ""
    if tokens[i].isascii() and tokens[i][:1].isupper():
        parts = []
        while i < len(tokens) and (
            tokens[i].isascii() and (tokens[i][:1].isupper() or not tokens[i].strip())
        ):
            parts.append(tokens[i])
            i += 1
        return "".join(parts).strip()
    if len(tokens[i]) < 2:
        return ""
    # a word nobody knows names only with an industry word after it (宇树+科技), not alone
    # ("17家企业中有6家", "公司更能…")
    untagged = pos_tag(tokens[i]) not in ("nr", "nrt", "nz", "nt", "ns")
    if untagged and not (
        _unknown_word(tokens[i]) and i + 1 < len(tokens) and tokens[i + 1] in _industry_tails()
    ):
        return ""  # "巨头们领路", "企业金融服务": no name follows
    parts = []
    while i < len(tokens):
        tok = tokens[i]
        if not _token_ok(tok) or tok in ("的", "之", "和", "与", "及"):
            break
        tag = pos_tag(tok)
        if tag[:1] in _STOP_POS and tag != "vn" and parts:
            break
        if tag[:1] in ("v", "d", "p", "c", "u", "r") and not parts:
            return ""
        if sum(len(p) for p in parts) + len(tok) > max_chars:
            break
        parts.append(tok)
        i += 1
    return "".join(parts)


_GRAMMAR_CHARS = frozenset(
    "的了地得着过在把被将也又都就很最其之与和及或等为是有于从对向该这那此各每本其原前新"
)
"""Characters that stand before a title as grammar (其董事长, 原董事长), never as a name."""


def split_abbreviation(tokens: list[str], index: int) -> str:
    """A short name jieba cut into single characters right before ``tokens[index]``
    and opening its clause ("中+钢" of "中钢董事长", "中钢（2002）"): two to four
    one-character Chinese words, none a grammar word; "" otherwise."""
    i = index
    while i > 0 and len(tokens[i - 1]) == 1 and is_han(tokens[i - 1]) and tokens[i - 1] not in _GRAMMAR_CHARS:
        i -= 1
    run = "".join(tokens[i:index])
    opens = i == 0 or bool(_PUNCT_RE.fullmatch(tokens[i - 1]))
    return run if opens and 2 <= len(run) <= 4 else ""


def _title_candidate(tokens: list[str], index: int) -> str:
    """The organisation before a job title, skipping the job's description
    ("长城证券钢铁行业分析师" → 长城证券)."""
    w = words()
    end = index
    while end > 0 and tokens[end - 1].endswith(("行业", "领域", "板块", "部门")) and len(tokens[end - 1]) > 2:
        end -= 1  # "钢铁行业分析师"
    while end > 0 and tokens[end - 1] in w.title_descriptors:
        end -= 1
        prev = tokens[end - 1] if end > 0 else ""
        industry = prev in ("行业", "领域") or tokens[end] in ("行业", "领域")
        if (
            industry
            and prev
            and prev not in w.title_descriptors
            and len(prev) <= 3
            and not suffix_of("X" + prev)
        ):
            end -= 1  # the industry word before 行业/领域: 钢铁 行业
    cand = candidate_before(tokens, end, max_chars=7)
    if len(cand) < 2:
        cand = split_abbreviation(tokens, end) or cand
    for unit in ("事业部", "事业群", "部门", "团队"):
        if unit in cand:
            return ""
    return cand


def _predicate_candidate(tokens: list[str], index: int, max_chars: int = 12) -> str:
    """The company before a predicate, skipping adverbs and time words between
    ("新易盛同时披露了…年报", "承德露露公布了…一季报")."""
    from briefing.nlp import pos_tag

    w = words()
    i = index
    # Back over "公布了2011年" to the reporting verb, then over adverbs to the name.
    steps = 0
    while i > 0 and steps < 6:
        tok = tokens[i - 1]
        if (
            tok in w.report_verbs
            or pos_tag(tok)[:1] in ("d", "t", "m", "u", "q")
            or tok in ("了", "年", "第")
            or (tok == "的" and i >= 2 and tokens[i - 2] == "年")  # "SHEIN 2023年的净利润"
        ):
            i -= 1
            steps += 1
            continue
        qualifier = next(
            (j for j in range(i - 1, max(i - 5, -1), -1) if "".join(tokens[j:i]) in w.measure_qualifiers),
            None,
        )
        if qualifier is not None:
            i = qualifier  # "集团第二季经调整净利润": the measure's qualifier, no name
            steps += 1
            continue
        if (
            re.fullmatch(r"\d+", tok)
            or not tok.strip()  # "SHEIN 2023年的净利润": the space after a Latin name
            or tok in ("已", "也", "还", "又", "将", "同时", "正式", "近日", "此前")
        ):
            i -= 1
            steps += 1
            continue
        break
    return candidate_before(tokens, i, max_chars=max_chars)


_STOCK_CODE_RE = re.compile(
    r"^\s*[（(]\s*(?:\d{6}(?:\.S[HZ])?|0\d{3,4}(?:\.HK)?|\d{4}\.TW"
    r"|[1-9]\d{3}(?=\s*[)）]\s*(?![年点點元美港日%％下上涨漲跌升降收\d])))\s*(?:[，,、；;)）]|$)",
    re.I,
)
"""A stock code in brackets after a name: Shanghai/Shenzhen, Hong Kong, Taiwan (four
digits, "中鋼（2002）昨日公布"; not a year, a price or an index level the bracket
closes before: "（2002）年", "螺纹钢（3500）下跌", "标普（4500）点")."""
# A name a listing introduces: "在香港挂牌的珍酒李渡，…", "去年登陆科创板的X。".
_LISTED_RE = re.compile(
    r"(?:在(?P<venue>[^，,。；;的]{2,8}?)(?:挂牌|上市|掛牌)|登(?:陆|陸)(?P<board>[\u4e00-\u9fffA-Z]{2,4}))的"
    r"(?P<name>[\u4e00-\u9fffA-Za-z]{2,8}?)(?=[，,。；;、（(]|$)"
)
_NAMED_RE = re.compile(
    r"(?:名为|名叫|叫做)([\u4e00-\u9fffA-Za-z0-9]{2,12}?)的[\u4e00-\u9fff]{0,4}(?:公司|企业|机构|集团|品牌|平台|银行|基金)"
)


def _clean(name: str, kind: str) -> str | None:
    """The name as it should be shown, or None when it is not one."""
    gaz = gazetteer()
    name = name.strip(" ·-")
    if not name:
        return None
    if known := gaz.canonical(name):
        return known
    for suffix in words().legal:
        if name.endswith(suffix) and (known := gaz.canonical(name[: -len(suffix)])):
            return known
    if reject_reason(name, kind):
        return None
    return name


def _short_forms(name: str) -> tuple[str, ...]:
    """Other forms of a discovered name worth finding in the same document."""
    forms = []
    stem = strip_legal(name)
    if stem != name and len(stem) >= 2 and not reject_reason(stem, "company"):
        forms.append(stem)
    return tuple(forms)


@functools.cache
def _measure_cues() -> tuple[str, ...]:
    """The measure cues of ``measures.yaml`` (归母净利润, 税前利润…), longest first."""
    raw = data_yaml("measures.yaml") or {}
    return tuple(sorted((str(k) for k in raw if not str(k).isascii()), key=lambda c: (-len(c), c)))


def _inside_measure(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is the tail of a longer measure word ("归母净利润",
    "扣非净利润"): what stands before it qualifies the measure, it names no company."""
    for cue in _measure_cues():
        if len(cue) <= end - start:
            break
        if text.endswith(cue, 0, end) and end - len(cue) < start:
            return True
    return False


def _continues_word(nxt: str) -> bool:
    """The token after a suffix makes the suffix part of a longer noun ("政府采购",
    "银行股"): the phrase goes on, the suffix ends no name."""
    return bool(nxt) and nxt.startswith(words().suffix_continuations)


@functools.cache
def _anchor_re() -> re.Pattern[str]:
    """Job titles and company predicates, matched on the text (jieba may cut them)."""
    w = words()
    items = sorted(
        w.business_titles | w.commentator_titles | w.company_predicates, key=lambda x: (-len(x), x)
    )
    return re.compile("|".join(re.escape(i) for i in items) + r"|首席[\u4e00-\u9fff]{1,4}官")


_TRIGGERS: list = [None, {}]
"""The word lists (kept, so their identity stays theirs) and, per token, whether
it can set off a discovery of its own."""


def _trigger_memo(w: Words) -> dict[str, bool]:
    if _TRIGGERS[0] is not w:
        _TRIGGERS[:] = [w, {}]
    return _TRIGGERS[1]


def _may_trigger(tok: str, w: Words, suffixes: frozenset[str]) -> bool:
    """The token is one :func:`discover` looks at (a bracket, a kind noun, a name
    suffix, a typed ending); a superset of its tests, the context decides."""
    if not tok.strip():
        return False
    return (
        tok in ("(", "（", "机构")
        or tok in w.kind_nouns
        or tok in suffixes
        or suffix_of(tok) is not None
        or (len(tok) >= 3 and tok.endswith(w.nt_government))
    )


# A Chinese name with its Latin form in parentheses: "帝亚吉欧(Diageo)".
_GLOSSED_RE = re.compile(r"^([\u4e00-\u9fff]{2,6})\s*[（(]\s*[A-Z][A-Za-z&.'\- ]{1,30}\s*[)）]")


def discover(tokens: list[str], text: str = "") -> list[Found]:
    """Organisations named in a sentence that the gazetteer may not list.

    ``tokens`` are jieba's cut of the sentence ``text`` (Simplified).
    """
    from briefing.nlp import pos_tag

    w = words()
    suffixes = _suffix_set()
    found: list[Found] = []

    def add(raw: str, evidence: str, kind: str | None = None) -> None:
        raw = raw.strip()
        if not raw:
            return
        kind = kind or org_type(raw)
        name = _clean(raw, kind)
        if name is None and raw in split and reject_reason(raw, kind) == "common word":
            name = raw  # common characters jieba would not join, before a title or a code
        if name:
            found.append(
                Found(name, org_type(name) if kind == "company" else kind, evidence, _short_forms(name))
            )

    starts: dict[int, int] = {}
    split: set[str] = set()
    text = text or "".join(tokens)
    for m in _anchor_re().finditer(text):
        if not starts:  # built for the few sentences with an anchor
            pos = 0
            for i, tok in enumerate(tokens):
                starts[pos] = i
                pos += len(tok)
        i = starts.get(m.start())
        if i is None:
            continue
        word = m.group()
        if word in w.company_predicates:
            if _inside_measure(text, m.start(), m.end()):
                continue
            add(_predicate_candidate(tokens, i), f"predicate {word}", "company")
        elif word in w.commentator_titles:
            cand = _title_candidate(tokens, i)
            if suffix_of(cand):
                add(cand, f"title {word}")
            elif cand and all(not _is_common(t) for t in _tokens(cand)):
                add(cand, f"title {word}", "research")  # "中投顾问高级研究员", never "证券分析师"
        else:
            cand = _title_candidate(tokens, i)
            if cand and cand == split_abbreviation(tokens, i):
                split.add(cand)
            add(cand, f"title {word}")
    for m in _NAMED_RE.finditer(text):
        add(m.group(1), "named 名为")
    for m in _LISTED_RE.finditer(text):
        venue = m.group("venue") or m.group("board") or ""
        # on a market ("在香港挂牌"), not a product launched somewhere ("在超市上市的新品")
        # (not a kind: "唯一在港股上市的人形机器人公司")
        name = m.group("name")
        if (
            any(v in venue for v in w.listing_venues)
            and not _is_common(name)
            and not _is_common(strip_legal(name))
        ):
            add(m.group("name"), "listed 上市", "company")
    triggers = _trigger_memo(w)
    for i, tok in enumerate(tokens):
        named_after = False  # "人形机器人公司宇树科技": the kind noun describes the name after it
        hit = triggers.get(tok)
        if hit is None:
            hit = triggers[tok] = _may_trigger(tok, w, suffixes)
        if not hit:
            continue  # most tokens: one dict lookup
        if tok in ("(", "（") and _STOCK_CODE_RE.match("".join(tokens[i : i + 4])):
            j = i
            while j > 0 and not tokens[j - 1].strip():
                j -= 1
            cand = candidate_before(tokens, j, max_chars=8)
            if len(cand) < 2 and (run := split_abbreviation(tokens, j)):
                cand = run
                split.add(run)
            # "內地茶飲品牌茶百道（2555）": the kind before the name describes it
            kind_at = max(
                (cand.rfind(k) + len(k) for k in (*w.kind_nouns, "品牌", "品牌方", "品牌商") if k in cand),
                default=0,
            )
            if 0 < kind_at <= len(cand) - 2:
                cand = cand[kind_at:]
            add(cand, "stock code", "company")
        elif (
            tok in w.kind_nouns or (tok == "机构" and i and tokens[i - 1] + tok in w.kind_noun_types)
        ) and i + 1 < len(tokens):
            before = next((t for t in reversed(tokens[:i]) if t.strip()), "")
            if tok in _POINTER_KINDS and (not before or before in _CLAUSE_MARKS or before in _SAYS):
                continue  # "兆易创新表示，公司利基型DRAM产品…": 公司 points back, names nothing
            after = candidate_after(tokens, i)
            joined = (tokens[i - 1] if i else "") + tok  # "研究" + "机构"
            kind = next((t for k, t in w.kind_noun_types.items() if joined.endswith(k)), None)
            if after and (after.isascii() or not _is_common(after)):
                add(after, f"kind noun {tok}", kind)
                named_after = bool(before) and before not in _CLAUSE_MARKS
        elif len(tok) >= 3 and pos_tag(tok) == "nt" and not suffix_of(tok) and tok.endswith(w.nt_government):
            # jieba's dictionary tags names it knows (美敦力, 中国银行), and many
            # words that are not (光通信, 国际化): only typed endings count.
            add(tok, "jieba nt", "government")
        if tok not in suffixes and (suffix := suffix_of(tok)) and suffix not in w.weak_suffixes:
            if not (i + 1 < len(tokens) and _continues_word(tokens[i + 1])):
                add(candidate_before(tokens, i, max_chars=8) + tok, f"suffix {suffix}")
        elif tok in suffixes and tok not in w.weak_suffixes:
            nxt = next((t for t in tokens[i + 1 : i + 3] if t.strip()), "")
            if nxt in ("主义", "运作", "结构", "化", "运营", "管理") or nxt.startswith("市场"):
                continue  # "中国资本市场", "金融资本主义": the suffix belongs to a longer word
            if i + 1 < len(tokens) and _continues_word(tokens[i + 1]):
                continue  # "福建政府采购", "港股银行股"
            cand = candidate_before(tokens, i, max_chars=6)
            if tok == "公司" and (named_after or _described(tokens, i, cand)):
                continue  # "中钢转投资的风电水下基础公司中钢机械": what kind of company, no name
            glossed = _GLOSSED_RE.match("".join(tokens[i + 1 : i + 12]))
            if glossed and strip_country(cand) != cand and not _is_common(glossed.group(1)):
                # "英国烈酒集团帝亚吉欧(Diageo)": a country and a trade before the suffix
                # describe the organisation whose name, glossed in Latin, follows.
                add(glossed.group(1), f"kind noun {tok}")
                continue
            if (
                len(cand) >= 2
                and not _indefinite_kind(tokens, i, cand)
                and _clean(cand + tok, org_type(cand + tok))
            ):
                add(cand + tok, f"suffix {tok}")
            elif tok in w.legal and tok != "公司" and len(head := head_candidate(tokens, i)) > len(cand):
                # "海底捞国际控股", "胖东来商贸集团": a legal suffix ends a name whose
                # pieces are common words; the whole clause head is that name.
                add(head + tok, f"suffix {tok}")
        elif tok in suffixes and tok in w.weak_suffixes:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if (
                nxt
                and not (
                    _PUNCT_RE.fullmatch(nxt)
                    or nxt in ("的", "等", "和", "与", "及", "将", "已", "在", "也", "公司", "集团")
                )
                and pos_tag(nxt)[:1] not in ("v", "d", "p", "c", "u")
                # "星驰物流2024年营收…": a year or a number after the suffix ends the name.
                and not (
                    (re.fullmatch(r"(?:19|20)\d{2}", nxt) and "".join(tokens[i + 2 : i + 3]).startswith("年"))
                    or nxt in ("今年", "去年", "前年", "上半年", "下半年", "全年")
                )
            ):
                continue  # "冷轧汽车板": the suffix is part of a longer word
            cand = candidate_before(tokens, i, max_chars=6)
            if cand.startswith(w.line_verbs) or "".join(tokens[max(0, i - 4) : i]).endswith(
                tuple(v + cand for v in w.line_verbs)
            ):
                continue  # "布局冷链物流": the object of a verb of business lines, a line of business
            if len(cand) >= 2 and not _is_common(cand) and _distinctive(cand, places_count=True):
                add(cand + tok, f"suffix {tok}")
    _add_context_cues(tokens, text, add, found)
    # One name once per sentence, the first evidence kept.
    out: dict[str, Found] = {}
    for f in found:
        out.setdefault(f.name, f)
    return list(out.values())


def _described(tokens: list[str], index: int, cand: str) -> bool:
    """``cand`` before the bare 公司 at ``index`` describes a company rather than
    names it: it follows 的 ("…转投资的风电水下基础公司") and is made of words that
    jieba's dictionary or the domain dictionary lists, none of them a name (a name
    after 的 is one jieba does not know or tags as one: "投资的汇通达公司")."""
    from briefing.nlp import UNKNOWN_RARITY, domain_words, pos_tag, rarity

    j, size = index, 0
    while j > 0 and size < len(cand):
        j -= 1
        size += len(tokens[j])
    if size != len(cand) or j == 0 or tokens[j - 1] != "的":
        return False
    parts = tokens[j:index]
    return all(
        (rarity(t) != UNKNOWN_RARITY or t in domain_words())
        and pos_tag(t) not in ("nr", "ns", "nz", "nt", "nrt", "j")
        for t in parts
    )


def _indefinite_kind(tokens: list[str], index: int, cand: str) -> bool:
    """ "入股一家冷链公司": after 一家/多家… (``indefinite_before`` of
    ``discovery_cues.yaml``) a phrase ending in a suffix names a kind of company, not
    one (a name comes as "一家名为X的公司")."""
    from briefing.analysis.cues import cue_words

    j, size = index, 0
    while j > 0 and size < len(cand):
        j -= 1
        size += len(tokens[j])
    before = next((t for t in reversed(tokens[:j]) if t.strip()), "")
    return before in cue_words().indefinite_before


def _add_context_cues(tokens: list[str], text: str, add: object, found: list[Found]) -> None:
    """Names the sentence marks by what it does with them (:mod:`briefing.analysis.cues`:
    "米哈游这样的研发商", "据X发布的《…》", "智冠去年以…入股"), after the cues above."""
    from briefing.analysis.cues import cues_zh

    before = len(found)
    for raw, evidence, kind in cues_zh(tokens, text):
        add(raw, evidence, kind)  # type: ignore[operator]
    # "据中国冷链物流工委发布的《…》": a name found inside the whole name a cue found is
    # part of it (冷链物流 by its suffix), not a name of its own.
    longer = [f.name for f in found[before:]]
    found[:before] = [f for f in found[:before] if not any(f.name in n and f.name != n for n in longer)]


# --------------------------------------------------------------- English

_EN_NAME = r"[A-Z][A-Za-z0-9&'\-]*(?:\.[a-z]{2,4}\b)?"
_EN_LEGAL_RE = re.compile(
    rf"\b((?:{_EN_NAME}\s+){{0,4}}{_EN_NAME})\s*,?\s+"
    r"((?:(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|PLC|plc|Holdings?|Group|AG|SA|SE|NV|GmbH|KK)\b\.?,?\s*)+)"
    r"(?:\s*\(([A-Z][A-Za-z0-9&.]{1,9})\))?"
)
_EN_KIND_RE = re.compile(rf"\b([a-z\-]+)\s+({_EN_NAME}(?:\s+{_EN_NAME}){{0,2}})")
_EN_TITLE_RE = re.compile(
    rf"\b((?:{_EN_NAME}\s+){{0,2}}{_EN_NAME})(?:'s)?\s+(?:Chief Executive|CEO|Chairman|President|founder|analyst)\b"
)
_ACRONYM_RE = re.compile(r"\(([A-Z][A-Za-z0-9&.]{1,9})\)")
_EN_RESEARCH_RE = re.compile(
    rf"\b(?:[Aa]nalysts?|[Rr]esearchers?|[Ee]conomists?) (?:at|from) ({_EN_NAME}(?:\s+{_EN_NAME}){{0,2}})"
)
_EN_INVESTEE_RE = re.compile(
    rf"\b(?:invested|investment|invests|stake)\b[^.;]{{0,40}}?\bin ({_EN_NAME}(?:\s+{_EN_NAME}){{0,2}})"
)


_EN_PLACE_ADJECTIVES = ("-based", "-listed", "-headquartered", "-born", "-owned", "-backed", "-focused")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.){2,}")
"""Initials that open a name ("U.S. Steel"), not a dateline."""


def _en_name(raw: str) -> str | None:
    """An English name, its legal suffix removed and checked."""
    parts = raw.split()
    # A dateline ("SEOUL Qualcomm Inc") or a sentence opener is not part of the name.
    while parts and (
        parts[0] in words().en_not_names
        or (
            len(parts) > 1
            and parts[0].isupper()
            and len(parts[0]) > 3
            and not _INITIALS_RE.fullmatch(parts[0])
        )
    ):
        parts = parts[1:]
    while parts and (parts[-1].rstrip(".,") in words().en_legal):
        parts = parts[:-1]
    if not parts:
        return None
    name = " ".join(parts)
    if reject_reason(name, "company"):
        return None
    return name


def _en_short(name: str) -> tuple[str, ...]:
    """ "Samsung" for "Samsung Electronics"; never a place ("Taiwan")."""
    parts = name.split()
    w = words()
    if (
        len(parts) >= 2
        and all(p in w.en_tails for p in parts[1:])
        and parts[0] not in w.en_places
        and parts[0] not in w.en_not_names
        and len(parts[0]) >= 3
    ):
        return (parts[0],)
    return ()


def discover_en(text: str) -> list[Found]:
    """Organisations an English sentence names with a legal suffix
    ("Samsung Electronics Co Ltd"), a kind noun ("consumer intelligence company
    Bomoda") or a job title ("Alibaba Chief Executive")."""
    gaz = gazetteer()
    w = words()
    found: list[Found] = []

    def add(raw: str, evidence: str, kind: str = "company", extra: tuple[str, ...] = ()) -> None:
        name = _en_name(raw)
        if not name:
            return
        canonical = gaz.canonical(name) or next(
            (gaz.canonical(s) for s in _en_short(name) if gaz.canonical(s)), None
        )
        if canonical:
            found.append(Found(canonical, kind, evidence, tuple(x for x in (name, *extra) if x != canonical)))
        else:
            found.append(Found(name, kind, evidence, _en_short(name) + extra))

    from briefing.analysis.cues import cues_en

    for raw, evidence, kind in cues_en(text):
        # first: "market researcher Newzoo" is research, not a company by "firm"
        add(raw, evidence, kind)
    for m in _EN_LEGAL_RE.finditer(text):
        suffix = m.group(2).split()[0].rstrip(".,")
        add(m.group(1), f"legal suffix {suffix}", extra=(m.group(3),) if m.group(3) else ())
    for m in _EN_KIND_RE.finditer(text):
        if m.group(1).lower() in w.kind_nouns_en:
            add(m.group(2), f"kind noun {m.group(1)}")
    for m in _EN_RESEARCH_RE.finditer(text):
        add(m.group(1), "analysts at", "research")
    for m in _EN_INVESTEE_RE.finditer(text):
        add(m.group(1), "invested in")
    for m in _EN_TITLE_RE.finditer(text):
        if m.group(1).lower().endswith(_EN_PLACE_ADJECTIVES):
            continue  # "one Hong Kong-based analyst": where the analyst sits, no firm
        add(m.group(1), "title", "research" if text[m.end() - 7 : m.end()] == "analyst" else "company")
    out: dict[str, Found] = {}
    for f in found:
        out.setdefault(f.name, f)
    return list(out.values())


# ------------------------------------------------------------- name forms


def strip_legal(name: str) -> str:
    """``name`` without its legal suffix (宝钢股份 → 宝钢, "Apple Inc" → Apple) and a
    generic word right before it (海底捞国际控股 → 海底捞: ``zh_generic_tails``)."""
    w = words()
    if name.isascii():
        parts = name.split()
        while len(parts) > 1 and parts[-1].rstrip(".,") in w.en_legal:
            parts = parts[:-1]
        return " ".join(parts)
    for suffix in w.legal:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            # "海底捞国际控股" → 海底捞: a generic word before the suffix goes with it.
            tail = next((t for t in w.zh_tails if stem.endswith(t) and len(stem) - len(t) >= 2), "")
            return stem[: len(stem) - len(tail)]
    return name


def strip_country(name: str) -> str:
    """``name`` without a leading country or region (美国通用汽车 → 通用汽车)."""
    for prefix in words().countries:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            return name[len(prefix) :]
    return name


def merge_key(name: str) -> str:
    """What two forms of one entity's name share: legal suffix and country prefix
    removed, Latin letters folded ("鞍钢股份" and "鞍钢", "Apple Inc" and "apple");
    a government body keeps its country (印度政府 and 荷兰政府 are two)."""
    base = strip_legal(name)
    if org_type(base) != "government":
        base = strip_country(base)
    return base.lower().replace(" ", "")


def known_form(name: str) -> str | None:
    """The gazetteer's canonical name for a discovered form of it, if any
    (华为技术有限公司 → 华为, 美国英伟达 → 英伟达, "Huawei Technologies" → 华为)."""
    gaz = gazetteer()
    for form in dict.fromkeys((name, strip_legal(name), strip_country(strip_legal(name)))):
        if (known := gaz.canonical(form)) and not (
            form != strip_legal(name) and gaz.orgs[known].type == "government"
        ):
            # A government body is its country's: 巴西最高法院 is not 最高人民法院.
            return known
    if name.isascii():
        for short in _en_short(strip_legal(name)):
            if known := gaz.canonical(short):
                return known
    return None


def unit_of(name: str) -> str | None:
    """The known organisation a discovered name is a unit of: the name starts
    with it and goes on with something that is not a legal suffix
    (华为终端云 → 华为, 英特尔中国 → 英特尔)."""
    gaz = gazetteer()
    if gaz.canonical(name):
        return None
    for end in range(len(name) - 1, 1, -1):
        head, rest = name[:end], name[end:]
        known = gaz.canonical(head)
        if known and rest not in words().legal and not rest.isdigit():
            return known
    return None
