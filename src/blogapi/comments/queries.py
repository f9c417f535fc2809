"""The read side of comments: who sees which, thread order, and rendering in bulk.

A comment's `path` starts with the path of each of its ancestors, so "B is in A's subtree"
is `B.path LIKE A.path || '%'` within one post, served by the (post_id, path) index.
"""

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Exists,
    RowMapping,
    Select,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from blogapi.comments.models import MAX_DEPTH, PATH_SEGMENT, Comment, CommentStatus
from blogapi.comments.schemas import CommentOut
from blogapi.core.db import core_execute_all
from blogapi.core.errors import NotFound
from blogapi.core.pagination import LIMIT, OFFSET, PageParams, pagination
from blogapi.core.responses import Document
from blogapi.posts import queries as posts_queries
from blogapi.posts.models import Post
from blogapi.posts.schemas import AuthorOut
from blogapi.users import service as users_service
from blogapi.users.models import User


@dataclass(frozen=True, slots=True)
class CommentOnPost:
    """A comment the caller may see, with its post (which decides who moderates it)."""

    comment: Comment
    post: Post


def moderates(post: Post, viewer: User | None) -> bool:
    """The post's author and editors moderate its comments, and see the hidden ones."""
    return viewer is not None and posts_queries.may_edit(post, viewer)


def _under_hidden(target: type[Comment]) -> Exists:
    """`target` or one of its ancestors is hidden: the whole subtree is out of sight."""
    hidden = aliased(Comment)
    # The ancestors' paths are the whole-segment prefixes of target's: at most
    # MAX_DEPTH + 1 index lookups instead of matching every hidden comment of the post.
    prefixes = [func.substr(target.path, 1, PATH_SEGMENT * n) for n in range(1, MAX_DEPTH + 2)]
    return exists().where(
        hidden.post_id == target.post_id,
        hidden.path.in_(prefixes),
        target.path.like(hidden.path + "%"),
        hidden.status == CommentStatus.HIDDEN.value,
    )


def _has_live_reply(target: type[Comment], *, moderator: bool) -> Exists:
    """Some reply below `target`, at any depth, is not deleted and is shown to the reader."""
    reply = aliased(Comment)
    conditions: list[ColumnElement[bool]] = [
        reply.post_id == target.post_id,
        reply.path.like(target.path + "%"),
        # The same subtree as a range ('g' sorts after every hex digit), which the index can
        # seek even though the LIKE pattern is not a constant.
        reply.path > target.path,
        reply.path < target.path + "g",
        reply.deleted_at.is_(None),
    ]
    if not moderator:
        conditions.append(not_(_under_hidden(reply)))
    return exists().where(*conditions)


@functools.cache  # immutable expressions, built once per flag: building them cost milliseconds
def shown(*, moderator: bool) -> tuple[ColumnElement[bool], ...]:
    """Which comments of a post a reader gets in the thread.

    Hidden subtrees only for moderators; a deleted comment only while a reply below it is
    shown (as a placeholder that keeps the thread together).
    """
    alive_or_holding = or_(
        Comment.deleted_at.is_(None), _has_live_reply(Comment, moderator=moderator)
    )
    if moderator:
        return (alive_or_holding,)
    return (not_(_under_hidden(Comment)), alive_or_holding)


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
    conditions = [Comment.post_id == POST_ID, *shown(moderator=moderator)]
    count = select(func.count()).select_from(Comment).where(*conditions)
    columns = [getattr(Comment, name) for name in THREAD_COLUMNS]
    columns += [*users_service.author_columns(), User.deleted_at.label("author_deleted_at")]
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
    count, page = _thread_statements(moderator=moderates(post, viewer))
    values = {"post_id": post.id, "offset": params.offset, "limit": params.limit}
    total, rows = await core_execute_all(session, (count, {"post_id": post.id}), (page, values))
    return {
        "data": [_thread_document(row) for row in rows.mappings()],
        "pagination": pagination(params, total.scalar() or 0),
    }


def _thread_document(row: RowMapping) -> Document:
    """A CommentOut as plain data, in the model's field order."""
    is_deleted = row["deleted_at"] is not None
    author = None
    if not is_deleted and row["author_deleted_at"] is None:
        author = {
            "id": row["author_id"],
            "username": row["author_username"],
            "display_name": row["author_display_name"],
            "avatar_url": row["author_avatar_url"],
        }
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "parent_id": row["parent_id"],
        "depth": row["depth"],
        "content": None if is_deleted else row["content"],
        "author": author,
        "status": row["status"],
        "is_deleted": is_deleted,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _with_concealment(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> tuple[Comment, bool] | None:
    """The comment matching `conditions`, and whether a hidden comment conceals it."""
    row = (
        await session.execute(
            select(Comment, _under_hidden(Comment).label("concealed")).where(*conditions)
        )
    ).one_or_none()
    if row is None:
        return None
    comment, concealed = row
    return comment, bool(concealed)


async def get_visible(
    session: AsyncSession, comment_id: uuid.UUID, viewer: User | None
) -> CommentOnPost:
    """A live comment `viewer` may see, on a post they may see, else 404."""
    found = await _with_concealment(session, Comment.id == comment_id, Comment.deleted_at.is_(None))
    if found is None:
        raise NotFound("Comment not found")
    comment, concealed = found
    try:
        post = await posts_queries.get_visible(session, str(comment.post_id), viewer)
    except NotFound:
        raise NotFound("Comment not found") from None
    if concealed and not moderates(post, viewer):
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
    if concealed and not moderates(post, viewer):
        return None
    return comment


async def render(session: AsyncSession, comments: Sequence[Comment]) -> list[CommentOut]:
    """Comments with their authors, in one statement for any number of them."""
    # Placeholders' authors too: the statement count depends on nothing but the page.
    authors = await users_service.get_many(session, {c.author_id for c in comments})
    return [_render_one(comment, authors.get(comment.author_id)) for comment in comments]


def _render_one(comment: Comment, author: User | None) -> CommentOut:
    is_deleted = comment.deleted_at is not None
    author_out = None
    if not is_deleted and author is not None and author.deleted_at is None:
        author_out = AuthorOut.model_validate(author)
    return CommentOut(
        id=comment.id,
        post_id=comment.post_id,
        parent_id=comment.parent_id,
        depth=comment.depth,
        content=None if is_deleted else comment.content,
        author=author_out,
        status=CommentStatus(comment.status),
        is_deleted=is_deleted,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )
