"""Profiles and tags link to their feeds, absolute on PUBLIC_BASE_URL, and the links work."""

import httpx
from factories import USERS, assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .documents import FORMATS, MEDIA_TYPES, entry_ids

BASE = "http://127.0.0.1:8000"
TAGS = "/api/v1/tags"


async def _follow(client: httpx.AsyncClient, links: dict[str, str]) -> dict[str, list[str]]:
    """Each format's feed, read at its link: the ids of its items."""
    assert set(links) == set(FORMATS)
    found = {}
    for format, link in links.items():
        assert link.startswith(BASE)
        response = await client.get(link.removeprefix(BASE))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == MEDIA_TYPES[format]
        found[format] = entry_ids(format, response.content)
    return found


async def test_a_profile_links_to_the_authors_feeds(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    profile = (await client.get(f"{USERS}/{author.username}")).json()

    assert profile["feeds"]["rss"] == f"{BASE}/feeds/authors/{author.username}.rss"
    found = await _follow(client, profile["feeds"])
    assert found == {format: [f"urn:uuid:{post['id']}"] for format in FORMATS}


async def test_a_tag_and_the_tag_list_link_to_the_tags_feeds(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["C++"])

    tag = (await client.get(f"{TAGS}/C%2B%2B")).json()
    listed = (await client.get(TAGS)).json()["data"]

    assert tag["feeds"]["json"] == f"{BASE}/feeds/tags/c-plus-plus.json"
    assert [entry["feeds"] for entry in listed] == [tag["feeds"]]
    found = await _follow(client, tag["feeds"])
    assert found == {format: [f"urn:uuid:{post['id']}"] for format in FORMATS}


async def test_a_renamed_tags_old_feed_is_gone_and_its_new_link_works(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    await create_post(client, author, tags=["py"])
    old = (await client.get(f"{TAGS}/py")).json()["feeds"]

    renamed = await client.patch(f"{TAGS}/py", json={"name": "Python"}, headers=editor.headers)

    assert renamed.status_code == 200, renamed.text
    assert_error(await client.get(old["rss"].removeprefix(BASE)), 404, "NOT_FOUND")
    assert len((await _follow(client, renamed.json()["feeds"]))["atom"]) == 1


async def test_a_disabled_authors_profile_and_feeds_are_gone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    links = (await client.get(f"{USERS}/{author.username}")).json()["feeds"]
    url = f"{USERS}/{author.id}/status"
    disabled = await client.patch(url, json={"status": "disabled"}, headers=admin.headers)

    assert disabled.status_code == 200, disabled.text
    assert_error(await client.get(f"{USERS}/{author.username}"), 404, "NOT_FOUND")
    for link in links.values():
        assert_error(await client.get(link.removeprefix(BASE)), 404, "NOT_FOUND")
