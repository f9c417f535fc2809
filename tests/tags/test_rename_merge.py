"""PATCH /tags/{slug}: editors rename a tag, respell it, or merge it into the tag that has the
new name (in any case)."""

import httpx
import pytest
from factories import create_post, list_posts, read_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

TAGS = "/api/v1/tags"


async def test_an_editor_renames_a_tag(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, tags=["js", "web"])
    response = await client.patch(
        f"{TAGS}/js", json={"name": "JavaScript Tips"}, headers=editor.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == "javascript-tips"
    assert response.json()["name"] == "JavaScript Tips"
    assert response.json()["post_count"] == 1
    assert (await client.get(f"{TAGS}/js")).status_code == 404
    assert (await read_post(client, post["id"])).json()["tags"] == [
        {"slug": "javascript-tips", "name": "JavaScript Tips"},
        {"slug": "web", "name": "web"},
    ]
    assert [p["id"] for p in await list_posts(client, tag="javascript-tips")] == [post["id"]]


async def test_renaming_to_an_existing_tag_merges_them(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    only_old = await create_post(client, author, tags=["py"])
    both = await create_post(client, author, tags=["py", "python"])
    only_new = await create_post(client, author, tags=["python", "other"])
    response = await client.patch(f"{TAGS}/py", json={"name": "Python"}, headers=editor.headers)
    assert response.status_code == 200, response.text
    # The tag keeps its slug and takes the spelling the editor wrote.
    feed = f"{app.state.settings.public_base_url}/feeds/tags/python"
    assert response.json() | {"created_at": None} == {
        "slug": "python",
        "name": "Python",
        "post_count": 3,
        "created_at": None,
        "feeds": {"rss": f"{feed}.rss", "atom": f"{feed}.atom", "json": f"{feed}.json"},
    }
    assert (await client.get(f"{TAGS}/py")).status_code == 404
    python = {"slug": "python", "name": "Python"}
    assert (await read_post(client, only_old["id"])).json()["tags"] == [python]
    # A post that carried both ends with one link.
    assert (await read_post(client, both["id"])).json()["tags"] == [python]
    assert (await read_post(client, only_new["id"])).json()["tags"] == [
        {"slug": "other", "name": "other"},
        python,
    ]
    listed = (await client.get(TAGS)).json()["data"]
    assert [(t["slug"], t["post_count"]) for t in listed] == [("python", 3), ("other", 1)]
    assert len(await list_posts(client, tag="python")) == 3


async def test_renaming_a_tag_to_its_name_in_another_case_respells_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, tags=["javascript"])
    response = await client.patch(
        f"{TAGS}/javascript", json={"name": "JavaScript"}, headers=editor.headers
    )
    assert response.status_code == 200
    assert (response.json()["slug"], response.json()["name"]) == ("javascript", "JavaScript")
    assert response.json()["post_count"] == 1
    assert (await read_post(client, post["id"])).json()["tags"] == [
        {"slug": "javascript", "name": "JavaScript"}
    ]


async def test_a_tag_is_renamed_by_its_name_and_gets_the_slug_it_reads_as(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    await create_post(client, author, tags=["cpp", "c plus plus"])  # the latter: c-plus-plus
    response = await client.patch(f"{TAGS}/cpp", json={"name": "C++"}, headers=editor.headers)
    assert response.status_code == 200, response.text
    # "C++" reads as a slug another tag has: numbered, the last resort.
    assert (response.json()["slug"], response.json()["name"]) == ("c-plus-plus-2", "C++")
    renamed = await client.patch(f"{TAGS}/C%2B%2B", json={"name": "Cpp"}, headers=editor.headers)
    assert (renamed.json()["slug"], renamed.json()["name"]) == ("cpp", "Cpp")
    assert (await client.get(f"{TAGS}/c-plus-plus-2")).status_code == 404


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.CONTRIBUTOR])
async def test_a_non_editor_cannot_rename_a_tag(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    author = await signed_in(app, client)
    user = await signed_in(app, client, role=role)
    await create_post(client, author, tags=["mine"])
    response = await client.patch(f"{TAGS}/mine", json={"name": "theirs"}, headers=user.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert (await client.get(f"{TAGS}/mine")).json()["post_count"] == 1
    assert (await client.get(f"{TAGS}/theirs")).status_code == 404


async def test_anonymous_rename_is_401(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["anon"])
    response = await client.patch(f"{TAGS}/anon", json={"name": "other"})
    assert response.status_code == 401
    assert (await client.get(f"{TAGS}/anon")).status_code == 200


async def test_renaming_an_unknown_tag_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    editor = await signed_in(app, client, role=Role.EDITOR)
    response = await client.patch(f"{TAGS}/ghost", json={"name": "x"}, headers=editor.headers)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x" * 31},
        {"name": ""},
        {"name": "  "},
        {"name": "!!!"},
        {"name": "C\u0000"},
        {},
        {"name": "ok", "slug": "ok"},
    ],
)
async def test_an_invalid_new_name_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, tags=["stable"])
    response = await client.patch(f"{TAGS}/stable", json=body, headers=editor.headers)
    assert response.status_code == 400
    assert (await read_post(client, post["id"])).json()["tags"] == [
        {"slug": "stable", "name": "stable"}
    ]
