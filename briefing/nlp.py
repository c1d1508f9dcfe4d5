"""Language processing shared by the stages.

Script conversion (OpenCC), language detection, sentence splitting for
Chinese and English, and tokenisation: jieba on the Simplified form with the
domain dictionary and gazetteer names, and for English a glossary that maps
terms onto the Chinese ones so that both languages feed the same counts.
jieba is loaded lazily, only when some text needs segmenting.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from briefing.resources import data_lines, data_yaml
from briefing.script import is_han
from briefing.user_cache import cache_folder

log = logging.getLogger(__name__)


# ----------------------------------------------------------------- sentences

_ZH_END = "。！？!?…"
_CLOSE = "”’」』）)》\"'"
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "no",
    "st", "jr", "sr", "u.s", "u.k", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept",
}  # fmt: skip


_BREAK_RE = re.compile("[" + re.escape(_ZH_END + ".；;") + "]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in a paragraph, for Chinese and English.

    Chinese sentences end at 。！？ (and "?"/"!" between Han characters), with
    closing quotes kept; English ones at . ! ? before a capital, a digit or a
    quote, except after common abbreviations. Very long Chinese sentences are
    also cut at ；.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        # Only these characters can end a sentence: jump to the next one (the
        # other characters moved on by one each, in Python).
        found = _BREAK_RE.search(text, i)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        end = None
        if ch in _ZH_END and _inside_short_quote(text, start, i):
            i += 1
            continue
        if ch in _ZH_END:
            j = i + 1
            while j < n and (text[j] in _ZH_END or text[j] in _CLOSE):
                j += 1
            nxt = text[j] if j < n else ""
            if ch in "!?" and not (is_han(text[i - 1] if i else "") or nxt in {"", " "} or is_han(nxt)):
                i += 1
                continue
            end = j
        elif ch == "." and i + 1 < n:
            j = i + 1
            while j < n and text[j] in _CLOSE:
                j += 1
            if j < n and text[j] == " ":
                k = j
                while k < n and text[k] == " ":
                    k += 1
                word = re.search(r"([A-Za-z.]+)$", text[start:i])
                nxt = text[k] if k < n else ""
                list_marker = text[start:i].strip().isdigit()  # "1. From the perspective…"
                if (
                    (nxt.isupper() or nxt.isdigit() or nxt in "“\"'(")
                    and not list_marker
                    and not (word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1))
                ):
                    end = j
        elif ch == "." and i + 1 == n:
            end = n
        elif ch in "；;" and i - start > 150:
            end = i + 1
        if end is not None:
            if text[start:end].strip():
                spans.append(_trim(text, start, end))
            start = end
            i = end
            continue
        i += 1
    if text[start:].strip():
        spans.append(_trim(text, start, n))
    return _attach_attributions(text, spans)


QUOTE_SPAN = 160
"""A quotation of several sentences closing within this many characters is
kept whole: cut inside, one half would open a quote and the other close it."""


def _inside_short_quote(text: str, start: int, i: int) -> bool:
    before = text[start:i]
    for opener, closer in ("“”", "「」", "『』"):
        if before.count(opener) > before.count(closer):
            ahead = text[i + 1 : i + 1 + QUOTE_SPAN]
            if closer in ahead and opener not in ahead[: ahead.index(closer)]:
                # the quote's own last sentence ends right before its closer
                return text[i + 1 : i + 2] != closer
    return False


_SPEECH_RE = re.compile(r"(?:说|表示|告诉|指出|认为|强调|称|透露|介绍|說|表示|認為|強調|said|says|told)")


def _attach_attributions(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep "…。”刘松告诉我们。" together: a short speech tag after a closing quote
    belongs to the quotation before it."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        if out and len(piece) <= 30 and text[out[-1][1] - 1] in '”」』"' and _SPEECH_RE.search(piece):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def balanced(text: str) -> bool:
    """Quotation marks and brackets in a sentence open and close in pairs."""
    if _BRACKETS.isdisjoint(text):
        return True
    return all(text.count(a) == text.count(b) for a, b in _PAIRS) and text.count('"') % 2 == 0


_PAIRS = ("“”", "「」", "『』", "（）", "()", "《》")
_BRACKETS = frozenset("".join(_PAIRS) + '"')


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


# --------------------------------------------------------------------- words


@functools.cache
def stopwords() -> frozenset[str]:
    """Function words (Chinese) and stop words (English): never counted."""
    words: set[str] = set()
    for name in ("stopwords_zh.txt", "stopwords_en.txt"):
        for line in data_lines(name):
            words.update(line.split())
    return frozenset(words)


@functools.cache
def generic_words() -> frozenset[str]:
    """Words too general to be a theme term on their own (发展, 问题, 行业, …)."""
    return frozenset(w for line in data_lines("generic_zh.txt") for w in line.split())


@functools.cache
def glossary() -> dict[str, str]:
    """English term (lower case) → Simplified Chinese term."""
    raw = data_yaml("glossary.yaml") or {}
    return {str(k).lower(): str(v) for k, v in raw.items()}


@functools.cache
def _glossary_terms() -> frozenset[str]:
    """The Chinese terms of the glossary."""
    return frozenset(v for v in glossary().values() if any(is_han(c) for c in v))


@functools.cache
def _glossary_re() -> re.Pattern[str]:
    phrases = sorted(glossary(), key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in phrases)
    # Every phrase starts with a letter: one test passes over a Chinese text's
    # characters instead of some 500 alternatives at each (about 100 times faster).
    first = "(?=[A-Za-z])" if all(p[:1].isascii() and p[:1].isalpha() for p in phrases) else ""
    return re.compile(rf"(?<![A-Za-z]){first}(?:{body})(?![A-Za-z])", re.IGNORECASE)


def _norm(phrase: str) -> str:
    return re.sub(r"[\s-]+", " ", phrase.lower())


@functools.cache
def _normalized_glossary() -> dict[str, str]:
    return {_norm(k): v for k, v in glossary().items()}


_EN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#.-]*[A-Za-z0-9+#]|[A-Za-z]")


def en_tokens(text: str) -> list[str]:
    """English text as tokens: glossary terms become their Chinese term, other
    words are lower-cased; stop words are dropped."""
    out: list[str] = []
    pos = 0
    stop = stopwords()
    for m in _glossary_re().finditer(text):
        out.extend(w.lower() for w in _EN_WORD_RE.findall(text[pos : m.start()]))
        out.append(_normalized_glossary()[_norm(m.group())])
        pos = m.end()
    out.extend(w.lower() for w in _EN_WORD_RE.findall(text[pos:]))
    return [w for w in out if w not in stop and (len(w) > 1 or is_han(w))]


@functools.cache
def domain_words() -> dict[str, str]:
    """Domain dictionary: word → POS tag (user additions included)."""
    words: dict[str, str] = {}
    for line in data_lines("dict.txt"):
        parts = line.rsplit(" ", 2)
        if len(parts) == 3 and parts[1].isdigit():
            words[parts[0]] = parts[2]
        else:
            words[line.split()[0]] = "nz"
    return words


class _Tags:
    """jieba's POS tags, read a first character at a time: each part (:class:`_Parts`)
    is one string of the lines ``word<TAB>tags`` of the words that begin with that
    character, their tags as the dictionary lists them (a word may be listed under
    several), those of :attr:`ORDER` first, in that order. A run tags a few
    thousand words: each is found in its part's string and remembered, where
    splitting every tag's word list into a set took 0.03-0.05 s."""

    ORDER = (
        "nt",
        "n",
        "nz",
        "vn",
        "an",
        "eng",
        "v",
        "a",
        "d",
        "p",
        "c",
        "u",
        "r",
        "m",
        "q",
        "f",
        "t",
        "nr",
        "ns",
        "nrt",
    )

    _ORDERED = frozenset(ORDER)

    def __init__(self, parts: _Parts) -> None:
        self.parts = parts
        self.lines: dict[str, str] = {}
        self.known: dict[str, tuple[str, ...]] = {}
        self.extra: dict[str, str] = {}

    def listed_under(self, word: str) -> tuple[str, ...]:
        """The tags the dictionary lists ``word`` under."""
        tags = self.known.get(word)
        if tags is None:
            char = word[:1]
            lines = self.lines.get(char)
            if lines is None:
                lines = self.lines[char] = self.parts.get(char) or "\n"
            at = lines.find(f"\n{word}\t")
            if at < 0:
                tags = ()
            else:
                start = at + len(word) + 2
                tags = tuple(t for t in lines[start : lines.index("\n", start)].split(" ") if t)
            self.known[word] = tags
        return tags

    def get(self, word: str, default: str = "x") -> str:
        if word in self.extra:
            return self.extra[word]
        listed = self.listed_under(word)
        return listed[0] if listed and listed[0] in self._ORDERED else default

    def __setitem__(self, word: str, tag: str) -> None:
        self.extra[word] = tag


