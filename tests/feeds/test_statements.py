"""A feed runs a fixed number of SQL statements, whatever its size: the author or tag (when
the feed has one), the page with everything its items show, and the feed's last change."""

import httpx
from factories import create_post, signed_in
from fastapi import FastAPI
from harness import counting_statements

from .documents import FEEDS, FORMATS, entry_ids

# The site's feed: the page and the last change; an author's or a tag's: and its subject;
# on SQLite a BEGIN too. A new statement here is a decision: raise the figure knowingly.
MAX_STATEMENTS = {"posts": 3, "authors": 4, "tags": 4}


async def _statements(app: FastAPI, client: httpx.AsyncClient, url: str, limit: int) -> int:
    with counting_statements(app) as statements:
        response = await client.get(url, params={"limit": limit})
    assert response.status_code == 200, response.text
    return len(statements)


async def test_a_feed_of_one_item_and_of_fifty_cost_the_same(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for number in range(12):
        tags = [f"t{number % 3}", "all", f"extra{number}"]
        await create_post(client, author, content=f"Post *{number}*.", tags=tags)
    for path in ("posts", f"authors/{author.username}", "tags/all"):
        for format in FORMATS:
            url = f"{FEEDS}/{path}.{format}"
            one = await _statements(app, client, url, 1)
            fifty = await _statements(app, client, url, 50)
            full = await client.get(url, params={"limit": 50})
            assert len(entry_ids(format, full.content)) == 12
            assert one == fifty, url
            assert fifty <= MAX_STATEMENTS[path.split("/")[0]], url


async def test_a_missing_author_or_tag_stops_at_the_lookup(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for url in (f"{FEEDS}/authors/nobody_here.rss", f"{FEEDS}/tags/nothing-here.rss"):
        with counting_statements(app) as statements:
            response = await client.get(url)
        assert response.status_code == 404
        assert len([sql for sql in statements if sql != "BEGIN"]) == 1, url
