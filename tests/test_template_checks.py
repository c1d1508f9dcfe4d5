"""Remembered template checks (issue 15): a warm run does not parse its template again.

:func:`briefing.cache.checked_template` passes a template checked before by the
same code from the same folder only while every template the check read is
found in the same place with the same text and every optional include it did
not find is still missing; anything else is checked in full, so a template
broken since the last run still fails before any work.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing import render
from briefing.cache import checked_template
from briefing.errors import TemplateError

MAIN = '# {{ b.title }}\n\n{% include "part.md.j2" %}\n{% include "maybe.md.j2" ignore missing %}\n'
PART = "{{ b.date }}: {{ b.sources | length }} 篇\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "main.md.j2").write_text(MAIN, "utf-8")
    (tpl / "part.md.j2").write_text(PART, "utf-8")
    return tpl


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The templates checked in full (not passed from the cache)."""
    calls: list[str | None] = []
    real = render.check_template

    def spy(template: str | None, **kwargs: Any) -> list[Path]:
        calls.append(template)
        return real(template, **kwargs)

    monkeypatch.setattr(render, "check_template", spy)
    return calls


def _outside(folder: Path) -> None:
    outside = folder.parent / "elsewhere.md.j2"
    outside.write_text(PART, "utf-8")
    (folder / "part.md.j2").unlink()
    (folder / "part.md.j2").symlink_to(outside)


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Path], Any]
    checked_again: bool
    error: str | None = None
    """What the check says, when the change broke the template."""


CASES = [
    Case("nothing changed", lambda f: None, False),
    Case("only a modification time", lambda f: os.utime(f / "part.md.j2", (1, 1)), False),
    Case("a file beside it added", lambda f: (f / "other.md.j2").write_text("{{ nonsense | nope }}", "utf-8"), False),
    Case("the template edited", lambda f: (f / "main.md.j2").write_text(MAIN + "\n完\n", "utf-8"), True),
    Case("an include edited", lambda f: (f / "part.md.j2").write_text(PART + "{{ b.date }}\n", "utf-8"), True),
    Case("an include broken", lambda f: (f / "part.md.j2").write_text("{{ b.date | nope }}", "utf-8"), True,
         "unknown filter 'nope'"),
    Case("an include removed", lambda f: (f / "part.md.j2").unlink(), True, "template not found: part.md.j2"),
    Case("an optional include added", lambda f: (f / "maybe.md.j2").write_text("附录\n", "utf-8"), True),
    Case("an optional include added, broken", lambda f: (f / "maybe.md.j2").write_text("{% if %}", "utf-8"),
         True, "maybe.md.j2:1"),
    Case("an include now a link outside", _outside, True, "leads outside the template folder"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_check_is_remembered_only_while_nothing_it_read_changed(
    case: Case, folder: Path, checks: list[str | None]
) -> None:
    main = str(folder / "main.md.j2")
    first = checked_template(main)
    assert first[0] == folder / "main.md.j2" and folder / "part.md.j2" in first
    assert checks == [main]
    case.change(folder)
    if case.error:
        with pytest.raises(TemplateError, match=case.error):
            checked_template(main)
        assert (len(checks) == 2) is case.checked_again
    else:
        again = checked_template(main)
        assert (len(checks) == 2) is case.checked_again
        assert again == render.check_template(main)  # what a full check says now


def test_a_template_by_name_is_checked_again_when_a_local_one_shadows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks: list[str | None]
) -> None:
    monkeypatch.chdir(tmp_path)
    bundled = checked_template(None)
    assert checked_template(None) == bundled and len(checks) == 1
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "briefing.md.j2").write_text("# {{ b.title }}\n", "utf-8")
    local = checked_template(None)
    assert len(checks) == 2
    assert local == [Path("templates/briefing.md.j2")] != bundled


def test_no_cache_checks_in_full_and_keeps_nothing(folder: Path, checks: list[str | None]) -> None:
    main = str(folder / "main.md.j2")
    checked_template(main, use_cache=False)
    checked_template(main, use_cache=False)
    assert len(checks) == 2
    assert not (Path(os.environ["BRIEFING_HOME"]) / "cache" / "templates").exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[:-3], id="truncated"),
        pytest.param(lambda blob: blob.replace(b"part.md.j2", b"part.md.jX"), id="edited"),
    ],
)
def test_a_damaged_entry_is_checked_again(
    damage: Callable[[bytes], bytes], folder: Path, checks: list[str | None], caplog
) -> None:
    main = str(folder / "main.md.j2")
    expected = checked_template(main)
    entries = list((Path(os.environ["BRIEFING_HOME"]) / "cache" / "templates").glob("*.out"))
    assert len(entries) == 1
    entries[0].write_bytes(damage(entries[0].read_bytes()))
    assert checked_template(main) == expected
    assert len(checks) == 2 and "template check cache entry" in caplog.text
    assert checked_template(main) == expected and len(checks) == 2  # stored again


def test_the_bundled_template_is_remembered_by_a_warm_generate(run_cli, tmp_path: Path, checks) -> None:
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "corpora" / "banks", src)
    for _ in range(2):
        result = run_cli(
            "-q", "generate", src, "--out", tmp_path / "out", "--date", "2026-11-23", "--format", "pdf"
        )
        assert result.exit_code == 0, result.stderr
    assert checks == [None]
