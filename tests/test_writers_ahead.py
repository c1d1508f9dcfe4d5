"""The writers prepared ahead (issue 15, cold start).

``generate`` starts the writers' process (:class:`briefing.children.Standby`)
when the model is to be computed: it imports the writers, parses the fonts and
reads their tables while the sources are analysed, then parses and writes what
the command's own process rendered. These tests check the mechanism, not its
speed (the benchmark measures that): the child's protocol, that it never
outlives its block, that subsets cut from faces read ahead are the same bytes,
and that a run with the writers' process writes the same files as one without.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import time
from pathlib import Path

import pytest

from briefing import children, pipeline
from briefing.errors import FontError, OutputError, TemplateError
from briefing.fonts import default_fonts
from briefing.writers import docx_fonts

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
DATE = dt.date(2026, 11, 23)

needs_fork = pytest.mark.skipif(not children.can_fork(), reason="one core: no writers' process")


_STATE: dict[str, object] = {}
"""What the steps ahead did, in the child that ran them."""


def _ready() -> None:
    _STATE["ready"] = os.getpid()


def _step(number: int) -> None:
    time.sleep(0.05)
    _STATE.setdefault("steps", []).append(number)  # type: ignore[union-attr]


def _fail_to_get_ready() -> None:
    raise FontError("regular font x.ttf: cannot be used")


def _add(a: int, b: int, *, say) -> tuple[int, dict]:
    say(f"adding {a} and {b}")
    say("done")
    return a + b, dict(_STATE)


def _raise(message: str, *, say) -> None:
    raise TemplateError(message)


def _die(code: int, *, say) -> None:
    os._exit(code)


@needs_fork
def test_a_standby_child_gets_ready_then_does_the_work_it_is_handed() -> None:
    lines: list[str] = []
    with children.Standby("adding", _add, [_fail_to_get_ready, _ready]) as child:
        time.sleep(0.5)  # time to get ready
        total, state = child.run(2, 3, say=lines.append)
    assert total == 5
    assert state["ready"] not in (None, os.getpid())  # ready in the child; the failed step was passed over
    assert lines == ["adding 2 and 3", "done"]  # progress lines come back in order
    assert "ready" not in _STATE  # nothing ran here


def _note(*args, stop) -> None:
    _STATE.setdefault("prepared", []).append(args)  # type: ignore[union-attr]


def _fail_to_prepare(*args, stop) -> None:
    raise FontError("cannot draw")


@needs_fork
@pytest.mark.parametrize("prepare", [_note, _fail_to_prepare, None], ids=["prepares", "fails", "none"])
def test_a_standby_child_prepares_what_it_is_handed_early(prepare) -> None:
    with children.Standby("adding", _add, [_ready], prepare=prepare) as child:
        child.prepare("charts", 1)
        child.prepare("more")
        total, state = child.run(2, 3)
    assert total == 5  # a preparation that fails (or none at all) only saves no time
    assert state.get("prepared") == ([("charts", 1), ("more",)] if prepare is _note else None)
    assert "prepared" not in _STATE  # in the child, in order, before the work


@needs_fork
def test_a_standby_child_stops_getting_ready_when_the_work_arrives() -> None:
    with children.Standby("adding", _add, [functools.partial(_step, i) for i in range(100)]) as child:
        _, state = child.run(1, 1)
    done = state.get("steps", [])
    assert done == list(range(len(done)))  # in order
    assert len(done) < 100  # five seconds of steps: the work did not wait for them all


@needs_fork
@pytest.mark.parametrize(
    ("work", "args", "error", "message"),
    [
        pytest.param(_raise, ("t.md.j2:3: bad",), TemplateError, "t.md.j2:3", id="work-fails"),
        pytest.param(_die, (3,), OutputError, "ended without a result .exit code 3", id="work-dies"),
    ],
)
def test_a_standby_childs_failure_is_raised_here(work, args, error, message) -> None:
    with children.Standby("the writers", work, [_ready]) as child, pytest.raises(error, match=message):
        child.run(*args)


@needs_fork
def test_a_standby_child_never_asked_is_killed_when_the_block_is_left() -> None:
    with children.Standby("waiting", _add, [_ready]) as child:
        pid = child.pid
        assert pid is not None
        os.kill(pid, 0)  # running (or waiting for work)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


@needs_fork
def test_a_standby_child_dies_with_its_parent(tmp_path: Path) -> None:
    """The parent (a forked process standing in for the command) is killed with
    SIGKILL: the kernel kills the writers' process too (``PR_SET_PDEATHSIG``)."""
    pid_file = tmp_path / "child.pid"
    parent = os.fork()
    if parent == 0:  # the stand-in command: start a standby child, note its pid, wait
        try:
            with children.Standby("waiting", _add, [_ready]) as child:
                pid_file.write_text(str(child.pid))
                time.sleep(60)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    child = int(pid_file.read_text())
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    pytest.fail(f"the standby child {child} outlived its parent")


# Characters of three kinds of briefing: Latin only, the seeds' mix, Traditional text.
CHARACTER_SETS = {
    "ascii": "Quarterly revenue rose 12% (USD 3.4bn).",
    "mixed": "工业互联网平台 2025年市场规模达到1.2万亿元，同比增长18%；“羚羊”与 SaaS 厂商。",
    "traditional": "臺灣半導體產業鏈的營收與資本支出，較去年同期增長兩成。",
}


