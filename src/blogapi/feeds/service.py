"""A feed page as plain values: whose posts (the site's, an author's, a tag's), which page
(`before`, an opaque cursor), its items with absolute URLs, and when the feed last changed.

The last change (Last-Modified, Atom `updated`, RSS `lastBuildDate`) is the latest of: any
`updated_at` of a post in the feed's scope whatever its state (a post that leaves the feed,
unpublished, rescheduled or deleted, is written then), any `published_at` already due (a
scheduled post joins the feed on its date), for a tag the moment a post last left it
(`tags.posts_left_at`), and for an author their own account's change (their name heads the
feed). It may be later than the feed's last visible change, never earlier.
"""

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core import media_urls
from blogapi.core.config import Settings
from blogapi.core.db import utcnow
from blogapi.core.errors import NotFound, ValidationFailed
from blogapi.core.feed_links import FEEDS_PATH
from blogapi.feeds import queries
from blogapi.feeds.queries import Cursor, FeedKind
from blogapi.feeds.schemas import Feed, FeedFormat, FeedItem
from blogapi.tags import queries as tags_queries
from blogapi.tags import rendering as tags_rendering
from blogapi.users import queries as users_queries

MAX_CURSOR_LENGTH = 200
# An empty site has changed never: a fixed date keeps its bodies and tags stable.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A root-relative link or image of a post, in the sanitiser's serialisation (attributes
# double-quoted, `"` escaped inside them); `//host` is another site and stays as it is.
_ROOT_RELATIVE = re.compile(r'(<(?:a|img)\b[^>]*? (?:href|src)=")/(?!/)')


@dataclass(frozen=True, slots=True)
class FeedRequest:
    kind: FeedKind
    ref: str | None  # the author's username, the tag's slug or name
    format: FeedFormat
    limit: int | None  # None: FEED_ITEMS
    before: str | None


def encode_cursor(cursor: Cursor) -> str:
    text = f"{cursor.published_at.isoformat()}|{cursor.created_at.isoformat()}|{cursor.post_id}"
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def decode_cursor(token: str) -> Cursor:
    """The cursor `encode_cursor` wrote, else 400 on `before`."""
    try:
        if len(token) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        published, created, post_id = text.split("|")
        cursor = Cursor(
            datetime.fromisoformat(published), datetime.fromisoformat(created), uuid.UUID(post_id)
        )
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed.on_field("before", "Not a cursor a feed gave") from None
    if cursor.published_at.tzinfo is None or cursor.created_at.tzinfo is None:
        raise ValidationFailed.on_field("before", "Not a cursor a feed gave")
    return cursor


def _page_url(base: str, path: str, request: FeedRequest, before: str | None) -> str:
    params = {"limit": request.limit, "before": before}
    query = urlencode({name: value for name, value in params.items() if value is not None})
    address = f"{base}{FEEDS_PATH}/{path}.{request.format}"
    return f"{address}?{query}" if query else address


def post_url(settings: Settings, slug: str, post_id: uuid.UUID) -> str:
    """A post's public address: POST_URL_TEMPLATE, else {PUBLIC_BASE_URL}/posts/{slug}."""
    template = settings.post_url_template
    if template is None:
        return f"{settings.public_base_url.rstrip('/')}/posts/{slug}"
    return template.replace("{slug}", slug).replace("{id}", str(post_id))


def absolute_html(fragment: str, base: str) -> str:
    """content_html with our media and root-relative links absolute (a reader resolves a
    feed's relative URLs against the feed's address, or not at all)."""
    return _ROOT_RELATIVE.sub(rf"\g<1>{base}/", media_urls.current().html(fragment))


def _item(settings: Settings, row: Any) -> FeedItem:
    base = settings.public_base_url.rstrip("/")
    urls = media_urls.current()
    cover_key = row["cover_key"]
    return FeedItem(
        id=row["id"],
        url=post_url(settings, row["slug"], row["id"]),
        title=row["title"],
        summary=row["summary"],
        content_html=absolute_html(row["content_html"], base),
        published_at=row["published_at"],
        updated_at=row["updated_at"],
        author_name=row["author_display_name"] or row["author_username"],
        author_avatar_url=urls.url(row["author_avatar_url"]),
        tags=tuple((tag["slug"], tag["name"]) for tag in tags_rendering.post_tags(row["tags"])),
        image_url=None if cover_key is None else urls.of_key(cover_key),
    )


async def read_feed(session: AsyncSession, settings: Settings, request: FeedRequest) -> Feed:
    """The page of the feed `request` names; 404 for an author or tag that is not there,
    400 for a `before` no feed gave."""
    before = decode_cursor(request.before) if request.before is not None else None
    subject_id: uuid.UUID | None = None
    path = "posts"  # the feed's own address, whatever spelling the request used
    changes: list[datetime | None] = []
    if request.kind is FeedKind.AUTHOR:
        assert request.ref is not None
        author = await users_queries.get_by_ref(session, request.ref)  # 404: gone or disabled
        subject_id, name = author.id, author.display_name or author.username
        path = f"authors/{author.username}"
        title, description = f"Posts by {name}", f"The newest public posts by {name}"
        changes += [author.created_at, author.updated_at]
    elif request.kind is FeedKind.TAG:
        assert request.ref is not None
        tag = await tags_queries.find_tag(session, request.ref)
        if tag is None:
            raise NotFound("Tag not found")
        subject_id, path = tag.id, f"tags/{tag.slug}"
        title, description = f"Posts tagged {tag.name}", f"The newest public posts on {tag.name}"
        changes += [tag.created_at, tag.posts_left_at]
    else:
        title, description = "Posts", "The newest public posts"
    limit = request.limit or settings.feed_items
    found = await queries.feed_rows(
        session, request.kind, subject_id, now=utcnow(), limit=limit, before=before
    )
    changes.append(found.last_change)
    rows = found.rows[:limit]
    next_cursor = None
    if len(found.rows) > limit:
        last = rows[-1]
        next_cursor = encode_cursor(Cursor(last["published_at"], last["created_at"], last["id"]))
    base = settings.public_base_url.rstrip("/")
    return Feed(
        title=title,
        description=description,
        home_page_url=f"{base}/",
        feed_url=_page_url(base, path, request, request.before),
        next_url=None if next_cursor is None else _page_url(base, path, request, next_cursor),
        updated_at=max((c for c in changes if c is not None), default=EPOCH),
        items=tuple(_item(settings, row) for row in rows),
    )
