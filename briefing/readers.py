"""Readers: a path becomes a :class:`~briefing.model.Document`; a folder a :class:`~briefing.model.Corpus`."""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing import cleaning, memo, metadata
from briefing.cleaning import Block
from briefing.formats import Parsed, Unreadable, decode, detect_format, not_a_source, parse
from briefing.listing import MAX_BYTES, Listing, Report, iter_files, list_folder
from briefing.model import CleaningCount, Corpus, DataGap, Document, GarbledSpan, Heading, Skipped
from briefing.script import detect_language, to_simplified

log = logging.getLogger(__name__)


class _Counts:
    def __init__(self) -> None:
        self.counter: Counter[str] = Counter()
        self.order: list[str] = []

    def add(self, rule: str, n: int) -> None:
        if n:
            if rule not in self.counter:
                self.order.append(rule)
            self.counter[rule] += n

    def apply_text(self, rule: Callable[[str], tuple[str, int]], blocks: list[Block]) -> list[Block]:
        out = []
        for block in blocks:
            if block.kind == "code":
                out.append(block)
                continue
            text, n = rule(block.text)
            self.add(rule.__name__, n)
            out.append(replace(block, text=text) if text != block.text else block)
        return out

    def as_list(self) -> list[CleaningCount]:
        return [CleaningCount(rule=r, count=self.counter[r]) for r in self.order]


def _headline_like(text: str) -> bool:
    """A short line that ends no sentence: a headline standing as a paragraph."""
    return len(text.split()) <= 20 and not re.search(r"[.!?。！？]\s*$", text) and "\n" not in text


