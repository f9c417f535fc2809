"""Every hot read runs a fixed number of SQL statements, whatever the size of what it shows:
a post's detail whatever its tags, likes and comments; search whatever the page size. (The
post lists and tag and author lists: tests/posts/test_bounded_queries.py; the comment thread:
tests/comments/test_query_count.py.)"""

import httpx
from factories import POSTS, Account, create_post, signed_in
from fastapi import FastAPI
from harness import counting_statements

SEARCH = "/api/v1/search"
# Today's counts, on either engine: a signed-in detail is the account, the post (author, tags
# and cover with it) and the viewer's flags; a search the account, the total, the page and its
# tags, flags and highlights. A new statement here is a decision: raise the figure knowingly.
MAX_DETAIL_STATEMENTS = 3
MAX_SEARCH_STATEMENTS = 6


async def _statements(
    app: FastAPI, client: httpx.AsyncClient, url: str, account: Account | None, **params: str
) -> tuple[int, httpx.Response]:
    headers = account.headers if account else {}
    with counting_statements(app) as statements:
        response = await client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return len(statements), response


async def test_a_post_with_ten_tags_likes_and_comments_costs_what_a_bare_one_does(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(3)]
    bare = await create_post(client, author, content="Bare.", tags=[])
    busy = await create_post(client, author, content="Busy.", tags=[f"t{n}" for n in range(10)])
    for reader in readers:
        assert (await client.put(f"{POSTS}/{busy['id']}/like", headers=reader.headers)).is_success
        comment = {"content": "Nice."}
        url = f"{POSTS}/{busy['id']}/comments"
        assert (await client.post(url, json=comment, headers=reader.headers)).status_code == 201
    for viewer in (None, readers[0], author):
        few, bare_read = await _statements(app, client, f"{POSTS}/{bare['slug']}", viewer)
        many, busy_read = await _statements(app, client, f"{POSTS}/{busy['slug']}", viewer)
        assert (bare_read.json()["tags"], len(busy_read.json()["tags"])) == ([], 10)
        assert busy_read.json()["likes_count"] == 3
        assert busy_read.json()["comments_count"] == 3
        assert few == many, viewer
        assert many <= MAX_DETAIL_STATEMENTS


async def test_a_search_page_of_one_and_of_fifty_cost_the_same(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    for n in range(12):
        tags = [f"tag{n % 3}", "orbits"]
        await create_post(client, author, content=f"Orbit number {n} of the moon.", tags=tags)
    await create_post(client, author, content="Nothing to see.")
    for viewer in (None, reader):
        one, one_page = await _statements(app, client, SEARCH, viewer, q="orbit", limit="1")
        fifty, all_page = await _statements(app, client, SEARCH, viewer, q="orbit", limit="50")
        assert len(one_page.json()["data"]) == 1
        assert len(all_page.json()["data"]) == 12
        assert one_page.json()["pagination"]["total"] == 12
        assert one == fifty, viewer
        assert fifty <= MAX_SEARCH_STATEMENTS


async def test_a_search_that_finds_nothing_runs_no_more_than_one_that_finds_much(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for n in range(5):
        await create_post(client, author, content=f"Orbit {n}.", tags=["space"])
    nothing, empty = await _statements(app, client, SEARCH, None, q="zebra", limit="50")
    found, full = await _statements(app, client, SEARCH, None, q="orbit", limit="50")
    assert (empty.json()["data"], len(full.json()["data"])) == ([], 5)
    assert nothing <= found <= MAX_SEARCH_STATEMENTS
