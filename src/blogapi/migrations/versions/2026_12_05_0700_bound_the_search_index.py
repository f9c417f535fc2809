"""bound what the search index reads

Revision ID: 8a1d2f3c4b50
Revises: 7c3e9b2a1f40
Create Date: 2026-12-05 07:00:00+00:00

The text the index reads (`posts.content_text`) has each run of more than 64 characters
without a space cut into pieces, after punctuation where it has some, as the application now
writes it (posts/markdown.search_text: written out here, so that later changes to the app
cannot change what this revision does). PostgreSQL's parser takes quadratic time or worse on
long runs of `_`, `@`, `/` or `~` between letters; its generated `search_vector` follows the
rewritten rows by itself.

SQLite: the FTS5 table reads the text as two columns, through a view: its first 20,000
characters (to the end of the word there), which highlights come from, and the rest. FTS5's
highlight() over a whole 200 KB text dense with matches took 0.5 s, over that first part a
few milliseconds; every word is still indexed once.

Downgrading brings back the three-column FTS5 table; the cut runs stay cut (the old code
indexes them the same way).
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
HEAD_CHARS = 20_000  # search/queries.HIGHLIGHT_CHARS
BATCH = 500
TOKENIZE = "porter unicode61 remove_diacritics 2"
TRIGGERS = ("posts_fts_insert", "posts_fts_delete", "posts_fts_update")
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


def _head_and_tail(text: str) -> tuple[str, str]:
    """SQL for the first HEAD_CHARS characters of `text` to the end of the word there, and
    the rest. Once runs are cut, a space comes within RUN characters of any point, or the
    text ends."""
    cut = f"{HEAD_CHARS} + instr(substr({text}, {HEAD_CHARS + 1}, {RUN + 1}), ' ')"
    return f"substr({text}, 1, {cut})", f"substr({text}, {cut} + 1)"


def _create_fts(columns: str, content: str, values: str, old_values: str) -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE posts_fts USING fts5({columns}, content='{content}', "
        f"content_rowid='rowid', tokenize='{TOKENIZE}')"
    )
    new_row = f"new.rowid, new.title, new.summary, {values}"
    old_row = f"'delete', old.rowid, old.title, old.summary, {old_values}"
    op.execute(
        "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN "
        f"INSERT INTO posts_fts(rowid, {columns}) VALUES ({new_row}); END"
    )
    op.execute(
        "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
        f"INSERT INTO posts_fts(posts_fts, rowid, {columns}) VALUES ({old_row}); END"
    )
    op.execute(
        "CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, summary, content_text ON posts "
        f"BEGIN INSERT INTO posts_fts(posts_fts, rowid, {columns}) VALUES ({old_row}); "
        f"INSERT INTO posts_fts(rowid, {columns}) VALUES ({new_row}); END"
    )
    op.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")


def _drop_fts() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS posts_fts")
    op.execute("DROP VIEW IF EXISTS posts_fts_text")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _drop_fts()  # before the rows change, or its triggers would index them again
    _cut_runs_of_every_post()
    if not sqlite:
        return
    head, tail = _head_and_tail("content_text")
    op.execute(
        "CREATE VIEW posts_fts_text(rowid, title, summary, text_head, text_tail) AS "
        f"SELECT rowid, title, summary, {head}, {tail} FROM posts"
    )
    new_head, new_tail = _head_and_tail("new.content_text")
    old_head, old_tail = _head_and_tail("old.content_text")
    _create_fts(
        "title, summary, text_head, text_tail",
        "posts_fts_text",
        f"{new_head}, {new_tail}",
        f"{old_head}, {old_tail}",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_fts()
    _create_fts("title, summary, content_text", "posts", "new.content_text", "old.content_text")
