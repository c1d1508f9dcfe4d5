"""Fonts shipped with the install and embedded in every PDF.

The package folder holds two TrueType fonts built by ``tools/build_fonts.py``
from Noto Sans CJK SC (family name "Noto Sans CJK SC", see ``OFL.txt``):
``NotoSansSC-Regular.ttf`` covers Latin, Greek, Cyrillic, punctuation,
symbols and every Han character of the source font; ``NotoSansSC-Bold.ttf``
has the same non-Han ranges but only the Han characters of GB2312 and Big5.
No system font is needed.

What the PDF writer calls, in this order::

    fonts = load_fonts(cfg_regular, cfg_bold)         # or default_fonts()
    regular, bold = register_reportlab(fonts)          # reportlab font names
    install_cjk_line_breaking()                        # before any Paragraph is wrapped
    doc = SimpleDocTemplate(..., invariant=1, **pdf_canvas_kwargs(fonts))
    # every ParagraphStyle: fontName=regular (or bold), bulletFontName=regular;
    # every TableStyle: ("FONTNAME", (0, 0), (-1, -1), regular); every chart
    # label: fontName=regular. reportlab's defaults are unembedded Helvetica.
    Paragraph(fallback_markup(escape(text)), style, ...)   # bold=True for bold styles

The DOCX writer names ``fonts.name`` in every ``w:rFonts`` (ascii, hAnsi,
eastAsia, cs) and passes its finished bytes through :func:`embed_docx_fonts`.

reportlab has no font fallback: a character the font lacks is silently
lost. :func:`fallback_markup` therefore sends characters the bold face lacks to
the regular face and replaces characters no face has by 〓 (U+3013), with a
warning naming them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefing.errors import FontError

log = logging.getLogger(__name__)

#: Family name in the shipped fonts' name table (nameID 1). DOCX files must use
#: exactly this name, or Word and LibreOffice will not match the embedded font.
FAMILY = "Noto Sans CJK SC"
REGULAR_FILE = "NotoSansSC-Regular.ttf"
BOLD_FILE = "NotoSansSC-Bold.ttf"
#: Shown in place of a character no font covers (GETA MARK, the customary
#: placeholder for a missing character in Chinese and Japanese typesetting).
MISSING_MARK = "\u3013"


@dataclass(frozen=True)
class FontSet:
    """A regular and a bold TrueType font and the family name they carry."""

    regular: Path
    bold: Path
    name: str = FAMILY
    subset_cache: bool = True
    """Keep the DOCX's font subsets in the state folder's cache (off with ``--no-cache``)."""


def default_fonts() -> FontSet:
    """The fonts shipped inside the package."""
    folder = resources.files(__name__)
    regular = Path(str(folder.joinpath(REGULAR_FILE)))
    bold = Path(str(folder.joinpath(BOLD_FILE)))
    for path in (regular, bold):
        if not path.is_file():
            raise FontError(f"shipped font {path} is missing: reinstall briefing")
    return FontSet(regular, bold, FAMILY)


def load_fonts(regular: str | Path | None = None, bold: str | Path | None = None) -> FontSet:
    """The fonts to use, from the user's configuration.

    Nothing configured gives the shipped fonts. A configured regular font
    without a bold one is used for bold text too (reportlab has no synthetic
    bold, so such text then looks regular); a configured bold font alone is
    paired with the shipped regular one. The family name comes from the
    regular font's name table. Raises :class:`FontError` for a file that does
    not exist, has PostScript (CFF) outlines, or does not parse.
    """
    if regular is None and bold is None:
        return default_fonts()
    shipped = default_fonts()
    regular_path = _check(Path(regular), "regular") if regular is not None else shipped.regular
    if bold is not None:
        bold_path = _check(Path(bold), "bold")
    elif regular is not None:
        log.info("no bold font configured: bold text uses %s", regular_path)
        bold_path = regular_path
    else:
        bold_path = shipped.bold
    # Parse now, so that a bad file fails before any work is done.
    for path, role in ((regular_path, "regular"), (bold_path, "bold")):
        _reportlab_font(path, role)
    family = _family_name(regular_path, "regular")
    if bold_path != regular_path:
        _family_name(bold_path, "bold")
    return FontSet(regular_path, bold_path, family)


def _check(path: Path, role: str) -> Path:
    """Fail with a one-line message unless ``path`` looks like a TrueType font."""
    path = path.expanduser()
    if not path.exists():
        raise FontError(f"{role} font {path}: file not found")
    if not path.is_file():
        raise FontError(f"{role} font {path}: not a file")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise FontError(f"{role} font {path}: cannot read ({exc.strerror or exc})") from exc
    if magic == b"OTTO":
        raise FontError(
            f"{role} font {path}: PostScript (CFF) outlines cannot be embedded by the PDF writer;"
            " use a font with TrueType outlines (.ttf)"
        )
    if magic in (b"wOFF", b"wOF2"):
        raise FontError(f"{role} font {path}: a WOFF web font; convert it to .ttf first")
    if magic not in (b"\x00\x01\x00\x00", b"true", b"ttcf"):
        raise FontError(f"{role} font {path}: not a TrueType font file")
    return path.resolve()


# Parsed fonts by (path, mtime, size): parsing is cheap (about 0.1 s for the
# shipped Regular), but a writer asks for coverage once per paragraph.
_parsed: dict[tuple[Path, int, int], object] = {}


def _reportlab_font(path: Path, role: str = "font"):
    """The reportlab ``TTFont`` for ``path``, parsed once."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        stat = path.stat()
    except OSError as exc:
        raise FontError(f"{role} font {path}: cannot read ({exc.strerror or exc})") from exc
    key = (path, stat.st_mtime_ns, stat.st_size)
    font = _parsed.get(key)
    if font is None:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
            # The reportlab name appears in the PDF, so it must not depend on
            # where the package is installed: derive it from the content.
            font = TTFont(f"{path.stem}-{digest}", str(path))
        except Exception as exc:  # reportlab raises assorted errors for bad files
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "postscript outlines" in reason:
                reason = "PostScript (CFF) outlines; use a font with TrueType outlines"
            raise FontError(f"{role} font {path}: cannot be used ({reason})") from exc
        _parsed[key] = font
    return font


