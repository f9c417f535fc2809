"""Markdown to safe HTML: markdown-it-py (CommonMark + tables + strikethrough), then nh3.

Raw HTML in the source is not passed through by the parser, and the sanitiser allows
only the tags and attributes below, so no script, event handler, style or
`javascript:` URL reaches `content_html` whatever the author writes.

The API renders in worker processes, within a time limit (`render_workers.py`).
"""

import html
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from blogapi.media.schemas import ResponsiveImage

WORDS_PER_MINUTE = 230
SUMMARY_LENGTH = 200
# The search index reads runs without a space in pieces of at most this many characters.
SEARCH_RUN = 64

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
# Our images' candidates are stored relative, made absolute when read (core/media_urls.py).
_SRCSET = re.compile(r"/media/[^\s,\"]+ \d{1,5}w(?:, /media/[^\s,\"]+ \d{1,5}w)*")
_SIZES = re.compile(r"[a-z0-9(): ,-]{1,200}")
# Responsive-image attributes keep only the shapes we write ourselves.
_IMG_VALUES = {
    "srcset": _SRCSET.fullmatch,
    "sizes": _SIZES.fullmatch,
    "loading": re.compile("lazy").fullmatch,
    "decoding": re.compile("async").fullmatch,
}
_LONG_RUN = re.compile(rf"\S{{{SEARCH_RUN + 1},}}")
# The longest piece that ends on punctuation (`_` included), else SEARCH_RUN characters.
_RUN_PIECE = re.compile(rf"\S{{0,{SEARCH_RUN - 1}}}(?:[^\w\s]|_)|\S{{1,{SEARCH_RUN}}}")


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


def _make_responsive(token: Token, image: ResponsiveImage) -> None:
    # The stored form of our file, whatever address the author copied its URL from.
    token.attrSet("src", image.src)
    token.attrSet("width", str(image.width))
    token.attrSet("height", str(image.height))
    token.attrSet("srcset", image.srcset)
    token.attrSet("sizes", image.sizes)
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")


def plain_text(rendered_html: str) -> str:
    """The text of an HTML fragment, whitespace folded."""
    text = html.unescape(nh3.clean(rendered_html, tags=set()))
    # Private-use code points are what search highlights use as markers.
    return " ".join(_PRIVATE_USE.sub(" ", text).split())


def search_text(text: str) -> str:
    """Plain text as the search index reads it: each run of more than SEARCH_RUN characters
    without a space is cut into pieces, after punctuation where it has some. PostgreSQL's
    parser takes quadratic time or worse on long runs of `_`, `@`, `/` or `~` between
    letters (120 KB of `_a` held a connection for 10 s); shorter runs, and spaces, are
    left as they are."""
    return _LONG_RUN.sub(lambda run: " ".join(_RUN_PIECE.findall(run.group())), text)


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


@dataclass(frozen=True, slots=True)
class Rendered:
    """A Markdown document and everything derived from it when it is written."""

    html: str
    text: str  # the plain text, which the summary and the reading time come from
    search_text: str
    summary: str
    reading_time_minutes: int
    image_sources: tuple[str, ...]  # the URLs of the images it shows


def render_document(source: str, images: Mapping[str, ResponsiveImage] | None = None) -> Rendered:
    """Parse once; images found in `images` (our media, by URL) get our stored `/media/` path,
    their size, a srcset and lazy loading."""
    parser = _parser()
    tokens = parser.parse(source)
    sources: dict[str, None] = {}
    for token in _images(tokens):
        src = str(token.attrGet("src") or "")
        if src:
            sources[src] = None
        if images and src in images:
            _make_responsive(token, images[src])
    rendered_html = sanitize_html(parser.renderer.render(tokens, parser.options, {}))
    text = plain_text(rendered_html)
    return Rendered(
        html=rendered_html,
        text=text,
        search_text=search_text(text),
        summary=summarize(text),
        reading_time_minutes=reading_time_minutes(text),
        image_sources=tuple(sources),
    )


def render_markdown(source: str, images: Mapping[str, ResponsiveImage] | None = None) -> str:
    """The sanitised HTML of a Markdown document."""
    return render_document(source, images).html
