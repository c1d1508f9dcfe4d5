"""Where a template and the templates it includes are found, without Jinja2.

:func:`search` turns ``--template NAME|PATH`` into the folders to look in and
the name there; :func:`lookup` finds a name in those folders and reads it
exactly as Jinja2's file system loader does (the first folder holding the
file wins; a name with ``..`` is not found; text read as UTF-8 with universal
newlines), and refuses a file that leads outside the folders, even through a
link. :mod:`briefing.render`'s loader reads through :func:`lookup`, and so does
the check of a template remembered from an earlier run
(:func:`briefing.cache.checked_template`), which needs no Jinja2 to see that
nothing it read has changed.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from briefing.errors import TemplateError

DEFAULT_TEMPLATE = "briefing"
SUFFIX = ".md.j2"


def search(template: str | None) -> tuple[list[str], str]:
    """The folders to look in and the name to look up for ``--template NAME|PATH``."""
    template = template or DEFAULT_TEMPLATE
    path = Path(template).expanduser()
    if path.suffix in (".j2", ".md", ".jinja", ".jinja2") or path.is_file() or "/" in template:
        if not path.is_file():
            raise TemplateError(f"template not found: {template}")
        return [str(path.parent.resolve())], path.name
    name = template if template.endswith(SUFFIX) else template + SUFFIX
    from briefing.resources import bundled_folder

    folders = [Path("templates"), bundled_folder("templates")]
    for folder in folders:
        if (folder / name).is_file():
            return [str(f) for f in folders if f.is_dir()], name
    raise TemplateError(
        f"template not found: {template} (looked for {name} in ./templates and the bundled templates)"
    )


def _pieces(name: str) -> list[str] | None:
    """The name's path segments; ``None`` for a name Jinja2 refuses (``..``, a separator)."""
    pieces = []
    for piece in name.split("/"):
        if os.path.sep in piece or (os.path.altsep and os.path.altsep in piece) or piece == os.path.pardir:
            return None
        if piece and piece != ".":
            pieces.append(piece)
    return pieces


def lookup(folders: list[str], name: str) -> tuple[str, str] | None:
    """``(filename, text)`` of template ``name`` in ``folders``, or ``None`` when no
    folder holds it; :class:`TemplateError` when the file leads outside the folders."""
    pieces = _pieces(name)
    if pieces is None:
        return None
    for folder in folders:
        filename = posixpath.join(folder, *pieces)
        if os.path.isfile(filename):
            break
    else:
        return None
    with open(filename, encoding="utf-8") as f:
        text = f.read()
    real = Path(filename).resolve()
    if not any(real.is_relative_to(Path(folder).resolve()) for folder in folders):
        raise TemplateError(
            f"{name}: leads outside the template folder ({real}); copy the file into the folder"
        )
    return os.path.normpath(filename), text
