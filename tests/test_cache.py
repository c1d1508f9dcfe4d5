"""The analysis cache and parallel analysis (issue 6).

A second run reads every unchanged document from the cache and gives the same
model byte for byte; an edited document, and only it, is analysed again; a
dictionary or gazetteer edit (``BRIEFING_DATA``) changes the analysis version
so nothing analysed under other data is ever read back; a damaged cache row
is a miss; two runs at once on one state folder both succeed and leave a sound
database; and analysis on two worker processes gives the model one process
gives. Runs that change ``BRIEFING_DATA`` are separate processes, as a user's
runs are. Every test has its own state folder (``tests/conftest.py``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from briefing import bench, cache, executors
from briefing.analysis import document
from briefing.analysis.document import DocAnalysis
from briefing.readers import read_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NEV = ROOT / "tests" / "fixtures" / "corpora" / "nev"
DATE = "2026-11-23"

# A company no built-in list knows, written as an alias of the gazetteer entry
# the tests add: its canonical name appears in a model only through that entry
# (discovery finds the alias, the subject of what it announces, under that name).
NEW_ORG = "星河数字科技"
NEW_ALIAS = "星河数科"
# A phrase of the text jieba cuts in two (数据|打通) until a dictionary names it.
DICT_WORD = "数据打通"
NEW_DOC = f"""{NEW_ALIAS}发布工业互联网平台

发布时间：2026-11-02

{NEW_ALIAS}今天在杭州发布了面向中小制造企业的工业互联网平台，首批接入工厂超过1200家。{NEW_ALIAS}表示，平台将把设备数据、订单数据和供应链数据打通。

据介绍，{NEW_ALIAS}2025年营收达到18.6亿元，同比增长42%。公司计划在三年内把平台服务的企业数量提升到1万家。

分析人士认为，{NEW_ALIAS}的做法代表了产业互联网从“连接”走向“协同”的趋势。
"""


# ------------------------------------------------------------------ helpers


@pytest.fixture
def home() -> Path:
    """The test's own state folder (set by the autouse fixture in conftest)."""
    return Path(os.environ["BRIEFING_HOME"])


@pytest.fixture
def nev(tmp_path: Path) -> Path:
    """The NEV fixture corpus plus a document naming a company no list knows."""
    folder = tmp_path / "nev"
    shutil.copytree(NEV, folder)
    (folder / "05_xinghe.txt").write_text(NEW_DOC, "utf-8")
    return folder


@functools.cache
def _seed_groups() -> dict[str, tuple[int, list[str]]]:
    return bench.seed_paragraphs([d.to_dict() for d in read_corpus(SEEDS).documents])


def _generated(folder: Path, count: int, seed: int = 6) -> Path:
    """``count`` documents recombined from the seeds' paragraphs (the benchmark's generator)."""
    bench.write_corpus(folder, bench.generate_corpus(_seed_groups(), count, seed=seed))
    return folder


class Spy:
    """Records which documents the runs had to analyse (not found in the cache),
    whether they were read in the same go or earlier."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        real = document.analyse_document

        def spy(doc):
            self.calls.append(doc.path)
            return real(doc)

        monkeypatch.setattr(document, "analyse_document", spy)

    @property
    def analysed(self) -> list[str]:
        return sorted(self.calls)


def _analyze(run_cli, folder: Path, *options: str) -> str:
    """``briefing -q analyze FOLDER --json`` in-process; the model JSON text."""
    result = run_cli("-q", "analyze", folder, "--json", "--date", DATE, *options)
    assert result.exception is None, result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _env(home: Path, data: list[Path] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_DATA"}
    env["BRIEFING_HOME"] = str(home)
    if data:
        env["BRIEFING_DATA"] = os.pathsep.join(str(p) for p in data)
    return env


def _briefing(home: Path, *args: str | Path, data: list[Path] | None = None) -> subprocess.CompletedProcess:
    """``python -m briefing ARGS`` in its own process (as a user runs it)."""
    done = subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        env=_env(home, data),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def _rows(home: Path) -> list[dict[str, Any]]:
    """The analysis cache's rows, their data decoded where it decodes."""
    with sqlite3.connect(home / "state.db") as conn:
        rows = conn.execute(
            "SELECT key, version, path, data FROM analysis_cache ORDER BY path, key"
        ).fetchall()
    out = []
    for key, version, path, data in rows:
        try:
            decoded = json.loads(zlib.decompress(data))
        except (zlib.error, ValueError):
            decoded = None
        out.append({"key": key, "version": version, "path": path, "data": data, "analysis": decoded})
    return out


