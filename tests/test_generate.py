"""Rendering: `briefing generate` writes the briefing as PDF and DOCX (issue 4).

The tests check the structure of both files (text, headings, outline,
tables, images, fonts, metadata) rather than comparing pictures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from briefing.model import Briefing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPLATE = ROOT / "templates" / "briefing.md.j2"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines anywhere."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def briefing(tmp_path_factory) -> dict:
    from click.testing import CliRunner

    from briefing.cli import cli

    out = tmp_path_factory.mktemp("out")
    home = tmp_path_factory.mktemp("home")
    result = CliRunner().invoke(
        cli,
        ["-q", "generate", str(SEEDS), "--out", str(out), "--date", "2026-11-23"],
        env={"BRIEFING_HOME": str(home)},
    )
    assert result.exit_code == 0, result.output
    files = {p.suffix[1:]: p for p in out.iterdir()}
    model = Briefing.from_dict(json.loads(files["json"].read_text("utf-8")))
    pdf = PdfReader(str(files["pdf"]))
    pdf_text = _squash("".join(page.extract_text() or "" for page in pdf.pages))
    docx = DocxDocument(str(files["docx"]))
    docx_text = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        for row in table.rows:
            docx_text.extend(cell.text for cell in row.cells)
    return {
        "files": files,
        "model": model,
        "pdf": pdf,
        "pdf_text": pdf_text,
        "docx": docx,
        "docx_text": _squash("".join(docx_text)),
        "home": home,
    }


def _shown_strings(model: Briefing) -> list[str]:
    """What the briefing must show: takeaways (in the briefing's script), labels,
    cases and every sub-question of the agenda."""
    from briefing.excerpts import display, drop_connective

    language = {s.path: s.language for s in model.sources}
    strings = [
        drop_connective(display(t.text, language[t.document])).lstrip("…") if t.kind == "sentence" else t.text
        for t in model.summary
    ]
    strings += [t.label for t in model.themes]
    strings += [c.name for c in model.companies if c.is_case]
    strings += [s for q in model.questions for s in q.sub_questions]
    return strings


def test_files_are_named_after_the_date(briefing):
    assert {p.name for p in briefing["files"].values()} == {
        "briefing-2026-11-23.pdf",
        "briefing-2026-11-23.docx",
        "briefing-2026-11-23.json",
    }


def test_every_shown_string_is_in_the_pdf(briefing):
    missing = [s for s in _shown_strings(briefing["model"]) if _squash(s) not in briefing["pdf_text"]]
    assert not missing


def test_every_shown_string_is_in_the_docx(briefing):
    missing = [s for s in _shown_strings(briefing["model"]) if _squash(s) not in briefing["docx_text"]]
    assert not missing


def test_pdf_fonts_are_all_embedded_truetype(briefing):
    fonts = {}
    for page in briefing["pdf"].pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert descriptor is not None, name
        assert "/FontFile2" in descriptor.get_object(), f"{name} is not an embedded TrueType font"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"


def test_pdf_metadata_outline_and_language(briefing):
    pdf = briefing["pdf"]
    meta = pdf.metadata
    assert meta.title == briefing["model"].title
    assert meta.author and meta.subject
    assert "/Keywords" in meta and briefing["model"].themes[0].label in meta["/Keywords"]
    assert pdf.trailer["/Root"].get("/Lang") == "zh-CN"
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert {"关键结论", "主题", "企业案例", "研究议程", "来源", "方法说明"} <= set(titles)
    nested = [item for item in pdf.outline if isinstance(item, list)]
    assert nested, "theme and company headings are nested in the outline"


def test_pdf_page_numbers_and_running_header(briefing):
    pages = briefing["pdf"].pages
    assert len(pages) >= 5
    second = pages[1].extract_text()
    assert "第 2 页" in second
    assert briefing["model"].title in second


def test_pdf_is_byte_identical_for_the_same_date(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(
            cli,
            ["-q", "generate", str(SEEDS), "--out", str(out), "--date", "2026-11-23", "--format", "pdf"],
            env={"BRIEFING_HOME": str(tmp_path / f"home-{name}")},
        )
        assert result.exit_code == 0, result.output
        outputs.append((out / "briefing-2026-11-23.pdf").read_bytes())
    assert outputs[0] == outputs[1]


def test_docx_structure(briefing):
    doc = briefing["docx"]
    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert {p.text for p in headings if p.style.name == "Heading 1"} >= {
        "关键结论",
        "主题",
        "企业案例",
        "研究议程",
    }
    # every style in use names the Chinese font in the East Asian slot
    for style in {p.style.name: p.style for p in doc.paragraphs}.values():
        fonts = style.element.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(f"{W}ascii"):
            assert fonts.get(f"{W}eastAsia"), style.name
    defaults = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia")
    # tables with a repeated header row
    assert doc.tables
    first_row = doc.tables[0].rows[0]._tr
    assert first_row.find(f"{W}trPr/{W}tblHeader") is not None
    # charts are pictures made from the chart definitions
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) >= 2
    # references are live hyperlinks
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert any(link.startswith("http") for link in links)
    props = doc.core_properties
    assert props.title == briefing["model"].title
    assert props.created == dt.datetime(2026, 11, 23, tzinfo=dt.UTC) or props.created.date() == dt.date(
        2026, 11, 23
    )
    assert props.author != "python-docx"


def test_docx_embeds_its_fonts(briefing):
    with zipfile.ZipFile(briefing["files"]["docx"]) as z:
        names = z.namelist()
    assert any(n.startswith("word/fonts/") and n.endswith(".odttf") for n in names)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_opens_in_libreoffice_with_a_chinese_font(briefing, tmp_path):
    docx = briefing["files"]["docx"]
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        capture_output=True,
        timeout=240,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    converted = tmp_path / (docx.stem + ".pdf")
    assert converted.exists(), result.stderr.decode(errors="replace")
    reader = PdfReader(str(converted))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("NotoSansCJK" in f for f in fonts), fonts
    assert "关键结论" in _squash("".join(p.extract_text() or "" for p in reader.pages))


# -------------------------------------------------------------------- templates


def test_a_copied_template_with_an_added_line_renders_it(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    custom = tmp_path / "mine.md.j2"
    text = TEMPLATE.read_text("utf-8").replace(
        "## 关键结论 {: #takeaways}", "本简报由分析团队定制模板生成。\n\n## 关键结论 {: #takeaways}"
    )
    custom.write_text(text, "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["-q", "generate", str(SEEDS), "--out", str(out), "--date", "2026-11-23", "--template", str(custom)],
    )
    assert result.exit_code == 0, result.output
    pdf_text = _squash(
        "".join(p.extract_text() or "" for p in PdfReader(str(out / "briefing-2026-11-23.pdf")).pages)
    )
    docx_text = "".join(p.text for p in DocxDocument(str(out / "briefing-2026-11-23.docx")).paragraphs)
    assert "本简报由分析团队定制模板生成。" in pdf_text
    assert "本简报由分析团队定制模板生成。" in docx_text


def test_a_template_syntax_error_names_file_and_line_and_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    broken = tmp_path / "broken.md.j2"
    lines = TEMPLATE.read_text("utf-8").splitlines()
    lines.insert(40, "{% for x in %}")
    broken.write_text("\n".join(lines), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["-q", "generate", str(SEEDS), "--out", str(out), "--template", str(broken)],
        catch_exceptions=False,
    )
    assert result.exit_code == 4
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "broken.md.j2:41" in message[0]
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--template", "no-such-template"], 4, "template not found"),
        (["--format", "pdf,odt"], 2, "choose one or more of pdf, docx"),
        (["--font", "/nonexistent/font.ttf"], 6, "font"),
    ],
)
def test_clear_errors(tmp_path, args, code, words):
    from click.testing import CliRunner

    from briefing.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["-q", "generate", str(SEEDS), "--out", str(out), *args], catch_exceptions=False
    )
    assert result.exit_code == code, result.output
    assert words in result.output.lower()
    assert "Traceback" not in result.output
    assert not out.exists() or not any(p.suffix in (".pdf", ".docx") for p in out.iterdir())


def test_no_usable_documents(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    source = tmp_path / "empty"
    source.mkdir()
    (source / "blank.txt").write_text("   \n", "utf-8")
    result = CliRunner().invoke(cli, ["-q", "generate", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "no usable documents" in result.output


def test_unwritable_output(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    result = CliRunner().invoke(cli, ["-q", "generate", str(SEEDS), "--out", str(blocker / "sub")])
    assert result.exit_code == 5
    assert "cannot write" in result.output
    assert "Traceback" not in result.output


def test_generate_without_arguments_uses_the_bundled_seeds(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from briefing.cli import cli

    monkeypatch.chdir(tmp_path)  # no seeds/ here: the bundled sample corpus is used
    result = CliRunner().invoke(cli, ["-q", "generate"])
    assert result.exit_code == 0, result.output
    today = dt.date.today().isoformat()
    for suffix in ("pdf", "docx", "json"):
        assert (tmp_path / "output" / f"briefing-{today}.{suffix}").stat().st_size > 0


ONE_ENGLISH_DOCUMENT = """---
title: Harbor Freight Lines posts record volumes
date: 2024-02-20
---
Harbor Freight Lines Holdings Ltd reported revenue of $4.2 billion for 2023, up 9 percent from a year earlier.
"""


def test_a_one_document_english_folder_without_themes_still_generates(tmp_path):
    """No theme, so no heatmap: the bundled template must not place one (REVIEW-1 item 2)."""
    from click.testing import CliRunner

    from briefing.cli import cli

    source = tmp_path / "freight"
    source.mkdir()
    (source / "01_freight.md").write_text(ONE_ENGLISH_DOCUMENT, "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["-q", "generate", str(source), "--out", str(out), "--date", "2026-12-02"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    model = json.loads((out / "briefing-2026-12-02.json").read_text("utf-8"))
    assert model["themes"] == []
    pdf_text = _squash(
        "".join(p.extract_text() or "" for p in PdfReader(str(out / "briefing-2026-12-02.pdf")).pages)
    )
    assert "资料未能归纳出主题" in pdf_text


def test_a_template_placing_a_chart_the_briefing_lacks_says_which_and_why(tmp_path):
    from click.testing import CliRunner

    from briefing.cli import cli

    source = tmp_path / "freight"
    source.mkdir()
    (source / "01_freight.md").write_text(ONE_ENGLISH_DOCUMENT, "utf-8")
    custom = tmp_path / "always-heatmap.md.j2"
    custom.write_text("# 简报\n\n![主题](chart:theme_strength)\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["-q", "generate", str(source), "--out", str(out), "--template", str(custom)],
        catch_exceptions=False,
    )
    assert result.exit_code == 4
    message = result.output.strip().splitlines()
    assert len(message) == 1
    assert "'theme_strength'" in message[0] and "no theme" in message[0]
    assert "if 'theme_strength' in charts" in message[0]
    assert not out.exists() or not any(out.iterdir())
