"""Compiled templates are kept between runs (issue 15, cold start): a later run
reads the compiled code instead of compiling the template again, and an entry
that is damaged, from another Jinja2 version or for another text of the
template is a miss (the template is compiled again), never an error."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import jinja2
import pytest

from briefing import nlp, render
from briefing.render import _blank_model

TEMPLATE = "# {{ b.title }}\n{% for s in b.sources %}- {{ s.title }}\n{% endfor %}第{{ 3 | num }}期\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    """The user cache folder of the test's own; the compiled templates' folder in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    nlp.cache_folder.cache_clear()
    yield tmp_path / "user-cache" / "briefing" / "templates"
    nlp.cache_folder.cache_clear()


def _render(template: Path, **options) -> str:
    model = _blank_model()
    model.title = "产业互联网观察"
    return render.render(model, {}, str(template), **options)


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jinja")) if folder.is_dir() else []


def _compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja2 compiles from here on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def _damage(entry: Path, how: str) -> None:
    blob = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(blob[:-50])
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "bytes flipped":
        entry.write_bytes(blob[:40] + bytes(b ^ 0xFF for b in blob[40:80]) + blob[80:])
    elif how == "another Jinja2 bytecode format":
        # A whole entry (its checksum matches) whose code Jinja2 would not accept:
        # the header of another bytecode version.
        data = b"j2" + pickle.dumps(999, 2) + blob[32 + 2 + len(pickle.dumps(5, 2)) :]
        entry.write_bytes(hashlib.sha256(data).digest() + data)
    else:  # pragma: no cover
        raise AssertionError(how)


def test_a_compiled_template_is_kept_and_read_back(tmp_path: Path, cache: Path, monkeypatch) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    first = _render(template)
    assert len(_entries(cache)) == 1
    compiled = _compiles(monkeypatch)
    assert _render(template) == first
    assert compiled == []  # read back, not compiled again


def test_a_changed_template_is_compiled_again(tmp_path: Path, cache: Path, monkeypatch) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    _render(template)
    template.write_text(TEMPLATE.replace("第", "第 "), "utf-8")
    compiled = _compiles(monkeypatch)
    assert "第 3期" in _render(template)
    assert compiled == ["t.md.j2"]


@pytest.mark.parametrize("how", ["truncated", "empty", "bytes flipped", "another Jinja2 bytecode format"])
def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path, cache: Path, monkeypatch, how: str) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    first = _render(template)
    (entry,) = _entries(cache)
    _damage(entry, how)
    compiled = _compiles(monkeypatch)
    assert _render(template) == first
    assert compiled == ["t.md.j2"]
    blob = entry.read_bytes()  # written again, whole
    assert hashlib.sha256(blob[32:]).digest() == blob[:32]
    compiled.clear()
    assert _render(template) == first
    assert compiled == []


def test_another_jinja2_version_does_not_read_the_entry(tmp_path: Path, cache: Path, monkeypatch) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    first = _render(template)
    monkeypatch.setattr(jinja2, "__version__", "0.0-other")
    render._code_version.cache_clear()
    try:
        compiled = _compiles(monkeypatch)
        assert _render(template) == first
        assert compiled == ["t.md.j2"]
        assert len(_entries(cache)) == 2  # one per version
    finally:
        render._code_version.cache_clear()


def test_without_the_cache_nothing_is_kept(tmp_path: Path, cache: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    _render(template, use_cache=False)
    assert _entries(cache) == []


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path, cache: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(TEMPLATE, "utf-8")
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the folder should be")
    assert "产业互联网观察" in _render(template)