def _tokens(row: dict[str, Any]) -> set[str]:
    return {t for s in row["analysis"]["sentences"] for t in s["tokens"]}


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages)


def _forget_models(home: Path) -> None:
    """Remove the folders' cached models, so that the next run consults the
    per-document caches (an unchanged folder's model would skip them)."""
    shutil.rmtree(home / "cache" / "models", ignore_errors=True)


def _set_data(home: Path, path: str, data: bytes) -> None:
    with sqlite3.connect(home / "state.db") as conn:
        assert conn.execute("UPDATE analysis_cache SET data = ? WHERE path = ?", (data, path)).rowcount == 1


# --------------------------------------------------------------- the cache


def test_second_run_reads_every_document_from_the_cache(run_cli, nev: Path, home: Path, monkeypatch) -> None:
    spy = Spy(monkeypatch)
    first = _analyze(run_cli, nev)
    assert spy.analysed == sorted(p.name for p in nev.iterdir())
    rows = _rows(home)
    assert len(rows) == 5
    assert {r["version"] for r in rows} == {cache.analysis_version()}

    spy.calls.clear()
    second = _analyze(run_cli, nev)
    assert spy.analysed == [], "a document was analysed again although nothing changed"
    assert second == first  # byte-identical model


def test_editing_a_document_analyses_that_document_again(run_cli, nev: Path, monkeypatch) -> None:
    spy = Spy(monkeypatch)
    first = _analyze(run_cli, nev)
    edited = nev / "01_price_war_zh-hans.txt"
    text = edited.read_text("utf-8")
    assert "302.4万辆" in text and "302.4万辆" in first
    edited.write_text(text.replace("302.4万辆", "302.6万辆"), "utf-8")
    spy.calls.clear()
    second = _analyze(run_cli, nev)
    assert spy.analysed == ["01_price_war_zh-hans.txt"]
    assert "302.6万辆" in second and "302.6万辆" not in first

    spy.calls.clear()
    assert _analyze(run_cli, nev) == second
    assert spy.analysed == []


def test_a_renamed_document_is_read_from_the_cache_under_its_new_name(
    run_cli, nev: Path, monkeypatch
) -> None:
    spy = Spy(monkeypatch)
    first = json.loads(_analyze(run_cli, nev))
    (nev / "05_xinghe.txt").rename(nev / "06_renamed.txt")
    spy.calls.clear()
    second = json.loads(_analyze(run_cli, nev))
    assert spy.analysed == []
    paths = [s["path"] for s in second["sources"]]
    assert "06_renamed.txt" in paths and "05_xinghe.txt" not in paths
    assert "05_xinghe.txt" not in json.dumps(second, ensure_ascii=False)
    assert len(second["sources"]) == len(first["sources"])


def test_the_same_text_under_two_names_gives_the_uncached_model(run_cli, nev: Path, home: Path) -> None:
    shutil.copy(nev / "01_price_war_zh-hans.txt", nev / "09_copy.txt")  # one cache key, two documents
    uncached = _analyze(run_cli, nev, "--no-cache")
    assert _analyze(run_cli, nev) == uncached  # analysed, stored
    _forget_models(home)
    assert _analyze(run_cli, nev) == uncached  # both read from one cache row


# ------------------------------------------- data edits invalidate the cache


