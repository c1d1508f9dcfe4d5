"""Templates are checked before any work and run in Jinja2's sandbox (issue 14, item 1).

A template error must surface when the template is chosen, not on the Monday
the data first reach a branch: :func:`briefing.render.check_template` reads
the template and everything it includes, extends or imports, and rejects
unknown filters and tests in every branch, with file and line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import pipeline
from briefing.cli import cli
from briefing.errors import TemplateError
from briefing.render import check_template, render

try:
    from test_editions import make_briefing, make_document
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_editions import make_briefing, make_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPLATE = ROOT / "templates" / "briefing.md.j2"


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder / next(iter(files))


# Each case: the files of a template folder (the first is the template), and
# the file and line the error must name, or None when the template is fine.
CASES = {
    "unknown filter in an if branch the data never reach": (
        {"t.md.j2": "# 标题\n{% if b.changes %}\n{{ b.title | shout }}\n{% endif %}\n"},
        ("t.md.j2", 3, "unknown filter 'shout'"),
    ),
    "unknown filter in the else branch": (
        {"t.md.j2": "{% if b.title %}\nok\n{% else %}\n{{ b.title | clipp(3) }}\n{% endif %}\n"},
        ("t.md.j2", 4, "did you mean 'clip'"),
    ),
    "unknown filter in an empty loop's body": (
        {"t.md.j2": "{% for c in b.companies %}\n\n{{ c.name | loud }}\n{% endfor %}\n"},
        ("t.md.j2", 3, "unknown filter 'loud'"),
    ),
    "unknown filter in a macro nobody calls": (
        {"t.md.j2": "{% macro m(x) %}\n{{ x | nope }}\n{% endmacro %}\nok\n"},
        ("t.md.j2", 2, "unknown filter 'nope'"),
    ),
    "unknown filter block": (
        {"t.md.j2": "a\n{% filter shout %}x{% endfilter %}\n"},
        ("t.md.j2", 2, "unknown filter 'shout'"),
    ),
    "unknown test": (
        {"t.md.j2": "{% if b.changes is fresh %}\nx\n{% endif %}\n"},
        ("t.md.j2", 1, "unknown test 'fresh'"),
    ),
    "unknown test named as a string": (
        {"t.md.j2": '\n{% set big = b.companies | selectattr("mentions", "greater", 3) | list %}\n'},
        ("t.md.j2", 2, "unknown test 'greater'"),
    ),
    "unknown filter named as a string": (
        {"t.md.j2": '{{ b.summary | map("figuer") | join }}\n'},
        ("t.md.j2", 1, "did you mean 'figure'"),
    ),
    "unknown filter in an included file, inside its branch": (
        {
            "t.md.j2": '# x\n{% include "part.md.j2" %}\n',
            "part.md.j2": "{% if b.changes %}\n{{ 1 | bad }}\n{% endif %}\n",
        },
        ("part.md.j2", 2, "unknown filter 'bad'"),
    ),
    "unknown filter in the parent a template extends": (
        {
            "t.md.j2": '{% extends "base.md.j2" %}\n{% block body %}ok{% endblock %}\n',
            "base.md.j2": "{% block body %}{% endblock %}\n{% if b.changes %}{{ b | bad }}{% endif %}\n",
        },
        ("base.md.j2", 2, "unknown filter 'bad'"),
    ),
    "unknown filter in an imported macro file": (
        {
            "t.md.j2": '{% from "macros.md.j2" import cell %}\n{{ cell("x") }}\n',
            "macros.md.j2": "{% macro cell(x) %}\n\n{{ x | bad }}{% endmacro %}\n",
        },
        ("macros.md.j2", 3, "unknown filter 'bad'"),
    ),
    "included file missing": (
        {"t.md.j2": 'x\n{% if b.changes %}{% include "gone.md.j2" %}{% endif %}\n'},
        ("t.md.j2", 2, "template not found: gone.md.j2"),
    ),
    "computed include name": (
        {"t.md.j2": "{% include b.title ~ '.md.j2' %}\n"},
        ("t.md.j2", 1, "must be a literal string"),
    ),
    "syntax error": ({"t.md.j2": "a\nb\n{% for x in %}\n"}, ("t.md.j2", 3, "")),
    "optional include that is missing": ({"t.md.j2": '{% include "gone.md.j2" ignore missing %}\n'}, None),
    "map by attribute, tests and filters of our own": (
        {
            "t.md.j2": '{{ b.companies | map(attribute="name") | join }}'
            '{{ b.companies | selectattr("mentions", "ge", 3) | list | length }}'
            "{{ b.date | sentence }}{{ 3 | num }}{% if b.changes is none %}{% endif %}\n"
        },
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_check_template_rejects_unknown_names_in_every_branch(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]
    template = _write(tmp_path, files)
    if expected is None:
        check_template(str(template))
        return
    name, line, words = expected
    with pytest.raises(TemplateError) as caught:
        check_template(str(template))
    message = str(caught.value)
    assert f"{tmp_path / name}:{line}:" in message, message
    assert words in message
    assert "\n" not in message


def test_the_bundled_template_passes_the_check() -> None:
    check_template(None)
    check_template(str(TEMPLATE))


def test_generate_rejects_the_template_before_any_analysis(tmp_path: Path, monkeypatch) -> None:
    lines = TEMPLATE.read_text("utf-8").splitlines()
    changes = lines.index("{% if b.changes %}")
    lines.insert(changes + 1, "{{ b.changes.period | shout }}")  # only editions with changes reach it
    broken = tmp_path / "mine.md.j2"
    broken.write_text("\n".join(lines) + "\n", "utf-8")
    analysed: list[Path] = []
    monkeypatch.setattr(pipeline, "analyze", lambda source, **_: analysed.append(source))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(SEEDS), "--out", str(out), "--template", str(broken)])
    assert result.exit_code == 4, result.output
    assert f"{broken}:{changes + 2}: unknown filter 'shout'" in result.output
    assert analysed == []
    assert "analysing" not in result.output and "read " not in result.output
    assert not any(out.iterdir())


def test_schedule_add_checks_its_template(tmp_path: Path) -> None:
    broken = _write(tmp_path, {"weekly.md.j2": "{% if b.changes %}{{ b | bad }}{% endif %}\n"})
    args = ["schedule", "add", "weekly", "--cron", "0 8 * * MON", "--tz", "Asia/Shanghai"]
    args += ["--to", "ceo@example.com", "--source", str(SEEDS), "--no-smtp-check"]
    result = CliRunner().invoke(cli, [*args, "--template", str(broken)])
    assert result.exit_code == 4, result.output
    assert f"{broken}:1: unknown filter 'bad'" in result.output
    listed = CliRunner().invoke(cli, ["schedule", "list", "--json"])
    assert listed.exit_code == 0 and "weekly" not in listed.output  # nothing was stored
    good = CliRunner().invoke(cli, [*args, "--template", str(TEMPLATE)])
    assert good.exit_code == 0, good.output


# ------------------------------------------------------------------ the sandbox


@pytest.fixture
def model():
    return make_briefing(documents=[make_document("a.md", "x", "2026-11-20")], takeaways=["t"])


@pytest.mark.parametrize(
    "expression",
    [
        "{{ b.__class__.__mro__ }}",
        "{{ b.to_dict.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ '{0.__class__.__base__}'.format(b) }}",
        "{{ b.title.__class__.__subclasses__() }}",
        "{{ lipsum.__globals__['os'] }}",
    ],
)
def test_templates_cannot_reach_python_internals(tmp_path: Path, model, expression: str) -> None:
    template = _write(tmp_path, {"t.md.j2": f"# x\n\n{expression}\n"})
    check_template(str(template))  # nothing unknown: the sandbox stops it when it runs
    with pytest.raises(TemplateError) as caught:
        render(model, {}, str(template))
    message = str(caught.value)
    assert f"{template}:3:" in message
    assert "unsafe" in message or "undefined" in message
    assert "<class" not in message and "module" not in message


def test_templates_cannot_read_files_outside_their_folder(tmp_path: Path, model) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("PASSWORD=hunter2", "utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    for target in ("../secret.txt", str(secret), "/etc/passwd"):
        template = _write(folder, {"t.md.j2": f'{{% include "{target}" %}}\n'})
        with pytest.raises(TemplateError, match="template not found"):
            check_template(str(template))
        with pytest.raises(TemplateError, match="not found"):
            render(model, {}, str(template))
    # a link inside the folder that leads outside it is refused too
    os.symlink(secret, folder / "linked.md.j2")
    template = _write(folder, {"t.md.j2": '{% include "linked.md.j2" %}\n'})
    for attempt in (check_template, lambda t: render(model, {}, t)):
        with pytest.raises(TemplateError, match="outside the template folder") as caught:
            attempt(str(template))
        assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("the folder's README, not a source", "文件夹的说明文件，不是来源"),
        ("a data table (TSV), not an article", "数据表，不是文章"),
        ("a licence file, not a source", "许可证文件，不是来源"),
        ("broken symbolic link", "失效的符号链接"),
        ("symbolic link to a folder: not followed", "指向文件夹的链接，未跟随"),
        ("something nobody foresaw", "无法作为来源读取"),
        ("a copy of 01_story.md (the same text in the other script)", "与01_story.md内容相同的繁简转载"),
        ("a copy of 01_story.md (the same text)", "与01_story.md内容相同的转载"),
    ],
)
def test_skip_reasons_are_said_in_chinese(reason: str, expected: str) -> None:
    """The method note of a Chinese briefing carries no English log words."""
    from briefing.labels import skip_reason_zh

    assert skip_reason_zh(reason) == expected
