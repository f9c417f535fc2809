"""follows and comment numbers (RealWorld compatibility)

Revision ID: b7d3e9f1a2c4
Revises: 8c2f4e6a1b3d
Create Date: 2026-12-05 12:00:00+00:00

- `follows`: who follows whom (the pair is the key; an index on the followee).
- `comments.number`: a unique integer per comment, the existing ones numbered in the order
  they were written. PostgreSQL: an identity column. SQLite has no sequences: the column
  defaults to 0 and a trigger gives each new row max+1 right after its insert (SQLite runs
  one writer at a time, so two inserts never read the same max).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d3e9f1a2c4"
down_revision: str | None = "8c2f4e6a1b3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGER = "comments_number_insert"


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("follower_id", sa.Uuid(), nullable=False),
        sa.Column("followee_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("follower_id <> followee_id", name=op.f("ck_follows_not_self")),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["users.id"],
            name=op.f("fk_follows_follower_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["followee_id"],
            ["users.id"],
            name=op.f("fk_follows_followee_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("follower_id", "followee_id", name=op.f("pk_follows")),
    )
    op.create_index("ix_follows_followee_id", "follows", ["followee_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.add_column("comments", sa.Column("number", sa.Integer(), sa.Identity(), nullable=False))
        # The identity filled the rows in storage order: renumber them in the order written,
        # then let the sequence go on after the last.
        op.execute(
            "UPDATE comments SET number = numbered.n FROM ("
            "SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM comments"
            ") AS numbered WHERE comments.id = numbered.id"
        )
        op.execute(
            "SELECT setval(pg_get_serial_sequence('comments', 'number'), "
            "coalesce((SELECT max(number) FROM comments), 0) + 1, false)"
        )
    else:
        op.execute("ALTER TABLE comments ADD COLUMN number INTEGER NOT NULL DEFAULT 0")
        op.execute(
            "UPDATE comments SET number = (SELECT count(*) FROM comments AS c "
            "WHERE c.created_at < comments.created_at "
            "OR (c.created_at = comments.created_at AND c.id <= comments.id))"
        )
        op.execute(
            f"CREATE TRIGGER {SQLITE_TRIGGER} AFTER INSERT ON comments "
            "FOR EACH ROW WHEN NEW.number = 0 BEGIN "
            "UPDATE comments SET number = (SELECT coalesce(max(number), 0) + 1 FROM comments) "
            "WHERE id = NEW.id; END"
        )
    op.create_index("ix_comments_number", "comments", ["number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_comments_number", table_name="comments")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {SQLITE_TRIGGER}")
    op.execute("ALTER TABLE comments DROP COLUMN number")
    op.drop_index("ix_follows_followee_id", table_name="follows")
    op.drop_table("follows")