def test_dictionary_and_gazetteer_edits_invalidate_the_cache(nev: Path, home: Path, tmp_path: Path) -> None:
    """Each run is a new process, as a user's are. After a data edit every
    document is analysed again under a new version (the old entries are gone),
    the new company is in the briefing, and after the edit is undone it is not."""
    dictionary = tmp_path / "dict-edit"
    dictionary.mkdir()
    (dictionary / "dict.txt").write_text(f"{NEW_ALIAS} 30000 nz\n{DICT_WORD} 30000 n\n", "utf-8")
    gazetteer = tmp_path / "gazetteer-edit"
    gazetteer.mkdir()
    (gazetteer / "gazetteer.yaml").write_text(
        "organisations:\n"
        f"  - {{name: {NEW_ORG}, en: Xinghe Digital, type: company, aliases: [{NEW_ALIAS}]}}\n",
        "utf-8",
    )
    analyze = ("analyze", nev, "--json", "--date", DATE)

    def versions() -> set[str]:
        return {r["version"] for r in _rows(home)}

    def xinghe() -> dict[str, Any]:
        return next(r for r in _rows(home) if r["path"] == "05_xinghe.txt")

    plain = _briefing(home, *analyze).stdout
    v0 = versions()
    assert len(v0) == 1 and len(_rows(home)) == 5
    assert NEW_ORG not in plain
    assert DICT_WORD not in _tokens(xinghe())  # jieba splits the phrase

    # A dictionary word: every analysis is redone (jieba may segment any text differently).
    with_word = _briefing(home, *analyze, data=[dictionary])
    v1 = versions()
    assert len(v1) == 1 and v1 != v0
    assert len(_rows(home)) == 5  # all five analysed again, the old version's entries pruned
    assert "0 of 5 document(s) analysed from the cache" in with_word.stderr
    assert DICT_WORD in _tokens(xinghe())
    assert NEW_ORG not in with_word.stdout

    # A gazetteer entry whose alias is in the text: the briefing shows the company.
    out = tmp_path / "out"
    _briefing(home, "-q", "generate", nev, "--out", out, "--date", DATE, "--format", "pdf", data=[gazetteer])
    v2 = versions()
    assert len(v2) == 1 and v2 not in (v0, v1)
    model = json.loads((out / f"briefing-{DATE}.json").read_text("utf-8"))
    company = next(c for c in model["companies"] if c["name"] == NEW_ORG)
    assert company["type"] == "company" and NEW_ALIAS in company["aliases"]
    assert company["documents"] == ["05_xinghe.txt"]
    assert any(f["measure"] == "营收" and round(f["value"]) == 1_860_000_000 for f in company["figures"])
    assert NEW_ORG in _pdf_text(out / f"briefing-{DATE}.pdf")

    # The edit undone: the folder's model under the old data is kept (the last
    # few are) and is the model without the edit …
    assert _briefing(home, *analyze).stdout == plain
    assert versions() == v2  # … so nothing was analysed
    # … and without it, nothing analysed under the edit is read back.
    _forget_models(home)
    undone = _briefing(home, *analyze)
    assert versions() == v0
    assert "0 of 5 document(s) analysed from the cache" in undone.stderr
    assert NEW_ORG not in undone.stdout
    assert undone.stdout == plain
    assert DICT_WORD not in _tokens(xinghe())
    out2 = tmp_path / "out2"
    _briefing(home, "-q", "generate", nev, "--out", out2, "--date", DATE, "--format", "pdf")
    assert NEW_ORG not in (out2 / f"briefing-{DATE}.json").read_text("utf-8")
    assert NEW_ORG not in _pdf_text(out2 / f"briefing-{DATE}.pdf")


def test_changing_briefing_data_within_a_process_never_serves_stale_analyses(
    nev: Path, tmp_path: Path, monkeypatch
) -> None:
    """A process reads ``BRIEFING_DATA`` once: its word lists, gazetteer and cache
    version always agree, so a later change in the environment cannot mix them."""
    import datetime as dt

    from briefing.pipeline import analyze

    def model(use_cache: bool) -> str:
        result = analyze(nev, date=dt.date.fromisoformat(DATE), use_cache=use_cache)
        return json.dumps(result.to_dict(), ensure_ascii=False)

    assert model(True) == model(False)
    gazetteer = tmp_path / "gazetteer-edit"
    gazetteer.mkdir()
    (gazetteer / "gazetteer.yaml").write_text(
        f"organisations:\n  - {{name: {NEW_ORG}, type: company, aliases: [{NEW_ALIAS}]}}\n", "utf-8"
    )
    monkeypatch.setenv("BRIEFING_DATA", str(gazetteer))
    assert model(True) == model(False)


