"""Table-driven tests for every rule in briefing/cleaning.py.

The tables live in tests/fixtures/cleaning/*.yaml; each holds cases where a
rule must act and cases where it must not.
"""

from __future__ import annotations

import difflib
import random
import re
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, case_ids, load_cases

from briefing import cleaning
from briefing.cleaning import Block
from briefing.script import is_han

TEXT_RULES = [
    "normalize_spaces",
    "normalize_width",
    "strip_data_uris",
    "strip_html_remnants",
    "strip_shortcodes",
    "strip_pinyin_annotations",
    "collapse_lost_spaces",
    "strip_markdown_remnants",
    "strip_trailing_urls",
    "collapse_whitespace",
]


def _text_cases() -> list[Any]:
    params = []
    for rule in TEXT_RULES:
        for case in load_cases(rule):
            params.append(pytest.param(rule, case, id=f"{rule}:{case['id']}"))
    return params


def test_every_text_rule_has_a_table() -> None:
    assert [r.__name__ for r in cleaning.TEXT_RULES] == TEXT_RULES
    for rule in TEXT_RULES:
        cases = load_cases(rule)
        assert any(c["input"] != c["expected"] for c in cases), f"{rule}: no case where it acts"
        assert any(c["input"] == c["expected"] for c in cases), f"{rule}: no case where it must not act"


@pytest.mark.parametrize(("rule", "case"), _text_cases())
def test_text_rule(rule: str, case: dict[str, Any]) -> None:
    text, count = getattr(cleaning, rule)(case["input"])
    assert text == case["expected"]
    if "count" in case:
        assert count == case["count"]
    if case["input"] == case["expected"]:
        assert count == 0


@pytest.mark.parametrize("rule", TEXT_RULES)
def test_text_rules_are_idempotent(rule: str) -> None:
    fn = getattr(cleaning, rule)
    for case in load_cases(rule):
        once, _ = fn(case["input"])
        twice, count = fn(once)
        assert twice == once, case["id"]
        assert count == 0, case["id"]


# ------------------------------------------------------------------ block rules


def _blocks(items: list[Any]) -> list[Block]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Block("para", item))
        else:
            out.append(
                Block(item["kind"], item["text"], level=item.get("level", 0), marker=item.get("marker", ""))
            )
    return out


@pytest.mark.parametrize("case", load_cases("source_hints"), ids=case_ids(load_cases("source_hints")))
def test_source_hints(case: dict[str, Any]) -> None:
    hints = cleaning.source_hints(case["input"])
    assert (hints.url, hints.site) == (case["url"], case["site"])


_BOILERPLATE = yaml.safe_load((FIXTURES / "cleaning" / "remove_boilerplate.yaml").read_text("utf-8"))
_ARTICLE: list[str] = _BOILERPLATE["article"]


def _place(case: dict[str, Any], lines: list[str]) -> list[str]:
    position = case["position"]
    if position == "after":
        return [*_ARTICLE, *lines]
    if position == "before":
        return [*lines, *_ARTICLE]
    if position == "middle":
        return [*_ARTICLE[:4], *lines, *_ARTICLE[4:]]
    assert position == "alone", position
    return list(lines)


def test_boilerplate_article_is_clean() -> None:
    kept, count, hints = cleaning.remove_boilerplate(_blocks(_ARTICLE))
    assert [b.text for b in kept] == _ARTICLE
    assert count == 0
    assert hints.url is None and hints.site is None


@pytest.mark.parametrize("case", _BOILERPLATE["cases"], ids=case_ids(_BOILERPLATE["cases"]))
def test_remove_boilerplate(case: dict[str, Any]) -> None:
    kept, count, hints = cleaning.remove_boilerplate(_blocks(_place(case, case["input"])))
    assert [b.text for b in kept] == _place(case, case["expected"])
    assert count == case["count"]
    assert hints.url == case.get("url")
    assert hints.site == case.get("site")


