"""Table column widths, shared by the PDF and the DOCX writer.

Each writer measures its cells with its own font metrics; this decides how
the text width is shared among the columns. Short columns (a company name, a
type, a list of sources) get their whole content, up to about ten characters, so
that a row's label does not break after two characters; the long columns
(moves, figures, quotes) share what is left in proportion to what they still
need.
"""

from __future__ import annotations


def share_width(natural: list[float], total: float, whole: float, least: float) -> list[float]:
    """Widths summing to ``total`` for columns whose content is ``natural`` wide.

    ``whole`` is the width up to which a short column gets all of its content
    before any column gets more (about ten characters); a column whose content
    is over one and a half times that is long and starts from ``least``, the
    narrowest a column may be. What is left goes to the columns that want more,
    in proportion to what they still want. When everything fits, the spare
    width is shared in proportion to the content so the table spans the text
    width.
    """
    if not natural:
        return []
    least = min(least, total / len(natural))
    natural = [max(w, least) for w in natural]
    if sum(natural) <= total:
        return [w * total / sum(natural) for w in natural]
    whole = max(whole, least)
    base = [min(w, whole) if w <= 1.5 * whole else least for w in natural]
    if sum(base) >= total:  # even the short parts do not fit: shrink them alike, above the floor
        spare = sum(b - least for b in base) or 1.0
        over = sum(base) - total
        return [b - over * (b - least) / spare for b in base]
    wants = [w - b for w, b in zip(natural, base, strict=True)]
    rest = total - sum(base)
    return [b + rest * want / sum(wants) for b, want in zip(base, wants, strict=True)]


ROW_SPLIT_LINES = 14
"""Lines in a table row above which the row may break across pages; a shorter row
moves to the next page whole (a split left one line, "[5]", under the repeated header)."""