# ---------------------------------------------------------- damaged entries


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"\x00\xffnot zlib at all\x13\x37" * 8, id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(zlib.compress(b"{not json"), id="not-json"),
        pytest.param(zlib.compress(b'{"sentences": 3}'), id="wrong-shape"),
        pytest.param(zlib.compress(b"[1, 2, 3]"), id="not-an-object"),
        pytest.param(zlib.compress(b"{}")[:-3], id="truncated"),
    ],
)
def test_a_damaged_cache_row_is_a_miss(run_cli, nev: Path, home: Path, monkeypatch, garbage: bytes) -> None:
    spy = Spy(monkeypatch)
    first = _analyze(run_cli, nev)
    _set_data(home, "02_battery_routes_zh-hant.txt", garbage)
    _forget_models(home)
    spy.calls.clear()
    second = _analyze(run_cli, nev)  # no error …
    assert second == first  # … and no wrong answer
    assert "02_battery_routes_zh-hant.txt" in spy.analysed
    repaired = next(r for r in _rows(home) if r["path"] == "02_battery_routes_zh-hant.txt")
    DocAnalysis.from_dict(repaired["analysis"])  # the entry was written again
    _forget_models(home)
    spy.calls.clear()
    assert _analyze(run_cli, nev) == first
    assert spy.analysed == []


def test_new_files_and_a_damaged_row_on_workers_give_the_uncached_model(tmp_path: Path, home: Path) -> None:
    """A warm archive with new files: the workers analyse those while the cached
    analyses are read; a row that then fails its checksum is analysed after all,
    stored again, and the model written with -o is the one an uncached run prints."""
    folder = tmp_path / "archive"
    texts = bench.generate_corpus(_seed_groups(), 2 * cache.PARALLEL_MIN + 4, seed=11)
    bench.write_corpus(folder, texts[: cache.PARALLEL_MIN])
    _briefing(home, "-q", "analyze", folder, "--json", "--date", DATE, "-o", tmp_path / "first.json")
    bench.write_corpus(folder, texts[cache.PARALLEL_MIN :], first=cache.PARALLEL_MIN)  # enough for workers
    with sqlite3.connect(home / "state.db") as conn:
        assert (
            conn.execute("UPDATE analysis_cache SET checksum = 'x' WHERE path = 'doc00003.txt'").rowcount == 1
        )
    _forget_models(home)
    warm = _briefing(home, "-v", "analyze", folder, "--json", "--date", DATE, "-o", tmp_path / "warm.json")
    assert "fails its checksum" in warm.stderr
    uncached = _briefing(home, "-q", "analyze", folder, "--json", "--date", DATE, "--no-cache")
    assert (tmp_path / "warm.json").read_text("utf-8") == uncached.stdout
    assert len(json.loads(uncached.stdout)["sources"]) == len(texts)
    rows = {r["path"]: r for r in _rows(home)}
    assert len(rows) == len(texts)
    assert rows["doc00003.txt"]["analysis"] is not None
    with sqlite3.connect(home / "state.db") as conn:  # written again, with a sound checksum
        (checksum,) = conn.execute(
            "SELECT checksum FROM analysis_cache WHERE path = 'doc00003.txt'"
        ).fetchone()
    assert checksum != "x"


def test_a_row_holding_another_documents_analysis_is_a_miss(run_cli, nev: Path, home: Path) -> None:
    first = _analyze(run_cli, nev)
    rows = {r["path"]: r["data"] for r in _rows(home)}
    _set_data(home, "01_price_war_zh-hans.txt", rows["05_xinghe.txt"])
    _set_data(home, "05_xinghe.txt", rows["01_price_war_zh-hans.txt"])
    _forget_models(home)
    assert _analyze(run_cli, nev) == first


# -------------------------------------------------------------- concurrency


def test_two_analyze_runs_at_once_on_one_state_folder(
    run_cli, tmp_path: Path, home: Path, monkeypatch
) -> None:
    corpus = _generated(tmp_path / "corpus", 30)
    procs = []
    for name in ("a.json", "b.json"):
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "briefing", "-q", "analyze", str(corpus), "--json", "--date", DATE,
                 "-o", str(tmp_path / name)],
                env=_env(home),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )  # fmt: skip
    for proc in procs:
        _, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr and "locked" not in stderr, stderr
    a, b = (tmp_path / "a.json").read_text("utf-8"), (tmp_path / "b.json").read_text("utf-8")
    assert a == b

    assert _analyze(run_cli, corpus) == a  # the folder's model, stored by both
    _forget_models(home)
    spy = Spy(monkeypatch)
    third = _analyze(run_cli, corpus)
    assert spy.analysed == [], "the cache lost entries written by the concurrent runs"
    assert third == a
    with sqlite3.connect(home / "state.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        current = conn.execute(
            "SELECT count(*), count(DISTINCT path) FROM analysis_cache WHERE version = ?",
            (cache.analysis_version(),),
        ).fetchone()
    assert current == (30, 30)


