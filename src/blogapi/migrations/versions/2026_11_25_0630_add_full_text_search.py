"""add full-text search: a weighted tsvector (PostgreSQL) or an FTS5 table (SQLite)

The language of the PostgreSQL index is SEARCH_LANGUAGE at the time this runs (default
english); the queries use the same setting. To change it on an existing database, drop the
column and the index and run this migration again (downgrade one step, upgrade head).

Revision ID: 5e4a0c1d9b7f
Revises: ea903a2b81ce
Create Date: 2026-11-25 06:30:00+00:00
"""

import os
import re
from collections.abc import Sequence

from alembic import op

revision: str = "5e4a0c1d9b7f"
down_revision: str | None = "ea903a2b81ce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = "title, summary, content_text"
GAP = "zzfieldgap"


def _language() -> str:
    language = os.environ.get("SEARCH_LANGUAGE", "english")
    if not re.fullmatch(r"[a-z_]{2,40}", language):
        raise ValueError("SEARCH_LANGUAGE must name a text search configuration, e.g. english")
    return language


def _upgrade_postgresql() -> None:
    language = _language()
    # A throw-away lexeme at a distance of 100 between the fields, then deleted, keeps a
    # phrase from matching the end of one field and the start of the next.
    gap = f" || '{GAP}:100'::tsvector || "
    weighted = gap.join(
        f"setweight(to_tsvector('{language}', coalesce({column}, '')), '{weight}')"
        for column, weight in (("title", "A"), ("summary", "B"), ("content_text", "C"))
    )
    op.execute(
        "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"(ts_delete({weighted}, '{GAP}')) STORED"
    )
    op.execute("CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_posts_title_trgm ON posts USING gin (lower(title) gin_trgm_ops)")
    op.execute("CREATE INDEX ix_tags_slug_trgm ON tags USING gin (slug gin_trgm_ops)")


def _upgrade_sqlite() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE posts_fts USING fts5({FTS_COLUMNS}, content='posts', "
        "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
    )
    new_row = "new.rowid, new.title, new.summary, new.content_text"
    old_row = "'delete', old.rowid, old.title, old.summary, old.content_text"
    op.execute(
        "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN "
        f"INSERT INTO posts_fts(rowid, {FTS_COLUMNS}) VALUES ({new_row}); END"
    )
    op.execute(
        "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
        f"INSERT INTO posts_fts(posts_fts, rowid, {FTS_COLUMNS}) VALUES ({old_row}); END"
    )
    op.execute(
        f"CREATE TRIGGER posts_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON posts BEGIN "
        f"INSERT INTO posts_fts(posts_fts, rowid, {FTS_COLUMNS}) VALUES ({old_row}); "
        f"INSERT INTO posts_fts(rowid, {FTS_COLUMNS}) VALUES ({new_row}); END"
    )
    op.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tags_slug_trgm")
        op.execute("DROP INDEX IF EXISTS ix_posts_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_posts_search_vector")
        op.execute("ALTER TABLE posts DROP COLUMN search_vector")
    else:
        for trigger in ("posts_fts_insert", "posts_fts_delete", "posts_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
