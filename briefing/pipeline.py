"""The pipeline: read → analyse → template → write. The library's main entry points."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import ConfigError, InputError, OutputError
from briefing.model import Briefing, Changes, Corpus

if TYPE_CHECKING:
    from briefing.chartspec import ChartSpec
    from briefing.executors import Executor
    from briefing.fonts import FontSet
    from briefing.listing import Listing

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class GenerateResult:
    """What ``generate`` wrote."""

    model: Briefing
    """The briefing model that was rendered."""
    files: dict[str, Path] = field(default_factory=dict)
    """Written files by kind: ``pdf``, ``docx``, ``json``."""


def analyze(
    source: Path,
    *,
    date: dt.date | None = None,
    title: str | None = None,
    corpus: Corpus | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    counter: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    max_themes: int | None = None,
    before_work: Callable[[], None] | None = None,
    made: Callable[[Briefing], None] | None = None,
) -> Briefing:
    """Read ``source`` (unless a corpus is given) and compute the briefing model
    (at most ``max_themes`` themes; default 8).

    ``before_work()`` is called once the model is known not to come from the
    cache, before anything is read or analysed (``generate`` starts its
    writers' process then); ``made(model)`` once such a model is computed,
    before it is cached (``generate`` has its charts drawn meanwhile).

    Per-document analyses come from the cache in the state folder where they
    can (``use_cache``); the rest are computed on ``executor`` (default:
    ``workers`` processes on this machine), each read and analysed in one go.
    ``counter(done, total)`` reports progress through the documents.

    With the cache, the whole model of a folder is kept too, keyed by every
    file's path and bytes, the date, title and theme limit and all of the code
    and data (:func:`briefing.cache.model_key`): a run over an unchanged folder
    reads and analyses nothing (and imports no analysis code).
    """
    return analyze_json(
        source,
        date=date,
        title=title,
        corpus=corpus,
        use_cache=use_cache,
        workers=workers,
        progress=progress,
        counter=counter,
        executor=executor,
        max_themes=max_themes,
        before_work=before_work,
        made=made,
    )[0]


def analyze_json(
    source: Path,
    *,
    date: dt.date | None = None,
    title: str | None = None,
    corpus: Corpus | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    counter: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    max_themes: int | None = None,
    before_work: Callable[[], None] | None = None,
    made: Callable[[Briefing], None] | None = None,
) -> tuple[Briefing, bytes | None]:
    """:func:`analyze`, and the model's JSON (:func:`model_bytes`) where it was made
    for the cache: ``analyze --json`` writes it rather than encoding the model again
    (a large folder's model takes a tenth of a second). None otherwise."""
    if corpus is None and use_cache:
        from briefing.cache import ModelCache, model_key
        from briefing.listing import list_folder

        date = date or dt.date.today()
        listing = list_folder(source)
        key = model_key(listing, date=date.isoformat(), title=title, max_themes=max_themes)
        models = None
        if key:
            try:
                models = ModelCache()
            except (OutputError, ConfigError) as exc:  # the per-document caches warn about it
                log.debug("%s: the folder's model is not cached", exc)
        cached = models.load(key) if models and key else None
        if cached is not None:
            model = Briefing.from_dict(json.loads(cached))
            _report_cached(listing, model, progress, counter)
            log.info("the model from the cache: no file changed since the last analysis with these options")
            return model, None
        if before_work:
            before_work()
        model = _analyze(
            source, date, title, None, True, workers, progress, counter, executor, max_themes, listing
        )
        if made:
            made(model)
        encoded = None
        if models and key:
            encoded = model_bytes(model)
            models.put(key, encoded)
        return model, encoded
    if before_work:
        before_work()
    model = _analyze(source, date, title, corpus, use_cache, workers, progress, counter, executor, max_themes)
    if made:
        made(model)
    return model, None


def model_bytes(model: Briefing) -> bytes:
    """The model's JSON as written beside the briefing and printed by ``analyze --json``."""
    return (json.dumps(model.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _report_cached(
    listing: Listing, model: Briefing, progress: Progress | None, counter: Callable[[int, int], None] | None
) -> None:
    """Progress for a model from the cache, as reading reports a warm folder: what was
    passed over, then each file in order, cached or skipped (with the model's reason)."""
    from briefing.listing import Report

    report = Report(len(listing.paths) + len(listing.passed_over), progress, counter)
    report.start(f"reading {len(listing.paths)} file(s) in {listing.source}")
    for skipped in listing.passed_over:
        report.file(skipped)
    reasons = {s.path: s for s in model.methodology.skipped}
    for i in range(len(listing.paths)):
        rel = listing.rel(i)
        if rel in reasons:
            report.file(reasons[rel])
        else:
            report.cached(rel)


def _analyze(
    source: Path,
    date: dt.date | None,
    title: str | None,
    corpus: Corpus | None,
    use_cache: bool,
    workers: int | None,
    progress: Progress | None,
    counter: Callable[[int, int], None] | None,
    executor: Executor | None,
    max_themes: int | None,
    listing: Listing | None = None,
) -> Briefing:
    from briefing.analysis import build_briefing
    from briefing.executors import bulk

    with bulk():
        if corpus is None:
            from briefing.batch import read_and_analyse

            corpus, analyses = read_and_analyse(
                source,
                use_cache=use_cache,
                workers=workers,
                executor=executor,
                progress=progress,
                counter=counter,
                listing=listing,
            )
            if not corpus.documents:
                raise InputError(_nothing_usable(source, corpus))
        else:
            from briefing.cache import analyse_documents

            if progress:
                progress(f"analysing {len(corpus.documents)} document(s)")
            analyses = analyse_documents(
                corpus.documents, use_cache=use_cache, workers=workers, progress=counter, executor=executor
            )
        themes = {"max_themes": max_themes} if max_themes else {}
        return build_briefing(corpus, date=date, title=title, analyses=analyses, **themes)


def _nothing_usable(source: Path, corpus: Corpus) -> str:
    """The error for a folder without a usable document: which folder, what was skipped, what to do."""
    skipped = corpus.skipped
    if not skipped:
        return f"no usable documents in {source}: it holds no files (hidden ones are ignored); add text, Markdown or HTML files"
    named = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) + ("; …" if len(skipped) > 3 else "")
    return (
        f"no usable documents in {source}: {len(skipped)} file(s) skipped ({named});"
        " add text, Markdown or HTML files in UTF-8, GB18030 or Big5"
    )


FORMATS = ("pdf", "docx")


def output_stem(date: dt.date) -> str:
    """``briefing-YYYY-MM-DD``: output files carry the briefing's date."""
    return f"briefing-{date.isoformat()}"


def generate(
    source: Path,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    template: str | None = None,
    date: dt.date | None = None,
    title: str | None = None,
    corpus: Corpus | None = None,
    changes: Changes | None = None,
    stem: str | None = None,
    fonts: FontSet | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    counter: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    max_themes: int | None = None,
) -> GenerateResult:
    """Generate the briefing for ``source`` into ``out_dir``.

    ``corpus`` replaces reading ``source`` (editions pass a filtered corpus);
    ``changes`` is shown as the edition's "what changed" section; ``stem``
    overrides the output file name stem (default ``briefing-YYYY-MM-DD``).
    Everything is rendered in memory first and the files are then moved into
    place together (:func:`briefing.writers.write_files`): a run that fails, or
    is killed, changes none of the final names and leaves no half-written file.
    """
    from briefing.cache import OutputCache, checked_template, output_key
    from briefing.children import Standby
    from briefing.fonts import default_fonts
    from briefing.writers import check_writable, remove_stale, write_files

    say = progress or (lambda _message: None)
    date = date or dt.date.today()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ConfigError(
            f"unknown format {', '.join(unknown) or '(none)'}: choose from {', '.join(FORMATS)}"
        )
    out_dir = Path(out_dir)
    check_writable(out_dir)
    used = checked_template(
        template, use_cache=use_cache
    )  # before any work: a bad template fails now, not some Monday
    fonts = fonts or default_fonts()
    if not use_cache:
        fonts = dataclasses.replace(fonts, subset_cache=False)
    wanted = tuple(f for f in FORMATS if f in formats)
    with contextlib.ExitStack() as stack:
        writers: list[Standby] = []

        def start_writers() -> None:
            # The model is to be computed: the writers' process imports the writers, parses
            # the fonts and reads their tables on the other core meanwhile (issue 15).
            if _writers_ahead(executor):
                writers.append(
                    stack.enter_context(
                        Standby(
                            "the writers",
                            _parse_and_write,
                            _writers_ahead_steps(fonts, wanted),
                            prepare=_draw_charts_ahead if "docx" in wanted else None,
                        )
                    )
                )

        drawing: list[bool] = []

        def draw_charts(model: Briefing) -> None:
            # The model as rendered (no edition's labels to keep): the DOCX's charts are
            # drawn in the writers' process while this one stores the model and renders.
            if writers and changes is None and "docx" in wanted:
                from briefing.chartspec import charts_for

                writers[0].prepare(charts_for(model), fonts)
                drawing.append(True)

        model, model_json = analyze_json(
            source,
            date=date,
            title=title,
            corpus=corpus,
            use_cache=use_cache,
            workers=workers,
            progress=progress,
            counter=counter,
            executor=executor,
            max_themes=max_themes,
            before_work=start_writers,
            made=draw_charts,
        )
        model.changes = changes
        if changes is not None:
            from briefing.analysis.themes import keep_labels

            keep_labels(model.themes, changes.continuing_themes)  # a continuing theme keeps its label
        if model_json is None or changes is not None:  # made for the model cache: the same bytes
            model_json = model_bytes(model)
        stem = stem or output_stem(date)
        outputs = OutputCache() if use_cache else None
        key = output_key(model_json, used, fonts, wanted)
        files = outputs.load(key, wanted) if outputs else None
        if files is not None:
            say("nothing changed since the last rendering: reusing its files")
        else:
            # The template is rendered here, where jieba (which clips quotes) is loaded;
            # the Markdown is parsed and written in the writers' process.
            from briefing.chartspec import charts_for
            from briefing.render import render

            if not writers:
                start_writers()  # the model came from the cache: prepared while the template renders
            charts = charts_for(model)
            if writers and not drawing:
                writers[0].prepare(charts, fonts)  # the DOCX's charts drawn while the template renders
            say("rendering the template")
            markdown = render(model, charts, template, use_cache=use_cache)
            if writers:
                files = writers[0].run(markdown, charts, fonts, date, wanted, say=say)
            else:
                files = _parse_and_write(markdown, charts, fonts, date, wanted, say=say)
            if outputs:
                outputs.store(key, files)
    files = {**files, "json": model_json}
    paths = {kind: out_dir / f"{stem}.{kind}" for kind in files}
    remove_stale(out_dir, [f"{stem}.{kind}" for kind in (*FORMATS, "json")])  # of killed runs, any format
    write_files({paths[kind]: data for kind, data in files.items()})
    for path in paths.values():
        say(f"wrote {path}")
    return GenerateResult(model=model, files=paths)


def _writers_ahead(executor: Executor | None) -> bool:
    """Whether the writers are prepared in a process of their own while the model is
    computed: a POSIX system with two cores or more, and the analysis on this
    machine (a Dask client runs threads a fork would copy in the middle of their work)."""
    from briefing.children import can_fork
    from briefing.executors import LocalExecutor

    return can_fork() and (executor is None or isinstance(executor, LocalExecutor))


WRITER_MODULES = {
    "": ("briefing.charts", "briefing.doctree"),
    "pdf": ("briefing.writers.pdf", "reportlab.graphics.renderPDF"),
    "docx": (
        "briefing.writers.docx",
        "fontTools.subset",
        "PIL.ImageDraw",
        "PIL.ImageFont",
        "PIL.PngImagePlugin",
    ),
}
"""What the writers' process imports ahead, for every format (``""``) and by format:
the writers and what they import on first use (charts drawn as vectors, subsets,
charts drawn as images)."""


def _writers_ahead_steps(fonts: FontSet, formats: tuple[str, ...]) -> list[Callable[[], object]]:
    """What writing needs whatever the model, in the order the writers' process
    prepares it: the parser and the writers imported (:data:`WRITER_MODULES`),
    the fonts parsed and registered with reportlab, Pillow's image formats and,
    for the DOCX, the document's empty start (python-docx's template with its
    styles, :func:`briefing.writers.docx.prepare_ahead`) and each face's tables
    read for its subset (:func:`briefing.writers.docx_fonts.read_ahead`), the
    step the font caches most often make unnecessary, last."""
    import importlib

    from briefing.fonts import register_reportlab

    steps: list[Callable[[], object]] = [
        functools.partial(importlib.import_module, name)
        for kind in ("", *formats)
        for name in WRITER_MODULES[kind]
    ]
    steps.append(functools.partial(register_reportlab, fonts))
    if "docx" in formats:
        steps.append(lambda: importlib.import_module("PIL.Image").preinit())
        steps.append(functools.partial(_docx_ahead, fonts))
        faces = [fonts.regular] if fonts.bold == fonts.regular else [fonts.regular, fonts.bold]
        steps += [functools.partial(_read_face_ahead, face) for face in faces]
    return steps


def _docx_ahead(fonts: FontSet) -> None:
    from briefing.writers.docx import prepare_ahead

    prepare_ahead(fonts)


def _draw_charts_ahead(charts: dict[str, ChartSpec], fonts: FontSet, *, stop: Callable[[], bool]) -> None:
    """The DOCX's charts as PNGs (:func:`briefing.charts.draw_ahead`), in the writers' process,
    until the rendered document arrives: the PDF writer then starts at once, and the
    DOCX writer draws the rest."""
    from briefing.charts import draw_ahead
    from briefing.writers.docx import TEXT_WIDTH

    draw_ahead(charts, TEXT_WIDTH.pt, fonts, stop=stop)


def _read_face_ahead(path: Path) -> None:
    from briefing.writers.docx_fonts import read_ahead

    read_ahead(path)


def _parse_and_write(
    markdown: str,
    charts: dict[str, ChartSpec],
    fonts: FontSet,
    date: dt.date,
    formats: tuple[str, ...],
    *,
    say: Progress,
) -> dict[str, bytes]:
    """The rendered Markdown parsed and written in ``formats``: each format's bytes.

    Runs in the writers' process (:class:`briefing.children.Standby`) when
    :func:`generate` started one, else here."""
    from briefing.doctree import check_links, parse

    document = parse(markdown)
    check_links(document)
    return _write(document, charts, fonts, date, formats, say)


def _write(
    document, charts, fonts, date: dt.date, formats: tuple[str, ...], say: Progress
) -> dict[str, bytes]:
    """Both writers, in two processes when both formats are wanted (the machine has the cores).

    The PDF writer's process dies with this one and is killed when this one
    stops early (an error, SIGTERM): it never outlives the run.
    """
    from briefing.children import Forked, can_fork
    from briefing.writers.docx import write_docx
    from briefing.writers.pdf import write_pdf

    files: dict[str, bytes] = {}
    if formats == ("pdf", "docx") and can_fork():
        say("writing PDF and DOCX")
        from briefing.fonts import register_reportlab

        # Parsed once, here: the PDF writer's forked process inherits the fonts,
        # and the DOCX writer's charts use them too (half a second each otherwise).
        register_reportlab(fonts)
        with Forked(
            "the PDF writer", functools.partial(write_pdf, date=date), document, charts, fonts
        ) as pdf:
            files["docx"] = write_docx(document, charts, fonts, date=date)
            files["pdf"] = pdf.result()
        return {f: files[f] for f in formats}
    if "pdf" in formats:
        say("writing PDF")
        files["pdf"] = write_pdf(document, charts, fonts, date=date)
    if "docx" in formats:
        say("writing DOCX")
        files["docx"] = write_docx(document, charts, fonts, date=date)
    return files
