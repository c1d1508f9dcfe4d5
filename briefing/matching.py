"""Many words searched at once: one Aho-Corasick automaton per word list.

A test such as ``any(w in text for w in words)`` costs one scan of ``text``
per word; a list of hundreds of words scanned for every sentence of every
document adds up to a large share of an analysis. An automaton
(pyahocorasick) finds every occurrence of every word in one pass over the
text, whatever the number of words. The answers are the same as the loops'
(tests compare them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick


class WordSet:
    """A fixed set of words to look for inside texts."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(w for w in words if w))
        self._automaton: ahocorasick.Automaton | None = None
        if self.words:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            for word in self.words:
                automaton.add_word(word)
            automaton.make_automaton()
            self._automaton = automaton

    def __bool__(self) -> bool:
        return bool(self.words)

    def any_in(self, text: str) -> bool:
        """Some word occurs in ``text`` (``any(w in text for w in words)``)."""
        if self._automaton is None or not text:
            return False
        for _ in self._automaton.iter(text):
            return True
        return False

    def found_in(self, text: str) -> set[str]:
        """The words that occur in ``text`` (``{w for w in words if w in text}``)."""
        if self._automaton is None or not text:
            return set()
        return {text[end - length + 1 : end + 1] for end, length in self._automaton.iter(text)}

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Every occurrence ``(start, end)`` of every word, overlapping ones included,
        in the order of their ends (then longest first)."""
        if self._automaton is None or not text:
            return
        for end, length in self._automaton.iter(text):
            yield end + 1 - length, end + 1