def test_remove_boilerplate_leaves_code_blocks() -> None:
    blocks = [*_blocks(_ARTICLE), Block("code", "# copyright 2024 example\nprint('ICP备')")]
    kept, count, _ = cleaning.remove_boilerplate(blocks)
    assert count == 0
    assert kept[-1].kind == "code"


_REJOIN = load_cases("rejoin_broken_lines")


@pytest.mark.parametrize("case", _REJOIN, ids=case_ids(_REJOIN))
def test_rejoin_broken_lines(case: dict[str, Any]) -> None:
    out, count = cleaning.rejoin_broken_lines(_blocks(case["input"]))
    assert [b.text for b in out] == case["expected"]
    assert count == case["count"]
    # Joining never loses or adds characters other than one space between Latin words.
    joined_in = "".join(b if isinstance(b, str) else b["text"] for b in case["input"])
    assert "".join(b.text for b in out).replace(" ", "") == joined_in.replace(" ", "")


def test_rejoin_keeps_kinds_of_untouched_blocks() -> None:
    blocks = [Block("heading", "储能", level=2), Block("item", "价格下降", level=1, marker="-")]
    out, count = cleaning.rejoin_broken_lines(blocks)
    assert out == blocks
    assert count == 0


# --------------------------------------------------------------------- garbled

_GARBLED = yaml.safe_load((FIXTURES / "cleaning" / "find_garbled.yaml").read_text("utf-8"))


def _damage(source: str, how: str, at: int | None = None) -> str:
    if how == "gbk_drop_byte":
        raw = source.encode("gbk")
        assert at is not None and 0 <= at < len(raw)
        return (raw[:at] + raw[at + 1 :]).decode("gbk", errors="replace")
    if how == "utf8_as_gbk":
        return source.encode("utf-8").decode("gbk", errors="replace")
    if how == "gbk_as_big5":
        return source.encode("gbk").decode("big5", errors="replace")
    if how == "big5_as_gbk":
        return source.encode("big5").decode("gbk", errors="replace")
    raise AssertionError(how)


def _damaged_region(source: str, damaged: str) -> tuple[int, int]:
    """Offsets in ``damaged`` from the first to the last character that differs from ``source``."""
    ops = difflib.SequenceMatcher(None, source, damaged, autojunk=False).get_opcodes()
    changed = [(j1, j2) for tag, _, _, j1, j2 in ops if tag != "equal"]
    assert changed, "the damage changed nothing"
    first = min(c[0] for c in changed)
    return first, max(first + 1, *(c[1] for c in changed))


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^。！？!?]+[。！？!?]*", text)]


def _assert_spans_well_formed(text: str, spans: list[tuple[int, int]]) -> None:
    assert spans == sorted(spans)
    for i, (start, end) in enumerate(spans):
        assert 0 <= start < end <= len(text)
        if i + 1 < len(spans):
            assert end <= spans[i + 1][0], "spans overlap"


@pytest.mark.parametrize("case", _GARBLED["clean"], ids=case_ids(_GARBLED["clean"]))
def test_find_garbled_no_false_positive(case: dict[str, Any]) -> None:
    text = case["text"]
    spans = cleaning.find_garbled(text)
    assert [text[a:b] for a, b in spans] == []


@pytest.mark.parametrize("case", _GARBLED["mojibake"], ids=case_ids(_GARBLED["mojibake"]))
def test_find_garbled_generated_mojibake(case: dict[str, Any]) -> None:
    source = case["source"]
    assert cleaning.find_garbled(source) == []
    damaged = _damage(source, case["damage"], case.get("at"))
    spans = cleaning.find_garbled(damaged)
    _assert_spans_well_formed(damaged, spans)
    assert spans, f"no span in {damaged!r}"
    first, last = _damaged_region(source, damaged)
    assert any(a < last and b > first for a, b in spans), "no span touches the damage"
    # No span in a sentence the damage left intact.
    intact = [
        (a, b) for a, b in _sentences(damaged) if damaged[a:b] in source and not (a < last and b > first)
    ]
    for a, b in spans:
        assert not any(a < e and b > s for s, e in intact), damaged[a:b]


