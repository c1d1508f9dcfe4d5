"""Template stage: the briefing model becomes Markdown through a Jinja2 template.

Templates live in ``templates/`` (the default is ``briefing.md.j2``); a user
copies one, edits it and passes ``--template PATH``. Every ``{{ value }}`` is
escaped for Markdown unless a filter marks it safe, so text from the sources
can never turn into markup. Errors name the template file and line.

:func:`check_template` reads a template and everything it includes, extends
or imports before any work is done, so that an unknown filter in a branch the
data reach only some weeks fails when the template is chosen. Templates run
in Jinja2's sandbox and can read only files inside their template folders.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import logging
import os
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.meta
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefing.errors import TemplateError
from briefing.excerpts import (
    ELLIPSIS,
    MEMO_SUMMARY_RE,
    actor_stub,
    claim_stub,
    clip,
    display,
    drop_connective,
    finish_cut,
    is_chinese,
    says_nothing,
    short_clause,
    squash,
    with_owner,
    zh_quotes,
)
from briefing.labels import (
    KIND_ZH,
    LANGUAGE_ZH,
    RULE_ZH,
    STATUS_ZH,
    TYPE_ZH,
    format_figure,
    format_key_value,
    format_number,
    found_by_zh,
    key_when,
    mention_groups,
    skip_reason_zh,
)
from briefing.model import Briefing, Figure, Methodology
from briefing.script import HAN, content_bigrams, to_simplified
from briefing.template_files import SUFFIX, lookup, search

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from briefing.chartspec import ChartSpec

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!])")


def escape_md(value: Any) -> str:
    """Text made inert in Markdown (and kept on one line)."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _resolve(template: str | None) -> tuple[jinja2.BaseLoader, str]:
    """A loader and a name for ``--template NAME|PATH``."""
    folders, name = search(template)
    return _FolderLoader(folders), name


class _FolderLoader(jinja2.FileSystemLoader):
    """A file system loader that reads nothing outside its folders, not even through a link
    (:func:`briefing.template_files.lookup`)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        found = lookup(self.searchpath, template)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        filename, source = found
        mtime = os.path.getmtime(filename)
        return source, filename, lambda: os.path.getmtime(filename) == mtime


class TemplateCodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between runs: Jinja2 compiles a template to Python
    code on every run otherwise (about 0.15 s for the shipped one, a tenth of a
    cold ``generate``).

    One file per template in ``folder`` (the user's cache folder,
    :func:`briefing.user_cache.cache_folder`, beside jieba's dictionary cache: what
    it holds depends only on the template's text and the code, not on a state
    folder, so a new state folder finds it too). Jinja2 names the file by the
    template's name and path and checks the template's text against the one the
    code was compiled from; the name also carries Jinja2's and Python's
    versions and this module's own code (which configures the environment the
    code was generated for), so code from another version is never read. A file
    starts with the SHA-256 of the rest: a damaged or foreign file is a miss
    (compiled again and replaced), never an error. Files are written to a
    temporary name and renamed into place, so concurrent runs each see a whole
    file or none.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}-{_code_version()}.jinja"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            blob = self._path(bucket).read_bytes()
        except OSError:
            return
        if len(blob) < 32 or hashlib.sha256(blob[32:]).digest() != blob[:32]:
            log.debug("compiled template %s damaged: compiled again", bucket.key[:12])
            return
        try:
            bucket.bytecode_from_string(blob[32:])
        except Exception as exc:  # a cache entry only saves time: any failure is a miss
            log.debug("compiled template %s unreadable (%s): compiled again", bucket.key[:12], exc)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        import tempfile

        data = bucket.bytecode_to_string()
        path = self._path(bucket)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".template-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(hashlib.sha256(data).digest() + data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.debug("could not keep the compiled template: %s", exc)


@functools.cache
def _code_version() -> str:
    """Jinja2's and Python's versions and this module's code, hashed: part of a compiled template's file name."""
    digest = hashlib.sha256(f"{jinja2.__version__}:{sys.version}".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _code_cache() -> TemplateCodeCache:
    from briefing.user_cache import cache_folder

    return TemplateCodeCache(cache_folder() / "templates")


def _environment(loader: jinja2.BaseLoader, code_cache: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=loader,
        bytecode_cache=_code_cache() if code_cache else None,
        undefined=jinja2.StrictUndefined,
        finalize=escape_md,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env


# Filters whose first (select, reject) or second (selectattr, rejectattr)
# argument names a test, and filters whose first argument names a filter.
_TEST_ARGUMENT = {"select": 0, "reject": 0, "selectattr": 1, "rejectattr": 1}
_FILTER_ARGUMENT = {"map": 0}


def check_template(template: str | None, *, lookups: list[list[str | None]] | None = None) -> list[Path]:
    """Check a template before any work: :class:`TemplateError` naming file and line.

    Parses the template and every template it includes, extends or imports,
    and rejects, in every branch whether or not the data will reach it, a
    syntax error, an unknown filter or test (also those named as strings, as
    in ``map("figure")`` or ``selectattr("x", "ge", 3)``), a missing included
    template, and an include whose name is computed (it could not be checked).
    Returns the files rendering reads, the template itself first, each resolved
    by name through the loader as rendering resolves it (the rendered-file
    cache keys on exactly these). ``lookups`` receives ``[name, filename,
    SHA-256 of the text]`` of each template the check looked up (filename and
    hash null for an optional include that was not found), so that a later run
    can see that nothing it read changed (:func:`briefing.cache.checked_template`).
    """
    loader, name = _resolve(template)
    env = _environment(loader)
    env.filters.update(_filters(_blank_model()))  # only the names matter here
    files: dict[str, Path] = {}
    seen: set[str] = set()
    queue: list[tuple[str, str | None, bool]] = [(name, None, False)]
    while queue:
        current, origin, optional = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source, filename, _ = loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            if optional:
                if lookups is not None:
                    lookups.append([current, None, None])
                continue
            raise TemplateError(f"{origin + ': ' if origin else ''}template not found: {current}") from None
        if lookups is not None:
            lookups.append([current, filename, hashlib.sha256(source.encode("utf-8")).hexdigest()])
        files[current] = Path(filename or current)
        try:
            tree = env.parse(source, current, filename)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{filename}:{exc.lineno}: {exc.message}") from None
        _check_names(env, tree, filename)
        for node in tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
            where = f"{filename}:{node.lineno}"
            names = _literal_names(node.template)
            if names is None:
                raise TemplateError(
                    f"{where}: the name of an included, extended or imported template must be"
                    " a literal string, so that it can be checked before the run"
                )
            optional = isinstance(node, nodes.Include) and node.ignore_missing
            queue.extend((n, where, optional) for n in names)
    main = files.pop(name)
    return [main, *sorted(set(files.values()) - {main})]


def _blank_model() -> Briefing:
    """A model with nothing in it: checking a template needs the filters' names, not data."""
    empty = Methodology(cleaning=[], garbled=[], data_gaps=[], skipped=[], references=[])
    return Briefing(
        title="", date="", period_start=None, period_end=None, sources=[], themes=[], companies=[],
        modes=[], questions=[], summary=[], methodology=empty,
    )  # fmt: skip