def _jieba_tags(dict_path: Path) -> _Tags:
    """POS tags of jieba's dictionary, cached next to jieba's own cache, in parts."""
    path = cache_folder() / f"briefing-jieba-tags-v5-{_dictionary_key(dict_path)}.bin"
    parts = _Parts.read(path)
    if parts is not None:
        return _Tags(parts)
    listed: dict[str, list[str]] = {}
    for line in dict_path.read_text("utf-8").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] not in listed.setdefault(fields[0], []):
            listed[fields[0]].append(fields[2])
    order = {tag: i for i, tag in enumerate(_Tags.ORDER)}
    present = {tag for tags in listed.values() for tag in tags}
    # The empty word: listed under the tags the dictionary has no word for, as it was
    # when each tag's words were one string split into a set.
    grouped: dict[str, list[str]] = {"": ["\t" + " ".join(t for t in _Tags.ORDER if t not in present)]}
    for word, tags in listed.items():
        ranked = sorted(tags, key=lambda t: (order.get(t, len(order)), t))
        grouped.setdefault(word[:1], []).append(f"{word}\t{' '.join(ranked)}")
    lines = {char: "\n" + "\n".join(part) + "\n" for char, part in grouped.items()}
    return _Tags(_Parts.write(path, 0, lines))


def import_jieba():
    """The ``jieba`` module, imported without ``pkg_resources``.

    jieba 0.42 imports ``pkg_resources`` only to open its own dictionary file,
    and falls back to a plain ``open`` beside its ``__file__`` when that import
    fails. Importing ``pkg_resources`` scans every installed distribution (about
    0.2 s, a fifth of jieba's whole start-up, and a deprecation warning on new
    setuptools); a dictionary loaded from the marshal cache never opens the
    file at all. So the import is made to fail for jieba's import alone: a
    ``None`` entry in ``sys.modules`` raises ImportError, and the entry is
    taken out again at once. Nothing changes when ``pkg_resources`` is already
    imported (jieba then uses it) or jieba already is.
    """
    import sys

    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    block = "pkg_resources" not in sys.modules
    if block:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if block and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


