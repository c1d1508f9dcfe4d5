"""Company cases: who did what, with which figures, under which business model."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from briefing.analysis.document import DocAnalysis, Mention, Sentence, _heading_like, full_sentence
from briefing.analysis.figures import GROWTH_WORDING_RE, MARKET, is_price, year_before
from briefing.analysis.names import known_form, merge_key, org_type, strip_legal, unit_of
from briefing.analysis.org_words import words as org_words
from briefing.analysis.roles import ACTS, deal_cues, deal_made, deal_move
from briefing.excerpts import stands_alone
from briefing.gazetteer import Gazetteer, gazetteer
from briefing.model import Company, Document, Figure, Mode, Question, Quote
from briefing.resources import data_yaml

BOTH = "两者皆是"
MODE_HEADING_RE = re.compile(r"模式|模型|路径|打法|类型|models?|approaches|strateg", re.IGNORECASE)


@dataclass
class _Ref:
    doc: int
    sentence: int


def _quote(docs: list[Document], analyses: list[DocAnalysis], ref: _Ref) -> Quote:
    s = analyses[ref.doc].sentences[ref.sentence]
    return Quote(
        text=docs[ref.doc].text[s.start : s.end].strip(),
        document=docs[ref.doc].path,
        paragraph=s.paragraph,
    )


# --------------------------------------------------------------------- modes


@functools.cache
def _default_modes() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    raw = data_yaml("modes.yaml") or {}
    return tuple(
        (str(m["name"]), str(m.get("description", "")), tuple(str(t) for t in m.get("terms", [])))
        for m in raw.get("modes", [])
    )


@dataclass
class ModeSection:
    """Where a memo defines a mode: its paragraphs (definition and examples)."""

    mode: str
    doc: int
    paragraphs: range


def find_modes(docs: list[Document], analyses: list[DocAnalysis]) -> tuple[list[Mode], list[ModeSection]]:
    """The memo's business models (a heading on models with one sub-heading per
    model), else the defaults from ``modes.yaml`` when some document names one of
    them, else none; cue terms are merged by name."""
    from briefing.analysis.themes import _terms

    vocabulary = {t for a in analyses for t in a.theme_terms}
    defaults = {name: (desc, list(terms)) for name, desc, terms in _default_modes()}
    for d_index, doc in enumerate(docs):
        if doc.kind != "memo":
            continue
        heads = doc.headings
        paragraphs = doc.paragraphs()
        for i, h in enumerate(heads):
            if h.number is not None or not MODE_HEADING_RE.search(h.text):
                continue
            children = []
            for j in range(i + 1, len(heads)):
                if heads[j].level <= h.level:
                    break
                if heads[j].level == h.level + 1 and heads[j].number is None:
                    children.append(j)
            if not 2 <= len(children) <= 4 or any(len(heads[j].text) > 12 for j in children):
                continue
            modes, sections = [], []
            for k, j in enumerate(children):
                child = heads[j]
                end = (
                    heads[children[k + 1]].paragraph
                    if k + 1 < len(children)
                    else _section_end(heads, j, len(paragraphs))
                )
                body = [p for p in range(child.paragraph + 1, end)]
                description = paragraphs[body[0]] if body else ""
                name = child.text.strip()
                base_desc, base_terms = defaults.get(name, ("", []))
                terms = list(
                    dict.fromkeys([*_terms(name, vocabulary), *_terms(description, vocabulary), *base_terms])
                )
                modes.append(Mode(name=name, description=description or base_desc, terms=terms))
                sections.append(ModeSection(mode=name, doc=d_index, paragraphs=range(child.paragraph, end)))
            return modes, sections
    # The built-in models belong to the corpus only when some document names one of them:
    # a corpus on another subject is not forced into them.
    if any(name in doc.analysis_text for doc in docs for name in defaults):
        return [Mode(name=n, description=d, terms=t) for n, (d, t) in defaults.items()], []
    return [], []


def _section_end(heads: list, index: int, n_paragraphs: int) -> int:
    level = heads[index].level
    for h in heads[index + 1 :]:
        if h.level <= level and h.number is None:
            return h.paragraph
    return n_paragraphs


def mode_scores(tokens: list[str], text: str, modes: list[Mode]) -> dict[str, float]:
    """How strongly a sentence speaks of each mode (cue terms found)."""
    scores = {}
    present = set(tokens)
    for mode in modes:
        hits = {t for t in mode.terms if t in present or (len(t) >= 2 and t in text)}
        scores[mode.name] = float(len(hits))
    return scores


def decide_mode(scores: dict[str, float], threshold: float = 2.0) -> str | None:
    """One mode, both, or none from summed cue scores."""
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best_name, best = ranked[0]
    if best < threshold:
        return None
    if len(ranked) > 1 and ranked[1][1] >= threshold and ranked[1][1] >= 0.6 * best:
        return BOTH
    return best_name


# ------------------------------------------------------------- mode evidence

UNCLEAR = "尚不明确"
"""The mode of a case whose evidence names neither model clearly."""
_NEGATED_RE = re.compile(
    r"(?:不是|并非|并不是|not)(?P<neg>[^，。；]*?)(?:，|,)?\s*(?:而是|but)(?P<pos>[^。；]*)"
)


def mode_cues(text: str, tokens: list[str], modes: list[Mode]) -> dict[str, list[str]]:
    """The cue terms of each mode a passage uses, read with negation: in
    "不是阿里巴巴要进军制造业，而是要帮助制造业进行变革" the words of the 不是
    part count against their mode (for the other one, when there are two)."""
    present = set(tokens)
    negated = ""
    m = _NEGATED_RE.search(text)
    if m:
        negated = m.group("neg")
        text = text[: m.start()] + m.group("pos") + text[m.end() :]
    out: dict[str, list[str]] = {}
    for mode in modes:
        hits = [t for t in mode.terms if len(t) >= 2 and t in text]
        hits += [t for t in mode.terms if t in present and t not in hits and t not in negated]
        out[mode.name] = list(dict.fromkeys(hits))
    if negated and len(modes) == 2:
        for mode, other in ((modes[0], modes[1]), (modes[1], modes[0])):
            against = [t for t in mode.terms if len(t) >= 2 and t in negated]
            if against:
                out[other.name] = [*out[other.name], *(f"不是{t}" for t in against)]
                out[mode.name] = [t for t in out[mode.name] if t not in against]
    return out


def decide(cues: dict[str, list[str]], threshold: int = 2) -> str:
    """One mode, :data:`BOTH` or :data:`UNCLEAR` from the cues each mode has."""
    ranked = sorted(cues.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if not ranked or len(ranked[0][1]) < threshold:
        return UNCLEAR
    best = len(ranked[0][1])
    # The other mode's words at half the strength or more: the evidence argues both.
    if len(ranked) > 1 and len(ranked[1][1]) >= 1 and len(ranked[1][1]) >= 0.5 * best:
        return BOTH
    return ranked[0][0]


# ----------------------------------------------------------------- companies


@dataclass
class _Occurrence:
    doc: int
    sentence: int
    mention: Mention


def _merge_names(analyses: list[DocAnalysis]) -> tuple[dict[str, str], dict[str, str]]:
    """Canonical name of every organisation name the documents use, and the type
    discovery gave each: one entity for 鞍钢股份/鞍钢, 美国X/X, "Huawei
    Technologies"/华为, a discovered unit keeps its own name (华为终端云)."""
    gaz = gazetteer()
    from briefing.script import to_simplified

    counts: Counter[str] = Counter()
    types: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: set[str] = set()
    for a in analyses:
        for m in a.mentions:
            counts[m.name] += 1
            surfaces.add(to_simplified(m.surface))
            if m.type:
                types[m.name][m.type] += 1
    canonical: dict[str, str] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts:
        if name in gaz.orgs:
            canonical[name] = name
        elif known := known_form(name):
            canonical[name] = known
        else:
            groups[merge_key(name)].append(name)
    for members in groups.values():
        # The form the sources use most names the entity, a tie going to the fuller
        # name; its short form when the sources use that too ("恒驰科技股份有限公司"
        # and "恒驰科技" are 恒驰科技).
        best = max(members, key=lambda n: (counts[n], len(n), n))
        short = strip_legal(best)
        if short != best and short in surfaces:
            best = short
        for name in members:
            canonical[name] = best
    kind = {name: t.most_common(1)[0][0] for name, t in types.items()}
    return canonical, kind


