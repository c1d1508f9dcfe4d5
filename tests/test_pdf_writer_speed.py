"""The PDF writer's speed work (issue 15) changes no byte of the PDF.

reportlab's parse of the fonts is kept in the user's cache folder and read back (the
font read back is the font parsed, attribute by attribute, and writes the same
PDF); a damaged entry is parsed again; ``--no-cache`` keeps nothing. The CJK
line breaker takes each character's width once per font and size, reads a
line's width back from the running sums, and builds a line a fragment run at a
time: on paragraphs of every kind of fragment it gives exactly the lines that
reportlab's per-character objects, widths added up again and reportlab's
``makeCJKParaLine`` give.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cjkU, makeCJKParaLine

from briefing import fonts
from briefing.user_cache import cache_folder
from briefing.writers import pdf_linebreak

ROOT = Path(__file__).resolve().parent.parent
DATE = dt.date(2026, 11, 23)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No font parsed in this process yet, and a user cache folder of the test's own."""
    monkeypatch.setattr(fonts, "_parsed", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cache_folder.cache_clear()
    yield
    cache_folder.cache_clear()


def _entries(_home: Path) -> list[Path]:
    """The parsed fonts kept: in the user's cache folder, whatever the state folder."""
    folder = cache_folder() / "fonts"
    return sorted(folder.glob("*.parsed")) if folder.is_dir() else []


def _plain(value):
    """A comparable form of a font attribute (the scaling function by what it gives)."""
    if callable(value):
        return [value(x) for x in (0, 1, 500, 1000, 2048)]
    return value


def _state(font, like=None) -> dict:
    """Everything a font holds (the face's attributes named as ``like``'s face has them)."""
    keys = list((like or font).face.__dict__)
    face = {k: getattr(font.face, k) for k in keys}
    return {
        "face": {k: _plain(v) for k, v in face.items()},
        "names": {k: getattr(v, "ustr", None) for k, v in face.items()},
        "types": {k: type(v) for k, v in face.items()},
        "font": {k: v for k, v in font.__dict__.items() if k not in ("face", "encoding", "state")},
    }


@pytest.mark.parametrize("role", ["regular", "bold"])
def test_a_font_read_back_is_the_font_parsed(role: str, fresh, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    path = getattr(fonts.default_fonts(), role)
    parsed = fonts._reportlab_font(path, role, use_cache=True)  # parsed, kept
    assert len(_entries(home)) == 1
    monkeypatch.setattr(fonts, "_parsed", {})
    monkeypatch.setattr("reportlab.pdfbase.ttfonts.TTFontFile.extractInfo", _never)
    again = fonts._reportlab_font(path, role, use_cache=True)  # read back: reportlab's parser is not called
    assert again is not parsed and isinstance(again.face, type(parsed.face))
    assert _state(again, like=parsed) == _state(parsed)


def _never(*_args, **_kwargs):
    raise AssertionError("the font was parsed again")


def _write(folder: Path, out: Path, run_cli, *options: str) -> bytes:
    result = run_cli(
        "-q", "generate", folder, "--out", out, "--date", DATE.isoformat(), "--format", "pdf", *options
    )
    assert result.exit_code == 0, result.stderr
    return (out / f"briefing-{DATE.isoformat()}.pdf").read_bytes()


def test_the_pdf_is_the_same_with_the_fonts_read_back(run_cli, fresh, tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "coffee"
    shutil.copytree(ROOT / "tests" / "fixtures" / "corpora" / "coffee", src)
    home = tmp_path / "home"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    parsed = _write(src, tmp_path / "a", run_cli, "--no-cache")
    assert _entries(home) == []  # --no-cache keeps nothing
    monkeypatch.setattr(fonts, "_parsed", {})
    assert _write(src, tmp_path / "b", run_cli) == parsed  # parsed and kept
    assert len(_entries(home)) == 2  # regular and bold
    shutil.rmtree(home / "cache" / "outputs")
    monkeypatch.setattr(fonts, "_parsed", {})
    monkeypatch.setattr("reportlab.pdfbase.ttfonts.TTFontFile.extractInfo", _never)
    assert _write(src, tmp_path / "c", run_cli) == parsed  # written with the fonts read back


DAMAGE = [
    pytest.param(lambda blob: blob[:-7], id="truncated"),
    pytest.param(lambda blob: blob[:40] + bytes([blob[40] ^ 1]) + blob[41:], id="a-flipped-bit"),
    pytest.param(lambda blob: b"", id="empty"),
    pytest.param(lambda blob: blob[:32] + b"\x00not marshal", id="checksum-of-other-data"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_parse_is_parsed_again_and_kept_again(
    damage: Callable[[bytes], bytes], fresh, tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    path = fonts.default_fonts().bold
    parsed = fonts._reportlab_font(path, "bold", use_cache=True)
    expected = _state(parsed)
    (entry,) = _entries(home)
    entry.write_bytes(damage(entry.read_bytes()))
    monkeypatch.setattr(fonts, "_parsed", {})
    assert _state(fonts._reportlab_font(path, "bold", use_cache=True), like=parsed) == expected
    assert _entries(home) == [entry]
    monkeypatch.setattr(fonts, "_parsed", {})
    monkeypatch.setattr("reportlab.pdfbase.ttfonts.TTFontFile.extractInfo", _never)
    assert _state(fonts._reportlab_font(path, "bold", use_cache=True), like=parsed) == expected  # whole again


def test_another_font_file_is_kept_apart(fresh, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    copy = tmp_path / "MyFont.ttf"
    shutil.copy(fonts.default_fonts().bold, copy)
    mine = fonts._reportlab_font(copy, "bold", use_cache=True)
    shipped = fonts._reportlab_font(fonts.default_fonts().bold, "bold", use_cache=True)
    assert len(_entries(home)) == 2
    assert mine.fontName.startswith("MyFont-") and shipped.fontName.startswith("NotoSansSC-Bold-")


# ------------------------------------------------------------ line breaking


def _reference_break(units, width, max_widths, forced):
    """The line breaker before the speed work: every line's width added up again."""
    from reportlab.rl_config import _FUZZ

    lines = []
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    while i < len(units):
        used += width(i, max_width)
        i += 1
        hard = forced(i - 1)
        if not hard and not (used > max_width + _FUZZ and used > 0):
            continue
        end = i if hard else pdf_linebreak._next_line_start(units, start, i)
        line_used = sum(width(k, max_width) for k in range(start, end))
        lines.append((start, end, max_width, line_used))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = end
        used = 0.0
    if used > 0:
        lines.append((start, len(units), max_width, used))
    return lines


def _reference_split(frags, max_widths, calc_bounds, encoding="utf8"):
    """reportlab's per-character objects and lines, broken as before the speed work."""
    units = []
    for frag in frags:
        if frag.text:
            units.extend(cjkU(ch, frag, encoding) for ch in frag.text)
        else:
            units.append(cjkU(frag.text, frag, encoding))

    def width(k, _max_width):
        return units[k].width

    def forced(k):
        return hasattr(units[k].frag, "lineBreak")

    return [
        makeCJKParaLine(units[s:e], mw, used, mw - used, e > s and forced(e - 1), calc_bounds)
        for s, e, mw, used in _reference_break(units, width, max_widths, forced)
    ]


def _line(line) -> dict:
    words = [
        (w.text, w.fontName, w.fontSize, getattr(w, "link", None), hasattr(w, "lineBreak"))
        for w in line.words
    ]
    fields = (
        "extraSpace",
        "wordCount",
        "fontSize",
        "ascent",
        "descent",
        "maxWidth",
        "currentWidth",
        "lineBreak",
    )
    return {"words": words, **{f: getattr(line, f) for f in fields}}


PARAGRAPHS = {
    "one fragment": "产业互联网的核心，是把“连接”变成“协同”：设备、订单和供应链数据在同一平台上打通。" * 3,
    "bold runs": "2025年，<b>宁德时代</b>的出货量同比增长<b>42%</b>，而<b>比亚迪</b>（含海外）继续扩产。" * 2,
    "latin words": "Starbucks China 的同店销售 (comparable store sales) 下降了 8%，Luckin Coffee 则新开门店 3,000 家。",
    "a link": '据<a href="https://example.com/report">年报</a>披露，营收达到18.6亿元——同比增长42%……',
    "an anchor": '开头一段文字<a name="here"/>锚点之后的文字，继续写到换行为止。' * 2,
    "line breaks": "第一行：结论。<br/>第二行（补充）：数据、口径、来源。<br/>《第三行》",
    "sizes and fonts": '<font size="14">标题式的开头</font>，正文继续<font name="{bold}">加粗的部分</font>。'
    * 2,
}


@pytest.mark.parametrize("name", sorted(PARAGRAPHS))
@pytest.mark.parametrize("calc_bounds", [False, True])
def test_line_breaking_gives_reportlabs_lines(name: str, calc_bounds: bool) -> None:
    regular, bold = fonts.register_reportlab(fonts.default_fonts())
    pdf_linebreak.install_cjk_line_breaking()
    style = ParagraphStyle("body", fontName=regular, fontSize=10, leading=14, wordWrap="CJK")
    markup = PARAGRAPHS[name].replace("{bold}", bold)
    frags = Paragraph(markup, style).frags
    assert frags
    for width in range(30, 460, 7):
        for max_widths in ([width], [width, width + 40], [width * 2, width]):
            ours = pdf_linebreak._cjk_frag_split(frags, max_widths, calc_bounds).lines
            theirs = _reference_split(frags, max_widths, calc_bounds)
            assert [_line(line) for line in ours] == [_line(line) for line in theirs], (width, max_widths)


def test_fontset_without_cache_parses(fresh, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    fonts.register_reportlab(dataclasses.replace(fonts.default_fonts(), subset_cache=False))
    assert _entries(home) == []


def test_a_new_state_folder_reads_the_parse_kept_by_another(fresh, tmp_path: Path, monkeypatch) -> None:
    """A parse depends on the font file, not on the state folder: a cold run (a new
    state folder) reads back what an earlier run kept in the user's cache folder."""
    path = fonts.default_fonts().regular
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "first"))
    parsed = fonts._reportlab_font(path, "regular", use_cache=True)
    monkeypatch.setenv("BRIEFING_HOME", str(tmp_path / "second"))
    monkeypatch.setattr(fonts, "_parsed", {})
    monkeypatch.setattr("reportlab.pdfbase.ttfonts.TTFontFile.extractInfo", _never)
    assert _state(fonts._reportlab_font(path, "regular", use_cache=True), like=parsed) == _state(parsed)
    assert not (tmp_path / "second" / "cache" / "fonts").exists()
