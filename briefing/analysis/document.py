"""Per-document analysis: a pure function of one document's text.

Sentences with their tokens, organisation mentions (gazetteer plus discovery)
and figures with the organisation they belong to. Nothing here looks at other
documents, so the result can be cached by the document's content hash.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from briefing.gazetteer import gazetteer
from briefing.model import Document, Serializable
from briefing.nlp import en_tokens, glossary, is_term, is_theme_term, rarity, split_sentences, zh_cut
from briefing.resources import data_lines, data_yaml
from briefing.script import is_han


@dataclass
class Sentence(Serializable):
    """A sentence of a document and the tokens analysis counts in it."""

    paragraph: int
    """Paragraph index."""
    start: int
    """Offset of the sentence in the document's text."""
    end: int
    """Offset one past its end."""
    tokens: list[str]
    """Terms in order (Simplified Chinese, glossary-mapped English, lower-case
    English words, canonical organisation names); function words removed."""
    garbled: bool = False
    """Holds mojibake: never quoted."""
    heading: bool = False
    """Is (the start of) a heading or an author's numbered point."""
    gap: bool = False
    """Holds a placeholder the author left to fill in (「XX」, 【待补充】): never quoted."""
    meta: bool = False
    """A document's framing line ("研究范围：…", "Method: …"), not a finding: never quoted."""

    @property
    def quotable(self) -> bool:
        """May be quoted to a reader: not garbled, no placeholder, not framing."""
        return not (self.garbled or self.gap or self.meta)


@dataclass
class Mention(Serializable):
    """An organisation named in a sentence."""

    name: str
    """Canonical name."""
    surface: str
    """The name as written (original script)."""
    sentence: int
    """Index of the sentence in ``DocAnalysis.sentences``."""
    start: int
    """Offset in the document's text."""
    type: str = ""
    """Organisation type for discovered names (gazetteer names leave it empty)."""


@dataclass
class FigureCandidate(Serializable):
    """A number with a measure, attributed to an organisation in the same document."""

    org: str
    value: float
    unit: str
    measure: str
    raw: str
    sentence: int
    start: int
    year: int | None = None
    relative_year: int | None = None
    """-1 for 去年 (last year) etc., resolved with the document's date later."""
    source: str | None = None


@dataclass
class DocAnalysis(Serializable):
    """Everything later stages need from one document."""

    path: str
    sha256: str
    language: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    figures: list[FigureCandidate] = field(default_factory=list)
    theme_terms: dict[str, float] = field(default_factory=dict)
    """Terms of this document fit to name a theme, with their general-language
    rarity (log of jieba's total frequency over the word's), so that the
    aggregate steps never need jieba."""


# ------------------------------------------------------------------ discovery

_TITLE_RE = re.compile(
    r"(?:董事长|董事会主席|首席[\u4e00-\u9fff]{1,4}官|CEO|CTO|COO|CFO|创始人|联合创始人|总裁|副总裁|总经理|副总经理"
    r"|理事长|副理事长|秘书长)"
)
_SUFFIX_TYPES = (
    (("协会", "联盟", "学会", "商会", "联合会", "基金会"), "association"),
    (("委员会", "人民政府", "管理局", "监督管理局", "国会", "议会", "法院", "政府"), "government"),
    (("研究院", "研究所", "研究中心", "智库", "实验室", "咨询"), "research"),
    (("资本", "创投", "基金"), "investor"),
    (("大学", "学院"), "university"),
    (("日报", "晚报", "时报", "杂志", "电视台"), "media"),
    (("公司", "集团", "控股", "银行", "证券", "股份"), "company"),
)
# Discovery only trusts these suffixes; weaker ones (网, 部, 局, 科技) name too
# many things that are not organisations (互联网, 内部, 格局, 新科技).
_SUFFIXES = sorted((s for group, _ in _SUFFIX_TYPES for s in group), key=len, reverse=True)
_SUFFIX_TUPLE = tuple(_SUFFIXES)
_STRIP_SUFFIXES = ("集团", "公司", "控股", "股份有限公司", "有限公司")
_PUNCT_RE = re.compile(r"[\s，。、；：？！“”‘’「」『』（）()《》,.;:!?\"'—\-…·]")


