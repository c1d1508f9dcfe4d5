"""The folder-model cache (issue 15): a run over an unchanged folder reuses the whole model.

The model of a folder is a function of its files (paths and bytes), what was
passed over and why, the date, title and theme limit, and the code and data.
A run whose key matches reads, analyses and aggregates nothing and gives the
model byte for byte; any change to one of those is a miss, and the model is
then the one an uncached run gives. A damaged entry is a miss with a warning.
The corpora are other industries' fixtures (coffee chains, banks).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing import analysis, cache
from briefing.model import Briefing
from briefing.pipeline import analyze, model_bytes

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
DATE = dt.date(2026, 11, 23)


def _home() -> Path:
    return Path(os.environ["BRIEFING_HOME"])


def _models() -> list[Path]:
    folder = _home() / "cache" / "models"
    return sorted(folder.glob("*.out")) if folder.is_dir() else []


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "coffee"
    shutil.copytree(CORPORA / "coffee", src)
    return src


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs that computed a model (the corpus-wide analysis ran)."""
    calls: list[int] = []
    real = analysis.build_briefing

    def spy(*args: Any, **kwargs: Any) -> Briefing:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "build_briefing", spy)
    return calls


def _edit(folder: Path) -> None:
    path = folder / "01_expansion_zh-hans.txt"
    path.write_text(path.read_text("utf-8") + "\n\n瑞幸咖啡宣布新开门店300家。\n", "utf-8")


def _add(folder: Path) -> None:
    (folder / "05_new_zh-hans.txt").write_text(
        "咖啡豆价格上涨\n\n2026年，阿拉比卡咖啡豆价格上涨了18%。多家连锁品牌表示将调整菜单价格。\n", "utf-8"
    )


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Path], Any]
    """Changes the folder, or returns options (a dict) that replace the first run's."""
    reused: bool


CASES = [
    Case("nothing changed", lambda f: None, True),
    Case("a hidden file added", lambda f: (f / ".notes.txt").write_text("草稿\n", "utf-8"), True),
    Case("a file's modification time only", lambda f: os.utime(f / "03_starbucks_q3_en.md", (1, 1)), True),
    Case("a file edited", _edit, False),
    Case("a file added", _add, False),
    Case("a file removed", lambda f: (f / "02_hk_chains_zh-hant.txt").unlink(), False),
    Case("a file renamed", lambda f: (f / "02_hk_chains_zh-hant.txt").rename(f / "09_hk.txt"), False),
    Case("a file that is not a source added", lambda f: (f / "photo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\0\0"), False),
    Case("a folder link added (passed over)", lambda f: (f / "elsewhere").symlink_to(f.parent), False),
    Case("another date", lambda f: {"date": DATE + dt.timedelta(days=7)}, False),
    Case("another title", lambda f: {"title": "咖啡行业周报"}, False),
    Case("another theme limit", lambda f: {"max_themes": 3}, False),
]  # fmt: skip


def _json(model: Briefing) -> bytes:
    return model_bytes(model)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_model_is_reused_exactly_when_nothing_that_shapes_it_changed(
    case: Case, folder: Path, built: list[int]
) -> None:
    options: dict[str, Any] = {"date": DATE, "title": None, "max_themes": None}
    analyze(folder, **options)
    assert len(_models()) == 1 and built == [1]
    changed = case.change(folder)
    if isinstance(changed, dict):
        options.update(changed)
    again = analyze(folder, **options)
    assert (built == [1]) is case.reused
    assert _json(again) == _json(analyze(folder, use_cache=False, **options))


def test_another_code_or_data_version_is_a_miss(folder: Path, built: list[int], monkeypatch) -> None:
    analyze(folder, date=DATE)
    monkeypatch.setattr(cache, "model_version", lambda: "another version of the code or data files")
    analyze(folder, date=DATE)
    assert built == [1, 1]
    assert len(_models()) == 2


def test_the_version_covers_all_of_briefings_code_and_the_data() -> None:
    version = cache.model_version()
    assert len(version) == 32
    package = Path(cache.__file__).resolve().parent
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    # every module that reads, analyses or aggregates, not only the per-document ones
    assert {"readers.py", "analysis/themes.py", "analysis/summary.py", "analysis/__init__.py"} <= modules


