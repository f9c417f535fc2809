"""Reading lists of posts: the public feed and its filters and orders, a reader's own posts by
status, bookmarks. A page costs two statements (count and page) whatever its size; the
statements are built once per shape (see `access.py`) and bind their values. The public
feed, an author's and a tag's, newest first, are each one range of an index (docs/design.md).
"""

import enum
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import core_execute_all, utcnow
from blogapi.core.errors import Unauthorized
from blogapi.core.pagination import LIMIT, OFFSET, PageParams, pagination
from blogapi.core.responses import Document
from blogapi.posts import access, rendering
from blogapi.posts.models import Post, PostStatus
from blogapi.posts.queries import post_select
from blogapi.reactions import queries as reactions_queries
from blogapi.tags import queries as tags_queries
from blogapi.users import queries as users_queries
from blogapi.users.models import User


class PostSort(enum.StrEnum):
    NEWEST = "-published_at"
    OLDEST = "published_at"
    MOST_LIKED = "-likes_count"
    MOST_COMMENTED = "-comments_count"
    MOST_VIEWED = "-views"


class ListStatus(enum.StrEnum):
    """The `status` a list may ask for: a post status, or `scheduled` (published with a
    date still to come)."""

    DRAFT = PostStatus.DRAFT.value
    PENDING_REVIEW = PostStatus.PENDING_REVIEW.value
    PUBLISHED = PostStatus.PUBLISHED.value
    ARCHIVED = PostStatus.ARCHIVED.value
    SCHEDULED = "scheduled"


@dataclass(frozen=True)
class PostFilters:
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    status: ListStatus | None = None
    sort: PostSort = PostSort.NEWEST
    # The posts of the authors this account follows (its feed).
    followed_by: uuid.UUID | None = None
    # The posts this username likes (an unknown one likes none).
    liked_by: str | None = None


@dataclass(frozen=True)
class _ListShape:
    """What changes the SQL text of a post list; the rest is bound values."""

    who: access.Audience
    status: ListStatus | None
    author: Literal["id", "name"] | None
    tags: int  # how many distinct tags the filter names
    sort: PostSort
    followed: bool = False
    liked: bool = False


def _list_shape(filters: PostFilters, viewer: User | None) -> tuple[_ListShape, dict[str, Any]]:
    if viewer is None and filters.status not in (None, ListStatus.PUBLISHED):
        raise Unauthorized("Sign in to list posts that are not published")
    values = access.viewer_values(viewer)
    author: Literal["id", "name"] | None = None
    if filters.author:
        try:
            values["author_id"] = uuid.UUID(filters.author)
            author = "id"
        except ValueError:
            values["author_name"] = filters.author.lower()
            author = "name"
    tag_values = tags_queries.tag_values(filters.tags)
    values |= tag_values
    if filters.followed_by is not None:
        values["followed_by"] = filters.followed_by
    if filters.liked_by is not None:
        values["liked_by_name"] = filters.liked_by.lower()
    who = access.audience(viewer)
    shape = _ListShape(
        who,
        filters.status,
        author,
        len(tag_values),
        filters.sort,
        followed=filters.followed_by is not None,
        liked=filters.liked_by is not None,
    )
    return shape, values


def _status_condition(shape: _ListShape) -> ColumnElement[bool]:
    if shape.status is None or shape.who is access.Audience.ANONYMOUS:
        return access.public()
    if shape.status is ListStatus.SCHEDULED:
        condition = and_(access.published(), Post.published_at > access.NOW)
    else:
        condition = and_(Post.status == shape.status.value, Post.deleted_at.is_(None))
    if shape.who is access.Audience.EDITOR:
        return condition
    return and_(condition, Post.author_id == access.VIEWER_ID)


def _conditions(shape: _ListShape) -> list[ColumnElement[bool]]:
    return [_status_condition(shape), *_filters(shape)]


def _filters(shape: _ListShape, *, tags_from: int = 0) -> list[ColumnElement[bool]]:
    """The author and tag filters; the tags from number `tags_from` on."""
    conditions: list[ColumnElement[bool]] = []
    if shape.author == "id":
        conditions.append(Post.author_id == bindparam("author_id", type_=Post.author_id.type))
    elif shape.author == "name":
        username = bindparam("author_name", type_=String())
        conditions.append(Post.author_id == users_queries.id_by_username_query(username))
    if shape.followed:
        follower = bindparam("followed_by", type_=Post.author_id.type)
        conditions.append(Post.author_id.in_(users_queries.followed_ids_query(follower)))
    if shape.liked:
        liker = users_queries.id_by_username_query(bindparam("liked_by_name", type_=String()))
        conditions.append(Post.id.in_(reactions_queries.liked_post_ids_query(liker)))
    # Posts carrying all of them: one semi-join per tag, on the (tag_id, post_id) index.
    conditions += [
        Post.id.in_(tags_queries.posts_with_tag(n)) for n in range(tags_from, shape.tags)
    ]
    return conditions


def ordering(sort: PostSort, *, unpublished: bool = True) -> list[ColumnElement[Any]]:
    """The list order. Published posts always have `published_at`: without unpublished ones
    in the set, no NULLS LAST is needed, and the newest-first order is the public feed
    index's own (one page read, then stop)."""
    newest = Post.published_at.desc()
    by: dict[PostSort, ColumnElement[Any]] = {
        PostSort.NEWEST: newest.nulls_last() if unpublished else newest,
        PostSort.OLDEST: Post.published_at.asc().nulls_last(),
        PostSort.MOST_LIKED: Post.likes_count.desc(),
        PostSort.MOST_COMMENTED: Post.comments_count.desc(),
        PostSort.MOST_VIEWED: Post.views_count.desc(),
    }
    return [by[sort], Post.created_at.desc(), Post.id.desc()]