def org_type(name: str) -> str:
    """The type an organisation's name suggests by its suffix."""
    for suffixes, kind in _SUFFIX_TYPES:
        if name.endswith(suffixes):
            return kind
    return "company"


def _candidate_before(tokens: list[str], index: int, max_chars: int = 8) -> str:
    """Noun-like tokens directly before ``tokens[index]``, joined, up to a boundary."""
    from briefing.nlp import pos_tag, stopwords

    parts: list[str] = []
    i = index - 1
    while i >= 0:
        tok = tokens[i]
        if _PUNCT_RE.fullmatch(tok) or tok in stopwords() or tok in ("兼", "及", "和", "与"):
            break
        if pos_tag(tok)[:1] in ("v", "d", "p", "c", "u", "r", "m", "q", "f", "t", "a"):
            break
        if sum(len(p) for p in parts) + len(tok) > max_chars:
            break
        parts.insert(0, tok)
        i -= 1
    return "".join(parts)


def _clean_candidate(name: str) -> str | None:
    gaz = gazetteer()
    name = name.strip()
    for suffix in _STRIP_SUFFIXES:
        if name.endswith(suffix) and gaz.canonical(name[: -len(suffix)]):
            return gaz.canonical(name[: -len(suffix)])
    if gaz.canonical(name):
        return gaz.canonical(name)
    if len(name) < 2 or len(name) > 10 or name in gaz.generic:
        return None
    from briefing.nlp import generic_words, is_theme_term

    stem = name
    for suffix in ("科技公司", "公司", "集团", "科技", "市场", "行业", "企业", "机构", "部门"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem != name and (stem in generic_words() or is_theme_term(stem) or len(stem) < 2):
        return None  # "生物科技公司", "互联网公司", "美国市场": a kind of organisation, not one
    if name.endswith(
        ("市场", "行业", "领域", "产业", "特区", "开发区", "新区", "自贸区", "省", "市", "县", "镇", "村")
    ):
        return None  # a market or a place, not an organisation
    if any(name.endswith(g) for g in generic_words() if len(g) >= 2) or name.endswith(
        ("发展", "进展", "布局")
    ):
        return None  # "长足发展", "新进展": jieba's dictionary tags a few such phrases as organisations
    if not any(is_han(c) for c in name) and not re.fullmatch(r"[A-Z][A-Za-z0-9&.\- ]{1,20}", name):
        return None
    if name[0] in "的在和与是了及等对为把被从向以由该其这那各每某本此另" or name.startswith(
        ("中国的", "一家", "一个")
    ):
        return None
    if any(g in name for g in ("专家", "人士", "记者", "领导", "老板", "团队")):
        return None
    return name


def discover(tokens: list[str]) -> list[tuple[str, str]]:
    """Organisations named in a sentence that the gazetteer may not list:
    ``(name, type)`` from organisation suffixes (高瓴资本, 某某协会) and from
    job titles (云知声董事长, 美团CEO)."""
    from briefing.nlp import pos_tag

    found: list[tuple[str, str]] = []
    for i, tok in enumerate(tokens):
        if len(tok) >= 2 and pos_tag(tok) == "nt" and (name := _clean_candidate(tok)):
            # jieba's dictionary tags organisation names it knows (美敦力, 中国银行).
            found.append((name, org_type(name)))
        elif _TITLE_RE.fullmatch(tok):
            cand = _candidate_before(tokens, i, max_chars=6)
            for unit in ("事业部", "事业群", "部门", "团队"):
                if unit in cand:
                    cand = ""
            if cand and (name := _clean_candidate(cand)):
                found.append((name, org_type(name)))
        elif tok.endswith(_SUFFIX_TUPLE) and tok not in _SUFFIXES:
            cand = _candidate_before(tokens, i, max_chars=8) + tok
            for suffix in _SUFFIXES:
                if cand.endswith(suffix) and len(cand) - len(suffix) >= 2:
                    if name := _clean_candidate(cand):
                        found.append((name, org_type(name)))
                    break
        elif tok in _SUFFIXES:
            cand = _candidate_before(tokens, i, max_chars=6)
            if len(cand) >= 2 and (name := _clean_candidate(cand + tok)):
                found.append((name, org_type(name)))
    return found


# ------------------------------------------------------------------- figures

_NUM_RE = re.compile(
    r"(?P<q>超过|超|突破|达到|达|近|约|逾|高达|接近|不到|不足|over|more than|about|nearly)?\s*"
    r"(?P<cur>[$¥￥])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<mult>个亿|万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|billion|million|bn|m\b)?\s*"
    r"(?P<unit>%|％|美元|欧元|日元|港元|英镑|人民币|元|家|个|人|户|倍|台|辆|件|笔|单|项|款|座|GWh)?",
    re.IGNORECASE,
)
_MULT = {
    "个亿": 1e8, "亿": 1e8, "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "千万": 1e7,
    "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3, "billion": 1e9, "bn": 1e9, "million": 1e6, "m": 1e6,
}  # fmt: skip
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?!\d)|\bin ((?:19|20)\d{2})\b")
_RELATIVE_YEAR = {"去年": -1, "前年": -2, "今年": 0, "上一年": -1, "last year": -1, "this year": 0}


