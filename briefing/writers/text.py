"""Text writer: the readable digest that ``briefing analyze`` prints."""

from __future__ import annotations

import textwrap

from briefing.labels import STATUS_ZH, TYPE_ZH, format_figure
from briefing.model import Briefing


def _wrap(text: str, indent: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ")


def digest(model: Briefing) -> str:
    """A plain-text digest of the briefing model, citations as [n]."""
    cite = model.source_number
    lines = [
        f"{model.title} — {model.date}",
        f"{len(model.sources)} 份来源"
        + (f"，{model.period_start} 至 {model.period_end}" if model.period_start else ""),
        "",
        "关键结论",
    ]
    for i, t in enumerate(model.summary, 1):
        lines.append(_wrap(f"{i}. {t.text} [{cite(t.document)}]", "  "))
    lines += ["", "主题"]
    for i, th in enumerate(model.themes, 1):
        sources = ", ".join(f"[{cite(d)}]" for d in th.documents)
        lines.append(
            f"  {i}. {th.label}  强度 {th.strength:.2f}，{len(th.documents)} 份来源 {sources}，{th.mentions} 处提及"
        )
        lines.append(f"     关键词：{'、'.join(th.terms)}")
        for q in th.quotes:
            quoted = q.text if q.text.startswith("“") and q.text.endswith("”") else f"“{q.text}”"
            lines.append(_wrap(f"{quoted} [{cite(q.document)}]", "     "))
    lines += ["", "企业案例"]
    for c in model.companies:
        if not c.is_case:
            continue
        head = f"  {c.name}（{TYPE_ZH.get(c.type, c.type)}"
        if c.parent:
            head += f"，隶属{c.parent}"
        if c.mode:
            head += f"，模式：{c.mode}"
        head += f"）{c.mentions} 处提及 " + " ".join(f"[{cite(d)}]" for d in c.documents)
        lines.append(head)
        if len(c.aliases) > 1:
            lines.append(f"     别名：{'、'.join(c.aliases)}")
        for f in c.figures:
            lines.append(_wrap(f"数据：{format_figure(f)} [{cite(f.document)}]", "     "))
        for m in c.moves[:2]:
            lines.append(_wrap(f"动向：{m.text} [{cite(m.document)}]", "     "))
    others = [c for c in model.companies if not c.is_case]
    if others:
        lines += ["", "其他机构"]
        lines.append(_wrap("、".join(f"{c.name}（{TYPE_ZH.get(c.type, c.type)}）" for c in others), "  "))
    lines += ["", "研究问题"]
    for q in model.questions:
        lines.append(_wrap(f"{q.number}. {q.text} —— {STATUS_ZH.get(q.status, q.status)}", "  "))
        if len(q.sub_questions) > 1:
            for s in q.sub_questions:
                lines.append(_wrap(f"· {s}", "     "))
        for e in q.evidence:
            lines.append(_wrap(f"证据：{e.text} [{cite(e.document)}]（{e.score:.1f}）", "     "))
        if q.result:
            lines.append(f"     {q.result.company}的案例（按模式）：")
            for mode in q.result.modes:
                names = "、".join(dict.fromkeys(c.name for c in q.result.cases if c.mode == mode.name)) or "—"
                lines.append(_wrap(f"{mode.name}：{names}", "       "))
    lines += ["", "来源"]
    for s in model.sources:
        meta = "，".join(x for x in (s.date or "日期不详", s.language, s.kind, s.url or s.site or "") if x)
        lines.append(_wrap(f"[{s.number}] {s.title}（{meta}）", "  "))
    return "\n".join(lines) + "\n"