def _literal_names(node: nodes.Expr) -> list[str] | None:
    """Template names a literal (or a list of literals) gives; None for a computed one."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.List | nodes.Tuple):
        found = [_literal_names(item) for item in node.items]
        if all(f is not None for f in found):
            return [n for f in found if f for n in f]
    return None


def _check_names(env: jinja2.Environment, tree: nodes.Template, filename: str) -> None:
    """Every filter and test the template names exists."""
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind = "filter" if isinstance(node, nodes.Filter) else "test"
        _known(env, kind, node.name, f"{filename}:{node.lineno}")
        if not isinstance(node, nodes.Filter) or any(k.key == "attribute" for k in node.kwargs):
            continue
        for table, named in ((_TEST_ARGUMENT, "test"), (_FILTER_ARGUMENT, "filter")):
            index = table.get(node.name)
            if index is not None and len(node.args) > index:
                arg = node.args[index]
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    _known(env, named, arg.value, f"{filename}:{node.lineno}")


def _known(env: jinja2.Environment, kind: str, name: str, where: str) -> None:
    table = env.filters if kind == "filter" else env.tests
    if name in table:
        return
    close = difflib.get_close_matches(name, list(table), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    listed = (
        "the README lists the filters"
        if kind == "filter"
        else "Jinja2's tests are listed in its documentation"
    )
    raise TemplateError(f"{where}: unknown {kind} {name!r} ({hint}{listed})")


NEAR_FULL = 0.6
_CLAUSE_MARKS = "，,；;：:、。！？!?—"
_ANSWER_CLAUSE_RE = re.compile(r"[^，,；;。！？!?]+[，,；;。！？!?]?")


def answering_clause(sentence: str, question: str, least: int = 3) -> str | None:
    """The clause of ``sentence`` that shares most with ``question`` (at least
    ``least`` two-character words of it), cut at its clause marks with an ellipsis
    where the sentence goes on; None when no clause does, or the sentence is one clause."""
    clauses = [m.group() for m in _ANSWER_CLAUSE_RE.finditer(sentence) if m.group().strip()]
    if len(clauses) < 2:
        return None
    asked = content_bigrams(to_simplified(question))
    scored = [(len(content_bigrams(to_simplified(c)) & asked), -i, i) for i, c in enumerate(clauses)]
    best, _, at = max(scored)
    if best < least:
        return None
    body = clauses[at].strip()
    if at + 1 < len(clauses):
        body = body.rstrip("，,；;：:") + ELLIPSIS
    return (ELLIPSIS if at else "") + body


_SENTENCE_ENDS = ("。", "！", "？", ".", "!", "?")
_QUOTE_ENDS = ("。”", "！”", "？”", "。」", "！」", "？」")
"""A quotation that ends a sentence of its own: a later use may stop there, before its speaker."""
_CLAUSE_SPLIT_RE = re.compile(r"(?<=[，；;。！？!?])|(?<=(?<!\d),)|(?<=\d,)(?!\d)")
"""Share of a sentence a clip must show for the sentence to count as said."""


class QuoteBook:
    """What the rendered briefing has quoted so far, so that it says each thing once.

    Every source sentence the model holds (takeaways, theme quotes, moves,
    figures' sentences, evidence) is known with the language of its
    document. The first time one is shown in full it is shown in the
    briefing's script (:func:`briefing.excerpts.display`); any later use
    shows only a short clause that carries its claim, and the template's
    citation points to it. A clip that shows most of a sentence
    (``NEAR_FULL``) counts as the sentence said, and so does a clause of it
    the model holds ready-cut (a case's move): both are repeats the second
    time. The memos' questions and the sources' titles are known too, but
    only to be shown in the briefing's script: a question is the reader's
    navigation and is never cut to a stub. The filters ``quote``, ``clip``
    and ``clause`` and every plain ``{{ value }}`` go through here, in the
    order the template renders them.
    """

    def __init__(self, model: Briefing) -> None:
        language = {s.path: s.language for s in model.sources}
        self.language: dict[str, str] = {}
        self.findings: set[str] = set()
        """Known texts that are findings (said once; an opening connective may go)."""
        for text, path, finding in _source_texts(model):
            self.language.setdefault(text, language.get(path, "zh-Hans"))
            if finding:
                self.findings.add(text)
        self.names = sorted(
            {n for c in model.companies for n in (c.name, *c.aliases) if len(n) >= 2}, key=len, reverse=True
        )
        self.families: dict[str, set[str]] = {}
        """Every name of an organisation by each of its names (HSBC → 汇丰控股, HSBC, 匯豐控股)."""
        for c in model.companies:
            family = {n for n in (c.name, c.english, *c.aliases) if n and len(n) >= 2}
            family |= {display(n, _guess_language(n)) for n in family}
            for n in family:
                self.families.setdefault(n, set()).update(family)
        self.labels = {n for c in model.companies for n in (c.name, c.english, *c.aliases) if n}
        """Names a template prints on their own: never taken for a clause of a sentence."""
        self.shown: dict[str, str] = {}
        """Squashed display form → display form of every sentence shown in full."""
        self.homes: dict[str, str] = {}
        """Where the reader finds a sentence a pointer refers to (关键结论2, 主题1), by text."""
        for i, t in enumerate(model.summary, 1):
            self.homes.setdefault(t.text, f"关键结论{i}")
        for i, th in enumerate(model.themes, 1):
            for text in (
                th.gist,
                *(th.gist_source.text for th in [th] if th.gist_source),
                *(q.text for q in th.quotes),
            ):
                self.homes.setdefault(text, f"主题{i}")
        self._context: str | None = None
        """The organisation whose row or profile is being rendered (a pointer names it)."""
        self.where: dict[str, str] = {}
        """Squashed display form → where it was first shown in full (a home label)."""
        self.pieces: set[str] = set()
        """Squashed parts of sentences shown only in part (clips, ready-cut clauses)."""
        self.stubs: set[str] = set()
        """Squashed later uses shown (a said sentence's clause under an organisation):
        a list under an organisation does not show one again (see :meth:`told`)."""
        self._sentences: list[str] | None = None
        self._displays: dict[str, str] | None = None

    def known(self, value: Any) -> bool:
        return isinstance(value, str) and not isinstance(value, Markup) and value in self.language

    def _display(self, text: str) -> str:
        shown = display(text, self.language.get(text) or _guess_language(text))
        return finish_cut(drop_connective(shown)) if text in self.findings else shown

    def _seen(self, key: str) -> bool:
        """Said already: shown in full (also inside a longer passage), or most of it shown in a clip."""
        if any(key in k for k in self.shown):
            return True
        return any(p in key and len(p) >= NEAR_FULL * len(key) for p in self.pieces)

    def _mark(self, shown: str, text: str | None = None) -> None:
        key = squash(shown.lstrip(ELLIPSIS))
        if key:
            self.shown[key] = shown
            home = self.homes.get(text) if text else None
            home = home or (f"上文{self._context}" if self._context else None)
            if home:
                self.where.setdefault(key, home)
        if ELLIPSIS in shown:
            self._mark_part(shown)  # a clip the model holds (a gist): most of a sentence is said

    def _mark_part(self, shown: str) -> None:
        for part in shown.split(ELLIPSIS):
            key = squash(part)
            if len(key) >= 6:
                self.pieces.add(key)

    def answer(self, text: str, question: str | None = None) -> str:
        """A question's answer, which must stand on its own: in full the first time;
        once said, a clause of it that stands alone (see :meth:`passage`): given the
        ``question``, the clause that answers it (客单价 or 客流? → "…同店销售的下滑主要
        来自客单价下降。", not the sentence's opening claim), and in full again only
        where no clause can (never its bare opening clause)."""
        shown = display(str(text), self.language.get(str(text)) or _guess_language(str(text)))
        key = squash(shown.lstrip(ELLIPSIS))
        if key and self._seen(key):
            standing = (answering_clause(shown, question) if question else None) or self._stands_for(
                shown, key
            )
            if standing:
                self._mark_part(standing)
                return standing
        self._mark(shown, str(text))
        return shown

    def quote(self, text: str) -> str:
        """A finding in full the first time, a short clause that carries its claim
        afterwards; a question or a title always in full, in the briefing's script."""
        shown = self._display(str(text))
        if str(text) not in self.findings and self.known(text):
            return shown
        key = squash(shown.lstrip(ELLIPSIS))
        if key and self._seen(key):
            return self._pointer(shown, key)
        for k, earlier in self.shown.items():
            if k in key and len(k) < len(key):
                # A passage that holds a sentence quoted before: that part as a pointer.
                shown = shown.replace(earlier, short_clause(earlier, names=self.names))
                shown = shown.replace(ELLIPSIS + "。", ELLIPSIS)  # the cut sentence's end goes with it
        self._mark(shown, str(text))
        return shown

    def _pointer(self, shown: str, key: str, limit: int = 24, actors: list[str] | None = None) -> str:
        """What a later use shows: whole clauses, never all of it again. Under an
        organisation (``actors``: its names) the clause that names it with its verb
        and object; elsewhere the clause that carries the claim. When no clause can
        stand for the sentence, a pointer to where it was said ("见关键结论2")."""
        stub = actor_stub(shown, actors) if actors else claim_stub(shown, max(limit, 40))
        if stub is None or squash(stub.strip(ELLIPSIS)) == key:
            return self._refer(key)
        self.stubs.add(squash(stub.strip(ELLIPSIS)))
        return stub

    def passage(self, text: str, names: Iterable[str] = ()) -> str:
        """A question's passage (an angle, a memo's note): in full the first time; once
        said, the clause that carries its claim, else its opening cut with an ellipsis;
        empty where only a pointer back ("见上文") could stand for it: under a question
        each passage stands on its own, and one said before in few words is not
        repeated. ``names``: what the passage is shown for (an angle's label, 淘宝):
        once said, the clause that names it comes first ("…淘宝的千人千面…", not the
        sentence's opening "以大数据、云计算为开始…", which says nothing of 淘宝)."""
        shown = self._display(str(text))
        key = squash(shown.lstrip(ELLIPSIS))
        if not key or not self._seen(key):
            return self.quote(text)
        stub = actor_stub(shown, names) if names else None
        if stub is not None and squash(stub.strip(ELLIPSIS)) != key:
            self._mark_part(stub)
            return stub
        standing = self._stands_for(shown, key)
        if standing is None:
            return ""
        self._mark_part(standing)
        return standing

    def standing(self, items: list[Any]) -> list[Any]:
        """The passages (objects with ``text``) a question shows: those not said before,
        or said but with a clause or an opening that can stand for them (see :meth:`passage`)."""
        out = []
        for item in items:
            shown = self._display(str(item.text))
            key = squash(shown.lstrip(ELLIPSIS))
            if not key or not self._seen(key) or self._stands_for(shown, key) is not None:
                out.append(item)
        return out

    def told(self, items: list[Any], company: Any) -> list[Any]:
        """The sentences (objects with ``text``) shown under an organisation: those not
        said before, or said but with a clause that names it (see :meth:`about`). One
        said before that only a pointer back could stand for ("见上文…", "见关键结论1")
        is left out: a bullet says something, and the citation is where it was said."""
        actors = self.actors(company)
        out = []
        for item in items:
            text = str(item.text)
            shown = self._display(text)
            key = squash(shown.lstrip(ELLIPSIS))
            if not (self.known(text) and text in self.findings) or not key or not self._seen(key):
                out.append(item)
                continue
            stub = actor_stub(shown, actors)
            if stub is None or squash(stub.strip(ELLIPSIS)) == key:
                continue  # only a pointer back could stand for it
            if squash(stub.strip(ELLIPSIS)) in self.stubs:
                continue  # this very clause was shown before (its row in the case table): once is enough
            out.append(item)
        return out

    def _stands_for(self, shown: str, key: str) -> str | None:
        """What can stand for a sentence said before, without marking it: a claim's clause
        or the opening cut with an ellipsis (a short clause cut before stands for itself);
        None when only a pointer could."""
        if shown.startswith(ELLIPSIS) and len(key) <= 48:
            return shown
        stub = claim_stub(shown, 40)
        if stub is not None and squash(stub.strip(ELLIPSIS)) != key:
            return stub
        limit = max(12, int(len(key) * NEAR_FULL) - 1)
        cut = clip(shown, limit, names=self.names)
        if ELLIPSIS in cut and len(squash(cut.strip(ELLIPSIS))) < len(key):
            body = cut.rstrip(ELLIPSIS).rstrip()
            rest = shown[len(body) :].lstrip() if shown.startswith(body) else ""
            if rest[:1] and rest[:1] in _CLAUSE_MARKS:
                return cut  # the opening clause; never cut between words ("当前CPO在AI…" of "…数据中心渗透率≈0.5%")
            if body.endswith(_QUOTE_ENDS) and rest:
                return cut  # the words quoted, without their speaker ("“没有自己的IP，…卡脖子。”…")
        return None

    def _standing(self, shown: str, key: str) -> str:
        """A later use that stands on its own: the clause that carries the claim, else the
        sentence's opening cut at a clause (or between words) with an ellipsis; a pointer
        to where it was said only when the sentence is too short to cut."""
        standing = self._stands_for(shown, key)
        if standing is None:
            return self._refer(key)
        self._mark_part(standing)
        return standing

    def _unless_pointer(self, shown: str, key: str) -> str:
        """``shown``, or "" where it is only a pointer back ("见主题2"): a bullet of
        evidence says something; where it was said is told beside the list (:meth:`where_said`)."""
        return "" if shown == self._refer(key) else shown

    def where_said(self, text: str) -> str:
        """Where a sentence was shown in full ("主题2", "关键结论1"; "上文" when unknown)."""
        key = squash(self._display(str(text)).lstrip(ELLIPSIS))
        return self._refer(key).removeprefix("见")

    def _refer(self, key: str) -> str:
        """A pointer to where the sentence was shown in full (the citation follows it)."""
        home = self.where.get(key) or next((h for k, h in self.where.items() if key in k), None)
        return f"见{home}" if home else "见上文"

    def actors(self, company: Any) -> list[str]:
        """Every name of an organisation (its names in either script, its English name)."""
        names = {n for n in (company.name, company.english, *company.aliases) if n and len(n) >= 2}
        names |= {m for n in list(names) for m in self.families.get(n, ())}
        return sorted(names, key=len, reverse=True)

    def about(self, value: Any, company: Any) -> str:
        """A sentence or a ready-cut clause shown under an organisation: in full the
        first time; later the clause that names the organisation (see :meth:`_pointer`)."""
        actors = self.actors(company)
        if self.known(value) and str(value) in self.findings:
            shown = self._display(str(value))
            key = squash(shown.lstrip(ELLIPSIS))
            if key and self._seen(key):
                return self._pointer(shown, key, actors=actors)
            if MEMO_SUMMARY_RE.match(to_simplified(shown)):
                # a memo's summary line ("主要发现：…") lists many organisations' findings:
                # under one of them, the clause that names it
                stub = actor_stub(shown, actors)
                if stub is not None:
                    self._mark_part(stub)
                    return stub
            self._context = company.name
            try:
                return self.quote(value)
            finally:
                self._context = None
        if self.known(value):
            return self._display(str(value))
        piece = self.fragment(value, actors)
        return str(value) if piece is None else piece

    def on(self, value: Any, terms: list[str], owner: str = "", pointer: str = "") -> str:
        """A theme's sentence: in full the first time; once said, the clause that
        holds the theme's label (else one of its terms), not the sentence's first
        clause ("…市场对其资产质量仍有疑虑", not "恒生银行…股东应得溢利为179.5亿港元…").
        ``owner``: the organisation it is about but does not name (``Quote.owner``),
        named after its ``pointer`` or before it ("（比亚迪）垂直整合：…")."""
        if owner:
            return with_owner(self.on(value, terms), owner, pointer)
        shown = self._display(str(value))
        key = squash(shown.lstrip(ELLIPSIS))
        if key and self._seen(key):
            if shown.startswith(ELLIPSIS) and len(key) <= 48:
                return shown  # already the theme's clause of a sentence said in full before
            stub = actor_stub(shown, terms[:1])
            if stub is not None and squash(stub.strip(ELLIPSIS)) != key:
                return self._with_actor(shown, stub)
            # else the clause that holds most of its terms ("…TOPCon电池成为扩产的主流路线…"
            # for 电池、路线), not merely the first that holds one ("在PERC电池快速退出之后…")
            stubs = [actor_stub(shown, [t]) for t in terms[1:]]
            stubs = [s for s in stubs if s is not None and squash(s.strip(ELLIPSIS)) != key]
            if stubs:
                # the label's own terms first (息差 of 息差收窄 over 利润 and 净利润 beside it)
                label = to_simplified(terms[0]) if terms else ""
                best = max(
                    stubs,
                    key=lambda s: (
                        sum(1 for t in terms[1:] if t and t in label and t in to_simplified(s)),
                        sum(1 for t in terms if t and t in to_simplified(s)),
                    ),
                )
                return self._with_actor(shown, best)
        return self.quote(value)

    def _with_actor(self, shown: str, stub: str) -> str:
        """A clause cut from a sentence, with the organisation the sentence names before
        it when the clause names none ("…工商银行…但净息差从上一年的1.92%降至1.61%。"): a
        figure is shown with whose it is."""
        body = stub.strip(ELLIPSIS)
        at = shown.find(body)
        if at <= 0 or any(n in body for n in self.names):
            return stub
        before = [(shown.rfind(n, 0, at), -len(n), n) for n in self.names if len(n) >= 2]
        before = [b for b in before if b[0] >= 0]
        if not before:
            return stub
        name = max(before)[2]
        return f"{ELLIPSIS}{name}{ELLIPSIS}{stub.lstrip(ELLIPSIS)}"

    def clip(self, text: str, limit: int = 60) -> str:
        """A finding cut to about ``limit`` characters at a clause boundary (a
        pointer when already said); a question or a title is never cut."""
        text = str(text)
        shown = self._display(text)
        if text not in self.findings and self.known(text):
            return shown
        key = squash(shown.lstrip(ELLIPSIS))
        if key and self._seen(key):
            return self._pointer(shown, key, min(limit, 24))
        clipped = clip(shown, limit, names=self.names)
        if clipped == shown:
            self._mark(shown)
        else:
            self._mark_part(clipped)
        return clipped

    def said(self, text: str) -> bool:
        """Whether the sentence was already shown in full (or most of it)."""
        key = squash(self._display(str(text)).lstrip(ELLIPSIS))
        return bool(key) and self._seen(key)

    def unsaid(self, quotes: list[Any]) -> list[Any]:
        """The quotes (objects with ``text``) not yet shown in full; all of them
        when every one was, so that a list never comes out empty."""
        fresh = [q for q in quotes if not self.said(q.text)]
        return fresh or list(quotes)

    def clause(self, text: str, names: list[str], limit: int = 48) -> str:
        """The clause of a sentence that names one of ``names`` (for a table cell);
        the whole sentence only if it was not shown in full before."""
        shown = self._display(str(text))
        hit = min((i for i in (shown.find(n) for n in names) if i >= 0), default=-1)
        if hit < 0 or len(shown) <= limit:
            return self.clip(text, limit)
        start = max(shown.rfind(c, 0, hit) for c in "，,；;：:。") + 1
        piece = clip(shown[start:].lstrip(), limit, names=self.names)
        if start == 0 and piece == shown:
            return self.quote(text)  # the clause is the whole sentence: said once
        out = (ELLIPSIS if start > 0 and not piece.startswith(ELLIPSIS) else "") + piece
        self._mark_part(out)
        return out

    def evidence(self, text: str, question: str, limit: int = 48) -> str:
        """Evidence for a question: in full the first time; once said, the clauses
        that carry its answer for this question (the question's organisation and the
        figure after it: "…汇丰控股2023年税前利润达303.48亿美元，按年增长78%…"),
        not the sentence's first clause, so that a status is earned by what is shown."""
        shown = self._display(str(text))
        key = squash(shown.lstrip(ELLIPSIS))
        if not key or not self._seen(key):
            return self.quote(text)
        asked = self._display(str(question))
        wanted = {m for n, family in self.families.items() if n in asked or n in question for m in family}
        # clauses, never split inside a number ("more than 2,300 battery-swap stations")
        clauses = [c for c in _CLAUSE_SPLIT_RE.split(shown.strip(ELLIPSIS)) if c.strip()]
        unnamed = to_simplified(asked)
        for name in self.names:  # the question's words beside the organisations it names
            unnamed = unnamed.replace(name, " ")
        # (only in a passage that names the question's organisation: a clause cut from
        # a sentence on another one, "门店数已超过7000家" of 库迪咖啡, is not its figure)
        start = _asked_clause(clauses, unnamed) if any(n in shown for n in wanted) else None
        if start is not None and any(
            n in c and n not in wanted for c in clauses[:start] for n in self.names if len(n) >= 2
        ):
            start = None  # the figure's clause belongs to another organisation named before it
        if start is None:
            start = next(
                (i for i, c in enumerate(clauses) if any(n in c for n in wanted) and re.search(r"\d", c)),
                None,
            )
        if start is None:
            start = next((i for i, c in enumerate(clauses) if any(n in c for n in wanted)), None)
        if start is None:
            # A clause of a sentence on the question's organisation stands for itself; one of a
            # sentence led by another organisation (库迪咖啡…，门店数…) would lend it that figure.
            source = self._source_of([squash(p) for p in shown.split(ELLIPSIS) if squash(p)]) or shown
            at = {n: source.find(n) for n in self.names if n in source}
            lead = min(at, key=lambda n: (at[n], -len(n))) if at else None
            answering = answering_clause(shown, asked) if not wanted else None
            if answering is not None and squash(answering.strip(ELLIPSIS)) != key:
                # a question on no organisation: the clause that says what it asks (…2023年
                # 宁德时代在全球动力电池装机量中的份额为36.8%… under 装机量排名), not the
                # source's attribution (据SNE Research统计…)
                self._mark_part(answering)
                return answering
            if lead is None or any(w in lead or lead in w for w in wanted if len(w) >= 2):
                return self._unless_pointer(self._standing(shown, key), key)
            # the clause that names whose it is ("库迪咖啡以9.9元不限量活动对标瑞幸咖啡…")
            stub = actor_stub(source, [lead])
            if stub is not None and squash(stub.strip(ELLIPSIS)) not in (key, squash(source)):
                self._mark_part(stub)
                return stub
            return self._unless_pointer(self._pointer(shown, key), key)
        piece = clauses[start]
        for c in clauses[start + 1 :]:
            if not re.search(r"\d", c) or len(piece + c) > limit or piece.rstrip().endswith(("；", ";")):
                break  # the figures that follow, up to the end of the clause group
            piece += c
        piece = piece.rstrip("，,；;。 ")
        if says_nothing(piece):
            return self._unless_pointer(
                self._standing(shown, key), key
            )  # "NIO's chief executive…" says nothing: the claim does
        cut_before = start > 0 or shown.startswith(ELLIPSIS)  # a clause cut from its sentence
        out = (ELLIPSIS if cut_before else "") + piece + (ELLIPSIS if squash(piece) != key else "")
        self._mark_part(out)
        return out

    def _source_of(self, parts: list[str]) -> str | None:
        """The display form of the known sentence a ready-cut clause was cut from."""
        if self._displays is None:
            self._displays = {squash(d): d for d in (self._display(t) for t in self.findings)}
        return next((d for k, d in self._displays.items() if parts and all(p in k for p in parts)), None)

    def _known_sentences(self) -> list[str]:
        if self._sentences is None:
            self._sentences = [squash(self._display(t)) for t in self.findings]
        return self._sentences

    def fragment(self, value: Any, actors: list[str] | None = None) -> str | None:
        """A ready-cut clause of a known finding (a case's move, a model row's
        clause) as the briefing shows it: itself the first time, a pointer once
        the sentence, or most of it, was said. None for any other text."""
        if not isinstance(value, str) or isinstance(value, Markup):
            return None
        if value in self.labels:
            return None
        shown = display(value, _guess_language(value))
        parts = [squash(p) for p in shown.split(ELLIPSIS) if squash(p)]
        body = "".join(parts)
        words = len(shown.split()) if not is_chinese(shown) else len(re.findall(f"[{HAN}]", shown))
        if len(body) < 12 or words < (10 if is_chinese(shown) else 8):
            return None  # a name or a label, not a clause
        if not any(p in sent for sent in self._known_sentences() for p in parts[:1]):
            return None
        if self._seen(body) or any(p in k for k in self.shown for p in parts if len(p) >= 12):
            whole = next((k for k in self.shown if any(p in k for p in parts if len(p) >= 12)), body)
            lead = ELLIPSIS if shown.startswith(ELLIPSIS) else ""
            # The stub comes from the whole sentence the clause was cut from, so that
            # the organisation's clause keeps its figures and a clause alone is never a pointer.
            sentence = self.shown.get(whole) or self._source_of(parts) or shown
            stub = actor_stub(sentence, actors) if actors else claim_stub(sentence)
            if stub is None and actors and any(a in shown for a in actors) and squash(shown) != whole:
                stub = shown  # the ready-cut clause names the organisation: it is a stub already
            if stub is None or squash(stub.strip(ELLIPSIS)) == squash(sentence.strip(ELLIPSIS)):
                return self._refer(whole)
            self.stubs.add(squash(stub.strip(ELLIPSIS)))
            return stub if stub.startswith(ELLIPSIS) else lead + stub
        self._mark_part(shown)
        return self._closed(shown, parts)

    def _closed(self, shown: str, parts: list[str]) -> str:
        """A ready-cut clause that runs to its sentence's end with the sentence's own end
        punctuation ("…进口品牌强生和捷迈邦美的份额则明显下降。", not "…明显下降"): a clause
        ends with an ellipsis where it was cut, else as its sentence does."""
        if shown.endswith((ELLIPSIS, *_SENTENCE_ENDS)):
            return shown
        source = self._source_of(parts)
        body = shown.lstrip(ELLIPSIS).rstrip()
        if source is None or not body:
            return shown
        end = source.rstrip()
        mark = end[-1:]
        if mark in _SENTENCE_ENDS and end[:-1].rstrip().endswith(body):
            return shown.rstrip() + mark
        return shown


def _guess_language(text: str) -> str:
    return "zh-Hant" if to_simplified(text) != text else "zh-Hans"


def _source_texts(model: Briefing) -> list[tuple[str, str, bool]]:
    """(text, document, is a finding) for every source sentence the model holds."""
    out: list[tuple[str, str, bool]] = [
        (t.text, t.document, True) for t in model.summary if t.kind == "sentence"
    ]
    for th in model.themes:
        out += [(q.text, q.document, True) for q in th.quotes]
        if th.gist_source:
            out.append((th.gist_source.text, th.gist_source.document, True))
            out.append((th.gist, th.gist_source.document, True))
    for c in model.companies:
        out += [(q.text, q.document, True) for q in (*c.moves, *c.mode_evidence)]
        out += [(f.text, f.document, True) for f in c.figures]
        if c.move and c.moves and _whole(c.move, c.moves[0].text):
            out.append((c.move, c.moves[0].document, True))  # the case table shows the whole sentence
    out += [(s.title, s.path, False) for s in model.sources if s.title]
    for q in model.questions:
        out += [(e.text, e.document, True) for e in (*q.evidence, *q.context)]
        out += [(a.text, a.document, True) for a in q.angles if a.text]
        out += [(q.text, q.document, False), *((s, q.document, False) for s in q.sub_questions)]
        if q.result:
            out += [(c.text, c.document, True) for c in q.result.cases]
            out += [
                (c.clause, c.document, True) for c in q.result.cases if c.clause and _whole(c.clause, c.text)
            ]
    return out


_CHANGE_RE = re.compile(r"(?:同比|环比|按年)?(?:增长|下降|减少|上升|增速|增幅|降幅)率?$")


def headline_figures(figures: list[Figure], limit: int = 8) -> list[Figure]:
    """At most ``limit`` figures, in their order: the first of each measure (with its
    change given in the same sentence) before a second of any, so that a case with
    twenty quarterly rows still shows its share, capacity and costs rather than only
    two quarters' results."""
    if len(figures) <= limit:
        return list(figures)

    def key(f: Figure) -> tuple[str, str]:
        return _CHANGE_RE.sub("", f.measure) or f.measure, f.scope

    chosen: list[int] = []
    seen: set[tuple[str, str]] = set()
    for i, f in enumerate(figures):
        if key(f) in seen or len(chosen) >= limit:
            continue
        seen.add(key(f))
        chosen.append(i)
        # the change beside the level ("营收8.04亿元，同比下降4.88%") is one fact
        for j in range(i + 1, len(figures)):
            g = figures[j]
            if g.text != f.text or key(g) != key(f) or len(chosen) >= limit:
                break
            chosen.append(j)
    chosen += [i for i in range(len(figures)) if i not in chosen][: limit - len(chosen)]
    return [figures[i] for i in sorted(chosen)]


ASKED_WORDS = 2
"""Two-character words of a question a figure's clause must hold to stand for the
evidence (同店销售额 = 同店, 店销, 销售, 售额: four)."""


def _asked_clause(clauses: list[str], asked: str) -> int | None:
    """The clause with a figure that holds most of the question's words
    ("同店销售额同比下降14%" for "星巴克中国同店销售额下滑的主要原因…"), when one holds
    ASKED_WORDS of them more than any other; None otherwise (the caller looks for the
    question's organisation with a figure)."""
    words = {asked[i : i + 2] for i in range(len(asked) - 1)}
    words = {w for w in words if all("\u4e00" <= ch <= "\u9fff" for ch in w)}  # Chinese words only
    scores = [len({w for w in words if w in to_simplified(c)}) if re.search(r"\d", c) else 0 for c in clauses]
    if not scores:
        return None
    best = max(scores)
    others = sorted(scores, reverse=True)[1] if len(scores) > 1 else 0
    return scores.index(best) if best >= ASKED_WORDS and best > others else None


def _whole(clause: str, sentence: str) -> bool:
    """A clause shown for a sentence that is in fact all of it (a short sentence)."""
    return squash(clause.strip(ELLIPSIS)) == squash(sentence) or squash(clause) == squash(
        to_simplified(sentence)
    )


def _filters(model: Briefing, book: QuoteBook | None = None) -> dict[str, Any]:
    book = book or QuoteBook(model)

    def cite(path: str) -> Markup:
        n = model.source_number(path)
        return Markup(f"[\\[{n}\\]](#src-{n})") if n else Markup("")

    def cites(paths: list[str]) -> Markup:
        return Markup("".join(str(cite(p)) for p in dict.fromkeys(paths)))

    def url(value: str) -> Markup:
        return Markup("<" + str(value).replace(">", "%3E").replace(" ", "%20") + ">")

    def figure(f: Figure) -> str:
        return format_figure(f)

    def sentence(text: str) -> Markup:
        """A title in the briefing's script, ending in sentence punctuation ("标题。", "Title?"
        stays): metadata, never a quote the said-once rule would turn into a pointer."""
        text = display(str(text), _guess_language(str(text))).rstrip()
        if text[-1:] in "!?.":
            return Markup(escape_md(text) + " ")
        if text[-1:].isascii() and text[-1:].isalnum() and not is_chinese(text):
            return Markup(escape_md(text) + ". ")  # an English title keeps English punctuation
        return Markup(escape_md(text if text[-1:] in "。！？…" else text + "。"))

    return {
        "sentence": sentence,
        # a title or a reference: in the briefing's script, never turned into a pointer
        "metadata": lambda text: Markup(escape_md(zh_quotes(display(str(text), _guess_language(str(text)))))),
        "script": lambda text: zh_quotes(display(str(text), _guess_language(str(text)))),
        "cite": cite,
        "quote": lambda text: Markup(escape_md(book.quote(text))),
        "answer": lambda text, question=None: Markup(escape_md(book.answer(text, question))),
        "clause": lambda text, names, limit=48: Markup(escape_md(book.clause(text, names, limit))),
        "evidence": lambda text, question: Markup(escape_md(book.evidence(text, question))),
        "passage": lambda text, names=(): Markup(escape_md(book.passage(text, list(names)))),
        "said_where": lambda text: Markup(escape_md(book.where_said(text))),
        "rule_zh": lambda r: RULE_ZH.get(r, r),
        "reason_zh": skip_reason_zh,
        "cites": cites,
        "unsaid": book.unsaid,
        "standing": book.standing,
        "told": book.told,
        "clip": lambda text, limit=60: Markup(escape_md(book.clip(text, limit))),
        "about": lambda text, company: Markup(escape_md(book.about(text, company))),
        "on": lambda text, terms, owner="", pointer="": Markup(
            escape_md(book.on(text, list(terms), str(owner or ""), str(pointer or "")))
        ),
        "url": url,
        "num": format_number,
        "figure": figure,
        "key_when": key_when,
        "headline": headline_figures,
        "keyvalue": lambda entry, unit="", row=(): format_key_value(
            entry.raw,
            entry.value,
            unit,
            getattr(entry, "qualifier", ""),
            getattr(entry, "value_max", None),
            [e.value for e in row],
        ),
        "type_zh": lambda t: TYPE_ZH.get(t, t),
        "found_by_zh": found_by_zh,
        "mention_groups": mention_groups,
        "language_zh": lambda code: LANGUAGE_ZH.get(code, code),
        "kind_zh": lambda k: KIND_ZH.get(k, k),
        "status_zh": lambda s: STATUS_ZH.get(s, s),
        "yaml": lambda v: Markup(_yaml_scalar(v)),
    }


def _finalize(book: QuoteBook) -> Any:
    """``{{ value }}``: a source sentence said once (see QuoteBook), then escaped for Markdown."""

    def finalize(value: Any) -> str:
        if book.known(value):
            return escape_md(book.quote(value))
        piece = book.fragment(value)
        return escape_md(value if piece is None else piece)

    return finalize


def _yaml_scalar(value: Any) -> str:
    import json

    if isinstance(value, list | tuple):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def _template_line(exc: BaseException, template_file: str | None) -> int | None:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if template_file and frame.filename == template_file:
            return frame.lineno
        if frame.filename.endswith((SUFFIX, ".j2", ".jinja", ".md")):
            return frame.lineno
    return None


def render(
    model: Briefing, charts: dict[str, ChartSpec], template: str | None = None, *, use_cache: bool = True
) -> str:
    """The briefing as Markdown, rendered by ``template`` (a name or a path); with
    ``use_cache``, the compiled template is kept between runs (:class:`TemplateCodeCache`)."""
    loader, name = _resolve(template)
    env = _environment(loader, code_cache=use_cache)
    book = QuoteBook(model)
    env.finalize = _finalize(book)
    env.filters.update(_filters(model, book))
    filename = None
    try:
        tpl = env.get_template(name)
        filename = tpl.filename
        return tpl.render(b=model, model=model, charts=charts)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}") from exc
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
        ArithmeticError,
        RecursionError,  # a macro that calls itself without end
    ) as exc:
        # Rendering runs the template's own expressions; their errors are the template's.
        line = _template_line(exc, filename)
        where = f"{filename or name}:{line}" if line else (filename or name)
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemplateError(f"{where}: {message}") from exc
