"""Discovery cues from the context around a word nobody listed (``discovery_cues.yaml``).

:mod:`briefing.analysis.names` finds names by their own shape (a suffix, a stock
code) or by a word right next to them (a job title, a kind noun). A careful reader
also knows a name by what the sentence does with it:

* ``like``: "米哈游这样的新一代研发商": X + 这样的 + a kind of organisation;
* ``publisher``: "据中国音数协游戏工委发布的《…报告》", "据X统计": X publishes data
  (research, or association by its ending);
* ``deal``: "智冠去年以新台币4.5亿元入股…": a word the dictionary does not know opens
  a clause and pays for a deal;
* ``own work``: "宇峻奥汀以自制的《三国群英传》系列打进东南亚": such a word does
  something with a titled work it made;
* ``industry tail`` (a document's): "智冠科技…智冠去年…": an industry word after a
  name the document also writes alone as a subject is part of that name;
* English ``kind noun``: "according to market researcher Newzoo" (typed research);
* English ``said its``: "Nintendo said its Switch console…" (a person says his/her),
  also past an apposition ("Feihe, the market leader, said its…") and for a brand's
  lowercase start ("a2 Milk said its…");
* English ``apposition``: "Feihe, the market leader,", "X, the country's biggest cement
  maker," (a head of ``apposition_heads_en``, no person's role);
* English ``share subject``: "Danone and Nestle have both lost share";
* English ``according to``: "according to Euromonitor" (a source of data, research).

Each cue returns ``(raw name, evidence, type)``; the caller runs the usual name
tests on it (:func:`briefing.analysis.names.reject_reason`), so no common word,
place, job or fragment becomes an organisation.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from briefing.errors import ConfigError
from briefing.gazetteer import gazetteer
from briefing.resources import data_yaml
from briefing.script import is_han

Cue = tuple[str, str, str]
"""(name as written, evidence, type)."""


@dataclass(frozen=True)
class CueWords:
    like_heads: frozenset[str]
    like_openers: frozenset[str]
    publisher_markers: frozenset[str]
    publisher_verbs: tuple[str, ...]
    association_endings: tuple[str, ...]
    deal_verbs: frozenset[str]
    partner_verbs: tuple[str, ...]
    own_work_markers: frozenset[str]
    industry_tails: tuple[str, ...]
    results_words: tuple[str, ...]
    """Results a company reports after its name and a period (营业收入, 净利润)."""
    results_announce: tuple[str, ...]
    """Verbs a company announces its results with ("昊海生科公布，…营业收入…")."""
    self_speech_verbs: frozenset[str]
    """Verbs of saying after which a speaker calls itself 公司 ("中联重科则表示，公司…")."""
    self_references: tuple[str, ...]
    surnames: frozenset[str]
    kind_nouns_en: tuple[tuple[str, str], ...]
    """(kind phrase, type), longest first."""
    said_its_verbs: tuple[str, ...]
    said_its_not_after: frozenset[str]
    said_its_not_names: frozenset[str]
    said_its_not_before: frozenset[str]
    said_its_surnames: frozenset[str] = frozenset()
    share_list_words: tuple[str, ...] = ()
    share_list_openers: tuple[str, ...] = ()
    share_list_not_names: frozenset[str] = frozenset()
    indefinite_before: frozenset[str] = frozenset()
    kind_endings: frozenset[str] = frozenset()
    like_not_names: frozenset[str] = frozenset()
    ranked_entry_openers: tuple[str, ...] = ()
    apposition_heads_en: tuple[str, ...] = ()
    apposition_not_words_en: frozenset[str] = frozenset()
    share_verbs_en: tuple[str, ...] = ()
    source_markers_en: tuple[str, ...] = ()
    source_tails_en: frozenset[str] = frozenset()
    cue_not_names_en: frozenset[str] = frozenset()
    said_it_verbs_en: tuple[str, ...] = ()
    results_verbs_en: tuple[str, ...] = ()
    results_nouns_en: tuple[str, ...] = ()
    share_moves_en: tuple[str, ...] = ()
    deal_nouns_en: tuple[str, ...] = ()
    industry_tails_en: frozenset[str] = frozenset()


def _longest(items: object) -> tuple[str, ...]:
    return tuple(sorted({str(i) for i in items or ()}, key=lambda s: (-len(s), s)))  # type: ignore[attr-defined]


_CHARACTER_KEYS = ("surnames", "kind_endings")
"""Keys of ``discovery_cues.yaml`` whose value may be one string of characters."""


@functools.cache
def cue_words() -> CueWords:
    """The lists of ``discovery_cues.yaml`` (built-in plus user data files)."""
    raw = data_yaml("discovery_cues.yaml") or {}
    if not isinstance(raw, dict):
        raise ConfigError("data file discovery_cues.yaml: expected lists under named keys")

    def items(key: str) -> list[str]:
        value = raw.get(key) or []
        if isinstance(value, str) and key in _CHARACTER_KEYS:
            return list(value)  # a string of characters (surnames)
        if not isinstance(value, list):
            raise ConfigError(f"data file discovery_cues.yaml: {key} must be a list")
        return [str(x) for x in value]

    kinds = raw.get("kind_nouns_en") or {}
    if not isinstance(kinds, dict):
        raise ConfigError("data file discovery_cues.yaml: kind_nouns_en must map a type to a list")
    return CueWords(
        like_heads=frozenset(items("like_heads")),
        like_openers=frozenset(items("like_openers")),
        publisher_markers=frozenset(items("publisher_markers")),
        publisher_verbs=_longest(items("publisher_verbs")),
        association_endings=_longest(items("association_endings")),
        deal_verbs=frozenset(items("deal_verbs")),
        partner_verbs=_longest(items("partner_verbs")),
        own_work_markers=frozenset(items("own_work_markers")),
        industry_tails=_longest(items("industry_tails")),
        results_words=_longest(items("results_words")),
        results_announce=_longest(items("results_announce")),
        self_speech_verbs=frozenset(items("self_speech_verbs")),
        self_references=_longest(items("self_references")),
        surnames=frozenset("".join(items("surnames"))),
        kind_nouns_en=tuple(
            sorted(
                ((str(k).lower(), str(t)) for t, group in kinds.items() for k in group or ()),
                key=lambda x: (-len(x[0]), x[0]),
            )
        ),
        said_its_verbs=_longest(w.lower() for w in items("said_its_verbs")),
        said_its_not_after=frozenset(w.lower() for w in items("said_its_not_after")),
        said_its_not_names=frozenset(items("said_its_not_names")),
        said_its_not_before=frozenset(w.lower() for w in items("said_its_not_before")),
        said_its_surnames=frozenset(items("said_its_surnames")),
        share_list_words=_longest(items("share_list_words")),
        share_list_openers=_longest(items("share_list_openers")),
        share_list_not_names=frozenset(items("share_list_not_names")),
        indefinite_before=frozenset(items("indefinite_before")),
        kind_endings=frozenset("".join(items("kind_endings"))),
        like_not_names=frozenset(items("like_not_names")),
        ranked_entry_openers=_longest(items("ranked_entry_openers")),
        apposition_heads_en=_longest(w.lower() for w in items("apposition_heads_en")),
        apposition_not_words_en=frozenset(w.lower() for w in items("apposition_not_words_en")),
        share_verbs_en=_longest(w.lower() for w in items("share_verbs_en")),
        source_markers_en=_longest(w.lower() for w in items("source_markers_en")),
        source_tails_en=frozenset(items("source_tails_en")),
        cue_not_names_en=frozenset(items("cue_not_names_en")),
        said_it_verbs_en=_longest(w.lower() for w in items("said_it_verbs_en")),
        results_verbs_en=_longest(w.lower() for w in items("results_verbs_en")),
        results_nouns_en=_longest(items("results_nouns_en")),
        share_moves_en=_longest(w.lower() for w in items("share_moves_en")),
        deal_nouns_en=_longest(w.lower() for w in items("deal_nouns_en")),
        industry_tails_en=frozenset(items("industry_tails_en")),
    )


# ------------------------------------------------------------------ helpers

_PUNCT = set("，。、；：？！“”‘’「」『』（）()《》,.;:!?\"'—-…·/| \t\n")
_STOP_TAGS = ("v", "d", "p", "c", "u", "r", "m", "q", "f", "t", "a")
UNKNOWN_RARITY = 14.0
"""A word at least this rare is one jieba's dictionary does not list (it guessed it)."""


