"""Lists run a fixed number of SQL statements whatever the page size (no N+1)."""

import httpx
from factories import POSTS, Account, create_post, signed_in
from fastapi import FastAPI
from harness import counting_statements

BOOKMARKS = "/api/v1/users/me/bookmarks"
# A generous ceiling: auth, count, page, authors, tags, likes, bookmarks, and some slack.
MAX_STATEMENTS = 10


async def statements_for(
    app: FastAPI,
    client: httpx.AsyncClient,
    url: str,
    account: Account,
    limit: int,
    params: list[tuple[str, str]] | None = None,
) -> tuple[int, int]:
    """(statements run, items returned) for one GET."""
    query = [*(params or []), ("limit", str(limit))]
    with counting_statements(app) as statements:
        response = await client.get(url, params=query, headers=account.headers)
    assert response.status_code == 200, response.text
    return len(statements), len(response.json()["data"])


async def a_busy_blog(app: FastAPI, client: httpx.AsyncClient) -> tuple[Account, list[str]]:
    """About 30 published posts by several authors with tags; a reader who reacted to some."""
    authors = [await signed_in(app, client) for _ in range(4)]
    reader = await signed_in(app, client)
    post_ids = []
    for n in range(30):
        tags = [f"tag{n % 5}", f"group{n % 3}"]
        post = await create_post(client, authors[n % 4], tags=tags, content=f"post {n}")
        post_ids.append(post["id"])
    for n, post_id in enumerate(post_ids):
        if n % 3 == 0:
            assert (await client.put(f"{POSTS}/{post_id}/like", headers=reader.headers)).is_success
        if n % 4 == 0:
            response = await client.put(f"{POSTS}/{post_id}/bookmark", headers=reader.headers)
            assert response.is_success
    return reader, post_ids


async def test_the_post_list_runs_as_many_statements_for_1_as_for_100_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader, post_ids = await a_busy_blog(app, client)
    one, one_items = await statements_for(app, client, POSTS, reader, 1)
    all_, all_items = await statements_for(app, client, POSTS, reader, 100)
    assert (one_items, all_items) == (1, len(post_ids))
    assert one == all_
    assert all_ <= MAX_STATEMENTS
    listed = (await client.get(POSTS, params={"limit": 100}, headers=reader.headers)).json()
    flags = {p["id"]: (p["liked"], p["bookmarked"]) for p in listed["data"]}
    for n, post_id in enumerate(post_ids):
        assert flags[post_id] == (n % 3 == 0, n % 4 == 0)
    assert all(len(p["tags"]) == 2 and p["author"]["username"] for p in listed["data"])


async def test_the_bookmark_list_runs_as_many_statements_for_1_as_for_100_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    reader, post_ids = await a_busy_blog(app, client)
    one, one_items = await statements_for(app, client, BOOKMARKS, reader, 1)
    all_, all_items = await statements_for(app, client, BOOKMARKS, reader, 100)
    assert (one_items, all_items) == (1, len(post_ids[::4]))
    assert one == all_
    assert all_ <= MAX_STATEMENTS


async def test_filtered_lists_are_bounded_too(app: FastAPI, client: httpx.AsyncClient) -> None:
    reader, _ = await a_busy_blog(app, client)
    query = [("tag", "tag1"), ("tag", "group1"), ("sort", "-likes_count")]
    one, one_items = await statements_for(app, client, POSTS, reader, 1, query)
    all_, all_items = await statements_for(app, client, POSTS, reader, 100, query)
    assert one_items == 1
    assert all_items == 2
    assert one == all_
