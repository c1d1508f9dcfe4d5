"""Each DOCX's embedded font subsets carry a name of their own.

An application keeps the fonts a document embeds registered while it runs:
LibreOffice converting two briefings in one session drew the second with the
first one's subset (same family name) and showed boxes for every character
only the second one uses. The subsets are therefore named after the
characters they hold, and the document's text asks for that name.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from briefing.fonts import default_fonts
from briefing.writers import docx_fonts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CORPORA = Path(__file__).resolve().parent / "fixtures" / "corpora"


def _minimal_docx(family: str) -> bytes:
    """A document whose style and one run name ``family``."""
    import docx

    document = docx.Document()
    document.styles["Normal"].font.name = family
    run = document.add_paragraph().add_run("集采")
    run.font.name = family
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _families(data: bytes) -> tuple[str, set[str], list[str]]:
    """The font table's embedding entry name, every name ``w:rFonts`` gives, and the
    family names inside the embedded subsets."""
    package = zipfile.ZipFile(io.BytesIO(data))
    table = etree.fromstring(package.read("word/fontTable.xml"))
    (entry,) = [f for f in table.iter(f"{W}font") if f.find(f"{W}embedRegular") is not None]
    named = set()
    for part in ("word/document.xml", "word/styles.xml"):
        for element in etree.fromstring(package.read(part)).iter(f"{W}rFonts"):
            named |= {value for key, value in element.attrib.items() if not key.endswith("Theme")}
    inside = []
    for embed in entry:
        if embed.tag.startswith(f"{W}embed"):
            key = embed.get(f"{W}fontKey")
            rels = etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
            rid = embed.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            target = next(rel.get("Target") for rel in rels if rel.get("Id") == rid)
            blob = package.read(f"word/{target}")
            guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
            plain = bytes(b ^ guid[i % 16] for i, b in enumerate(blob[:32])) + blob[32:]
            names = TTFont(io.BytesIO(plain))["name"]
            inside.append(names.getDebugName(1))
            # No record of the subset answers to the real font's family any more.
            assert not [
                r for r in names.names if r.nameID in (1, 4, 16) and r.toUnicode() == default_fonts().name
            ]
    return entry.get(f"{W}name"), named, inside


def test_the_subset_name_follows_the_characters_and_the_document_asks_for_it() -> None:
    fonts = default_fonts()
    first = docx_fonts.embed_docx_fonts(_minimal_docx(fonts.name), fonts, "集采简报")
    second = docx_fonts.embed_docx_fonts(_minimal_docx(fonts.name), fonts, "产业互联网")
    again = docx_fonts.embed_docx_fonts(_minimal_docx(fonts.name), fonts, "集采简报")
    one, named_one, inside_one = _families(first)
    two, named_two, inside_two = _families(second)
    assert one != two  # different glyphs, different names
    assert _families(again)[0] == one and again == first  # same glyphs: same name, same bytes
    for family, named, inside in ((one, named_one, inside_one), (two, named_two, inside_two)):
        assert re.fullmatch(re.escape(fonts.name) + r" [0-9A-F]{8}", family)
        assert fonts.name not in named and family in named  # the text asks for its own subset
        assert inside == [family, family]  # regular and bold, one family


def _notdef_characters(pdf: Path) -> tuple[set[str], set[str]]:
    """Characters a PDF draws with its font's .notdef glyph (a box), and the base
    names of its fonts. LibreOffice writes simple TrueType subsets whose cmap maps
    each code to a glyph; a code mapped to glyph 0, or to a copy of its outline,
    is a character the font it used does not have."""
    from pypdf import PdfReader

    missing: set[str] = set()
    names: set[str] = set()
    seen: set[int] = set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            descriptor = font["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            order = program.getGlyphOrder()
            glyphs = program["glyf"]
            notdef = list(getattr(glyphs[order[0]], "coordinates", []))
            codes: dict[int, str] = {}
            for table in program["cmap"].tables:
                codes.update(table.cmap)
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for code, uni in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", to_unicode):
                glyph = codes.get(int(code, 16))
                if (
                    glyph is None
                    or glyph == order[0]
                    or list(getattr(glyphs[glyph], "coordinates", [])) == notdef
                ):
                    missing.add(chr(int(uni, 16)))
    return missing, names


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_two_briefings_converted_in_one_libreoffice_session_each_use_their_own_subset(
    run_cli, tmp_path: Path
) -> None:
    docs = []
    for corpus in ("healthcare", "nev"):
        out = tmp_path / corpus
        result = run_cli(
            "-q", "generate", CORPORA / corpus, "--out", out, "--date", "2026-11-23", "--format", "docx"
        )
        assert result.exit_code == 0, result.stderr
        docs.append(shutil.copy(out / "briefing-2026-11-23.docx", tmp_path / f"{corpus}.docx"))
    families = [_families(Path(doc).read_bytes())[0] for doc in docs]
    assert families[0] != families[1]
    converted = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), *map(str, docs)],  # one session, both documents
        check=False, capture_output=True, timeout=300,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    for doc, family in zip(docs, families, strict=True):
        pdf = tmp_path / "pdf" / (Path(doc).stem + ".pdf")
        missing, names = _notdef_characters(pdf)
        assert missing == set(), (pdf.name, "".join(sorted(missing)))
        # Every face in the PDF is this document's own subset, none the other's.
        assert {name.rsplit("-", 1)[0] for name in names} == {family.replace(" ", "")}, names
