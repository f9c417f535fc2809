"""tags keep their names; the specification's limits

Revision ID: c1a2b3c4d5e6
Revises: bd4a5c6f7e83
Create Date: 2026-12-05 08:00:00+00:00

Tags get `name` (as first written: "C++") and `name_key` (the name folded, unique: names
equal in any case are one tag); existing tags are named by their slugs, which stay. Slugs
may be longer than names ("C++" reads as `c-plus-plus`): 100 characters. Autocomplete
matches names, so the trigram index moves from the slug to the folded name (PostgreSQL).
Titles take 255 characters (posts and revisions), usernames 50.

Columns change their declared type without rebuilding a table: on SQLite a rebuild drops the
table, and dropping `tags`, `users` or `posts` would delete, by ON DELETE CASCADE, the rows
that reference them. SQLite's own procedure for changes that leave the stored rows as they
are (a declared length, a default) rewrites the table's declaration instead
(https://www.sqlite.org/lang_altertable.html#otheralter). On PostgreSQL, `posts.title` feeds
the generated `search_vector`, which blocks any change of its type: the vector column goes,
with its index, and comes back with the same expression (every row's vector is computed
again).

Downgrading drops the names (a tag renamed since keeps its slug) and cuts what no longer
fits: titles to 200 characters, slugs to 30 and usernames to 40, numbered when the cut makes
two equal.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1a2b3c4d5e6"
down_revision: str | None = "bd4a5c6f7e83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, length before, length after); tags/naming.py, users/schemas.py and
# posts/schemas.py as of this revision.
WIDENED = [
    ("tags", "slug", 30, 100),
    ("users", "username", 40, 50),
    ("posts", "title", 200, 255),
    ("post_revisions", "title", 200, 255),
]
NAME_LENGTH = 30
KEY_LENGTH = 100
# What a cut value is numbered with when the cut makes it equal another.
NUMBER_SEPARATOR = {"slug": "-", "username": "_"}


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _declare_on_sqlite(table: str, edits: list[tuple[str, str]]) -> None:
    """Replace column declarations in SQLite's stored CREATE TABLE of `table` (each `old`
    must occur exactly once), then bump the schema version so every connection reloads it."""
    connection = op.get_bind()
    find = sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name")
    declaration = connection.execute(find, {"name": table}).scalar_one()
    for old, new in edits:
        pattern = re.compile(rf"(?<![\w\"]){re.escape(old)}(?![\w(])")
        if len(pattern.findall(declaration)) != 1:
            raise RuntimeError(f"{table}: expected one {old!r} in {declaration!r}")
        declaration = pattern.sub(new, declaration)
    version = connection.execute(sa.text("PRAGMA schema_version")).scalar_one()
    connection.execute(sa.text("PRAGMA writable_schema = ON"))
    connection.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
        {"sql": declaration, "name": table},
    )
    connection.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    connection.execute(sa.text("PRAGMA writable_schema = OFF"))


def _search_vector_expression() -> str:
    query = sa.text(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE d.adrelid = 'posts'::regclass AND a.attname = 'search_vector'"
    )
    return str(op.get_bind().execute(query).scalar_one())


def _retype(table: str, column: str, old: int, new: int) -> None:
    """`table.column` from VARCHAR(old) to VARCHAR(new), on either engine."""
    if not _postgresql():
        _declare_on_sqlite(table, [(f"{column} VARCHAR({old})", f"{column} VARCHAR({new})")])
        return
    feeds_search = (table, column) == ("posts", "title")
    expression = _search_vector_expression() if feeds_search else ""
    if feeds_search:
        op.execute("ALTER TABLE posts DROP COLUMN search_vector")  # its index goes with it
    op.alter_column(
        table, column, type_=sa.String(new), existing_type=sa.String(old), existing_nullable=False
    )
    if feeds_search:
        # As the driver's own SQL: the expression holds `'zzfieldgap:100'`, no bind parameter.
        op.get_bind().exec_driver_sql(
            "ALTER TABLE posts ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        op.execute("CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)")


def _add_names() -> None:
    """`tags.name` and `tags.name_key`, NOT NULL, filled from the slugs (already folded)."""
    for column, length in (("name", NAME_LENGTH), ("name_key", KEY_LENGTH)):
        # SQLite adds a NOT NULL column only with a default; the declaration drops it below.
        op.execute(f"ALTER TABLE tags ADD COLUMN {column} VARCHAR({length}) NOT NULL DEFAULT ''")
    op.execute("UPDATE tags SET name = slug, name_key = slug")
    if _postgresql():
        for column in ("name", "name_key"):
            op.execute(f"ALTER TABLE tags ALTER COLUMN {column} DROP DEFAULT")
    else:
        _declare_on_sqlite(
            "tags",
            [
                (
                    f"{column} VARCHAR({length}) NOT NULL DEFAULT ''",
                    f"{column} VARCHAR({length}) NOT NULL",
                )
                for column, length in (("name", NAME_LENGTH), ("name_key", KEY_LENGTH))
            ],
        )
    op.create_index("ix_tags_name_key", "tags", ["name_key"], unique=True)


def upgrade() -> None:
    if _postgresql():
        op.execute("DROP INDEX IF EXISTS ix_tags_slug_trgm")
    _add_names()
    for table, column, old, new in WIDENED:
        _retype(table, column, old, new)
    if _postgresql():
        op.execute("CREATE INDEX ix_tags_name_key_trgm ON tags USING gin (name_key gin_trgm_ops)")


def _cut(value: str, length: int, separator: str | None) -> str:
    """`value` in `length` characters: at a separator when it has one (as slugs are cut)."""
    cut = value[:length]
    if separator and value[length:][:1] not in ("", separator) and separator in cut:
        cut = cut.rsplit(separator, 1)[0]
    return cut.rstrip(separator) if separator else cut.rstrip()


def _fit(table: str, column: str, length: int) -> None:
    """Cut the values of `table.column` longer than `length`; a unique column's cut values
    are numbered past the ones taken."""
    connection = op.get_bind()
    long_rows = connection.execute(
        sa.text(f"SELECT id, {column} FROM {table} WHERE length({column}) > :n"),  # noqa: S608
        {"n": length},
    ).all()
    if not long_rows:
        return
    separator = NUMBER_SEPARATOR.get(column)
    taken = set(connection.execute(sa.text(f"SELECT {column} FROM {table}")).scalars())  # noqa: S608
    for row_id, value in long_rows:
        fitted = _cut(value, length, separator)
        if separator is not None:
            number = 1
            while fitted in taken:
                number += 1
                suffix = f"{separator}{number}"
                fitted = _cut(value, length - len(suffix), separator) + suffix
            taken.add(fitted)
        connection.execute(
            sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),  # noqa: S608
            {"value": fitted, "id": row_id},
        )


def downgrade() -> None:
    if _postgresql():
        op.execute("DROP INDEX IF EXISTS ix_tags_name_key_trgm")
    for table, column, old, new in reversed(WIDENED):
        _fit(table, column, old)
        _retype(table, column, new, old)
    op.drop_index("ix_tags_name_key", table_name="tags")
    for column in ("name_key", "name"):
        op.execute(f"ALTER TABLE tags DROP COLUMN {column}")
    if _postgresql():
        op.execute("CREATE INDEX ix_tags_slug_trgm ON tags USING gin (slug gin_trgm_ops)")
