"""The shipped fonts, their use by reportlab, and their embedding in DOCX files."""

from __future__ import annotations

import io
import itertools
import logging
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as FTFont
from lxml import etree
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from briefing import fonts
from briefing.errors import FontError
from briefing.writers import docx_fonts, pdf_linebreak

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture(scope="module")
def shipped() -> fonts.FontSet:
    return fonts.default_fonts()


@pytest.fixture(scope="module")
def names(shipped) -> tuple[str, str]:
    return fonts.register_reportlab(shipped)


@pytest.fixture(scope="module")
def regular_only(shipped) -> str:
    """A Han character the Regular face has and the Bold subset lacks."""
    regular = fonts.covered(shipped, "".join(map(chr, range(0x3400, 0x4DC0))))
    bold = fonts.covered(shipped, "".join(regular), bold=True)
    candidates = sorted(regular - bold)
    assert candidates, "Bold should lack some Extension A characters"
    return candidates[0]


@pytest.fixture
def fresh_warnings(monkeypatch):
    """Each missing character is reported once per process; start afresh."""
    monkeypatch.setattr(fonts, "_reported", set())


# --- shipped fonts -------------------------------------------------------------


@pytest.mark.parametrize("attr", ["regular", "bold"])
def test_shipped_fonts_are_truetype(shipped, attr):
    path = getattr(shipped, attr)
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"
    with FTFont(path, lazy=True) as font:
        assert "glyf" in font
        assert "CFF " not in font
        assert font["name"].getDebugName(1) == shipped.name == fonts.FAMILY
        assert font["OS/2"].fsType == 0  # installable embedding: PDF and DOCX may carry it
    assert fonts._reportlab_font(path).face.charToGlyph  # reportlab parses it


