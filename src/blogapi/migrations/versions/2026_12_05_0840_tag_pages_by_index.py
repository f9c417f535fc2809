"""tag pages by index

Revision ID: d7e1a2b3c4f5
Revises: c4d5e6f7a8b9
Create Date: 2026-12-05 08:40:00+00:00

A tag's page of posts, newest first, and its total become one range of an index on
`post_tags`, as the front page is one range of `ix_posts_public_feed`: each link carries its
post's place in the public feed, `post_published_at` (the post's `published_at` while it is
published and not deleted, else NULL) and `post_created_at`, indexed by
(tag_id, post_published_at, post_created_at, post_id) where `post_published_at` is set.

The database keeps the copies right, whatever writes: a link takes its post's values when it
is made, and a post's change of status, date or deletion is copied to its links (triggers on
both engines; PostgreSQL's by a function). Existing links are filled here.

Authors' pages get the same kind of index on `posts`: (author_id, published_at, created_at,
id) where the post is published and not deleted.

Note for later migrations: on SQLite, rebuilding `posts` or `post_tags` (a batch alter) drops
their triggers; such a migration must create them again (`create_triggers` here).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7e1a2b3c4f5"
down_revision: str | None = "c4d5e6f7a8b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED = "status = 'published' AND deleted_at IS NULL"  # posts/models.PUBLIC_FEED_PREDICATE
LISTED = "post_published_at IS NOT NULL"
INDEXES = (
    (
        "ix_post_tags_public_feed",
        "post_tags",
        ["tag_id", "post_published_at", "post_created_at", "post_id"],
        LISTED,
    ),
    (
        "ix_posts_author_public_feed",
        "posts",
        ["author_id", "published_at", "created_at", "id"],
        PUBLISHED,
    ),
)


def _feed_date(post: str) -> str:
    """SQL: the post's date in the public feed, NULL when it is not published or deleted."""
    return (
        f"CASE WHEN {post}.status = 'published' AND {post}.deleted_at IS NULL "
        f"THEN {post}.published_at END"
    )


POSTGRESQL_TRIGGERS = [
    f"""
    CREATE FUNCTION post_tags_take_post() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT {_feed_date("p")}, p.created_at INTO NEW.post_published_at, NEW.post_created_at
        FROM posts p WHERE p.id = NEW.post_id;
        RETURN NEW;
    END $$
    """,  # noqa: S608 (constants)
    """
    CREATE TRIGGER post_tags_take_post BEFORE INSERT OR UPDATE OF post_id ON post_tags
    FOR EACH ROW EXECUTE FUNCTION post_tags_take_post()
    """,
    f"""
    CREATE FUNCTION posts_to_post_tags() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE post_tags SET post_published_at = {_feed_date("NEW")},
            post_created_at = NEW.created_at
        WHERE post_id = NEW.id;
        RETURN NULL;
    END $$
    """,  # noqa: S608 (constants)
    """
    CREATE TRIGGER posts_to_post_tags AFTER UPDATE OF status, published_at, deleted_at, created_at
    ON posts FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
        OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION posts_to_post_tags()
    """,
]
POSTGRESQL_DROPS = [
    "DROP TRIGGER posts_to_post_tags ON posts",
    "DROP FUNCTION posts_to_post_tags()",
    "DROP TRIGGER post_tags_take_post ON post_tags",
    "DROP FUNCTION post_tags_take_post()",
]

# SQLite cannot change NEW: the new link is updated after its insert.
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER post_tags_take_post AFTER INSERT ON post_tags BEGIN
        UPDATE post_tags SET (post_published_at, post_created_at) =
            (SELECT {_feed_date("p")}, p.created_at FROM posts p WHERE p.id = NEW.post_id)
        WHERE post_id = NEW.post_id AND tag_id = NEW.tag_id;
    END
    """,  # noqa: S608 (constants)
    f"""
    CREATE TRIGGER posts_to_post_tags
    AFTER UPDATE OF status, published_at, deleted_at, created_at ON posts BEGIN
        UPDATE post_tags SET post_published_at = {_feed_date("NEW")},
            post_created_at = NEW.created_at
        WHERE post_id = NEW.id;
    END
    """,  # noqa: S608 (constants)
]
SQLITE_DROPS = ["DROP TRIGGER posts_to_post_tags", "DROP TRIGGER post_tags_take_post"]


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def create_triggers() -> None:
    for statement in POSTGRESQL_TRIGGERS if _postgres() else SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    timestamp = "TIMESTAMP WITH TIME ZONE" if _postgres() else "DATETIME"
    for column in ("post_published_at", "post_created_at"):
        op.execute(f"ALTER TABLE post_tags ADD COLUMN {column} {timestamp}")
    op.execute(
        f"UPDATE post_tags SET post_published_at = "  # noqa: S608 (constants)
        f"(SELECT {_feed_date('p')} FROM posts p WHERE p.id = post_tags.post_id), "
        "post_created_at = (SELECT p.created_at FROM posts p WHERE p.id = post_tags.post_id)"
    )
    create_triggers()
    for name, table, columns, where in INDEXES:
        where_clause = sa.text(where)
        op.create_index(
            name, table, columns, postgresql_where=where_clause, sqlite_where=where_clause
        )


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    for statement in POSTGRESQL_DROPS if _postgres() else SQLITE_DROPS:
        op.execute(statement)
    for column in ("post_created_at", "post_published_at"):
        op.execute(f"ALTER TABLE post_tags DROP COLUMN {column}")
