"""The user's cache folder: what briefing derives from its own code, data and
libraries and keeps between runs whatever the state folder (jieba's prefix
dictionary, compiled templates and regular expressions)."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def cache_folder() -> Path:
    """Where jieba's prefix dictionary and its tags, compiled templates and
    reportlab's parse of the fonts are cached between runs:
    ``$XDG_CACHE_HOME/briefing`` (default ``~/.cache/briefing``), else the temp folder.

    Not the temp folder first: jieba writes ``jieba.cache`` there with mode
    0600, so on a machine shared by several users all but the first rebuild
    it (about a second) on every run; and not the state folder, which a new
    schedule or test starts empty."""
    import os
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "briefing"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK | os.X_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.gettempdir())