def test_shipped_licence_is_installed():
    licence = (fonts.default_fonts().regular.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence
    assert "tools/build_fonts.py" in licence


@pytest.mark.parametrize(
    "sample",
    [
        pytest.param("产业互联网升级，数字化转型加速。", id="simplified"),
        pytest.param("產業互聯網升級，數位轉型加速。", id="traditional"),
        pytest.param("The quick brown fox, R&D (SaaS) — Müller’s café.", id="latin"),
        pytest.param("0123456789 ￥1,234.56 ±3.5% ≥ 10 ① ② ℃ №", id="digits-symbols"),
        pytest.param("（）【】《》「」『』：；？！，。、……——", id="fullwidth-punctuation"),
        pytest.param("“升级”‘B端’·•…—–", id="curly-quotes-dashes"),
        pytest.param("ＡＢＣ１２３ｱｲｳ", id="fullwidth-halfwidth-forms"),
        pytest.param("αβγ Δ Ω абв ", id="greek-cyrillic"),
        pytest.param("㐀㐁丒", id="extension-a"),
    ],
)
def test_regular_covers(shipped, sample):
    text = sample.replace(" ", "")
    assert fonts.covered(shipped, text) == set(text)
    assert fonts.missing_chars(sample, shipped) == []


def test_bold_covers_common_han(shipped):
    text = "产业互联网升级產業互聯網升級“”，。"
    assert fonts.covered(shipped, text, bold=True) == set(text)


def test_missing_chars_lists_each_once_in_order(shipped):
    assert fonts.missing_chars("a😀b🚀😀 c", shipped) == ["😀", "🚀"]


# --- configured fonts ------------------------------------------------------------


def _square(pen) -> None:
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((500, 700))
    pen.lineTo((500, 0))
    pen.closePath()


def _tiny_font(path: Path, *, cff: bool = False, fs_type: int = 0) -> Path:
    """A two-glyph font ("A") built in memory, so tests need no system fonts."""
    builder = FontBuilder(1000, isTTF=not cff)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    if cff:
        pen = T2CharStringPen(600, None)
        _square(pen)
        charstring = pen.getCharString()
        builder.setupCFF("Tiny-Regular", {"FullName": "Tiny"}, {".notdef": charstring, "A": charstring}, {})
    else:
        pen = TTGlyphPen(None)
        _square(pen)
        glyph = pen.glyph()
        builder.setupGlyf({".notdef": glyph, "A": glyph})
    builder.setupHorizontalMetrics({".notdef": (600, 100), "A": (600, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2(
        fsType=fs_type, sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200
    )
    builder.setupPost()
    builder.save(str(path))
    return path


def test_load_fonts_defaults_to_shipped(shipped):
    assert fonts.load_fonts() == shipped
    assert fonts.load_fonts(None, None) == shipped


def test_load_fonts_reads_family_name(tmp_path, shipped):
    tiny = _tiny_font(tmp_path / "tiny.ttf")
    loaded = fonts.load_fonts(tiny)
    assert loaded == fonts.FontSet(tiny.resolve(), tiny.resolve(), "Tiny")
    bold_only = fonts.load_fonts(None, tiny)
    assert bold_only.regular == shipped.regular
    assert bold_only.bold == tiny.resolve()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda d: d / "nope.ttf", "file not found", id="missing"),
        pytest.param(lambda d: d, "not a file", id="directory"),
        pytest.param(lambda d: _tiny_font(d / "tiny.otf", cff=True), "CFF", id="cff-otf"),
        pytest.param(lambda d: _write(d / "notes.ttf", b"this is not a font\n"), "not a TrueType", id="text"),
        pytest.param(lambda d: _write(d / "web.woff", b"wOFF" + bytes(40)), "WOFF", id="woff"),
        pytest.param(
            lambda d: _write(d / "cut.ttf", b"\x00\x01\x00\x00" + bytes(8)), "cannot be used", id="truncated"
        ),
        pytest.param(lambda d: _tiny_font(d / "restricted.ttf", fs_type=2), "embedding", id="no-embedding"),
    ],
)
def test_unusable_font_is_a_one_line_font_error(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(FontError) as caught:
        fonts.load_fonts(path)
    text = str(caught.value)
    assert message in text
    assert str(path.name) in text
    assert "\n" not in text
    assert caught.value.exit_code == FontError.exit_code


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- reportlab markup fallback --------------------------------------------------


def test_register_is_idempotent(shipped, names):
    assert fonts.register_reportlab(shipped) == names
    assert fonts.register_reportlab(shipped) == names
    assert names[0] != names[1]


@pytest.mark.parametrize(
    ("markup", "bold", "expected"),
    [
        ("普通文字 plain", False, None),
        ("R&amp;D &lt;b&gt; &#x4e2d;", True, None),
        ('<a href="https://x.cn/?a=1&amp;b=2">链接</a>', False, None),
        ("粗{X}体", True, '粗<font name="{REG}">{X}</font>体'),
        ("常规{X}", False, None),
        ("<b>粗{X}{X}</b>{X}", False, '<b>粗<font name="{REG}">{X}{X}</font></b>{X}'),
        ("<strong>{X} {X}</strong>", False, '<strong><font name="{REG}">{X} {X}</font></strong>'),
        (
            '<a href="https://x.cn/{X}">{X}</a>',
            True,
            '<a href="https://x.cn/{X}"><font name="{REG}">{X}</font></a>',
        ),
        ('<font name="Courier">{X}</font>', True, None),
        ('<font name="{REG}">{X}</font>', True, None),
        ("<b>a<br/>{X}</b>", False, '<b>a<br/><font name="{REG}">{X}</font></b>'),
        ("<i>{X}</i>", True, '<i><font name="{REG}">{X}</font></i>'),
        ("&#x{XHEX};", True, '<font name="{REG}">&#x{XHEX};</font>'),
    ],
)
def test_fallback_markup_wraps_only_text(names, regular_only, markup, bold, expected):
    def fill(template: str) -> str:
        return (
            template.replace("{X}", regular_only)
            .replace("{XHEX}", f"{ord(regular_only):x}")
            .replace("{REG}", names[0])
        )

    source = fill(markup)
    assert fonts.fallback_markup(source, bold=bold) == fill(expected or markup)


def test_fallback_markup_renders_in_a_paragraph(names, regular_only):
    style = ParagraphStyle("bold", fontName=names[1], fontSize=10)
    para = Paragraph(fonts.fallback_markup(f"<b>粗{regular_only}</b>", bold=True), style)
    used = {(frag.fontName, frag.text) for frag in para.frags}
    assert (names[0], regular_only) in used  # the fallback leaves bold for that run
    assert (names[1], "粗") in used


@pytest.mark.parametrize("bold", [False, True])
def test_uncovered_character_becomes_geta_mark_and_is_logged(names, fresh_warnings, caplog, bold):
    with caplog.at_level(logging.WARNING, logger="briefing.fonts"):
        result = fonts.fallback_markup("增长😀<b>🚀</b>😀", bold=bold)
    assert result == "增长〓<b>〓</b>〓"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "U+1F600" in warnings[0].getMessage()
    assert "U+1F680" in warnings[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="briefing.fonts"):
        fonts.fallback_markup("😀")
    assert not caplog.records  # reported once per process


def test_invisible_uncovered_character_is_dropped_but_reported(names, fresh_warnings, caplog):
    with caplog.at_level(logging.WARNING, logger="briefing.fonts"):
        assert fonts.fallback_markup("产业\u200b互联网") == "产业互联网"
    assert "U+200B" in caplog.text


# --- line breaking ---------------------------------------------------------------

TEXT = (
    "公司宣布“升级”，推出“产业互联网”战略。B端客户（包括SaaS厂商）表示：“很好！”"
    "《报告》指出……数据显示，增长30%。他说——这是关键。"
) * 2


def _lines(para: Paragraph) -> list[str]:
    out = []
    for line in para.blPara.lines:
        if isinstance(line, tuple):  # single-fragment paragraphs
            out.append("".join(line[1]))
        else:
            out.append("".join(word.text for word in line.words))
    return out


def test_line_break_lists_are_patched():
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    pdf_linebreak.install_cjk_line_breaking()
    pdf_linebreak.install_cjk_line_breaking()  # idempotent
    for ch in "，。、；：？！）」』”’》〉】…" + ",.;:?!)":
        assert ch in paragraph.ALL_CANNOT_START
        assert ch in textsplit.ALL_CANNOT_START
    for ch in "（「『“‘《〈【":
        assert ch in textsplit.ALL_CANNOT_END
    before = (paragraph.ALL_CANNOT_START, textsplit.ALL_CANNOT_END)
    pdf_linebreak.install_cjk_line_breaking()
    after = (paragraph.ALL_CANNOT_START, textsplit.ALL_CANNOT_END)
    assert after == before


@pytest.mark.parametrize("markup", [TEXT, TEXT.replace("产业", "<b>产业</b>")], ids=["one-frag", "frags"])
def test_no_line_starts_with_closing_mark(names, markup):
    pdf_linebreak.install_cjk_line_breaking()
    style = ParagraphStyle("body", fontName=names[0], fontSize=10, leading=14, wordWrap="CJK")
    plain = re.sub(r"<[^>]*>", "", markup)
    for width in range(40, 420, 3):
        para = Paragraph(markup, style)
        para.wrap(width, 10_000)
        lines = _lines(para)
        assert "".join(lines).replace(" ", "") == plain.replace(" ", ""), width
        for line in lines[1:]:
            assert line[:1] not in set("，。、；：？！）》”’…"), (width, lines)
        for line in lines[:-1]:
            assert line[-1:] not in set("（《“‘"), (width, lines)
        for before, after in itertools.pairwise(lines):
            assert not (before.endswith("…") and after.startswith("…")), (width, lines)
            assert not (before.endswith("—") and after.startswith("—")), (width, lines)


# --- PDF ---------------------------------------------------------------------------


def _build_pdf(shipped: fonts.FontSet, extra: str) -> bytes:
    regular, bold = fonts.register_reportlab(shipped)
    pdf_linebreak.install_cjk_line_breaking()
    body = ParagraphStyle(
        "body", fontName=regular, bulletFontName=regular, fontSize=10, leading=14, wordWrap="CJK"
    )
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=14, leading=20)
    table = Table([[Paragraph(fonts.fallback_markup("表格 cell"), body), "plain cell"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular)]))
    story = [
        Paragraph(fonts.fallback_markup(escape(f"简报：“升级”{extra}"), bold=True), heading),
        Paragraph(fonts.fallback_markup(escape("R&D 與 SaaS：") + f"<b>重点{extra}</b>"), body),
        table,
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, invariant=1, title="t", author="a", **fonts.pdf_canvas_kwargs(shipped))
    doc.build(story)
    return out.getvalue()


