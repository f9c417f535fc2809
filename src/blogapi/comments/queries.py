"""Reading comments: a thread page in thread order, one comment for a reader, comments with
their authors (who sees which is `access.py`)."""

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.comments import access, rendering
from blogapi.comments.models import Comment
from blogapi.comments.schemas import CommentOut
from blogapi.core.db import core_execute
from blogapi.core.errors import NotFound
from blogapi.core.pagination import LIMIT, OFFSET, PageParams, pagination
from blogapi.core.responses import Document
from blogapi.posts import queries as posts_queries
from blogapi.posts.models import Post
from blogapi.users import queries as users_queries
from blogapi.users.models import User


@dataclass(frozen=True, slots=True)
class CommentOnPost:
    """A comment the caller may see, with its post (which decides who moderates it)."""

    comment: Comment
    post: Post


POST_ID = bindparam("post_id", type_=Comment.post_id.type)
THREAD_COLUMNS = (
    "id",
    "post_id",
    "parent_id",
    "depth",
    "content",
    "status",
    "deleted_at",
    "created_at",
    "updated_at",
)


@functools.cache
def _thread_statements(*, moderator: bool) -> tuple[Select[Any], Select[Any]]:
    """The total and one page of a thread (POST_ID, OFFSET, LIMIT bound), authors joined.

    The page is a range of the (post_id, path) index, each row checked by its own columns
    (a deleted one also by a look for a live reply below it). For readers who do not moderate,
    the total is the post's `comments_count` (the comments they see with content) plus the
    placeholders, found among the post's deleted comments by their partial index: no
    statement reads the whole thread. Moderators' total counts the thread.
    """
    conditions = [Comment.post_id == POST_ID, *access.shown(moderator=moderator)]
    if moderator:
        count = select(func.count()).select_from(Comment).where(*conditions)
    else:
        in_sight, holding = access.placeholders(moderator=False)
        # The test as a FILTER, not in WHERE: there PostgreSQL makes the EXISTS a semi join
        # that reads the whole thread; here it looks for each deleted comment's first reply.
        placeholders = (
            select(func.count().filter(holding))
            .select_from(Comment)
            .where(Comment.post_id == POST_ID, *in_sight)
            .scalar_subquery()
        )
        count = select(Post.comments_count + placeholders).where(Post.id == POST_ID)
    columns = [getattr(Comment, name) for name in THREAD_COLUMNS]
    columns += [*users_queries.author_columns(), User.deleted_at.label("author_deleted_at")]
    # The total rides on each row (computed once: an uncorrelated subquery); only a page with
    # no rows asks for it on its own.
    columns.append(count.scalar_subquery().label("total"))
    page = (
        select(*columns)
        .join(User, User.id == Comment.author_id)
        .where(*conditions)
        .order_by(Comment.path)
        .offset(OFFSET)
        .limit(LIMIT)
    )
    return count, page


async def thread_page(
    session: AsyncSession, post: Post, viewer: User | None, params: PageParams
) -> Document:
    """One page of the post's comments in thread order and the total (a `Page[CommentOut]`
    document): one statement, built once, whatever the page size (two past the last page)."""
    count, page = _thread_statements(moderator=access.moderates(post, viewer))
    values = {"post_id": post.id, "offset": params.offset, "limit": params.limit}
    rows = (await core_execute(session, page, values)).mappings().all()
    if rows:
        total = rows[0]["total"]
    else:
        total = (await core_execute(session, count, {"post_id": post.id})).scalar()
    return {
        "data": [rendering.thread_document(row) for row in rows],
        "pagination": pagination(params, total or 0),
    }


def counted_on(post_id: uuid.UUID) -> ColumnElement[int]:
    """How many of the post's comments its `comments_count` counts: those an anonymous reader
    sees with their content, i.e. live and not `concealed` (the anonymous thread less its
    placeholders). As an expression for the statement that stores it."""
    return (
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id == post_id, Comment.deleted_at.is_(None), ~Comment.concealed)
        .scalar_subquery()
    )


async def get_visible(
    session: AsyncSession, comment_id: uuid.UUID, viewer: User | None, *, own_hidden: bool = False
) -> CommentOnPost:
    """A live comment `viewer` may see, on a post they may see, else 404. With `own_hidden`,
    also the viewer's own comment that a hidden one (it or an ancestor) keeps from readers."""
    comment = await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.deleted_at.is_(None))
    )
    if comment is None:
        raise NotFound("Comment not found")
    try:
        post = await posts_queries.get_visible(session, str(comment.post_id), viewer)
    except NotFound:
        raise NotFound("Comment not found") from None
    authors_own = own_hidden and viewer is not None and comment.author_id == viewer.id
    if comment.concealed and not authors_own and not access.moderates(post, viewer):
        raise NotFound("Comment not found")
    return CommentOnPost(comment=comment, post=post)


async def find_on_post(
    session: AsyncSession, post: Post, comment_id: uuid.UUID, viewer: User
) -> Comment | None:
    """A comment of `post` that `viewer` may see in its thread (deleted ones included)."""
    comment = await session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.post_id == post.id)
    )
    if comment is None:
        return None
    if comment.concealed and not access.moderates(post, viewer):
        return None
    return comment


async def render(session: AsyncSession, comments: Sequence[Comment]) -> list[CommentOut]:
    """Comments with their authors, in one statement for any number of them."""
    # Placeholders' authors too: the statement count depends on nothing but the page.
    authors = await users_queries.get_many(session, {c.author_id for c in comments})
    return [rendering.comment_out(comment, authors.get(comment.author_id)) for comment in comments]


async def numbers(session: AsyncSession, comment_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The comments' integer numbers, read back from the table (on SQLite a trigger sets
    them after the insert, so a comment object just flushed does not hold its own)."""
    if not comment_ids:
        return {}
    rows = await session.execute(
        select(Comment.id, Comment.number).where(Comment.id.in_(comment_ids))
    )
    return {row.id: row.number for row in rows}


async def id_by_number(session: AsyncSession, number: int) -> uuid.UUID | None:
    """The id of the comment numbered `number`, deleted or not (access is `get_visible`'s)."""
    found: uuid.UUID | None = await session.scalar(
        select(Comment.id).where(Comment.number == number)
    )
    return found
