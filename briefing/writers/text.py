"""Text writer: the readable digest that ``briefing analyze`` prints, and plain-text tables.

Both are measured in display columns, not characters: a Chinese character
takes two columns of a terminal (``unicodedata.east_asian_width`` W or F),
so wrapping by ``len`` would make Chinese lines twice as wide as English
ones. Codes of the model (language, kind, type, status) are shown as the
Chinese labels the briefing uses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from briefing.excerpts import display
from briefing.labels import KIND_ZH, LANGUAGE_ZH, STATUS_ZH, TYPE_ZH, format_figure
from briefing.model import Briefing

WIDTH = 100
"""Columns of the digest when the terminal's width is not known (a file, a pipe)."""
# Marks that may not start a line (GB/T 15834): they stay with the text before them.
_NO_LINE_START = set("，。、；：？！）」』”’》〉】〕…" + ",.;:?!)]}%")


def char_width(ch: str) -> int:
    """Columns ``ch`` takes in a terminal: 2 for wide (CJK) characters, 0 for combining marks."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    return sum(char_width(ch) for ch in text)


def _units(text: str) -> Iterator[str]:
    """Unbreakable pieces: a Latin word (with its punctuation), one wide character, a space."""
    word: list[str] = []
    for ch in text:
        if ch.isspace() or char_width(ch) == 2:
            if word:
                yield "".join(word)
                word = []
            yield " " if ch.isspace() else ch
        else:
            word.append(ch)
    if word:
        yield "".join(word)


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns, the first after ``indent``, the rest
    after ``subsequent`` (default: ``indent`` and two spaces).

    Chinese breaks between any two characters, never before a closing mark
    (the character before it moves down with it); Latin text breaks at spaces,
    and a word longer than a line is cut.
    """
    subsequent = indent + "  " if subsequent is None else subsequent
    lines: list[str] = []
    prefix, line = indent, []

    def room() -> int:
        return width - display_width(prefix) - display_width("".join(line))

    def end_line() -> None:
        nonlocal prefix, line
        while line and line[-1] == " ":
            line.pop()
        lines.append(prefix + "".join(line))
        prefix, line = subsequent, []

    for unit in _units(text):
        if unit == " ":
            if line and line[-1] != " ":
                line.append(" ")
            continue
        if display_width(unit) > room() and any(u != " " for u in line):
            carry: list[str] = []
            if unit[0] in _NO_LINE_START and len(line) > 1:
                carry = [line.pop()]  # a closing mark takes the character before it along
            end_line()
            line = carry
        while display_width(unit) > room() and len(unit) > 1:  # a word longer than the line
            cut = _fitting(unit, max(room(), 1))
            line.append(unit[:cut])
            unit = unit[cut:]
            end_line()
        line.append(unit)
    if line or not lines:
        end_line()
    return lines


def _fitting(word: str, columns: int) -> int:
    """How many characters of ``word`` fit in ``columns`` (at least one)."""
    used = 0
    for i, ch in enumerate(word):
        used += char_width(ch)
        if used > columns:
            return max(i, 1)
    return len(word)


def fit(text: str, width: int) -> str:
    """``text`` cut (with …) or padded to exactly ``width`` columns: a table cell."""
    if display_width(text) <= width:
        return text + " " * (width - display_width(text))
    out, used = "", 0
    for ch in text:
        if used + char_width(ch) > width - 1:
            break
        out += ch
        used += char_width(ch)
    return out + "…" + " " * (width - used - 1)


def table(headers: list[str], rows: list[list[str]], widths: list[int]) -> str:
    """A plain-text table whose columns line up with Chinese (double-width) text."""
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def digest(model: Briefing, width: int = WIDTH) -> str:
    """A plain-text digest of the briefing model, citations as [n], at most ``width`` columns."""
    cite = model.source_number
    language = {s.path: s.language for s in model.sources}
    out: list[str] = []

    def shown(text: str, document: str) -> str:
        """A source text as the PDF shows it: without its footnote or list marker, a
        Traditional source in Simplified script with full-width punctuation (the model
        keeps the original), English unchanged."""
        return display(text, language.get(document))

    def add(text: str, indent: str, subsequent: str | None = None) -> None:
        out.extend(wrap(text, width, indent, subsequent))

    add(f"{model.title} — {model.date}", "")
    period = f"，{model.period_start} 至 {model.period_end}" if model.period_start else ""
    add(f"{len(model.sources)} 份来源{period}", "")
    out += ["", "关键结论"]
    for i, t in enumerate(model.summary, 1):
        speaker = f"{t.speaker}：" if t.speaker else ""  # as the PDF names who said a bare quotation
        add(f"{i}. {speaker}{shown(t.text, t.document)} [{cite(t.document)}]", "  ", "     ")
    out += ["", "主题"]
    for i, th in enumerate(model.themes, 1):
        sources = "".join(f"[{cite(d)}]" for d in th.documents)
        add(
            f"{i}. {th.label}  强度 {th.strength:.2f}，{len(th.documents)} 份来源 {sources}，{th.mentions} 处提及",
            "  ",
            "     ",
        )
        add(f"关键词：{'、'.join(th.terms)}", "     ")
        for q in th.quotes:
            text = shown(q.text, q.document)
            quoted = text if text.startswith("“") and text.endswith("”") else f"“{text}”"
            add(f"{quoted} [{cite(q.document)}]", "     ")
    out += ["", "企业案例"]
    for c in model.companies:
        if not c.is_case:
            continue
        about = [TYPE_ZH.get(c.type, c.type)]
        if c.parent:
            about.append(f"隶属{c.parent}")
        if c.mode:
            about.append(f"模式：{c.mode}")
        cited = "".join(f"[{cite(d)}]" for d in c.documents)
        add(f"{c.name}（{'，'.join(about)}）{c.mentions} 处提及 {cited}", "  ", "     ")
        if c.shown_aliases:  # as the PDF shows them: Simplified, each once, not the name again
            add(f"别名：{'、'.join(c.shown_aliases)}", "     ")
        for f in c.figures:
            add(f"数据：{format_figure(f)} [{cite(f.document)}]", "     ")
        for m in c.moves[:2]:
            add(f"动向：{shown(m.text, m.document)} [{cite(m.document)}]", "     ")
    others = [c for c in model.companies if not c.is_case]
    if others:
        out += ["", "其他机构"]
        add("、".join(f"{c.name}（{TYPE_ZH.get(c.type, c.type)}）" for c in others), "  ")
    out += ["", "研究问题"]
    for q in model.questions:
        add(f"{q.number}. {q.text} —— {STATUS_ZH.get(q.status, q.status)}", "  ", "     ")
        if len(q.sub_questions) > 1:
            for s in q.sub_questions:
                add(f"· {s}", "     ")
        for e in q.evidence:
            add(f"证据：{shown(e.text, e.document)} [{cite(e.document)}]（相关度 {e.score:.1f}）", "     ")
        if q.result:
            add(f"{q.result.company}的案例（按模式）：", "     ")
            for mode in q.result.modes:
                names = "、".join(dict.fromkeys(c.name for c in q.result.cases if c.mode == mode.name)) or "—"
                add(f"{mode.name}：{names}", "       ")
    out += ["", "来源"]
    for s in model.sources:
        about = [
            s.date or "日期不详",
            LANGUAGE_ZH.get(s.language, s.language),
            KIND_ZH.get(s.kind, s.kind),
            s.url or s.site or "",
        ]
        add(f"[{s.number}] {shown(s.title, s.path)}（{'，'.join(x for x in about if x)}）", "  ", "      ")
    return "\n".join(out) + "\n"
