"""Reading feeds: a page of public posts (the site's, an author's, a tag's), newest first,
from a cursor on; and when each feed last changed. Statements are built once per shape and
bind their values (posts/access.py); a feed costs the same statements whatever its size.
"""

import enum
import functools
import uuid
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import UTCDateTime, core_execute_all
from blogapi.core.pagination import LIMIT
from blogapi.posts import access
from blogapi.posts.models import Post
from blogapi.posts.queries import post_select
from blogapi.tags import queries as tags_queries
from blogapi.tags.models import PostTag

AUTHOR_ID = bindparam("author_id", type_=Post.author_id.type)
TAG_ID = bindparam("tag_id", type_=Post.id.type)
# The cursor: the place in the feed order of the last item of the page before.
BEFORE_PUBLISHED = bindparam("before_published", type_=UTCDateTime())
BEFORE_CREATED = bindparam("before_created", type_=UTCDateTime())
BEFORE_ID = bindparam("before_id", type_=Post.id.type)


class FeedKind(enum.Enum):
    SITE = "site"
    AUTHOR = "author"
    TAG = "tag"


class Cursor(NamedTuple):
    """A post's place in the feed order (published_at, created_at, id), newest first."""

    published_at: datetime
    created_at: datetime
    post_id: uuid.UUID


def _order_keys(kind: FeedKind) -> list[ColumnElement[Any]]:
    """The feed order's columns: the public feed index's, or for a tag its links' copies of
    them (`ix_post_tags_public_feed`)."""
    if kind is FeedKind.TAG:
        feed = tags_queries.FEED.c
        return [feed.post_published_at, feed.post_created_at, feed.post_id]
    posts = Post.__table__.c
    return [posts.published_at, posts.created_at, posts.id]


@functools.cache
def _items_statement(kind: FeedKind, after_cursor: bool) -> Select[Any]:
    """LIMIT items (bind one more than shown: whether a next page exists), with bodies."""
    statement = post_select(viewer=False, full=True)
    conditions = [access.public()]
    if kind is FeedKind.AUTHOR:
        conditions.append(Post.author_id == AUTHOR_ID)
    elif kind is FeedKind.TAG:
        feed = tags_queries.FEED
        statement = statement.join(feed, feed.c.post_id == Post.id)
        # One range of the tag's links; the public rule above checks the rows shown too.
        conditions += [feed.c.tag_id == TAG_ID, feed.c.post_published_at <= access.NOW]
    keys = _order_keys(kind)
    if after_cursor:
        conditions.append(tuple_(*keys) < tuple_(BEFORE_PUBLISHED, BEFORE_CREATED, BEFORE_ID))
    return statement.where(*conditions).order_by(*(key.desc() for key in keys)).limit(LIMIT)


@functools.cache
def _last_change_statement(kind: FeedKind) -> Select[Any, Any]:
    """The latest `updated_at` of any post of the feed's scope, whatever its state now (a post
    that left the feed, unpublished, rescheduled or deleted, moved it when it left), and the
    latest `published_at` already due (a scheduled post joins the feed then). Two scalar
    subqueries, so each is one end of an index for the whole site (`ix_posts_updated_at`,
    `ix_posts_public_feed`) instead of a scan of every post."""
    scope: list[ColumnElement[bool]] = []
    if kind is FeedKind.AUTHOR:
        scope.append(Post.author_id == AUTHOR_ID)
    elif kind is FeedKind.TAG:
        scope.append(Post.id.in_(select(PostTag.post_id).where(PostTag.tag_id == TAG_ID)))
    updated = select(func.max(Post.updated_at)).where(*scope).scalar_subquery()
    due = select(func.max(Post.published_at)).where(access.public(), *scope).scalar_subquery()
    return select(updated, due)


class FeedRows(NamedTuple):
    rows: list[Any]  # result mappings, `limit + 1` at most
    last_change: datetime | None


async def feed_rows(
    session: AsyncSession,
    kind: FeedKind,
    subject_id: uuid.UUID | None,
    *,
    now: datetime,
    limit: int,
    before: Cursor | None,
) -> FeedRows:
    """One page of the feed (and the first item of the next, if any) and its last change:
    two statements."""
    values: dict[str, Any] = {"now": now}
    if kind is FeedKind.AUTHOR:
        values["author_id"] = subject_id
    elif kind is FeedKind.TAG:
        values["tag_id"] = subject_id
    page_values = {**values, "limit": limit + 1}
    if before is not None:
        page_values |= {
            "before_published": before.published_at,
            "before_created": before.created_at,
            "before_id": before.post_id,
        }
    items, changes = await core_execute_all(
        session,
        (_items_statement(kind, before is not None), page_values),
        (_last_change_statement(kind), values),
    )
    rows = list(items.mappings())
    updated, published = tuple(changes.one())
    return FeedRows(rows, max((d for d in (updated, published) if d is not None), default=None))
