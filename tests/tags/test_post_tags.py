"""Tags on posts: names kept as written, one tag per name in any case, at most 10 per post,
at most 30 characters each."""

import asyncio
from typing import Any

import httpx
from factories import POSTS, create_post, own_posts, read_post, set_post, signed_in
from fastapi import FastAPI


def slugs(post: dict[str, Any]) -> list[str]:
    return [tag["slug"] for tag in post["tags"]]


async def test_tag_names_are_kept_as_written_and_deduplicated_in_any_case(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(
        client, author, tags=["Python", "Web  Dev", "python", "  Ünïcödé  ", "C++"]
    )
    assert post["tags"] == [
        {"slug": "c-plus-plus", "name": "C++"},
        {"slug": "python", "name": "Python"},
        {"slug": "unicode", "name": "Ünïcödé"},
        {"slug": "web-dev", "name": "Web Dev"},
    ]
    assert (await read_post(client, post["id"])).json()["tags"] == post["tags"]


async def test_ten_tags_are_accepted_and_thirty_characters_each(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    tags = [f"tag{n}" for n in range(9)] + ["x" * 30]
    post = await create_post(client, author, tags=tags)
    assert slugs(post) == sorted(tags)


async def test_eleven_tags_are_400_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    body = {"title": "Too many", "content": "x", "tags": [f"t{n}" for n in range(11)]}
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "tags"
    assert await own_posts(client, author) == []
    assert (await client.get("/api/v1/tags/t0")).status_code == 404


async def test_a_31_character_tag_is_400_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    body = {"title": "Long tag", "content": "x", "tags": ["ok", "y" * 31]}
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"].startswith("tags")
    assert await own_posts(client, author) == []
    assert (await client.get("/api/v1/tags/ok")).status_code == 404


async def test_tags_without_letters_or_digits_are_400(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for tags in (["!!!"], [""], ["ok", "   "], "python", [5]):
        body = {"title": "Bad tags", "content": "x", "tags": tags}
        response = await client.post(POSTS, json=body, headers=author.headers)
        assert response.status_code == 400, tags
    assert await own_posts(client, author) == []


async def test_editing_tags_replaces_them(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["one", "two"])
    edited = await set_post(client, author, post["id"], tags=["Two", "three"])
    # "Two" is the tag "two", which keeps the name it was first written with.
    assert edited["tags"] == [{"slug": "three", "name": "three"}, {"slug": "two", "name": "two"}]
    assert (await set_post(client, author, post["id"], tags=[]))["tags"] == []
    assert (await set_post(client, author, post["id"], title="x"))["tags"] == []


async def test_editing_to_eleven_tags_is_400_and_keeps_the_old_ones(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["keep"])
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"tags": [f"t{n}" for n in range(11)]},
        headers=author.headers,
    )
    assert response.status_code == 400
    assert slugs((await read_post(client, post["id"])).json()) == ["keep"]


async def test_racing_posts_with_the_same_new_tag_share_one_tag(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)

    async def create(n: int) -> httpx.Response:
        body = {"title": f"Racer {n}", "content": "x", "tags": ["fresh", f"own{n}"]}
        return await client.post(POSTS, json=body, headers=author.headers)

    responses = await asyncio.gather(*(create(n) for n in range(5)))
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert all("fresh" in slugs(r.json()) for r in responses)
    tag = await client.get("/api/v1/tags/fresh")
    assert tag.json()["post_count"] == 5
