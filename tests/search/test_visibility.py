"""Only visible published posts are searchable: never drafts, scheduled or deleted ones."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from factories import Account, create_post, set_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .searching import hits, posts_q, read_markup

FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()
PAST = (datetime.now(UTC) - timedelta(days=1)).isoformat()


async def _hidden_posts(client: httpx.AsyncClient, author: Account) -> dict[str, dict[str, Any]]:
    """A post in every state nobody may search, each with its own secret word."""

    async def make(word: str, **fields: Any) -> dict[str, Any]:
        content = f"Shared walrus story with the secret {word} in it."
        return await create_post(client, author, title=f"Walrus {word}", content=content, **fields)

    posts = {
        "draft": await make("quasar", status="draft"),
        "pending": await make("nebula", status="pending_review"),
        "scheduled": await make("pulsar", published_at=FUTURE),
        "deleted": await make("comet"),
        "archived": await make("meteor"),
        "unpublished": await make("aurora"),
    }
    deleted = await client.delete(f"/api/v1/posts/{posts['deleted']['id']}", headers=author.headers)
    assert deleted.status_code == 204, deleted.text
    await set_post(client, author, posts["archived"]["id"], status="archived")
    await set_post(client, author, posts["unpublished"]["id"], status="draft")
    return posts


SECRETS = ["quasar", "nebula", "pulsar", "comet", "meteor", "aurora"]


@pytest.mark.parametrize("viewer_role", [None, Role.AUTHOR, Role.EDITOR, Role.ADMIN])
async def test_hidden_posts_never_appear_nor_their_text(
    app: FastAPI, client: httpx.AsyncClient, viewer_role: Role | None
) -> None:
    author = await signed_in(app, client)
    await _hidden_posts(client, author)
    visible = await create_post(client, author, title="Walrus", content="A walrus, visible.")
    viewer = await signed_in(app, client, role=viewer_role) if viewer_role else None
    for who in (viewer, author):
        found = await hits(client, "walrus", who)
        assert [hit["id"] for hit in found] == [visible["id"]]
        for secret in SECRETS:
            assert await hits(client, secret, who) == []
            assert await hits(client, f"walrus or {secret}", who) == found
            for hit in found:
                text = read_markup(hit["highlight"]).text.lower()
                assert secret not in text
                assert secret not in hit["summary"].lower()


async def test_hidden_posts_never_appear_in_posts_q(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await _hidden_posts(client, author)
    for secret in SECRETS:
        response = await posts_q(client, secret, author)
        assert response.status_code == 200
        assert response.json()["data"] == []
        assert response.json()["pagination"]["total"] == 0


async def test_counts_leave_out_hidden_posts(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await _hidden_posts(client, author)
    response = await client.get("/api/v1/search", params={"q": "walrus"})
    assert response.json()["pagination"]["total"] == 0


async def test_a_scheduled_post_is_found_once_its_time_has_come(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="Penguin parade.", published_at=FUTURE)
    assert await hits(client, "penguin") == []
    await set_post(client, author, post["id"], published_at=PAST)
    assert [hit["id"] for hit in await hits(client, "penguin")] == [post["id"]]


async def test_a_draft_is_found_once_published(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="Penguin parade.", status="draft")
    assert await hits(client, "penguin", author) == []
    await set_post(client, author, post["id"], status="published")
    assert [hit["id"] for hit in await hits(client, "penguin")] == [post["id"]]


async def test_posts_of_a_deleted_account_disappear(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, content="Penguin parade.", tags=["birds"])
    assert len(await hits(client, "penguin")) == 1
    response = await client.request(
        "DELETE", "/api/v1/users/me", json={"password": author.password}, headers=author.headers
    )
    assert response.status_code == 204, response.text
    assert await hits(client, "penguin") == []
    assert await hits(client, "penguin", tag="birds") == []
