"""Comments as responses: thread rows and loaded comments become documents and models
(a deleted comment is a placeholder: no content, no author). No SQL here."""

from collections.abc import Mapping
from typing import Any

from blogapi.comments.models import Comment, CommentStatus
from blogapi.comments.schemas import CommentOut
from blogapi.core import media_urls
from blogapi.core.responses import Document
from blogapi.posts.schemas import AuthorOut
from blogapi.users.models import User

# A result row by column name (SQLAlchemy's RowMapping is one).
Row = Mapping[Any, Any]


def thread_document(row: Row) -> Document:
    """A CommentOut as plain data, in the model's field order."""
    is_deleted = row["deleted_at"] is not None
    author = None
    if not is_deleted and row["author_deleted_at"] is None:
        author = {
            "id": row["author_id"],
            "username": row["author_username"],
            "display_name": row["author_display_name"],
            "avatar_url": media_urls.current().url(row["author_avatar_url"]),
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


def comment_out(comment: Comment, author: User | None) -> CommentOut:
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
