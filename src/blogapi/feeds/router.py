"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the public posts, an author's and a tag's.

Outside /api/v1: a feed's address is given to feed readers once and must stay. Each answer
has a strong ETag (a digest of everything the body holds, taken before it is rendered) and a
Last-Modified; a conditional GET that matches gets 304 without a body (feeds/conditional.py).
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from blogapi.auth.dependencies import ReadWriteLimit
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.errors import NotFound
from blogapi.core.feed_links import FEEDS_PATH
from blogapi.core.http_cache import etag_for
from blogapi.feeds import render, service
from blogapi.feeds.conditional import http_date, not_modified
from blogapi.feeds.queries import FeedKind
from blogapi.feeds.schemas import MEDIA_TYPES, FeedFormat
from blogapi.feeds.service import FeedRequest
from blogapi.tags.naming import MAX_SLUG_LENGTH

router = APIRouter(prefix=FEEDS_PATH, tags=["feeds"], dependencies=[ReadWriteLimit])

CACHE_CONTROL = "public, max-age=300"
FEED_CONTENT: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The feed, newest first",
        "content": {media_type.split(";")[0]: {} for media_type in MEDIA_TYPES.values()},
    },
    304: {"description": "Not modified since the ETag or date sent (no body)"},
}

FormatPath = Annotated[str, Path(description="rss, atom or json")]
Limit = Annotated[int | None, Query(ge=1, le=100, description="Items, 1-100 (FEED_ITEMS)")]
Before = Annotated[
    str | None,
    Query(min_length=1, max_length=service.MAX_CURSOR_LENGTH, description="Older items: next"),
]
IfNoneMatch = Annotated[str | None, Header(max_length=2000)]
IfModifiedSince = Annotated[str | None, Header(max_length=100)]


def _format(name: str) -> FeedFormat:
    try:
        return FeedFormat(name)
    except ValueError:
        raise NotFound("No feed in that format: rss, atom or json") from None


def _ref(ref: str) -> str:
    """A name that could be an author's or a tag's; else 404 (nothing odd reaches SQL)."""
    if len(ref) > MAX_SLUG_LENGTH or not ref.isprintable():
        raise NotFound("Not found")
    return ref


@dataclass(frozen=True)
class FeedAsk:
    """What every feed request says besides whose feed: format, page, its validators."""

    format: FeedFormat
    limit: int | None
    before: str | None
    if_none_match: str | None
    if_modified_since: str | None


async def _ask(
    format: FormatPath,
    limit: Limit = None,
    before: Before = None,
    if_none_match: IfNoneMatch = None,
    if_modified_since: IfModifiedSince = None,
) -> FeedAsk:
    return FeedAsk(_format(format), limit, before, if_none_match, if_modified_since)


Ask = Annotated[FeedAsk, Depends(_ask)]


async def _feed(
    session: SessionDep, settings: SettingsDep, kind: FeedKind, ref: str | None, ask: FeedAsk
) -> Response:
    wanted = FeedRequest(kind, ref, ask.format, ask.limit, ask.before)
    feed = await service.read_feed(session, settings, wanted)
    etag = etag_for(f"{wanted.format}\n{feed!r}".encode())
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(feed.updated_at),
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
    }
    if not_modified(ask.if_none_match, ask.if_modified_since, etag, feed.updated_at):
        return Response(status_code=304, headers=headers)
    body = render.render(feed, wanted.format)
    return Response(body, media_type=MEDIA_TYPES[wanted.format], headers=headers)


@router.get("/posts.{format}", response_class=Response, responses=FEED_CONTENT)
@router.head("/posts.{format}", response_class=Response, responses=FEED_CONTENT)
async def site_feed(session: SessionDep, settings: SettingsDep, ask: Ask) -> Response:
    """The public posts, newest first."""
    return await _feed(session, settings, FeedKind.SITE, None, ask)


@router.get("/authors/{username}.{format}", response_class=Response, responses=FEED_CONTENT)
@router.head("/authors/{username}.{format}", response_class=Response, responses=FEED_CONTENT)
async def author_feed(
    session: SessionDep, settings: SettingsDep, username: str, ask: Ask
) -> Response:
    """An author's public posts, newest first (404 for an account gone or disabled)."""
    return await _feed(session, settings, FeedKind.AUTHOR, _ref(username), ask)


@router.get("/tags/{slug}.{format}", response_class=Response, responses=FEED_CONTENT)
@router.head("/tags/{slug}.{format}", response_class=Response, responses=FEED_CONTENT)
async def tag_feed(session: SessionDep, settings: SettingsDep, slug: str, ask: Ask) -> Response:
    """A tag's public posts (by slug, or name in any case), newest first."""
    return await _feed(session, settings, FeedKind.TAG, _ref(slug), ask)
