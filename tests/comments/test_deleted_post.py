"""A deleted post takes its comments with it: every comment endpoint answers 404."""

import httpx
from factories import POSTS, assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .threads import add_comment, comment_url, moderate, thread_url


async def test_every_comment_endpoint_is_404_once_the_post_is_deleted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    comment = await add_comment(client, author, post["id"])
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204

    for account in (author, editor):
        responses = [
            await client.get(thread_url(post["id"]), headers=account.headers),
            await client.post(
                thread_url(post["id"]), json={"content": "Hi"}, headers=account.headers
            ),
            await client.post(
                thread_url(post["id"]),
                json={"content": "Hi", "parent_id": comment["id"]},
                headers=account.headers,
            ),
            await client.patch(
                comment_url(comment["id"]), json={"content": "x"}, headers=account.headers
            ),
            await client.delete(comment_url(comment["id"]), headers=account.headers),
            await moderate(client, account, comment["id"], "hide"),
            await moderate(client, account, comment["id"], "unhide"),
        ]
        for response in responses:
            assert_error(response, 404, "NOT_FOUND")


async def test_the_comments_of_other_posts_are_untouched(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    doomed, kept = await create_post(client, author), await create_post(client, author)
    await add_comment(client, author, doomed["id"])
    comment = await add_comment(client, author, kept["id"], "Kept")
    assert (
        await client.delete(f"{POSTS}/{doomed['id']}", headers=author.headers)
    ).status_code == 204
    response = await client.patch(
        comment_url(comment["id"]), json={"content": "Still kept"}, headers=author.headers
    )
    assert response.status_code == 200, response.text
