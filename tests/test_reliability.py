"""Faults never betray the reader (issue 13): the rendered-file cache, all-or-nothing
outputs, nothing dropped in silence while reading, documented exit codes,
schedules checked when they are added, and one private copy per recipient.

Kills are in ``test_kills.py``, the state database in ``test_state.py``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import cache, mail, writers
from briefing import schedule as sched
from briefing.cli import cli
from briefing.errors import OutputError
from briefing.state import connect

try:
    from faults import ROOT, SEEDS, can_restrict, command, environment, run
    from test_editions import write_article
    from test_mail import SmtpServer, smtp_server
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.faults import ROOT, SEEDS, can_restrict, command, environment, run
    from tests.test_editions import write_article
    from tests.test_mail import SmtpServer, smtp_server  # noqa: F401 - a fixture

DATE = "2026-11-23"
STEM = f"briefing-{DATE}"
TEMPLATE = ROOT / "templates" / "briefing.md.j2"
needs_modes = pytest.mark.skipif(not can_restrict(), reason="root here cannot give up overriding file modes")


def _home() -> Path:
    return Path(os.environ["BRIEFING_HOME"])


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join((page.extract_text() or "") for page in PdfReader(str(path)).pages)


def _generate(run_cli, out: Path, *options: str | Path, source: Path = SEEDS):
    return run_cli("generate", source, "--out", out, "--date", DATE, *options)


def _template(folder: Path, name: str, extra: str = "", body: str | None = None) -> Path:
    """The default template plus a closing line ``extra`` (or ``body`` instead of it all)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body if body is not None else TEMPLATE.read_text("utf-8") + extra, "utf-8")
    return path


def _cache_entries() -> list[Path]:
    folder = _home() / "cache" / "outputs"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def _stray(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


# ------------------------------------------------------ the rendered-file cache


def test_two_templates_in_one_folder_each_render_their_own(run_cli, tmp_path: Path) -> None:
    alpha = _template(tmp_path / "tpl", "alpha.md.j2", "\nALPHAMARKER closing line.\n")
    beta = _template(tmp_path / "tpl", "beta.md.j2", "\nBETAMARKER closing line.\n")
    for template, mine, other in ((alpha, "ALPHAMARKER", "BETAMARKER"), (beta, "BETAMARKER", "ALPHAMARKER")):
        out = tmp_path / template.stem
        result = _generate(run_cli, out, "--format", "pdf", "--template", template)
        assert result.exit_code == 0, result.stderr
        text = _pdf_text(out / f"{STEM}.pdf")
        assert mine in text and other not in text
    assert len(_cache_entries()) == 2


def test_a_broken_template_fails_even_with_a_warm_cache(run_cli, tmp_path: Path) -> None:
    good = _template(tmp_path / "tpl", "good.md.j2")
    broken = _template(tmp_path / "tpl", "broken.md.j2", "\n{{ 1 / 0 }}\n")  # beside it, from the start
    out = tmp_path / "out"
    assert _generate(run_cli, out, "--format", "pdf", "--template", good).exit_code == 0
    before = (out / f"{STEM}.pdf").read_bytes()
    result = _generate(run_cli, out, "--format", "pdf", "--template", broken)
    assert result.exit_code == 4, result.stderr
    assert "broken.md.j2" in result.stderr and "division by zero" in result.stderr
    assert (out / f"{STEM}.pdf").read_bytes() == before


def test_the_key_follows_included_templates_by_name_and_nothing_else(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    main = _template(folder, "main.md.j2", '\n{% include "part.md.j2" %}\n')
    part = _template(folder, "part.md.j2", body="FIRSTPART included.\n")
    out = tmp_path / "out"
    assert _generate(run_cli, out, "--format", "pdf", "--template", main).exit_code == 0
    assert "FIRSTPART" in _pdf_text(out / f"{STEM}.pdf")

    _template(folder, "unrelated.md.j2", body="not used by main\n")  # beside it, not included
    result = _generate(run_cli, out, "--format", "pdf", "--template", main)
    assert "nothing changed since the last rendering" in result.stderr

    part.write_text("SECONDPART included.\n", "utf-8")
    result = _generate(run_cli, out, "--format", "pdf", "--template", main)
    assert "nothing changed" not in result.stderr
    assert "SECONDPART" in _pdf_text(out / f"{STEM}.pdf")


def test_a_truncated_cache_entry_is_a_miss_and_is_rebuilt(run_cli, tmp_path: Path, caplog) -> None:
    first = tmp_path / "first"
    assert _generate(run_cli, first).exit_code == 0
    for entry in _cache_entries():
        with open(entry, "r+b") as handle:
            handle.truncate(1000)
    second = tmp_path / "second"
    result = _generate(run_cli, second)
    assert result.exit_code == 0, result.stderr
    for kind in ("pdf", "docx"):
        assert (second / f"{STEM}.{kind}").read_bytes() == (first / f"{STEM}.{kind}").read_bytes()
    assert "is damaged" in caplog.text and "rendering again" in caplog.text
    third = tmp_path / "third"
    result = _generate(run_cli, third)  # the entry was written again, whole
    assert "nothing changed since the last rendering" in result.stderr
    assert (third / f"{STEM}.pdf").read_bytes() == (first / f"{STEM}.pdf").read_bytes()


FILES = {"pdf": b"%PDF-1.4 pdf bytes", "docx": b"PK docx bytes"}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:-1], id="truncated"),
        pytest.param(lambda b: b[:-3] + bytes([b[-3] ^ 1]) + b[-2:], id="a-flipped-bit"),
        pytest.param(lambda b: b + b"x", id="trailing-bytes"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b.split(b"\n", 1)[1], id="no-header"),
        pytest.param(lambda b: b.replace(b'"size": 13', b'"size": "13"', 1), id="size-not-a-number"),
        pytest.param(lambda b: b'{"files": 3}\n' + b.split(b"\n", 1)[1], id="header-of-the-wrong-shape"),
        pytest.param(lambda b: b"\xff\xfe\n" + b.split(b"\n", 1)[1], id="header-not-text"),
    ],
)
def test_a_damaged_cache_entry_is_a_miss_and_is_removed(damage) -> None:
    store = cache.OutputCache()
    store.store("k" * 64, FILES)
    assert store.load("k" * 64, ("pdf", "docx")) == FILES
    (entry,) = _cache_entries()
    entry.write_bytes(damage(entry.read_bytes()))
    assert store.load("k" * 64, ("pdf", "docx")) is None
    assert not entry.exists()  # removed, so the next run stores it again
    assert store.load("k" * 64, ("pdf",)) is None