@functools.cache
def _measures() -> list[tuple[str, str, str]]:
    raw = data_yaml("measures.yaml") or {}
    return sorted(((str(k), str(v[0]), str(v[1])) for k, v in raw.items()), key=lambda t: -len(t[0]))


def _measure_near(text: str, start: int, end: int) -> tuple[str, str] | None:
    """The measure cue nearest a number within its clause."""
    left, right = _clause(text, start, end)
    best = None
    for cue, measure, unit in _measures():
        for m in re.finditer(re.escape(cue), text[left:right], re.IGNORECASE):
            pos = left + m.start()
            dist = start - (pos + len(cue)) if pos < start else pos - end
            if dist < 0 and not (start <= pos < end):
                dist = 0
            if best is None or abs(dist) < best[0]:
                best = (abs(dist), measure, unit)
    return (best[1], best[2]) if best else None


_SHARE_OF_RE = re.compile(
    r"(?<!市)占(?![比率有据])(?:其|公司)?(?P<base>[\u4e00-\u9fff]{1,6}?)(?:的)?(?:比重|比例)?(?:约|达到|达|为|超过)?\s*$"
)


@functools.cache
def _target_cues() -> tuple[str, ...]:
    return tuple(line.lower() for line in data_lines("figure_targets.txt"))


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in "，,；;。") + 1
    rights = [i for i in (text.find(c, end) for c in "，,；;。") if i != -1]
    return left, min(rights) if rights else len(text)


def figures_in(text: str) -> list[tuple[int, int, float, str, str, str]]:
    """``(start, end, value, unit, measure, raw)`` for each measured number in a sentence.

    A number the clause calls a goal or forecast ("目标是在2025年拿下5%的市占率")
    gets the measure "市场份额目标", never the bare measure; "占营收的26.9%" after
    "研发投入61.5亿元" is "研发投入占营收比例".
    """
    out: list[tuple[int, int, float, str, str, str]] = []
    for m in _NUM_RE.finditer(text):
        num = m.group("num")
        after = text[m.end() : m.end() + 1]
        before = text[max(m.start("num") - 1, 0) : m.start("num")]
        mult, unit = m.group("mult"), m.group("unit")
        if (after in "年月日号期届" and after) or (before in "第前" and before):
            continue
        if not (mult or unit or m.group("cur")):
            continue
        if re.match(r"(?:19|20)\d{2}$", num) and not (unit or mult):
            continue
        found = _measure_near(text, m.start(), m.end())
        if not found:
            continue
        measure, default_unit = found
        # 8.8 × 1e8 is 880000000.0000001 in binary floating point
        value = float(f"{float(num.replace(',', '')) * _MULT.get((mult or '').lower(), 1.0):.12g}")
        if unit in ("％", "%"):
            unit = "%"
        elif unit in ("元", "人民币"):
            unit = "元"
        elif m.group("cur") == "$" or unit == "美元":
            unit = "美元"
        elif unit in ("欧元", "日元", "港元", "英镑"):
            pass
        elif not unit:
            unit = default_unit if (mult or default_unit != "%") else ""
        left, right = _clause(text, m.start(), m.end())
        share_of = _SHARE_OF_RE.search(text[left : m.start()]) if unit == "%" else None
        if share_of:
            previous = out[-1][4] if out and out[-1][1] >= left - 1 else ""
            measure = f"{previous}占{share_of.group('base')}比例"
        elif unit == "%" and default_unit != "%" and measure not in ("增长率", "增长", "同比增长"):
            measure = {"亏损": "亏损率"}.get(measure, f"{measure}占比")
        if any(cue in text[left:right].lower() for cue in _target_cues()):
            measure += "目标"
        raw = (m.group("q") or "") + m.group().strip()[len(m.group("q") or "") :].strip()
        out.append((m.start(), m.end(), value, unit, measure, raw.strip()))
    return out


