"""Comment helpers over HTTP for the comment tests."""

from typing import Any

import httpx
from factories import POSTS, Account, auth, read_post

COMMENTS = "/api/v1/comments"


def thread_url(post_ref: str) -> str:
    return f"{POSTS}/{post_ref}/comments"


def comment_url(comment_id: str, action: str = "") -> str:
    return f"{COMMENTS}/{comment_id}" + (f"/{action}" if action else "")


async def add_comment(
    client: httpx.AsyncClient,
    account: Account,
    post_ref: str,
    content: str = "A comment.",
    parent_id: str | None = None,
) -> dict[str, Any]:
    """POST a comment (a reply when `parent_id` is given); asserts a 201."""
    body: dict[str, Any] = {"content": content}
    if parent_id is not None:
        body["parent_id"] = parent_id
    response = await client.post(thread_url(post_ref), json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    comment: dict[str, Any] = response.json()
    return comment


async def get_thread(
    client: httpx.AsyncClient, post_ref: str, account: Account | None = None, **params: Any
) -> dict[str, Any]:
    """GET the post's comments (limit 100 unless given); asserts a 200, returns the envelope."""
    response = await client.get(
        thread_url(post_ref), params={"limit": 100, **params}, headers=auth(account)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def thread_contents(
    client: httpx.AsyncClient, post_ref: str, account: Account | None = None
) -> list[str | None]:
    """The `content` of each comment of the thread, in order."""
    return [c["content"] for c in (await get_thread(client, post_ref, account))["data"]]


async def comments_count(client: httpx.AsyncClient, post: dict[str, Any], account: Account) -> int:
    response = await read_post(client, post["id"], account)
    assert response.status_code == 200, response.text
    count: int = response.json()["comments_count"]
    return count


async def moderate(
    client: httpx.AsyncClient, account: Account, comment_id: str, action: str
) -> httpx.Response:
    """POST /comments/{id}/hide or /unhide."""
    return await client.post(comment_url(comment_id, action), headers=account.headers)


def readers_view(moderated: list[dict[str, Any]]) -> list[str]:
    """The ids, in order, that a reader who does not moderate should get, worked out from the
    moderators' whole thread (`moderated`, thread order): nothing with a hidden comment at or
    above it, and a deleted comment only while a live reply below it is shown."""
    by_id = {c["id"]: c for c in moderated}
    concealed: dict[str, bool] = {}
    for c in moderated:  # parents first
        above = c["parent_id"] is not None and concealed[c["parent_id"]]
        concealed[c["id"]] = above or c["status"] == "hidden"
    holding: set[str] = set()
    for c in moderated:
        if not c["is_deleted"] and not concealed[c["id"]]:
            parent = c["parent_id"]
            while parent is not None:
                holding.add(parent)
                parent = by_id[parent]["parent_id"]
    return [
        c["id"]
        for c in moderated
        if not concealed[c["id"]] and (not c["is_deleted"] or c["id"] in holding)
    ]