def _failing_fsync(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """ENOSPC from fsync(2) for temporary files of names ending in ``suffix``, as
    a full disk reports it for delayed allocation."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and suffix in os.readlink(
            f"/proc/self/fd/{fd}"
        ):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name an open file")
def test_a_full_disk_changes_no_output_and_names_the_file(run_cli, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert _generate(run_cli, out, "--format", "pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _failing_fsync(monkeypatch, ".docx.")
    result = _generate(run_cli, out, "--title", "另一个标题")
    assert result.exit_code == 5, result.stderr
    assert f"cannot write {out / STEM}.docx: No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no name changed, nothing stray


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name an open file")
def test_a_full_disk_costs_the_cache_not_the_briefing(run_cli, tmp_path: Path, monkeypatch, caplog) -> None:
    _failing_fsync(monkeypatch, ".out.")
    out = tmp_path / "out"
    result = _generate(run_cli, out, "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert (out / f"{STEM}.pdf").read_bytes().startswith(b"%PDF-")
    assert "could not keep the rendered files in the cache" in caplog.text
    folder = _home() / "cache" / "outputs"
    assert list(folder.iterdir()) == []  # no entry, and no partial one


# ------------------------------------------------------- all-or-nothing outputs


def test_a_folder_in_place_of_the_docx_changes_nothing(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _generate(run_cli, out, "--format", "pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / f"{STEM}.docx").mkdir()
    result = _generate(run_cli, out, "--title", "另一个标题")
    assert result.exit_code == 5
    assert f"{STEM}.docx" in result.stderr and f"{STEM}.pdf" not in result.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


def test_a_failed_rename_puts_back_the_files_already_renamed(tmp_path: Path, monkeypatch) -> None:
    first, second, third = (tmp_path / n for n in ("a.pdf", "b.docx", "c.json"))
    first.write_bytes(b"old a")
    third.write_bytes(b"old c")
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if Path(dst) == third:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"cannot write .*c\.json: Input/output error"):
        writers.write_files({first: b"new a", second: b"new b", third: b"new c"})
    monkeypatch.undo()
    assert first.read_bytes() == b"old a" and third.read_bytes() == b"old c"
    assert not second.exists()  # it was new: removed again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "c.json"]
    writers.write_files({first: b"new a", second: b"new b", third: b"new c"})
    assert [p.read_bytes() for p in (first, second, third)] == [b"new a", b"new b", b"new c"]


def test_a_pipe_or_device_target_is_written_into_not_replaced(tmp_path: Path) -> None:
    """``analyze --json -o /dev/stdout`` (or ``/dev/null`` as root) must not put a
    regular file in the device's place; a named pipe stands in for both here."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        writers.write_files({tmp_path / "model.json": b"{}", fifo: b"streamed"})
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert os.read(reader, 100) == b"streamed"
    finally:
        os.close(reader)
    assert (tmp_path / "model.json").read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "pipe"]


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_stale_temporary_files_of_killed_runs_are_removed(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    stale = [
        out / f".{STEM}.pdf.{dead}.0a1b2c3d.tmp",  # this version's name, its process gone
        out / f".{STEM}.docx.{dead}.0a1b2c3d.old",
        out / f".{STEM}.pdf.x8k2m1qz.tmp",  # an earlier version's mkstemp name, an hour old
        out / f".probe.{dead}.0a1b2c3d.tmp",  # the check that the folder can be written
    ]
    kept = [out / f".{STEM}.pdf.{alive}.0a1b2c3d.tmp", out / ".notes.txt.x8k2m1qz.tmp"]
    for path in stale + kept:
        path.write_bytes(b"partial")
    hour_ago = time.time() - 3700
    os.utime(stale[2], (hour_ago, hour_ago))
    os.utime(kept[1], (hour_ago, hour_ago))  # not a briefing file: not ours to remove
    outputs = _home() / "cache" / "outputs"
    outputs.mkdir(parents=True)
    (outputs / f".{'f' * 64}.pdf.{dead}.tmp").write_bytes(b"partial")  # earlier versions' cache

    assert _generate(run_cli, out, "--format", "pdf").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{STEM}.json", f"{STEM}.pdf", *(p.name for p in kept)]
    )
    assert _stray(outputs) == []


