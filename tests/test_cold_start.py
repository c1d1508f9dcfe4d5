"""Cold start (issue 15): a command imports and loads only what it needs.

Each command runs in a fresh interpreter (as a user starts it) and reports
which heavy libraries ended up in ``sys.modules``: the PDF and DOCX stack
(reportlab, python-docx, fontTools, Pillow, lxml) is for writing files only,
jieba for segmenting text only. This asserts behaviour, not timing; the
benchmark (``python -m briefing.bench``) measures the time. Also: jieba's
dictionary cache lives in the user's cache folder and is reused, and the
DOCX's font subsets are reused from the state folder's cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.children import can_fork

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATE = "2026-11-23"

HEAVY = (
    "reportlab",
    "docx",
    "fontTools",
    "PIL",
    "lxml",
    "jieba",
    "jinja2",
    "distributed",
    "pkg_resources",
    "briefing.analysis",
    "briefing.readers",
)
ANALYSIS = {"jieba", "briefing.analysis", "briefing.readers"}
WRITERS = {"reportlab", "docx", "fontTools", "PIL", "lxml"}

PROBE = f"""
import json, sys
from briefing.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="briefing", standalone_mode=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({{"code": code, "modules": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def _modules(home: Path, cache: Path, *args: str | Path) -> set[str]:
    """The heavy libraries ``briefing ARGS`` imported in a fresh interpreter (asserting exit 0)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_DATA", "BRIEFING_DASK_SCHEDULER")}
    env.update(BRIEFING_HOME=str(home), XDG_CACHE_HOME=str(cache), BRIEFING_SMTP_FROM="briefing@example.com")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "-q", *map(str, args)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stderr
    return set(report["modules"])


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """A state folder and a user cache folder of the test's own."""
    return tmp_path / "state", tmp_path / "cache"


def test_each_command_imports_only_what_it_needs(places: tuple[Path, Path], tmp_path: Path) -> None:
    home, cache = places
    out = tmp_path / "out"

    # analyze segments text but writes no PDF or DOCX; corpus does neither
    assert _modules(home, cache, "corpus", SEEDS, "--json") & (WRITERS | {"jieba"}) == set()
    cold = _modules(home, cache, "analyze", SEEDS, "--json", "--date", DATE)
    assert "jieba" in cold  # the probe can see a library that is imported
    assert cold & WRITERS == set()
    assert "distributed" not in cold  # only --executor dask needs Dask
    assert "pkg_resources" not in cold  # jieba is imported without it (nlp.import_jieba)

    # the first generate writes files (the model analyze left in the cache): with
    # two cores in the writers' process, else in this one; the same generate again
    # reuses the folder's model and the files, and needs neither the writers nor
    # jieba, nor even the readers and the analysis code
    first = _modules(home, cache, "generate", SEEDS, "--out", out, "--date", DATE)
    assert "jinja2" in first  # the template is rendered here
    assert first & WRITERS == (set() if can_fork() else WRITERS)
    assert (
        _modules(home, cache, "generate", SEEDS, "--out", out, "--date", DATE) & (WRITERS | ANALYSIS) == set()
    )
    assert _modules(home, cache, "analyze", SEEDS, "--json", "--date", DATE) & (WRITERS | ANALYSIS) == set()

    pdf = out / f"briefing-{DATE}.pdf"
    for args in (
        ("send", pdf, "--to", "ceo@example.com", "--dry-run"),
        ("schedule", "list"),
        ("editions", "list"),
    ):
        assert _modules(home, cache, *args) & (WRITERS | {"jieba", "jinja2"}) == set(), args


def test_jiebas_dictionary_cache_is_kept_in_the_user_cache_and_reused(places: tuple[Path, Path]) -> None:
    home, cache = places
    _modules(home, cache, "analyze", SEEDS, "--json", "--no-cache")
    made = list((cache / "briefing").glob("jieba-*.cache"))
    assert len(made) == 1, "jieba's prefix dictionary was not cached in the user cache folder"
    stamp = made[0].stat().st_mtime_ns
    _modules(home, cache, "analyze", SEEDS, "--json", "--no-cache")
    assert made[0].stat().st_mtime_ns == stamp  # loaded, not built and written again


def test_docx_font_subsets_are_reused_and_a_damaged_one_is_made_again(run_cli, tmp_path: Path) -> None:
    home = Path(os.environ["BRIEFING_HOME"])

    def docx(name: str, *options: str) -> bytes:
        result = run_cli(
            "-q", "generate", SEEDS, "--out", tmp_path / name, "--date", DATE, "--format", "docx", *options
        )
        assert result.exit_code == 0, result.stderr
        return (tmp_path / name / f"briefing-{DATE}.docx").read_bytes()

    uncached = docx("uncached", "--no-cache")
    assert not (home / "cache" / "fonts").exists()  # --no-cache stores nothing
    assert docx("first") == uncached
    subsets = sorted((home / "cache" / "fonts").glob("*.ttf"))
    assert len(subsets) == 2  # regular and bold
    for subset in subsets:
        subset.write_bytes(subset.read_bytes()[:-100])  # truncated: its checksum no longer matches
    for rendered in (home / "cache" / "outputs").iterdir():
        rendered.unlink()  # render again (the rendered-file cache would skip the writers)
    assert docx("second") == uncached
    for subset in subsets:  # written again whole: the checksum in front matches the bytes
        blob = subset.read_bytes()
        assert hashlib.sha256(blob[32:]).digest() == blob[:32]


@pytest.mark.skipif(not can_fork(), reason="one core: the writers run in the command's own process")
def test_a_cold_generate_writes_in_the_writers_process(places: tuple[Path, Path], tmp_path: Path) -> None:
    """A model to compute: the writers' process is started first and prepares the
    writers while the sources are analysed; the command's own process renders the
    template and imports none of the PDF and DOCX stack, whatever the formats."""
    home, cache = places
    for formats in ("pdf,docx", "pdf", "docx"):
        out = tmp_path / formats
        modules = _modules(
            home, cache, "generate", SEEDS, "--out", out, "--date", DATE, "--no-cache", "--format", formats
        )
        assert modules & WRITERS == set(), formats
        assert {"jieba", "jinja2"} <= modules
        assert sorted(p.suffix for p in out.iterdir()) == sorted(
            f".{f}" for f in (*formats.split(","), "json")
        )
