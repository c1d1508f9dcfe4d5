"""Build the fonts shipped in briefing/fonts/ from Debian's Noto Sans CJK.

The PDF writer (reportlab) embeds only TrueType-outline fonts, while Noto Sans
CJK is published with CFF (PostScript) outlines. This script takes the
Simplified Chinese face of the Noto Sans CJK collections, keeps the characters
a Chinese/English business briefing can contain, converts the outlines to
TrueType quadratics and writes:

    briefing/fonts/NotoSansSC-Regular.ttf   every covered character of the ranges below
    briefing/fonts/NotoSansSC-Bold.ttf      same, but Han limited to GB2312 + Big5
    briefing/fonts/OFL.txt                  licence, copyright and what was changed

It is a developer tool, not run at install or test time. It needs fontTools and
the Debian package fonts-noto-cjk (/usr/share/fonts/opentype/noto/):

    python tools/build_fonts.py

Output is byte-for-byte reproducible from the same sources and fontTools
version, so a rebuild shows up in git only when something really changed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
import textwrap
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).resolve().parent.parent
OUT_DIR = HERE / "briefing" / "fonts"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
SOURCES = {
    "Regular": NOTO_DIR / "NotoSansCJK-Regular.ttc",
    "Bold": NOTO_DIR / "NotoSansCJK-Bold.ttc",
}
# Face order in the collections is JP, KR, SC, TC, HK (then the Mono faces).
FACE_INDEX = 2
FAMILY = "Noto Sans CJK SC"

# Quadratic approximation error in font units (1000 per em): invisible at any
# print size, and the value fontTools' own otf2ttf example uses.
MAX_ERR = 1.0

# Upstream noto-cjk's LICENSE states the copyright with the reserved font name;
# the fonts' name table carries only the first half. The derived fonts keep
# the family name "Noto Sans CJK SC", which does not use the reserved "Source".
UPSTREAM_COPYRIGHT = "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."

# (first, last, label, is_han). Only the Han ranges are cut down for Bold.
RANGES: list[tuple[int, int, str, bool]] = [
    (0x0020, 0x007E, "Basic Latin", False),
    (0x00A0, 0x00FF, "Latin-1 Supplement", False),
    (0x0100, 0x017F, "Latin Extended-A", False),
    (0x0180, 0x024F, "Latin Extended-B", False),
    (0x02B0, 0x02FF, "Spacing Modifier Letters (pinyin tone marks)", False),
    (0x0370, 0x03FF, "Greek", False),
    (0x0400, 0x04FF, "Cyrillic", False),
    (0x2000, 0x206F, "General Punctuation", False),
    (0x2070, 0x209F, "Superscripts and Subscripts", False),
    (0x20A0, 0x20CF, "Currency Symbols", False),
    (0x2100, 0x214F, "Letterlike Symbols", False),
    (0x2150, 0x218F, "Number Forms", False),
    (0x2190, 0x21FF, "Arrows", False),
    (0x2200, 0x22FF, "Mathematical Operators", False),
    (0x2460, 0x24FF, "Enclosed Alphanumerics", False),
    (0x2500, 0x257F, "Box Drawing", False),
    (0x25A0, 0x25FF, "Geometric Shapes", False),
    (0x2600, 0x26FF, "Miscellaneous Symbols", False),
    (0x2700, 0x27BF, "Dingbats (check marks)", False),
    # Text extracted from PDFs often carries radicals in place of ideographs.
    (0x2E80, 0x2EFF, "CJK Radicals Supplement", False),
    (0x2F00, 0x2FDF, "Kangxi Radicals", False),
    (0x3000, 0x303F, "CJK Symbols and Punctuation", False),
    (0x3100, 0x312F, "Bopomofo", False),
    (0x31A0, 0x31BF, "Bopomofo Extended", False),
    (0x31C0, 0x31EF, "CJK Strokes", False),
    (0x3200, 0x32FF, "Enclosed CJK Letters and Months", False),
    (0x3300, 0x33FF, "CJK Compatibility", False),
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A", True),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs", True),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs", True),
    (0xFE10, 0xFE1F, "Vertical Forms", False),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms", False),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms", False),
]

DROP_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]


def _encodable(cp: int, codec: str) -> bool:
    try:
        chr(cp).encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def wanted_codepoints(style: str) -> set[int]:
    """Code points to keep; the source font decides which of them exist."""
    wanted: set[int] = set()
    for first, last, _label, is_han in RANGES:
        cps = range(first, last + 1)
        if is_han and style == "Bold":
            # GB2312 covers everyday Simplified text, Big5 levels 1-2 everyday
            # Traditional; rarer characters fall back to the Regular face at
            # render time (briefing.fonts.fallback_markup).
            wanted.update(cp for cp in cps if _encodable(cp, "gb2312") or _encodable(cp, "big5"))
        else:
            wanted.update(cps)
    return wanted


def _subset(font: TTFont, codepoints: set[int]) -> None:
    options = subset.Options()
    options.drop_tables += DROP_TABLES
    # Without GSUB there is nothing to close over; keeping no features also
    # keeps glyphs reachable only through substitutions (vertical forms,
    # localised variants) out of the file.
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = True
    options.name_IDs = ["*"]
    options.recalc_timestamp = False
    options.prune_unicode_ranges = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)


def _cff_to_glyf(font: TTFont) -> None:
    """Replace the CFF table by glyf/loca, in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)  # computes each glyph's bounding box

    # TrueType rasterisers take the left side bearing from hmtx and expect it
    # to equal the glyph's xMin.
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        advance, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyph, "xMin", 0))

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0  # TTGlyphPen output has no components here
    maxp.recalc(font)  # points and contours from the glyf table

    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order

    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _mark_derived(font: TTFont) -> None:
    """Give the derived font its own unique ID and version string.

    The family name stays "Noto Sans CJK SC" (Noto reserves no font name), so
    DOCX files can name it; the unique ID changes so that an operating system
    that also has the original installed does not take one for the other.
    """
    name = font["name"]
    for record in list(name.names):
        if record.nameID == 3:
            name.setName(f"{record.toUnicode()};briefing-subset", 3, *_key(record))
        elif record.nameID == 5:
            name.setName(
                f"{record.toUnicode()}; subset, TrueType outlines (briefing tools/build_fonts.py)",
                5,
                *_key(record),
            )


