"""Fonts: loading the shipped or configured faces and checking which characters they cover.

The package folder holds two TrueType fonts built by ``tools/build_fonts.py``
from Noto Sans CJK SC (family name "Noto Sans CJK SC", see ``OFL.txt``):
``NotoSansSC-Regular.ttf`` covers Latin, Greek, Cyrillic, punctuation,
symbols and every Han character of the source font; ``NotoSansSC-Bold.ttf``
has the same non-Han ranges but only the Han characters of GB2312 and Big5.
No system font is needed.

What the PDF writer calls, in this order::

    fonts = load_fonts(cfg_regular, cfg_bold)         # or default_fonts()
    regular, bold = register_reportlab(fonts)          # reportlab font names
    install_cjk_line_breaking()                        # briefing.writers.pdf_linebreak
    doc = SimpleDocTemplate(..., invariant=1, **pdf_canvas_kwargs(fonts))
    # every ParagraphStyle: fontName=regular (or bold), bulletFontName=regular;
    # every TableStyle: ("FONTNAME", (0, 0), (-1, -1), regular); every chart
    # label: fontName=regular. reportlab's defaults are unembedded Helvetica.
    Paragraph(fallback_markup(escape(text)), style, ...)   # bold=True for bold styles

The DOCX writer names ``fonts.name`` in every ``w:rFonts`` (ascii, hAnsi,
eastAsia, cs) and embeds subsets of both faces itself
(:mod:`briefing.writers.docx_fonts`); the writers own those jobs, this module
only finds the faces and says what they cover.

reportlab has no font fallback: a character the font lacks is silently
lost. :func:`fallback_markup` therefore sends characters the bold face lacks to
the regular face and replaces characters no face has by 〓 (U+3013), with a
warning naming them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefing.errors import FontError, OutputError

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
    """Keep the DOCX's font subsets (in the state folder's cache) and reportlab's
    parse of the faces (in the user's cache folder); off with ``--no-cache``."""


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


# Parsed fonts by (path, mtime, size): a writer asks for coverage once per paragraph.
_parsed: dict[tuple[Path, int, int], object] = {}


def _reportlab_font(path: Path, role: str = "font", use_cache: bool = False):
    """The reportlab ``TTFont`` for ``path``, parsed once per process; with
    ``use_cache``, its parse is kept in the user's cache folder and read back
    on later runs (:func:`_cached_font`: reportlab's parser takes about 0.07 s
    for each shipped face, reading the kept parse a quarter of that)."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        stat = path.stat()
    except OSError as exc:
        raise FontError(f"{role} font {path}: cannot read ({exc.strerror or exc})") from exc
    key = (path, stat.st_mtime_ns, stat.st_size)
    font = _parsed.get(key)
    if font is None and use_cache:
        font = _cached_font(path, stat)
    if font is None:
        try:
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()[:8]
            # The reportlab name appears in the PDF, so it must not depend on
            # where the package is installed: derive it from the content.
            font = TTFont(f"{path.stem}-{digest}", str(path))
        except Exception as exc:  # reportlab raises assorted errors for bad files
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "postscript outlines" in reason:
                reason = "PostScript (CFF) outlines; use a font with TrueType outlines"
            raise FontError(f"{role} font {path}: cannot be used ({reason})") from exc
        if use_cache:
            _keep_font(path, stat, font)
    _parsed[key] = font
    return font


# --- the parsed fonts kept in the user's cache folder ------------------------------
#
# In the user's cache folder (:func:`briefing.user_cache.cache_folder`, beside
# jieba's dictionary cache), not the state folder: a parse depends only on the
# font file and the libraries, so a new state folder (a cold run, a new
# schedule) reads it too.
#
# A reportlab TTFont is its face (``TTFontFace``: the tables' directory, the
# character map, widths and metrics reportlab's parser extracted) and a few
# plain attributes. Kept: every attribute of both, with marshal (plain values
# only: nothing is executed when it is read back), except what is rebuilt on
# reading: the font's bytes (read from the file: subsetting needs them), the
# face's scaling function (a lambda of unitsPerEm), the name strings (a bytes
# subclass that also holds its text) and the font's per-document state. An
# attribute of a kind marshal does not take (another reportlab version) means
# the parse is not kept. Entries are keyed by the font's path, size and
# modification time (as the rendered-file cache is), reportlab's and Python's
# versions; each holds the SHA-256 of its data in front, so a damaged one is a miss.

_FONT_FORMAT = "reportlab-ttfont-2"
FONTS_KEPT = 8
"""Parsed fonts kept (the regular and bold face of four installations or versions)."""
_REBUILT = ("face", "encoding", "state")
_REBUILT_FACE = ("_ttf_data", "_pdfScale")
_ON_FIRST_USE = ("glyphToChar",)
"""Face attributes read back only when first used: reportlab uses the glyph-to-
characters map only to shape text (with uharfbuzz), and its 30,000 small lists
cost more to read back than the rest of the face."""


class _OnFirstUse:
    """A face attribute kept as marshal bytes and read back the first time it is used."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, face, owner=None):
        if face is None:
            return self
        import marshal

        value = marshal.loads(face.__dict__.pop(f"_kept_{self.name}"))
        face.__dict__[self.name] = value  # from now on an ordinary attribute
        return value


@functools.cache
def _kept_face() -> type:
    """reportlab's ``TTFontFace`` with the attributes of :data:`_ON_FIRST_USE` read on first use."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    return type("KeptTTFontFace", (TTFontFace,), {name: _OnFirstUse(name) for name in _ON_FIRST_USE})


def _font_entry(path: Path, stat) -> Path | None:
    import marshal
    import sys

    from reportlab import Version

    from briefing.user_cache import cache_folder

    key = hashlib.sha256(
        f"{_FONT_FORMAT}:{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:reportlab {Version}:"
        f"python {sys.version_info[:2]} marshal {marshal.version}".encode()
    ).hexdigest()
    return cache_folder() / "fonts" / f"{key}.parsed"


def _keep_font(path: Path, stat, font) -> None:
    """Keep ``font``'s parse (see above); nothing is kept when it holds values marshal does not take."""
    import marshal

    from reportlab.pdfbase.ttfonts import TTFNameBytes

    from briefing.writers import write_atomic

    entry = _font_entry(path, stat)
    if entry is None:
        return
    face = {k: v for k, v in font.face.__dict__.items() if k not in _REBUILT_FACE}
    names = sorted(k for k, v in face.items() if isinstance(v, TTFNameBytes))
    for name in names:
        face[name] = bytes(face[name])
    record = {
        "font": {k: v for k, v in font.__dict__.items() if k not in _REBUILT},
        "face": face,
        "names": names,
        "later": {},
    }
    try:
        for name in _ON_FIRST_USE:
            if name in face:
                record["later"][name] = marshal.dumps(face.pop(name))
        data = marshal.dumps(record)
    except ValueError as exc:
        log.debug("reportlab's parse of %s is not kept: %s", path.name, exc)
        return
    try:
        write_atomic(entry, hashlib.sha256(data).digest() + data)
        kept = sorted(entry.parent.glob("*.parsed"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[FONTS_KEPT:]:
            old.unlink(missing_ok=True)
    except (OSError, OutputError) as exc:
        log.debug("could not keep the parsed font in the cache: %s", exc)


def _cached_font(path: Path, stat):
    """The font as :func:`_keep_font` kept it, or ``None`` (none kept, or a damaged entry)."""
    import marshal
    import os
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont

    entry = _font_entry(path, stat)
    if entry is None:
        return None
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    try:
        if len(blob) < 32 or hashlib.sha256(blob[32:]).digest() != blob[:32]:
            raise ValueError("its checksum does not match")
        record = marshal.loads(blob[32:])
        face = _kept_face().__new__(_kept_face())
        face.__dict__.update(record["face"])
        for name, data in record["later"].items():
            face.__dict__[f"_kept_{name}"] = data
        for name in record["names"]:
            setattr(face, name, TTFNameBytes(getattr(face, name)))
        face._ttf_data = path.read_bytes()
        face.filename = str(path)
        if face.unitsPerEm == 1000:
            face._pdfScale = lambda x: x
        else:
            per_em = 1000 / face.unitsPerEm
            face._pdfScale = lambda x: x * per_em
        font = TTFont.__new__(TTFont)
        font.__dict__.update(record["font"])
        font.face, font.encoding, font.state = face, TTEncoding(), WeakKeyDictionary()
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError) as exc:
        log.debug("parsed font %s unusable (%s): parsing the font again", entry.name, exc)
        entry.unlink(missing_ok=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept by the pruning
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

    regular = _reportlab_font(fonts.regular, "regular", fonts.subset_cache)
    bold = _reportlab_font(fonts.bold, "bold", fonts.subset_cache)
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
    if "&" not in text and cmaps[face].keys() >= set(map(ord, text)):
        return text  # the face has every character: nothing to wrap (the loop below gives the same)
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