def test_pdf_is_byte_identical_across_builds(shipped, regular_only):
    assert _build_pdf(shipped, regular_only) == _build_pdf(shipped, regular_only)


def test_pdf_embeds_every_font(shipped, regular_only):
    reader = PdfReader(io.BytesIO(_build_pdf(shipped, regular_only)))
    base_fonts = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).get_object().values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            for each in [d.get_object() for d in descendants] if descendants else [font]:
                base_fonts.add(str(each["/BaseFont"]))
                descriptor = each["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, each["/BaseFont"]
    assert base_fonts
    assert not any("Helvetica" in name for name in base_fonts)
    assert any(name.endswith("-Regular") for name in base_fonts)
    assert any(name.endswith("-Bold") for name in base_fonts)
    assert "简报" in reader.pages[0].extract_text()


# --- DOCX ----------------------------------------------------------------------------


def _docx(name: str, date: tuple[int, ...] | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("产业互联网“升级” SaaS")
    document.add_paragraph().add_run("重点").bold = True
    for style in ("Normal",):
        fonts_el = document.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts_el.set(f"{W}{attr}", name)
    buffer = io.BytesIO()
    document.save(buffer)
    if date is None:
        return buffer.getvalue()
    # python-docx stamps the current time on each zip entry; restamp to
    # simulate a save at another time.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=date), source.read(info))
    return out.getvalue()


def _deobfuscate(data: bytes, key: str) -> bytes:
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def test_embed_docx_fonts(shipped):
    text = "产业互联网“升级” SaaS重点"
    result = docx_fonts.embed_docx_fonts(_docx(shipped.name), shipped, text)
    docx.Document(io.BytesIO(result))  # python-docx still opens it
    package = zipfile.ZipFile(io.BytesIO(result))
    assert package.testzip() is None
    assert package.namelist()[0] == "[Content_Types].xml"

    table = etree.fromstring(package.read("word/fontTable.xml"))
    entry = [f for f in table.findall(f"{W}font") if f.find(f"{W}embedRegular") is not None]
    assert len(entry) == 1
    family = entry[0].get(f"{W}name")  # the subsets' own name: the font's and a hash of their characters
    assert family.startswith(shipped.name + " ") and family != shipped.name
    assert entry[0].find(f"{W}altName").get(f"{W}val") == shipped.name
    rels = etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
    targets = {rel.get("Id"): (rel.get("Type"), rel.get("Target")) for rel in rels}
    embedded = {}
    for tag in ("embedRegular", "embedBold"):
        embed = entry[0].find(f"{W}{tag}")
        assert embed is not None, tag
        rel_type, target = targets[embed.get(f"{R}id")]
        assert rel_type.endswith("/relationships/font")
        key = embed.get(f"{W}fontKey")
        assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
        data = package.read(f"word/{target}")
        assert target.endswith(".odttf")
        assert data[:4] != b"\x00\x01\x00\x00"  # obfuscated
        font = FTFont(io.BytesIO(_deobfuscate(data, key)))
        assert font["name"].getDebugName(1) == family
        assert set(text) - {" "} <= {chr(c) for c in font.getBestCmap()}
        embedded[tag] = font
    assert len(embedded["embedRegular"].getGlyphOrder()) < 200  # a subset, not the whole face

    settings = etree.fromstring(package.read("word/settings.xml"))
    children = [el.tag.split("}")[1] for el in settings]
    assert children.index("embedTrueTypeFonts") < children.index("saveSubsetFonts")
    assert children.index("zoom") < children.index("embedTrueTypeFonts")  # schema order
    types = package.read("[Content_Types].xml").decode()
    assert (
        'Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"'
        in types
    )


def test_embed_docx_fonts_is_deterministic(shipped):
    first = docx_fonts.embed_docx_fonts(_docx(shipped.name, (2024, 1, 2, 3, 4, 6)), shipped, "升级")
    second = docx_fonts.embed_docx_fonts(_docx(shipped.name, (2025, 6, 7, 8, 9, 10)), shipped, "升级")
    assert first == second
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


def test_embed_docx_fonts_rejects_a_non_docx(shipped):
    with pytest.raises(FontError, match="not a valid package"):
        docx_fonts.embed_docx_fonts(b"plain text", shipped, "x")