def test_a_cached_model_renders_the_same_files_byte_for_byte(run_cli, folder: Path, tmp_path: Path) -> None:
    def generate(name: str, *options: str) -> dict[str, bytes]:
        out = tmp_path / name
        result = run_cli("-q", "generate", folder, "--out", out, "--date", DATE.isoformat(), *options)
        assert result.exit_code == 0, result.stderr
        return {p.suffix: p.read_bytes() for p in sorted(out.iterdir())}

    uncached = generate("uncached", "--no-cache")
    assert generate("first") == uncached  # analysed, model and files stored
    shutil.rmtree(_home() / "cache" / "outputs")  # render again, from the cached model
    assert len(_models()) == 1
    assert generate("second") == uncached
    # a template edit renders again from the same cached model
    template = tmp_path / "mine.md.j2"
    template.write_text("# {{ b.title }}\n\n{{ b.date }}: {{ b.sources | length }} 篇\n", "utf-8")
    mine = generate("mine", "--template", template, "--format", "pdf")
    assert mine[".json"] == uncached[".json"] and mine[".pdf"] != uncached[".pdf"]
    assert len(_models()) == 1


def test_a_hit_reports_each_file_as_a_warm_run_does(run_cli, folder: Path) -> None:
    (folder / "photo.bin").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (folder / "elsewhere").symlink_to(folder.parent)

    def lines() -> list[str]:
        result = run_cli("analyze", folder, "--date", DATE.isoformat(), "-o", folder.parent / "digest.txt")
        assert result.exit_code == 0, result.stderr
        # progress only: the log says which cache answered
        return [line for line in result.stderr.splitlines() if "from the cache" not in line]

    lines()
    shutil.rmtree(_home() / "cache" / "models")
    warm = lines()  # documents and analyses from their caches
    assert "cached 01_expansion_zh-hans.txt" in warm
    assert any(line.startswith("skipped photo.bin: ") for line in warm)
    assert any(line.startswith("skipped elsewhere/: ") for line in warm)
    # the model from its cache: each file once, as read, cached or skipped, with
    # the same reason (the unreadable file is not read again to say so)
    hit = lines()
    assert sorted(hit) == sorted(line for line in warm if not line.startswith("analysing "))
    assert hit[0] == warm[0] == f"reading 5 file(s) in {folder}"


def test_no_cache_stores_no_model(folder: Path) -> None:
    analyze(folder, date=DATE, use_cache=False)
    assert _models() == []


DAMAGE = [
    pytest.param(lambda blob: blob[:-10], id="truncated"),
    pytest.param(lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]), id="a-flipped-bit"),
    pytest.param(lambda blob: b"not a header\n" + blob.partition(b"\n")[2], id="unreadable-header"),
    pytest.param(lambda blob: b"", id="empty"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss_and_is_stored_again(
    damage: Callable[[bytes], bytes], folder: Path, built: list[int], caplog
) -> None:
    expected = _json(analyze(folder, date=DATE))
    (entry,) = _models()
    entry.write_bytes(damage(entry.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="briefing"):
        assert _json(analyze(folder, date=DATE)) == expected
    assert "model cache entry" in caplog.text and "analysing again" in caplog.text
    assert built == [1, 1]
    assert _models() == [entry]  # stored again, whole
    assert _json(analyze(folder, date=DATE)) == expected
    assert built == [1, 1]


def test_an_entry_holding_another_folders_model_is_never_served(tmp_path: Path, built: list[int]) -> None:
    """Keys differ by content: two folders, two entries, each its own model."""
    coffee = tmp_path / "coffee"
    banks = tmp_path / "banks"
    shutil.copytree(CORPORA / "coffee", coffee)
    shutil.copytree(CORPORA / "banks", banks)
    a = _json(analyze(coffee, date=DATE))
    b = _json(analyze(banks, date=DATE))
    assert a != b and len(_models()) == 2
    assert _json(analyze(coffee, date=DATE)) == a and _json(analyze(banks, date=DATE)) == b
    assert built == [1, 1]


def test_the_model_reads_back_to_the_same_json(folder: Path) -> None:
    model = analyze(folder, date=DATE, use_cache=False)
    assert _json(Briefing.from_dict(json.loads(_json(model)))) == _json(model)


def test_an_unusable_state_folder_costs_the_cache_not_the_model(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _json(analyze(folder, date=DATE, use_cache=False))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    monkeypatch.setenv("BRIEFING_HOME", str(blocked))
    assert _json(analyze(folder, date=DATE)) == expected
    assert cache.checked_template(None)[0].name == "briefing.md.j2"  # checked in full
