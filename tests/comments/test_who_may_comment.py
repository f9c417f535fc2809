"""Who may comment where: signed-in (verified) accounts, on published posts they can see."""

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import POSTS, assert_error, create_post, create_user, login, signed_in, verify_email
from fastapi import FastAPI
from harness import make_settings

from blogapi.core.config import Settings
from blogapi.main import create_app

from .threads import add_comment, comments_count, get_thread, thread_url


async def test_an_anonymous_comment_is_401(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.post(thread_url(post["id"]), json={"content": "Hi"})
    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    # 401 comes first: an anonymous caller learns nothing about which posts exist.
    missing = await client.post(thread_url("no-such-post"), json={"content": "Hi"})
    assert_error(missing, 401, "AUTHENTICATION_REQUIRED")
    assert await comments_count(client, post, author) == 0


async def test_commenting_on_someone_elses_draft_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    response = await client.post(
        thread_url(draft["id"]), json={"content": "Hi"}, headers=reader.headers
    )
    assert_error(response, 404, "NOT_FOUND")
    unknown = await client.post(
        thread_url("no-such-post"), json={"content": "Hi"}, headers=reader.headers
    )
    assert_error(unknown, 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "fields",
    [{"status": "draft"}, {"published_at": "2030-01-01T00:00:00Z"}],
    ids=["draft", "scheduled"],
)
async def test_a_post_that_is_not_published_yet_takes_no_comments(
    app: FastAPI, client: httpx.AsyncClient, fields: dict[str, str]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, **fields)
    response = await client.post(
        thread_url(post["id"]), json={"content": "Hi"}, headers=author.headers
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="post")
    assert await comments_count(client, post, author) == 0


async def test_commenting_on_a_deleted_post_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204
    response = await client.post(
        thread_url(post["id"]), json={"content": "Hi"}, headers=author.headers
    )
    assert_error(response, 404, "NOT_FOUND")


async def test_an_unverified_account_cannot_comment_when_verification_is_required(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    strict_app = create_app(make_settings(settings.database_url, require_email_verification=True))
    async with (
        LifespanManager(strict_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=strict_app), base_url="http://test"
        ) as strict,
    ):
        author = await login(strict, await create_user(strict_app))
        await verify_email(strict_app, strict, author)
        post = await create_post(strict, author)
        reader = await login(strict, await create_user(strict_app))
        response = await strict.post(
            thread_url(post["id"]), json={"content": "Hi"}, headers=reader.headers
        )
        assert_error(response, 403, "EMAIL_NOT_VERIFIED")
        assert (await get_thread(strict, post["id"]))["data"] == []
        await verify_email(strict_app, strict, reader)
        assert (await add_comment(strict, reader, post["id"]))["depth"] == 0
