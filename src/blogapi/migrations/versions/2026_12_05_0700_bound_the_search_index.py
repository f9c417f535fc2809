"""bound what the search index reads

Revision ID: 8a1d2f3c4b50
Revises: 7c3e9b2a1f40
Create Date: 2026-12-05 07:00:00+00:00

The text the index reads (`posts.content_text`) has each run of more than 64 characters
without a space cut into pieces, after punctuation where it has some, as the application now
writes it (posts/markdown.search_text: written out here, so that later changes to the app
cannot change what this revision does). PostgreSQL's parser takes quadratic time or worse on
long runs of `_`, `@`, `/` or `~` between letters. Its generated `search_vector` follows
the rewritten rows by itself, and SQLite's FTS5 triggers index them again.

Downgrading leaves the cut runs cut (the old code indexes them the same way).
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a1d2f3c4b50"
down_revision: str | None = "7c3e9b2a1f40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN = 64
BATCH = 500
_LONG_RUN = re.compile(rf"\S{{{RUN + 1},}}")
_RUN_PIECE = re.compile(rf"\S{{0,{RUN - 1}}}(?:[^\w\s]|_)|\S{{1,{RUN}}}")

posts = sa.table("posts", sa.column("id", sa.Uuid()), sa.column("content_text", sa.Text()))


def _cut_runs(text: str) -> str:
    return _LONG_RUN.sub(lambda run: " ".join(_RUN_PIECE.findall(run.group())), text)


def _cut_runs_of_every_post() -> None:
    connection = op.get_bind()
    last = None
    while True:
        page = sa.select(posts.c.id, posts.c.content_text).order_by(posts.c.id).limit(BATCH)
        if last is not None:
            page = page.where(posts.c.id > last)
        rows = connection.execute(page).all()
        if not rows:
            return
        changed = [
            {"post_id": post_id, "text": cut}
            for post_id, text in rows
            if (cut := _cut_runs(text)) != text
        ]
        if changed:
            connection.execute(
                posts.update()
                .where(posts.c.id == sa.bindparam("post_id"))
                .values(content_text=sa.bindparam("text")),
                changed,
            )
        last = rows[-1][0]


def upgrade() -> None:
    _cut_runs_of_every_post()


def downgrade() -> None:
    pass
