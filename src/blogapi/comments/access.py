"""Who sees which comments: hidden subtrees only for moderators, deleted comments only as
placeholders holding up a shown reply; and who moderates a post's comments.

A comment's `path` starts with the path of each of its ancestors, so "B is in A's subtree"
is `B.path LIKE A.path || '%'` within one post, served by the (post_id, path) index.
Whether a hidden comment is at or above a comment (`under_hidden`) is stored on it as
`concealed`, which the reads filter on; the writes that can change it set it again.
"""

import functools

from sqlalchemy import (
    ColumnElement,
    Exists,
    SQLColumnExpression,
    exists,
    func,
    not_,
    or_,
)
from sqlalchemy.orm import aliased

from blogapi.comments.models import MAX_DEPTH, PATH_SEGMENT, Comment, CommentStatus
from blogapi.posts import access as posts_access
from blogapi.posts.models import Post
from blogapi.users.models import User


def moderates(post: Post, viewer: User | None) -> bool:
    """The post's author and editors moderate its comments, and see the hidden ones."""
    return viewer is not None and posts_access.may_edit(post, viewer)


def under_hidden(target: type[Comment]) -> Exists:
    """`target` or one of its ancestors is hidden: the whole subtree is out of sight (the rule
    that `Comment.concealed` stores; reads use the column)."""
    hidden = aliased(Comment)
    # The ancestors' paths are the whole-segment prefixes of target's: at most
    # MAX_DEPTH + 1 index lookups instead of matching every hidden comment of the post.
    prefixes = [func.substr(target.path, 1, PATH_SEGMENT * n) for n in range(1, MAX_DEPTH + 2)]
    return exists().where(
        hidden.post_id == target.post_id,
        hidden.path.in_(prefixes),
        target.path.like(hidden.path + "%"),
        hidden.status == CommentStatus.HIDDEN.value,
        # The same ancestors lie between target's top-level comment and target in path
        # order: a range of the index, which the planner takes where it would otherwise
        # read every comment of the post to test the prefixes (it expects a post to have few).
        hidden.path >= prefixes[0],
        hidden.path <= target.path,
    )


def subtree_range(
    target: type[Comment], top_path: SQLColumnExpression[str] | str, *, with_top: bool
) -> tuple[ColumnElement[bool], ...]:
    """`target` is a reply below the comment at `top_path`, at any depth (`with_top`: or that
    comment itself), on the same post: a range of the (post_id, path) index ('g' sorts after
    every hex digit, so exactly the paths that start with `top_path` lie in it), which the
    planner seeks where a LIKE pattern that is not a constant would not be."""
    return (
        target.path >= top_path if with_top else target.path > top_path,
        target.path < top_path + "g",
    )


def _has_live_reply(target: type[Comment], *, moderator: bool) -> Exists:
    """Some reply below `target`, at any depth, is not deleted and is shown to the reader."""
    reply = aliased(Comment)
    conditions: list[ColumnElement[bool]] = [
        reply.post_id == target.post_id,
        reply.path.like(target.path + "%"),
        *subtree_range(reply, target.path, with_top=False),
        reply.deleted_at.is_(None),
    ]
    if not moderator:
        conditions.append(not_(reply.concealed))
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
    return (not_(Comment.concealed), alive_or_holding)


@functools.cache
def placeholders(*, moderator: bool) -> tuple[tuple[ColumnElement[bool], ...], Exists]:
    """Which deleted comments a reader gets in the thread, as placeholders: those in sight
    (the conditions; few, and a partial index finds them) that `shown` keeps for a live reply
    below them (the test, to make of each)."""
    in_sight: list[ColumnElement[bool]] = [Comment.deleted_at.is_not(None)]
    if not moderator:
        in_sight.append(not_(Comment.concealed))
    return tuple(in_sight), _has_live_reply(Comment, moderator=moderator)