def _is_title_line(doc: Document, s: Sentence, paragraphs: list[str] | None = None) -> bool:
    """A sentence that is only a title: a heading, or a short line without
    punctuation that opens a section ("万丰奥威海外业务进入订单收获期").
    ``paragraphs``: the document's, split once by the caller (a long document
    split again for each sentence costs its length every time)."""
    if s.heading and (s.end - s.start) < 40 and not full_sentence(doc.text[s.start : s.end]):
        return True
    return (_heading_like(doc.text[s.start : s.end]) and s.start == 0) or _heading_like(
        (paragraphs if paragraphs is not None else doc.paragraphs())[s.paragraph]
    )


_JUNK_RE = re.compile(
    r"发表于|\d{1,2}时\d{1,2}分|分享|登录|注册|</?\w+|<%|%>|https?://|\[ad_\d\]|&\w+;|[A-Za-z_]+/[A-Za-z_]+/"
)


def _move_score(
    text: str, occurrence: _Occurrence, first: bool, owned: bool = False, junk: bool = False
) -> float:
    """How well a sentence (or the part of one quoted) tells what the organisation
    did: its own verb, first named, with a figure it owns; not scene-setting, not
    a pointer back, not page chrome."""
    m = occurrence.mention
    # The subject's own verb tells the move best; a figure, or being invested in, less.
    score = 2.5 if m.role == ACTS and not m.cue.startswith(("获", "市场", "营收", "销量", "被")) else 1.5
    if text.isascii() and not m.cue.isascii():
        score -= 1.0  # an English move through a figure only: its verb renders better
    if first:
        score += 1.0
    # A number makes a Chinese move concrete; an English move is shown for its action
    # (its figures have their own cell), so there the number earns nothing.
    if re.search(r"\d", text) and not text.isascii():
        score += 0.5
    if owned and not text.isascii():
        score += 0.5
    if junk:
        score -= 1.0  # cut out of a sentence that holds markup or navigation
    longest = 260 if text.isascii() else 160  # an English move is shown as its clause only
    if not 12 <= len(text) <= longest:
        score -= 1.5 if len(text) > longest else 2.0
    if _JUNK_RE.search(text):
        score -= 2.0
    if re.match(r"^\W*(?:\d+、)?(?:随着|由于|因为|如果|虽然|尽管|对于)", text):
        score -= 1.0  # a subordinate clause sets the scene; the move is elsewhere
    if re.match(r"^\W*(?:这|该|其|它|他们|此外|同时|首先|其次|另外|而)", text):
        score -= 1.5  # a pointer back needs what it points to
    if text.endswith(("？", "?")):
        score -= 3.0
    return score


_EN_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)\]])[.!?](?=[\s\"”<]|[A-Z])|<[^>]+>|\n|\[ad_\d\]")


def _quote_span(doc: Document, s: Sentence, at: int) -> tuple[int, int]:
    """Offsets of what to quote for a mention at ``at``: the sentence, or for a
    very long or marked-up "sentence" (an English page whose full stops lost
    their spaces) the real sentence around the mention."""
    text = doc.text[s.start : s.end]
    if len(text) <= 300 and not _JUNK_RE.search(text):
        return s.start, s.end
    rel = at - s.start
    bounds = [0] + [m.end() for m in _EN_SENTENCE_END.finditer(text)] + [len(text)]
    starts = [b for b in bounds if b <= rel]
    ends = [b for b in bounds if b > rel]
    a, b = (starts[-1] if starts else 0), (ends[0] if ends else len(text))
    b = next((x.start() for x in re.finditer(r"<[^>]+>", text[a:b])), b - a) + a
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip(' "”>'))
    return s.start + a + lead, s.start + a + len(piece.rstrip())


_CJK_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})


def _full_width(text: str) -> str:
    """ASCII punctuation between Chinese characters made full-width (Traditional
    sources often use half-width commas)."""
    return re.sub(
        r"(?<=[\u4e00-\u9fff\d%）])\s*([,;:?!])\s*(?=[\u4e00-\u9fff“])",
        lambda m: m.group(1).translate(_CJK_PUNCT),
        text,
    )