class _Jieba:
    """One jieba tokenizer with the domain dictionary, built on first use.

    jieba's prefix dictionary (500,000 words and prefixes, a third of a second
    to load whole) is loaded a piece at a time (:class:`_Pieces`): the entry
    of a character, once a text to cut holds that character, and the entries
    that begin with two characters, once a text holds them in a row. jieba
    looks up only pieces of the text it cuts, so the words are those of the
    whole dictionary; the seeds need 5% of it. :meth:`load_whole` loads the
    rest: before workers are forked (they share it), and once a process has
    cut more than :data:`PIECEMEAL_CHARS` characters."""

    def __init__(self) -> None:
        jieba = import_jieba()
        jieba.setLogLevel(logging.WARNING)
        self.tk = jieba.Tokenizer()
        # Loaded from the marshal cache (half a second) instead of parsed (a second and a half).
        self.tk.tmp_dir = str(cache_folder())
        self.tk.cache_file = f"jieba-{jieba.__version__}.cache"
        self.pieces = _Pieces.open(self.tk, jieba.__version__)
        self.whole = self.pieces is None
        self.loaded: set[str] = set()
        self.cut = 0
        """Characters asked for so far (:meth:`need`)."""
        self.added: dict[str, list[tuple[str, int]]] = {}
        """Our words by piece (first two characters), in the order added: entered as it is loaded."""
        if self.pieces is None:
            self.tk.initialize()
        else:
            self.tk.FREQ, self.tk.total, self.tk.initialized = {}, self.pieces.total, True
        for word, tag in domain_words().items():
            if " " not in word:
                self._add(word, 30000, tag)
        from briefing.gazetteer import gazetteer

        for alias in gazetteer().zh_aliases():
            if " " not in alias:
                self._add(alias, 30000, "nt")
        for word in _variant_phrases():
            self._add(word, 30000, _VARIANT_TAG)
        self.tags = _tags()

    def _add(self, word: str, freq: int, tag: str) -> None:
        """``Tokenizer.add_word``; the entries made when the word's piece is loaded."""
        if self.whole:
            self.tk.add_word(word, freq, tag)
            return
        self.tk.total += freq
        self.tk.user_word_tag_tab[word] = tag
        self.added.setdefault(word[:2], []).append((word, freq))
        if word[:2] in self.loaded:
            _enter(self.tk.FREQ, word, freq)

    def need(self, text: str) -> None:
        """The pieces for every character of ``text`` and every two in a row loaded."""
        if self.whole:
            return
        self.cut += len(text)
        if self.cut > PIECEMEAL_CHARS:
            self.load_whole()
            return
        keys = set(text)
        keys.update(map(str.__add__, text, text[1:]))
        new = keys.difference(self.loaded)
        if new:
            self._load(new)

    def load_whole(self) -> None:
        if self.pieces is not None and not self.whole:
            freq = self.tk.FREQ
            for char in self.pieces.index:
                freq.update(self.pieces.whole(char))
            for words in self.added.values():  # over the dictionary's entries, as add_word does
                for word, count in words:
                    _enter(freq, word, count)
            self.whole = True

    def _load(self, keys: set[str]) -> None:
        assert self.pieces is not None
        freq, added, get = self.tk.FREQ, self.added, self.pieces.get
        for key in keys:
            piece = get(key)
            if piece is not None:
                freq.update(piece)
            for word, count in added.get(key, ()):
                _enter(freq, word, count)
        self.loaded |= keys


