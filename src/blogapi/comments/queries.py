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
    and_,
    bindparam,
    distinct,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from blogapi.comments import access, rendering
from blogapi.comments.models import Comment, CommentStatus
from blogapi.comments.schemas import CommentOut
from blogapi.core.db import core_execute_all
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
    """The count and one page of a thread (POST_ID, OFFSET, LIMIT bound), authors joined."""
    conditions = [Comment.post_id == POST_ID, *access.shown(moderator=moderator)]
    count = select(func.count()).select_from(Comment).where(*conditions)
    columns = [getattr(Comment, name) for name in THREAD_COLUMNS]
    columns += [*users_queries.author_columns(), User.deleted_at.label("author_deleted_at")]
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
    document): two statements, built once, whatever the page size."""
    count, page = _thread_statements(moderator=access.moderates(post, viewer))
    values = {"post_id": post.id, "offset": params.offset, "limit": params.limit}
    total, rows = await core_execute_all(session, (count, {"post_id": post.id}), (page, values))
    return {
        "data": [rendering.thread_document(row) for row in rows.mappings()],
        "pagination": pagination(params, total.scalar() or 0),
    }


def counted_on(post_id: uuid.UUID) -> ColumnElement[int]:
    """How many of the post's comments its `comments_count` counts: those an anonymous reader
    sees with their content, i.e. live and not `access.under_hidden` (the anonymous thread
    less its placeholders). As an expression for the statement that stores it.

    The live comments less those in a hidden comment's subtree (DISTINCT: hidden subtrees
    nest), starting from the few hidden ones: 0.75 ms for a post of 966 comments, where
    matching each comment against its ancestors took 3.2 (bench/comment_counts.py).
    """
    live = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id == post_id, Comment.deleted_at.is_(None))
        .scalar_subquery()
    )
    hidden = aliased(Comment)
    concealed = (
        select(func.count(distinct(Comment.id)))
        .select_from(hidden)
        .join(Comment, and_(*access.in_subtree(Comment, hidden)))
        .where(
            hidden.post_id == post_id,
            hidden.status == CommentStatus.HIDDEN.value,
            Comment.post_id == post_id,
            Comment.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    return live - concealed


async def _with_concealment(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> tuple[Comment, bool] | None:
    """The comment matching `conditions`, and whether a hidden comment conceals it."""
    row = (
        await session.execute(
            select(Comment, access.under_hidden(Comment).label("concealed")).where(*conditions)
        )
    ).one_or_none()
    if row is None:
        return None
    comment, concealed = row
    return comment, bool(concealed)


async def get_visible(
    session: AsyncSession, comment_id: uuid.UUID, viewer: User | None, *, own_hidden: bool = False
) -> CommentOnPost:
    """A live comment `viewer` may see, on a post they may see, else 404. With `own_hidden`,
    also the viewer's own comment that a hidden one (it or an ancestor) keeps from readers."""
    found = await _with_concealment(session, Comment.id == comment_id, Comment.deleted_at.is_(None))
    if found is None:
        raise NotFound("Comment not found")
    comment, concealed = found
    try:
        post = await posts_queries.get_visible(session, str(comment.post_id), viewer)
    except NotFound:
        raise NotFound("Comment not found") from None
    authors_own = own_hidden and viewer is not None and comment.author_id == viewer.id
    if concealed and not authors_own and not access.moderates(post, viewer):
        raise NotFound("Comment not found")
    return CommentOnPost(comment=comment, post=post)


async def find_on_post(
    session: AsyncSession, post: Post, comment_id: uuid.UUID, viewer: User
) -> Comment | None:
    """A comment of `post` that `viewer` may see in its thread (deleted ones included)."""
    found = await _with_concealment(session, Comment.id == comment_id, Comment.post_id == post.id)
    if found is None:
        return None
    comment, concealed = found
    if concealed and not access.moderates(post, viewer):
        return None
    return comment


async def render(session: AsyncSession, comments: Sequence[Comment]) -> list[CommentOut]:
    """Comments with their authors, in one statement for any number of them."""
    # Placeholders' authors too: the statement count depends on nothing but the page.
    authors = await users_queries.get_many(session, {c.author_id for c in comments})
    return [rendering.comment_out(comment, authors.get(comment.author_id)) for comment in comments]
