"""The three formats of each feed: what an item carries, in which order, and who is in it."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from factories import POSTS, USERS, assert_error, create_post, own_app, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .documents import FEEDS, FORMATS, entry_ids, fetch, parsed_xml_feed, valid_json_feed

BASE = "http://127.0.0.1:8000"  # the tests' PUBLIC_BASE_URL


def _urn(post: dict[str, object]) -> str:
    return f"urn:uuid:{post['id']}"


async def test_an_item_carries_the_post_in_each_format(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await client.patch(f"{USERS}/me", json={"display_name": "Ada"}, headers=author.headers)
    content = "Intro *text*. [A link](/posts/other) and [elsewhere](https://example.org/x)."
    post = await create_post(
        client, author, title="Orbits", content=content, summary="Short.", tags=["Space", "C++"]
    )
    post = await set_post(client, author, post["id"], title="Orbits and moons")
    url = f"{BASE}/posts/{post['slug']}"

    rss = parsed_xml_feed((await fetch(client, "posts", "rss")).content).entries[0]
    atom = parsed_xml_feed((await fetch(client, "posts", "atom")).content).entries[0]
    item = valid_json_feed((await fetch(client, "posts", "json")).content)["items"][0]

    for entry in (rss, atom):
        assert entry.id == _urn(post)
        assert entry.link == url
        assert entry.title == "Orbits and moons"
        assert entry.author == "Ada"
        assert entry.summary == "Short."
        assert [tag.term for tag in entry.tags] in (["C++", "Space"], ["c-plus-plus", "space"])
        html = entry.content[0].value
        assert f'href="{BASE}/posts/other"' in html
        assert 'href="https://example.org/x"' in html
        assert entry.published_parsed is not None
    assert atom.updated_parsed > atom.published_parsed or post["updated_at"] > post["created_at"]
    assert (item["id"], item["url"], item["title"]) == (_urn(post), url, "Orbits and moons")
    assert item["authors"] == [{"name": "Ada"}]
    assert item["tags"] == ["C++", "Space"]
    assert item["summary"] == "Short."
    assert f'href="{BASE}/posts/other"' in item["content_html"]
    assert item["date_published"] == post["published_at"]
    assert item["date_modified"] == post["updated_at"]


async def test_post_url_template_gives_the_links(database_url: str) -> None:
    template = "https://blog.example.com/p/{id}/{slug}"
    async with own_app(database_url, rate_limits_enabled=False, post_url_template=template) as (
        app,
        client,
    ):
        author = await signed_in(app, client)
        post = await create_post(client, author)
        item = valid_json_feed((await fetch(client, "posts", "json")).content)["items"][0]

    assert item["url"] == f"https://blog.example.com/p/{post['id']}/{post['slug']}"


async def test_only_public_posts_appear_newest_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    past = datetime.now(UTC) - timedelta(days=3)
    older = await create_post(client, author, published_at=past.isoformat(), tags=["t"])
    newer = await create_post(client, author, tags=["t"])
    hidden = [
        await create_post(client, author, status="draft", tags=["t"]),
        await create_post(client, contributor, status="pending_review", tags=["t"]),
        await set_post(
            client, author, (await create_post(client, author, tags=["t"]))["id"], status="archived"
        ),
        await create_post(
            client,
            author,
            published_at=(datetime.now(UTC) + timedelta(days=1)).isoformat(),
            tags=["t"],
        ),
    ]
    deleted = await create_post(client, author, tags=["t"])
    assert (await client.delete(f"{POSTS}/{deleted['id']}", headers=author.headers)).is_success

    for path in ("posts", f"authors/{author.username}", "tags/t"):
        for format in FORMATS:
            ids = entry_ids(format, (await fetch(client, path, format)).content)
            assert ids == [_urn(newer), _urn(older)], (path, format)
            assert not {_urn(post) for post in [*hidden, deleted]} & set(ids)


async def test_an_author_feed_and_a_tag_feed_hold_theirs_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = await signed_in(app, client)
    bob = await signed_in(app, client)
    adas = await create_post(client, ada, tags=["Rust"])
    bobs = await create_post(client, bob, tags=["Go"])

    by_ada = entry_ids("json", (await fetch(client, f"authors/{ada.username}", "json")).content)
    by_name = entry_ids("atom", (await fetch(client, "tags/RUST", "atom")).content)
    on_go = entry_ids("rss", (await fetch(client, "tags/go", "rss")).content)

    assert (by_ada, by_name, on_go) == ([_urn(adas)], [_urn(adas)], [_urn(bobs)])
    feed = valid_json_feed((await fetch(client, "tags/RUST", "json")).content)
    assert feed["title"] == "Posts tagged Rust"
    assert feed["feed_url"] == f"{BASE}{FEEDS}/tags/rust.json"  # its own spelling
    shouted = f"authors/{ada.username.upper()}"
    feed = valid_json_feed((await fetch(client, shouted, "json")).content)
    assert feed["feed_url"] == f"{BASE}{FEEDS}/authors/{ada.username}.json"


@pytest.mark.parametrize(
    "path",
    [
        "posts.xml",
        "posts.RSS",
        "posts",
        "tags/nothing-here.rss",
        "authors/nobody_here.atom",
        "authors/a%01b.json",
        "tags/a%0bb.json",
    ],
)
async def test_unknown_feeds_are_404(client: httpx.AsyncClient, path: str) -> None:
    assert_error(await client.get(f"{FEEDS}/{path}"), 404, "NOT_FOUND")


async def test_a_disabled_authors_feed_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_post(client, author)
    await fetch(client, f"authors/{author.username}", "rss")

    disabled = await client.patch(
        f"{USERS}/{author.id}/status", json={"status": "disabled"}, headers=admin.headers
    )

    assert disabled.status_code == 200, disabled.text
    assert_error(await client.get(f"{FEEDS}/authors/{author.username}.rss"), 404, "NOT_FOUND")


async def test_head_answers_the_headers_of_get(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author)
    for format in FORMATS:
        got = await fetch(client, "posts", format)
        head = await client.head(f"{FEEDS}/posts.{format}")
        assert head.status_code == 200
        for name in ("etag", "last-modified", "content-type", "cache-control"):
            assert head.headers[name] == got.headers[name], name
    assert_error(await client.get(f"{FEEDS}/tags/none.json"), 404, "NOT_FOUND")
    assert (await client.head(f"{FEEDS}/tags/none.json")).status_code == 404
