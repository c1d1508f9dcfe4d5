"""The part of a sentence that shows what an organisation did (a company's
move): its clause, and the next ones while they go on with the same subject
and give a figure, cut only at clause boundaries.
"""

from __future__ import annotations

import functools
import re

from briefing.analysis.figures import _unnamed_subject
from briefing.analysis.roles import CLAUSE_BREAKS, clause_bounds, mask_parentheses, tidy_clause
from briefing.errors import ConfigError
from briefing.excerpts import en_list_comma
from briefing.gazetteer import gazetteer
from briefing.resources import data_yaml

_EN_APPOSITION_RE = re.compile(r",\s*(?:the|a|an|its|[A-Z][\w&.-]*['’]s)\s[^,;.()]{2,80},\s*(?=[a-z])")
"""", the world's second-largest container line, " after a name, before its verb."""


def move_clause(text: str, start: int, end: int, verb: str = "", limit: int = 60) -> str:
    """The part of a sentence that shows what the organisation at
    ``text[start:end]`` did: from its clause (or the name itself when the
    clause opens with unrelated text) to the clause holding the action, cut
    only at clause boundaries, an ellipsis marking each cut. An English
    apposition after the name is left out ("Maersk, the world's second-largest
    container line, said it would pause…": Maersk … said it would pause…)."""
    apposition = _EN_APPOSITION_RE.match(text, end)
    if apposition and text[start:end].isascii():
        return move_clause(text[:end] + " … " + text[apposition.end() :], start, end, verb, limit)
    masked = mask_parentheses(text)
    left, right = clause_bounds(masked, start, end)
    if re.search(r"\d{1,2}时\d{1,2}分|\d{2}:\d{2}|发表于|分享|登录|[A-Za-z]{8,}", text[left:start]):
        left = start  # "…发表于…分享来自…在西方的电动汽车市场，特斯拉…": start at the name
    if verb and verb not in text[left:right]:
        at = text.find(verb, right)
        if at != -1:
            _, right = clause_bounds(masked, at, at + len(verb))
    while right < len(text) and text[right] == "," and en_list_comma(text, right):
        _, right = clause_bounds(masked, right + 1, right + 1)  # "in Georgia, Alabama and Indonesia"
    # Take the next clause when it goes on with the same subject (no name or
    # pronoun of its own) and gives a figure: "…营业收入8.04亿元，同比下降4.88%".
    while right < len(text) and text[right] in "，," and right - left < limit * 0.6:
        _, nxt = clause_bounds(masked, right + 1, right + 1)
        following = text[right + 1 : nxt]
        if (
            nxt - left > limit
            or not re.search(r"\d", following)
            or re.match(r"^\s*(?:该|其|这|他们|它|公司)", following)
            or _opens_with_a_subject(following)
        ):
            break
        right = nxt
    piece = text[left:right].strip(" ，,；;：:")
    if len(piece) > limit:
        # Cut at the last clause break inside the limit; never inside a number or a name.
        cut = max(masked.rfind(c, left, left + limit) for c in CLAUSE_BREAKS)
        piece = text[left:cut].strip(" ，,；;：:") if cut > start else text[left:right].strip()
    prefix = "…" if left > 0 else ""
    suffix = "…" if left + len(piece) < len(text.rstrip("。.！!？? ")) - 1 else ""
    return prefix + tidy_clause(piece) + suffix


def _opens_with_a_subject(clause: str) -> bool:
    """The clause opens with a subject of its own: a known organisation
    ("…，比亚迪销量为427万辆") or a name before a time or a measure (荣耀2025年…)."""
    stripped = re.sub(r"^[\s“”\"]*(?:而|但|且|同时|此外|另外|相比之下|与此同时)?[，,\s]*", "", clause)
    if any(m.start == 0 for m in gazetteer().find(stripped[:16])):
        return True
    return bool(_unnamed_subject(clause, english=stripped[:1].isascii() and stripped[:1].isalpha()))


# ------------------------------------------------------------------ non-moves


@functools.cache
def _non_moves() -> dict[str, dict[str, tuple[str, ...]]]:
    """The lists of ``non_moves.yaml``, longest first."""
    raw = data_yaml("non_moves.yaml") or {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang in ("zh", "en"):
        section = raw.get(lang) if isinstance(raw, dict) else None
        if not isinstance(section or {}, dict):
            raise ConfigError(f"data file non_moves.yaml: {lang} must map list names to lists")
        out[lang] = {}
        for key, items in (section or {}).items():
            if not isinstance(items, list):
                raise ConfigError(f"data file non_moves.yaml: {lang}.{key} must be a list")
            out[lang][str(key)] = tuple(sorted({str(i) for i in items}, key=lambda w: (-len(w), w)))
    return out


@functools.cache
def _en_negated_re() -> re.Pattern[str]:
    en = _non_moves().get("en", {})
    aux = "|".join(re.escape(w) for w in en.get("auxiliaries", ())) or "(?!)"
    neg = "|".join(re.escape(w) for w in en.get("negations", ())) or "(?!)"
    return re.compile(rf"^\s*(?:(?:{aux})\s*)*(?:{neg})\b", re.IGNORECASE)


def negated(predicate: str, english: bool = False) -> bool:
    """The clause after an organisation's name says what it did not do or has not
    yet done ("并未上市", "至今尚未盈利", "has not listed", "is yet to turn a profit")."""
    if english:
        return bool(_en_negated_re().match(predicate.replace("’", "'")))
    zh = _non_moves().get("zh", {})
    rest = predicate.strip(' 　“”"')
    while True:  # the times and adverbs before the predicate ("至今仍未上市")
        opener = next((o for o in zh.get("openers", ()) if rest.startswith(o)), None)
        if opener is None or any(rest.startswith(n) for n in zh.get("negations", ()) if n.startswith(opener)):
            break
        rest = rest[len(opener) :].lstrip(" ，,")
    if rest.startswith(zh.get("not_negations", ())):
        return False
    return rest.startswith(zh.get("negations", ()))


def may_be_negated(after: str, english: bool = False) -> bool:
    """A cheap first test: the text right after a name holds a negation word at all
    (most clauses do not, and need no clause cut to tell)."""
    en = _non_moves().get("en" if english else "zh", {})
    window = after[:60].lower() if english else after[:16]
    return any(n in window for n in en.get("negations", ()))


def states_only(move: str, surface: str, english: bool = False) -> bool:
    """A move clause that only says what the organisation named ``surface`` did not
    do ("米哈游并未上市…"): its clause after the name is negated and nothing follows it
    in the move. Such a clause is no move, whatever figure the sentence goes on with."""
    text = move.strip("…. ")
    at = text.find(surface) if surface else -1
    if at < 0:
        return False
    after = text[at + len(surface) :]
    clauses = [c for c in re.split(r"[，,；;。：:！？!?]", after) if c.strip(" …")]
    return len(clauses) == 1 and negated(clauses[0], english)