def _punct(tok: str) -> bool:
    if len(tok) == 1:
        return tok in _PUNCT
    return not tok.strip() or all(c in _PUNCT for c in tok)


def unknown_word(tok: str) -> bool:
    """A Chinese token the dictionary does not list (智冠, 宇峻, 米哈): a name, or a
    word nobody taught it."""
    from briefing.nlp import pos_tag, rarity

    # a rare word the dictionary lists as a common noun (独角兽, 港资) is a word, not a name
    return is_han(tok[:1]) and rarity(tok) >= UNKNOWN_RARITY and pos_tag(tok) in _NAME_TAGS


def _piece(tok: str) -> bool:
    """A one-character token that may end a name jieba split after an unknown word (米哈+游)."""
    return len(tok) == 1 and is_han(tok)


def unknown_name(tokens: list[str]) -> bool:
    """Tokens that together read as one name nobody listed: the first unknown to the
    dictionary, the others unknown too or a one-character piece (米哈+游, 宇峻+奥汀)."""
    if not tokens or not unknown_word(tokens[0]):
        return False
    return all(unknown_word(t) or _piece(t) for t in tokens[1:])


_NAME_TAGS = frozenset({"x", "nr", "nrt", "nrfg", "nz", "nt", "eng"})


def kind_like(name: str) -> bool:
    """Two characters ending in a kind of organisation or capital (险资, 美企, 台厂):
    a group of them, not one (``kind_endings`` of ``discovery_cues.yaml``)."""
    return len(name) == 2 and name[-1] in cue_words().kind_endings


