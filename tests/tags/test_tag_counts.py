"""GET /tags and /tags/{slug}: counts of published, due, not deleted posts only."""

import httpx
from factories import POSTS, create_post, set_post, signed_in
from fastapi import FastAPI

TAGS = "/api/v1/tags"


async def test_tags_are_listed_with_published_post_counts_most_used_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["python", "web"])
    await create_post(client, author, tags=["python"])
    await create_post(client, author, tags=["go"])
    response = await client.get(TAGS)
    assert response.status_code == 200
    body = response.json()
    assert [(t["slug"], t["post_count"]) for t in body["data"]] == [
        ("python", 2),
        ("go", 1),
        ("web", 1),
    ]
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 3, "total_pages": 1}
    assert all(t["created_at"].endswith("Z") for t in body["data"])
    page = (await client.get(TAGS, params={"limit": 1, "page": 2})).json()
    assert [t["slug"] for t in page["data"]] == ["go"]


async def test_drafts_scheduled_archived_and_deleted_posts_are_not_counted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["counted"])
    await create_post(client, author, tags=["counted", "hidden"], status="draft")
    await create_post(client, author, tags=["counted", "hidden"], status="pending_review")
    await create_post(
        client, author, tags=["counted", "hidden"], published_at="2030-01-01T00:00:00Z"
    )
    archived = await create_post(client, author, tags=["counted", "hidden"])
    await set_post(client, author, archived["id"], status="archived")
    deleted = await create_post(client, author, tags=["counted", "hidden"])
    await client.delete(f"{POSTS}/{deleted['id']}", headers=author.headers)

    listed = (await client.get(TAGS)).json()["data"]
    assert [(t["slug"], t["post_count"]) for t in listed] == [("counted", 1)]
    one = await client.get(f"{TAGS}/counted")
    assert one.status_code == 200
    assert one.json()["post_count"] == 1
    hidden = await client.get(f"{TAGS}/hidden")
    assert hidden.status_code == 200
    assert hidden.json()["post_count"] == 0


async def test_a_tag_is_found_case_insensitively(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["rust"])
    response = await client.get(f"{TAGS}/RUST")
    assert response.status_code == 200
    assert response.json()["slug"] == "rust"


async def test_an_unknown_tag_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    response = await client.get(f"{TAGS}/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_an_overlong_tag_slug_or_bad_paging_is_400(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{TAGS}/{'x' * 31}")).status_code in (400, 404)
    for params in ({"limit": 0}, {"limit": 101}, {"page": 0}, {"page": "x"}):
        response = await client.get(TAGS, params=params)
        assert response.status_code == 400, params


async def test_counts_follow_publication_and_unpublication(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["moving"], status="draft")
    assert (await client.get(f"{TAGS}/moving")).json()["post_count"] == 0
    await set_post(client, author, post["id"], status="published")
    assert (await client.get(f"{TAGS}/moving")).json()["post_count"] == 1
    await set_post(client, author, post["id"], status="draft")
    assert (await client.get(f"{TAGS}/moving")).json()["post_count"] == 0
