"""The README says what the code does: its JSON field list, template filters,
exit codes, command examples and the seeds' figures are checked against the
code and the real output, so that an edit to either shows up here."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import typing
from pathlib import Path

import click
import jinja2
import pytest
from click.testing import CliRunner

from briefing import errors, model, render
from briefing.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
SEEDS = ROOT / "seeds"


def _section(title: str) -> str:
    """The text of the README's section ``title``, up to the next heading of its level or above."""
    match = re.search(rf"^(#+) {re.escape(title)}$", README, re.M)
    assert match, title
    body = README[match.end() :]
    end = re.search(rf"^#{{1,{len(match.group(1))}}} ", body, re.M)
    return body[: end.start()] if end else body


def _table(text: str, header: str) -> list[list[str]]:
    """Rows of the Markdown table whose header row starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


# ---------------------------------------------------------------- JSON fields


def _json_field_lines(text: str = README) -> dict[str, list[tuple[str, str | None, bool]]]:
    """``Class: field, field [Type], field Type`` lines after the json-fields marker."""
    block = text.split("<!-- json-fields -->", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    found = {}
    for line in block.strip().splitlines():
        name, _, rest = line.partition(": ")
        entries = []
        for item in rest.split(", "):
            m = re.fullmatch(r"(\w+)(?: (\[)?(\w+)\]?)?", item)
            assert m, (name, item)
            entries.append((m.group(1), m.group(3), bool(m.group(2))))
        found[name] = entries
    return found


def _nested(hint: typing.Any) -> tuple[type | None, bool]:
    """The dataclass a field holds, and whether as a list."""
    if typing.get_origin(hint) is list:
        inner = typing.get_args(hint)[0]
        return (inner, True) if dataclasses.is_dataclass(inner) else (None, False)
    for arg in typing.get_args(hint) or (hint,):
        if dataclasses.is_dataclass(arg):
            return arg, False
    return None, False


def _check_json_fields(text: str) -> None:
    listed = _json_field_lines(text)
    reachable: list[type] = []

    def walk(cls: type) -> None:
        if cls in reachable:
            return
        reachable.append(cls)
        for hint in typing.get_type_hints(cls).values():
            inner, _ = _nested(hint)
            if inner is not None:
                walk(inner)

    walk(model.Corpus)
    walk(model.Briefing)
    assert sorted(listed) == sorted(c.__name__ for c in reachable)  # every object, none invented
    for cls in reachable:
        hints = typing.get_type_hints(cls)
        expected = []
        for f in dataclasses.fields(cls):
            inner, many = _nested(hints[f.name])
            expected.append((f.name, inner.__name__ if inner else None, many))
        assert listed[cls.__name__] == expected, cls.__name__  # names, order and nesting


def test_the_json_field_list_is_the_model() -> None:
    _check_json_fields(README)


@pytest.mark.parametrize(
    ("listed", "edited"),
    [
        ("Quote: text, document, paragraph", "Quote: text, doc, paragraph"),  # a field that does not exist
        ("Answer: text, basis [Quote]", "Answer: text"),  # a field left out
        ("Reference: title, url", "Reference: url, title"),  # the order
        ("gist_source Quote", "gist_source"),  # the nesting
    ],
)
def test_the_json_field_check_catches_a_wrong_list(listed: str, edited: str) -> None:
    assert listed in README
    with pytest.raises(AssertionError):
        _check_json_fields(README.replace(listed, edited))


# ---------------------------------------------------------------- templates


def test_the_filter_table_is_what_render_registers() -> None:
    rows = _table(_section("Templates"), "| filter |")
    documented = set()
    for cell, _ in rows:
        documented |= {re.sub(r"\(.*\)", "", name) for name in re.findall(r"`([^`]+)`", cell)}
    registered = set(render._filters(render._blank_model()))
    assert documented == registered


def test_briefing_adds_no_tests_to_jinja2s() -> None:
    assert "Tests are Jinja2's built-in ones; briefing adds none." in README
    env = render._environment(jinja2.DictLoader({}))
    assert set(env.tests) == set(jinja2.sandbox.SandboxedEnvironment().tests)


# ---------------------------------------------------------------- exit codes


def test_one_exit_code_table_true_to_the_code() -> None:
    assert len(re.findall(r"^\| code \|", README, re.M)) == 1  # one table, no per-command copies
    rows = _table(_section("Exit codes"), "| code |")
    codes = [int(code) for code, _ in rows]
    assert codes == sorted(set(codes))
    raised = {
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.BriefingError) and cls is not errors.BriefingError
    }
    click_usage = click.UsageError("x").exit_code
    click_abort = 1  # click's "Aborted!" on Ctrl-C
    assert set(codes) == raised | {0, click_usage, click_abort, 70, 143}
    meaning = dict((int(c), m) for c, m in rows)
    assert "dask" in meaning[errors.SchedulerError.exit_code]
    assert "SIGTERM" in meaning[143]


# ---------------------------------------------------------------- command examples


def _examples() -> list[list[str]]:
    """Every ``briefing …`` line of the README's shell blocks, as arguments."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if not line.startswith("briefing "):
                continue
            words = shlex.split(line, comments=True)
            for stop in ("|", ">"):
                if stop in words:
                    words = words[: words.index(stop)]
            found.append([os.path.expandvars(word) for word in words[1:]])
    return found