def person_like(name: str) -> bool:
    """Two or three characters starting with a common family name: a person's name
    as likely as an organisation's (刘柏园)."""
    return 2 <= len(name) <= 3 and name[0] in cue_words().surnames


def _name_at(tokens: list[str], i: int, max_chars: int = 8) -> int:
    """End index (excluded) of an unknown name starting at ``tokens[i]``, or ``i``."""
    if i >= len(tokens):
        return i
    if not unknown_word(tokens[i]):
        # "瀚+芯": two one-character nouns that make no dictionary word together
        from briefing.nlp import pos_tag, rarity

        pair = tokens[i : i + 2]
        if not (
            len(pair) == 2
            and all(_piece(t) and pos_tag(t) in ("n", "x", "ng", "nz", "nr") for t in pair)
            and rarity(pair[0] + pair[1]) >= UNKNOWN_RARITY
        ):
            return i
        return i + 2
    j, size = i + 1, len(tokens[i])
    while j < len(tokens) and (
        unknown_word(tokens[j]) or (_piece(tokens[j]) and unknown_word(tokens[j - 1]))
    ):
        if size + len(tokens[j]) > max_chars:
            break
        size += len(tokens[j])
        j += 1
    # A trailing one-character piece that is grammar (以, 在, 将) is no part of the name.
    from briefing.nlp import pos_tag

    while j - 1 > i and _piece(tokens[j - 1]) and pos_tag(tokens[j - 1])[:1] in ("p", "c", "u", "d", "r"):
        j -= 1
    return j


# --------------------------------------------------------------- Chinese


_PERIOD_BEFORE_RESULTS = r"(?:(?:19|20)\d{2}年(?:度)?)?(?:前三季度|前三季|首三季|上半年|下半年|全年|中期|(?<!年)同期|第?[一二三四1-4]季度|前\d{1,2}个月)?"


@functools.cache
def _results_subject_re() -> re.Pattern[str]:
    w = cue_words()
    results = "|".join(re.escape(x) for x in sorted(w.results_words, key=len, reverse=True))
    announce = "|".join(re.escape(x) for x in w.results_announce)
    return re.compile(
        r"(?:^|(?<=[，,。；;：:]))\s*(?P<name>[\u4e00-\u9fff]{2,5}?)"
        rf"(?:(?P<period>{_PERIOD_BEFORE_RESULTS})(?:实现|录得)?(?:{results})(?:为|达|约|达到)?\s*\d"
        rf"|(?:{announce})[，,：:]\s*{_PERIOD_BEFORE_RESULTS}(?:{results}))"
    )


def results_subjects(text: str) -> list[Cue]:
    """Phrases that open a clause reporting results of their own ("爱美客2024年前三季度实现
    营业收入23.69亿元", "昊海生科公布，首三季营业收入…"): listed companies nobody listed.
    A phrase right before a bare measure needs a period between ("华熙生物前三季度营收为"),
    so "公司营收为…" or "行业营收" is never read as one."""
    out: list[Cue] = []
    for m in _results_subject_re().finditer(text):
        name = m.group("name")
        if m.group("period") == "":
            continue
        out.append((name, "reports its results", "company"))
    return out


def cues_zh(tokens: list[str], text: str = "") -> list[Cue]:
    """Names a Chinese sentence marks by what it does with them (jieba ``tokens``)."""
    text = text or "".join(tokens)
    entries = share_list_entries(text) if ("%" in text or "％" in text) else []
    entries += results_subjects(text) if ("收入" in text or "营收" in text or "净利润" in text) else []
    if not _gates().search(text):
        return entries  # most sentences: one regular-expression search
    like, publisher, subject = _gated(text)
    tokens = _join_latin(tokens)
    out: list[Cue] = list(entries)
    if like:
        out += _like(tokens)
    if publisher:
        out += _publisher(tokens)
    if subject:
        out += _subject_cues(tokens)
    return out


@functools.cache
def _share_entry_re() -> re.Pattern[str]:
    openers = "|".join(re.escape(o) for o in cue_words().share_list_openers) or "(?!)"
    return re.compile(
        rf"(?:{openers}|[、，,；;])\s*(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9&·\-]{{0,10}}[\u4e00-\u9fffA-Za-z])"
        r"\s*(?P<num>\d+(?:\.\d+)?)\s*[%％]"
    )


@functools.cache
def _ranked_entry_re() -> re.Pattern[str]:
    """ "，鲜咖道以6%位列第五": the name that heads a clause placing it in a ranking by its share."""
    from briefing.analysis.org_words import words

    verbs = "|".join(re.escape(v) for v in sorted(words().ranking_words, key=len, reverse=True)) or "(?!)"
    return re.compile(
        r"(?:^|[，,；;、：:])\s*(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9&·\-]{0,10}?[\u4e00-\u9fffA-Za-z])"
        r"\s*以\s*(?P<num>\d+(?:\.\d+)?)\s*[%％]\s*(?:的(?:市场)?(?:份额|市占率|占有率))?\s*"
        rf"(?:{verbs})第"
    )


