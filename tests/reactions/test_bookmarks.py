"""Bookmarks: idempotent toggles, the `bookmarked` flag, `bookmarks_count`, and
GET /users/me/bookmarks."""

import uuid

import httpx
from factories import POSTS, create_post, list_posts, read_post, set_post, signed_in
from fastapi import FastAPI

BOOKMARKS = "/api/v1/users/me/bookmarks"


async def test_bookmarks_are_listed_most_recent_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    first = await create_post(client, author)
    second = await create_post(client, author)
    await create_post(client, author)
    for post in (second, first):
        response = await client.put(f"{POSTS}/{post['id']}/bookmark", headers=reader.headers)
        assert response.status_code == 204
    response = await client.get(BOOKMARKS, headers=reader.headers)
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["data"]] == [first["id"], second["id"]]
    assert all(p["bookmarked"] is True for p in body["data"])
    assert all(p["liked"] is False for p in body["data"])
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "total_pages": 1}
    paged = await client.get(BOOKMARKS, params={"limit": 1, "page": 2}, headers=reader.headers)
    assert [p["id"] for p in paged.json()["data"]] == [second["id"]]


async def test_bookmarking_is_idempotent(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['slug']}/bookmark"
    for _ in range(3):
        assert (await client.put(url, headers=reader.headers)).status_code == 204
    assert (await client.get(BOOKMARKS, headers=reader.headers)).json()["pagination"]["total"] == 1
    for _ in range(2):
        assert (await client.delete(url, headers=reader.headers)).status_code == 204
    assert (await client.get(BOOKMARKS, headers=reader.headers)).json()["data"] == []


async def test_bookmarked_is_true_false_or_null_depending_on_the_reader(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/bookmark", headers=reader.headers)
    assert (await read_post(client, post["id"], reader)).json()["bookmarked"] is True
    assert (await list_posts(client, reader))[0]["bookmarked"] is True
    assert (await read_post(client, post["id"], author)).json()["bookmarked"] is False
    assert (await list_posts(client, author))[0]["bookmarked"] is False
    assert (await read_post(client, post["id"])).json()["bookmarked"] is None
    assert (await list_posts(client))[0]["bookmarked"] is None


async def test_bookmarks_are_private_to_each_reader(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    other = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/bookmark", headers=reader.headers)
    assert (await client.get(BOOKMARKS, headers=other.headers)).json()["data"] == []
    # Removing someone else's bookmark is not possible: DELETE only touches your own.
    await client.delete(f"{POSTS}/{post['id']}/bookmark", headers=other.headers)
    assert len((await client.get(BOOKMARKS, headers=reader.headers)).json()["data"]) == 1


async def test_anonymous_bookmarks_are_401(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    assert (await client.get(BOOKMARKS)).status_code == 401
    for method in ("PUT", "DELETE"):
        response = await client.request(method, f"{POSTS}/{post['id']}/bookmark")
        assert response.status_code == 401


async def test_bookmarking_an_invisible_or_unknown_post_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    draft = await create_post(client, author, status="pending_review")
    for ref in (draft["id"], str(uuid.uuid4()), "missing"):
        response = await client.put(f"{POSTS}/{ref}/bookmark", headers=reader.headers)
        assert response.status_code == 404, ref
    assert (await client.get(BOOKMARKS, headers=reader.headers)).json()["data"] == []


async def test_a_bookmarked_post_that_goes_back_to_draft_leaves_the_list(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/bookmark", headers=reader.headers)
    await set_post(client, author, post["id"], status="draft")
    body = (await client.get(BOOKMARKS, headers=reader.headers)).json()
    assert body["data"] == []
    assert body["pagination"]["total"] == 0
    await set_post(client, author, post["id"], status="published")
    assert len((await client.get(BOOKMARKS, headers=reader.headers)).json()["data"]) == 1


async def test_bad_bookmark_paging_is_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    reader = await signed_in(app, client)
    for params in ({"limit": 0}, {"limit": 101}, {"page": 0}):
        response = await client.get(BOOKMARKS, params=params, headers=reader.headers)
        assert response.status_code == 400, params


async def bookmarks_counts(client: httpx.AsyncClient, post_id: str) -> set[int]:
    """The post's bookmarks_count wherever a post document carries it: read, list, search."""
    read = (await read_post(client, post_id)).json()["bookmarks_count"]
    listed = [p["bookmarks_count"] for p in await list_posts(client) if p["id"] == post_id]
    return {read, *listed}


async def test_bookmarks_count_moves_once_per_reader(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(2)]
    post = await create_post(client, author)
    assert post["bookmarks_count"] == 0
    url = f"{POSTS}/{post['id']}/bookmark"
    for reader in readers:
        for _ in range(2):  # again: nothing changes, nothing counted
            assert (await client.put(url, headers=reader.headers)).status_code == 204
    assert await bookmarks_counts(client, post["id"]) == {2}
    saved = (await client.get(BOOKMARKS, headers=readers[0].headers)).json()["data"]
    assert [p["bookmarks_count"] for p in saved] == [2]
    for _ in range(2):
        assert (await client.delete(url, headers=readers[0].headers)).status_code == 204
    assert await bookmarks_counts(client, post["id"]) == {1}
    # Not an edit of the post: its version and updated_at stay.
    after = await read_post(client, post["id"], author)
    assert after.json()["updated_at"] == post["updated_at"]
    assert after.headers["etag"].startswith('"1-')


async def test_removing_a_bookmark_nobody_made_leaves_the_count_at_zero(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    other = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/bookmark"
    assert (await client.delete(url, headers=reader.headers)).status_code == 204
    assert await bookmarks_counts(client, post["id"]) == {0}
    await client.put(url, headers=reader.headers)
    # Someone else's removal touches only their own (absent) bookmark.
    assert (await client.delete(url, headers=other.headers)).status_code == 204
    assert await bookmarks_counts(client, post["id"]) == {1}


async def test_refused_bookmarks_leave_the_count_alone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    draft = await create_post(client, author, status="draft")
    refused = [
        await client.put(f"{POSTS}/{post['id']}/bookmark"),
        await client.put(f"{POSTS}/{draft['id']}/bookmark", headers=reader.headers),
        await client.delete(f"{POSTS}/{post['id']}/bookmark"),
    ]
    assert [r.status_code for r in refused] == [401, 404, 401]
    assert await bookmarks_counts(client, post["id"]) == {0}
    assert (await read_post(client, draft["id"], author)).json()["bookmarks_count"] == 0
