"""GET /search/suggest: tag names and post titles for autocomplete, from public posts only."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from .searching import NASTY_QUERIES, SUGGEST, suggest, suggestions

FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()


async def test_a_tag_prefix_suggests_the_tag(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Unrelated", content="x", tags=["prehistory"])
    found = await suggestions(client, "pre")
    assert {"type": "tag", "text": "prehistory", "slug": "prehistory"} in found
    assert await suggestions(client, "PREH") == found


async def test_a_title_prefix_suggests_the_post(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Pressure Cooking Basics", content="x")
    found = await suggestions(client, "pres")
    assert {"type": "post", "text": "Pressure Cooking Basics", "slug": post["slug"]} in found
    # The start of a later word in the title counts too.
    assert [s["slug"] for s in await suggestions(client, "cook")] == [post["slug"]]


async def test_tags_and_titles_come_together(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Preserves at home", content="x", tags=["preserving"])
    found = await suggestions(client, "preserv")
    assert {(s["type"], s["text"]) for s in found} >= {
        ("tag", "preserving"),
        ("post", "Preserves at home"),
    }


async def test_at_most_ten_suggestions(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    for n in range(8):
        await create_post(
            client, author, title=f"Prelude number {n}", content="x", tags=[f"pre{n}"]
        )
    found = await suggestions(client, "pre")
    assert len(found) == 10
    assert len({(s["type"], s["slug"]) for s in found}) == 10


async def test_nothing_matching_is_an_empty_list(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Prelude", content="x", tags=["music"])
    response = await suggest(client, "zzzqqq")
    assert response.status_code == 200
    assert response.json() == {"data": []}


async def test_drafts_and_their_tags_are_never_suggested(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    hidden = {
        "draft": {"status": "draft"},
        "pending": {"status": "pending_review"},
        "scheduled": {"published_at": FUTURE},
        "deleted": {},
    }
    for name, fields in hidden.items():
        post = await create_post(
            client, author, title=f"Premium {name}", content="x", tags=[f"premium-{name}"], **fields
        )
        if name == "deleted":
            response = await client.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
            assert response.status_code == 204
    await create_post(client, author, title="Premium public", content="x", tags=["premium"])
    never = {f"Premium {name}" for name in hidden} | {f"premium-{name}" for name in hidden}
    for q in ("prem", "premium", "premium-", "premium d", "premium-sch"):
        found = {s["text"] for s in await suggestions(client, q)}
        assert not found & never, q
    assert {s["text"] for s in await suggestions(client, "prem")} == {"premium", "Premium public"}


async def test_a_tag_shared_with_a_public_post_is_suggested(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Hidden", content="x", status="draft", tags=["quince"])
    assert await suggestions(client, "quin") == []
    await create_post(client, author, title="Shown", content="x", tags=["quince"])
    assert await suggestions(client, "quin") == [
        {"type": "tag", "text": "quince", "slug": "quince"}
    ]


async def test_the_closest_prefixes_come_first(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="All about rust", content="x")
    await create_post(client, author, title="Rust in practice", content="x")
    found = [s["text"] for s in await suggestions(client, "rust")]
    assert found[:2] == ["Rust in practice", "All about rust"]


@pytest.mark.parametrize("q", ["", None, "x" * 101, "a" * 1000])
async def test_an_empty_missing_or_overlong_prefix_is_400(
    client: httpx.AsyncClient, q: str | None
) -> None:
    response = await suggest(client, q)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("q", NASTY_QUERIES)
async def test_nasty_prefixes_never_fail(app: FastAPI, client: httpx.AsyncClient, q: str) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="100% a_b back\\slash", content="x", tags=["percent"])
    response = await suggest(client, q)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert isinstance(response.json()["data"], list)
    response = await client.get(f"{SUGGEST}?q={q.encode().hex()}%00")
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize(("q", "expected"), [("%", []), ("_", []), ("\\", [])])
async def test_like_wildcards_are_matched_literally(
    app: FastAPI, client: httpx.AsyncClient, q: str, expected: list[str]
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Plain title", content="x", tags=["plain"])
    assert [s["text"] for s in await suggestions(client, q)] == expected


async def test_like_wildcards_in_titles_match_themselves(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="100% cotton", content="x")
    await create_post(client, author, title="1000 cotton", content="x")
    found = [s["text"] for s in await suggestions(client, "100%")]
    # PostgreSQL may add look-alikes (trigrams); the literal prefix match always comes first.
    assert found[0] == "100% cotton"
    assert set(found) <= {"100% cotton", "1000 cotton"}