def ranked_entries(text: str) -> list[str]:
    """The names that head a ranking clause with a share ("瑞幸咖啡以18%位列第一，鲜咖道以6%
    位列第五": 瑞幸咖啡, 鲜咖道), an opener before the name (其中, 而) removed."""
    return [_without_opener(m.group("name")) for m in _ranked_entry_re().finditer(text)]


def _without_opener(name: str) -> str:
    """A ranking entry's name without the word that opens its clause ("其中中创新航")."""
    for opener in cue_words().ranked_entry_openers:
        if name.startswith(opener) and len(name) > len(opener) + 1:
            return name[len(opener) :]
    return name


def share_list_entries(text: str) -> list[Cue]:
    """The entries of a list of market shares no list knows, when another entry is a
    name the gazetteer lists ("份额排名：农夫山泉26%、元气森林9%": 元气森林), and
    likewise the names that head the clauses of a ranking by share ("瑞幸咖啡以18%位列
    第一，鲜咖道以6%位列第五": 鲜咖道)."""
    w = cue_words()
    first = min((i for word in w.share_list_words if (i := text.find(word)) >= 0), default=-1)
    gaz = gazetteer()
    names = ranked_entries(text) if "以" in text else []
    if first >= 0:
        for m in _share_entry_re().finditer(text, first):
            name = _without_opener(m.group("name").removesuffix("以"))
            if name not in names:
                names.append(name)
    if not names:
        return []
    if not any(gaz.canonical(n) for n in names):
        return []
    return [
        (n, "ranking entry", "company")
        for n in names
        if not gaz.canonical(n)
        and n not in w.share_list_not_names
        and not n.startswith(tuple(w.share_list_words))
    ]


@functools.cache
def _gates() -> re.Pattern[str]:
    """Any word a Chinese cue needs: a sentence without one is passed over at once."""
    w = cue_words()
    words = {
        "这样的",
        *w.publisher_markers,
        *w.deal_verbs,
        *w.own_work_markers,
        *w.partner_verbs,
        *(v + p + r for v in w.self_speech_verbs for p in "，：" for r in w.self_references),
    }
    return re.compile("|".join(re.escape(x) for x in sorted(words, key=lambda x: (-len(x), x))))


def _gated(text: str) -> tuple[bool, bool, bool]:
    w = cue_words()
    return (
        "这样的" in text,
        any(m in text for m in w.publisher_markers),
        any(v in text for v in w.deal_verbs)
        or ("《" in text and any(m in text for m in w.own_work_markers))
        or any(v in text for v in w.partner_verbs)
        or bool(self_reference_re().search(text)),
    )


def speaks_as_company(text: str, end: int) -> bool:
    """The name ending at ``end`` says something and calls itself the company
    ("中联重科则表示，公司海外收入…"): what 公司 says next is its own."""
    found = self_reference_re().search(text, end, end + 12)
    return found is not None and bool(_SPEAKER_GAP_RE.fullmatch(text, end, found.start()))


_SPEAKER_GAP_RE = re.compile(r"\s*(?:则|也|还|亦|同时|随后|此前|近日|日前)?")


@functools.cache
def self_reference_re() -> re.Pattern[str]:
    w = cue_words()
    verbs = "|".join(sorted(w.self_speech_verbs, key=lambda x: (-len(x), x)))
    refs = "|".join(
        rf"{re.escape(r)}(?![中他它余实次])" if r == "其" else re.escape(r) for r in w.self_references
    )
    # a date may come first ("淘宝闪购则表示，7月5日其日订单量…")
    when = r"(?:(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|\d{4}年|今年|去年|上半年|下半年|一季度|二季度|三季度|四季度)?"
    return re.compile(rf"(?:{verbs})[，,：:]\s*{when}(?:{refs})")


def _join_latin(tokens: list[str]) -> list[str]:
    """Tokens without blanks, Latin words a blank joins kept as one ("Sensor Tower")."""
    if all(tok.strip() for tok in tokens):
        return tokens
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.strip():
            if out and out[-1].endswith(" "):
                out[-1] += tok
            else:
                out.append(tok)
        elif (
            out
            and out[-1][-1:].isascii()
            and out[-1][-1:].isalnum()
            and i + 1 < len(tokens)
            and tokens[i + 1][:1].isascii()
            and tokens[i + 1][:1].isalnum()
        ):
            out[-1] += " "
    return [t.strip() for t in out]


def _width(tok: str) -> int:
    """A token's length as a name's: a Latin word counts as two characters."""
    return 2 if tok.isascii() else len(tok)


def _like_name(parts: list[str]) -> bool:
    """The words before 这样的 may be one organisation's name: one of them a name (a
    word the dictionary does not know, tags as a name, or a Latin one), none a kind
    ("头部药企", "独角兽") and not a label for a group of companies ("专精特新":
    ``like_not_names``)."""
    from briefing.analysis.org_words import words
    from briefing.nlp import pos_tag

    w, nw = cue_words(), words()
    name = "".join(parts)
    if name in w.like_not_names or any(p in w.like_not_names for p in parts):
        return False
    if parts[-1] in nw.kind_nouns or parts[-1] in w.like_heads or name in nw.kind_nouns:
        return False
    from briefing.nlp import rarity

    split = any(  # "瀚+芯": two one-character words that make no word together
        _piece(a) and _piece(b) and rarity(a + b) >= UNKNOWN_RARITY for a, b in itertools.pairwise(parts)
    )
    return split or any(
        unknown_word(p) or pos_tag(p) in ("nz", "nt", "nr", "nrt") or (p.isascii() and p[:1].isupper())
        for p in parts
    )


