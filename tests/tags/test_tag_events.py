"""tag.updated: a rename, a respelling and a merge each record one event with what the tag
was; a rename to the same name, or one refused, records none."""

from typing import Any

import httpx
from factories import create_post, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.events.models import Event

TAGS = "/api/v1/tags"


async def _tag_events(app: FastAPI) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        statement = select(Event.data).where(Event.type == "tag.updated")
        return list(await session.scalars(statement.order_by(Event.created_at, Event.id)))


async def _rename(client: httpx.AsyncClient, editor: Any, slug: str, name: str) -> httpx.Response:
    return await client.patch(f"{TAGS}/{slug}", json={"name": name}, headers=editor.headers)


async def test_rename_respell_and_merge_each_record_one_event(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    await create_post(client, author, tags=["js", "python"])
    assert (await _rename(client, editor, "js", "JavaScript")).status_code == 200
    assert (await _rename(client, editor, "javascript", "JAVASCRIPT")).status_code == 200
    merged = await _rename(client, editor, "javascript", "Python")
    assert merged.status_code == 200

    renamed, respelt, into = await _tag_events(app)
    assert renamed["previous"] == {"slug": "js", "name": "js"}
    assert renamed["tag"]["slug"] == "javascript"
    assert renamed["tag"]["name"] == "JavaScript"
    assert renamed["merged"] is False
    assert respelt["previous"] == {"slug": "javascript", "name": "JavaScript"}
    assert respelt["tag"]["name"] == "JAVASCRIPT"
    assert into["merged"] is True
    assert into["tag"] == {"slug": "python", "name": "Python"}
    assert merged.json()["slug"] == "python"


async def test_no_change_and_refused_renames_record_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    await create_post(client, author, tags=["Go"])
    assert (await _rename(client, editor, "go", "Go")).status_code == 200  # as it was
    assert (await _rename(client, author, "go", "Golang")).status_code == 403
    assert (await _rename(client, editor, "go", "   ")).status_code == 400
    assert (await _rename(client, editor, "nope", "Whatever")).status_code == 404

    assert await _tag_events(app) == []
