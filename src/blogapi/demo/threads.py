"""Comment threads: replies by materialised path, a few posts with hundreds of comments.

A comment's path is the 32-hex-digit ids of its ancestors and itself, end to end (see
`comments/models.py`). Ids are handed out in the order the comments were written, so
siblings sort oldest first, as the API's own UUIDv7 ids make them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import TYPE_CHECKING

from blogapi.comments.models import MAX_DEPTH, CommentStatus
from blogapi.core.db import new_id
from blogapi.demo import text

if TYPE_CHECKING:
    from blogapi.demo.generator import DemoPost

HOT_SHARE = 10  # one comment in ten goes to the hottest posts
HOT_POSTS_MAX = 10
COMMENTS_PER_HOT_POST = 5_000
REPLY_CHANCE = 0.65
HIDDEN_CHANCE = 0.015
DELETED_CHANCE = 0.03


@dataclass(slots=True)
class DemoComment:
    id: uuid.UUID
    post_id: uuid.UUID
    author_id: uuid.UUID
    parent_id: uuid.UUID | None
    depth: int
    path: str
    content: str
    created_at: datetime
    status: CommentStatus = CommentStatus.VISIBLE
    deleted_at: datetime | None = None
    concealed: bool = False  # it or a comment above it is hidden (Comment.concealed)


def generate(
    rng: random.Random,
    posts: list[DemoPost],
    user_ids: list[uuid.UUID],
    total: int,
    now: datetime,
) -> list[DemoComment]:
    """`total` comments over `posts` (open for comments); sets each post's comments_count."""
    if not posts or not user_ids or total <= 0:
        return []
    # Some people comment a lot, most rarely.
    commenters = list(accumulate(rng.paretovariate(1.3) for _ in user_ids))
    comments: list[DemoComment] = []
    for post, count in zip(posts, _allocate(rng, posts, total), strict=True):
        thread = _thread(rng, post, count, user_ids, commenters, now)
        post.comments_count = _counted(thread)
        comments.extend(thread)
    return comments


def _counted(thread: list[DemoComment]) -> int:
    """What the post's comments_count counts (comments/queries.counted_on): live comments with
    no hidden comment at or above them, which it marks `concealed`. Parents come before their
    replies in `thread`."""
    by_id = {comment.id: comment for comment in thread}
    for comment in thread:
        above = comment.parent_id is not None and by_id[comment.parent_id].concealed
        comment.concealed = above or comment.status is CommentStatus.HIDDEN
    return sum(1 for c in thread if c.deleted_at is None and not c.concealed)


def _allocate(rng: random.Random, posts: list[DemoPost], total: int) -> list[int]:
    """How many comments each post gets: a share for the hottest few, the rest by popularity."""
    counts = [0] * len(posts)
    hot_count = min(len(posts), max(1, min(HOT_POSTS_MAX, total // COMMENTS_PER_HOT_POST)))
    hottest = sorted(range(len(posts)), key=lambda index: -posts[index].popularity)[:hot_count]
    hot_total = total // HOT_SHARE
    for rank, index in enumerate(hottest):
        counts[index] += hot_total // hot_count + (1 if rank < hot_total % hot_count else 0)
    cumulative = list(accumulate(post.popularity for post in posts))
    for index in rng.choices(range(len(posts)), cum_weights=cumulative, k=total - hot_total):
        counts[index] += 1
    return counts


def _thread(
    rng: random.Random,
    post: DemoPost,
    count: int,
    user_ids: list[uuid.UUID],
    commenters: list[float],
    now: datetime,
) -> list[DemoComment]:
    if count == 0:
        return []
    assert post.published_at is not None
    start, span = post.published_at, now - post.published_at
    # Most comments come soon after publication.
    times = sorted(start + span * rng.random() ** 2 for _ in range(count))
    authors = rng.choices(user_ids, cum_weights=commenters, k=count)
    thread: list[DemoComment] = []
    by_id: dict[uuid.UUID, DemoComment] = {}
    for written, author in zip(times, authors, strict=True):
        comment_id = new_id()
        parent = _parent(rng, thread, by_id)
        comment = DemoComment(
            id=comment_id,
            post_id=post.id,
            author_id=author,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            path=(parent.path if parent else "") + comment_id.hex,
            content=text.comment(rng),
            created_at=written,
        )
        thread.append(comment)
        by_id[comment_id] = comment
    _moderate(rng, thread, now)
    return thread


def _parent(
    rng: random.Random, thread: list[DemoComment], by_id: dict[uuid.UUID, DemoComment]
) -> DemoComment | None:
    """A recent comment to reply to (or none: a new top-level comment)."""
    if not thread or rng.random() >= REPLY_CHANCE:
        return None
    back = min(len(thread) - 1, int(rng.expovariate(0.2)))
    parent = thread[-1 - back]
    while parent.depth >= MAX_DEPTH and parent.parent_id is not None:
        parent = by_id[parent.parent_id]  # too deep: answer higher up, as the API asks
    return parent


def _moderate(rng: random.Random, thread: list[DemoComment], now: datetime) -> None:
    """Hide or delete a few; a comment is deleted only after its last direct reply."""
    last_reply: dict[uuid.UUID, datetime] = {}
    for comment in thread:
        if comment.parent_id is not None:
            last_reply[comment.parent_id] = comment.created_at
    for comment in thread:
        roll = rng.random()
        if roll < HIDDEN_CHANCE:
            comment.status = CommentStatus.HIDDEN
        elif roll < HIDDEN_CHANCE + DELETED_CHANCE:
            since = last_reply.get(comment.id, comment.created_at)
            comment.deleted_at = since + (now - since) * rng.random()