class PageStatements(NamedTuple):
    """A list's statements, OFFSET and LIMIT bound: the total, the first page, a later page.

    A later page chooses its ids first, in a subquery: the per-post subqueries (tags, cover,
    the reader's flags) then run for the rows returned only, not for every row OFFSET skips
    (docs/performance.md). The first page skips nothing and keeps the simpler statement,
    which plans faster."""

    total: Select[Any]
    first: Select[Any]
    later: Select[Any]


def page_statements(
    conditions: Sequence[ColumnElement[bool]], order: Sequence[ColumnElement[Any]], *, viewer: bool
) -> PageStatements:
    count = select(func.count()).select_from(Post).where(*conditions)
    columns = post_select(viewer=viewer, full=False)
    first = columns.where(*conditions).order_by(*order).offset(OFFSET).limit(LIMIT)
    ids = (
        select(Post.id.label("page_post_id"))
        .where(*conditions)
        .order_by(*order)
        .offset(OFFSET)
        .limit(LIMIT)
        .subquery("page_ids")
    )
    later = columns.join(ids, ids.c.page_post_id == Post.id).order_by(*order)
    return PageStatements(count, first, later)


async def _run_page(
    session: AsyncSession,
    statements: PageStatements,
    values: dict[str, Any],
    params: PageParams,
    *,
    viewer: bool,
) -> Document:
    """One page (a `Page[PostSummary]` document) and the total, in two statements."""
    page = statements.later if params.offset else statements.first
    page_values = {**values, "offset": params.offset, "limit": params.limit}
    total, rows = await core_execute_all(session, (statements.total, values), (page, page_values))
    return {
        "data": [rendering.summary_document(row, viewer) for row in rows.mappings()],
        "pagination": pagination(params, total.scalar() or 0),
    }


def _in_tag_feed(shape: _ListShape) -> bool:
    """Whether the list is a range of its first tag's feed: public posts (no status asked
    for, or an anonymous reader's), newest first, of a tag."""
    public = shape.status is None or shape.who is access.Audience.ANONYMOUS
    return public and shape.tags > 0 and shape.sort is PostSort.NEWEST


def _tag_feed_statements(shape: _ListShape) -> PageStatements:
    """A tag's public posts, newest first, as one range of its feed in `post_tags`
    (`ix_post_tags_public_feed`), as the front page is a range of `ix_posts_public_feed`.
    The total and a later page's ids come from that index alone when the tag is the only
    filter; the rows shown are checked against the public rule too, so a link out of step
    with its post could only hide a post, never show one."""
    feed, linked = tags_queries.FEED, tags_queries.FEED.c.post_id == Post.id
    in_feed = [tags_queries.feed_range(0, access.NOW), *_filters(shape, tags_from=1)]
    links = select(feed) if len(in_feed) == 1 else select(feed).join(Post, linked)
    count = links.with_only_columns(func.count()).where(*in_feed)
    order = tags_queries.feed_newest_first()
    shown = [*in_feed, access.public()]
    columns = post_select(viewer=shape.who is not access.Audience.ANONYMOUS, full=False)
    first = columns.join(feed, linked).where(*shown).order_by(*order).offset(OFFSET).limit(LIMIT)
    ids = links.with_only_columns(feed.c.post_id.label("page_post_id")).where(*in_feed)
    page_ids = ids.order_by(*order).offset(OFFSET).limit(LIMIT).subquery("page_ids")
    later = columns.join(page_ids, page_ids.c.page_post_id == Post.id).where(access.public())
    return PageStatements(count, first, later.order_by(*ordering(shape.sort, unpublished=False)))


@functools.cache
def _list_statements(shape: _ListShape) -> PageStatements:
    if _in_tag_feed(shape):
        return _tag_feed_statements(shape)
    unpublished = shape.status not in (None, ListStatus.PUBLISHED, ListStatus.SCHEDULED)
    order = ordering(shape.sort, unpublished=unpublished)
    viewer = shape.who is not access.Audience.ANONYMOUS
    return page_statements(_conditions(shape), order, viewer=viewer)


def list_statements(
    filters: PostFilters, viewer: User | None
) -> tuple[PageStatements, dict[str, Any]]:
    """The statements of a list and the values they bind (OFFSET and LIMIT aside)."""
    shape, values = _list_shape(filters, viewer)
    return _list_statements(shape), values


def filtered(
    filters: PostFilters, viewer: User | None
) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The list's conditions and the values they bind, for statements built elsewhere (search)."""
    shape, values = _list_shape(filters, viewer)
    return _conditions(shape), values


async def list_posts(
    session: AsyncSession, filters: PostFilters, params: PageParams, viewer: User | None
) -> Document:
    """A `Page[PostSummary]` document."""
    statements, values = list_statements(filters, viewer)
    return await _run_page(session, statements, values, params, viewer=viewer is not None)


async def list_bookmarked(session: AsyncSession, user: User, params: PageParams) -> Document:
    """The reader's bookmarks that they can still see, the most recently bookmarked first."""
    post_id = Post.__table__.c.id
    bookmarked_at = reactions_queries.bookmarked_at(user.id, post_id)
    conditions = [
        access.visible_to(user, utcnow()),
        reactions_queries.bookmarked_column(user.id, post_id),
    ]
    order: list[ColumnElement[Any]] = [bookmarked_at.desc(), Post.id.desc()]
    statements = page_statements(conditions, order, viewer=True)
    return await _run_page(session, statements, {"viewer_id": user.id}, params, viewer=True)