# OS/2 fsType bits that forbid what the writers do: 0x0002 restricted licence
# (no embedding), 0x0100 no subsetting, 0x0200 bitmap embedding only.
_NO_EMBEDDING = 0x0002 | 0x0100 | 0x0200


def _family_name(path: Path, role: str = "font") -> str:
    """Typographic family (nameID 16) or family (nameID 1) from the name table.

    Also refuses a font whose licence flags forbid embedding subsets: both the
    PDF and the DOCX carry subsets of it.
    """
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            name = font["name"]
            family = name.getDebugName(16) or name.getDebugName(1)
            fs_type = font["OS/2"].fsType if "OS/2" in font else 0
    except Exception as exc:  # fontTools raises assorted errors for bad files
        raise FontError(f"{role} font {path}: cannot read its name table ({exc})") from exc
    if fs_type & _NO_EMBEDDING:
        raise FontError(
            f"{role} font {path}: its licence does not allow embedding subsets (OS/2 fsType 0x{fs_type:04X})"
        )
    if not family:
        raise FontError(f"{role} font {path}: has no family name")
    return family


# --- reportlab -----------------------------------------------------------------

# The set last registered: the default for the coverage helpers.
_active: dict[str, FontSet] = {}


def register_reportlab(fonts: FontSet) -> tuple[str, str]:
    """Register both faces with reportlab; return their (regular, bold) names.

    Safe to call repeatedly. ``<b>`` in Paragraph markup switches to the bold
    face; ``<i>`` maps to the same faces (there is no italic). The set becomes
    the default for :func:`fallback_markup` and :func:`missing_chars`.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    regular = _reportlab_font(fonts.regular, "regular")
    bold = _reportlab_font(fonts.bold, "bold")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for font in (regular, bold):
        if font.fontName not in registered:
            pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(
        regular.fontName,
        normal=regular.fontName,
        bold=bold.fontName,
        italic=regular.fontName,
        boldItalic=bold.fontName,
    )
    # registerFontFamily leaves each name mapped back to its italic variant.
    # <font name="regular"> must read as plain regular so that it switches a
    # run inside <b> back to the regular face (paraparser takes bold/italic
    # from that mapping); fallback_markup relies on this.
    addMapping(regular.fontName, 0, 0, regular.fontName)
    addMapping(regular.fontName, 1, 0, bold.fontName)
    _active["fonts"] = fonts
    return regular.fontName, bold.fontName


def pdf_canvas_kwargs(fonts: FontSet | None = None) -> dict[str, str]:
    """Keyword arguments for ``SimpleDocTemplate``/``BaseDocTemplate``/``Canvas``.

    A canvas starts with ``rl_config.canvas_basefontname`` (Helvetica), which
    puts an unembedded base-14 font into every page ("BT /F1 12 Tf"). Starting
    with the registered TrueType face instead writes no such preamble.
    """
    regular, _ = register_reportlab(_current(fonts))
    return {"initialFontName": regular}


def _current(fonts: FontSet | None) -> FontSet:
    if fonts is not None:
        return fonts
    return _active.get("fonts") or default_fonts()


def covered(fonts: FontSet, text: str, bold: bool = False) -> set[str]:
    """The characters of ``text`` that the regular (or bold) face has."""
    cmap = _reportlab_font(fonts.bold if bold else fonts.regular).face.charToGlyph
    return {ch for ch in set(text) if ord(ch) in cmap}


def missing_chars(text: str, fonts: FontSet | None = None) -> list[str]:
    """Characters of ``text`` that neither face has, in order of first use.

    Whitespace is left out: reportlab lays it out rather than drawing it.
    """
    fonts = _current(fonts)
    regular = _reportlab_font(fonts.regular).face.charToGlyph
    bold = _reportlab_font(fonts.bold).face.charToGlyph
    seen: dict[str, None] = {}
    for ch in text:
        code = ord(ch)
        if code not in regular and code not in bold and not ch.isspace():
            seen.setdefault(ch, None)
    return list(seen)


_TAG = re.compile(r"(<[^>]*>)")
_TAG_PARTS = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:.-]*)(.*?)(/?)\s*>", re.S)
_FONT_ATTR = re.compile(r"""\b(?:name|face)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# An entity counts as one character; splitting one would corrupt the markup.
_UNIT = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)
# Tags without content: nothing to track.
_SELF_CLOSING = {"br", "img", "ondraw", "index", "unichar", "pagenumber", "seq", "seqreset"}
# reportlab draws <greek> in the Symbol font; leave its text alone.
_FOREIGN_TAGS = {"greek"}

