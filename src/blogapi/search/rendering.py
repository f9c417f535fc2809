"""Search hits as responses: highlights, HTML-escaped except for their <mark> elements.

The database marks every match in the part of a post's text that highlights come from
(`ts_headline` with HighlightAll, FTS5's `highlight()`: time in proportion to that text);
the snippet shown is cut from it here. PostgreSQL's own fragments and FTS5's `snippet()`
take time that grows with the square of the matches (seconds for one long post dense
with them).
"""

import html
import re
from collections import Counter

from blogapi.search.syntax import (
    MARK_END,
    MARK_START,
)

LT_GT_STAND_INS = "\ue002\ue003"
SNIPPET_WORDS = 30
ELLIPSIS = "…"

RESTORE_LT_GT = str.maketrans(LT_GT_STAND_INS, "<>")
_MARKED = re.compile(f"{MARK_START}([^{MARK_END}]*){MARK_END}")
_SPACE_IN_MARK = "\ue004"  # a marked phrase stays one unit of the snippet


def _terms(unit: str) -> list[str]:
    return [term.lower() for term in _MARKED.findall(unit)]


def _best_start(units: list[str], size: int) -> int:
    """Where the `size` units with the most different matched terms begin (the earliest
    of equals), moved so that their first and last matches sit in the middle."""
    terms = [_terms(unit) if MARK_START in unit else [] for unit in units]
    window: Counter[str] = Counter()
    best, best_score, total = 0, (0, 0), 0
    for end, found in enumerate(terms):
        leaving = terms[end - size] if end >= size else []
        if not found and not leaving:
            continue  # the same window's score again
        window.update(found)
        for term in leaving:
            window[term] -= 1
            if not window[term]:
                del window[term]
        total += len(found) - len(leaving)
        if (len(window), total) > best_score:
            best, best_score = max(end - size + 1, 0), (len(window), total)
    matched = [i for i in range(best, min(best + size, len(units))) if terms[i]]
    if not matched:
        return 0
    first, last = matched[0], matched[-1]
    centred = first - (size - (last - first + 1)) // 2
    return max(0, min(centred, len(units) - size))


def snippet(
    marked_text: str,
    words: int = SNIPPET_WORDS,
    *,
    cut_before: bool = False,
    cut_after: bool = False,
) -> str:
    """About `words` words of a text whose matches are marked: where most of the different
    matched terms are, else its opening; an ellipsis where it cuts the text.

    `cut_before` and `cut_after` say that the text is a window of a longer one: its first
    (last) word may be a piece of one, so it is left out, and the ellipsis is there."""
    joined = _MARKED.sub(lambda mark: mark.group().replace(" ", _SPACE_IN_MARK), marked_text)
    units = joined.split()
    units = units[1 if cut_before else 0 : -1 if cut_after and len(units) > 1 else None]
    start = _best_start(units, words)
    end = start + words
    cut = " ".join(units[start:end]).replace(_SPACE_IN_MARK, " ")
    before = f"{ELLIPSIS} " if start > 0 or cut_before else ""
    after = f" {ELLIPSIS}" if end < len(units) or cut_after else ""
    return before + cut + after


def highlight_html(snippet: str) -> str:
    """Escape everything, then turn the match markers into <mark> elements."""
    snippet = snippet.translate(RESTORE_LT_GT)
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def window_highlight(window: str, start: int, more: bool | None, whole: str | None) -> str:
    """The highlight of a post from its marked window (which begins at character `start`
    of the text, `more` text after it), or from its whole marked part when given."""
    if whole is not None:
        return highlight_html(snippet(whole))
    return highlight_html(snippet(window, cut_before=start > 1, cut_after=bool(more)))