# ------------------------------------------------------ nothing dropped in silence


def _skipped(done: subprocess.CompletedProcess) -> dict[str, str]:
    import json

    assert done.returncode == 0, done.stderr
    return {s["path"]: s["reason"] for s in json.loads(done.stdout)["skipped"]}


@needs_modes
def test_unreadable_folders_and_files_are_listed_as_skipped(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    write_article(source / "locked", "b.md", DATE, "A document nobody can read.\n")
    write_article(source, "private.md", DATE, "A file nobody can read.\n")
    (source / "locked").chmod(0)
    (source / "private.md").chmod(0)
    skipped = _skipped(run("corpus", source, "--json", home=tmp_path / "state", restricted=True))
    assert skipped == {
        "locked/": "cannot read folder: Permission denied",
        "private.md": "cannot read: Permission denied",
    }


def test_special_files_and_links_are_listed_and_never_opened(tmp_path: Path) -> None:
    source = tmp_path / "s"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    os.mkfifo(source / "pipe")  # opening it would block until a writer came
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(source / "sock"))
    (source / "loop").symlink_to("loop")
    (source / "gone").symlink_to("nowhere")
    (source / "device").symlink_to("/dev/null")
    (tmp_path / "elsewhere").mkdir()
    (source / "linked").symlink_to(tmp_path / "elsewhere")
    try:
        done = subprocess.run(
            command("corpus", source, "--json"),
            env=environment(tmp_path / "state"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        listener.close()
    assert _skipped(done) == {
        "device": "a character device: not read",
        "gone": "broken symbolic link",
        "linked/": "symbolic link to a folder: not followed",
        "loop": "symbolic link loop",
        "pipe": "a named pipe (FIFO): not read",
        "sock": "a socket: not read",
    }


@needs_modes
def test_an_unreadable_source_folder_is_exit_3(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    source.chmod(0)
    for args in (["corpus", source], ["generate", source, "--out", tmp_path / "out"]):
        done = run(*args, home=tmp_path / "state", restricted=True)
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip() == f"Error: cannot read source folder {source}: Permission denied"


# -------------------------------------------------------------- exit codes


def test_a_recursive_macro_is_a_template_error(run_cli, tmp_path: Path) -> None:
    template = _template(
        tmp_path, "loop.md.j2", body="# T\n\n{% macro again(n) %}{{ again(n) }}{% endmacro %}{{ again(1) }}\n"
    )
    result = _generate(run_cli, tmp_path / "out", "--format", "pdf", "--template", template)
    assert result.exit_code == 4, (result.exit_code, result.exception)
    assert "loop.md.j2" in result.stderr and "recursion" in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["send", "x.pdf", "--to", "a@example.com", "--subject", "Weekly\r\nBcc: all@example.com"],
        ["send", "x.pdf", "--to", "a@example.com", "--subject", "Weekly\nbriefing"],
        ["generate", "--title", "Weekly\r\nBcc: all@example.com"],
        ["analyze", "--title", "Two\nlines"],
    ],
)
def test_line_breaks_in_a_title_or_subject_are_refused_where_given(tmp_path: Path, args: list[str]) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    args = [str(pdf) if a == "x.pdf" else a for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "must be one line" in result.output


def test_send_of_a_missing_file_is_wrong_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["send", str(tmp_path / "nope.pdf"), "--to", "a@example.com", "--dry-run"]
    )
    assert result.exit_code == 2 and "does not exist" in result.output
    with pytest.raises(Exception, match="no such file") as caught:
        mail.send_pdf(tmp_path / "nope.pdf", ["a@example.com"], dry_run=True)
    assert caught.value.exit_code == 3


# ----------------------------------------------------- schedules checked when added


@pytest.fixture
def smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("BRIEFING_SMTP_FROM", "briefing@example.com")


def _add(*extra: str | Path, source: Path) -> object:
    args = ["schedule", "add", "weekly", "--cron", "0 8 * * MON", "--tz", "Asia/Shanghai"]
    return CliRunner().invoke(
        cli, [*args, "--to", "ceo@example.com", "--source", str(source), *map(str, extra)]
    )


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--template", "/nonexistent/weekly.md.j2"], 4, "template not found"),
        (["--template", "{tpl}/broken.md.j2"], 4, "broken.md.j2:3: Expected an expression"),
        (["--template", "{tpl}/outer.md.j2"], 4, "template not found: missing.md.j2"),
        (["--out", "{tpl}/broken.md.j2/sub"], 5, "cannot write to"),
        (["--to", "not-an-address"], 8, "not a mail address"),
        (["--tz", "Asia/Beijing"], 8, "unknown time zone"),
        (["--cron", "0 8 * *"], 8, "invalid cron expression"),
    ],
)
def test_schedule_add_checks_what_a_run_will_need(
    tmp_path: Path, smtp_env: None, extra: list[str], code: int, words: str
) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    tpl = tmp_path / "tpl"
    _template(tpl, "broken.md.j2", body="# Title\n{{ b.title }}\n{% if %}\n")
    _template(tpl, "outer.md.j2", body='{% include "missing.md.j2" %}\n')
    result = _add(*(e.replace("{tpl}", str(tpl)) for e in extra), source=source)
    assert result.exit_code == code, result.output
    assert words in result.output and result.output.count("\n") == 1
    with closing(connect()) as conn:
        assert conn.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0