# ------------------------------------------------------- parallel analysis


def test_parallel_analysis_gives_the_single_process_model(run_cli, tmp_path: Path, monkeypatch) -> None:
    corpus = _generated(tmp_path / "corpus", cache.PARALLEL_MIN + 6, seed=7)
    shutil.copytree(NEV, corpus / "nev")
    assert len(list(corpus.rglob("*.*"))) > cache.PARALLEL_MIN

    contexts: list[str | None] = []
    real = executors.multiprocessing.get_context

    def get_context(method=None):
        contexts.append(method)
        return real(method)

    monkeypatch.setattr(executors.multiprocessing, "get_context", get_context)
    single = _analyze(run_cli, corpus, "--no-cache", "--workers", "1")
    assert contexts == []
    parallel = _analyze(run_cli, corpus, "--no-cache", "--workers", "2")
    assert contexts == ["fork"], "the parallel path was not taken"
    assert parallel == single


# ----------------------------------------------------------------- benchmark


def test_the_benchmark_corpus_is_deterministic() -> None:
    groups = _seed_groups()
    ten = bench.generate_corpus(groups, 10, seed=3)
    assert ten == bench.generate_corpus(groups, 10, seed=3)
    assert ten[:4] == bench.generate_corpus(groups, 4, seed=3)  # adding documents keeps the first ones
    assert ten != bench.generate_corpus(groups, 10, seed=4)
    pools = {lang: set(paragraphs) for lang, (_, paragraphs) in groups.items()}
    for text in ten:
        title, dateline, *paragraphs = text.strip().split("\n\n")
        assert title and dateline[:4] in ("发布时间", "發布時間", "Publ")
        assert 8 <= len(paragraphs) <= 25
        assert any(set(paragraphs) <= pool for pool in pools.values())  # one language group per document


