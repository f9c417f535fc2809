"""Opening a preview link: the post as it is now, for anyone holding the token, until the
link is revoked or expires; a 301 once the post is public; one identical 404 for every token
that opens nothing; never kept by a cache; rate-limited per address."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
import time_machine
from factories import (
    POSTS,
    Account,
    assert_error,
    create_post,
    login,
    set_post,
    signed_in,
)
from fastapi import FastAPI

from blogapi.core.db import utcnow
from blogapi.posts.schemas import PostOut

from .links import assert_preview_headers, links_path, make_link, open_link, revoke

# The headers each response gets its own value of, whatever it answers.
PER_RESPONSE = {"x-request-id", "server-timing", "date"}


async def draft_with_link(
    app: FastAPI, client: httpx.AsyncClient, **fields: Any
) -> tuple[Account, dict[str, Any], dict[str, Any]]:
    author = await signed_in(app, client)
    post = await create_post(client, author, **{"status": "draft", **fields})
    return author, post, await make_link(client, author, post["id"])


def assert_gone(response: httpx.Response) -> None:
    error = assert_error(response, 404, "NOT_FOUND")
    assert error["details"] == []
    assert_preview_headers(response)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "draft"},
        {"status": "pending_review"},
        {"status": "published", "published_at": "2028-01-01T00:00:00Z"},  # scheduled
    ],
)
async def test_a_link_shows_the_post_as_it_is_now_to_anyone(
    app: FastAPI, client: httpx.AsyncClient, fields: dict[str, Any]
) -> None:
    author, post, link = await draft_with_link(app, client, **fields, content="First *words*")
    await set_post(client, author, post["id"], content="Second *words*")

    response = await open_link(client, link["token"])

    assert response.status_code == 200, response.text
    assert_preview_headers(response)
    body = response.json()
    assert body["preview"] == {"expires_at": link["expires_at"]}
    document = {k: v for k, v in body.items() if k != "preview"}
    PostOut.model_validate(document)
    assert document["id"] == post["id"]
    assert document["status"] == fields["status"]
    assert document["content"] == "Second *words*"
    assert "<em>words</em>" in document["content_html"]
    assert document["liked"] is None
    assert document["bookmarked"] is None
    assert (await client.get(f"{POSTS}/{post['id']}")).status_code == 404  # still private


async def test_an_authorization_header_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, _, link = await draft_with_link(app, client)
    anonymous = await open_link(client, link["token"])

    for headers in (author.headers, {"Authorization": "Bearer not-a-token"}):
        response = await client.get(f"/api/v1/preview/{link['token']}", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == anonymous.json()


async def test_a_revoked_link_stops_at_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, post, link = await draft_with_link(app, client)
    kept = await make_link(client, author, post["id"])
    assert (await open_link(client, link["token"])).status_code == 200

    assert (await revoke(client, author, post["id"], link["id"])).status_code == 204

    assert_gone(await open_link(client, link["token"]))
    assert (await open_link(client, kept["token"])).status_code == 200


async def test_a_link_stops_when_it_expires(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, post, link = await draft_with_link(app, client)
    short = await make_link(client, author, post["id"], expires_in_hours=1)

    with time_machine.travel(utcnow() + timedelta(minutes=59), tick=False):
        assert (await open_link(client, short["token"])).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=1, seconds=1), tick=False):
        assert_gone(await open_link(client, short["token"]))
        assert (await open_link(client, link["token"])).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=72, seconds=1), tick=False):
        assert_gone(await open_link(client, link["token"]))


async def test_an_expired_link_leaves_room_for_another(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, _ = await draft_with_link(app, client)
    for _ in range(9):
        await make_link(client, author, post["id"], expires_in_hours=1)

    with time_machine.travel(utcnow() + timedelta(hours=2), tick=False):
        again = await login(client, author.username)  # the old access token has expired
        for _ in range(9):
            await make_link(client, again, post["id"])
        response = await client.post(links_path(post["id"]), json={}, headers=again.headers)

    assert_error(response, 400, "VALIDATION_ERROR")


async def test_once_published_the_link_redirects_to_the_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, link = await draft_with_link(app, client)

    await set_post(client, author, post["id"], status="published")
    response = await open_link(client, link["token"])

    assert response.status_code == 301
    base = app.state.settings.public_base_url.rstrip("/")
    assert response.headers["location"] == f"{base}{POSTS}/{post['slug']}"
    assert_preview_headers(response)
    assert (await client.get(f"{POSTS}/{post['slug']}")).status_code == 200


async def test_a_post_published_for_later_is_previewed_until_its_time(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    at = utcnow() + timedelta(hours=2)
    _, post, link = await draft_with_link(
        app, client, status="published", published_at=at.isoformat()
    )

    assert (await open_link(client, link["token"])).status_code == 200
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        response = await open_link(client, link["token"])
    assert response.status_code == 301
    assert response.headers["location"].endswith(f"{POSTS}/{post['slug']}")


async def test_unpublished_again_the_link_shows_the_draft_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, link = await draft_with_link(app, client)
    await set_post(client, author, post["id"], status="published")
    assert (await open_link(client, link["token"])).status_code == 301

    await set_post(client, author, post["id"], status="draft")

    response = await open_link(client, link["token"])
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


async def test_an_archived_post_is_previewed_as_it_is(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, link = await draft_with_link(app, client)
    await set_post(client, author, post["id"], status="published")
    await set_post(client, author, post["id"], status="archived")

    response = await open_link(client, link["token"])

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert (await client.get(f"{POSTS}/{post['id']}")).status_code == 404


async def test_a_deleted_posts_link_opens_nothing(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, post, link = await draft_with_link(app, client)

    response = await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
    assert response.status_code == 204

    assert_gone(await open_link(client, link["token"]))


def _comparable(response: httpx.Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = response.json()
    body["error"].pop("request_id")
    headers = {k: v for k, v in response.headers.items() if k not in PER_RESPONSE}
    return response.status_code, body, headers


async def test_every_token_that_opens_nothing_gets_the_same_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post, revoked = await draft_with_link(app, client)
    expired = await make_link(client, author, post["id"], expires_in_hours=1)
    assert (await revoke(client, author, post["id"], revoked["id"])).status_code == 204
    other, deleted_post, of_deleted = await draft_with_link(app, client)
    response = await client.delete(f"{POSTS}/{deleted_post['id']}", headers=other.headers)
    assert response.status_code == 204
    unknown = "A" * 43
    tokens = {
        "unknown": unknown,
        "malformed": "not a token!",
        "too short": unknown[:42],
        "too long": unknown + "A",
        "with a slash": f"{unknown[:20]}/{unknown[20:]}",
        "revoked": revoked["token"],
        "of a deleted post": of_deleted["token"],
    }

    with time_machine.travel(utcnow() + timedelta(hours=1, seconds=1), tick=False):
        answers = {name: await open_link(client, token) for name, token in tokens.items()}
        answers["expired"] = await open_link(client, expired["token"])

    for response in answers.values():
        assert_gone(response)
    reference = _comparable(answers["unknown"])
    for name, response in answers.items():
        assert _comparable(response) == reference, name
    bodies = {r.content.replace(r.headers["x-request-id"].encode(), b"") for r in answers.values()}
    assert len(bodies) == 1
