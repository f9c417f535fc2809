"""Markdown to safe HTML: markdown-it-py (CommonMark + tables + strikethrough), then nh3.

Raw HTML in the source is not passed through by the parser, and the sanitiser allows
only the tags and attributes below, so no script, event handler, style or
`javascript:` URL reaches `content_html` whatever the author writes.
"""

import html
import math
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 230
SUMMARY_LENGTH = 200

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]{1,30}")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Code blocks keep their `language-xxx` class for highlighters; no other class survives.
    if tag == "code" and attribute == "class":
        return value if _LANGUAGE_CLASS.fullmatch(value) else None
    return value


def sanitize_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """The sanitised HTML of a Markdown document."""
    return sanitize_html(_parser().render(source))


def plain_text(rendered_html: str) -> str:
    """The text of an HTML fragment, whitespace folded."""
    text = html.unescape(nh3.clean(rendered_html, tags=set()))
    # Private-use code points are what search highlights use as markers.
    return " ".join(_PRIVATE_USE.sub(" ", text).split())


def reading_time_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def summarize(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first `limit` characters of plain text, cut on a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    boundary = cut.rfind(" ")
    head = cut[:boundary] if boundary > limit // 2 else text[:limit]
    return head.rstrip(" ,;:.-") + "…"