# Characters reported once per process, so a long document does not repeat
# the same warning for every paragraph.
_reported: set[str] = set()


def fallback_markup(escaped_text: str, bold: bool = False, fonts: FontSet | None = None) -> str:
    """Make Paragraph markup drawable with the registered faces.

    ``escaped_text`` is reportlab markup whose data is already XML-escaped and
    may hold tags (``<b>``, ``<a href=...>``, ``<font ...>``). ``bold`` says the
    paragraph style itself uses the bold face. Text runs the face in effect
    lacks but the other face has are wrapped in ``<font name="...">``;
    characters no face has become 〓 (invisible control and format characters
    are dropped instead) and are logged once as a warning. Tags are copied
    unchanged; text inside ``<font>`` naming some other font is left alone.
    """
    fonts = _current(fonts)
    regular_name, bold_name = register_reportlab(fonts)
    cmaps = {
        False: _reportlab_font(fonts.regular).face.charToGlyph,
        True: _reportlab_font(fonts.bold).face.charToGlyph,
    }
    names = {False: regular_name, True: bold_name}
    # Stack of (tag, face) where face is True (bold), False (regular) or None
    # (a font we do not manage).
    stack: list[tuple[str, bool | None]] = [("", bold)]
    out: list[str] = []
    missing: dict[str, None] = {}

    for piece in _TAG.split(escaped_text):
        if not piece:
            continue
        if piece.startswith("<"):
            out.append(piece)
            _track_tag(piece, stack, names)
            continue
        face = stack[-1][1]
        if face is None:
            out.append(piece)
            continue
        out.append(_fallback_text(piece, face, cmaps, names, missing))

    new = [ch for ch in missing if ch not in _reported]
    if new:
        _reported.update(new)
        log.warning(
            "no font has %s: shown as %s (invisible characters dropped)",
            ", ".join(f"{ch!r} U+{ord(ch):04X}" for ch in new),
            MISSING_MARK,
        )
    return "".join(out)


