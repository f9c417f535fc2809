"""Racing requests on real connections: the counter always equals the rows."""

import asyncio
from typing import Any

import httpx
from factories import Account, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import (
    add_comment,
    comment_url,
    comments_count,
    get_thread,
    moderate,
    readers_view,
    thread_url,
)

RACERS = 30


async def test_thirty_racing_comments_count_thirty(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    readers = [await signed_in(app, client) for _ in range(5)]
    post = await create_post(client, author)
    # Six users, several comments each at the same moment.
    writers = [readers[i % len(readers)] if i % 6 else author for i in range(RACERS)]
    responses = await asyncio.gather(
        *(
            client.post(thread_url(post["id"]), json={"content": f"#{i}"}, headers=writer.headers)
            for i, writer in enumerate(writers)
        )
    )
    assert [r.status_code for r in responses] == [201] * RACERS, [r.text for r in responses]
    assert await comments_count(client, post, author) == RACERS
    thread = await get_thread(client, post["id"])
    assert thread["pagination"]["total"] == RACERS
    assert sorted(c["content"] for c in thread["data"]) == sorted(f"#{i}" for i in range(RACERS))


async def test_thirty_racing_replies_by_one_user_count_thirty(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    parent = await client.post(
        thread_url(post["id"]), json={"content": "Parent"}, headers=author.headers
    )
    parent_id = parent.json()["id"]
    responses = await asyncio.gather(
        *(
            client.post(
                thread_url(post["id"]),
                json={"content": f"#{i}", "parent_id": parent_id},
                headers=author.headers,
            )
            for i in range(RACERS)
        )
    )
    assert [r.status_code for r in responses] == [201] * RACERS
    assert await comments_count(client, post, author) == RACERS + 1
    thread = (await get_thread(client, post["id"]))["data"]
    assert len(thread) == RACERS + 1
    assert thread[0]["id"] == parent_id
    assert {c["parent_id"] for c in thread[1:]} == {parent_id}


async def test_two_racing_hides_uncount_the_comment_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    target = await client.post(
        thread_url(post["id"]), json={"content": "Spam"}, headers=author.headers
    )
    await client.post(thread_url(post["id"]), json={"content": "Fine"}, headers=author.headers)
    assert await comments_count(client, post, author) == 2
    responses = await asyncio.gather(
        moderate(client, author, target.json()["id"], "hide"),
        moderate(client, editor, target.json()["id"], "hide"),
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert [r.json()["status"] for r in responses] == ["hidden", "hidden"]
    assert await comments_count(client, post, author) == 1


async def test_racing_deletes_and_hides_uncount_the_comment_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    target = await client.post(
        thread_url(post["id"]), json={"content": "Spam"}, headers=author.headers
    )
    target_id = target.json()["id"]
    responses = await asyncio.gather(
        client.delete(comment_url(target_id), headers=author.headers),
        client.delete(comment_url(target_id), headers=editor.headers),
        moderate(client, editor, target_id, "hide"),
        client.delete(comment_url(target_id), headers=editor.headers),
    )
    statuses = [r.status_code for r in responses]
    deletes = [statuses[0], statuses[1], statuses[3]]
    assert deletes.count(204) == 1, statuses
    assert set(statuses) <= {200, 204, 404}, statuses
    assert await comments_count(client, post, author) == 0
    assert (await get_thread(client, post["id"], author))["data"] == []


async def test_replies_racing_hides_of_their_parent_count_what_readers_see(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Each recount waits for the post's row while another request holds it: counted with the
    # snapshot from before that wait, replies under a parent hidden meanwhile were counted.
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    for _ in range(5):
        post = await create_post(client, author)
        parent = await add_comment(client, author, post["id"], "Parent")
        replies = [
            client.post(
                thread_url(post["id"]),
                json={"content": f"#{i}", "parent_id": parent["id"]},
                headers=author.headers,  # moderators may reply under a hidden comment
            )
            for i in range(10)
        ]
        moderation = [
            moderate(client, editor, parent["id"], action)
            for action in ("hide", "unhide", "hide", "unhide", "hide")
        ]
        responses = await asyncio.gather(*replies[:5], *moderation, *replies[5:])
        assert {r.status_code for r in responses} == {200, 201}, [r.text for r in responses]
        assert len(await _readers_see_the_statuses(client, post, author, editor)) == 11


async def _readers_see_the_statuses(
    client: httpx.AsyncClient, post: dict[str, Any], author: Account, editor: Account
) -> list[dict[str, Any]]:
    """Readers' thread, its total and the post's count are what the statuses the moderators
    see make of them (worked out here, not read from the stored concealment that the thread
    and the count both read); returns the moderators' thread."""
    shown = await get_thread(client, post["id"])
    moderated: list[dict[str, Any]] = (await get_thread(client, post["id"], editor))["data"]
    assert [c["id"] for c in shown["data"]] == readers_view(moderated)
    assert shown["pagination"]["total"] == len(shown["data"])
    with_content = sum(1 for c in shown["data"] if not c["is_deleted"])
    assert await comments_count(client, post, author) == with_content
    return moderated


async def test_moderation_of_a_subtree_races_writes_below_it_without_failing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # A hide or unhide rewrites `concealed` below it while holding the post's row: a delete
    # or a hide below it that had taken its own comment's row first, then waited for the
    # post's, deadlocked with it (PostgreSQL aborts one of the two).
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    for _ in range(4):
        post = await create_post(client, author)
        top = await add_comment(client, author, post["id"], "Top")
        middle = await add_comment(client, author, post["id"], "Middle", top["id"])
        below = [
            await add_comment(client, author, post["id"], f"#{i}", middle["id"]) for i in range(6)
        ]
        responses = await asyncio.gather(
            moderate(client, editor, top["id"], "hide"),
            *(client.delete(comment_url(c["id"]), headers=author.headers) for c in below[:3]),
            moderate(client, author, middle["id"], "hide"),
            *(moderate(client, author, c["id"], "hide") for c in below[3:]),
            moderate(client, editor, top["id"], "unhide"),
        )
        assert {r.status_code for r in responses} <= {200, 204}, [r.text for r in responses]
        assert len(await _readers_see_the_statuses(client, post, author, editor)) == 5
