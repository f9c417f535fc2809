"""Preview links as their post's author and editors manage them: made (the token shown once,
kept hashed), listed without tokens, revoked; at most 10 live a post; anyone else's post 404."""

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from factories import assert_error, create_post, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.previews.models import PreviewLink

from .links import PREVIEW, links_path, live_links, make_link, revoke


def parse_time(value: str) -> datetime:
    assert value.endswith("Z"), value
    return datetime.fromisoformat(value)


async def stored_hashes(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(PreviewLink.token_hash)))


async def test_an_author_makes_a_link_whose_token_is_shown_once_and_kept_hashed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    before = datetime.now(UTC)

    response = await client.post(
        links_path(post["id"]), json={"expires_in_hours": 5}, headers=author.headers
    )

    assert response.status_code == 201, response.text
    link = response.json()
    assert set(link) == {"id", "url", "token", "expires_at"}
    token = link["token"]
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    assert link["url"] == f"{app.state.settings.public_base_url.rstrip('/')}{PREVIEW}/{token}"
    expires_at = parse_time(link["expires_at"])
    assert before + timedelta(hours=5) <= expires_at <= datetime.now(UTC) + timedelta(hours=5)
    assert response.headers["cache-control"] == "no-store, no-transform"
    assert await stored_hashes(app) == [hashlib.sha256(token.encode()).hexdigest()]

    listed = await live_links(client, author, post["id"])
    assert [item["id"] for item in listed] == [link["id"]]
    assert set(listed[0]) == {"id", "created_at", "expires_at", "created_by"}
    assert listed[0]["created_by"] == author.id
    assert token not in (await client.get(links_path(post["id"]), headers=author.headers)).text


async def test_links_last_72_hours_by_default_and_each_token_differs(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")

    first = await make_link(client, author, post["id"])
    response = await client.post(links_path(post["slug"]), headers=author.headers)  # no body

    assert response.status_code == 201, response.text
    second = response.json()
    for link in (first, second):
        made = parse_time(link["expires_at"]) - timedelta(hours=72)
        assert abs(made - datetime.now(UTC)) < timedelta(minutes=1)
    assert first["token"] != second["token"]
    assert [item["id"] for item in await live_links(client, author, post["id"])] == [
        second["id"],
        first["id"],
    ]


async def test_an_editor_and_a_contributor_author_manage_links_too(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor, status="pending_review")

    own = await make_link(client, contributor, post["id"])
    by_editor = await make_link(client, editor, post["id"])

    assert {item["id"] for item in await live_links(client, editor, post["id"])} == {
        own["id"],
        by_editor["id"],
    }
    assert (await revoke(client, contributor, post["id"], by_editor["id"])).status_code == 204
    assert (await revoke(client, editor, post["id"], own["id"])).status_code == 204
    assert await live_links(client, contributor, post["id"]) == []


@pytest.mark.parametrize("status", ["draft", "published"])
async def test_someone_elses_post_is_404_for_every_link_route(
    app: FastAPI, client: httpx.AsyncClient, status: str
) -> None:
    author = await signed_in(app, client)
    stranger = await signed_in(app, client)
    post = await create_post(client, author, status=status)
    link = await make_link(client, author, post["id"])
    path = links_path(post["id"])

    responses = [
        await client.post(path, json={}, headers=stranger.headers),
        await client.get(path, headers=stranger.headers),
        await client.delete(f"{path}/{link['id']}", headers=stranger.headers),
    ]

    for response in responses:
        assert_error(response, 404, "NOT_FOUND")
    assert [item["id"] for item in await live_links(client, author, post["id"])] == [link["id"]]


async def test_links_need_an_account(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    link = await make_link(client, author, post["id"])
    path = links_path(post["id"])

    for response in (
        await client.post(path, json={}),
        await client.get(path),
        await client.delete(f"{path}/{link['id']}"),
    ):
        assert_error(response, 401, "AUTHENTICATION_REQUIRED")


async def test_links_of_a_deleted_or_unknown_post_are_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    assert (
        await client.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    ).status_code == 204

    for ref in (post["id"], str(uuid.uuid4()), "no-such-post"):
        response = await client.post(links_path(ref), json={}, headers=author.headers)
        assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("hours", [0, 721, -1, 10**30, "twelve", 1.5, None])
async def test_expires_in_hours_out_of_range_or_not_an_integer_is_400(
    app: FastAPI, client: httpx.AsyncClient, hours: object
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")

    response = await client.post(
        links_path(post["id"]), json={"expires_in_hours": hours}, headers=author.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="expires_in_hours")
    assert await live_links(client, author, post["id"]) == []


async def test_the_bounds_1_and_720_are_accepted_and_unknown_fields_are_not(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")

    for hours in (1, 720):
        link = await make_link(client, author, post["id"], expires_in_hours=hours)
        left = parse_time(link["expires_at"]) - datetime.now(UTC)
        assert timedelta(hours=hours, minutes=-1) < left <= timedelta(hours=hours)
    response = await client.post(
        links_path(post["id"]), json={"token": "mine"}, headers=author.headers
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    response = await client.post(links_path(post["id"]), content=b"hours=3", headers=author.headers)
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_an_eleventh_live_link_is_400_until_one_is_revoked(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    links = [await make_link(client, author, post["id"]) for _ in range(10)]

    response = await client.post(links_path(post["id"]), json={}, headers=author.headers)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert len(await live_links(client, author, post["id"])) == 10
    assert (await revoke(client, author, post["id"], links[0]["id"])).status_code == 204
    await make_link(client, author, post["id"])
    other = await create_post(client, author, status="draft")  # the limit is per post
    await make_link(client, author, other["id"])


async def test_racing_requests_never_make_more_than_ten_live_links(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    for _ in range(6):
        await make_link(client, author, post["id"])

    responses = await asyncio.gather(
        *(client.post(links_path(post["id"]), json={}, headers=author.headers) for _ in range(8))
    )

    assert sorted(r.status_code for r in responses) == [201] * 4 + [400] * 4
    assert len(await live_links(client, author, post["id"])) == 10


async def test_revoking_twice_another_posts_link_or_an_unknown_one_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    other = await create_post(client, author, status="draft")
    link = await make_link(client, author, post["id"])
    others_link = await make_link(client, author, other["id"])

    first = await revoke(client, author, post["id"], link["id"])
    assert first.status_code == 204
    assert first.content == b""

    assert_error(await revoke(client, author, post["id"], link["id"]), 404, "NOT_FOUND")
    assert_error(await revoke(client, author, post["id"], others_link["id"]), 404, "NOT_FOUND")
    assert_error(await revoke(client, author, post["id"], str(uuid.uuid4())), 404, "NOT_FOUND")
    response = await revoke(client, author, post["id"], "not-an-id")
    assert_error(response, 400, "VALIDATION_ERROR", field="link_id")
    assert [item["id"] for item in await live_links(client, author, other["id"])] == [
        others_link["id"]
    ]
