"""A feed as plain values (what every format renders), and JSON Feed 1.1 as Pydantic models
(https://www.jsonfeed.org/version/1.1/)."""

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from blogapi.core.schemas import UTCTimestamp


class FeedFormat(enum.StrEnum):
    RSS = "rss"
    ATOM = "atom"
    JSON = "json"


MEDIA_TYPES = {
    FeedFormat.RSS: "application/rss+xml; charset=utf-8",
    FeedFormat.ATOM: "application/atom+xml; charset=utf-8",
    FeedFormat.JSON: "application/feed+json; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A post as its feeds show it; URLs absolute, `content_html` sanitised (posts/markdown.py)."""

    id: uuid.UUID
    url: str
    title: str
    summary: str
    content_html: str
    published_at: datetime
    updated_at: datetime
    author_name: str
    author_avatar_url: str | None
    tags: tuple[tuple[str, str], ...]  # (slug, name)
    image_url: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    """Everything a feed document holds: rendering it twice gives the same bytes, so its
    `repr` is what the ETag digests."""

    title: str
    description: str
    home_page_url: str
    feed_url: str  # this page's own address
    next_url: str | None  # the older items (RFC 5005 paging)
    updated_at: datetime  # the feed's last change: Last-Modified, Atom updated, lastBuildDate
    items: tuple[FeedItem, ...]


# JSON Feed 1.1 -----------------------------------------------------------------------------

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


class JsonFeedAuthor(BaseModel):
    name: str
    avatar: str | None = None


class JsonFeedItem(BaseModel):
    id: str
    url: str
    title: str
    content_html: str
    summary: str
    image: str | None = None
    date_published: UTCTimestamp
    date_modified: UTCTimestamp
    authors: list[JsonFeedAuthor]
    tags: list[str] = Field(default_factory=list)


class JsonFeed(BaseModel):
    version: str = JSON_FEED_VERSION
    title: str
    home_page_url: str
    feed_url: str
    description: str
    next_url: str | None = None
    items: list[JsonFeedItem]
