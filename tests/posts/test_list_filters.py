"""GET /posts: filters by author, tags and status; sort orders; bad parameters are 400."""

import httpx
import pytest
from factories import POSTS, create_post, list_posts, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


def ids(posts: list[dict[str, object]]) -> list[object]:
    return [p["id"] for p in posts]


async def test_the_default_list_is_published_posts_newest_first_in_the_envelope(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    old = await create_post(client, author, published_at="2021-01-01T00:00:00Z")
    new = await create_post(client, author, published_at="2023-01-01T00:00:00Z")
    mid = await create_post(client, author, published_at="2022-01-01T00:00:00Z")
    await create_post(client, author, status="draft")
    response = await client.get(POSTS, params={"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert ids(body["data"]) == [new["id"], mid["id"]]
    assert body["pagination"] == {"page": 1, "limit": 2, "total": 3, "total_pages": 2}
    second = (await client.get(POSTS, params={"limit": 2, "page": 2})).json()
    assert ids(second["data"]) == [old["id"]]
    beyond = (await client.get(POSTS, params={"limit": 2, "page": 3})).json()
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 3
    assert "content" not in body["data"][0]
    assert "content_html" not in body["data"][0]


async def test_sort_orders(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(2)]
    a = await create_post(client, author, published_at="2021-01-01T00:00:00Z")
    b = await create_post(client, author, published_at="2022-01-01T00:00:00Z")
    c = await create_post(client, author, published_at="2023-01-01T00:00:00Z")
    for reader in readers:
        await client.put(f"{POSTS}/{a['id']}/like", headers=reader.headers)
    await client.put(f"{POSTS}/{b['id']}/like", headers=readers[0].headers)
    assert ids(await list_posts(client)) == [c["id"], b["id"], a["id"]]
    assert ids(await list_posts(client, sort="-published_at")) == [c["id"], b["id"], a["id"]]
    assert ids(await list_posts(client, sort="published_at")) == [a["id"], b["id"], c["id"]]
    liked = await list_posts(client, sort="-likes_count")
    assert ids(liked) == [a["id"], b["id"], c["id"]]
    assert [p["likes_count"] for p in liked] == [2, 1, 0]
    commented = await list_posts(client, sort="-comments_count")
    assert sorted(ids(commented)) == sorted([a["id"], b["id"], c["id"]])
    counts = [p["comments_count"] for p in commented]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "likes_count"},
        {"sort": "title"},
        {"sort": "-published_at;drop"},
        {"status": "deleted"},
        {"status": "PUBLISHED"},
        {"limit": 0},
        {"limit": 101},
        {"limit": -5},
        {"limit": "ten"},
        {"page": 0},
        {"page": -1},
        {"page": "first"},
        {"page": 10**12},
        {"tag": "x" * 101},
        {"tag": "!!!"},
        {"author": "a" * 65},
    ],
)
async def test_bad_list_parameters_are_400(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    reader = await signed_in(app, client)
    for headers in ({}, reader.headers):
        response = await client.get(POSTS, params=params, headers=headers)
        assert response.status_code == 400, (params, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_more_than_ten_tags_in_a_filter_is_400(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.get(POSTS, params=[("tag", f"t{n}") for n in range(11)])
    assert response.status_code == 400


async def test_author_filter_takes_a_username_or_an_id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    alice = await signed_in(app, client)
    bob = await signed_in(app, client)
    mine = await create_post(client, alice)
    theirs = await create_post(client, bob)
    assert ids(await list_posts(client, author=alice.username)) == [mine["id"]]
    assert ids(await list_posts(client, author=alice.username.upper())) == [mine["id"]]
    assert ids(await list_posts(client, author=alice.id)) == [mine["id"]]
    assert ids(await list_posts(client, author=bob.id)) == [theirs["id"]]


async def test_an_unknown_author_lists_nothing(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await signed_in(app, client)
    await create_post(client, alice)
    assert await list_posts(client, author="nobody_here") == []
    assert await list_posts(client, author="0190c0c0-0000-7000-8000-000000000000") == []


async def test_tag_filters_require_all_the_tags(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    both = await create_post(client, author, tags=["python", "web"])
    python = await create_post(client, author, tags=["python"])
    await create_post(client, author, tags=["web", "css"])
    await create_post(client, author)
    assert sorted(ids(await list_posts(client, tag="python"))) == sorted([both["id"], python["id"]])
    assert ids(await list_posts(client, tag=["python", "web"])) == [both["id"]]
    assert ids(await list_posts(client, tag=["Python", "WEB"])) == [both["id"]]
    assert len(await list_posts(client, tag=["python", "python"])) == 2
    assert await list_posts(client, tag=["python", "css"]) == []
    assert await list_posts(client, tag="nothing") == []


async def test_filters_combine(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await signed_in(app, client)
    bob = await signed_in(app, client)
    target = await create_post(client, alice, tags=["go"])
    await create_post(client, alice, tags=["rust"])
    await create_post(client, bob, tags=["go"])
    assert ids(await list_posts(client, author=alice.username, tag="go")) == [target["id"]]


async def test_status_lists_the_readers_own_posts(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await signed_in(app, client)
    bob = await signed_in(app, client)
    draft = await create_post(client, alice, status="draft")
    pending = await create_post(client, alice, status="pending_review")
    await create_post(client, bob, status="draft")
    assert ids(await list_posts(client, alice, status="draft")) == [draft["id"]]
    assert ids(await list_posts(client, alice, status="pending_review")) == [pending["id"]]
    assert await list_posts(client, alice, status="archived") == []
    # Another author's drafts stay invisible, even when asked for by author.
    assert await list_posts(client, alice, status="draft", author=bob.username) == []


async def test_editors_list_any_status(app: FastAPI, client: httpx.AsyncClient) -> None:
    alice = await signed_in(app, client)
    bob = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    drafts = [await create_post(client, alice), await create_post(client, bob)]
    drafts[0] = (
        await client.patch(
            f"{POSTS}/{drafts[0]['id']}", json={"status": "draft"}, headers=alice.headers
        )
    ).json()
    listed = await list_posts(client, editor, status="draft")
    assert sorted(ids(listed)) == sorted(ids(drafts))
    assert ids(await list_posts(client, editor, status="draft", author=bob.id)) == [drafts[1]["id"]]


async def test_anonymous_readers_asking_for_drafts_get_401(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, status="draft")
    for status in ("draft", "pending_review", "archived"):
        response = await client.get(POSTS, params={"status": status})
        assert response.status_code == 401, status
        assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


async def test_anonymous_status_published_is_the_public_list(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await create_post(client, author, published_at="2030-01-01T00:00:00Z")
    assert ids(await list_posts(client, status="published")) == [post["id"]]