def _track_tag(tag: str, stack: list[tuple[str, bool | None]], names: dict[bool, str]) -> None:
    match = _TAG_PARTS.fullmatch(tag)
    if not match:
        return
    closing, name, attrs, self_closing = match.groups()
    name = name.lower()
    if self_closing or name in _SELF_CLOSING:
        return
    if closing:
        # Pop to the matching opener; tolerate unbalanced markup.
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth][0] == name:
                del stack[depth:]
                break
        return
    face = stack[-1][1]
    if name in ("b", "strong") and face is not None:
        face = True
    elif name in _FOREIGN_TAGS:
        face = None
    elif name in ("font", "span"):
        found = _FONT_ATTR.search(attrs)
        if found:
            chosen = (found.group(1) or found.group(2) or "").lower()
            if chosen == names[False].lower():
                face = False
            elif chosen == names[True].lower():
                face = True
            else:
                face = None
    stack.append((name, face))


def _fallback_text(
    text: str,
    face: bool,
    cmaps: dict[bool, dict[int, int]],
    names: dict[bool, str],
    missing: dict[str, None],
) -> str:
    """One run of text between tags, drawn with ``face`` (True for bold)."""
    out: list[str] = []
    run: list[str] = []  # units the other face draws

    def flush() -> None:
        if run:
            out.append(f'<font name="{names[not face]}">{"".join(run)}</font>')
            run.clear()

    for unit in _UNIT.findall(text):
        ch = html.unescape(unit) if unit.startswith("&") else unit
        if len(ch) != 1 or ch.isspace():
            # Unknown entity or layout whitespace: leave it where it is.
            (run if run else out).append(unit)
            continue
        code = ord(ch)
        if code in cmaps[face]:
            flush()
            out.append(unit)
        elif code in cmaps[not face]:
            run.append(unit)
        else:
            missing.setdefault(ch, None)
            if unicodedata.category(ch) in ("Cc", "Cf"):
                continue
            mark = ord(MISSING_MARK)
            if mark in cmaps[face]:
                flush()
                out.append(MISSING_MARK)
            elif mark in cmaps[not face]:
                run.append(MISSING_MARK)
            else:
                flush()
                out.append("?")
    flush()
    return "".join(out)


# --- CJK line breaking ---------------------------------------------------------

# Chinese rules (GB/T 15834) and common sense: pauses, stops and closing
# brackets/quotes stay with the text before them; opening brackets/quotes with
# the text after them.
NO_LINE_START = "，。、；：？！）」』”’》〉】〕〗〙〛］｝｠…‥·・" + ",.;:?!)]}%"
NO_LINE_END = "（「『“‘《〈【〔〖〘〚［｛｟" + "([{"
# A doubled dash or ellipsis (—— ……) is one mark and is never split.
_UNSPLITTABLE_PAIRS = "—…"

# Filled by install_cjk_line_breaking with reportlab's lists plus the above.
_cannot_start: set[str] = set(NO_LINE_START)
_cannot_end: set[str] = set(NO_LINE_END)


