"""Markdown to safe HTML: markdown-it-py (CommonMark + tables + strikethrough), then nh3.

Raw HTML in the source is not passed through by the parser, and the sanitiser allows
only the tags and attributes below, so no script, event handler, style or
`javascript:` URL reaches `content_html` whatever the author writes.
"""

import html
import math
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from blogapi.media.schemas import ResponsiveImage

WORDS_PER_MINUTE = 230
SUMMARY_LENGTH = 200

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # srcset, sizes, loading and decoding: only as our own images get them (see _IMG_VALUES).
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]{1,30}")
_SRCSET = re.compile(r"https?://[^\s,]+ \d{1,5}w(?:, https?://[^\s,]+ \d{1,5}w)*")
_SIZES = re.compile(r"[a-z0-9(): ,-]{1,200}")
# Responsive-image attributes keep only the shapes we write ourselves.
_IMG_VALUES = {
    "srcset": _SRCSET.fullmatch,
    "sizes": _SIZES.fullmatch,
    "loading": re.compile("lazy").fullmatch,
    "decoding": re.compile("async").fullmatch,
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Code blocks keep their `language-xxx` class for highlighters; no other class survives.
    if tag == "code" and attribute == "class":
        return value if _LANGUAGE_CLASS.fullmatch(value) else None
    if tag == "img" and attribute in _IMG_VALUES:
        return value if _IMG_VALUES[attribute](value) else None
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


def _images(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "image":
            yield token
        if token.children:
            yield from _images(token.children)


def image_sources(source: str) -> list[str]:
    """The URLs of the images a Markdown document shows."""
    found = (token.attrGet("src") for token in _images(_parser().parse(source)))
    return list(dict.fromkeys(str(src) for src in found if src))


def _make_responsive(token: Token, image: ResponsiveImage) -> None:
    token.attrSet("width", str(image.width))
    token.attrSet("height", str(image.height))
    token.attrSet("srcset", image.srcset)
    token.attrSet("sizes", image.sizes)
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")


def render_markdown(source: str, images: Mapping[str, ResponsiveImage] | None = None) -> str:
    """The sanitised HTML of a Markdown document; images found in `images` (our media, by
    URL) get their size, a srcset and lazy loading."""
    parser = _parser()
    tokens = parser.parse(source)
    if images:
        for token in _images(tokens):
            known = images.get(str(token.attrGet("src")))
            if known is not None:
                _make_responsive(token, known)
    return sanitize_html(parser.renderer.render(tokens, parser.options, {}))


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