_COREF_RE = re.compile(r"^(?:该公司|该企业|这家公司|公司|其|他们|它)")
_INVEST_AFTER_RE = re.compile(r"^\s*(?:投资|入股|战略投资|领投)\S{0,2}?的")


@functools.cache
def _research_types() -> frozenset[str]:
    return frozenset(o.name for o in gazetteer().orgs.values() if o.type == "research")


# ------------------------------------------------------------------- analyse


@functools.cache
def _domain() -> frozenset[str]:
    from briefing.nlp import domain_words

    return frozenset(domain_words())


@functools.cache
def _actions() -> frozenset[str]:
    return frozenset(w for line in data_lines("actions.txt") for w in line.split())


@functools.cache
def _meta_labels() -> frozenset[str]:
    return frozenset(line.lower() for line in data_lines("meta_labels.txt"))


_LABEL_RE = re.compile(r"^\s*(?:[#>*\-]\s*)*\**([^：:，,。\n]{1,24}?)\**\s*[：:]")


def is_meta_line(sentence: str) -> bool:
    """The sentence opens with a framing label such as "研究范围：" or "Methodology:"."""
    m = _LABEL_RE.match(sentence)
    return bool(m) and m.group(1).strip().lower() in _meta_labels()


def analyse_document(doc: Document) -> DocAnalysis:
    """Sentences, tokens, organisation mentions and figures of one document."""
    gaz = gazetteer()
    text = doc.text
    simplified = doc.analysis_text
    garbled = [(g.start, g.end) for g in doc.garbled]
    heading_paras = {h.paragraph for h in doc.headings}
    gaps: dict[int, list[str]] = {}
    for g in doc.data_gaps:
        gaps.setdefault(g.paragraph, []).append(g.text)
    result = DocAnalysis(path=doc.path, sha256=doc.sha256, language=doc.language)
    known_orgs = set(gaz.alias_to_name) | set(gaz.orgs)
    offset = 0
    last_org: str | None = None
    for p_index, para in enumerate(text.split("\n\n")):
        para_simplified = simplified[offset : offset + len(para)]
        for s_start, s_end in split_sentences(para_simplified):
            start, end = offset + s_start, offset + s_end
            sent_simpl = simplified[start:end]
            sent_index = len(result.sentences)
            cut = zh_cut(sent_simpl) if doc.language != "en" else []
            tokens = en_tokens(sent_simpl) if doc.language == "en" else _tokens_from_cut(cut)
            found: list[tuple[int, str, str, str]] = []
            for m in gaz.find(sent_simpl):
                found.append((start + m.start, m.name, text[start + m.start : start + m.end], ""))
            if cut:
                known = {f[1] for f in found}
                pos = 0
                for name, kind in discover(cut):
                    if name in known:
                        continue
                    at = sent_simpl.find(name, pos)
                    if at == -1:
                        at = max(sent_simpl.find(name[:2]), 0)
                    found.append((start + at, name, text[start + at : start + at + len(name)], kind))
                    known.add(name)
            found.sort()
            for at, name, surface, kind in found:
                known_orgs.add(name)
                result.mentions.append(
                    Mention(name=name, surface=surface, sentence=sent_index, start=at, type=kind)
                )
                if name not in tokens:
                    tokens.append(name)
            result.sentences.append(
                Sentence(
                    paragraph=p_index,
                    start=start,
                    end=end,
                    tokens=tokens,
                    garbled=any(gs < end and ge > start for gs, ge in garbled),
                    heading=p_index in heading_paras and s_start == 0,
                    gap=any(g in text[start:end] for g in gaps.get(p_index, ())),
                    meta=s_start == 0 and is_meta_line(sent_simpl),
                )
            )
            orgs_here = [
                (at - start, name)
                for at, name, _, kind in found
                if kind not in ("government", "association", "media", "research")
                and (gaz.orgs.get(name) is None or gaz.orgs[name].type in ("company", "investor"))
            ]
            research_here = [name for _, name, _, _ in found if name in _research_types()]
            for f_start, f_end, value, unit, measure, raw in figures_in(sent_simpl):
                org = None
                after = sent_simpl[f_end:]
                investor = None
                if measure == "投资" and (inv := _INVEST_AFTER_RE.match(after)):
                    nxt = [n for at, n in orgs_here if at >= f_end + inv.end() - 1]
                    if nxt:
                        # "阿里45亿投资的汇通达": the investee received it, the investor made it.
                        investor = ([n for at, n in orgs_here if at < f_start] or [None])[-1]
                        org, measure = nxt[0], "获投资"
                if org is None:
                    before = [n for at, n in orgs_here if at < f_start]
                    clause_start = max(sent_simpl.rfind(c, 0, f_start) for c in "；;") + 1
                    in_clause = [n for at, n in orgs_here if clause_start <= at < f_start]
                    org = (in_clause or before or [None])[-1]
                if org is None and (_COREF_RE.match(sent_simpl) or not found):
                    org = last_org
                if org is None:
                    continue
                year = None
                relative = None
                years = [m for m in _YEAR_RE.finditer(sent_simpl) if m.start() < f_start]
                just_before = sent_simpl[max(f_start - 8, 0) : f_start]
                previous_year = any(w in just_before for w in ("上一年", "上年", "前一年", "去年同期"))
                if years:
                    year = int(years[-1].group(1) or years[-1].group(2)) - (1 if previous_year else 0)
                elif previous_year:
                    relative = -1
                else:
                    for word, delta in _RELATIVE_YEAR.items():
                        if word in sent_simpl.lower():
                            relative = delta
                            break
                for owner, what in ((org, measure), (investor, "对外投资")):
                    if owner is None:
                        continue
                    result.figures.append(
                        FigureCandidate(
                            org=owner,
                            value=value,
                            unit=unit,
                            measure=what,
                            raw=raw,
                            sentence=sent_index,
                            start=start + f_start,
                            year=year,
                            relative_year=relative,
                            source=research_here[0] if research_here else None,
                        )
                    )
            if orgs_here:
                last_org = orgs_here[-1][1]
            for tok in tokens:
                if tok not in result.theme_terms and tok not in known_orgs and is_theme_term(tok):
                    result.theme_terms[tok] = rarity(tok)
        offset += len(para) + 2
        if p_index in heading_paras:
            last_org = None
    return result


def _tokens_from_cut(cut: list[str]) -> list[str]:
    gaz = gazetteer()
    gloss = glossary()
    out = []
    for tok in cut:
        tok = tok.strip()
        if not tok:
            continue
        if name := gaz.canonical(tok):
            out.append(name)
        elif tok.isascii() and tok.lower() in gloss:
            out.append(gloss[tok.lower()])
        elif is_term(tok):
            out.append(tok if not tok.isascii() or tok in _domain() else tok.lower())
    return out


def is_move(tokens: list[str], text: str) -> bool:
    """A sentence that says what an organisation did."""
    actions = _actions()
    return any(t in actions for t in tokens) or any(a in text for a in actions if not a.isascii())


def warm_up() -> None:
    """Load jieba, the dictionaries and every data file the analysis reads, so
    that worker processes forked afterwards share them instead of loading their own."""
    from briefing.nlp import domain_words, generic_words, stopwords, zh_cut
    from briefing.script import to_simplified

    gazetteer()
    zh_cut("预热")
    to_simplified("預熱")
    stopwords()
    generic_words()
    domain_words()
    en_tokens("warm up")
    _measures()
    _target_cues()
    _meta_labels()
    _actions()
    _domain()
    _research_types()