def install_cjk_line_breaking() -> None:
    """Teach reportlab's ``wordWrap='CJK'`` the Chinese line-breaking rules.

    reportlab's CJK wrapper lets only one closing mark hang in the margin, so
    in “升级”，… a line can still start with ，; its list of such marks lacks
    ，；：？！》”’, and it ignores its own list of marks that may not end a
    line. This extends the lists (``ALL_CANNOT_START`` is imported by name into
    ``reportlab.platypus.paragraph``, so both copies are patched) and replaces
    the two wrapping functions with versions that, after reportlab's choice,
    move the break back until the next line does not start with a closing mark
    and this one does not end with an opening one. Idempotent.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    if getattr(paragraph.cjkFragSplit, "_briefing", False):
        return
    start = textsplit.ALL_CANNOT_START + "".join(
        ch for ch in NO_LINE_START if ch not in textsplit.ALL_CANNOT_START
    )
    end = textsplit.ALL_CANNOT_END + "".join(ch for ch in NO_LINE_END if ch not in textsplit.ALL_CANNOT_END)
    textsplit.ALL_CANNOT_START = paragraph.ALL_CANNOT_START = start
    textsplit.ALL_CANNOT_END = end
    _cannot_start.update(start)
    _cannot_end.update(end)
    # paragraph's single-fragment path calls textsplit.wordSplit, which looks
    # dumbSplit up in textsplit at call time; the multi-fragment path calls
    # paragraph.cjkFragSplit.
    textsplit.dumbSplit = _dumb_split
    paragraph.cjkFragSplit = _cjk_frag_split


def _may_break_before(chars: Sequence[str], pos: int) -> bool:
    before, after = chars[pos - 1], chars[pos]
    if after in _cannot_start or before in _cannot_end:
        return False
    return not (after == before and after in _UNSPLITTABLE_PAIRS)


def _next_line_start(chars: Sequence[str], start: int, i: int) -> int:
    """Where the next line starts, given that ``chars[i - 1]`` overflowed.

    The first part follows reportlab: inside Latin text break after the last
    space or CJK character in the second half of the line; let one closing
    mark hang in the margin. Then step back while the break is illegal.
    """
    end = i - 1
    ch = chars[end]
    if len(ch) == 1 and ord(ch) < 0x3000:
        for j in range(i - 1, (start + i) >> 1, -1):
            cj = chars[j]
            if cj and (unicodedata.category(cj) == "Zs" or ord(cj) >= 0x3000):
                if j + 1 < i:
                    end = j + 1
                break
    if end == i - 1 and ch in _cannot_start:
        end = i
    end = max(end, start + 1)
    n = len(chars)
    pos = end
    while start + 1 < pos < n and not _may_break_before(chars, pos):
        pos -= 1
    if pos < n and not _may_break_before(chars, pos):
        return end  # no legal break in this line: keep reportlab's
    return pos


def _break_lines(
    chars: Sequence[str],
    width: Callable[[int, float], float],
    max_widths: Sequence[float],
    forced: Callable[[int], bool] = lambda i: False,
) -> list[tuple[int, int, float, float]]:
    """Lines as (start, end, max_width, used_width) over ``chars``."""
    from reportlab.rl_config import _FUZZ

    lines: list[tuple[int, int, float, float]] = []
    start = i = 0
    used = 0.0
    max_width = max_widths[0]
    while i < len(chars):
        used += width(i, max_width)
        i += 1
        hard = forced(i - 1)
        if not hard and not (used > max_width + _FUZZ and used > 0):
            continue
        end = i if hard else _next_line_start(chars, start, i)
        line_used = sum(width(k, max_width) for k in range(start, end))
        lines.append((start, end, max_width, line_used))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = i = end
        used = 0.0
    if used > 0:
        lines.append((start, len(chars), max_width, used))
    return lines


def _dumb_split(word: str, widths: Sequence[float], max_widths) -> list[list]:
    """Drop-in for ``reportlab.lib.textsplit.dumbSplit``."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    lines = _break_lines(word, lambda k, _mw: widths[k], max_widths)
    result = []
    for n, (start, end, max_width, used) in enumerate(lines):
        text = word[start:end]
        result.append([max_width - used, text if n == len(lines) - 1 else text.strip()])
    return result