def _publisher_marker(tok: str, markers: frozenset[str]) -> bool:
    """据, 根据, or a conjunction jieba glued to 据 ("但据")."""
    return tok in markers or (len(tok) == 2 and tok[1] in markers and tok[0] in "但而另又并且")


def _like(tokens: list[str]) -> list[Cue]:
    """ "米哈游这样的新一代研发商": the name before 这样的 is one of the kind after it."""
    from briefing.nlp import pos_tag, rarity

    w = cue_words()
    out: list[Cue] = []
    for i, tok in enumerate(tokens):
        if tok != "这样" or i + 1 >= len(tokens) or tokens[i + 1] != "的":
            continue
        head = None
        size = 0
        for j in range(i + 2, min(i + 7, len(tokens))):
            t = tokens[j]
            if _punct(t):
                break
            if t in w.like_heads and (t != "商" or j > i + 2):
                nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
                if (
                    not nxt
                    or _punct(nxt)
                    or nxt == "的"
                    or pos_tag(nxt)[:1] in ("v", "d", "p", "c", "u", "t")
                ):
                    head = t
                break
            size += len(t)
            if size > 8:
                break
        if head is None:
            continue
        parts: list[str] = []
        k = i - 1
        while k >= 0:
            t = tokens[k]
            if _punct(t) or t in w.like_openers:
                break
            tag = pos_tag(t)
            piece = _piece(t) and k > 0 and rarity(tokens[k - 1]) >= UNKNOWN_RARITY
            if tag[:1] in _STOP_TAGS and not piece and not (t.isascii() and t[:1].isupper()):
                break
            if sum(_width(p) for p in [*parts, t]) > 8:
                parts = []
                break
            parts.insert(0, t)
            k -= 1
        name = "".join(parts)
        if len(name) < 2:
            continue
        if len(parts) == 1 and pos_tag(parts[0]) in ("nr", "nrt", "ns"):
            continue  # a person or a place the dictionary knows
        if not _like_name(parts):
            continue
        out.append((name, f"这样的 {head}", "company"))
    return out


def _publisher(tokens: list[str]) -> list[Cue]:
    """ "据中国音数协游戏工委发布的《…》", "据X统计": X is a source of data."""
    from briefing.analysis.org_words import _distinctive, org_type
    from briefing.analysis.org_words import words as nwords
    from briefing.nlp import pos_tag, rarity

    w = cue_words()
    out: list[Cue] = []
    for i, tok in enumerate(tokens):
        if not _publisher_marker(tok, w.publisher_markers):
            continue
        size = 0
        for j in range(i + 1, min(i + 8, len(tokens))):
            if _punct(tokens[j]):
                break
            rest = "".join(tokens[j : j + 3])
            verb = next((v for v in w.publisher_verbs if rest.startswith(v)), None)
            if verb and j > i + 1:
                names = tokens[i + 1 : j]
                # "第三方机构Sensor Tower估算": the name after a kind noun
                kinds = [k for k, t in enumerate(names) if t in nwords().kind_nouns or t == "机构"]
                if kinds:
                    names = names[kinds[-1] + 1 :]
                while names and names[-1] in ("的", "之"):
                    names = names[:-1]  # "TrendForce的统计"
                name = "".join(names)
                if not name:
                    break
                if (
                    verb.startswith(("发布", "公布", "出具"))
                    and not rest.startswith(verb + "《")
                    and "《" not in "".join(tokens[j : j + 4])
                ):
                    break  # "据X发布的消息": a report is named by its title
                latin = re.fullmatch(r"[A-Z][A-Za-z0-9&.\-]*(?: [A-Z0-9][A-Za-z0-9&.\-]*){0,3}", name)
                if not latin and (
                    not _distinctive(name, places_count=False)
                    or (rarity(name) < UNKNOWN_RARITY and pos_tag(name) not in ("nt", "nz"))
                ):
                    break  # "据券商测算", "据媒体统计": a kind, not one
                kind = org_type(name)
                if kind == "company":
                    kind = "association" if name.endswith(w.association_endings) else "research"
                out.append((name, f"publisher {tok}…{verb}", kind))
                break
            size += 2 if tokens[j].isascii() else len(tokens[j])
            if size > 12:
                break
    return out


