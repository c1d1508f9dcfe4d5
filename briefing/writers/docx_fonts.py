"""Font embedding for the DOCX writer: subsets of both faces stored in the package.

Word and LibreOffice then show the document in the right font without it
being installed (ECMA-376 Part 1 §17.8.1). Each document's subsets carry a
family name of their own (the font's name and a hash of the characters they
hold), and the document's text asks for that name: an application that has
opened one briefing keeps its embedded fonts registered, and a second
briefing whose subset bore the same name would be drawn with the first one's
glyphs (LibreOffice converting two documents in one session showed boxes).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from briefing.errors import FontError, OutputError
from briefing.fonts import FontSet

log = logging.getLogger(__name__)

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
    ASCII, renamed to :func:`subset_family` (the document's runs and styles
    that name ``fonts.name`` are renamed with it; ``fonts.name`` stays as the
    font table's alternative name), obfuscated with a key derived from its
    bytes, stored as ``word/fonts/fontN.odttf`` and referenced from
    ``word/fontTable.xml``; ``word/settings.xml`` gains
    ``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts``. Word and LibreOffice
    then show the document in the right font without it being installed.
    The result depends only on the inputs: same bytes for the same document.
    """
    chars = {ord(ch) for ch in used_text if not ch.isspace()} | set(range(0x20, 0x7F))
    family = subset_family(fonts, chars)
    faces = {"Regular": _subset_font(fonts.regular, chars, fonts.subset_cache, family)}
    if fonts.bold != fonts.regular:
        faces["Bold"] = _subset_font(fonts.bold, chars, fonts.subset_cache, family)

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

    for name, data in list(parts.items()):
        if _NAMES_FONTS.match(name):
            parts[name] = _rename_font(data, fonts.name, family)
    parts[font_table] = _serialise(_add_font_entry(_xml(parts[font_table]), family, embeds, fonts.name))
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


_NAMES_FONTS = re.compile(
    r"word/(document|styles|numbering|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$"
)
"""The parts whose ``w:rFonts`` name the font."""
_FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def subset_family(fonts: FontSet, chars: set[int]) -> str:
    """The family name of a document's embedded subsets: the font's own name and a
    hash of the characters kept (and of the faces), so two briefings' subsets never
    share a name unless they hold the same glyphs."""
    digest = hashlib.sha256(fonts.name.encode())
    for path in (fonts.regular, fonts.bold):
        with contextlib.suppress(OSError):
            digest.update(f"{path.name}:{path.stat().st_size}".encode())
    digest.update(",".join(map(str, sorted(chars))).encode())
    return f"{fonts.name} {digest.hexdigest()[:8].upper()}"


def _rename_font(data: bytes, old: str, new: str) -> bytes:
    """``data`` (a WordprocessingML part) with every ``w:rFonts`` slot that names
    ``old`` naming ``new``; the bytes unchanged when none does."""
    if old.encode("utf-8") not in data:
        return data
    root = _xml(data)
    changed = False
    for element in root.iter(f"{{{_W}}}rFonts"):
        for slot in _FONT_SLOTS:
            if element.get(f"{{{_W}}}{slot}") == old:
                element.set(f"{{{_W}}}{slot}", new)
                changed = True
    return _serialise(root) if changed else data


SUBSETS_KEPT = 16
"""Font subsets kept in the state folder's cache (``cache/fonts``), most recently used first."""


