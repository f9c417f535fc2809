"""Conditional GET of feeds: strong ETags, Last-Modified as the feed's own last change, 304
without a body, If-None-Match deciding over If-Modified-Since."""

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest
import time_machine
from factories import POSTS, create_post, own_app, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.db import utcnow

from .documents import FEEDS, FORMATS, fetch

CACHE_CONTROL = "public, max-age=300"


def _shifted(http_date: str, seconds: int) -> str:
    return format_datetime(parsedate_to_datetime(http_date) + timedelta(seconds=seconds), True)


def _identity(etag: str) -> str:
    """The identity copy's tag of a gzip copy's (core/http_cache.py)."""
    return etag.replace('-gzip"', '"')


async def _get(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    return await client.get(url, headers=headers)


async def test_the_conditional_get_matrix(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["t"])
    for path in ("posts", "tags/t", f"authors/{author.username}"):
        for format in FORMATS:
            url = f"{FEEDS}/{path}.{format}"
            first = await fetch(client, path, format)
            # A body large enough to compress leaves gzip'd, its tag `"<tag>-gzip"`.
            etag = _identity(first.headers["etag"])
            modified = first.headers["last-modified"]
            assert first.headers["cache-control"] == CACHE_CONTROL
            assert etag.startswith('"')  # strong
            gzip_etag = etag[:-1] + '-gzip"'
            unmodified = {
                "etag": {"If-None-Match": etag},
                "weak etag": {"If-None-Match": f"W/{etag}"},
                "gzip copy's etag": {"If-None-Match": gzip_etag},
                "one of several": {"If-None-Match": f'"other", {etag}'},
                "any": {"If-None-Match": "*"},
                "date equal": {"If-Modified-Since": modified},
                "date newer": {"If-Modified-Since": _shifted(modified, 3600)},
                "etag matches, date older": {
                    "If-None-Match": etag,
                    "If-Modified-Since": _shifted(modified, -3600),
                },
            }
            modified_cases = {
                "other etag": {"If-None-Match": '"other"'},
                "date older": {"If-Modified-Since": _shifted(modified, -1)},
                "no date": {"If-Modified-Since": "yesterday"},
                "etag differs, date newer": {
                    "If-None-Match": '"other"',
                    "If-Modified-Since": _shifted(modified, 3600),
                },
            }
            for case, headers in unmodified.items():
                response = await _get(client, url, **headers)
                assert response.status_code == 304, (url, case)
                assert response.content == b"", (url, case)
                assert _identity(response.headers["etag"]) == etag, (url, case)
                assert response.headers["last-modified"] == modified, (url, case)
                assert response.headers["cache-control"] == CACHE_CONTROL
            for case, headers in modified_cases.items():
                response = await _get(client, url, **headers)
                assert response.status_code == 200, (url, case)
                assert response.content == first.content, (url, case)


async def test_unchanged_data_gives_the_same_bytes(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    for _ in range(3):
        await create_post(client, author, tags=["t"])
    for path in ("posts", "tags/t"):
        for format in FORMATS:
            first = await fetch(client, path, format, limit=2)
            again = await fetch(client, path, format, limit=2)
            other_page = await fetch(client, path, format, limit=1)
            assert again.content == first.content
            assert again.headers["etag"] == first.headers["etag"]
            assert _identity(other_page.headers["etag"]) != _identity(first.headers["etag"])
    rss = (await fetch(client, "posts", "rss")).headers["etag"]
    atom = (await fetch(client, "posts", "atom")).headers["etag"]
    assert _identity(rss) != _identity(atom)


async def _validators(client: httpx.AsyncClient, path: str) -> tuple[str, str]:
    response = await fetch(client, path, "atom")
    return _identity(response.headers["etag"]), response.headers["last-modified"]


def _later(after: str, before: str) -> bool:
    return parsedate_to_datetime(after) > parsedate_to_datetime(before)


async def test_a_comment_elsewhere_leaves_a_tag_feed_alone_unpublishing_changes_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    tagged = [await create_post(client, author, tags=["space"]) for _ in range(2)]
    elsewhere = await create_post(client, author, tags=["cooking"])
    etag, modified = await _validators(client, "tags/space")

    comment = {"content": "Nice."}
    url = f"{POSTS}/{elsewhere['id']}/comments"
    assert (await client.post(url, json=comment, headers=reader.headers)).status_code == 201
    with time_machine.travel(utcnow() + timedelta(seconds=5), tick=False):
        await create_post(client, author, tags=["cooking"])

    assert await _validators(client, "tags/space") == (etag, modified)
    with time_machine.travel(utcnow() + timedelta(seconds=10), tick=False):
        await set_post(client, author, tagged[0]["id"], status="draft")
    unpublished_etag, unpublished_modified = await _validators(client, "tags/space")
    assert unpublished_etag != etag
    assert _later(unpublished_modified, modified)
    # Published again: the same items as at first, a new Last-Modified, so a new tag.
    with time_machine.travel(utcnow() + timedelta(seconds=20), tick=False):
        await set_post(client, author, tagged[0]["id"], status="published")
    again_etag, again_modified = await _validators(client, "tags/space")
    assert again_etag not in (etag, unpublished_etag)
    assert _later(again_modified, unpublished_modified)


@pytest.mark.parametrize("path", ["posts", "authors/{username}", "tags/space"])
async def test_a_post_leaving_the_feed_moves_last_modified_forward(
    app: FastAPI, client: httpx.AsyncClient, path: str
) -> None:
    author = await signed_in(app, client)
    path = path.format(username=author.username)
    leaves = ("delete", "reschedule", "untag", "clear the date")
    for number, leave in enumerate(leaves):
        later = 10 * (number + 1)  # each round after the last one's changes
        old = await create_post(client, author, tags=["space"])
        await create_post(client, author, tags=["space"])
        # The feed's newest change is on the post that will leave.
        with time_machine.travel(utcnow() + timedelta(seconds=later), tick=False):
            await set_post(client, author, old["id"], title=f"Edited before: {leave}")
        etag, modified = await _validators(client, path)
        with time_machine.travel(utcnow() + timedelta(seconds=later + 5), tick=False):
            if leave == "delete":
                response = await client.delete(f"{POSTS}/{old['id']}", headers=author.headers)
                assert response.status_code == 204
            elif leave == "reschedule":
                future = (utcnow() + timedelta(days=2)).isoformat()
                await set_post(client, author, old["id"], published_at=future)
            elif leave == "untag":  # out of the tag's feed; still in the others, retagged
                await set_post(client, author, old["id"], tags=["other"])
            else:
                await set_post(client, author, old["id"], status="draft")
                await set_post(client, author, old["id"], published_at=None)
        new_etag, new_modified = await _validators(client, path)
        assert new_etag != etag, (path, leave)
        assert _later(new_modified, modified), (path, leave)


async def test_304s_still_come_with_the_public_cache_on(database_url: str) -> None:
    async with own_app(database_url, rate_limits_enabled=False, public_cache_seconds=1.0) as (
        app,
        client,
    ):
        author = await signed_in(app, client)
        await create_post(client, author)
        first = await fetch(client, "posts", "json")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_tag = await _get(client, f"{FEEDS}/posts.json", **{"If-None-Match": etag})
        by_date = await _get(client, f"{FEEDS}/posts.json", **{"If-Modified-Since": modified})
        other = await _get(client, f"{FEEDS}/posts.json", **{"If-None-Match": '"x"'})
        gzip = await client.get(f"{FEEDS}/posts.json", headers={"Accept-Encoding": "gzip"})

    assert (by_tag.status_code, by_date.status_code, other.status_code) == (304, 304, 200)
    assert other.content == first.content
    assert _identity(gzip.headers["etag"]) == _identity(etag)
