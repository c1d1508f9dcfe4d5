"""The analyser: documents become the briefing model.

The per-document step (:func:`analyse_document`) is a pure function of one
document's text and is what the cache stores; the aggregate steps below
(themes, companies, questions, summary) work from its results.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from briefing import __version__
from briefing.analysis.companies import find_companies, find_modes, link_mode_questions, market_figures
from briefing.analysis.copies import drop_copies
from briefing.analysis.document import DocAnalysis, analyse_document
from briefing.analysis.key_figures import key_figures
from briefing.analysis.questions import find_questions, theme_angles
from briefing.analysis.summary import summarize
from briefing.analysis.themes import MAX_THEMES, find_themes, gists_apart
from briefing.errors import InputError
from briefing.model import (
    Briefing,
    CleaningCount,
    Corpus,
    DocumentGap,
    GarbledPassage,
    Methodology,
    Quote,
    Reference,
    Source,
)

DEFAULT_TITLE = "行业简报"

Analyser = Callable[[Corpus], list[DocAnalysis]]


def analyse_all(corpus: Corpus) -> list[DocAnalysis]:
    """Per-document analysis without a cache (the cache wraps this, see briefing.cache)."""
    return [analyse_document(doc) for doc in corpus.documents]


def build_briefing(
    corpus: Corpus,
    *,
    date: dt.date | None = None,
    title: str | None = None,
    analyses: list[DocAnalysis] | None = None,
    max_themes: int = MAX_THEMES,
) -> Briefing:
    """The briefing model for a corpus (at most ``max_themes`` themes)."""
    docs = corpus.documents
    if not docs:
        raise InputError(
            "no usable documents" + (f" ({len(corpus.skipped)} file(s) skipped)" if corpus.skipped else "")
        )
    if analyses is None:
        analyses = analyse_all(corpus)
    # the same story twice (two sites, the other script) is one source
    docs, analyses, copies = drop_copies(docs, analyses)
    spares: dict[str, list[Quote]] = {}
    referents: dict[str, tuple[str, str]] = {}
    themes, subject = find_themes(docs, analyses, max_themes=max_themes, spares=spares, referents=referents)
    modes, sections = find_modes(docs, analyses)
    companies = find_companies(docs, analyses, modes, sections)
    questions = find_questions(docs, analyses, companies, modes)
    link_mode_questions(companies, questions)
    theme_angles(questions, themes)
    summary = summarize(docs, analyses, themes)
    gists_apart(themes, [t.text for t in summary], spares, referents)

    dates = sorted(d.date for d in docs if d.date)
    sources = [
        Source(
            number=i,
            path=d.path,
            title=d.title or d.path,
            date=d.date,
            language=d.language,
            kind=d.kind,
            author=d.author,
            url=d.source_url,
            site=d.source_site,
        )
        for i, d in enumerate(docs, start=1)
    ]
    cleaning: Counter[str] = Counter()
    order: list[str] = []
    for d in docs:
        for c in d.cleaning:
            if c.rule not in cleaning:
                order.append(c.rule)
            cleaning[c.rule] += c.count
    references: list[Reference] = []
    seen: set[tuple[str | None, str]] = set()  # a set, not a scan of the list: archives hold many memos
    for d in docs:
        for r in d.references:
            if (r.url, r.title) not in seen:
                seen.add((r.url, r.title))
                references.append(r)
    methodology = Methodology(
        cleaning=[CleaningCount(rule=r, count=cleaning[r]) for r in order],
        garbled=[
            GarbledPassage(document=d.path, paragraph=g.paragraph, text=g.text)
            for d in docs
            for g in d.garbled
        ],
        data_gaps=[
            DocumentGap(document=d.path, text=g.text, context=g.context) for d in docs for g in d.data_gaps
        ],
        skipped=sorted([*corpus.skipped, *copies], key=lambda x: x.path),
        references=references,
    )
    return Briefing(
        title=title or (f"{subject}简报" if subject else DEFAULT_TITLE),
        subject=subject,
        date=(date or dt.date.today()).isoformat(),
        period_start=dates[0] if dates else None,
        period_end=dates[-1] if dates else None,
        sources=sources,
        themes=themes,
        companies=companies,
        modes=modes,
        questions=questions,
        summary=summary,
        methodology=methodology,
        version=__version__,
        key_figures=key_figures(companies + market_figures(docs, analyses), {d.path: d.kind for d in docs}),
    )


__all__ = ["DocAnalysis", "analyse_all", "analyse_document", "build_briefing"]