PIECEMEAL_CHARS = 1_000_000
"""Characters cut piece by piece before the whole dictionary is loaded instead: finding
the pieces of a text costs about as much as loading its parts would over a few megabytes."""


def _enter(freq: dict[str, int], word: str, count: int) -> None:
    """What ``Tokenizer.add_word`` enters in the prefix dictionary for a word."""
    freq[word] = count
    for end in range(1, len(word) + 1):
        freq.setdefault(word[:end], 0)


class _Parts:
    """Data cut by first character (jieba's tags), in the user cache: one file holding
    a total and an index of the parts, then each part marshalled on its own."""

    def __init__(self, data: bytes, start: int, total: int, index: dict[str, tuple[int, int]]) -> None:
        self.data = memoryview(data)
        self.start = start
        self.total = total
        self.index = index

    def get(self, char: str) -> Any:
        import marshal

        at = self.index.get(char)
        return None if at is None else marshal.loads(self.data[self.start + at[0] : self.start + at[1]])

    @classmethod
    def read(cls, path: Path) -> _Parts | None:
        """The parts kept in ``path``; None when it cannot be read."""
        import marshal

        try:
            data = path.read_bytes()
            size = int.from_bytes(data[:8], "little")
            total, index = marshal.loads(data[8 : 8 + size])
            return cls(data, 8 + size, total, index)
        except (OSError, EOFError, ValueError, TypeError):
            return None

    @classmethod
    def write(cls, path: Path, total: int, grouped: dict[str, Any]) -> _Parts:
        """Parts made of ``grouped`` (first character → its part), kept in ``path`` when it
        can be written (atomically: several runs may make it at once)."""
        import marshal

        blobs, index, at = [], {}, 0
        for char, part in grouped.items():
            blobs.append(marshal.dumps(part))
            index[char] = (at, at + len(blobs[-1]))
            at += len(blobs[-1])
        head = marshal.dumps((total, index))
        data = len(head).to_bytes(8, "little") + head + b"".join(blobs)
        _keep(path, data)
        return cls(data, 8 + len(head), total, index)


