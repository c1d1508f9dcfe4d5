"""Template stage: the briefing model becomes Markdown through a Jinja2 template.

Templates live in ``templates/`` (the default is ``briefing.md.j2``); a user
copies one, edits it and passes ``--template PATH``. Every ``{{ value }}`` is
escaped for Markdown unless a filter marks it safe, so text from the sources
can never turn into markup. Errors name the template file and line.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefing.errors import TemplateError
from briefing.labels import KIND_ZH, LANGUAGE_ZH, RULE_ZH, STATUS_ZH, TYPE_ZH, format_figure, format_number
from briefing.model import Briefing, Figure
from briefing.resources import bundled_folder

if TYPE_CHECKING:
    from briefing.charts import ChartSpec  # reportlab: not imported when the rendered files are reused

DEFAULT_TEMPLATE = "briefing"
SUFFIX = ".md.j2"
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
    template = template or DEFAULT_TEMPLATE
    path = Path(template).expanduser()
    if path.suffix in (".j2", ".md", ".jinja", ".jinja2") or path.is_file() or "/" in template:
        if not path.is_file():
            raise TemplateError(f"template not found: {template}")
        return jinja2.FileSystemLoader(str(path.parent.resolve())), path.name
    name = template if template.endswith(SUFFIX) else template + SUFFIX
    folders = [Path("templates"), bundled_folder("templates")]
    for folder in folders:
        if (folder / name).is_file():
            return jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()]), name
    raise TemplateError(
        f"template not found: {template} (looked for {name} in ./templates and the bundled templates)"
    )


def template_files(template: str | None) -> list[Path]:
    """The files a template may read: its own folder's templates (for includes)."""
    loader, name = _resolve(template)
    files: list[Path] = []
    for folder in getattr(loader, "searchpath", []):
        candidate = Path(folder) / name
        if candidate.is_file():
            files.extend(sorted(p for p in Path(folder).iterdir() if p.suffix in (".j2", ".jinja", ".md")))
            break
    return files


def _environment(loader: jinja2.BaseLoader) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        finalize=escape_md,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env


def _filters(model: Briefing) -> dict[str, Any]:
    def cite(path: str) -> Markup:
        n = model.source_number(path)
        return Markup(f"[\\[{n}\\]](#src-{n})") if n else Markup("")

    def cites(paths: list[str]) -> Markup:
        return Markup("".join(str(cite(p)) for p in dict.fromkeys(paths)))

    def clip(text: str, limit: int = 60) -> str:
        text = str(text)
        return text if len(text) <= limit else text[: limit - 1].rstrip("，,；;：: ") + "…"

    def url(value: str) -> Markup:
        return Markup("<" + str(value).replace(">", "%3E").replace(" ", "%20") + ">")

    def figure(f: Figure) -> str:
        return format_figure(f)

    def clause(text: str, names: list[str], limit: int = 48) -> str:
        """The clause of a sentence that names the organisation (for a table cell)."""
        text = str(text)
        hit = min((i for i in (text.find(n) for n in names) if i >= 0), default=-1)
        if hit < 0 or len(text) <= limit:
            return clip(text, limit)
        start = max(text.rfind(c, 0, hit) for c in "，,；;：:。") + 1
        piece = text[start:].lstrip()
        return ("…" if start > 0 else "") + clip(piece, limit)

    def sentence(text: str) -> str:
        """The text ending in sentence punctuation ("标题。", "Title?" stays)."""
        text = str(text).rstrip()
        if text[-1:] in "!?.":
            return text + " "
        if text[-1:].isascii() and text[-1:].isalnum():
            return text + ". "  # an English title keeps English punctuation
        return text if text[-1:] in "。！？…" else text + "。"

    return {
        "sentence": sentence,
        "cite": cite,
        "clause": clause,
        "rule_zh": lambda r: RULE_ZH.get(r, r),
        "cites": cites,
        "clip": clip,
        "url": url,
        "num": format_number,
        "figure": figure,
        "type_zh": lambda t: TYPE_ZH.get(t, t),
        "language_zh": lambda code: LANGUAGE_ZH.get(code, code),
        "kind_zh": lambda k: KIND_ZH.get(k, k),
        "status_zh": lambda s: STATUS_ZH.get(s, s),
        "yaml": lambda v: Markup(_yaml_scalar(v)),
    }


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


def render(model: Briefing, charts: dict[str, ChartSpec], template: str | None = None) -> str:
    """The briefing as Markdown, rendered by ``template`` (a name or a path)."""
    loader, name = _resolve(template)
    env = _environment(loader)
    env.filters.update(_filters(model))
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
    ) as exc:
        # Rendering runs the template's own expressions; their errors are the template's.
        line = _template_line(exc, filename)
        where = f"{filename or name}:{line}" if line else (filename or name)
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TemplateError(f"{where}: {message}") from exc