def _cjk_frag_split(frags, max_widths, calc_bounds, encoding="utf8"):
    """Drop-in for ``reportlab.platypus.paragraph.cjkFragSplit``."""
    from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

    units = []
    for frag in frags:
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(cjkU(ch, frag, encoding) for ch in text)
        else:
            units.append(cjkU(text, frag, encoding))

    def width(k: int, max_width: float) -> float:
        w = units[k].width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    def forced(k: int) -> bool:
        return hasattr(units[k].frag, "lineBreak")

    lines = [
        makeCJKParaLine(
            units[start:end],
            max_width,
            used,
            max_width - used,
            end > start and forced(end - 1),
            calc_bounds,
        )
        for start, end, max_width, used in _break_lines(units, width, max_widths, forced)
    ]
    return ParaLines(kind=1, lines=lines)


_cjk_frag_split._briefing = True  # type: ignore[attr-defined]


# --- DOCX font embedding -------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT_FONT = f"{_R}/font"
_RT_FONT_TABLE = f"{_R}/fontTable"
_RT_SETTINGS = f"{_R}/settings"
_CT_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_CT_FONT_TABLE = "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"
_CT_SETTINGS = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# CT_Settings children that precede embedTrueTypeFonts (ECMA-376 Part 1 §17.15.1.78).
_SETTINGS_BEFORE_EMBED = (
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
)


def embed_docx_fonts(docx_bytes: bytes, fonts: FontSet, used_text: str) -> bytes:
    """Embed subsets of both faces in a .docx (ECMA-376 Part 1 §17.8.1).

    Each face is cut down to the characters of ``used_text`` (all the text the
    document shows, tables, headers and footers included) plus printable
    ASCII, obfuscated with a key derived from its bytes, stored as
    ``word/fonts/fontN.odttf`` and referenced from ``word/fontTable.xml`` under
    the family name ``fonts.name``; ``word/settings.xml`` gains
    ``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts``. Word and LibreOffice
    then show the document in the right font without it being installed.
    The result depends only on the inputs: same bytes for the same document.
    """
    chars = {ord(ch) for ch in used_text if not ch.isspace()} | set(range(0x20, 0x7F))
    faces = {"Regular": _subset_font(fonts.regular, chars, fonts.subset_cache)}
    if fonts.bold != fonts.regular:
        faces["Bold"] = _subset_font(fonts.bold, chars, fonts.subset_cache)

    try:
        source = zipfile.ZipFile(io.BytesIO(docx_bytes))
        parts = {info.filename: source.read(info) for info in source.infolist()}
        infos = source.infolist()
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise FontError(f"cannot embed fonts: the DOCX is not a valid package ({exc})") from exc

    added: dict[str, bytes] = {}
    font_table = _ensure_part(parts, "word/fontTable.xml", "fonts", _RT_FONT_TABLE, _CT_FONT_TABLE)
    settings = _ensure_part(parts, "word/settings.xml", "settings", _RT_SETTINGS, _CT_SETTINGS)

    rels_name = "word/_rels/fontTable.xml.rels"
    rels = _xml(parts.get(rels_name) or f'<Relationships xmlns="{_PKG_REL}"/>'.encode())
    embeds = []
    taken = set(parts)
    number = 1
    for style, data in faces.items():
        while f"word/fonts/font{number}.odttf" in taken:
            number += 1
        part = f"word/fonts/font{number}.odttf"
        taken.add(part)
        key = "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16], version=4)).upper() + "}"
        added[part] = _obfuscate(data, key)
        rid = _free_rel_id(rels, f"rIdBriefingFont{style}")
        rel = _sub(rels, f"{{{_PKG_REL}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", _RT_FONT)
        rel.set("Target", f"fonts/font{number}.odttf")
        embeds.append((style, rid, key))
    parts[rels_name] = _serialise(rels)

    parts[font_table] = _serialise(_add_font_entry(_xml(parts[font_table]), fonts.name, embeds))
    parts[settings] = _serialise(_enable_embedding(_xml(parts[settings])))
    parts["[Content_Types].xml"] = _serialise(_add_odttf_type(_xml(parts["[Content_Types].xml"])))

    # Keep the original order (with [Content_Types].xml first) and compression;
    # fixed dates and attributes make the bytes reproducible.
    order = [info.filename for info in infos]
    order += [name for name in parts if name not in order]
    order += sorted(added)
    compression = {info.filename: info.compress_type for info in infos}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = compression.get(name, zipfile.ZIP_DEFLATED)
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts[name] if name in parts else added[name])
    return out.getvalue()