def _subset_font(path: Path, chars: set[int], use_cache: bool = True, family: str | None = None) -> bytes:
    """A subset of ``path`` holding ``chars``, named ``family`` when given: from the
    state folder's cache when the same font was cut to the same characters before
    (a re-rendered week with the same text), else made and kept there."""
    import fontTools

    if not use_cache:
        return _make_subset(path, chars, family)
    info = path.stat()
    digest = hashlib.sha256(
        f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}:fontTools {fontTools.version}:v2:{family}".encode()
    )
    digest.update(",".join(map(str, sorted(chars))).encode())
    cached = _subset_cache(digest.hexdigest())
    if cached is not None and (data := cached.load()) is not None:
        return data
    data = _make_subset(path, chars, family)
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
        from briefing.writers import write_atomic

        try:
            write_atomic(self.path, hashlib.sha256(data).digest() + data)
            kept = sorted(self.path.parent.glob("*.ttf"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[SUBSETS_KEPT:]:
                old.unlink(missing_ok=True)
        except (OSError, OutputError) as exc:
            log.debug("could not keep the font subset in the cache: %s", exc)


def _subset_cache(key: str) -> _CachedSubset | None:
    from briefing.state import ensure_home

    try:
        return _CachedSubset(ensure_home() / "cache" / "fonts" / f"{key}.ttf")
    except OutputError:
        return None  # the cache only saves time


# Faces read ahead (:func:`read_ahead`), by path, size and modification time:
# each is subset once (subsetting changes it), so a face used twice is read twice.
_read_ahead: dict[tuple[Path, int, int], list] = {}


def read_ahead(path: Path) -> None:
    """Read the face at ``path`` and all its tables now, for :func:`_make_subset`.

    Reading a face's tables is most of a subset's cost (about two thirds); a
    process with time to spare before the document is known (the writers'
    process, while the sources are analysed) reads them ahead, and the subset
    is then cut from the tables already read: the same bytes as reading them
    on demand (``tests/test_writers_ahead.py``). Each face read ahead serves
    one subset. A face that cannot be read is left to :func:`_make_subset`,
    which reports it.
    """
    from fontTools.ttLib import TTFont

    try:
        info = path.stat()
        font = TTFont(path, fontNumber=0, recalcTimestamp=False, recalcBBoxes=False)
        for tag in font.keys():  # noqa: SIM118 - a TTFont is not iterable
            font[tag]
    except Exception as exc:  # fontTools raises assorted errors for bad files
        log.debug("font %s not read ahead: %s", path, exc)
        return
    _read_ahead.setdefault((path, info.st_mtime_ns, info.st_size), []).append(font)


def _opened(path: Path):
    """The face at ``path``: read ahead if it was (and unchanged since), else opened now."""
    from fontTools.ttLib import TTFont

    with contextlib.suppress(OSError):
        info = path.stat()
        ready = _read_ahead.get((path, info.st_mtime_ns, info.st_size))
        if ready:
            return ready.pop()
    return TTFont(path, fontNumber=0, recalcTimestamp=False, recalcBBoxes=False)


def _make_subset(path: Path, chars: set[int], family: str | None = None) -> bytes:
    from fontTools import subset

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
        with _opened(path) as font:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=chars)
            subsetter.subset(font)
            if family is not None:
                _set_family(font, family)
            buffer = io.BytesIO()
            font.save(buffer)
    except Exception as exc:  # fontTools raises assorted errors for bad files
        raise FontError(f"font {path}: cannot subset it for the DOCX ({exc})") from exc
    return buffer.getvalue()


def _set_family(font, family: str) -> None:
    """Name ``font`` ``family`` in every record a font manager matches on (family,
    typographic and WWS family, full, unique and PostScript names, all languages),
    keeping its style: the subset must not answer to the real font's name."""
    table = font["name"]
    style = table.getDebugName(2) or "Regular"
    postscript = "".join(ch for ch in family if ch.isascii() and ch.isalnum()) or "BriefingFont"
    values = {
        1: family,
        2: style,
        3: f"{family} {style}",
        4: family if style == "Regular" else f"{family} {style}",
        6: f"{postscript}-{''.join(ch for ch in style if ch.isalnum())}"[:63],
        16: family,
        17: style,
    }
    # WWS names (21, 22) would keep the real family: dropped, as the other records are.
    table.names = [record for record in table.names if record.nameID not in {*values, 21, 22}]
    for name_id, value in values.items():
        table.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, English (US)


def _obfuscate(data: bytes, font_key: str) -> bytes:
    """XOR the first 32 bytes with the GUID's bytes in reverse order (§17.8.1)."""
    key = bytes.fromhex(font_key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def _xml(data: bytes):
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _sub(parent, tag: str):
    return etree.SubElement(parent, tag)


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
    new = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, "r": _R})
    new.text = root.text
    new.extend(list(root))
    return new


def _add_font_entry(
    root, family: str, embeds: Iterable[tuple[str, str, str]], alternative: str | None = None
):
    root = _with_r_namespace(root)
    w = f"{{{_W}}}"
    font = next((f for f in root.findall(f"{w}font") if f.get(f"{w}name") == family), None)
    if font is None:
        font = _sub(root, f"{w}font")
        font.set(f"{w}name", family)
        if alternative and alternative != family:
            # The installed font of that name, for an application that ignores embedded fonts.
            _sub(font, f"{w}altName").set(f"{w}val", alternative)
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
    root.insert(position, etree.Element(f"{w}embedTrueTypeFonts"))
    position += 1
    if position < len(root) and local(root[position]) == "embedSystemFonts":
        position += 1
    root.insert(position, etree.Element(f"{w}saveSubsetFonts"))
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