def figure_statement(name: str, figures: list[Figure]) -> str:
    """A move built from an organisation's own figures, in Chinese: "上汽大众2011年前4个月
    销量同比增长38%", "2023年营收42亿美元，营收增长9%", "2023年被北辰零售收购，约12亿元"."""
    from briefing.labels import counterpart_label, format_value, measure_label, time_words

    parts = []
    for f in figures:
        when = time_words(f.year, f.period)
        label = measure_label(f.measure, f.kind)
        measure = f"{f.scope}{label}" if f.scope else label
        if f.scope and f.period and not f.year and when == f.period:
            # a span counted from the scope's own start ("《原神》…上线三年"), with no year:
            # after what it counts from, not before the organisation's name
            when, measure = "", f"{f.scope}{f.period}{label}"
        value = format_value(f.value, f.unit, f.qualifier, f.value_max)
        if f.counterpart and f.measure in ("获投资", "被收购"):
            verb = "获{}投资" if f.measure == "获投资" else "被{}收购"
            parts.append(f"{when}{verb.format(f.counterpart)}，金额{value}")
            continue
        if f.counterpart and f.attribution == "payment":
            measure = counterpart_label(measure, f.counterpart, payment=True)
        parts.append(f"{when}{measure}{value}")
    return f"{name}{'，'.join(dict.fromkeys(parts))}"


def _deals_made(
    analyses: list[DocAnalysis], name: str, canonical: dict[str, str], index: _Index | None = None
) -> list[str]:
    """What an investor or buyer did, from the deals stored on their targets
    ("投资恒驰科技，金额5亿元")."""
    from briefing.labels import format_value

    out = []
    if index is None:
        found = [f for a in analyses for f in a.figures]
    else:
        found = [analyses[d].figures[i] for d, i in index.deals.get(name, ())]
    for f in found:
        if f.counterpart and canonical.get(f.counterpart, f.counterpart) == name:
            target = canonical.get(f.org, f.org)
            value = format_value(f.value, f.unit, f.qualifier, f.value_max)
            if f.attribution != "payment":
                verb = "投资" if f.measure == "获投资" else "收购"
                out.append(f"{verb}{target}，金额{value}")
            elif f.measure == "交易金额":
                out.append(f"与{target}交易，金额{value}")
            else:  # a deal's payment: "向三生制药支付首付款12.5亿美元"
                out.append(f"向{target}支付{f.measure}{value}")
    return list(dict.fromkeys(out))


def _deal_told(a: DocAnalysis, o: _Occurrence, canonical: dict[str, str], name: str) -> str | None:
    """The move of an organisation a deal is made for, told with the one that makes
    it: the organisation its clause names before it ("美国私募股权公司KKR宣布已向日本
    软件公司Fuji Soft发出收购要约" → 富士软件获KKR收购要约; ``deal_targets.yaml``)."""
    actor = _deal_actor(a, o, canonical, name)
    told = deal_move(o.mention.cue, actor) if actor else None
    return f"{name}{told}" if told else None


def _deal_actor(a: DocAnalysis, o: _Occurrence, canonical: dict[str, str], name: str) -> str | None:
    """The organisation that makes the deal a target's clause tells: the one it names
    before the target ("KKR…向…Fuji Soft发出收购要约": KKR), or None."""
    if o.mention.cue not in deal_cues():
        return None
    before = [
        m
        for m in a.mentions
        if m.sentence == o.sentence
        and m.start < o.mention.start
        and canonical.get(m.name, m.name) != name
        and m.role not in ("source", "speaker", "stock", "example")
        and not m.evidence.startswith("pronoun")
    ]
    return canonical.get(before[-1].name, before[-1].name) if before else None


ENGLISH_MARK = "（英文原文）"
"""Marks a move shown in the English of its only source."""


def _english_move(
    doc: Document, a: DocAnalysis, occurrence: _Occurrence, figures: list[Figure]
) -> tuple[str, str]:
    """A move known only from an English source: when the organisation acts through
    its figures, a Chinese statement built from them ("2023年营收42亿美元"); else the
    English clause itself, from the name to its verb and object, cut only at clause
    boundaries and marked as English (a word-by-word rendering would lose the object:
    "will be the sole manufacturer of Qualcomm's Snapdragon 820")."""
    from briefing.analysis.clauses import move_clause

    s = a.sentences[occurrence.sentence]
    start, end = _quote_span(doc, s, occurrence.mention.start)
    cue = occurrence.mention.cue
    mine = [f for f in figures if f.document == doc.path and f.raw and f.raw in doc.text[start:end]]
    reports = (cue or "").lower() in org_words().report_verbs_en
    if mine and (reports or not re.fullmatch(r"[A-Za-z\- ]+", cue or "")):
        # "Nintendo said its Switch had sold 139 million units": the clause says its figures
        return figure_statement("", mine[:2]), "rendered"
    # From the name on: what comes before it in the clause is who reported it
    # ("Maybank Kim Eng's Lau said Qualcomm would…").
    text = doc.text[occurrence.mention.start : end]
    clause = move_clause(text, 0, len(occurrence.mention.surface), cue, limit=110)
    if occurrence.mention.evidence.startswith("pronoun") and clause.startswith(occurrence.mention.surface):
        # "The company has responded by…": the row names the company the pronoun points to.
        org = gazetteer().orgs.get(occurrence.mention.name)
        english = org.en if org and org.en else occurrence.mention.name
        clause = english + clause[len(occurrence.mention.surface) :]
    lead = "…" if doc.text[start : occurrence.mention.start].strip() and not clause.startswith("…") else ""
    return ENGLISH_MARK + lead + clause, "english"


