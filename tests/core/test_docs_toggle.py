"""DOCS_ENABLED turns /docs, /redoc and /openapi.json off (the production overlay does)."""

import httpx
import pytest
from factories import own_app

DOCS = ["/docs", "/redoc", "/openapi.json"]


@pytest.mark.parametrize("path", DOCS)
async def test_docs_are_served_by_default(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 200


@pytest.mark.parametrize("path", DOCS)
async def test_docs_disabled_are_404_in_the_envelope(database_url: str, path: str) -> None:
    async with own_app(database_url, docs_enabled=False) as (_app, client):
        response = await client.get(path)
        still_api = await client.get("/api/v1/posts")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert still_api.status_code == 200