class _Pieces:
    """jieba's prefix dictionary in pieces, in the user cache: one file (keyed by jieba's
    version and its dictionary's content) holding the total and, per first character,
    where its pieces are: the entry of the character itself, then those beginning with
    it and each second character (a table of that character: the second characters
    and the pieces' offsets), each piece marshalled on its own; and all of the
    character's entries in one, to load the whole. Mapped, not read: a run reads
    the pages of the pieces it loads."""

    def __init__(self, data: Any, start: int, total: int, index: dict[str, tuple[int, int, int]]) -> None:
        self.data = memoryview(data)
        self.start = start
        self.total = total
        self.index = index
        """First character → where its table starts, where its entries start and end."""
        self.tables: dict[str, tuple[str, Any]] = {}

    def _table(self, char: str) -> tuple[str, Any] | None:
        import array
        import marshal

        table = self.tables.get(char)
        if table is None:
            at = self.index.get(char)
            if at is None:
                return None
            seconds, raw = marshal.loads(self.data[self.start + at[0] : self.start + at[1]])
            table = self.tables[char] = (seconds, array.array("Q", raw))
        return table

    def get(self, key: str) -> dict[str, int] | None:
        """The entry of the character ``key``, or the entries beginning with the two ``key``."""
        import marshal

        table = self._table(key[0])
        if table is None:
            return None
        seconds, offsets = table
        slot = 0 if len(key) == 1 else seconds.find(key[1]) + 1
        if slot == 0 and len(key) > 1:
            return None
        start, end = offsets[slot], offsets[slot + 1]
        return marshal.loads(self.data[self.start + start : self.start + end]) if end > start else None

    def whole(self, char: str) -> dict[str, int]:
        """Every entry beginning with ``char``."""
        import marshal

        at = self.index[char]
        return marshal.loads(self.data[self.start + at[1] : self.start + at[2]])

    @classmethod
    def open(cls, tk, version: str) -> _Pieces | None:
        """The pieces of ``tk``'s dictionary, made from the whole (jieba's own cache) the
        first time; None where its file can be neither read nor made (jieba then loads it whole)."""
        import array
        import marshal
        import mmap

        key = _dictionary_key(_dictionary_path())
        if key is None:
            return None
        path = cache_folder() / f"briefing-jieba-pieces-v2-{version}-{key}.bin"
        try:
            with path.open("rb") as handle:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            size = int.from_bytes(data[:8], "little")
            total, index = marshal.loads(data[8 : 8 + size])
            if 8 + size + max(at[2] for at in index.values()) == len(data):  # not cut short
                return cls(data, 8 + size, total, index)
        except (OSError, EOFError, ValueError, TypeError):
            pass
        tk.initialize()  # once per dictionary: loaded whole, then cut in pieces
        grouped: dict[str, dict[str, dict[str, int]]] = {}
        for word, count in tk.FREQ.items():
            grouped.setdefault(word[0], {}).setdefault(word[1:2], {})[word] = count
        blobs: list[bytes] = []
        index: dict[str, tuple[int, int, int]] = {}
        at = 0
        for char, by_second in grouped.items():
            seconds = "".join(second for second in by_second if second)
            offsets = array.array("Q", [at])
            for second in ("", *seconds):
                if second in by_second:
                    blobs.append(marshal.dumps(by_second[second]))
                    at += len(blobs[-1])
                offsets.append(at)
            table = marshal.dumps((seconds, offsets.tobytes()))
            entries = marshal.dumps({w: c for part in by_second.values() for w, c in part.items()})
            blobs += [table, entries]
            index[char] = (at, at + len(table), at + len(table) + len(entries))
            at += len(table) + len(entries)
        head = marshal.dumps((tk.total, index))
        data = len(head).to_bytes(8, "little") + head + b"".join(blobs)
        tk.FREQ, tk.initialized = {}, False  # entered again piece by piece, as with the file
        _keep(path, data)
        return cls(data, 8 + len(head), tk.total, index)


def _keep(path: Path, data: bytes) -> None:
    """``data`` written to ``path`` whole or not at all (several runs may make it at once);
    a cache that cannot be written only costs time."""
    import os
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".briefing-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("cannot keep %s: %s", path.name, exc)