SUBSETS_KEPT = 16
"""Font subsets kept in the state folder's cache (``cache/fonts``), most recently used first."""


def _subset_font(path: Path, chars: set[int], use_cache: bool = True) -> bytes:
    """A subset of ``path`` holding ``chars``: from the state folder's cache when
    the same font was cut to the same characters before (a re-rendered week with
    the same text), else made and kept there."""
    import fontTools

    if not use_cache:
        return _make_subset(path, chars)
    info = path.stat()
    digest = hashlib.sha256(
        f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}:fontTools {fontTools.version}:v1".encode()
    )
    digest.update(",".join(map(str, sorted(chars))).encode())
    cached = _subset_cache(digest.hexdigest())
    if cached is not None and (data := cached.load()) is not None:
        return data
    data = _make_subset(path, chars)
    if cached is not None:
        cached.store(data)
    return data


class _CachedSubset:
    """One subset in ``<state>/cache/fonts``: its SHA-256, then its bytes; a file
    that does not match its checksum is a miss."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> bytes | None:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        if len(blob) < 32 or hashlib.sha256(blob[32:]).digest() != blob[:32]:
            log.debug("font subset %s damaged: made again", self.path.name)
            return None
        with contextlib.suppress(OSError):
            os.utime(self.path)  # recently used: kept by the pruning below
        return blob[32:]

    def store(self, data: bytes) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(hashlib.sha256(data).digest() + data)
            os.replace(tmp, self.path)
            kept = sorted(self.path.parent.glob("*.ttf"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[SUBSETS_KEPT:]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            log.debug("could not keep the font subset in the cache: %s", exc)


def _subset_cache(key: str) -> _CachedSubset | None:
    from briefing.errors import OutputError
    from briefing.state import ensure_home

    try:
        return _CachedSubset(ensure_home() / "cache" / "fonts" / f"{key}.ttf")
    except OutputError:
        return None  # the cache only saves time


def _make_subset(path: Path, chars: set[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # Word and LibreOffice match the embedded font by its names: keep them all.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.recalc_timestamp = False
    # The glyphs are copied as they are: recomputing every glyph's bounding box
    # meant decoding and re-encoding all of them, half the cost of a subset.
    options.recalc_bounds = False
    try:
        with TTFont(path, fontNumber=0, recalcTimestamp=False, recalcBBoxes=False) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=chars)
            subsetter.subset(font)
            buffer = io.BytesIO()
            font.save(buffer)
    except Exception as exc:  # fontTools raises assorted errors for bad files
        raise FontError(f"font {path}: cannot subset it for the DOCX ({exc})") from exc
    return buffer.getvalue()


def _obfuscate(data: bytes, font_key: str) -> bytes:
    """XOR the first 32 bytes with the GUID's bytes in reverse order (§17.8.1)."""
    key = bytes.fromhex(font_key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def _etree():
    """lxml, imported only by the DOCX writer's font embedding (``analyze`` never needs it)."""
    from lxml import etree

    return etree


def _xml(data: bytes):
    return _etree().fromstring(data, _etree().XMLParser(remove_blank_text=False, resolve_entities=False))


def _serialise(root) -> bytes:
    return _etree().tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _sub(parent, tag: str):
    return _etree().SubElement(parent, tag)


def _ensure_part(parts: dict[str, bytes], name: str, root: str, rel_type: str, ctype: str) -> str:
    """Create an empty ``word/<part>`` related from the document if it is absent."""
    if name in parts:
        return name
    parts[name] = f'<w:{root} xmlns:w="{_W}" xmlns:r="{_R}"/>'.encode()
    doc_rels = "word/_rels/document.xml.rels"
    rels = _xml(parts[doc_rels])
    rel = _sub(rels, f"{{{_PKG_REL}}}Relationship")
    rel.set("Id", _free_rel_id(rels, f"rIdBriefing{root.capitalize()}"))
    rel.set("Type", rel_type)
    rel.set("Target", name.removeprefix("word/"))
    parts[doc_rels] = _serialise(rels)
    types = _xml(parts["[Content_Types].xml"])
    override = _sub(types, f"{{{_CT}}}Override")
    override.set("PartName", "/" + name)
    override.set("ContentType", ctype)
    parts["[Content_Types].xml"] = _serialise(types)
    return name


def _free_rel_id(rels, wanted: str) -> str:
    used = {rel.get("Id") for rel in rels}
    rid, n = wanted, 1
    while rid in used:
        n += 1
        rid = f"{wanted}{n}"
    return rid


def _with_r_namespace(root):
    """``root``, redeclared with the ``r`` prefix if it lacks it (Word expects it)."""
    if _R in root.nsmap.values():
        return root
    new = _etree().Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, "r": _R})
    new.text = root.text
    new.extend(list(root))
    return new


