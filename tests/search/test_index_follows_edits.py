"""The index follows every write: edited posts are found by their new words only."""

import httpx
from factories import create_post, set_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, hits, read_markup


async def test_a_new_title_is_found_and_the_old_one_is_not(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Aardvark notes", content="Plain text.")
    await set_post(client, author, post["id"], title="Pangolin notes")
    assert await hit_ids(client, "pangolin") == [post["id"]]
    assert await hit_ids(client, "aardvark") == []
    assert await hit_ids(client, "notes") == [post["id"]]


async def test_new_content_is_found_and_the_old_content_is_not(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Zoo", content="The aardvark digs.")
    await set_post(client, author, post["id"], content="The **pangolin** rolls.")
    assert await hit_ids(client, "aardvark") == []
    [hit] = await hits(client, "pangolin")
    assert hit["id"] == post["id"]
    # The highlight is cut from the new text (plain text, not Markdown).
    assert read_markup(hit["highlight"]).marked == ["pangolin"]
    assert "**" not in hit["highlight"]
    assert "aardvark" not in hit["highlight"]


async def test_a_new_summary_is_found_and_the_old_one_is_not(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Zoo", content="Text.", summary="Aardvark.")
    await set_post(client, author, post["id"], summary="Pangolin.")
    assert await hit_ids(client, "pangolin") == [post["id"]]
    assert await hit_ids(client, "aardvark") == []


async def test_many_edits_leave_only_the_last_words(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Zoo", content="Word zero.")
    words = ["aardvark", "pangolin", "okapi", "axolotl"]
    for word in words:
        await set_post(client, author, post["id"], title=f"Zoo {word}", content=f"The {word}.")
    for old in ["zero", *words[:-1]]:
        assert await hit_ids(client, old) == [], old
    assert await hit_ids(client, "axolotl") == [post["id"]]
    assert await hit_ids(client, "zoo") == [post["id"]]


async def test_an_edit_that_changes_only_tags_keeps_the_post_findable(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="The okapi.", tags=["old"])
    await set_post(client, author, post["id"], tags=["new"])
    assert await hit_ids(client, "okapi") == [post["id"]]
    assert await hit_ids(client, "okapi", tag="new") == [post["id"]]
    assert await hit_ids(client, "okapi", tag="old") == []


async def test_a_failed_edit_leaves_the_index_as_it_was(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    taken = await create_post(client, author, content="x", slug="taken-slug")
    post = await create_post(client, author, title="Aardvark", content="The aardvark.")
    # A slug conflict (409) and a stale If-Match (412): nothing of the change may stick.
    response = await client.patch(
        f"/api/v1/posts/{post['id']}",
        json={"title": "Pangolin", "content": "The pangolin.", "slug": taken["slug"]},
        headers=author.headers,
    )
    assert response.status_code == 409, response.text
    response = await client.patch(
        f"/api/v1/posts/{post['id']}",
        json={"title": "Pangolin"},
        headers={**author.headers, "If-Match": '"999-x"'},
    )
    assert response.status_code == 412, response.text
    # Someone else's edit is refused before anything is written.
    response = await client.patch(
        f"/api/v1/posts/{post['id']}", json={"title": "Pangolin"}, headers=other.headers
    )
    assert response.status_code == 403, response.text
    assert await hit_ids(client, "pangolin") == []
    assert await hit_ids(client, "aardvark") == [post["id"]]


async def test_a_deleted_post_leaves_the_index(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="The okapi.")
    kept = await create_post(client, author, content="Another okapi.")
    response = await client.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    assert response.status_code == 204
    assert await hit_ids(client, "okapi") == [kept["id"]]
