"""`blogapi migrate --to REV`: down to a named revision (saying which migrations it undid)
and up again, with the rows kept; refusals in one line (exit 2) for a revision this blogapi
does not have, and for a database migrated by a newer one."""

import asyncio

import pytest

from blogapi.portability import revisions

from .moving import Blogapi, Place, add_account, migrate, query, refused, row_counts


def revision_of(place: Place) -> str | None:
    rows = asyncio.run(query(place.url, "SELECT version_num FROM alembic_version"))
    return str(rows[0][0]) if rows else None


def test_migrate_to_a_revision_and_back_to_head(target: Place, blogapi: Blogapi) -> None:
    migrate(target.url)
    asyncio.run(add_account(target))
    head = revisions.head()
    newest, previous = revisions.plan(head, None).steps[:2]
    previous_id = previous.split()[0]

    down = blogapi(target, "migrate", "--to", previous_id)

    assert down.code == 0, down.err
    assert down.out.splitlines() == [
        f"downgraded from {head} to {previous_id}; undid:",
        f"  {newest}",
    ]
    assert revision_of(target) == previous_id
    up = blogapi(target, "migrate", "--to", "head")
    assert up.out.splitlines() == [
        f"upgraded from {previous_id} to {head}; applied:",
        f"  {newest}",
    ]
    assert revision_of(target) == head
    assert asyncio.run(row_counts(target.url))["users"] == 1
    again = blogapi(target, "migrate", "--to", head[:6])
    assert again.out == f"the database is at {head} already\n"


def test_migrate_to_base_and_up_from_nothing(target: Place, blogapi: Blogapi) -> None:
    migrate(target.url)

    down = blogapi(target, "migrate", "--to", "base")

    assert down.code == 0, down.err
    assert down.out.startswith(f"downgraded from {revisions.head()} to base; undid:")
    assert revision_of(target) is None
    up = blogapi(target, "migrate", "--to", "head")
    assert up.out.startswith(f"upgraded from base to {revisions.head()}; applied:")


@pytest.mark.parametrize("revision", ["zzzz", "c"], ids=["unknown", "ambiguous"])
def test_migrate_to_a_revision_this_blogapi_does_not_have_is_refused(
    revision: str,
    target: Place,
    blogapi: Blogapi,
) -> None:
    migrate(target.url)

    ran = blogapi(target, "migrate", "--to", revision)

    assert f"this blogapi has no schema revision {revision!r}" in refused(ran, "migrate")
    assert revision_of(target) == revisions.head()


def test_a_database_migrated_by_a_newer_blogapi_is_refused(target: Place, blogapi: Blogapi) -> None:
    migrate(target.url)
    asyncio.run(query(target.url, "UPDATE alembic_version SET version_num = 'ffffffffffff'"))

    ran = blogapi(target, "migrate", "--to", "head")

    assert (
        "the database is at schema revision ffffffffffff, which this blogapi does not have"
    ) in refused(ran, "migrate")
    assert revision_of(target) == "ffffffffffff"
