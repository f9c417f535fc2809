"""slugs never look like ids

Revision ID: bd4a5c6f7e83
Revises: ac3f4b5e6d72
Create Date: 2026-12-05 07:30:00+00:00

A ref that parses as a UUID now names a post by id only, and no new slug may parse as one.
Slugs written before that rule which do (a title that was an id, an explicit slug) get
`-post` appended (then `-2`, `-3`... if that is taken), so their posts stay reachable by slug
and can never capture a request meant for another post's id.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bd4a5c6f7e83"
down_revision: str | None = "ac3f4b5e6d72"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_SLUG_LENGTH = 100
SUFFIX = "-post"


def _parses_as_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, slug FROM posts")).all()
    taken = {slug for _, slug in rows}
    for post_id, slug in rows:
        if not _parses_as_uuid(slug):
            continue
        base = slug[: MAX_SLUG_LENGTH - len(SUFFIX)] + SUFFIX
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            ending = f"-{number}"
            candidate = base[: MAX_SLUG_LENGTH - len(ending)] + ending
        taken.add(candidate)
        connection.execute(
            sa.text("UPDATE posts SET slug = :slug WHERE id = :id"),
            {"slug": candidate, "id": post_id},
        )


def downgrade() -> None:
    # The old slugs are not restored: the new ones work under either revision.
    pass
