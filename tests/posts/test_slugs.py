"""Slugs over HTTP: unique with -2, -3..., even under a race; explicit ones; id or slug lookups."""

import asyncio
import uuid

import httpx
import pytest
from factories import (
    POSTS,
    assert_error,
    create_post,
    own_posts,
    read_post,
    set_post,
    signed_in,
)
from fastapi import FastAPI
from sqlalchemy import update

from blogapi.core.config import Role
from blogapi.core.slugs import is_slug
from blogapi.posts.models import Post


async def test_repeated_titles_get_numbered_slugs(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    slugs = [(await create_post(client, author, title="Ünïcödé Straße"))["slug"] for _ in range(3)]
    slugs.append((await create_post(client, other, title="unicode strasse!"))["slug"])
    assert slugs == [
        "unicode-strasse",
        "unicode-strasse-2",
        "unicode-strasse-3",
        "unicode-strasse-4",
    ]


async def test_a_title_without_letters_still_gets_a_slug(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    first = await create_post(client, author, title="!!!")
    second = await create_post(client, author, title="???")
    assert first["slug"]
    assert second["slug"]
    assert first["slug"] != second["slug"]


async def test_a_similar_but_longer_slug_does_not_count_as_taken(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Go tips")
    await create_post(client, author, slug="go-tips-and-tricks")
    assert (await create_post(client, author, title="Go tips"))["slug"] == "go-tips-2"


async def test_ten_racing_creates_with_one_title_get_ten_slugs(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)

    async def create() -> httpx.Response:
        body = {"title": "Race Day", "content": "x"}
        return await client.post(POSTS, json=body, headers=author.headers)

    responses = await asyncio.gather(*(create() for _ in range(10)))
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
    slugs = {r.json()["slug"] for r in responses}
    assert slugs == {"race-day"} | {f"race-day-{n}" for n in range(2, 11)}
    assert len(await own_posts(client, author)) == 10


async def test_an_explicit_slug_is_used(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Anything", slug="my-own-slug")
    assert post["slug"] == "my-own-slug"
    assert (await read_post(client, "my-own-slug")).json()["id"] == post["id"]


async def test_an_explicit_slug_that_is_taken_is_409_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    await create_post(client, author, title="Taken")
    response = await client.post(
        POSTS, json={"title": "Mine", "content": "x", "slug": "taken"}, headers=other.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLUG_TAKEN"
    assert await own_posts(client, other) == []


async def test_a_slug_taken_by_someone_elses_draft_is_still_409(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    await create_post(client, author, title="Secret", status="draft")
    response = await client.post(
        POSTS, json={"title": "S", "content": "x", "slug": "secret"}, headers=other.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLUG_TAKEN"


async def test_changing_to_a_taken_slug_is_409_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="First")
    second = await create_post(client, author, title="Second")
    response = await client.patch(
        f"{POSTS}/{second['id']}",
        json={"slug": "first", "title": "Renamed"},
        headers=author.headers,
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SLUG_TAKEN"
    after = (await read_post(client, second["id"], author)).json()
    assert after == second


async def test_the_slug_can_be_changed_to_a_free_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Old Name")
    changed = await set_post(client, author, post["id"], slug="new-name")
    assert changed["slug"] == "new-name"
    assert (await read_post(client, "new-name")).json()["id"] == post["id"]
    assert (await read_post(client, "old-name")).status_code == 404
    # Changing the title later leaves the chosen slug alone.
    assert (await set_post(client, author, "new-name", title="Other"))["slug"] == "new-name"


async def test_a_post_is_addressable_by_id_and_by_slug(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Find Me")
    by_id = await read_post(client, post["id"])
    by_slug = await read_post(client, "find-me")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    assert (await read_post(client, "FIND-ME")).json()["id"] == post["id"]


async def test_unknown_refs_are_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Exists")
    for ref in (str(uuid.uuid4()), "does-not-exist", "exists-2", "%20"):
        response = await read_post(client, ref)
        assert response.status_code == 404, ref
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_an_overlong_ref_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    response = await read_post(client, "a" * 101)
    assert response.status_code in (400, 404)
    assert response.json()["error"]["code"] in ("VALIDATION_ERROR", "NOT_FOUND")


async def test_an_editor_can_change_someone_elses_slug(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, title="Typo Titel")
    assert (await set_post(client, editor, post["slug"], slug="typo-title"))["slug"] == "typo-title"


async def test_racing_creates_with_one_explicit_slug_give_one_post_and_409s(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)

    async def create(n: int) -> httpx.Response:
        body = {"title": f"Claim {n}", "content": "x", "slug": "the-claim"}
        return await client.post(POSTS, json=body, headers=author.headers)

    responses = await asyncio.gather(*(create(n) for n in range(10)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9, [r.text for r in responses]
    assert all(r.json()["error"]["code"] == "SLUG_TAKEN" for r in responses if r.status_code == 409)
    assert len(await own_posts(client, author)) == 1


async def test_two_posts_racing_to_one_new_slug_leave_one_winner(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    first = await create_post(client, author)
    second = await create_post(client, author)
    responses = await asyncio.gather(
        *(
            client.patch(f"{POSTS}/{p['id']}", json={"slug": "wanted"}, headers=author.headers)
            for p in (first, second)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    winner = next(r.json()["id"] for r in responses if r.status_code == 200)
    assert (await read_post(client, "wanted")).json()["id"] == winner


async def test_a_long_repeated_title_gets_suffixed_slugs_that_still_fit(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    title = "A rather long title that goes on " * 5
    slugs = [(await create_post(client, author, title=title))["slug"] for _ in range(3)]
    assert len(set(slugs)) == 3
    assert all(len(slug) <= 100 and is_slug(slug) for slug in slugs)
    assert slugs[1].endswith("-2")
    assert slugs[2].endswith("-3")


async def test_a_title_that_looks_like_an_id_gets_a_slug_that_does_not(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    digits = await create_post(client, author, title="12345678901234567890123456789012")
    hexish = await create_post(client, author, title="cafebabe cafebabe cafebabe cafebabe")

    assert digits["slug"] == "12345678901234567890123456789012-post"
    assert hexish["slug"] == "cafebabe-cafebabe-cafebabe-cafebabe-post"
    for post in (digits, hexish):
        response = await read_post(client, post["slug"])
        assert response.status_code == 200, post["slug"]
        assert response.json()["id"] == post["id"]


@pytest.mark.parametrize(
    "slug",
    [
        "0190c0c0-0000-7000-8000-000000000000",
        "0190c0c0000070008000000000000000",
        "0190-c0c0-0000-7000-8000-0000-0000-0000",
    ],
)
async def test_an_explicit_slug_that_looks_like_an_id_is_400(
    app: FastAPI, client: httpx.AsyncClient, slug: str
) -> None:
    author = await signed_in(app, client)

    response = await client.post(
        POSTS, json={"title": "Hello", "content": "Text.", "slug": slug}, headers=author.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="slug")
    assert (await own_posts(client, author)) == []


async def test_a_ref_that_is_an_id_names_that_post_and_no_other(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    target = await create_post(client, author, title="The real one")
    squatter = await create_post(client, author, title="The squatter")
    # A row from before slugs were checked: the squatter's slug is the target's id.
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(Post).where(Post.id == uuid.UUID(squatter["id"])).values(slug=target["id"])
        )
        await session.commit()

    read = await read_post(client, target["id"])
    comment = await client.post(
        f"{POSTS}/{target['id']}/comments", json={"content": "Hi"}, headers=author.headers
    )

    assert read.json()["id"] == target["id"]
    assert comment.status_code == 201, comment.text
    assert comment.json()["post_id"] == target["id"]