def _key(record) -> tuple[int, int, int]:
    return record.platformID, record.platEncID, record.langID


def _drop_variation_cmap(font: TTFont) -> None:
    # Format 14 (variation selectors) only maps ideograph variants to glyphs
    # the subset dropped; reportlab ignores it anyway.
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if t.format != 14]


def build_face(style: str, out: Path) -> TTFont:
    source = SOURCES[style]
    font = TTFont(source, fontNumber=FACE_INDEX, recalcTimestamp=False)
    family = font["name"].getDebugName(1)
    if family != FAMILY:
        sys.exit(f"{source} face {FACE_INDEX} is {family!r}, expected {FAMILY!r}")
    if "CFF " not in font:
        sys.exit(f"{source} face {FACE_INDEX} has no CFF table: already TrueType?")
    # Keep the upstream dates: fixed for a given source, so rebuilds are
    # identical, and they still tell which release the glyphs come from.
    created, modified = font["head"].created, font["head"].modified

    _subset(font, wanted_codepoints(style))
    _drop_variation_cmap(font)
    _cff_to_glyf(font)
    _mark_derived(font)

    head = font["head"]
    head.created, head.modified = created, modified
    font.recalcTimestamp = False
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    return font


def write_licence(regular: TTFont) -> Path:
    name = regular["name"]
    copyright_line = name.getDebugName(0)
    license_desc = name.getDebugName(13)
    license_url = name.getDebugName(14)
    debian = _debian_licence_text()
    lines = [
        "Fonts in this folder",
        "====================",
        "",
        "NotoSansSC-Regular.ttf and NotoSansSC-Bold.ttf are derived from Noto Sans CJK SC",
        '(family name kept: "Noto Sans CJK SC"), https://github.com/notofonts/noto-cjk,',
        "as packaged by Debian (fonts-noto-cjk).",
        "",
        f"{UPSTREAM_COPYRIGHT}",
        f"Font name table: {copyright_line}",
        "",
        textwrap.fill(license_desc, 80),
        f"{license_url}",
        "",
        "Modifications: tools/build_fonts.py subsets these files to the characters a",
        "Chinese/English briefing needs (the Bold file keeps only the Han characters of",
        "GB2312 and Big5 levels 1-2), drops the OpenType layout and vertical-metrics",
        "tables, and converts the CFF outlines to TrueType (quadratic) outlines so that",
        "PDF libraries such as reportlab can embed them. Unique ID and version strings",
        "are marked as a derived subset.",
        "",
        "",
        debian or OFL_FALLBACK,
    ]
    out = OUT_DIR / "OFL.txt"
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return out


def _debian_licence_text() -> str | None:
    """The OFL 1.1 text from Debian's machine-readable copyright file."""
    path = DEBIAN_COPYRIGHT
    if not path.exists():
        gz = path.with_suffix(".gz")
        if not gz.exists():
            return None
        text = gzip.decompress(gz.read_bytes()).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        start = lines.index("License: SIL-1.1")
    except ValueError:
        return None
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        line = line[1:]
        body.append("" if line == "." else line)
    return "\n".join(body).strip("\n")


# Used only when Debian's copyright file is not installed: the licence text
# must ship with the fonts either way.
OFL_FALLBACK = """\
-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE
The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font creation
efforts of academic and linguistic communities, and to provide a free and
open framework in which fonts may be shared and improved in partnership
with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply
to any document created using the fonts or their derivatives.

DEFINITIONS
"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components as
distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to, deleting,
or substituting -- in part or in whole -- any of the components of the
Original Version, by changing formats or by porting the Font Software to a
new environment.

"Author" refers to any designer, engineer, programmer, technical
writer or other person who contributed to the Font Software.

PERMISSION & CONDITIONS
Permission is hereby granted, free of charge, to any person obtaining
a copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components,
in Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the corresponding
Copyright Holder. This restriction only applies to the primary font name as
presented to the users.

4) The name(s) of the Copyright Holder(s) and the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole,
must be distributed entirely under this license, and must not be
distributed under any other license. The requirement for fonts to
remain under this license does not apply to any document created
using the Font Software.

TERMINATION
This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER
THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", choices=sorted(SOURCES), action="append", help="build only this face")
    args = parser.parse_args(argv)
    missing = [str(p) for p in SOURCES.values() if not p.exists()]
    if missing:
        print(f"missing source fonts (apt install fonts-noto-cjk): {', '.join(missing)}")
        return 1
    built = {}
    for style in args.style or ["Regular", "Bold"]:
        started = time.perf_counter()
        out = OUT_DIR / f"NotoSansSC-{style}.ttf"
        built[style] = build_face(style, out)
        data = out.read_bytes()
        print(
            f"{out.relative_to(HERE)}: {len(data):,} bytes, "
            f"{len(built[style].getBestCmap()):,} characters, "
            f"{time.perf_counter() - started:.1f} s, sha256 {hashlib.sha256(data).hexdigest()[:16]}"
        )
    if "Regular" in built:
        print(f"{write_licence(built['Regular']).relative_to(HERE)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
