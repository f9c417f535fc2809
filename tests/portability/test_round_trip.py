"""The fidelity of a move, SQLite -> PostgreSQL -> SQLite, on the demo data set plus a little
of everything (a session, an email in the outbox, a post revision): the three exports hold
the same bytes, 200 reads answer the same bytes (status, body and ETag) on all three copies,
and passwords, sessions and media files still work.

Nothing is normalised: every read sends the same X-Request-ID, which an error body repeats.
Search is compared between the two SQLite copies only: the engines rank and highlight
differently (FTS5's bm25 against ts_rank_cd), so its bytes are not the same across them.
"""

from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from blogapi.demo.generator import DEMO_PASSWORD
from blogapi.portability.archive import ArchiveReader, Part
from blogapi.portability.exporting import export_archive
from blogapi.portability.importing import import_archive
from blogapi.posts.lists import PostSort
from blogapi.webhooks import worker as webhooks_worker

from .moving import Place, migrated, query, quiet, seed, serving

READS = 200
API = "/api/v1"
MOVER = {"email": "mover@example.com", "username": "mover", "password": "moving day at last 2026"}
Read = tuple[str, dict[str, str]]


async def _signed_in(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    login = await client.post(
        f"{API}/auth/login", json={"email": f"{username}@example.com", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def the_rest(app: FastAPI, client: httpx.AsyncClient, author: dict[str, str]) -> None:
    """A row in every table the demo data leaves empty: a follow, a preview link, a view (the
    app writes it when it stops), and a webhook with a failed delivery (to a closed port)."""
    slug = author["X-Slug"]
    signed_in = {"Authorization": author["Authorization"]}
    follow = await client.put(f"{API}/users/demo_editor/follow", headers=signed_in)
    assert follow.status_code == 204, follow.text
    preview = await client.post(f"{API}/posts/{slug}/preview-links", headers=signed_in)
    assert preview.status_code == 201, preview.text
    reader = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0"}
    assert (await client.post(f"{API}/posts/{slug}/views", headers=reader)).status_code == 202
    admin = await _signed_in(client, "demo_admin")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    hook = await client.post(f"{API}/webhooks", json=body, headers=admin)
    assert hook.status_code == 201, hook.text
    edited = await client.patch(
        f"{API}/posts/{slug}", json={"summary": "Boxes."}, headers=signed_in
    )
    assert edited.status_code == 200, edited.text  # post.updated, for the webhook
    assert await webhooks_worker.run_once(app.state.sessionmaker, app.state.settings) >= 1


async def some_of_everything(client: httpx.AsyncClient) -> dict[str, str]:
    """An account whose verification email waits in the outbox (a sealed, binary body), a
    session of demo_author, and a post of theirs edited once (a revision); the author's
    headers, refresh token and post."""
    assert (await client.post(f"{API}/auth/register", json=MOVER)).status_code == 201
    login = await client.post(
        f"{API}/auth/login", json={"email": "demo_author@example.com", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 200, login.text
    tokens = login.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    written = await client.post(
        f"{API}/posts",
        json={"title": "Packing up", "content": "Boxes *everywhere*.", "tags": ["moving"]},
        headers=headers,
    )
    assert written.status_code == 201, written.text
    slug = written.json()["slug"]
    edited = await client.patch(
        f"{API}/posts/{slug}", json={"title": "Moved, and edited once"}, headers=headers
    )
    assert edited.status_code == 200, edited.text
    return {**headers, "X-Refresh": tokens["refresh_token"], "X-Slug": edited.json()["slug"]}


async def sample_reads(
    client: httpx.AsyncClient, place: Place, author: dict[str, str]
) -> list[Read]:
    """200 reads of every kind: lists and their orders, every post (those a reader may not
    see are the same 404) and its thread, tags, profiles, and the author's own views."""
    signed_in = {"Authorization": author["Authorization"]}
    slug = author["X-Slug"]
    slugs = [str(s) for (s,) in await query(place.url, "SELECT slug FROM posts ORDER BY id")]
    authors = [str(n) for (n,) in await query(place.url, "SELECT username FROM users ORDER BY id")]
    tags = [t["slug"] for t in (await client.get(f"{API}/tags?limit=100")).json()["data"]]
    reads: list[Read] = [
        (f"{API}/users/me", signed_in),
        (f"{API}/users/me/bookmarks", signed_in),
        (f"{API}/auth/sessions", signed_in),
        (f"{API}/posts?status=draft", signed_in),
        (f"{API}/posts/{slug}/revisions", signed_in),
        (f"{API}/posts/{slug}/revisions/1", signed_in),
        (f"{API}/tags?limit=100", {}),
        *((f"{API}/posts?page={page}&limit=10", {}) for page in range(1, 7)),
        *((f"{API}/posts?sort={sort.value}&limit=20", {}) for sort in PostSort),
        *((f"{API}/tags/{tag}", {}) for tag in tags),
        *((f"{API}/posts?tag={tag}&limit=5", {}) for tag in tags),
        *((f"{API}/users/{name}", {}) for name in authors),
        *((f"{API}/posts/{slug}", {}) for slug in slugs),
        *((f"{API}/posts/{slug}/comments?limit=100", {}) for slug in slugs),
        *((f"{API}/posts?author={name}&limit=5", {}) for name in authors),
    ]
    assert len(reads) >= READS, len(reads)
    return reads[:READS]


async def answers(client: httpx.AsyncClient, reads: list[Read]) -> list[tuple[Any, ...]]:
    found = []
    for number, (path, headers) in enumerate(reads):
        response = await client.get(path, headers={"X-Request-ID": f"read-{number}", **headers})
        found.append((path, response.status_code, response.headers.get("etag"), response.content))
    return found


def search_reads(tags: list[str]) -> list[Read]:
    words = [tag.split("-")[0] for tag in tags[:8]]
    return [
        *((f"{API}/search?q={word}&limit=10", {}) for word in words),
        *((f"{API}/search/suggest?q={word[:3]}", {}) for word in words),
        (f"{API}/posts?q={words[0]}+or+{words[1]}", {}),
    ]


def parts(archive: Path) -> list[Part]:
    reader = ArchiveReader.open(archive)
    try:
        return reader.manifest().parts()
    finally:
        reader.close()


async def test_a_blog_moved_to_postgresql_and_back_reads_the_same(
    tmp_path: Path, pg_place: Place
) -> None:
    a = Place(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path / "media-a")
    c = Place(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", tmp_path / "media-c")
    await migrated(a.url)
    await seed(a)
    async with serving(a) as (app, client):
        author = await some_of_everything(client)
        await the_rest(app, client, author)

    archives = [tmp_path / f"{name}.tar.gz" for name in "abc"]
    await export_archive(a.settings(), archives[0], quiet())
    await import_archive(pg_place.settings(), archives[0], quiet())
    await export_archive(pg_place.settings(), archives[1], quiet())
    await import_archive(c.settings(), archives[1], quiet())
    await export_archive(c.settings(), archives[2], quiet())

    # Every table, row and media file, byte for byte, whichever engine it was read from.
    first = parts(archives[0])
    assert parts(archives[1]) == first
    assert parts(archives[2]) == first
    reader = ArchiveReader.open(archives[0])
    manifest = reader.manifest()
    reader.close()
    assert [table.name for table in manifest.tables if table.rows == 0] == []
    assert manifest.media.files

    async with serving(a) as (_, client):
        reads = await sample_reads(client, a, author)
        expected = await answers(client, reads)
        tags = [t["slug"] for t in (await client.get(f"{API}/tags?limit=100")).json()["data"]]
        searches = search_reads(tags)
        expected_search = await answers(client, searches)
    assert sum(status == 200 for _, status, _, _ in expected) >= 150
    assert sum(b'"highlight"' in body for *_, body in expected_search) >= 5

    for copy in (pg_place, c):
        async with serving(copy) as (_, client):
            assert await answers(client, reads) == expected, copy.engine
            if copy.engine == "sqlite":
                assert await answers(client, searches) == expected_search
            await still_works(client, author, manifest.media.files[0].key, a.media)


async def still_works(
    client: httpx.AsyncClient, author: dict[str, str], media_key: str, original_media: Path
) -> None:
    """Passwords sign in, a session made before the move refreshes, media files serve."""
    for email, password in [
        (MOVER["email"], MOVER["password"]),
        ("demo_reader@example.com", DEMO_PASSWORD),
    ]:
        login = await client.post(f"{API}/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.text
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refresh_token": author["X-Refresh"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    me = await client.get(f"{API}/users/me", headers={"Authorization": author["Authorization"]})
    assert me.json()["username"] == "demo_author"
    served = await client.get(f"/media/{media_key}")
    assert served.status_code == 200
    assert served.content == (original_media / media_key).read_bytes()