def test_schedule_add_needs_smtp_settings_unless_told_otherwise(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    for name in [n for n in os.environ if n.startswith("BRIEFING_SMTP_")]:
        monkeypatch.delenv(name)
    result = _add(source=source)
    assert result.exit_code == 8 and "BRIEFING_SMTP_HOST is not set" in result.output
    assert _add("--no-smtp-check", source=source).exit_code == 0


@needs_modes
def test_schedule_add_refuses_an_unreadable_source(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    source.chmod(0o300)
    done = run(
        *["schedule", "add", "weekly", "--cron", "0 8 * * MON", "--tz", "UTC", "--to", "a@example.com"],
        *["--source", source, "--no-smtp-check"],
        home=tmp_path / "state",
        restricted=True,
    )
    assert done.returncode == 8 and "source folder cannot be read" in done.stderr, done.stderr


def test_schedule_add_stores_a_local_template_and_each_address_once(
    tmp_path: Path, smtp_env: None, monkeypatch
) -> None:
    source = tmp_path / "src"
    write_article(source, "a.md", DATE, "Cloud revenue grew 45 percent.\n")
    _template(tmp_path / "templates", "weekly.md.j2")
    monkeypatch.chdir(tmp_path)  # ./templates/weekly.md.j2: cron runs elsewhere
    result = _add("--template", "weekly", "--to", "CEO@Example.com", "--to", "cfo@example.com", source=source)
    assert result.exit_code == 0, result.output
    with closing(connect()) as conn:
        (found,) = sched.list_schedules(conn)
    assert found.template == str((tmp_path / "templates" / "weekly.md.j2").resolve())
    assert found.recipients == ["ceo@example.com", "cfo@example.com"]


# --------------------------------------------------------------- mail privacy


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "weekly.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return path


def test_each_recipient_gets_a_copy_of_their_own_and_only_one(smtp_server: SmtpServer, pdf: Path) -> None:
    given = ["ceo@example.com", "CFO@example.com", "cfo@EXAMPLE.com", "ceo@example.com", "Ceo@Example.Com"]
    result = mail.send_pdf(pdf, given, settings=smtp_server.settings())
    assert result.recipients == ["ceo@example.com", "CFO@example.com"]
    assert [e.rcpt_tos for e in smtp_server.handler.envelopes] == [["ceo@example.com"], ["CFO@example.com"]]
    assert [m["To"] for m in smtp_server.messages] == ["ceo@example.com", "CFO@example.com"]
    assert all(m["Cc"] is None and m["Bcc"] is None for m in smtp_server.messages)
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 2


def test_a_refused_recipient_does_not_stop_the_others(smtp_server: SmtpServer, pdf: Path) -> None:
    smtp_server.handler.refuse = {"gone@example.com"}
    with pytest.raises(mail.PermanentDeliveryError) as caught:
        mail.send_pdf(
            pdf,
            ["gone@example.com", "ceo@example.com"],
            settings=smtp_server.settings(),
            sleep=lambda _s: None,
        )
    assert str(caught.value).startswith("gone@example.com: recipient refused")
    assert str(caught.value).endswith("delivered to ceo@example.com")
    assert [m["To"] for m in smtp_server.messages] == ["ceo@example.com"]


def test_send_dry_run_writes_one_mail_per_recipient(
    tmp_path: Path, pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_SMTP_FROM", "briefing@example.com")
    result = CliRunner().invoke(
        cli,
        [
            "send",
            str(pdf),
            "--to",
            "a@example.com",
            "--to",
            "B@example.com",
            "--to",
            "b@example.com",
            "--dry-run",
        ],
    )
    assert result.exit_code == 0, result.output
    emls = sorted((_home() / "outbox").glob("*.eml"))
    assert len(emls) == 2
    heads = [e.read_bytes().split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] for e in emls]
    assert sorted(next(h for h in head.splitlines() if h.startswith(b"To:")) for head in heads) == [
        b"To: B@example.com",
        b"To: a@example.com",
    ]


def test_a_run_told_to_stop_never_reports_success(monkeypatch) -> None:
    """A SIGTERM whose exception something swallowed (so the run went on) still
    ends in 143, never 0: cron and systemd must not take it for a success."""
    import signal as _signal

    from briefing import cli as cli_module

    def swallowing_main(*_args, **_kwargs):
        with contextlib.suppress(BaseException):  # a library that swallows the exception
            os.kill(os.getpid(), _signal.SIGTERM)
        raise SystemExit(0)

    previous = _signal.getsignal(_signal.SIGTERM)
    monkeypatch.setattr(cli_module.cli, "main", swallowing_main)
    monkeypatch.setattr(cli_module, "_sigterm", cli_module.threading.Event())
    try:
        with pytest.raises(SystemExit) as exc:
            cli_module.run()  # main() would also end this process
    finally:
        _signal.signal(_signal.SIGTERM, previous)
    assert exc.value.code == 128 + _signal.SIGTERM
