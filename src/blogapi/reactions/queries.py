"""Likes and bookmarks in reads: the reader's flags and bookmark times as SQL expressions
that post reads put beside their columns."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, select

from blogapi.reactions.models import Bookmark, PostLike

UserId = uuid.UUID | ColumnElement[uuid.UUID]


def liked_column(user_id: UserId, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    return exists().where(PostLike.user_id == user_id, PostLike.post_id == post_id)


def bookmarked_column(user_id: UserId, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    return exists().where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)


def bookmarked_at(user_id: uuid.UUID, post_id: ColumnElement[uuid.UUID]) -> ColumnElement[datetime]:
    return (
        select(Bookmark.created_at)
        .where(Bookmark.user_id == user_id, Bookmark.post_id == post_id)
        .scalar_subquery()
    )


def liked_post_ids_query(user_id: UserId) -> Select[uuid.UUID]:
    """The ids of the posts `user_id` likes, for list filters (`liked_by`)."""
    return select(PostLike.post_id).where(PostLike.user_id == user_id)
