"""Writing comments: replies by materialised path, edits, soft deletes and moderation.

The post's `comments_count` counts what an anonymous reader sees with its content
(`queries.counted_on`): hiding a comment uncounts its whole subtree. Each state change is a
conditional UPDATE; one that changed something recounts the post from the comments table in
the same transaction (`posts.service.recount_comments`), so whatever order racing requests
commit in, the last count is taken after every change before it. A new comment, a hide and
an unhide also set `concealed` again on the comment's subtree, after the post's row lock and
before the count, so it too is taken after every hide and reply committed before it.

A delete, a hide and an unhide lock the post's row before their comment's: a hide rewrites
rows below it under that lock, and a write below it holding its own row while waiting for the
post's deadlocked with it. (A new comment takes the lock after its insert, which no other
writer can see or wait for until it commits.)
"""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Update, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.comments import access, queries, rendering
from blogapi.comments.models import MAX_DEPTH, Comment, CommentStatus
from blogapi.comments.schemas import CommentCreate, CommentUpdate
from blogapi.core.db import new_id, utcnow
from blogapi.core.errors import NotFound, ValidationFailed
from blogapi.events import service as events_service
from blogapi.posts import access as posts_access
from blogapi.posts import queries as posts_queries
from blogapi.posts import service as posts_service
from blogapi.posts.models import Post
from blogapi.users.models import User

VISIBLE = CommentStatus.VISIBLE.value
HIDDEN = CommentStatus.HIDDEN.value


async def create_comment(
    session: AsyncSession, post: Post, author: User, data: CommentCreate
) -> Comment:
    """A new visible comment, top-level or a reply to a live comment of the same post.

    A post that is not published (yet) is a 400 on `post`; a parent that is unknown, on
    another post, deleted or too deep is a 400 on `parent_id`.
    """
    if not posts_access.is_public(post):  # drafts, scheduled and archived posts take none
        raise ValidationFailed.on_field("post", "Comments open once the post is published")
    comment = Comment(
        id=new_id(),
        post_id=post.id,
        author_id=author.id,
        content=data.content,
        status=VISIBLE,
    )
    if data.parent_id is None:
        comment.depth, comment.path = 0, comment.id.hex
    else:
        parent = await _reply_target(session, post, author, data.parent_id)
        comment.parent_id = parent.id
        comment.depth, comment.path = parent.depth + 1, parent.path + comment.id.hex
    session.add(comment)
    await session.flush()
    await _recount(session, post.id, conceal=comment)
    document = rendering.comment_out(comment, author).model_dump(mode="json")
    await _record(session, "comment.created", comment, post.slug, document)
    return comment


async def _reply_target(
    session: AsyncSession, post: Post, author: User, parent_id: uuid.UUID
) -> Comment:
    parent = await queries.find_on_post(session, post, parent_id, author)
    if parent is None:
        raise ValidationFailed.on_field("parent_id", "No such comment on this post")
    if parent.deleted_at is not None:
        raise ValidationFailed.on_field("parent_id", "You cannot reply to a deleted comment")
    if parent.depth + 1 > MAX_DEPTH:
        raise ValidationFailed.on_field(
            "parent_id", f"Replies nest at most {MAX_DEPTH} levels deep; reply higher up"
        )
    return parent


async def edit_comment(session: AsyncSession, comment: Comment, changes: CommentUpdate) -> Comment:
    if not await _update_where(session, comment, [_live()], content=changes.content):
        raise NotFound("Comment not found")
    return comment


async def delete_comment(session: AsyncSession, comment: Comment) -> None:
    """Soft delete; replies stay, under a placeholder."""
    await posts_service.lock_for_comments(session, comment.post_id)
    if not await _update_where(session, comment, [_live()], deleted_at=utcnow()):
        # A racing request deleted it first.
        raise NotFound("Comment not found")
    await _recount(session, comment.post_id)
    await _record(session, "comment.deleted", comment)


async def hide_comment(session: AsyncSession, comment: Comment) -> Comment:
    """Hide it and its replies from everyone but moderators (idempotent)."""
    await posts_service.lock_for_comments(session, comment.post_id)
    if await _update_where(session, comment, [_live(), _is(VISIBLE)], status=HIDDEN):
        await _recount(session, comment.post_id, conceal=comment)
        await _record(session, "comment.hidden", comment)
    return _still_live(comment)


async def unhide_comment(session: AsyncSession, comment: Comment) -> Comment:
    """Show it again (idempotent)."""
    await posts_service.lock_for_comments(session, comment.post_id)
    if await _update_where(session, comment, [_live(), _is(HIDDEN)], status=VISIBLE):
        await _recount(session, comment.post_id, conceal=comment)
    return _still_live(comment)


async def _record(
    session: AsyncSession,
    type_: str,
    comment: Comment,
    post_slug: str | None = None,
    document: dict[str, object] | None = None,
) -> None:
    """A comment event: the comment as readers see it when created, else only where it is
    (a hidden or deleted comment's words travel no further)."""
    if post_slug is None:
        post_slug = await posts_queries.slug_of(session, comment.post_id)
    where = {"id": str(comment.id), "post_id": str(comment.post_id)}
    data = {"comment": document or where, "post": {"id": str(comment.post_id), "slug": post_slug}}
    await events_service.record(session, type_, data, subject_id=comment.id)


async def _recount(
    session: AsyncSession, post_id: uuid.UUID, *, conceal: Comment | None = None
) -> None:
    """Count the post's comments again, under its row lock; first, with `conceal`, set
    `concealed` again on that comment's subtree (a delete changes no comment's)."""
    after_lock = [] if conceal is None else [_conceal_subtree(conceal)]
    await posts_service.recount_comments(session, post_id, queries.counted_on(post_id), after_lock)


def _conceal_subtree(top: Comment) -> Update:
    """`concealed` = `access.under_hidden` for `top` and every reply below it: only the rows
    it changes are written (none, for most replies)."""
    return (
        update(Comment)
        .where(
            Comment.post_id == top.post_id,
            *access.subtree_range(Comment, top.path, with_top=True),
            Comment.concealed != access.under_hidden(Comment),
        )
        # Hidden by a moderator is no edit: updated_at stays.
        .values(concealed=~Comment.concealed, updated_at=Comment.updated_at)
        .execution_options(synchronize_session=False)
    )


def _live() -> ColumnElement[bool]:
    return Comment.deleted_at.is_(None)


def _is(status: str) -> ColumnElement[bool]:
    return Comment.status == status


def _still_live(comment: Comment) -> Comment:
    if comment.deleted_at is not None:
        raise NotFound("Comment not found")
    return comment


async def _update_where(
    session: AsyncSession,
    comment: Comment,
    conditions: list[ColumnElement[bool]],
    **values: str | datetime,
) -> bool:
    """Change `comment` only if it still matches `conditions`; reload it either way.

    On PostgreSQL a racing UPDATE waits for the row and re-checks the conditions, so of two
    racing changes one matches and the other finds nothing to do.
    """
    result = await session.execute(
        update(Comment)
        .where(Comment.id == comment.id, *conditions)
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(comment)
    return int(getattr(result, "rowcount", 0)) == 1