def _dictionary_path() -> Path:
    """jieba's dictionary file, found without importing jieba."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None, "jieba is a dependency"
    return Path(spec.origin).parent / "dict.txt"


@functools.cache
def _dictionary_key(path: Path) -> str | None:
    """Size and CRC of the dictionary: by content, not modification time, so that every
    installation of one jieba (each virtual environment) shares one cached file."""
    import zlib

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return f"{len(raw)}-{zlib.crc32(raw):08x}"


@functools.cache
def _jieba() -> _Jieba:
    log.debug("loading jieba and the domain dictionary")
    return _Jieba()


@functools.cache
def _tags() -> _Tags:
    """The POS tags of jieba's dictionary, the domain dictionary and the gazetteer.

    Read from jieba's dictionary file without importing or initialising jieba:
    the aggregate steps of a warm run tag a few words and must not pay for
    loading the segmenter."""
    tags = _jieba_tags(_dictionary_path())
    for word, tag in domain_words().items():
        if " " not in word:
            tags[word] = tag
    from briefing.gazetteer import gazetteer

    for alias in gazetteer().zh_aliases():
        if " " not in alias:
            tags[alias] = "nt"
    for word in _variant_phrases():
        if tags.get(word) == "x":  # a word jieba tags keeps its tag (供大于求)
            tags[word] = _VARIANT_TAG
    return tags


_VARIANT_TAG = "l"
"""A phrase kept whole for what it argues, no term of its own (not a noun)."""


@functools.cache
def _variant_phrases() -> tuple[str, ...]:
    """The Chinese phrases of concept_variants.yaml (供给过剩, 压减粗钢产量): kept whole by
    the segmenter so that a sentence writing one counts for the term it argues; tagged
    as no noun, so none is a theme term of its own."""
    raw = data_yaml("concept_variants.yaml") or {}
    words = {str(w) for ws in raw.values() if isinstance(ws, list) for w in ws}
    return tuple(sorted(w for w in words if len(w) >= 3 and all(is_han(c) for c in w)))


def zh_cut(text: str) -> list[str]:
    """jieba segmentation of Simplified text (with the domain dictionary).

    The words are jieba's own; what an analysis keeps of them goes through
    its token memo (one object per word however often a document repeats it)."""
    segmenter = _jieba()
    segmenter.need(text)
    return segmenter.tk.lcut(text, HMM=True)


def load_whole_dictionary() -> None:
    """jieba with the whole of its dictionary loaded, as a run over many documents needs."""
    _jieba().load_whole()


def pos_tag(word: str) -> str:
    """The POS tag the dictionaries give a word (``x`` when unknown)."""
    return _tags().get(word, "x")


# Nouns and verbal nouns; names of people and places (nr, ns) are not themes.
# Organisations (nt) are company cases, not themes.
_NOUNISH = {"n", "nz", "vn", "an", "eng", "x"}
_BAD_TERM_RE = re.compile(r"^(?:\d+(?:\.\d+)?%?|[a-z]{1,2}|https?|www|com|cn|html?|nbsp|span|div)$", re.I)


@functools.lru_cache(maxsize=65536)
def is_term(word: str) -> bool:
    """A word that may count as a theme or evidence term: not a function word,
    number, URL piece, markup piece or pinyin fragment, at least two characters."""
    if len(word) < 2 or word in stopwords():
        return False
    if _BAD_TERM_RE.match(word) and not (word.isupper() and word in domain_words()):
        return False  # a two-letter word the domain dictionary lists in capitals (IP) is one
    if any(c in word for c in "/:@<>=&"):
        return False
    if word.isascii():
        return (word.isalpha() and len(word) >= 3) or word in domain_words()
    return all(is_han(c) or c.isalnum() or c == "+" for c in word)


UNKNOWN_RARITY = 14.0
"""The rarity of a word jieba's dictionary does not hold."""


@functools.cache
def _function_chars() -> frozenset[str]:
    return frozenset(c for line in data_lines("function_chars.txt") for c in line.split() if len(c) == 1)


@functools.lru_cache(maxsize=65536)
def is_coined_term(word: str) -> bool:
    """A word jieba's dictionary does not know that may still be a term: two to
    four Han characters, none of grammar (function_chars.txt), not generic. Such
    a word is a theme term where its document repeats it (版号, 买量: an
    industry's own words), not where it occurs once (an HMM guess)."""
    return (
        2 <= len(word) <= 4
        and all(is_han(c) for c in word)
        and pos_tag(word) == "x"
        and rarity(word) >= UNKNOWN_RARITY  # not in jieba's dictionary under another tag (海外, 国内)
        and word not in generic_words()
        and word not in stopwords()
        and not any(c in _function_chars() for c in word)
    )


@functools.lru_cache(maxsize=65536)
def is_theme_term(word: str, *, english: bool = False) -> bool:
    """A term fit to name part of a theme: a Chinese noun-like word, not generic. In
    an ``english`` sentence, also any term the glossary maps a phrase onto
    (overcapacity → 产能过剩, default → 违约): the glossary names concepts, where
    jieba's tags of a Chinese text's words say nothing about an English one."""
    if not is_term(word) or word in generic_words():
        return False
    if english and word in _glossary_terms():
        return True
    if word.isascii():
        return word in domain_words()
    if not any(is_han(c) for c in word):
        return False
    if word in domain_words():
        return True
    # Words no dictionary knows are jieba's HMM guesses ("以新", "更多地"): not terms.
    return pos_tag(word) in _NOUNISH - {"x"}


def is_abbreviation(word: str) -> bool:
    """A word jieba's dictionary lists as an abbreviation (tag ``j``: 光伏, 医保, 央企):
    a noun of its own that :func:`pos_tag` does not tag (it reads as unknown)."""
    return len(word) >= 2 and "j" in _tags().listed_under(word)


def rarity(word: str) -> float:
    """How rare a word is in general Chinese: log(total / frequency) in jieba's
    dictionary (unknown words, mostly names and domain terms, count as rare)."""
    import math

    segmenter = _jieba()
    segmenter.need(word)
    tk = segmenter.tk
    freq = tk.FREQ.get(word) or 0
    return round(math.log(tk.total / freq), 3) if freq > 0 else UNKNOWN_RARITY


def rarities(words: tuple[str, ...]) -> dict[str, float]:
    """:func:`rarity` of each of a fixed list of words (a data file's), kept in the
    user's cache folder: a step that needs only these must not pay for loading
    jieba (about a second). Keyed by the words, jieba's dictionary and the data
    files in effect (the domain dictionary and the gazetteer add words to it)."""
    import hashlib
    import importlib.util
    import json
    import os
    import tempfile

    from briefing.resources import data_fingerprint

    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.origin is not None, "jieba is a dependency"
    digest = hashlib.sha256((Path(spec.origin).parent / "dict.txt").read_bytes())
    digest.update(data_fingerprint().encode() + b"\0" + "\n".join(words).encode())
    cache = cache_folder() / f"briefing-rarity-v1-{digest.hexdigest()[:24]}.json"
    try:
        kept = json.loads(cache.read_text("utf-8"))
        if isinstance(kept, dict) and set(kept) == set(words):
            return {w: float(v) for w, v in kept.items()}
    except (OSError, ValueError):
        pass
    values = {w: rarity(w) for w in words}
    try:
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".briefing-rarity-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(values, handle, ensure_ascii=False)
        os.replace(tmp, cache)
    except OSError as exc:
        log.debug("cannot cache rarities: %s", exc)
    return values


def word_heads(vocabulary: set[str] | frozenset[str]) -> frozenset[str]:
    """The first two characters of each word of two or more (see :func:`vocabulary_terms`)."""
    return frozenset(w[:2] for w in vocabulary if len(w) >= 2)


def vocabulary_terms(
    text: str,
    vocabulary: set[str] | frozenset[str],
    longest: int = 8,
    heads: AbstractSet[str] | None = None,
) -> list[str]:
    """Words of a known vocabulary found in a short text, longest match first,
    English words through the glossary. Segmenting without jieba is enough
    here: only words the corpus already uses can matter.

    ``heads``, the vocabulary's first two characters (:func:`word_heads`), lets a
    caller that reads many texts with one vocabulary pass over the places no word
    of it starts at with one test instead of one per length."""
    out: list[str] = []
    gloss = _normalized_glossary()
    for m in _glossary_re().finditer(text):
        out.append(gloss[_norm(m.group())])
    i = 0
    while i < len(text):
        if heads is not None and text[i : i + 2] not in heads:
            i += 1  # no word of two characters or more starts here
            continue
        for n in range(min(longest, len(text) - i), 1, -1):
            piece = text[i : i + n]
            if piece in vocabulary:
                out.append(piece)
                i += n
                break
        else:
            i += 1
    return list(dict.fromkeys(out))
