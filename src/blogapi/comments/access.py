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
        conditions.append(not_(reply.concealed))
    return exists().where(*conditions)


def in_subtree(target: type[Comment], top: type[Comment]) -> tuple[ColumnElement[bool], ...]:
    """`target` is `top` or a reply below it, at any depth."""
    return (
        target.post_id == top.post_id,
        target.path.like(top.path + "%"),
        # The same subtree as a range ('g' sorts after every hex digit), which the index can
        # seek even though the LIKE pattern is not a constant.
        target.path >= top.path,
        target.path < top.path + "g",
    )


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
