"""Making, listing and opening preview links over HTTP, for the tests of this package."""

from typing import Any

import httpx
from factories import POSTS, Account

PREVIEW = "/api/v1/preview"


def links_path(post_ref: str) -> str:
    return f"{POSTS}/{post_ref}/preview-links"


async def make_link(
    client: httpx.AsyncClient, account: Account, post_ref: str, **body: Any
) -> dict[str, Any]:
    """POST a preview link; asserts the 201 and returns its JSON."""
    response = await client.post(links_path(post_ref), json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    return link


async def live_links(
    client: httpx.AsyncClient, account: Account, post_ref: str
) -> list[dict[str, Any]]:
    response = await client.get(links_path(post_ref), headers=account.headers)
    assert response.status_code == 200, response.text
    links: list[dict[str, Any]] = response.json()
    return links


async def revoke(
    client: httpx.AsyncClient, account: Account, post_ref: str, link_id: str
) -> httpx.Response:
    return await client.delete(f"{links_path(post_ref)}/{link_id}", headers=account.headers)


async def open_link(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open a preview as anyone does: no account, redirects not followed."""
    return await client.get(f"{PREVIEW}/{token}", follow_redirects=False)


def assert_preview_headers(response: httpx.Response) -> None:
    """What every answer to a token carries, whatever it opened."""
    assert response.headers.get_list("cache-control") == ["no-store"]
    assert response.headers["x-robots-tag"] == "noindex"
    assert response.headers["referrer-policy"] == "no-referrer"
