"""Search hits as responses: highlights, HTML-escaped except for their <mark> elements."""

import html

from blogapi.search.syntax import (
    MARK_END,
    MARK_START,
)

LT_GT_STAND_INS = "\ue002\ue003"


RESTORE_LT_GT = str.maketrans(LT_GT_STAND_INS, "<>")


def highlight_html(snippet: str) -> str:
    """Escape everything, then turn the match markers into <mark> elements."""
    snippet = snippet.translate(RESTORE_LT_GT)
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