def _subject_cues(tokens: list[str]) -> list[Cue]:
    """An unknown word opening a clause and paying for a deal ("智冠去年以…入股") or
    doing something with a titled work of its own ("宇峻奥汀以自制的《…》")."""
    from briefing.nlp import pos_tag

    w = cue_words()
    out: list[Cue] = []
    # only the openings of clauses that hold a deal verb or a work of their own
    starts, opening = [], 0
    for k, tok in enumerate(tokens):
        speaks = tok in w.self_speech_verbs and "".join(tokens[k + 1 : k + 4]).lstrip("，,：:").startswith(
            w.self_references
        )
        if (speaks or tok in w.deal_verbs or tok in w.own_work_markers or tok in ("与", "和", "同")) and (
            not starts or starts[-1] != opening
        ):
            starts.append(opening)
        if _punct(tok):
            opening = k + 1
    for i in starts:
        end = _name_at(tokens, i)
        if end == i:
            continue
        name = "".join(tokens[i:end])
        if len(name) < 2 or person_like(name) or kind_like(name):
            continue
        if end == i + 1 and pos_tag(tokens[i]) in ("nr", "nrt", "nrfg", "ns"):
            continue  # a person or a place the dictionary knows (巴菲特)
        if end < len(tokens) and tokens[end] in w.industry_tails:
            name += tokens[end]  # "昀澜影业以…"
            end += 1
        j = end
        # a time and adverbs between ("去年", "2023年", "也", "已")
        while j < len(tokens) and (
            pos_tag(tokens[j])[:1] in ("t", "d") or re.fullmatch(r"\d{4}", tokens[j]) or tokens[j] == "年"
        ):
            j += 1
        if j >= len(tokens):
            continue
        if tokens[j] in w.deal_verbs:
            out.append((name, f"subject of {tokens[j]}", "company"))
            continue
        if tokens[j] in w.self_speech_verbs:
            after = "".join(tokens[j + 1 : j + 4]).lstrip("，,：:")
            if after.startswith(w.self_references) and j + 1 < len(tokens) and tokens[j + 1] in "，,：:":
                # "中联重科则表示，公司海外收入占比…": a speaker that calls itself the company
                # (jieba may join the adverb to a name it does not know: 重科+则)
                if len(name) > 3 and name[-1] in "则也还亦":
                    name = name[:-1]
                out.append((name, f"{tokens[j]}，{after[:2]}…", "company"))
            continue
        if tokens[j] in ("与", "和", "同"):
            if partner := _partner(tokens, j + 1):
                out.append((name, f"partner of {partner}", "company"))
            continue
        if tokens[j] != "以":
            continue
        k = j + 1
        if k < len(tokens) and tokens[k] in w.own_work_markers:
            after = "".join(tokens[k + 1 : k + 3])
            if after.startswith(("《", "的《")):
                out.append((name, f"以{tokens[k]}的《》", "company"))
            continue
        while k < len(tokens) and not _punct(tokens[k]) and k - j <= 12:
            if tokens[k] in w.deal_verbs:
                if any(re.search(r"\d", t) for t in tokens[j + 1 : k]):
                    out.append((name, f"subject of 以…{tokens[k]}", "company"))
                break
            k += 1
    return out


def _partner(tokens: list[str], start: int) -> str | None:
    """The known organisation a clause partners with from ``tokens[start]`` ("与阿斯利康
    达成合作": 阿斯利康), when a partner verb follows it in the clause; else None."""
    from briefing.gazetteer import gazetteer

    w = cue_words()
    end = start
    while end < len(tokens) and not _punct(tokens[end]) and end - start <= 12:
        end += 1
    clause = "".join(tokens[start:end])
    verb = next((clause.find(v) for v in w.partner_verbs if v in clause), -1)
    if verb <= 0:
        return None
    found = [m for m in gazetteer().find(clause[:verb]) if m.start == 0]
    return found[0].name if found else None


def _goes_on(rest: str) -> bool:
    """What follows a name makes it part of a longer noun ("恒生指数", "X板块", "X股")."""
    from briefing.analysis.org_words import words

    w = words()
    return rest.startswith(w.not_name_endings + w.suffix_continuations + w.market_words + w.modifier_heads)


def tail_names(text: str, clause_heads: list[str]) -> dict[str, tuple[str, str]]:
    """A document's names written with an industry word ("智冠科技") whose stem it
    also writes alone opening a clause ("智冠去年…"): ``{stem: (full name, evidence)}``.

    ``clause_heads`` are the openings of the document's clauses (a few characters
    each, Simplified). Two passes over them, whatever the document's length."""
    from briefing.nlp import zh_cut

    tails = _tails_re()
    candidates: dict[str, str] = {}  # stem → tail
    tried: set[str] = set()
    for head in clause_heads:
        m = tails.search(head, 2, 6 + 3)
        if m is None or m.start() > 6:
            continue
        stem, tail = head[: m.start()], m.group()
        if stem in tried:
            continue
        tried.add(stem)
        if person_like(stem) or kind_like(stem) or _goes_on(head[m.end() :]):
            continue  # "恒生科技指数": the name of an index, not of a company
        pieces = [t for t in zh_cut(stem) if t.strip()]
        if "".join(pieces) == stem and unknown_name(pieces):
            candidates[stem] = tail
    if not candidates:
        return {}
    alone: dict[str, int] = {}
    for head in clause_heads:
        for size in range(2, min(6, len(head)) + 1):
            stem = head[:size]
            tail = candidates.get(stem)
            if tail and not head.startswith(stem + tail) and not _goes_on(head[size:]):
                alone[stem] = alone.get(stem, 0) + 1
    return {
        stem: (stem + tail, f"{tail} after {stem}, {stem} alone as a subject")
        for stem, tail in candidates.items()
        if alone.get(stem)
    }


