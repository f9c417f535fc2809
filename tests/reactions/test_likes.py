"""PUT/DELETE /posts/{ref}/like: idempotent toggles, counts and the reader's `liked` flag."""

import uuid

import httpx
from factories import POSTS, create_post, list_posts, read_post, signed_in
from fastapi import FastAPI


async def test_liking_is_idempotent_and_counted_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    url = f"{POSTS}/{post['id']}/like"
    for _ in range(2):
        response = await client.put(url, headers=reader.headers)
        assert response.status_code == 204
        assert response.content == b""
    assert (await read_post(client, post["id"])).json()["likes_count"] == 1
    for _ in range(2):
        assert (await client.delete(url, headers=reader.headers)).status_code == 204
    assert (await read_post(client, post["id"])).json()["likes_count"] == 0


async def test_a_post_can_be_liked_by_slug(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author, title="Likeable")
    assert (await client.put(f"{POSTS}/likeable/like", headers=reader.headers)).status_code == 204
    assert (await read_post(client, post["id"], reader)).json()["liked"] is True


async def test_liked_is_true_false_or_null_depending_on_the_reader(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    fan = await signed_in(app, client)
    other = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/like", headers=fan.headers)
    expected = {fan.username: True, other.username: False, author.username: False}
    for account in (fan, other, author):
        single = (await read_post(client, post["id"], account)).json()
        [listed] = await list_posts(client, account)
        assert single["liked"] is listed["liked"] is expected[account.username]
        assert single["bookmarked"] is listed["bookmarked"] is False
    anonymous = (await read_post(client, post["id"])).json()
    [listed] = await list_posts(client)
    assert anonymous["liked"] is None
    assert listed["liked"] is None
    assert anonymous["bookmarked"] is None
    assert anonymous["likes_count"] == listed["likes_count"] == 1


async def test_unliking_what_was_never_liked_is_204_and_keeps_the_count(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    other = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/like", headers=other.headers)
    response = await client.delete(f"{POSTS}/{post['id']}/like", headers=reader.headers)
    assert response.status_code == 204
    assert (await read_post(client, post["id"])).json()["likes_count"] == 1


async def test_anonymous_like_is_401(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for method in ("PUT", "DELETE"):
        response = await client.request(method, f"{POSTS}/{post['id']}/like")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"
    assert (await read_post(client, post["id"])).json()["likes_count"] == 0


async def test_liking_an_invisible_or_unknown_post_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    scheduled = await create_post(client, author, published_at="2030-01-01T00:00:00Z")
    for ref in (draft["id"], draft["slug"], scheduled["id"], str(uuid.uuid4()), "no-such-post"):
        response = await client.put(f"{POSTS}/{ref}/like", headers=reader.headers)
        assert response.status_code == 404, ref
    assert (await read_post(client, draft["id"], author)).json()["likes_count"] == 0
    assert (await read_post(client, scheduled["id"], author)).json()["likes_count"] == 0


async def test_the_author_may_like_their_own_draft(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    response = await client.put(f"{POSTS}/{draft['id']}/like", headers=author.headers)
    assert response.status_code == 204
    assert (await read_post(client, draft["id"], author)).json()["liked"] is True


async def test_likes_do_not_change_the_posts_etag_version_for_writers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    etag = (await read_post(client, post["id"], author)).headers["etag"]
    await client.put(f"{POSTS}/{post['id']}/like", headers=reader.headers)
    # A like is not an edit: the author's If-Match from before it still holds.
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"title": "Edited"},
        headers={**author.headers, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.json()["likes_count"] == 1


async def test_a_like_is_not_an_edit_and_leaves_updated_at_alone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    post = await create_post(client, author)
    await client.put(f"{POSTS}/{post['id']}/like", headers=reader.headers)
    await client.delete(f"{POSTS}/{post['id']}/like", headers=reader.headers)
    after = (await read_post(client, post["id"])).json()
    assert after["updated_at"] == post["updated_at"]
