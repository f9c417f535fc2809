"""Editing posts: ETags, If-Match (412 on a stale one), If-None-Match (304), PUT as PATCH."""

import asyncio

import httpx
from factories import POSTS, create_post, read_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def test_get_and_write_responses_carry_an_etag(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    created = await client.post(
        POSTS, json={"title": "Tagged", "content": "x"}, headers=author.headers
    )
    read = await read_post(client, "tagged", author)
    patched = await client.patch(
        f"{POSTS}/tagged", json={"title": "Retitled"}, headers=author.headers
    )
    etags = [r.headers.get("etag") for r in (created, read, patched)]
    assert all(tag and tag.startswith('"') and tag.endswith('"') for tag in etags), etags
    assert etags[0] == etags[1]
    assert etags[2] != etags[1]


async def test_patch_with_the_current_etag_succeeds(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Before")
    etag = (await read_post(client, post["id"], author)).headers["etag"]
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"title": "After", "content": "New **body**"},
        headers={**author.headers, "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "After"
    assert body["content_html"] == "<p>New <strong>body</strong></p>\n"
    assert body["slug"] == post["slug"]


async def test_the_etag_of_a_write_response_is_good_for_the_next_write(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    response = await client.post(
        POSTS, json={"title": "Chain", "content": "x"}, headers=author.headers
    )
    for n in range(3):
        response = await client.patch(
            f"{POSTS}/chain",
            json={"content": f"version {n}"},
            headers={**author.headers, "If-Match": response.headers["etag"]},
        )
        assert response.status_code == 200, response.text
    assert (await read_post(client, "chain")).json()["content"] == "version 2"


async def test_a_stale_if_match_is_412_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, title="Shared", tags=["one"])
    stale = (await read_post(client, post["id"], author)).headers["etag"]
    # The editor changes it first.
    first = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"content": "editor's words"},
        headers={**editor.headers, "If-Match": stale},
    )
    assert first.status_code == 200
    before = (await read_post(client, post["id"], author)).json()
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"title": "Overwrite", "content": "mine", "tags": ["two"], "status": "draft"},
        headers={**author.headers, "If-Match": stale},
    )
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    assert (await read_post(client, post["id"], author)).json() == before
    revisions = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert len(revisions.json()) == 1


async def test_a_made_up_if_match_is_412(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Guess")
    for value in ('"999-0000"', '"abc"', "nonsense", '""'):
        response = await client.patch(
            f"{POSTS}/{post['id']}",
            json={"title": "Guessed"},
            headers={**author.headers, "If-Match": value},
        )
        assert response.status_code == 412, value
    assert (await read_post(client, post["id"])).json()["title"] == "Guess"


async def test_if_match_star_and_a_list_containing_the_etag_pass(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    etag = (await read_post(client, post["id"], author)).headers["etag"]
    for template in ("*", '"77-abc", {etag}'):
        value = template.format(etag=etag)
        response = await client.patch(
            f"{POSTS}/{post['id']}",
            json={"summary": value},
            headers={**author.headers, "If-Match": value},
        )
        assert response.status_code == 200, value
        etag = response.headers["etag"]


async def test_two_racing_writers_with_one_etag_do_not_both_win(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, title="Contested")
    etag = (await read_post(client, post["id"], author)).headers["etag"]

    async def write(account_headers: dict[str, str], title: str) -> httpx.Response:
        return await client.patch(
            f"{POSTS}/{post['id']}",
            json={"title": title},
            headers={**account_headers, "If-Match": etag},
        )

    responses = await asyncio.gather(
        write(author.headers, "Author's title"), write(editor.headers, "Editor's title")
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 412], [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert (await read_post(client, post["id"])).json()["title"] == winner["title"]


async def test_a_matching_if_none_match_is_304(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    first = await read_post(client, post["id"])
    response = await client.get(
        f"{POSTS}/{post['id']}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == first.headers["etag"]
    weak = await client.get(
        f"{POSTS}/{post['slug']}", headers={"If-None-Match": f'"x", W/{first.headers["etag"]}'}
    )
    assert weak.status_code == 304


async def test_an_old_or_foreign_if_none_match_gets_the_full_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    old = (await read_post(client, post["id"])).headers["etag"]
    patched = await client.patch(
        f"{POSTS}/{post['id']}", json={"title": "Changed"}, headers=author.headers
    )
    assert patched.status_code == 200
    for value in (old, '"1-0000000000000000"', "garbage"):
        response = await client.get(f"{POSTS}/{post['id']}", headers={"If-None-Match": value})
        assert response.status_code == 200, value
        assert response.json()["title"] == "Changed"


async def test_if_none_match_does_not_reveal_a_hidden_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    response = await client.get(f"{POSTS}/{post['id']}", headers={"If-None-Match": "*"})
    assert response.status_code == 404


async def test_put_is_a_partial_update_like_patch(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Putty", content="Body", tags=["keep"])
    response = await client.put(
        f"{POSTS}/{post['id']}", json={"title": "Put Title"}, headers=author.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"]
    body = response.json()
    assert body["title"] == "Put Title"
    assert body["content"] == "Body"
    assert body["tags"] == [{"slug": "keep", "name": "keep"}]


async def test_put_honours_if_match_and_refuses_unknown_fields(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Put Guarded")
    stale = await client.put(
        f"{POSTS}/{post['id']}",
        json={"title": "x"},
        headers={**author.headers, "If-Match": '"42-abc"'},
    )
    assert stale.status_code == 412
    unknown = await client.put(
        f"{POSTS}/{post['id']}", json={"likes_count": 9}, headers=author.headers
    )
    assert unknown.status_code == 400
    anonymous_view = post | {"liked": None, "bookmarked": None}
    assert (await read_post(client, post["id"])).json() == anonymous_view


async def test_editing_content_re_renders_and_recomputes_the_summary(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="old words")
    changed = await client.patch(
        f"{POSTS}/{post['id']}", json={"content": "~~new~~ " + "w " * 300}, headers=author.headers
    )
    body = changed.json()
    assert body["content_html"].startswith("<p><s>new</s> w w")
    assert body["summary"].startswith("new w w")
    assert body["reading_time_minutes"] == 2


async def test_a_written_summary_survives_content_edits_until_cleared(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="first", summary="Hand written")
    url = f"{POSTS}/{post['id']}"
    kept = await client.patch(url, json={"content": "second"}, headers=author.headers)
    assert kept.json()["summary"] == "Hand written"
    cleared = await client.patch(url, json={"summary": None}, headers=author.headers)
    assert cleared.json()["summary"] == "second"


async def test_null_for_a_required_field_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for field in ("title", "content", "tags", "status", "slug"):
        response = await client.patch(
            f"{POSTS}/{post['id']}", json={field: None, "summary": "x"}, headers=author.headers
        )
        assert response.status_code == 400, field
        assert response.json()["error"]["details"][0]["field"] == field
    assert (await read_post(client, post["id"], author)).json() == post