@functools.cache
def _tails_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in cue_words().industry_tails) or "(?!)")


# --------------------------------------------------------------- English

_EN_NAME = r"[A-Z][A-Za-z0-9&'\-]*"
_EN_BRAND = r"(?:(?:[A-Z]\.){2,}(?=\s+[A-Z])|(?:[A-Z]|[a-z]{1,2}(?=[0-9A-Z]))[A-Za-z0-9&'\-]*)"
"""A name's first word: capitalised, initials before a capitalised word ("U.S. Steel"),
or a brand's lowercase start before a digit or a capital ("a2 Milk", "eBay", "iQiyi"),
which no person's first name has."""
_EN_CUE_NAME = rf"{_EN_BRAND}(?:\s+{_EN_NAME}){{0,2}}"
_CLAUSE_START = r"(?:^|(?<=[.;:!?]\s)|(?<=,\s)|(?<=\band\s)|(?<=\bbut\s)|(?<=\bwhile\s))"


@functools.cache
def _kind_en_re() -> re.Pattern[str]:
    kinds = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k, _ in cue_words().kind_nouns_en) or "(?!)"
    return re.compile(rf"\b(?i:({kinds}))\s+({_EN_NAME}(?:\s+{_EN_NAME}){{0,2}})")


@functools.cache
def _said_its_re() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in cue_words().said_its_verbs) or "(?!)"
    said_it = "(?:" + ("|".join(re.escape(v) for v in cue_words().said_it_verbs_en) or "(?!)") + r")\b"
    return re.compile(
        rf"{_CLAUSE_START}({_EN_CUE_NAME})(?:,\s+(?:the|owned by|a unit of|a subsidiary of|part of)\s+[^,.;]{{3,80}}?,)?"
        rf"\s+(?:{verbs})\s+"
        rf"(?:(?:on\s+\w+|that)\s+)?(?:its\b|it\s+(?={said_it})\b)"
    )


@functools.cache
def _apposition_re() -> re.Pattern[str]:
    return re.compile(rf"{_CLAUSE_START}({_EN_CUE_NAME}),\s+the\s+((?:[\w'\-]+\s+){{0,5}}[\w'\-]+),")


@functools.cache
def _share_subject_re() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in cue_words().share_verbs_en) or "(?!)"
    return re.compile(
        rf"{_CLAUSE_START}({_EN_CUE_NAME}(?:(?:,\s+|,?\s+and\s+){_EN_CUE_NAME}){{0,3}})"
        rf"(?:\s+(?:have|has|had|also|both|all|each|steadily|further))*\s+(?:{verbs})\s+"
        rf"(?:(?:market|their|its)\s+)?share\b"
    )


@functools.cache
def _source_re() -> re.Pattern[str]:
    markers = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in cue_words().source_markers_en) or "(?!)"
    return re.compile(rf"\b(?i:{markers})\s+(?:the\s+)?({_EN_CUE_NAME})(?:'s)?(?=[\s,.;:)]|$)")


def _words_re(words: tuple[str, ...]) -> str:
    return "(?:" + ("|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) or "(?!)") + ")"


@functools.cache
def _results_re() -> re.Pattern[str]:
    w = cue_words()
    return re.compile(
        rf"{_CLAUSE_START}({_EN_CUE_NAME})\s+(?i:{_words_re(w.results_verbs_en)})\s+(?:an?\s+)?"
        rf"(?:[\w\-]+\s+){{0,3}}?(?i:{_words_re(w.results_nouns_en)})\b"
    )


@functools.cache
def _share_move_re() -> re.Pattern[str]:
    return re.compile(
        rf"{_CLAUSE_START}({_EN_CUE_NAME})(?:'s)?\s+shares\s+(?:{_words_re(cue_words().share_moves_en)})\b"
    )


@functools.cache
def _deal_target_re() -> re.Pattern[str]:
    return re.compile(rf"\b(?i:{_words_re(cue_words().deal_nouns_en)})\s+({_EN_CUE_NAME})(?=[\s,.;:)]|$)")


def _not_a_name_en(name: str, extra_tails: frozenset[str] = frozenset(), person: bool = True) -> bool:
    """A phrase an English cue caught that is no organisation's name: a place, an
    everyday word opening a sentence, a lone family name the gazetteer does not list,
    two names that may be a person's ("Li Wei"), a description ("Beijing-based")."""
    from briefing.analysis.org_words import words

    w = cue_words()
    nw = words()
    parts = name.split()
    if any(p in nw.en_not_names or p in nw.en_places or p in w.said_its_not_names for p in parts[:1]):
        return True
    if parts[0] in w.cue_not_names_en or parts[0].lower() in nw.clause_openers_en:
        return True
    if re.search(r"-[a-z]", name):
        return True  # "Beijing-based", "state-owned": a description
    if gazetteer().canonical(name):
        return False
    brand = not parts[0][:1].isupper() or any(c.isdigit() for c in parts[0]) or parts[0].isupper()
    tails = nw.en_tails | extra_tails | w.industry_tails_en
    if (
        person
        and len(parts) > 1
        and not brand
        and not all(p in tails or p.rstrip(".,") in nw.en_legal for p in parts[1:])
    ):
        return True  # "Tim Cook", "Li Wei": two names may be a person's
    return len(parts) == 1 and name in w.said_its_surnames