def find_companies(
    docs: list[Document],
    analyses: list[DocAnalysis],
    modes: list[Mode],
    sections: list[ModeSection],
) -> list[Company]:
    """Every organisation the corpus names, one per real-world entity: cases
    (organisations that act) with their moves and figures, and mentions."""
    from briefing.analysis.clauses import move_clause
    from briefing.script import to_simplified

    gaz = gazetteer()
    docs_by_path = {d.path: d for d in docs}
    canonical, discovered_kind = _merge_names(analyses)
    occurrences: dict[str, list[_Occurrence]] = defaultdict(list)
    aliases: dict[str, list[str]] = defaultdict(list)
    for d_index, a in enumerate(analyses):
        for m in a.mentions:
            name = canonical.get(m.name, m.name)
            occurrences[name].append(_Occurrence(d_index, m.sentence, m))
            if m.surface and m.surface not in aliases[name] and not m.evidence.startswith("pronoun"):
                aliases[name].append(m.surface)

    # Feihe → 飞鹤: shown by the Chinese name the sources write, the English one beside it
    romanized = _join_pinyin_names(docs, analyses, occurrences, aliases, gaz)

    in_section: dict[tuple[int, int], str] = {}
    for sec in sections:
        for p in sec.paragraphs:
            in_section[(sec.doc, p)] = sec.mode

    index = _Index(analyses, canonical)
    paragraphs: dict[int, list[str]] = {}

    def title_line(o: _Occurrence) -> bool:
        if o.doc not in paragraphs:
            paragraphs[o.doc] = docs[o.doc].paragraphs()
        return _is_title_line(docs[o.doc], analyses[o.doc].sentences[o.sentence], paragraphs[o.doc])

    # The deals each organisation makes for another, as its target's clause tells them
    # ("Stellantis took a 21% stake in Leapmotor": Stellantis 入股零跑汽车).
    made_deals: dict[str, list[str]] = defaultdict(list)
    for name, occ in occurrences.items():
        for o in occ:
            actor = _deal_actor(analyses[o.doc], o, canonical, name) if o.mention.role == ACTS else None
            if actor and (made := deal_made(o.mention.cue, name)):
                made_deals[actor].append(made)

    companies: list[Company] = []
    for name, occ in occurrences.items():
        org = gaz.orgs.get(name)
        kind = org.type if org else discovered_kind.get(name) or org_type(name)
        parent = org.parent if org else unit_of(name)
        documents = list(dict.fromkeys(docs[o.doc].path for o in occ))
        figures = _figures(docs, analyses, index.members.get(name, set()) | {name}, index)
        acting = [
            o
            for o in occ
            if o.mention.role == ACTS and analyses[o.doc].sentences[o.sentence].quotable and not title_line(o)
        ]
        # "米哈游并未上市…", "ByteDance has not listed": what it did not do is no move
        negated = [o for o in acting if _states_only(docs[o.doc], analyses[o.doc].sentences[o.sentence], o)]
        acting = [o for o in acting if o not in negated]
        moves, best = _moves(docs, analyses, acting, index=index)
        # A name with its own share in a ranking holds that share, as the one the
        # sentence opens with does ("…比亚迪15.8%，LG新能源13.6%", "阿里云39%、华为云19%"):
        # the same rule for every entry; a rank without a share makes no case.
        own_figures = figures
        deals = list(dict.fromkeys(_deals_made(analyses, name, canonical, index) + made_deals.get(name, [])))
        role = "case" if kind in CASE_TYPES and (best is not None or own_figures or deals) else "mention"
        move, origin, move_doc = None, "", None
        if best is None and deals and role == "case":
            move, origin = deals[0], "rendered"
        if best is not None and (told := _deal_told(analyses[best.doc], best, canonical, name)):
            move, origin, move_doc = told, "rendered", docs[best.doc].path  # "富士软件获KKR收购要约"
        elif best is not None:
            doc, a = docs[best.doc], analyses[best.doc]
            move_doc = doc.path
            if doc.language == "en":
                move, origin = _english_move(doc, a, best, figures)
            else:
                s = a.sentences[best.sentence]
                sentence = doc.analysis_text[s.start : s.end]
                at = best.mention.start - s.start
                move = move_clause(sentence, at, at + len(best.mention.surface), best.mention.cue)
                if best.mention.evidence.startswith("pronoun"):
                    # "该公司服务赋能了…": the row names the company the pronoun points to,
                    # beside the source's word, never in its place: the clause stays a quote.
                    surface = best.mention.surface
                    move = move.replace(surface, f"{surface}〔{name}〕", 1)
                move = _full_width(
                    re.sub(r"^(?:…)?\d{1,2}、", lambda m: "…" if m.group().startswith("…") else "", move)
                )
                origin = "clause"
                if not best.mention.evidence.startswith("pronoun") and not stands_alone(move.lstrip("…")):
                    # "这是应用材料营收占比最大的部门…": which part, the sentence before says; its
                    # figures tell the move instead
                    move, origin, move_doc = None, "", None
        if role == "case" and move is None and own_figures:
            # It acts through its figures only ("软银集团第一财季销售额1.7万亿日元"): the
            # figure's clause when it names the organisation as its subject, else a
            # statement built from the figure ("上汽大众头4个月销量同比增长38%").
            f = own_figures[0]
            move_doc = f.document
            at = max(f.text.find(f.raw), 0)
            clause = move_clause(to_simplified(f.text), at, at + len(f.raw), "")
            if (
                docs_by_path[f.document].language != "en"
                and f.attribution in ("clause subject", "被 → agent")
                and any(to_simplified(x) in clause for x in [name, *aliases[name]])
                and stands_alone(clause.lstrip("…"))  # "这是应用材料营收占比最大的部门…": which part?
            ):
                move, origin = _full_width(clause), "clause"
            else:
                move, origin = figure_statement(name, own_figures[:2]), "rendered"
            figures = own_figures + [f for f in figures if f not in own_figures]
            if not moves and not f.caveats:  # a sentence with a gap to fill ("… is TBD") is not quoted
                moves = [Quote(text=f.text, document=f.document, paragraph=f.paragraph)]
        roles_seen = Counter(o.mention.role or "mentioned" for o in occ)
        if acting:
            first = acting[0]
            reason = f"{first.mention.cue or ACTS}"
        elif figures:
            reason = f"{figures[0].measure}"
        elif deals and role == "case":
            reason = DEAL  # it makes a deal its target's clause tells
        elif negated:
            reason = NEGATED
        else:
            reason = roles_seen.most_common(1)[0][0]
        found_by = list(
            dict.fromkeys(
                o.mention.evidence or "gazetteer"
                for o in occ
                if o.mention.evidence != "repeat" and not o.mention.evidence.startswith("pronoun")
            )
        )
        if not found_by:
            found_by = ["repeat"]
        evidence_quotes: list[Quote] = []
        if org is None:
            for o in occ:
                if o.mention.evidence not in ("", "gazetteer", "repeat") and len(evidence_quotes) < 2:
                    evidence_quotes.append(_quote(docs, analyses, _Ref(o.doc, o.sentence)))
        family_refs = [_Ref(o.doc, o.sentence) for o in occ]
        for child in gaz.descendants(name):
            family_refs.extend(_Ref(o.doc, o.sentence) for o in occurrences.get(child, []))
        mode, mode_evidence = (None, [])
        if role == "case":
            mode, mode_evidence = _classify(docs, analyses, family_refs, modes, in_section)
        shown = romanized.get(name, name)
        english = org.en if org else (name if name in romanized else None)
        companies.append(
            Company(
                name=shown,
                aliases=aliases[name],
                type=kind,
                parent=parent,
                documents=documents,
                mentions=len(occ),
                moves=moves,
                figures=figures,
                mode=mode,
                mode_evidence=mode_evidence,
                english=english,
                role=role,
                role_reason=reason,
                move=move,
                move_origin=origin,
                move_document=move_doc,
                found_by=found_by,
                name_evidence=evidence_quotes,
                shown_aliases=shown_aliases(shown, english, aliases[name]),
            )
        )
    # Units that are not cases are shown with their nearest ancestor that is.
    by_name = {c.name: c for c in companies}
    for c in companies:
        if c.role == "case" or not c.parent or c.type not in CASE_TYPES:
            continue
        host: str | None = c.parent
        while host in by_name and by_name[host].role != "case":
            host = by_name[host].parent
        if host in by_name:
            by_name[host].units.append(c.name)
    ordered = _family_order(companies)
    _moves_apart(ordered)
    return ordered


