"""Who sees what: scheduled, draft and pending posts are the author's and the editors' only."""

from datetime import UTC, datetime, timedelta

import httpx
from factories import Account, create_post, list_posts, read_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def in_days(days: float) -> str:
    return iso(datetime.now(UTC) + timedelta(days=days))


async def cast(app: FastAPI, client: httpx.AsyncClient) -> tuple[Account, Account, Account]:
    """An author, another reader, and an editor."""
    return (
        await signed_in(app, client),
        await signed_in(app, client),
        await signed_in(app, client, role=Role.EDITOR),
    )


async def test_a_future_published_at_schedules_the_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, editor = await cast(app, client)
    when = in_days(3)
    post = await create_post(client, author, title="Later", published_at=when)
    assert post["status"] == "published"
    assert datetime.fromisoformat(post["published_at"]) == datetime.fromisoformat(when)
    for viewer in (None, reader):
        assert (await read_post(client, "later", viewer)).status_code == 404
        assert (await read_post(client, post["id"], viewer)).status_code == 404
        assert post["id"] not in [p["id"] for p in await list_posts(client, viewer)]
    for viewer in (author, editor):
        response = await read_post(client, "later", viewer)
        assert response.status_code == 200
        assert response.json()["id"] == post["id"]


async def test_the_author_finds_a_scheduled_post_in_their_published_list(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, published_at=in_days(1))
    mine = await list_posts(client, author, status="published")
    assert [p["id"] for p in mine] == [post["id"]]
    assert await list_posts(client, reader, status="published") == []


async def test_a_past_published_at_is_visible_at_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, title="Back", published_at="2020-05-01T10:00:00Z")
    assert post["published_at"] == "2020-05-01T10:00:00Z"
    assert (await read_post(client, "back", reader)).status_code == 200
    assert [p["id"] for p in await list_posts(client)] == [post["id"]]


async def test_a_published_at_with_an_offset_is_stored_in_utc(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, _, _ = await cast(app, client)
    post = await create_post(client, author, published_at="2021-03-04T12:00:00+02:00")
    assert post["published_at"] == "2021-03-04T10:00:00Z"


async def test_moving_the_date_forward_hides_a_published_post_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, title="Moved")
    assert (await read_post(client, "moved", reader)).status_code == 200
    await set_post(client, author, post["id"], published_at=in_days(2))
    assert (await read_post(client, "moved", reader)).status_code == 404
    await set_post(client, author, post["id"], published_at=in_days(-1))
    assert (await read_post(client, "moved", reader)).status_code == 200


async def test_drafts_and_pending_posts_are_404_to_others(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, editor = await cast(app, client)
    for status in ("draft", "pending_review"):
        post = await create_post(client, author, status=status)
        for viewer in (None, reader):
            response = await read_post(client, post["slug"], viewer)
            assert response.status_code == 404, (status, viewer)
            assert response.json()["error"]["code"] == "NOT_FOUND"
            assert (await read_post(client, post["id"], viewer)).status_code == 404
        for viewer in (author, editor):
            assert (await read_post(client, post["slug"], viewer)).json()["status"] == status
    assert await list_posts(client) == []
    assert await list_posts(client, reader) == []


async def test_archived_posts_are_404_to_others_but_not_to_the_author(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, editor = await cast(app, client)
    post = await create_post(client, author, title="Gone Quiet")
    await set_post(client, author, post["id"], status="archived")
    assert (await read_post(client, "gone-quiet", reader)).status_code == 404
    assert (await read_post(client, "gone-quiet")).status_code == 404
    assert (await read_post(client, "gone-quiet", author)).json()["status"] == "archived"
    assert (await read_post(client, "gone-quiet", editor)).json()["status"] == "archived"
    assert await list_posts(client) == []


async def test_a_draft_does_not_appear_in_the_public_list_even_for_its_author(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, _, _ = await cast(app, client)
    published = await create_post(client, author)
    await create_post(client, author, status="draft")
    assert [p["id"] for p in await list_posts(client, author)] == [published["id"]]


async def test_a_draft_gets_its_publication_time_when_published(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, status="draft")
    assert post["published_at"] is None
    before = datetime.now(UTC) - timedelta(seconds=5)
    published = await set_post(client, author, post["id"], status="published")
    assert datetime.fromisoformat(published["published_at"]) >= before
    assert (await read_post(client, post["slug"], reader)).status_code == 200


async def test_publishing_a_draft_with_a_future_date_schedules_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, status="draft")
    await set_post(client, author, post["id"], status="published", published_at=in_days(5))
    assert (await read_post(client, post["slug"], reader)).status_code == 404
    assert (await read_post(client, post["slug"], author)).json()["status"] == "published"


async def test_clearing_published_at_never_leaves_a_published_post_without_a_date(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader, _ = await cast(app, client)
    post = await create_post(client, author, title="Dated")
    response = await client.patch(
        f"/api/v1/posts/{post['id']}", json={"published_at": None}, headers=author.headers
    )
    # Either refused, or the post keeps a publication date: a published post without one
    # would be invisible to everyone forever while claiming to be published.
    if response.status_code == 400:
        assert (await read_post(client, post["id"], author)).json() == post
    else:
        assert response.status_code == 200
        assert response.json()["published_at"] is not None
        assert (await read_post(client, "dated", reader)).status_code == 200