@pytest.mark.parametrize("case", _GARBLED["literal"], ids=case_ids(_GARBLED["literal"]))
def test_find_garbled_literal(case: dict[str, Any]) -> None:
    text = case["input"]
    spans = cleaning.find_garbled(text)
    _assert_spans_well_formed(text, spans)
    found = [text[a:b] for a, b in spans]
    for expected in case["spans"]:
        assert any(expected in f for f in found), (expected, found)
    for clean in case["intact"]:
        start = text.index(clean)
        end = start + len(clean)
        assert not any(a < end and b > start for a, b in spans), (clean, found)


def _zh_clean(lang_chars: str) -> list[str]:
    texts = [c["text"] for c in _GARBLED["clean"]]
    return [t for t in texts if sum(1 for ch in t if ch in lang_chars) >= 10]


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_find_garbled_dropped_bytes_sweep(script: str) -> None:
    """Drop every 5th byte of GBK-encoded clean text, one at a time.

    Every damaged sentence that shows a replacement character must be
    flagged, no span may fall in an intact sentence, and most damaged
    sentences must be flagged. (A GBK decoder can resynchronise on an ASCII
    trail byte after one or two characters, leaving "生長" → "砷L", which
    no detector can tell from real text; hence a rate, not 100%.)
    """
    from briefing.script import to_simplified

    pool = [c["text"] for c in _GARBLED["clean"] if sum(map(is_han, c["text"])) >= 30]
    if script == "simplified":
        texts = [t for t in pool if to_simplified(t) == t]
        minimum = 0.85
    else:
        texts = [t for t in pool if to_simplified(t) != t]
        minimum = 0.45
    assert len(texts) >= 3
    damaged_sentences = flagged = 0
    for source in texts:
        raw = source.encode("gbk")
        for at in range(2, len(raw) - 2, 5):
            damaged = (raw[:at] + raw[at + 1 :]).decode("gbk", errors="replace")
            if damaged == source:
                continue
            spans = cleaning.find_garbled(damaged)
            _assert_spans_well_formed(damaged, spans)
            first, last = _damaged_region(source, damaged)
            for a, b in _sentences(damaged):
                hit = any(x < b and y > a for x, y in spans)
                if a < last and b > first:
                    damaged_sentences += 1
                    flagged += hit
                    if "\ufffd" in damaged[a:b]:
                        assert hit, damaged[a:b]
                else:
                    assert not hit, (damaged[a:b], [damaged[x:y] for x, y in spans])
    assert damaged_sentences > 50
    assert flagged / damaged_sentences >= minimum, (flagged, damaged_sentences)


def test_find_garbled_random_seeds_on_clean_corpora() -> None:
    """Shuffled sentences of the clean fixture texts still give no span."""
    rng = random.Random(20240305)
    sentences = [s for c in _GARBLED["clean"] for s in re.findall(r"[^。！？]+[。！？]", c["text"])]
    for _ in range(20):
        rng.shuffle(sentences)
        text = "".join(sentences[:8])
        assert cleaning.find_garbled(text) == [], text


# ---------------------------------------------------------------- placeholders

_PLACEHOLDERS = load_cases("find_placeholders")


@pytest.mark.parametrize("case", _PLACEHOLDERS, ids=case_ids(_PLACEHOLDERS))
def test_find_placeholders(case: dict[str, Any]) -> None:
    text = case["input"]
    spans = cleaning.find_placeholders(text, memo=case.get("memo", False))
    assert [text[a:b] for a, b in spans] == case["expected"]


# ------------------------------------------------------------ closing filler

_FILLER = load_cases("drop_closing_filler")


@pytest.mark.parametrize("case", _FILLER, ids=case_ids(_FILLER))
def test_drop_closing_filler(case: dict[str, Any]) -> None:
    blocks = [Block("para", text) for text in case["input"]]
    out, count = cleaning.drop_closing_filler(blocks)
    assert len(out) == len(blocks), "blocks keep their places; the reader filters empty ones"
    assert [b.text for b in out if b.text] == case["expected"]
    assert count == case["count"]