def _add_font_entry(root, family: str, embeds: Iterable[tuple[str, str, str]]):
    root = _with_r_namespace(root)
    w = f"{{{_W}}}"
    font = next((f for f in root.findall(f"{w}font") if f.get(f"{w}name") == family), None)
    if font is None:
        font = _sub(root, f"{w}font")
        font.set(f"{w}name", family)
        _sub(font, f"{w}charset").set(f"{w}val", "86")  # GB2312
        _sub(font, f"{w}family").set(f"{w}val", "swiss")
        _sub(font, f"{w}pitch").set(f"{w}val", "variable")
    for child in list(font):
        if child.tag.startswith(f"{w}embed"):
            font.remove(child)
    for style, rid, key in embeds:
        embed = _sub(font, f"{w}embed{style}")
        embed.set(f"{{{_R}}}id", rid)
        embed.set(f"{w}fontKey", key)
        embed.set(f"{w}subsetted", "1")
    return root


def _enable_embedding(root):
    w = f"{{{_W}}}"

    def local(el) -> str:
        return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""

    for name in ("embedTrueTypeFonts", "saveSubsetFonts"):
        for old in root.findall(f"{w}{name}"):
            root.remove(old)
    # Schema order: ... printFormsData, embedTrueTypeFonts, embedSystemFonts,
    # saveSubsetFonts, saveFormsData, ... Word rejects misplaced elements.
    position = 0
    for index, child in enumerate(root):
        if local(child) in _SETTINGS_BEFORE_EMBED:
            position = index + 1
    root.insert(position, _etree().Element(f"{w}embedTrueTypeFonts"))
    position += 1
    if position < len(root) and local(root[position]) == "embedSystemFonts":
        position += 1
    root.insert(position, _etree().Element(f"{w}saveSubsetFonts"))
    return root


def _add_odttf_type(root):
    ct = f"{{{_CT}}}"
    if not any(d.get("Extension", "").lower() == "odttf" for d in root.findall(f"{ct}Default")):
        default = _sub(root, f"{ct}Default")
        default.set("Extension", "odttf")
        default.set("ContentType", _CT_ODTTF)
        # Defaults precede Overrides in the schema.
        first_override = root.find(f"{ct}Override")
        if first_override is not None:
            first_override.addprevious(default)
    return root