def it_acts(after: str) -> bool:
    """What follows "X said (on Monday) it" announces an act of X's own: one of
    ``said_it_verbs_en`` and, within six words, an English action verb ("would pause",
    "remained committed to its acquisition")."""
    from briefing.analysis.org_words import en_action

    words = re.findall(r"[a-z]+", after.lower())[:8]
    if not words or words[0] not in cue_words().said_it_verbs_en:
        return False
    return any(w == "committed" or en_action(w) for w in words[1:7])


def cues_en(text: str) -> list[Cue]:
    """Names an English sentence marks: "market researcher Newzoo", "Nintendo said its",
    "Feihe, the market leader,", "Danone and Nestle have both lost share", "according
    to Euromonitor"."""
    w = cue_words()
    out: list[Cue] = []
    kinds = dict(w.kind_nouns_en)
    for m in _kind_en_re().finditer(text):
        kind = kinds.get(re.sub(r"\s+", " ", m.group(1).lower()), "company")
        out.append((m.group(2), f"kind noun {m.group(1).lower()}", kind))
    for m in _said_its_re().finditer(text):
        name = m.group(1)
        parts = name.split()
        if _not_a_name_en(name):
            continue
        if len(parts) == 1 and name in w.said_its_surnames and not gazetteer().canonical(name):
            continue  # "Smith said its…": a person speaking of the company, not a company Smith
        before = text[: m.start()].split()
        if before and before[-1].strip(",").lower() in w.said_its_not_after:
            continue
        after_its = re.match(r"\s*(\w+)", text[m.end() :])
        if after_its and after_its.group(1).lower() in w.said_its_not_before:
            continue  # "Bloomberg said its survey showed…": a source, its research
        if not m.group().rstrip().endswith("its") and not it_acts(text[m.end() :]):
            continue  # "Trump said it would be a disaster": no act of its own
        verb = text[m.end(1) : m.end()].rsplit(",", maxsplit=1)[-1].split(maxsplit=1)[0]
        out.append((name, f"{verb} its", "company"))
    for m in _apposition_re().finditer(text):
        name, role = m.group(1), m.group(2).lower()
        words_in = set(re.findall(r"[a-z0-9\-]+", role.replace("'s", "")))
        if words_in & w.apposition_not_words_en or _not_a_name_en(name, person=False):
            continue
        head = next((h for h in w.apposition_heads_en if role == h or role.endswith(" " + h)), None)
        if head:
            out.append((name, f"apposition the {head}", "company"))
    for m in _share_subject_re().finditer(text):
        for name in re.split(r",\s+|,?\s+and\s+", m.group(1)):
            if name and not _not_a_name_en(name):
                out.append((name, "share subject", "company"))
    for pattern, evidence in (
        (_results_re(), "reported results"),
        (_share_move_re(), "shares moved"),
        (_deal_target_re(), "deal target"),
    ):
        for m in pattern.finditer(text):
            name = m.group(1)
            if name in w.industry_tails_en:
                continue  # "Property shares fell", "Steel shares fell": a sector
            if evidence == "deal target" and not re.search(r"\d", text[max(0, m.start() - 50) : m.start()]):
                continue  # "a bid for Olympic Gold": a deal has its amount before it
            if not _not_a_name_en(name, person=evidence != "deal target"):
                out.append((name, evidence, "company"))
    for m in _source_re().finditer(text):
        name = m.group(1)
        if not _not_a_name_en(name, w.source_tails_en):
            out.append((name, "according to", "research"))
    return out


def person_name_re(name: str) -> re.Pattern[str]:
    """Where a document writes ``name`` as a person's: after a first name that does not
    open its sentence ("said John Smith"), after a title ("Mr Smith"), or before
    "he"/"she" ("Smith said he…"). Words of ``en_not_names``, places and clause
    openers do not count as first names ("In 2023 Smith…" is no first name)."""
    from briefing.analysis.org_words import words

    nw = words()
    skip = {w.lower() for w in nw.en_not_names | nw.en_places | nw.clause_openers_en}
    skip |= {"at", "in", "on", "for", "by", "with", "from", "to", "of", "as", "said", "says"}
    escaped = re.escape(name)
    first = (
        r"(?<![.!?]\s)(?<!^)\b(?!(?i:" + "|".join(re.escape(w) for w in sorted(skip)) + r")\b)[A-Z][a-z]+\s+"
    )
    return re.compile(
        rf"{first}{escaped}\b|\b(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+{escaped}\b|\b{escaped}\s+(?:\w+\s+){{0,2}}?(?:he|she)\b",
        re.MULTILINE,
    )