def _join_pinyin_names(
    docs: list[Document],
    analyses: list[DocAnalysis],
    occurrences: dict[str, list[_Occurrence]],
    aliases: dict[str, list[str]],
    gaz: Gazetteer,
) -> dict[str, str]:
    """An organisation discovered in English only (Feihe) is the one the Chinese
    sources write as the word that reads as its pinyin (飞鹤): that word becomes its
    alias, so a memo's question on 飞鹤 finds the English reports, and the Chinese
    sentences that write it are its mentions. Returns the names joined, with the
    Chinese word each is shown by ({"Feihe": "飞鹤"})."""
    english_only = [
        name
        for name, occ in occurrences.items()
        if name not in gaz.orgs
        and all(docs[o.doc].language == "en" for o in occ)
        and all(a.isascii() for a in aliases[name])
    ]
    chinese = [d for d, doc in enumerate(docs) if doc.language != "en"]
    if not english_only or not chinese:
        return {}
    from briefing.analysis.romanized import pinyin_forms
    from briefing.nlp import zh_cut
    from briefing.script import to_simplified

    words: set[str] = set()
    for d in chinese:
        for s in analyses[d].sentences:
            words.update(s.tokens)
        for todo in docs[d].todos:
            words.update(zh_cut(to_simplified(todo.text)))
    taken = frozenset(gaz.orgs) | frozenset(a for name in occurrences for a in aliases[name])
    joined = pinyin_forms(english_only, words, taken)
    for name, word in joined.items():
        aliases[name].append(word)
        for d in chinese:
            doc = docs[d]
            for i, s in enumerate(analyses[d].sentences):
                if word in s.tokens:
                    at = doc.analysis_text.find(word, s.start, s.end)
                    mention = Mention(name, word, i, at, role="mentioned", evidence=f"pinyin {word}")
                    occurrences[name].append(_Occurrence(d, i, mention))
        occurrences[name].sort(key=lambda o: (o.doc, o.sentence))
    return joined


def _moves_apart(companies: list[Company]) -> None:
    """Say each thing once in the case table: a case whose move clause another case
    above it already shows ("威高骨科和大博医疗在关节集采中以较低报价中标" for 威高
    and 大博医疗) shows the part of it that starts at its own name ("…大博医疗在关节集采中
    以较低报价中标…"); one whose clause holds another's whole move ("贝壳溢价42%夺得成都
    新“地王”的当天，一家名为成都嘉禾兴的地产公司宣布…") shows its own part before it.
    Both are substrings of the source's clause: still a quote. In place."""
    shown: list[str] = []
    for c in companies:
        if c.role != "case" or not c.move or c.move_origin != "clause":
            continue
        move = c.move
        core = move.strip("…。 ")
        names = [n for n in (c.name, *c.aliases, c.english or "") if n and len(n) >= 2]
        tail = "…" if move.rstrip().endswith("…") else ""
        for earlier in shown:
            if core in earlier:
                at = min((i for i in (core.find(n) for n in names) if i > 0), default=-1)
                if at > 0:
                    core, move = core[at:], "…" + core[at:] + tail
                break
            if earlier in core:
                at = core.find(earlier)
                before = core[:at].rstrip("，,；;、 ")
                if any(n in before for n in names) and len(before) >= 6:
                    core, move = before, ("…" if move.startswith("…") else "") + before + "…"
                break
        c.move = move
        shown.append(core)


def shown_aliases(name: str, english: str | None, aliases: list[str]) -> list[str]:
    """The aliases a reader is shown: in Simplified script, each once, not the name
    or the English name again (the heading shows those)."""
    from briefing.script import to_simplified

    seen = {name.casefold(), (english or "").casefold()}
    out = []
    for alias in aliases:
        shown = to_simplified(alias)
        if shown.casefold() not in seen:
            seen.add(shown.casefold())
            out.append(shown)
    return out


