"""Company cases: who did what, with which figures, under which business model."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from briefing.analysis.document import DocAnalysis, is_move
from briefing.gazetteer import gazetteer
from briefing.model import Company, Document, Figure, Mode, Quote
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


# ----------------------------------------------------------------- companies


def find_companies(
    docs: list[Document],
    analyses: list[DocAnalysis],
    modes: list[Mode],
    sections: list[ModeSection],
) -> list[Company]:
    """Every organisation the corpus discusses, one case per real-world entity."""
    gaz = gazetteer()
    refs: dict[str, list[_Ref]] = defaultdict(list)
    aliases: dict[str, list[str]] = defaultdict(list)
    discovered_type: dict[str, Counter[str]] = defaultdict(Counter)
    for d_index, a in enumerate(analyses):
        for m in a.mentions:
            refs[m.name].append(_Ref(d_index, m.sentence))
            if m.surface and m.surface not in aliases[m.name]:
                aliases[m.name].append(m.surface)
            if m.type:
                discovered_type[m.name][m.type] += 1

    in_section: dict[tuple[int, int], str] = {}
    for sec in sections:
        for p in sec.paragraphs:
            in_section[(sec.doc, p)] = sec.mode

    companies = []
    for name, rs in refs.items():
        org = gaz.orgs.get(name)
        kind = (
            org.type
            if org
            else discovered_type[name].most_common(1)[0][0]
            if discovered_type[name]
            else "company"
        )
        unique_sentences = list({(r.doc, r.sentence): r for r in rs}.values())
        documents = []
        for r in unique_sentences:
            if docs[r.doc].path not in documents:
                documents.append(docs[r.doc].path)
        moves = _moves(docs, analyses, name, unique_sentences)
        figures = _figures(docs, analyses, name)
        # A group is classified by what it and its units do (阿里巴巴 by 阿里云, 蚂蚁集团, …).
        family_refs = list(unique_sentences)
        for child in gaz.descendants(name):
            family_refs.extend(refs.get(child, []))
        mode, evidence = _classify(docs, analyses, family_refs, modes, in_section)
        companies.append(
            Company(
                name=name,
                aliases=aliases[name],
                type=kind,
                parent=org.parent if org else None,
                documents=documents,
                mentions=len(rs),
                moves=moves,
                figures=figures,
                mode=mode if kind in ("company", "investor", "product") else None,
                mode_evidence=evidence if kind in ("company", "investor", "product") else [],
                english=org.en if org else None,
            )
        )
    rank = {"company": 0, "investor": 0, "product": 1}
    companies.sort(key=lambda c: (rank.get(c.type, 2), -c.mentions, -len(c.documents), c.name))
    return companies


def _move_score(
    text: str, simplified: str, at: int, length: int, first_org: bool, tokens: list[str]
) -> float:
    """How well a sentence tells what an organisation did (not a passing mention)."""
    from briefing.analysis.document import _actions

    score = 0.0
    after = simplified[at + length : at + length + 14]
    words = after.lower().split()
    if any(a in after for a in _actions() if not a.isascii()) or any(a in words for a in _actions()):
        score += 2.5  # the organisation is the one acting: "依托京东推出…", "阿里云正式发布…"
    elif is_move(tokens, simplified):
        score += 1.0
    if first_org:
        score += 1.0
    if re.search(r"\d", text):
        score += 0.5
    if not 15 <= len(text) <= 160:
        score -= 2.0
    if text.endswith(("？", "?")):
        score -= 3.0
    return score


def _moves(
    docs: list[Document], analyses: list[DocAnalysis], name: str, refs: list[_Ref], limit: int = 4
) -> list[Quote]:
    scored = []
    for r in refs:
        a = analyses[r.doc]
        s = a.sentences[r.sentence]
        if not s.quotable or s.heading:
            continue
        text = docs[r.doc].text[s.start : s.end].strip()
        simplified = docs[r.doc].analysis_text[s.start : s.end]
        here = sorted((m for m in a.mentions if m.sentence == r.sentence), key=lambda m: m.start)
        own = [m for m in here if m.name == name]
        if not own:
            continue
        m = own[0]
        first = here[0].name == name
        scored.append(
            (
                _move_score(text, simplified, m.start - s.start, len(m.surface), first, s.tokens),
                r.doc,
                r.sentence,
            )
        )
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    return [_quote(docs, analyses, _Ref(d, i)) for score, d, i in scored[:limit] if score > 0]


def _figures(docs: list[Document], analyses: list[DocAnalysis], name: str) -> list[Figure]:
    out: list[Figure] = []
    seen = set()
    for d_index, a in enumerate(analyses):
        for f in a.figures:
            if f.org != name:
                continue
            s = a.sentences[f.sentence]
            # A placeholder ("「时间点」，合作伙伴已超过8000家") leaves the number itself intact.
            if s.garbled or s.meta:
                continue
            year = f.year
            if year is None and f.relative_year is not None and docs[d_index].date:
                year = int(docs[d_index].date[:4]) + f.relative_year
            key = (f.measure, f.value, f.unit, year)
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
            )
            twin = next((i for i, g in enumerate(out) if same_figure(g, figure)), None)
            if twin is None:
                out.append(figure)
            elif _precision(figure.raw) > _precision(out[twin].raw):
                figure.year = figure.year or out[twin].year
                out[twin] = figure
            elif out[twin].year is None:
                out[twin].year = figure.year
    return out


SAME_FIGURE_TOLERANCE = 0.005
"""Two reports of one figure differ by rounding ("302.4万辆", "302万辆"): at most this share."""


def same_figure(a: Figure, b: Figure) -> bool:
    """``a`` and ``b`` report one fact: same measure and unit, no conflicting
    year, values equal up to rounding."""
    if (a.measure, a.unit) != (b.measure, b.unit) or (a.year and b.year and a.year != b.year):
        return False
    return abs(a.value - b.value) <= SAME_FIGURE_TOLERANCE * max(abs(a.value), abs(b.value))


def _precision(raw: str) -> int:
    return sum(c.isdigit() for c in raw)


def _classify(
    docs: list[Document],
    analyses: list[DocAnalysis],
    refs: list[_Ref],
    modes: list[Mode],
    in_section: dict[tuple[int, int], str],
) -> tuple[str | None, list[Quote]]:
    """The company's mode from the memo's own examples and from cue terms around its mentions."""
    if not modes:
        return None, []
    totals: Counter[str] = Counter()
    section_hits: set[str] = set()
    best: dict[str, tuple[float, _Ref]] = {}
    for r in refs:
        s = analyses[r.doc].sentences[r.sentence]
        if not s.quotable:
            continue
        text = docs[r.doc].analysis_text[s.start : s.end]
        scores = mode_scores(s.tokens, text, modes)
        section_mode = in_section.get((r.doc, s.paragraph))
        if section_mode:
            section_hits.add(section_mode)
            scores[section_mode] = scores.get(section_mode, 0.0) + 3.0
        for mode, value in scores.items():
            totals[mode] += value
            if value > 0 and value > best.get(mode, (0.0, r))[0]:
                best[mode] = (value, r)
    decided = decide_mode(dict(totals), threshold=3.0)
    if len(section_hits) >= 2:
        decided = BOTH  # the memo itself files this organisation's units under several modes
    if decided is None:
        return None, []
    chosen = [m.name for m in modes] if decided == BOTH else [decided]
    evidence = [_quote(docs, analyses, best[m][1]) for m in chosen if m in best]
    return decided, evidence
