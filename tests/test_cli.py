"""The command line: the exit-code table command by command, errors that name their
object, quiet logs and one progress display (issue 14, items 2 and 3)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing import cli as cli_module
from briefing.cli import Context, cli
from briefing.pipeline import FORMATS
from briefing.state import run_lock

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

try:
    from test_mail import free_port
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_mail import free_port

ARTICLE = """储能行业观察

2024-03-18

2023年，中国新型储能新增装机规模约22.6GW，是2022年的近三倍。独立储能电站的收入主要来自容量租赁和现货市场套利。

宁德时代和比亚迪的储能电芯出货量合计超过全行业的一半，宁德时代的份额约为40%。

业内人士认为，储能的商业模式仍在探索之中，峰谷价差决定了用户侧储能的收益。
"""


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    """Folders and files the cases name: {src} a small good corpus, {empty} a folder of
    unusable files, {file} a plain file (not a folder), {home} the state folder."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "storage.txt").write_text(ARTICLE, "utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("  \n", "utf-8")
    (empty / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    plain = tmp_path / "plain.txt"
    plain.write_text("not a folder", "utf-8")
    broken = tmp_path / "broken.md.j2"
    broken.write_text("{% if b.changes %}{{ b | shout }}{% endif %}\n", "utf-8")
    return {
        "src": str(src),
        "empty": str(empty),
        "file": str(plain),
        "broken": str(broken),
        "missing": str(tmp_path / "gone"),
        "home": os.environ["BRIEFING_HOME"],
    }


WEEKLY = [
    "schedule",
    "add",
    "weekly",
    "--cron",
    "0 8 * * MON",
    "--tz",
    "Asia/Shanghai",
    "--to",
    "a@example.com",
    "--no-smtp-check",
]

# (command line, exit code, words the one-line error must hold). {name} is a place above.
CASES: dict[str, tuple[list[str], int, list[str]]] = {
    "unknown option": (["corpus", "--bogus"], 2, ["No such option", "--bogus"]),
    "corpus: no such folder": (["corpus", "{missing}"], 3, ["source folder not found", "{missing}"]),
    "analyze: bad date": (["analyze", "{src}", "--date", "2026-13-01"], 2, ["--date"]),
    "analyze: no workers": (["analyze", "{src}", "--workers", "0"], 2, ["--workers"]),
    "analyze: no usable document": (
        ["analyze", "{empty}"],
        3,
        [
            "{empty}",
            "2 file(s) skipped",
            "blank.txt: only whitespace",
            "scan.pdf",
            "add text, Markdown or HTML",
        ],
    ),
    "analyze: output not writable": (
        ["analyze", "{src}", "--json", "-o", "{file}/model.json"],
        5,
        ["cannot write", "{file}"],
    ),
    "generate: unknown format": (
        ["generate", "{src}", "--format", "html"],
        2,
        ["--format", "'html'", "pdf, docx"],
    ),
    "generate: one format of two unknown": (
        ["generate", "{src}", "--format", "pdf,odt"],
        2,
        ["'odt'", "pdf, docx"],
    ),
    "generate: no such template": (
        ["generate", "{src}", "--template", "nope"],
        4,
        ["template not found", "nope"],
    ),
    "generate: unknown filter in a branch": (
        ["generate", "{src}", "--template", "{broken}"],
        4,
        ["{broken}:1", "unknown filter 'shout'"],
    ),
    "generate: output not writable": (
        ["generate", "{src}", "--out", "{file}/out"],
        5,
        ["cannot write", "{file}"],
    ),
    "generate: no such font": (
        ["generate", "{src}", "--font", "{missing}.ttf"],
        6,
        ["regular font", "{missing}.ttf", "not found"],
    ),
    "generate: not a font": (["generate", "{src}", "--font", "{file}"], 6, ["{file}", "not a TrueType font"]),
    "generate: no folder": (["generate", "{missing}"], 3, ["source folder not found", "{missing}"]),
    "send: no such file": (
        ["send", "{missing}.pdf", "--to", "a@example.com"],
        2,
        ["{missing}.pdf", "does not exist"],
    ),
    "send: no recipient": (["send", "{file}"], 2, ["--to"]),
    "send: not an address": (
        ["send", "{file}", "--to", "nobody", "--dry-run"],
        8,
        ["not a mail address", "nobody"],
    ),
    "schedule add: bad cron": (
        [
            "schedule",
            "add",
            "w",
            "--cron",
            "0 8 * *",
            "--tz",
            "UTC",
            "--to",
            "a@example.com",
            "--source",
            "{src}",
        ],
        8,
        ["cron expression", "0 8 * *"],
    ),
    "schedule add: bad zone": (
        [
            "schedule",
            "add",
            "w",
            "--cron",
            "0 8 * * MON",
            "--tz",
            "Mars/Olympus",
            "--to",
            "a@example.com",
            "--source",
            "{src}",
        ],
        8,
        ["time zone", "Mars/Olympus"],
    ),
    "schedule add: bad template": (
        [*WEEKLY, "--source", "{src}", "--template", "{broken}"],
        4,
        ["{broken}:1"],
    ),
    "schedule remove: no such schedule": (["schedule", "remove", "daily"], 8, ["'daily'", "schedule list"]),
    "run-due: bad --now": (["schedule", "run-due", "--now", "next monday"], 2, ["--now", "next monday"]),
    "editions render: no such edition": (
        ["editions", "render", "2026-W48", "--schedule", "weekly"],
        8,
        ["2026-W48", "weekly", "editions list"],
    ),
}


def _fill(text: str, places: dict[str, str]) -> str:
    for name, value in places.items():
        text = text.replace("{" + name + "}", value)
    return text


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_exit_codes_command_by_command(case: str, places: dict[str, str]) -> None:
    args, code, words = CASES[case]
    result = CliRunner().invoke(cli, [_fill(a, places) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.stderr
    for word in words:
        assert _fill(word, places) in error[0], error[0]
    assert "Traceback" not in result.output


# (command line, environment, exit code, words of the error) for what the environment decides
ENV_CASES = {
    "schedule list: the state folder is a file": (
        ["schedule", "list"],
        {"BRIEFING_HOME": "{file}"},
        5,
        ["{file}"],
    ),
    "editions list: the state folder is a file": (
        ["editions", "list"],
        {"BRIEFING_HOME": "{file}"},
        5,
        ["{file}"],
    ),
    "cache clear: the state folder is a file": (
        ["cache", "clear"],
        {"BRIEFING_HOME": "{file}/state"},
        5,
        ["{file}"],
    ),
    "send: the server is down": (
        ["send", "{pdf}", "--to", "a@example.com"],
        {"BRIEFING_SMTP_HOST": "127.0.0.1", "BRIEFING_SMTP_PORT": "{port}", "BRIEFING_SMTP_SECURITY": "none"}
        | {"BRIEFING_SMTP_FROM": "b@example.com", "BRIEFING_SMTP_ATTEMPTS": "1"},
        7,
        ["connection refused", "127.0.0.1:{port}"],
    ),
    "send: no SMTP server configured": (
        ["send", "{pdf}", "--to", "a@example.com"],
        {},
        8,
        ["BRIEFING_SMTP_HOST"],
    ),
}


@pytest.mark.parametrize("case", list(ENV_CASES), ids=list(ENV_CASES))
def test_exit_codes_set_by_the_environment(case: str, places: dict[str, str], monkeypatch, tmp_path) -> None:
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    places = {**places, "pdf": str(pdf), "port": str(free_port())}
    for name in [n for n in os.environ if n.startswith("BRIEFING_SMTP_")]:
        monkeypatch.delenv(name)
    args, env, code, words = ENV_CASES[case]
    result = CliRunner().invoke(
        cli, [_fill(a, places) for a in args], env={k: _fill(v, places) for k, v in env.items()}
    )
    assert result.exit_code == code, result.output
    error = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.stderr
    for word in words:
        assert _fill(word, places) in error[0], error[0]


def test_a_held_lock_is_exit_9(places: dict[str, str]) -> None:
    added = CliRunner().invoke(cli, ["-q", *WEEKLY, "--source", places["src"]])
    assert added.exit_code == 0, added.output
    with run_lock(Path(places["home"])):
        result = CliRunner().invoke(cli, ["schedule", "run-due"])
    assert result.exit_code == 9, result.output
    assert "another run holds the lock" in result.stderr


def test_an_internal_error_is_exit_70_in_one_line(monkeypatch: pytest.MonkeyPatch, capsys, places) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("briefing.readers.read_corpus", broken)
    monkeypatch.setattr(sys, "argv", ["briefing", "corpus", places["src"]])
    with pytest.raises(SystemExit) as caught:
        cli_module.run()  # main() would also end this process
    assert caught.value.code == 70
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["Error: internal error: RuntimeError: boom (run with -v for details)"]


def test_format_choices_match_the_pipeline_and_are_listed_in_help() -> None:
    option = next(p for p in cli.commands["generate"].params if p.name == "formats")
    assert option.type.choices == FORMATS
    assert "[pdf|docx]" in CliRunner().invoke(cli, ["generate", "--help"]).output
    assert option.type.convert("PDF, docx,pdf", option, None) == ("pdf", "docx")


# ----------------------------------------------------------------- logging


def test_v_shows_our_log_and_vv_the_libraries(places: dict[str, str]) -> None:
    memo = Path(places["src"]) / "memo.md"
    memo.write_text(
        "# 研究备忘录\n\n## TO DO\n\n- [ ] 储能的收益从哪里来？\n\n> 引用\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "utf-8",
    )
    runs = {}
    for flag in ("-q", "", "-v", "-vv"):
        args = [flag] if flag else []
        result = CliRunner().invoke(cli, [*args, "corpus", places["src"], "--json"])
        assert result.exit_code == 0, result.output
        runs[flag] = result.stderr.splitlines()
    assert runs["-q"] == []
    assert runs[""] == ["reading 2 file(s) in " + places["src"], "read memo.md", "read storage.txt"]
    ours = [line for line in runs["-v"] if line.startswith(("DEBUG briefing", "INFO briefing"))]
    assert set(runs[""]) <= set(runs["-v"])
    assert len(runs["-v"]) == len(runs[""]) + len(ours)  # progress plus briefing's own log, nothing else
    assert not any("markdown_it" in line for line in runs["-v"])
    markdown = [line for line in runs["-vv"] if "markdown_it" in line]
    assert len(markdown) > 20  # markdown-it logs every rule it tries, at DEBUG: only with -vv


def test_warnings_show_without_v_and_say_so(places: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    def warn(*_args: Any, **_kwargs: Any) -> None:
        logging.getLogger("briefing.readers").warning("something odd in %s", "storage.txt")
        logging.getLogger("markdown_it.x").info("library chatter")

    monkeypatch.setattr("briefing.readers.iter_files", lambda source: warn() or [])
    result = CliRunner().invoke(cli, ["corpus", places["src"]])
    assert "warning: something odd in storage.txt" in result.stderr.splitlines()
    assert "library chatter" not in result.stderr


# ---------------------------------------------------------------- progress


def test_each_file_is_read_cached_or_skipped_exactly_once(places: dict[str, str]) -> None:
    src = Path(places["src"])
    (src / "photo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "second.md").write_text(
        "# 第二篇\n\n2024年，储能电站的利用率提高到40%。宁德时代的出货量继续增长。\n", "utf-8"
    )
    names = ["photo.bin", "second.md", "storage.txt"]
    for run, expected in (
        ("first", {"photo.bin": "skipped", "second.md": "read", "storage.txt": "read"}),
        ("second", {"photo.bin": "skipped", "second.md": "cached", "storage.txt": "cached"}),
    ):
        result = CliRunner().invoke(cli, ["analyze", str(src)])
        assert result.exit_code == 0, (run, result.output)
        lines = result.stderr.splitlines()
        for name in names:
            about = [line for line in lines if line.split(":")[0].split(" ")[-1] == name]
            assert len(about) == 1, (run, name, lines)
            assert about[0].startswith(expected[name] + " "), (run, about)
        assert "skipped photo.bin: binary file (a PNG image)" in lines


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _feed(ctx: Context, total: int) -> None:
    ctx.progress(f"reading {total} file(s) in src")
    count = ctx.counter()
    count(0, total)
    for i in range(1, total + 1):
        ctx.progress(f"skipped f{i}.bin: binary file" if i == 2 else f"read f{i}.txt")
        count(i, total)
    ctx.progress("analysing 59 document(s)")
    for i in range(1, total):
        count(i, total - 1)
    ctx.progress("rendering the template")


def test_on_a_terminal_a_bar_counts_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    screen = _Terminal()
    ctx = Context(quiet=False, stream=screen)
    _feed(ctx, 60)
    ctx.close()
    text = screen.getvalue()
    assert "60/60" in text and "59/59" in text  # done/total
    assert "read f1.txt" not in text  # the bar names the file instead of a line per file
    lines = [line.split("\r")[-1].strip() for line in text.splitlines()]
    # lines that arrive while a bar runs wait until it is finished
    assert lines.index("skipped f2.bin: binary file") < lines.index("analysing 59 document(s)")
    assert lines[-1] == "rendering the template"


def test_elsewhere_plain_lines_and_a_count_per_quarter() -> None:
    log = io.StringIO()
    ctx = Context(quiet=False, stream=log)
    _feed(ctx, 60)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines[:3] == ["reading 60 file(s) in src", "read f1.txt", "skipped f2.bin: binary file"]
    assert len([line for line in lines if line.startswith(("read ", "skipped "))]) == 60
    counts = lines[lines.index("analysing 59 document(s)") + 1 : -1]
    assert counts == ["15/59 done", "30/59 done", "45/59 done", "59/59 done"]  # not one per file


def test_quiet_prints_nothing() -> None:
    for stream in (io.StringIO(), _Terminal()):
        ctx = Context(quiet=True, stream=stream)
        _feed(ctx, 60)
        ctx.close()
        assert stream.getvalue() == ""


def test_cache_clear_empties_the_caches_and_keeps_the_schedules(places: dict[str, str]) -> None:
    assert CliRunner().invoke(cli, ["-q", *WEEKLY, "--source", places["src"]]).exit_code == 0
    out = Path(places["home"]) / "out"
    first = CliRunner().invoke(cli, ["generate", places["src"], "--out", str(out), "--format", "pdf"])
    assert first.exit_code == 0, first.output
    assert "cached storage.txt" in CliRunner().invoke(cli, ["analyze", places["src"]]).stderr
    cleared = CliRunner().invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0, cleared.output
    assert (
        "removed 1 document entries, 1 analysis entries, 1 folder models, 1 rendered files, 1 template checks"
        in cleared.stderr
    )
    again = CliRunner().invoke(cli, ["generate", places["src"], "--out", str(out), "--format", "pdf"])
    assert "read storage.txt" in again.stderr and "0 of 1 document(s) analysed from the cache" in again.stderr
    assert "reusing" not in again.stderr  # rendered again
    assert "weekly" in CliRunner().invoke(cli, ["schedule", "list"]).output


def test_themes_option_bounds_the_number_of_themes(run_cli) -> None:
    few = run_cli("-q", "analyze", SEEDS, "--json", "--themes", "3")
    assert few.exit_code == 0, few.stderr
    assert 1 <= len(few.json()["themes"]) <= 3
    default = run_cli("-q", "analyze", SEEDS, "--json")
    assert len(default.json()["themes"]) > 3  # the seeds argue more than three: the option is what cut them
    bad = run_cli("-q", "analyze", SEEDS, "--themes", "0")
    assert bad.exit_code == 2 and "--themes" in bad.stderr


def _record_with_traceback(name: str, level: int) -> Any:
    import logging

    try:
        raise ConnectionError("comm closed")
    except ConnectionError:
        return logging.getLogger(name).makeRecord(
            name, level, __file__, 1, "Batched Comm Closed", (), sys.exc_info()
        )


@pytest.mark.parametrize(("verbose", "shows_traceback"), [(0, False), (1, True)])
def test_a_library_traceback_in_the_log_is_for_verbose_runs_only(verbose: int, shows_traceback: bool) -> None:
    record = _record_with_traceback("distributed.batched", 20)
    text = cli_module._LogFormat(verbose).format(record)
    assert "Batched Comm Closed" in text
    assert ("Traceback" in text) is shows_traceback
    assert record.exc_info is not None  # other handlers still get the record whole


@pytest.mark.parametrize("library", ["jieba", "distributed", "tornado"])
def test_chatty_libraries_log_warnings_only_unless_very_verbose(library: str) -> None:
    import logging

    for verbose, level in ((0, logging.WARNING), (1, logging.WARNING), (2, logging.DEBUG)):
        undo = cli_module._configure_logging(quiet=False, verbose=verbose)
        try:
            assert logging.getLogger(library).level == level
        finally:
            undo()