def test_every_command_example_parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    examples = _examples()
    assert len(examples) > 20
    ran: list[str] = []

    def leaves(group: click.Group) -> list[click.Command]:
        out = []
        for command in group.commands.values():
            out += leaves(command) if isinstance(command, click.Group) else [command]
        return out

    for command in leaves(cli):
        monkeypatch.setattr(command, "callback", lambda *a, _n=command.name, **k: ran.append(_n))
    monkeypatch.chdir(tmp_path)  # the files the examples name, for options that must name one
    Path("seeds").mkdir()
    Path("output").mkdir()
    Path("output/briefing-2026-11-23.pdf").write_bytes(b"%PDF-1.4\n")
    backup = Path(os.environ["BRIEFING_HOME"]) / "backup"
    backup.mkdir(parents=True)
    (backup / "state-v3.db").write_bytes(b"")
    for args in examples:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (args, result.output)
    assert {"corpus", "analyze", "generate", "send", "add", "list", "remove", "run-due", "render", "clear",
            "check", "restore"} <= set(ran)  # fmt: skip


# ---------------------------------------------------------------- figures


def test_the_seeds_figures_are_the_output(run_cli, tmp_path: Path) -> None:
    """The page count and the cover's counts the README quotes, from a real run
    (`python tools/readme_images.py` prints the page count after an output change)."""
    from pypdf import PdfReader

    result = run_cli("-q", "generate", SEEDS, "--out", tmp_path, "--date", "2026-11-23", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    pages = len(PdfReader(tmp_path / "briefing-2026-11-23.pdf").pages)
    briefing = model.Briefing.from_dict(
        json.loads((tmp_path / "briefing-2026-11-23.json").read_text("utf-8"))
    )
    what = " ".join(_section("What you get").split())
    assert f"is {pages} pages" in what
    memos = sum(s.kind == "memo" for s in briefing.sources)
    articles = len(briefing.sources) - memos
    assert f"({len(briefing.sources)}: {articles} articles, {memos} memo)" in what
    cases = sum(c.is_case for c in briefing.companies)
    assert f"({len(briefing.themes)}, {cases} and {len(briefing.questions)} for the seeds)" in what
    assert f"`seeds/`: {_number_word(articles)} articles and {_number_word(memos)} memo" in what
    assert f"writes the {pages}-page PDF" in " ".join(README.split())


def _number_word(n: int) -> str:
    return (
        ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][n]
        if n < 10
        else str(n)
    )