def read_document(path: Path, root: Path) -> Document:
    """Read, clean and describe one file; raise :class:`Unreadable` to skip it."""
    rel = path.relative_to(root).as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(
                f"too large ({size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from exc
    return document_from_bytes(rel, raw, path.suffix.lower())


def document_from_bytes(rel: str, raw: bytes, suffix: str = "") -> Document:
    """A file's bytes as a cleaned document; raise :class:`Unreadable` to skip it
    (also when it is no source: a folder's README, a data table)."""
    if reason := not_a_source(rel, raw):
        raise Unreadable(reason)
    if len(raw) > MAX_BYTES:
        raise Unreadable(
            f"too large ({len(raw) // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)"
        )
    text, encoding = decode(raw)
    return build_document(rel, text, encoding, suffix)


def build_document(rel: str, text: str, encoding: str, suffix: str = "") -> Document:
    """Turn decoded text into a cleaned document (the pure part of reading)."""
    counts = _Counts()
    fmt = detect_format(text, suffix)
    parsed: Parsed = parse(text, fmt)
    blocks = parsed.blocks
    raw_lines = parsed.raw_lines
    meta = dict(parsed.meta)
    warnings: list[str] = []
    if meta.get("author") and metadata.is_placeholder_author(str(meta["author"])):
        del meta["author"]  # "Staff Writer": a credit line may name the reporters
    elif meta.get("author") and (credited := metadata.reporter_credit(str(meta["author"]))):
        meta["author"] = credited[1]
        meta.setdefault("site", credited[0])

    blocks, filler = cleaning.drop_closing_filler(blocks)
    counts.add("remove_boilerplate", filler)
    for rule in cleaning.TEXT_RULES:
        blocks = counts.apply_text(rule, blocks)
    keep = [bool(b.text) for b in blocks]
    blocks, raw_lines = _filter(blocks, raw_lines, keep)

    # The article starts at its headline: what a saved or scraped page shows
    # above it is navigation, and the headline itself is the title.
    title = meta.get("title")
    headline = _headline(blocks, title, meta.get("page_title"))
    header_lines = [b.text for b in blocks[: (headline if headline is not None else -1) + 4]]
    if headline is not None:
        heading = blocks[headline].text.strip()
        page = metadata.strip_site_name(str(meta.get("page_title") or ""))
        # Cleaning joins CJK words a space kept apart; the page title has the headline as written.
        if not title and re.sub(r"\s", "", page) == re.sub(r"\s", "", heading):
            title = page
        title = title or metadata.headline_as_written(
            raw_lines[headline] if headline < len(raw_lines) else "", heading
        )
        counts.add("remove_boilerplate", headline)
        blocks, raw_lines = blocks[headline + 1 :], raw_lines[headline + 1 :]

    blocks_before = blocks
    placed = {id(b): i for i, b in enumerate(blocks)}  # where each block stood before any left
    blocks, removed, hints = cleaning.remove_boilerplate(blocks, memo.reference_blocks(blocks))
    counts.add("remove_boilerplate", removed)
    raw_lines = _follow(blocks_before, blocks, raw_lines)
    _hint(meta, "date", metadata.header_date(header_lines))
    _hint(meta, "url", hints.url)
    _hint(meta, "site", hints.site)

    # Bylines, datelines ("Apr 18th 2020", "Edwards 发表于 2025年07月17日") near
    # the top and a wire credit ("Reporting by …") at the end are metadata.
    found = 0
    for i, block in list(enumerate(blocks))[:4]:
        if block.kind == "item":
            continue
        if (author := metadata.byline(block.text)) and block.kind != "heading":
            _hint(meta, "author", author)
        elif posted := metadata.posted_by(block.text):
            _hint(meta, "author", posted[0])
            _hint(meta, "date", posted[1])
        elif (credit := metadata.credit_opening(block.text)) and (line := metadata.dateline(credit[1]))[0]:
            # "【經濟日報／記者王小華／台北報導】2024年10月30日": paper, reporter and date
            _hint(meta, "author", credit[0])
            _hint(meta, "site", credit[2])
            _hint(meta, "date", line[1])
        elif (paper := metadata.paper_credit(block.text)) and (line := metadata.dateline(paper[1]))[0]:
            # "【明報專訊】2024年9月27日": the paper and the date
            _hint(meta, "site", paper[0])
            _hint(meta, "date", line[1])
        elif reported := metadata.reporter_dateline(block.text):
            _hint(meta, "author", reported[0])
            _hint(meta, "site", reported[1])
            _hint(meta, "date", reported[2])
        elif (line := metadata.dateline(block.text))[0]:
            _hint(meta, "date", line[1])
        elif dated := metadata.dated_credit(block.text):
            # "2025-10-30 第一财经", "November 12, 2025 | Reuters": the date, then who
            _hint(meta, "site", dated[0])
            _hint(meta, "author", dated[1])
            _hint(meta, "date", dated[2])
            _hint(meta, "place", dated[3])
        elif site_first := metadata.site_date_credit(block.text):
            # "工商時報 2025/08/29 記者 陳怡君": who published, when, who wrote
            _hint(meta, "site", site_first[0])
            _hint(meta, "author", site_first[1])
            _hint(meta, "date", site_first[2])
        elif published := metadata.site_dateline(block.text):
            _hint(meta, "site", published[0])
            _hint(meta, "date", published[1])
        elif labelled := metadata.labelled_dateline(block.text):
            _hint(meta, "date", labelled)
        else:
            continue
        blocks[i] = replace(block, text="")
        found += 1
    for i in range(len(blocks) - 1, max(len(blocks) - 4, -1), -1):
        if blocks[i].kind == "para" and (credit := metadata.credit_line(blocks[i].text)):
            _hint(meta, "author", credit)
            blocks[i] = replace(blocks[i], text="")
            found += 1
            break
    # A wire dateline ("SHANGHAI/BEIJING (Reuters) -", "SEOUL —") or a reporter's credit
    # ("〔記者林郁婷／綜合報導〕") opening the first paragraph says who filed the story and
    # where: metadata, not its first sentence. A plain-text story's headline may stand
    # before it as a paragraph of its own (a short line that ends no sentence): the
    # dateline then opens the paragraph after it.
    paras = [i for i, b in enumerate(blocks[:6]) if b.kind == "para" and b.text][:2]
    if len(paras) == 2 and not _headline_like(blocks[paras[0]].text):
        paras = paras[:1]
    for first in paras:
        if credit := metadata.credit_opening(blocks[first].text):
            _hint(meta, "author", credit[0])
            if credit[2]:
                _hint(meta, "site", credit[2])
            blocks[first] = replace(blocks[first], text=credit[1])
            found += 1
            break
        if (paper := metadata.paper_credit(blocks[first].text)) and paper[1]:
            _hint(meta, "site", paper[0])
            blocks[first] = replace(blocks[first], text=paper[1])
            found += 1
            break
        if agency := metadata.agency_credit(blocks[first].text) or metadata.paper_dateline(
            blocks[first].text
        ):
            _hint(meta, "site", agency[0])
            _hint(meta, "date", agency[1])
            blocks[first] = replace(blocks[first], text=agency[2])
            found += 1
            break
        if line := metadata.wire_dateline(blocks[first].text, meta.get("place")):
            meta["place"] = line[0]
            blocks[first] = replace(blocks[first], text=line[1])
            found += 1
            break
    if found:
        counts.add("extract_byline", found)
        blocks, raw_lines = _filter(blocks, raw_lines, [bool(b.text) for b in blocks])
    # A heading left with nothing under it at the end ("## 重要经济日程" above a removed
    # disclaimer); not one that asks (a memo's last questions, "### AI手机会不会带来…？").
    trailing = 0
    while blocks and blocks[-1].kind == "heading" and not blocks[-1].text.rstrip().endswith(("？", "?")):
        blocks, raw_lines, trailing = blocks[:-1], raw_lines[: len(blocks) - 1], trailing + 1
    counts.add("remove_boilerplate", trailing)

    blocks_before = blocks
    # A plain text's headline is not the start of a broken first paragraph where a
    # line that stood between them has left ("猪周期反转？…仍不充分" / "来源：界面新闻
    # 2024-08-20" / "农业农村部数据显示…"); a first line wrapped mid-sentence still joins.
    parted = len(blocks) > 1 and placed.get(id(blocks[1]), 0) - placed.get(id(blocks[0]), 0) > 1
    head = 1 if parted and not title and metadata.looks_like_title(blocks[0], True) else 0
    rest, joined = cleaning.rejoin_broken_lines(blocks[head:])
    blocks = blocks[:head] + rest
    counts.add("rejoin_broken_lines", joined)
    raw_lines = _follow(blocks_before, blocks, raw_lines)

    # No headline: a title-like first line is the title (and leaves the body),
    # else the page's <title> without the site name.
    if not title and blocks and metadata.looks_like_title(blocks[0], len(blocks) > 1):
        title = metadata.headline_as_written(raw_lines[0] if raw_lines else "", blocks[0].text.strip())
        blocks, raw_lines = blocks[1:], raw_lines[1:]
    elif title and blocks and metadata.same_title(blocks[0].text.strip(), title):
        blocks, raw_lines = blocks[1:], raw_lines[1:]  # the heading repeats the front matter's title
    if not title and meta.get("page_title"):
        title = metadata.strip_site_name(str(meta["page_title"]))

    parts = memo.extract(blocks, raw_lines)
    kind = "memo" if memo.is_memo(memo.memo_signals(blocks, parts, title)) else "article"
    keep = [k or (kind == "article" and i in parts.question_blocks) for i, k in enumerate(parts.keep)]
    kept = [i for i, k in enumerate(keep) if k]
    todos = memo.questions(parts, kind == "memo", {block: n for n, block in enumerate(kept)}, title)
    blocks = [blocks[i] for i in kept]

    # Headings: markup headings, authors' numbered points, standalone short lines.
    headings: list[Heading] = []
    paragraphs: list[str] = []
    for i, block in enumerate(blocks):
        index = len(paragraphs)
        paragraphs.append(block.text)
        point = metadata.numbered_point(block.text) if block.kind in ("para", "heading") else None
        if block.kind == "heading":
            headings.append(
                Heading(
                    text=metadata.point_heading(point[1]) if point else block.text,
                    level=block.level,
                    paragraph=index,
                    number=point[0] if point else None,
                )
            )
        elif point:
            headings.append(
                Heading(text=metadata.point_heading(point[1]), level=3, paragraph=index, number=point[0])
            )
        elif fmt == "text" and metadata.standalone_heading(
            block, blocks[i - 1] if i else None, blocks[i + 1] if i + 1 < len(blocks) else None
        ):
            headings.append(Heading(text=block.text.strip(), level=2, paragraph=index))

    body = "\n\n".join(paragraphs)
    body, n = cleaning.collapse_whitespace(body) if body != body.strip() else (body, 0)
    counts.add("collapse_whitespace", n)

    garbled = []
    starts = _paragraph_starts(body)
    for start, end in cleaning.find_garbled(body):
        garbled.append(
            GarbledSpan(start=start, end=end, text=body[start:end], paragraph=_paragraph_of(starts, start))
        )
    counts.add("find_garbled", len(garbled))

    gaps = []
    spans = cleaning.find_placeholders(body, memo=kind == "memo")
    if kind == "memo":
        # "待核实：…" lines: the whole line is the fact the author has yet to verify.
        for start in starts:
            end = body.find("\n", start)
            end = len(body) if end < 0 else end
            if memo.verify_line(body[start:end]) and not any(start <= a < end for a, _ in spans):
                spans.append((start, end))
        spans.sort()
    for start, end in spans:
        para = _paragraph_of(starts, start)
        gaps.append(DataGap(text=body[start:end], paragraph=para, context=_sentence_around(body, start, end)))

    language = detect_language(body or title or "")

    if not title and paragraphs:
        title = metadata.title_from_sentence(paragraphs[0])
        warnings.append("no title line: title taken from the first sentence")
    date = None
    for candidate in (meta.get("date"), meta.get("time")):
        if candidate and (
            date := metadata.parse_date(str(candidate)) or metadata.parse_month(str(candidate))
        ):
            break
    if not date and title:
        date = metadata.parse_date(title, compact=kind == "memo") or metadata.title_month(title)
    if not date and parts.changelog:
        dated = sorted(e.date for e in parts.changelog if e.date)
        date = dated[-1] if dated else None
    if not date:
        warnings.append("no date found")
    if garbled:
        warnings.append(f"{len(garbled)} garbled span(s) excluded from quotes")

    return Document(
        path=rel,
        title=title,
        date=date,
        author=meta.get("author"),
        source_url=memo.clean_url(meta["url"]) if meta.get("url") else None,
        source_site=metadata.site_name(meta["site"]) if meta.get("site") else None,
        place=meta.get("place"),
        language=language,
        kind=kind,
        format=fmt,
        encoding=encoding,
        text=body,
        text_simplified=to_simplified(body) if language == "zh-Hant" else None,
        chars=len(body),
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        cleaning=counts.as_list(),
        garbled=garbled,
        warnings=warnings,
        headings=headings,
        todos=todos,
        references=parts.references,
        changelog=parts.changelog,
        data_gaps=gaps,
        description=meta.get("description"),
        tags=list(meta.get("tags") or []),
        categories=list(meta.get("categories") or []),
    )


# A block that reads as the body (not a menu, label or headline): long, or
# more than one sentence.
_SENTENCE_END_RE = re.compile(r"[。！？!?]|[.;](?:\s|$)")


def _is_prose(block: Block) -> bool:
    if block.kind not in ("para", "item"):
        return False
    text = block.text
    return len(text) >= (160 if text.isascii() else 80) or len(_SENTENCE_END_RE.findall(text)) >= 2


def _headline(blocks: list[Block], title: str | None, page_title: str | None) -> int | None:
    """Index of the block that is the document's headline, among the short
    blocks before its first paragraph of prose: the last one that repeats the
    front matter's title (a scraped page shows it once in the header and again
    above the article), else the first level-1 heading (not the site's name).
    """
    lead: list[Block] = []
    for block in blocks[:60]:
        if _is_prose(block):
            break
        lead.append(block)
    if title:
        repeats = [
            i for i, b in enumerate(lead) if b.kind != "item" and metadata.same_title(b.text.strip(), title)
        ]
        return repeats[-1] if repeats else None
    for i, block in enumerate(lead):
        if block.kind == "heading" and block.level == 1:
            if page_title and metadata.is_site_name(block.text.strip(), page_title):
                continue
            return i
    return None


def _hint(meta: dict[str, Any], key: str, value: Any) -> None:
    """Set a metadata field from a weaker source, unless a stronger one set it."""
    if value and not meta.get(key):
        meta[key] = value


def _filter(blocks: list[Block], raw: list[str], keep: list[bool]) -> tuple[list[Block], list[str]]:
    raw = (raw + [""] * len(blocks))[: len(blocks)]
    pairs = [(b, r) for b, r, k in zip(blocks, raw, keep, strict=True) if k]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _follow(before: list[Block], after: list[Block], raw: list[str]) -> list[str]:
    """Carry raw source lines along when a rule dropped or merged blocks."""
    raw = raw + [""] * (len(before) - len(raw))
    out, j = [], 0
    for block in after:
        while (
            j < len(before) and before[j] is not block and before[j].text != block.text[: len(before[j].text)]
        ):
            j += 1
        out.append(raw[j] if j < len(before) else "")
        j += 1
    return out


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n\n", text):
        starts.append(m.end())
    return starts


def _paragraph_of(starts: list[int], offset: int) -> int:
    return max(bisect.bisect_right(starts, offset) - 1, 0)  # a search, not a scan: big files have many spans


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。！？\n") + 1
    rights = [i for i in (text.find(c, end) for c in "。！？\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()


PARALLEL_READ_MIN = 48
"""Fewer files than this are read in-process: starting workers costs more than it saves."""


ReadJob = tuple[Path, Path, bytes | None]
"""A file to read: its path, the source folder, and its bytes when the parent already read them."""


def read_one(job: ReadJob, _shared: object = None) -> Document | Skipped:
    """Read and clean one file (in whatever process runs it); an unreadable one is skipped with a reason."""
    path, source, raw = job
    rel = path.relative_to(source).as_posix()
    try:
        if raw is not None:  # the bytes the cache key was made from
            return document_from_bytes(rel, raw, path.suffix.lower())
        return read_document(path, source)
    except Unreadable as exc:
        return Skipped(path=rel, reason=str(exc))


def warm_up_cleaning() -> None:
    """Load the cleaning rules' data before forking, so that workers share it."""
    build_document("warm-up.txt", "预热\n\n預熱 text", "utf-8")


class Reading:
    """The files of a source folder on their way to a corpus: those the
    document cache already holds, and jobs for the rest.

    :func:`read_corpus` runs the jobs itself; :func:`briefing.batch.read_and_analyse`
    runs them together with each document's analysis, in the same workers.
    """

    def __init__(
        self,
        source: Path,
        *,
        use_cache: bool = False,
        progress: Callable[[str], None] | None = None,
        counter: Callable[[int, int], None] | None = None,
        listing: Listing | None = None,
    ) -> None:
        listing = listing or list_folder(source, with_bytes=use_cache, listed=iter_files)
        self.source = listing.source
        self.paths, self.passed_over = listing.paths, listing.passed_over
        self.report = Report(len(self.paths) + len(self.passed_over), progress, counter)
        """Progress: each file reported once, as read, cached or skipped."""
        self.report.start(f"reading {len(self.paths)} file(s) in {self.source}")
        for skipped in self.passed_over:
            self.report.file(skipped)
        self.results: list[Document | Skipped | None] = [None] * len(self.paths)
        self.keys: dict[int, str] = {}
        self.raws: dict[int, bytes] = {}
        self.cache = None
        if use_cache:
            from briefing.cache import DocumentCache

            self.cache = DocumentCache()
            self.keys = listing.keys()
            self.raws = listing.take_bytes()  # each file's bytes go to its job, and are freed with it
            found = self.cache.get(list(self.keys.values()))
            for i, key in self.keys.items():
                if key in found:
                    self.results[i] = found[key]
                    del self.raws[i]
                    self.report.file(found[key], cached=True)
            log.info("%d of %d file(s) read from the cache", len(found), len(self.paths))

    def close(self) -> None:
        """Close the document cache (also when the run fails half-way)."""
        if self.cache is not None:
            self.cache.close()
            self.cache = None

    def todo(self) -> list[int]:
        """Positions of the files still to read."""
        return [i for i, r in enumerate(self.results) if r is None]

    def job(self, i: int, *, with_bytes: bool = False) -> ReadJob:
        """The job of file ``i``; ``with_bytes`` reads its bytes here (for workers that cannot see the file)."""
        raw = self.raws.pop(i, None)
        if raw is None and with_bytes:
            try:
                raw = self.paths[i].read_bytes()
            except OSError:
                raw = None  # the worker's own attempt gives the reason
        return (self.paths[i], self.source, raw)

    def finish(self, fresh: dict[int, Document | Skipped]) -> Corpus:
        """The corpus, in path order, with the files just read (each reported through
        :attr:`report` by the caller as it came in); those are stored in the document cache."""
        for i, result in fresh.items():
            self.results[i] = result
        self.raws.clear()
        if self.cache is not None:
            self.cache.put(
                {self.keys[i]: r for i, r in fresh.items() if isinstance(r, Document) and i in self.keys}
            )
        self.close()
        corpus = Corpus()
        for result in sorted([*self.results, *self.passed_over], key=lambda r: r.path if r else ""):
            assert result is not None
            if isinstance(result, Skipped):
                corpus.skipped.append(result)
            else:
                corpus.documents.append(result)
        return corpus


def read_corpus(
    source: Path,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    use_cache: bool = False,
    counter: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Read every file under ``source``; unreadable files are listed with a reason.

    With ``use_cache``, a file whose path and bytes were read before by the
    same reading code and data comes from the state folder's document cache.
    Large folders are read by one forked worker per core; the result is the
    same, in the same order.

    ``progress`` gets one line first (``reading N file(s) in SOURCE``), then
    exactly one line per file as its outcome is known: ``read PATH``,
    ``cached PATH`` or ``skipped PATH: REASON``. ``counter(done, total)``
    follows the files, from ``(0, total)``.
    """
    from briefing.executors import LocalExecutor

    reading = Reading(source, use_cache=use_cache, progress=progress, counter=counter)
    try:
        todo = reading.todo()
        jobs = [reading.job(i) for i in todo]
        executor = LocalExecutor(workers, min_items=PARALLEL_READ_MIN, before_fork=warm_up_cleaning)
        fresh = {
            todo[position]: reading.report.file(result) for position, result in executor.map(read_one, jobs)
        }
        return reading.finish(fresh)
    finally:
        reading.close()
