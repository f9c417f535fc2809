"""HTTP caching: ETags and 304 on every public read, `public, max-age` for anonymous readers,
`private, no-cache` for signed-in ones, `no-store` for everything else."""

import httpx
import pytest
from factories import POSTS, Account, create_post, own_app, signed_in
from fastapi import FastAPI

PUBLIC = "public, max-age=60"
PRIVATE = "private, no-cache"


async def published(app: FastAPI, client: httpx.AsyncClient) -> tuple[Account, dict[str, str]]:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Cached words", tags=["caching"])
    response = await client.post(
        f"{POSTS}/{post['slug']}/comments", json={"content": "First"}, headers=author.headers
    )
    assert response.status_code == 201, response.text
    return author, post


def public_reads(author: Account, post: dict[str, str]) -> list[str]:
    return [
        POSTS,
        f"{POSTS}?tag=caching",
        f"{POSTS}/{post['slug']}",
        f"{POSTS}/{post['id']}/comments",
        "/api/v1/tags",
        "/api/v1/tags/caching",
        f"/api/v1/users/{author.username}",
        "/api/v1/search?q=cached",
        "/api/v1/search/suggest?q=cach",
    ]


async def test_every_public_read_has_an_etag_a_public_policy_and_answers_304(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post = await published(app, client)
    for url in public_reads(author, post):
        first = await client.get(url)
        assert first.status_code == 200, (url, first.text)
        assert first.headers["cache-control"] == PUBLIC, url
        assert first.headers["vary"] == "Authorization, Accept-Encoding", url
        etag = first.headers["etag"]
        assert etag.startswith('"'), url
        assert etag.endswith('"'), url

        again = await client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == PUBLIC


async def test_a_stale_or_foreign_etag_gets_the_whole_body(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post = await published(app, client)
    first = await client.get(POSTS)
    await create_post(client, author, title="A newer post")
    changed = await client.get(POSTS, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.json()["pagination"]["total"] == 2
    other = await client.get(f"{POSTS}/{post['slug']}", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200
    assert other.json()["slug"] == post["slug"]


async def test_the_etag_follows_the_page_asked_for(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, _ = await published(app, client)
    await create_post(client, author)
    page_one = await client.get(POSTS, params={"limit": 1})
    page_two = await client.get(
        POSTS, params={"limit": 1, "page": 2}, headers={"If-None-Match": page_one.headers["etag"]}
    )
    assert page_two.status_code == 200
    assert page_two.json()["data"] != page_one.json()["data"]


async def test_signed_in_reads_are_private_and_differ_from_anonymous_ones(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post = await published(app, client)
    for url in public_reads(author, post):
        response = await client.get(url, headers=author.headers)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == PRIVATE, url
        assert response.headers["vary"] == "Authorization, Accept-Encoding", url
    anonymous = await client.get(f"{POSTS}/{post['slug']}")
    signed = await client.get(f"{POSTS}/{post['slug']}", headers=author.headers)
    # The signed-in copy carries the reader's flags: its tag never matches the public one.
    assert signed.json()["liked"] is False
    assert anonymous.json()["liked"] is None
    assert signed.headers["etag"] != anonymous.headers["etag"]
    cross = await client.get(
        f"{POSTS}/{post['slug']}",
        headers={**author.headers, "If-None-Match": anonymous.headers["etag"]},
    )
    assert cross.status_code == 200


async def test_errors_writes_and_private_resources_are_never_stored(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, post = await published(app, client)
    missing = await client.get(f"{POSTS}/no-such-post")
    like = await client.put(f"{POSTS}/{post['slug']}/like", headers=author.headers)
    me = await client.get("/api/v1/users/me", headers=author.headers)
    sessions = await client.get("/api/v1/auth/sessions", headers=author.headers)
    refused = await client.get("/api/v1/users/me")
    statuses = [r.status_code for r in (missing, like, me, sessions, refused)]
    assert statuses == [404, 204, 200, 200, 401]
    for response in (missing, like, me, sessions, refused):
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert "etag" not in response.headers


async def test_an_if_none_match_on_a_missing_post_is_still_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{POSTS}/no-such-post", headers={"If-None-Match": "*"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("max_age", "policy"), [(0, "public, no-cache"), (300, "public, max-age=300")]
)
async def test_http_cache_max_age_sets_the_public_lifetime(
    database_url: str, max_age: int, policy: str
) -> None:
    async with own_app(database_url, rate_limits_enabled=False, http_cache_max_age=max_age) as (
        _,
        own_client,
    ):
        response = await own_client.get(POSTS)
    assert response.status_code == 200
    assert response.headers["cache-control"] == policy
