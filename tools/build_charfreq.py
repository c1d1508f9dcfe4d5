"""Build briefing/data/char_freq.txt from jieba's dictionary.

The garble detector needs to know which Han characters are common. jieba's
dictionary is the word-frequency list the analysis already depends on; summing
the frequencies of the words each character occurs in gives a character
ranking. Run once when jieba's dictionary changes:

    python tools/build_charfreq.py
"""

import collections
import pathlib

import jieba

here = pathlib.Path(__file__).resolve().parent.parent
source = pathlib.Path(jieba.__file__).parent / "dict.txt"
freq: collections.Counter[str] = collections.Counter()
for line in source.read_text(encoding="utf-8").splitlines():
    word, count, *_ = line.split()
    for ch in word:
        if "\u3400" <= ch <= "\u9fff":
            freq[ch] += int(count)
ranked = sorted(freq, key=lambda c: (-freq[c], c))[:8000]
out = here / "briefing" / "data" / "char_freq.txt"
out.write_text(
    "# Han characters by frequency in jieba's dictionary, commonest first (tools/build_charfreq.py)\n"
    + "\n".join(ranked)
    + "\n",
    encoding="utf-8",
)
print(f"wrote {len(ranked)} characters to {out}")

# Dictionary words that hold a rare character (饕餮, 氯喹): real text, which the
# garble detector must not take for mojibake. Precomputed so that reading a
# document never has to load jieba's 5 MB dictionary.
rank = {ch: i for i, ch in enumerate(ranked)}
rare_words = []
for line in source.read_text(encoding="utf-8").splitlines():
    word = line.split(" ", 1)[0]
    if 2 <= len(word) <= 8 and any(rank.get(c, 99999) >= 3500 for c in word):
        rare_words.append(word)
rare_out = here / "briefing" / "data" / "rare_words.txt"
rare_out.write_text(
    "# jieba dictionary words holding a character outside the 3,500 commonest (tools/build_charfreq.py)\n"
    + "\n".join(sorted(set(rare_words)))
    + "\n",
    encoding="utf-8",
)
print(f"wrote {len(set(rare_words))} words to {rare_out}")
