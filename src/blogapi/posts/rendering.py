"""Posts as responses: rows of the read statements (`queries.post_select`) become plain
documents in their model's field order, serialised once by orjson (`core/responses.py`); the
routes declare the models for OpenAPI, and a test holds the documents to them. No SQL here.
"""

from collections.abc import Mapping
from typing import Any

from blogapi.core import media_urls
from blogapi.core.responses import Document
from blogapi.posts.models import PostRevision, PostStatus
from blogapi.posts.schemas import AuthorOut, PostSummary, RevisionOut, RevisionSummary
from blogapi.tags import rendering as tags_rendering
from blogapi.tags.schemas import TagSummary
from blogapi.users.models import User

# A result row by column name (SQLAlchemy's RowMapping is one).
Row = Mapping[Any, Any]


def summary_document(row: Row, viewer: bool) -> Document:
    """A PostSummary as plain data, in the model's field order (the JSON keeps that order).
    Our media's URLs are built on the serving app's address (core/media_urls.py)."""
    urls = media_urls.current()
    cover_key = row["cover_key"]
    return {
        "id": row["id"],
        "slug": row["slug"],
        "title": row["title"],
        "summary": row["summary"],
        "status": row["status"],
        "published_at": row["published_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "author": {
            "id": row["author_id"],
            "username": row["author_username"],
            "display_name": row["author_display_name"],
            "avatar_url": urls.url(row["author_avatar_url"]),
        },
        "tags": tags_rendering.post_tags(row["tags"]),
        "likes_count": row["likes_count"],
        "comments_count": row["comments_count"],
        "bookmarks_count": row["bookmarks_count"],
        "views_count": row["views_count"],
        "reading_time_minutes": row["reading_time_minutes"],
        "cover_media_id": row["cover_media_id"],
        "cover_url": None if cover_key is None else urls.of_key(cover_key),
        "liked": bool(row["liked"]) if viewer else None,
        "bookmarked": bool(row["bookmarked"]) if viewer else None,
    }


def post_document(row: Row, viewer: bool) -> Document:
    """A PostOut as plain data: the summary and the bodies."""
    document = summary_document(row, viewer)
    document["content"] = row["content"]
    document["content_html"] = media_urls.current().html(row["content_html"])
    return document


def summary_model(document: Document) -> PostSummary:
    """The model of a summary document, for responses that embed summaries (search hits)."""
    fields = {**document, "status": PostStatus(document["status"])}
    fields["author"] = AuthorOut.model_construct(**document["author"])
    fields["tags"] = [TagSummary.model_construct(**tag) for tag in document["tags"]]
    return PostSummary.model_construct(**fields)


def revision_summary(revision: PostRevision, editor: User | None) -> RevisionSummary:
    return RevisionSummary(
        number=revision.number,
        title=revision.title,
        editor=AuthorOut.model_validate(editor) if editor else None,
        created_at=revision.created_at,
    )


def revision_out(revision: PostRevision, editor: User | None) -> RevisionOut:
    return RevisionOut(
        **revision_summary(revision, editor).model_dump(),
        summary=revision.summary,
        content=revision.content,
    )