def _family_order(companies: list[Company]) -> list[Company]:
    """Cases first, each followed by its own units that are cases (阿里巴巴, 阿里云,
    ET大脑, 蚂蚁集团, …), families by how much the sources say about them; then
    the mentions."""
    rank = {"company": 0, "investor": 0, "product": 1}

    def key(c: Company) -> tuple[int, int, int, str]:
        return (rank.get(c.type, 2), -c.mentions, -len(c.documents), c.name)

    cases = sorted((c for c in companies if c.role == "case"), key=key)
    names = {c.name for c in cases}
    children: dict[str | None, list[Company]] = defaultdict(list)
    for c in cases:
        host = c.parent
        while host is not None and host not in names:
            org = gazetteer().orgs.get(host)
            host = org.parent if org else None
        children[host].append(c)
    ordered: list[Company] = []

    def visit(c: Company) -> None:
        ordered.append(c)
        for child in children.get(c.name, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    mentions = sorted((c for c in companies if c.role != "case"), key=key)
    return ordered + mentions


class _Index:
    """The corpus' mentions and figures looked up by sentence and by organisation,
    built once: scanning every document's lists once per organisation or per
    occurrence grew with the square of the corpus (and of a long document)."""

    def __init__(self, analyses: list[DocAnalysis], canonical: dict[str, str]) -> None:
        self.mentions: dict[tuple[int, int], list[Mention]] = defaultdict(list)
        self.owned: set[tuple[int, int, str | None]] = set()
        self.figures: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
        self.deals: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.members: dict[str, set[str]] = defaultdict(set)
        for d, a in enumerate(analyses):
            for m in a.mentions:
                self.mentions[(d, m.sentence)].append(m)
            for i, f in enumerate(a.figures):
                if not is_price(f.measure):  # a product's price is the market's news, not the firm's act
                    self.owned.add((d, f.sentence, f.org))
                self.figures[f.org].append((d, i))
                if f.counterpart:
                    self.deals[canonical.get(f.counterpart, f.counterpart)].append((d, i))
        for n, c in canonical.items():
            self.members[c].add(n)


DEAL = "deal"
"""Role reason of an organisation that acts only through a deal it makes for another."""
NEGATED = "negated"
"""Role reason of an organisation whose only clauses say what it did not do."""

CASE_TYPES = ("company", "investor", "product")
"""Types of organisation that can be a business case (when they act)."""


def _own_subject(a: DocAnalysis, doc: Document, o: _Occurrence, index: _Index | None = None) -> bool:
    """The organisation is the subject of its clause: no other organisation that acts
    is named before it there ("华域汽车主要客户是上海大众…" is 华域汽车's), and it
    is not only a number's owner through a list (分别) or a pronoun."""
    from briefing.analysis.roles import (
        FORMER,
        MODIFIER,
        bracket_bounds,
        clause_bounds,
        mask_parentheses,
        passive_before,
    )

    if o.mention.cue in deal_cues():
        return True  # "KKR向Fuji Soft发出收购要约": the deal made for it is its move
    s = a.sentences[o.sentence]
    sent = doc.analysis_text[s.start : s.end]
    masked = mask_parentheses(sent)
    at = o.mention.start - s.start
    if at < 0 or at >= len(sent):
        return True
    left, _ = clause_bounds(masked, at, at)
    if inside := bracket_bounds(masked, at):
        left = inside[0]  # "（由博睿康研发）": the clause inside the brackets
    if passive_before(masked[left:at]):
        return True  # "地块最终被绿城以约48亿元夺得": the agent acts, whatever the patient names
    family = {o.mention.name, *gazetteer().ancestors(o.mention.name)}
    said = list(_REPORTED_RE.finditer(sent, left, at))
    reported = said[-1].end() if said else left
    here = a.mentions if index is None else index.mentions.get((o.doc, o.sentence), [])
    others = [
        m
        for m in here
        if m.sentence == o.sentence
        and m.name not in family
        and left <= m.start - s.start < at
        and m.role not in ("source", "speaker", "stock")
        and m.cue not in ("旗下", MODIFIER, FORMER)
        and not m.evidence.startswith("pronoun")
        # "Qualcomm said in a statement to Reuters that Samsung will…": the reported
        # clause after "said … that" is Samsung's.
        and m.start - s.start >= reported
    ]
    # Subjects named together act together ("由Marvell和Broadcom（博通）提供").
    end = at
    for m in sorted(others, key=lambda m: -m.start):
        gap = sent[m.start - s.start + len(m.surface) : end]
        # "华为技术有限公司与佳发教育签署…": the legal suffix after a name is the name's
        gap = gap[len(legal) :] if (legal := _legal_suffix_at(gap)) else gap
        # (in English too: "Danone and Nestle have both lost share")
        if re.fullmatch(r"\s*(?:[（(][^）)]*[）)])?\s*(?:、|和|与|及|以及|,|，|,?\s*and|&)?\s*", gap):
            end = m.start - s.start
            others.remove(m)
        else:
            break
    return not others


def _legal_suffix_at(text: str) -> str:
    """The rest of a company's registered name that opens the text: a legal suffix
    (有限公司, 集团有限公司…; `legal_suffixes` in organisations.yaml), after at most
    four characters of its line of business ("通信集团有限公司" after 中国移动,
    "技术有限公司" after 华为), the longest; or ""."""
    return m.group() if (m := _legal_rest_re().match(text)) else ""


@functools.cache
def _legal_rest_re() -> re.Pattern[str]:
    legal = "|".join(map(re.escape, org_words().legal))
    return re.compile(rf"[\u4e00-\u9fff]{{0,4}}?(?<!的)(?:{legal})")


_REPORTED_RE = re.compile(r"\b(?:said|says|told|announced)\b.*\bthat\b|表示|认为|指出|透露")


def _vague(text: str, cue: str) -> bool:
    """The clause says the organisation did something but not what ("中原内配拓展良好"):
    its verb is followed by fewer than four characters before the clause ends."""
    if not cue or cue not in text:
        return False
    after = re.split(r"[，。；,;！？]", text[text.index(cue) + len(cue) :], maxsplit=1)[0]
    return len(after.strip()) < 4 and not re.search(r"\d", text)


_COMMENT_RE = re.compile(
    r"^\s*(?:这|這|此)(?:也|就|正|便|才)?(?:是|意味|说明|說明|表明|显示|顯示|标志|標誌)|^\s*此举|^\s*此舉"
)


def comments_on_the_last(text: str) -> bool:
    """The sentence comments on the one before it ("这也是…", "这意味着…", "此举…"):
    on its own it tells no move, whatever organisation it names."""
    return bool(_COMMENT_RE.match(text))


def _states_only(doc: Document, s: Sentence, o: _Occurrence) -> bool:
    """The clause the move would show says only what the organisation did not do
    ("米哈游并未上市…", "Ant Group has not listed"; ``data/non_moves.yaml``)."""
    from briefing.analysis.clauses import may_be_negated, move_clause, states_only

    m = o.mention
    if not may_be_negated(doc.analysis_text[m.start + len(m.surface) : s.end], doc.language == "en"):
        return False
    if doc.language == "en":
        _, end = _quote_span(doc, s, m.start)
        text = doc.text[m.start : end]
        return states_only(
            move_clause(text, 0, len(m.surface), m.cue, limit=110), text[: len(m.surface)], True
        )
    sentence = doc.analysis_text[s.start : s.end]
    at = m.start - s.start
    if not 0 <= at < len(sentence):
        return False
    surface = sentence[at : at + len(m.surface)]
    return states_only(move_clause(sentence, at, at + len(m.surface), m.cue), surface)


def _moves(
    docs: list[Document],
    analyses: list[DocAnalysis],
    acting: list[_Occurrence],
    limit: int = 4,
    index: _Index | None = None,
) -> tuple[list[Quote], _Occurrence | None]:
    """The passages that best tell what the organisation did, and the best one: a
    Chinese source's when one shows the move (an English sentence is shown only
    when no Chinese source says what the organisation did), a clause whose subject
    the organisation is."""
    best_of: dict[tuple[int, int], tuple[float, int, int, str, _Occurrence]] = {}
    for o in acting:
        a = analyses[o.doc]
        s = a.sentences[o.sentence]
        start, end = _quote_span(docs[o.doc], s, o.mention.start)
        text = docs[o.doc].text[start:end].strip()
        if marker := re.match(r"^\d{1,2}、", text):
            start, text = (
                start + marker.end(),
                text[marker.end() :],
            )  # a digest's item number is not the quote
        if comments_on_the_last(text):
            continue  # "这也是新易盛时隔九个季度…": it leans on a sentence the reader is not shown
        in_sentence = a.mentions if index is None else index.mentions.get((o.doc, o.sentence), [])
        here = sorted(
            (m for m in in_sentence if m.sentence == o.sentence and start <= m.start < end),
            key=lambda m: m.start,
        )
        # First named, but for the speakers and sources before it ("Qualcomm said Samsung will…").
        first = not any(
            m.name != o.mention.name and m.role not in ("speaker", "source")
            for m in here
            if m.start < o.mention.start
        )
        owned = (
            (o.doc, o.sentence, o.mention.name) in index.owned
            if index is not None
            else any(
                f.sentence == o.sentence and f.org == o.mention.name and not is_price(f.measure)
                for f in a.figures
            )
        )
        junk = (start, end) != (s.start, s.end) and bool(_JUNK_RE.search(docs[o.doc].text[s.start : s.end]))
        score = _move_score(text, o, first, owned, junk and docs[o.doc].language != "en")
        # The investor of a deal the sentence states acts in it ("A获得B 5亿元投资": B invests).
        own = _own_subject(a, docs[o.doc], o, index)
        shown = own or any(f.sentence == o.sentence and f.counterpart == o.mention.name for f in a.figures)
        if not own:
            score -= 1.5
        if _vague(docs[o.doc].analysis_text[start:end], o.mention.cue):
            score -= 1.0
        if re.match(r"[^，。；,;]{0,24}?[：:]", docs[o.doc].analysis_text[o.mention.start : end]):
            score -= 1.5  # a label ("Neuralink 的量产与扩张：…"), not the sentence that acts
        entry = (score, o.doc, start, text, o, own, shown)
        # One passage once, through the occurrence that tells the move best.
        if (o.doc, start) not in best_of or entry[0] > best_of[(o.doc, start)][0]:
            best_of[(o.doc, start)] = entry
    scored = sorted(best_of.values(), key=lambda x: (-x[0], x[1], x[2]))
    # A sentence whose subject is another organisation tells that one's move
    # ("库迪咖啡以9.9元活动对标瑞幸咖啡…" is 库迪咖啡's), not this one's.
    quotes = [
        Quote(text=text, document=docs[d].path, paragraph=analyses[d].sentences[o.sentence].paragraph)
        for score, d, _, text, o, _own, shown in scored
        if score > 0 and text and shown
    ][:limit]
    positive = [x for x in scored if x[0] > 0]
    own = [x for x in positive if x[5]]
    chinese = [x for x in own if docs[x[1]].language != "en"]
    best = (chinese or own)[0][4] if (chinese or own) else None
    return quotes, best


def _figures(
    docs: list[Document], analyses: list[DocAnalysis], names: set[str], index: _Index | None = None
) -> list[Figure]:
    out: list[Figure] = []
    seen = set()
    if index is None:
        per_doc = [(d, [f for f in a.figures if f.org in names]) for d, a in enumerate(analyses)]
    else:
        # The same figures in the same order: by document, then as the document lists them.
        places = sorted(p for n in names for p in index.figures.get(n, ()))
        per_doc = [
            (d, [analyses[d].figures[i] for _, i in group])
            for d, group in itertools.groupby(places, key=lambda p: p[0])
        ]
    for d_index, mine in per_doc:
        a = analyses[d_index]
        for f in mine:
            s = a.sentences[f.sentence]
            if _JUNK_RE.search(docs[d_index].text[s.start : s.end]) and any(
                g.value == f.value and g.unit == f.unit and g.sentence != f.sentence for g in mine
            ):
                continue  # page chrome repeating the article's own figure (a breadcrumb title)
            # A placeholder ("「时间点」，合作伙伴已超过8000家") leaves the number itself
            # intact: the figure stays, with the gap as its caveat.
            if s.garbled or s.meta:
                continue
            year = f.year
            if year is None and f.relative_year is not None and docs[d_index].date:
                year = int(docs[d_index].date[:4]) + f.relative_year
            elif year is None and f.period and f.kind == "fact" and docs[d_index].date:
                year = year_before(f.period, docs[d_index].date)
            key = (f.measure, f.scope, f.period, f.value, f.unit, year, f.counterpart)
            if key in seen:
                continue
            seen.add(key)
            figure = Figure(
                value=f.value,
                unit=f.unit,
                measure=f.measure,
                year=year,
                text=docs[d_index].text[s.start : s.end].strip(),
                document=docs[d_index].path,
                paragraph=s.paragraph,
                raw=f.raw,
                source=f.source,
                qualifier=f.qualifier,
                value_max=f.value_max,
                caveats=list(f.caveats),
                counterpart=f.counterpart,
                attribution=f.attribution,
                scope=f.scope,
                period=f.period,
                kind=f.kind,
                previous=f.previous,
                previous_raw=f.previous_raw,
            )
            twin = next((i for i, g in enumerate(out) if same_figure(g, figure)), None)
            if twin is None:
                out.append(figure)
            else:
                kept = out[twin]
                regional = _same_measure_but_region(figure.measure, kept.measure)
                named = max((figure.measure, kept.measure), key=len)  # the one naming its market
                sources = [kept.document, *kept.also_documents, figure.document]
                if _precision(figure.raw) > _precision(kept.raw):
                    figure.year = figure.year or kept.year
                    figure.unit = figure.unit or kept.unit
                    out[twin] = figure
                elif kept.year is None:
                    kept.year = figure.year
                if not out[twin].period and figure.period and out[twin].year in (None, figure.year):
                    # an undated mention first, its table's row after: the row's time and source
                    out[twin].year, out[twin].period = figure.year, figure.period
                    out[twin].source = out[twin].source or figure.source
                out[twin].unit = out[twin].unit or kept.unit or figure.unit
                if regional:
                    out[twin].measure = named
                out[twin].also_documents = [d for d in dict.fromkeys(sources) if d != out[twin].document]
    # In the order the sources give them; goals, forecasts and figures with a data gap last.
    out.sort(key=lambda f: (bool(f.caveats), f.measure.endswith(("目标", "预测"))))
    return out


MARKET_TYPE = "market"
"""Type of the stand-ins :func:`market_figures` builds (never part of the model's companies)."""


def market_figures(docs: list[Document], analyses: list[DocAnalysis]) -> list[Company]:
    """The markets the sources size ("全球脑机接口市场 市场规模 32.5亿美元", "中国新能源汽车
    市场 销量 949.5万辆"), each as a stand-in organisation holding its figures, for the
    key figures: a market's size is a corpus's headline number."""
    labels = sorted({f.org for a in analyses for f in a.figures if f.attribution == MARKET})
    out = []
    for label in labels:
        figures = [f for f in _figures(docs, analyses, {label}) if f.attribution == MARKET]
        if figures:
            out.append(
                Company(
                    name=label,
                    aliases=[label],
                    type=MARKET_TYPE,
                    parent=None,
                    documents=list(dict.fromkeys(f.document for f in figures)),
                    mentions=len(figures),
                    moves=[],
                    figures=figures,
                    mode=None,
                    role="mention",
                )
            )
    return out


def link_mode_questions(companies: list[Company], questions: list[Question]) -> None:
    """Mark each case whose business model a memo's open question asks about
    (and the sources do not answer): its ``mode`` is only provisional."""
    from briefing.script import to_simplified

    gaz = gazetteer()
    # a question that asks the model (its classification is a provisional answer) before
    # one that asks for the table of cases by model
    for q in sorted(questions, key=lambda q: (q.result is not None, q.number)):
        text = to_simplified(q.text)
        if q.status == "answered" or not (
            MODE_WORD_RE.search(text) or any(c.mode and c.mode in text for c in companies)
        ):
            continue
        named = {m.name for m in gaz.find(text)}
        if not named:
            continue
        for c in companies:
            if c.mode and c.mode_question is None and (c.name in named or named & set(gaz.ancestors(c.name))):
                c.mode_question = q.number


MODE_WORD_RE = re.compile(r"模式|模型|model", re.IGNORECASE)


SAME_FIGURE_TOLERANCE = 0.005
"""Two reports of one figure differ by rounding ("302.4万辆", "302万辆"): at most this share."""


def same_figure(a: Figure, b: Figure) -> bool:
    """``a`` and ``b`` report one fact: one measure family (净利润同比增长 and
    净利润增长率, 销量 and 交付量), the same unit (an English count with no unit
    word takes the other's), scope, period and kind, no conflicting year, values
    equal within the rounding of the less precise one (19.4% and 约19%, 302.4万辆
    and 302万), as the editions compare figures."""
    from briefing.labels import figure_changed, precision

    # One deal's payment dated by its month in one source and not in another is one figure.
    # (a note that names no payer is the same payment)
    parties = {a.counterpart, b.counterpart} - {None}
    deal = len(parties) == 1 and not (a.period and b.period)
    # one document's undated mention of a figure it dates elsewhere (a table's row, then
    # "Apple shipped 56.5 million iPhones")
    undated = a.document == b.document and ((not a.year and not a.period) or (not b.year and not b.period))
    if (a.scope, a.kind) != (b.scope, b.kind) or (a.period != b.period and not deal and not undated):
        return False
    if a.year and b.year and a.year != b.year:
        return False
    if a.unit != b.unit and ((a.unit and b.unit) or "%" in (a.unit, b.unit)):
        return False
    named_alike = a.measure == b.measure or _same_measure_but_region(a.measure, b.measure)
    if not named_alike and measure_family(a.measure) != measure_family(b.measure):
        return False
    if abs(a.value - b.value) <= SAME_FIGURE_TOLERANCE * max(abs(a.value), abs(b.value)):
        return True
    return bool(precision(a) and precision(b)) and not figure_changed(a, b)


@functools.cache
def _families() -> dict[str, str]:
    raw = data_yaml("measure_family.yaml") or {}
    return {str(k): str(v) for k, v in (raw.get("same") or {}).items()}


def measure_family(measure: str) -> str:
    """The measure a name reports, for merging one figure given twice: growth
    wording normalised (净利润同比增长, 净利润增长率 → 净利润增长), then the
    synonyms of briefing/data/measure_family.yaml (交付量 → 销量)."""
    base = GROWTH_WORDING_RE.sub("", measure)
    return _families().get(base, base)


_REGIONS = ("全球", "国内", "国际", "海外", "中国", "美国", "欧洲", "北美", "境内", "境外")


def _same_measure_but_region(a: str, b: str) -> bool:
    """ "全球市场份额" and "市场份额": one source names the market, the other leaves it
    implied (a memo summing up an article's figure)."""
    short, long = sorted((a, b), key=len)
    return long.endswith(short) and long[: len(long) - len(short)] in _REGIONS


def _precision(raw: str) -> int:
    return sum(c.isdigit() for c in raw)


def _classify(
    docs: list[Document],
    analyses: list[DocAnalysis],
    refs: list[_Ref],
    modes: list[Mode],
    in_section: dict[tuple[int, int], str],
) -> tuple[str | None, list[Quote]]:
    """The company's mode from the memo's own example lists and from the words of
    the memo's definitions in the passages about it (and its units), read with
    negation (:func:`mode_cues`), decided as the mode table decides (:func:`decide`)."""
    if not modes:
        return None, []
    cues: dict[str, list[str]] = {m.name: [] for m in modes}
    best: dict[str, tuple[int, _Ref]] = {}
    section_hits: set[str] = set()
    for r in dict.fromkeys((r.doc, r.sentence) for r in refs):
        ref = _Ref(*r)
        s = analyses[ref.doc].sentences[ref.sentence]
        if not s.quotable:
            continue
        text = docs[ref.doc].analysis_text[s.start : s.end]
        found = mode_cues(text, s.tokens, modes)
        section_mode = in_section.get((ref.doc, s.paragraph))
        if section_mode:
            section_hits.add(section_mode)
            found[section_mode] = [*found[section_mode], "备忘录列为例子", "备忘录列为例子 "]
        for mode, words in found.items():
            cues[mode].extend(w for w in words if w not in cues[mode])
            if words and len(words) > best.get(mode, (0, ref))[0]:
                best[mode] = (len(words), ref)
    decided = decide(cues, threshold=2)
    if len(section_hits) >= 2:
        decided = BOTH  # the memo itself files this organisation's units under several modes
    if decided == UNCLEAR:
        return None, []
    chosen = [m.name for m in modes] if decided == BOTH else [decided]
    evidence = [_quote(docs, analyses, best[m][1]) for m in chosen if m in best]
    return decided, evidence