def test_the_benchmark_table_shows_each_figure_beside_its_target() -> None:
    rows = [
        bench.Measure("bare jieba", 2.0),
        bench.Measure("cold", 3.0, baseline=2.0, target=2.0),
        bench.Measure("warm", 2.5, baseline=2.0, target=1.0),
        bench.Measure("memory", 600.0, unit="MB", baseline=1500.0, target=1.0),
    ]
    assert [r.verdict for r in rows] == ["", "PASS", "MISS", "PASS"]
    text = bench.table(rows)
    assert "1.50x" in text and "<= 2.00x" in text and "MISS" in text and "600 MB" in text


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda db: db.write_bytes(b"\x13\x37 not a database " * 300), id="garbage-file"),
        pytest.param(lambda db: db.mkdir(), id="a-folder-in-its-place"),
    ],
)
def test_a_damaged_state_database_costs_the_cache_not_the_briefing(
    run_cli, nev: Path, home: Path, damage, caplog
) -> None:
    expected = _analyze(run_cli, nev, "--no-cache")
    home.mkdir(parents=True, exist_ok=True)
    db = home / "state.db"
    damage(db)
    result = run_cli("analyze", nev, "--json", "--date", DATE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert "analysing without the cache" in caplog.text
    assert "Traceback" not in result.stderr


# ------------------------------------------------------- the document cache


class ReadSpy:
    """Records which files each run had to decode and clean (not found in the document cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from briefing import readers

        self.built: list[str] = []
        real = readers.build_document

        def spy(rel, *args, **kwargs):
            self.built.append(rel)
            return real(rel, *args, **kwargs)

        monkeypatch.setattr(readers, "build_document", spy)


def _document_rows(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "state.db") as conn:
        return conn.execute("SELECT path, version FROM document_cache ORDER BY path").fetchall()


def test_unchanged_files_are_not_read_again(run_cli, nev: Path, home: Path, monkeypatch) -> None:
    spy = ReadSpy(monkeypatch)
    first = _analyze(run_cli, nev)
    assert sorted(spy.built) == sorted(p.name for p in nev.iterdir())
    assert [path for path, _ in _document_rows(home)] == sorted(p.name for p in nev.iterdir())
    spy.built.clear()
    assert _analyze(run_cli, nev) == first
    assert spy.built == []
    # an edited file, and only it, is read again; so is a renamed one
    edited = nev / "01_price_war_zh-hans.txt"
    edited.write_text(edited.read_text("utf-8") + "\n\n比亚迪宣布新一轮降价。\n", "utf-8")
    (nev / "05_xinghe.txt").rename(nev / "06_xinghe.txt")
    third = _analyze(run_cli, nev)
    assert sorted(spy.built) == ["01_price_war_zh-hans.txt", "06_xinghe.txt"]
    assert "06_xinghe.txt" in third and "05_xinghe.txt" not in third
    assert third == _analyze(run_cli, nev, "--no-cache")


def test_no_cache_reads_every_file(run_cli, nev: Path, home: Path, monkeypatch) -> None:
    spy = ReadSpy(monkeypatch)
    first = _analyze(run_cli, nev)
    spy.built.clear()
    assert _analyze(run_cli, nev, "--no-cache") == first
    assert sorted(spy.built) == sorted(p.name for p in nev.iterdir())


def test_a_data_edit_invalidates_every_read_document(nev: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _briefing(home, "-q", "analyze", nev, "--json", "--date", DATE)
    before = {version for _, version in _document_rows(home)}
    extra = tmp_path / "data"
    extra.mkdir()
    (extra / "placeholders.txt").write_text("待核实\n", "utf-8")
    _briefing(home, "-q", "analyze", nev, "--json", "--date", DATE, data=[extra])
    after = {version for _, version in _document_rows(home)}
    assert len(before) == len(after) == 1
    assert before != after  # read again under the new data; the old rows are gone


def test_a_damaged_document_row_is_a_miss(run_cli, nev: Path, home: Path, monkeypatch) -> None:
    first = _analyze(run_cli, nev)
    with sqlite3.connect(home / "state.db") as conn:
        conn.execute("UPDATE document_cache SET data = ? WHERE path = ?", (b"\x00garbage", "05_xinghe.txt"))
        conn.execute(
            "UPDATE document_cache SET data = ? WHERE path = ?",
            (zlib.compress(b'{"path": 3}'), "01_price_war_zh-hans.txt"),
        )
    _forget_models(home)
    spy = ReadSpy(monkeypatch)
    assert _analyze(run_cli, nev) == first
    assert set(spy.built) == {p.name for p in nev.iterdir()}  # nothing from an unreadable batch is trusted


def _imported_modules(path: Path, package: Path) -> set[Path]:
    """The modules of ``briefing`` a file imports when it is imported (its top-level
    imports, not those inside functions, which start other steps: the cache, the
    executors), as files of ``package``; the package's own ``__init__`` (its version
    is hashed on its own) left out."""
    import ast

    found: set[Path] = set()

    def module_file(dotted: str) -> Path | None:
        base = package.joinpath(*dotted.split(".")[1:]) if "." in dotted else package
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
        return None

    for node in ast.parse(path.read_text("utf-8")).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for dotted in names:
            if dotted.startswith("briefing.") and (hit := module_file(dotted)) is not None:
                found.add(hit)
    return found


@pytest.mark.parametrize(
    ("listed", "root"),
    [("_CODE", "analysis/document.py"), ("_READING_CODE", "readers.py")],
)
def test_the_cache_version_hashes_every_module_the_step_runs(listed: str, root: str) -> None:
    """A change to any module the per-document step imports (directly or through
    another module) must make its cached results stale: the version's module list
    covers the import closure of the step's entry module."""
    package = Path(cache.__file__).resolve().parent
    closure: set[Path] = set()
    todo = [package / root]
    while todo:
        path = todo.pop()
        if path in closure:
            continue
        closure.add(path)
        todo.extend(_imported_modules(path, package) - closure)
    hashed = {package / name for name in getattr(cache, listed)}
    missing = sorted(p.relative_to(package).as_posix() for p in closure - hashed)
    assert not missing, f"{listed} does not hash {missing}"
