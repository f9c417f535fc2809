"""GET /posts/{ref}/comments: thread order, pagination, and who may read which thread."""

import httpx
import pytest
from factories import POSTS, USERS, assert_error, create_post, signed_in
from fastapi import FastAPI

from .threads import (
    add_comment,
    comment_url,
    get_thread,
    moderate,
    thread_contents,
    thread_url,
)


async def test_replies_follow_their_parent_and_siblings_come_oldest_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    ref = post["id"]
    # Written out of thread order, as a real discussion is.
    a = await add_comment(client, author, ref, "A")
    b = await add_comment(client, reader, ref, "B")
    a1 = await add_comment(client, reader, ref, "A1", a["id"])
    b1 = await add_comment(client, author, ref, "B1", b["id"])
    a2 = await add_comment(client, author, ref, "A2", a["id"])
    await add_comment(client, reader, ref, "C")
    a1a = await add_comment(client, author, ref, "A1a", a1["id"])
    await add_comment(client, reader, ref, "A2a", a2["id"])
    await add_comment(client, reader, ref, "B1a", b1["id"])
    await add_comment(client, author, ref, "A1b", a1["id"])
    await add_comment(client, reader, ref, "A1a-i", a1a["id"])

    body = await get_thread(client, post["slug"])
    assert [c["content"] for c in body["data"]] == [
        "A",
        "A1",
        "A1a",
        "A1a-i",
        "A1b",
        "A2",
        "A2a",
        "B",
        "B1",
        "B1a",
        "C",
    ]
    assert [c["depth"] for c in body["data"]] == [0, 1, 2, 3, 2, 1, 2, 0, 1, 2, 0]
    by_content = {c["content"]: c for c in body["data"]}
    assert by_content["A1a-i"]["parent_id"] == a1a["id"]
    assert by_content["B1a"]["parent_id"] == b1["id"]
    assert by_content["C"]["parent_id"] is None
    assert {c["author"]["id"] for c in body["data"]} == {author.id, reader.id}
    assert body["pagination"] == {"page": 1, "limit": 100, "total": 11, "total_pages": 1}


async def test_pages_split_the_thread_in_order(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    first = await add_comment(client, author, post["id"], "1")
    await add_comment(client, author, post["id"], "1.1", first["id"])
    for content in ("2", "3", "4"):
        await add_comment(client, author, post["id"], content)

    page1 = await get_thread(client, post["id"], limit=2)
    assert [c["content"] for c in page1["data"]] == ["1", "1.1"]
    assert page1["pagination"] == {"page": 1, "limit": 2, "total": 5, "total_pages": 3}
    page2 = await get_thread(client, post["id"], limit=2, page=2)
    assert [c["content"] for c in page2["data"]] == ["2", "3"]
    assert page2["pagination"] == {"page": 2, "limit": 2, "total": 5, "total_pages": 3}
    page3 = await get_thread(client, post["id"], limit=2, page=3)
    assert [c["content"] for c in page3["data"]] == ["4"]
    beyond = await get_thread(client, post["id"], limit=2, page=4)
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 5
    default = await client.get(thread_url(post["id"]))
    assert default.json()["pagination"] == {"page": 1, "limit": 20, "total": 5, "total_pages": 1}


async def test_a_page_past_the_end_has_the_totals_of_the_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """The total comes with the rows of a page; a page without rows counts on its own, for
    readers (placeholders in, hidden subtrees out) and moderators alike."""
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    hidden = await add_comment(client, reader, post["id"], "Hidden")
    await add_comment(client, reader, post["id"], "Under it", hidden["id"])
    gone = await add_comment(client, reader, post["id"], "Gone")
    await add_comment(client, reader, post["id"], "Holds it up", gone["id"])
    await add_comment(client, reader, post["id"], "Plain")
    assert (await moderate(client, author, hidden["id"], "hide")).status_code == 200
    assert (await client.delete(comment_url(gone["id"]), headers=reader.headers)).status_code == 204
    for viewer, total in ((None, 3), (reader, 3), (author, 5)):
        first = await get_thread(client, post["id"], viewer, limit=2)
        beyond = await get_thread(client, post["id"], viewer, limit=2, page=9)
        assert first["pagination"]["total"] == total, viewer
        assert beyond["data"] == []
        assert beyond["pagination"] == {**first["pagination"], "page": 9}


async def test_a_post_without_comments_has_an_empty_thread(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    body = await get_thread(client, post["id"])
    assert body == {
        "data": [],
        "pagination": {"page": 1, "limit": 100, "total": 0, "total_pages": 0},
    }


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"page": 0}, {"page": "two"}, {"limit": 10**30}],
    ids=["limit-0", "limit-101", "page-0", "page-text", "huge"],
)
async def test_out_of_range_pages_are_400(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    response = await client.get(thread_url(post["id"]), params=params)
    [name] = params
    assert_error(response, 400, "VALIDATION_ERROR", field=name)


async def test_an_unknown_post_has_no_thread(app: FastAPI, client: httpx.AsyncClient) -> None:
    for ref in ("no-such-post", "01234567-89ab-7def-8123-456789abcdef"):
        assert_error(await client.get(thread_url(ref)), 404, "NOT_FOUND")


async def test_the_thread_of_a_draft_is_only_for_those_who_see_the_draft(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    await add_comment(client, reader, post["id"], "Before it went back to draft")
    moved = await client.patch(
        f"{POSTS}/{post['id']}", json={"status": "draft"}, headers=author.headers
    )
    assert moved.status_code == 200, moved.text

    assert_error(await client.get(thread_url(post["id"])), 404, "NOT_FOUND")
    assert_error(await client.get(thread_url(post["id"]), headers=reader.headers), 404, "NOT_FOUND")
    assert await thread_contents(client, post["id"], author) == ["Before it went back to draft"]


async def test_a_deleted_post_has_no_thread(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await add_comment(client, author, post["id"])
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204
    assert_error(await client.get(thread_url(post["id"])), 404, "NOT_FOUND")
    assert_error(await client.get(thread_url(post["id"]), headers=author.headers), 404, "NOT_FOUND")


async def test_a_comment_outlives_its_authors_account_without_naming_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    leaver = await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, leaver, post["id"], "Still here")
    gone = await client.request(
        "DELETE", f"{USERS}/me", json={"password": leaver.password}, headers=leaver.headers
    )
    assert gone.status_code == 204, gone.text

    [shown] = (await get_thread(client, post["id"]))["data"]
    assert shown["id"] == comment["id"]
    assert shown["content"] == "Still here"
    assert shown["author"] is None
    assert shown["is_deleted"] is False