@pytest.mark.parametrize("text", CHARACTER_SETS.values(), ids=CHARACTER_SETS.keys())
def test_subsets_cut_from_faces_read_ahead_are_the_same_bytes(text: str) -> None:
    fonts = default_fonts()
    chars = {ord(ch) for ch in text if not ch.isspace()} | set(range(0x20, 0x7F))
    on_demand = [docx_fonts._make_subset(path, chars, "Family X") for path in (fonts.regular, fonts.bold)]
    for path in (fonts.regular, fonts.bold):
        docx_fonts.read_ahead(path)
    assert len(docx_fonts._read_ahead) == 2
    ahead = [docx_fonts._make_subset(path, chars, "Family X") for path in (fonts.regular, fonts.bold)]
    assert docx_fonts._read_ahead == {} or all(not faces for faces in docx_fonts._read_ahead.values())
    assert ahead == on_demand


def test_a_face_read_ahead_is_used_once_and_not_after_it_changed(tmp_path: Path) -> None:
    shipped = default_fonts()
    copy = tmp_path / "Regular.ttf"
    copy.write_bytes(shipped.regular.read_bytes())
    docx_fonts._read_ahead.clear()
    docx_fonts.read_ahead(copy)
    docx_fonts.read_ahead(shipped.regular)
    assert sum(len(v) for v in docx_fonts._read_ahead.values()) == 2
    os.utime(copy, ns=(0, 0))  # changed since: read again, not taken from what was read ahead
    chars = set(range(0x20, 0x7F))
    assert docx_fonts._make_subset(copy, chars) == docx_fonts._make_subset(shipped.regular, chars)
    assert sum(len(v) for v in docx_fonts._read_ahead.values()) == 1  # the shipped face's was used
    assert docx_fonts._make_subset(shipped.regular, chars) == docx_fonts._make_subset(copy, chars)
    docx_fonts._read_ahead.clear()


@needs_fork
@pytest.mark.parametrize("formats", [("pdf", "docx"), ("pdf",), ("docx",)], ids=["both", "pdf", "docx"])
def test_the_writers_process_writes_the_same_files_as_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formats: tuple[str, ...]
) -> None:
    source = CORPORA / "coffee"
    ahead = pipeline.generate(source, tmp_path / "ahead", formats=formats, date=DATE, use_cache=False)
    monkeypatch.setattr(pipeline, "_writers_ahead", lambda _executor: False)
    here = pipeline.generate(source, tmp_path / "here", formats=formats, date=DATE, use_cache=False)
    assert sorted(ahead.files) == sorted(here.files) == sorted((*formats, "json"))
    for kind in ahead.files:
        assert ahead.files[kind].read_bytes() == here.files[kind].read_bytes(), kind


@needs_fork
def test_a_template_error_in_the_writers_process_is_one_error_and_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link the template makes to nowhere is found when the Markdown is parsed, in
    the writers' process: raised here as the same error, and the child is gone."""
    started: list[children.Standby] = []
    real = children.Standby

    def kept(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(children, "Standby", kept)
    template = tmp_path / "t.md.j2"
    template.write_text("# {{ b.title }}\n\n[nowhere](#no-such-heading)\n", "utf-8")
    with pytest.raises(TemplateError):
        pipeline.generate(
            CORPORA / "coffee", tmp_path / "out", template=str(template), date=DATE, use_cache=False
        )
    assert len(started) == 1
    assert not started[0]._process.is_alive()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _charts() -> dict:
    from briefing.chartspec import ChartSpec

    return {
        "theme_strength": ChartSpec(
            "theme_strength",
            "bars",
            "主题强度",
            ["储能", "Solid-state 电池", "回收"],
            values=[[5], [3.5], [1]],
        ),
        "themes_by_source": ChartSpec(
            "themes_by_source",
            "heatmap",
            "来源",
            ["储能", "回收"],
            columns=["A", "B"],
            values=[[1, 0], [2, 3]],
        ),
    }


def test_charts_drawn_ahead_are_the_same_bytes_and_used_once() -> None:
    from briefing import charts as drawing

    fonts, specs = default_fonts(), _charts()
    on_demand = {name: drawing.to_png(spec, 481.9, fonts) for name, spec in specs.items()}
    drawing.draw_ahead(specs, 481.9, fonts)
    assert len(drawing._drawn) == 2
    assert drawing.to_png(specs["theme_strength"], 400.0, fonts) != on_demand["theme_strength"]  # other width
    assert {name: drawing.to_png(spec, 481.9, fonts) for name, spec in specs.items()} == on_demand
    assert drawing._drawn == {}  # each drawn PNG served once


def test_charts_drawn_ahead_stop_when_the_work_arrives_and_the_rest_are_drawn_then() -> None:
    from briefing import charts as drawing

    fonts, specs = default_fonts(), _charts()
    on_demand = {name: drawing.to_png(spec, 481.9, fonts) for name, spec in specs.items()}
    asked = []
    drawing.draw_ahead(specs, 481.9, fonts, stop=lambda: bool(asked.append(1)) or len(asked) > 1)
    assert len(drawing._drawn) == 1  # the first chart drawn, then the work was there
    assert {name: drawing.to_png(spec, 481.9, fonts) for name, spec in specs.items()} == on_demand
    assert drawing._drawn == {}


def test_a_docx_started_ahead_is_the_same_bytes_and_used_once() -> None:
    from briefing.doctree import parse
    from briefing.writers import docx as docx_writer

    fonts = default_fonts()
    document = parse("# 标题\n\n## 一节\n\n- 要点 **加粗**\n1. 第一\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    on_demand = docx_writer.write_docx(document, {}, fonts, date=DATE)
    docx_writer.prepare_ahead(fonts)
    assert len(docx_writer._blanks[fonts.name]) == 1
    assert docx_writer.write_docx(document, {}, fonts, date=DATE) == on_demand
    assert docx_writer._blanks[fonts.name] == []  # used once
    assert docx_writer.write_docx(document, {}, fonts, date=DATE) == on_demand
