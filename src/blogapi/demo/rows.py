"""The demo data as table rows, in the column order the writer sends them."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice

from blogapi.demo.bodies import Body
from blogapi.demo.generator import DemoData, DemoPost, Reaction
from blogapi.demo.writer import Row, TableRows
from blogapi.tags.naming import name_key
from blogapi.users.models import UserStatus

POST_CHUNK = 1_000

USER_COLUMNS = (
    "id", "email", "username", "password_hash", "display_name", "bio", "avatar_url", "role",
    "status", "email_verified_at", "auth_version", "deleted_at", "created_at", "updated_at",
)  # fmt: skip
POST_COLUMNS = (
    "id", "author_id", "slug", "title", "summary", "summary_is_custom", "content",
    "content_html", "content_text", "reading_time_minutes", "status", "published_at",
    "version", "likes_count", "comments_count", "bookmarks_count", "deleted_at", "created_at",
    "updated_at",
)  # fmt: skip
COMMENT_COLUMNS = (
    "id", "post_id", "author_id", "parent_id", "depth", "path", "content", "status",
    "deleted_at", "concealed", "created_at", "updated_at",
)  # fmt: skip
REACTION_COLUMNS = ("user_id", "post_id", "created_at")


def users(data: DemoData, password_hash: str) -> TableRows:
    rows: list[Row] = [
        (
            user.id,
            user.email,
            user.username,
            password_hash,
            user.display_name,
            user.bio,
            user.avatar_url,
            user.role.value,
            UserStatus.ACTIVE.value,
            user.created_at + timedelta(minutes=5) if user.verified else None,
            0,
            None,
            user.created_at,
            user.created_at,
        )
        for user in data.users
        if user.is_new
    ]
    return TableRows("users", USER_COLUMNS, rows)


def tags(data: DemoData, now: datetime) -> TableRows:
    created = now - timedelta(days=730)
    rows: list[Row] = [
        (tag.id, tag.slug, tag.name, name_key(tag.name), created) for tag in data.tags if tag.is_new
    ]
    return TableRows("tags", ("id", "slug", "name", "name_key", "created_at"), rows)


def _post(post: DemoPost, body: Body) -> Row:
    summary = post.custom_summary if post.custom_summary is not None else body.summary
    return (
        post.id, post.author_id, post.slug, post.title, summary,
        post.custom_summary is not None, body.content, body.content_html, body.content_text,
        body.reading_time_minutes, post.status.value, post.published_at, 1, post.likes_count,
        post.comments_count, post.bookmarks_count, post.deleted_at, post.created_at,
        post.updated_at,
    )  # fmt: skip


def posts(data: DemoData, bodies: Iterator[Body]) -> Iterator[TableRows]:
    """Posts in chunks as their bodies arrive, so loading overlaps rendering."""
    remaining = iter(data.posts)
    while chunk := list(islice(remaining, POST_CHUNK)):
        rows = [_post(post, body) for post, body in zip(chunk, bodies, strict=False)]
        yield TableRows("posts", POST_COLUMNS, rows)


def post_tags(data: DemoData) -> TableRows:
    rows: list[Row] = [(post.id, tag_id) for post in data.posts for tag_id in post.tag_ids]
    return TableRows("post_tags", ("post_id", "tag_id"), rows)


def comments(data: DemoData) -> TableRows:
    rows: list[Row] = [
        (
            c.id,
            c.post_id,
            c.author_id,
            c.parent_id,
            c.depth,
            c.path,
            c.content,
            c.status.value,
            c.deleted_at,
            c.concealed,
            c.created_at,
            c.deleted_at or c.created_at,
        )
        for c in data.comments
    ]
    return TableRows("comments", COMMENT_COLUMNS, rows)


def reactions(table: str, items: list[Reaction]) -> TableRows:
    return TableRows(table, REACTION_COLUMNS, list(items))


def all_tables(
    data: DemoData, bodies: Iterator[Body], password_hash: str, now: datetime
) -> Iterator[TableRows]:
    """Every table, parents before children."""
    yield users(data, password_hash)
    yield tags(data, now)
    yield from posts(data, bodies)
    yield post_tags(data)
    yield comments(data)
    yield reactions("post_likes", data.likes)
    yield reactions("bookmarks", data.bookmarks)
