"""A NUL byte in the path or query is a 400 before any route runs, on both engines."""

import httpx
import pytest
from factories import USERS, assert_error, create_user, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

TAGS = "/api/v1/tags"


@pytest.mark.parametrize(
    "url",
    [
        f"{TAGS}/a%00b",
        "/api/v1/posts/a%00b",
        "/api/v1/posts/a%00b/comments",
        "/api/v1/users/a%00b",
        "/api/v1/search?q=a%00b",
        "/api/v1/posts?tag=a%00b",
        "/api/v1/search/suggest?q=%00",
    ],
)
async def test_a_nul_in_the_path_or_query_is_400(client: httpx.AsyncClient, url: str) -> None:
    response = await client.get(url)

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"][0]["field"] in ("path", "query")
    assert "x-request-id" in response.headers


async def test_sqlite_does_not_cut_a_value_at_its_nul(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    created = await client.post(
        "/api/v1/posts",
        json={"title": "Tagged", "content": "Text.", "tags": ["a"]},
        headers=author.headers,
    )
    assert created.status_code == 201, created.text

    # `/tags/a\\0b` must not find the tag `a`.
    assert_error(await client.get(f"{TAGS}/a%00b"), 400, "VALIDATION_ERROR")
    assert (await client.get(f"{TAGS}/a")).status_code == 200


async def test_the_admin_user_search_with_a_nul_is_400_not_500(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_user(app, username="abc")

    response = await client.get(USERS, params={"q": "a\x00b"}, headers=admin.headers)

    assert_error(response, 400, "VALIDATION_ERROR")


async def test_a_percent_sign_that_is_not_a_nul_still_passes(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/search", params={"q": "100% pure"})

    assert response.status_code == 200, response.text
