"""Feeds as bytes: RSS 2.0 and Atom 1.0 through feedgen (the one module that knows it), JSON
Feed 1.1 from its Pydantic model. No SQL here, and nothing read from the clock: the same
`Feed` gives the same bytes (the ETag digests the `Feed`, core/http_cache.py).

feedgen stamps "now" as a feed's and an entry's updated date unless told otherwise, and
prepends entries unless asked to append; lxml refuses C0 control characters (a title may
hold a vertical tab), so every text is stripped of them first. Text goes in as text, HTML
as escaped text (`type="html"`, RSS `content:encoded` without CDATA): a `]]>` or a
`<script>` in a post stays characters, never markup of the feed.
"""

import re
from collections.abc import Callable
from typing import Any

from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from blogapi.feeds.schemas import (
    Feed,
    FeedFormat,
    FeedItem,
    JsonFeed,
    JsonFeedAuthor,
    JsonFeedItem,
)

ATOM_NS = "http://www.w3.org/2005/Atom"
GENERATOR = "Blog API"
UNTITLED = "Untitled"
# What XML 1.0 cannot hold (C0 controls but tab, newline and return; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def xml_title(text: str) -> str:
    """A title for XML: feedgen refuses an empty one (a title of control characters only)."""
    return xml_text(text) or UNTITLED


class _RssNextPage:
    """A feedgen extension: the `<atom:link rel="next">` of RFC 5005 paging in RSS's channel
    (feedgen writes only a `self` link there; Atom gets the link from `FeedGenerator.link`)."""

    next_url: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"atom": ATOM_NS}

    def extend_rss(self, rss: Any) -> Any:
        if self.next_url is not None:
            xml_elem(f"{{{ATOM_NS}}}link", rss[0], href=self.next_url, rel="next")
        return rss

    def extend_atom(self, atom: Any) -> Any:
        return atom


def _generator(feed: Feed) -> Any:
    generator = FeedGenerator()
    # dc:creator: RSS's <author> must be an email address, which a feed never shows.
    generator.load_extension("dc", atom=False)
    generator.load_extension("media")  # media:content: the cover image
    generator.register_extension("next_page", _RssNextPage, None, atom=False, rss=True)
    generator.id(feed.feed_url)
    generator.title(xml_title(feed.title))
    generator.subtitle(xml_title(feed.description))  # RSS's description too
    generator.generator(GENERATOR)
    # RSS's channel <link> is the last link given: the site, after self and next.
    generator.link(href=feed.feed_url, rel="self")
    if feed.next_url is not None:
        generator.link(href=feed.next_url, rel="next")
        generator.next_page.next_url = feed.next_url
    generator.link(href=feed.home_page_url, rel="alternate")
    generator.updated(feed.updated_at)  # Atom's updated and RSS's lastBuildDate
    for item in feed.items:
        _add_entry(generator, item)
    return generator


def _add_entry(generator: Any, item: FeedItem) -> None:
    entry = generator.add_entry(order="append")
    entry.id(f"urn:uuid:{item.id}")
    entry.title(xml_title(item.title))
    entry.link(href=item.url, rel="alternate")
    entry.published(item.published_at)
    entry.updated(item.updated_at)
    entry.author(name=xml_text(item.author_name))
    entry.dc.dc_creator(xml_text(item.author_name))
    for slug, name in item.tags:
        entry.category(term=slug, label=xml_text(name))
    entry.summary(xml_text(item.summary))
    entry.content(xml_text(item.content_html), type="html")
    if item.image_url is not None:
        entry.media.content(url=item.image_url, medium="image", group=None)


def rss(feed: Feed) -> bytes:
    body: bytes = _generator(feed).rss_str(encoding="UTF-8", xml_declaration=True)
    return body


def atom(feed: Feed) -> bytes:
    body: bytes = _generator(feed).atom_str(encoding="UTF-8", xml_declaration=True)
    return body


def json_feed(feed: Feed) -> bytes:
    document = JsonFeed(
        title=feed.title,
        home_page_url=feed.home_page_url,
        feed_url=feed.feed_url,
        description=feed.description,
        next_url=feed.next_url,
        items=[
            JsonFeedItem(
                id=f"urn:uuid:{item.id}",
                url=item.url,
                title=item.title,
                content_html=item.content_html,
                summary=item.summary,
                image=item.image_url,
                date_published=item.published_at,
                date_modified=item.updated_at,
                authors=[JsonFeedAuthor(name=item.author_name, avatar=item.author_avatar_url)],
                tags=[name for _, name in item.tags],
            )
            for item in feed.items
        ],
    )
    return document.model_dump_json(exclude_none=True).encode()


RENDERERS: dict[FeedFormat, Callable[[Feed], bytes]] = {
    FeedFormat.RSS: rss,
    FeedFormat.ATOM: atom,
    FeedFormat.JSON: json_feed,
}


def render(feed: Feed, format: FeedFormat) -> bytes:
    return RENDERERS[format](feed)
