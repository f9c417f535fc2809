"""Conduit comments (integer ids: the comments' numbers) and tags."""

import httpx

from .conduit import (
    ROOT,
    assert_errors,
    assert_valid,
    create_article,
    register,
    token_headers,
)


async def test_comments_are_listed_oldest_first_with_or_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    author = await register(client)
    reader = await register(client)
    article = await create_article(client, author)
    url = f"{ROOT}/articles/{article['slug']}/comments"
    ids = []
    for user, text in ((reader, "First!"), (author, "Thanks")):
        response = await client.post(
            url, json={"comment": {"body": text}}, headers=token_headers(user["token"])
        )
        assert response.status_code == 200, response.text
        assert_valid(response.json(), "SingleCommentResponse")
        comment = response.json()["comment"]
        assert comment["body"] == text
        assert comment["author"]["username"] == user["username"]
        ids.append(comment["id"])
    assert ids[0] < ids[1]
    for headers in ({}, token_headers(reader["token"])):
        listed = await client.get(url, headers=headers)
        assert listed.status_code == 200
        assert_valid(listed.json(), "MultipleCommentsResponse")
        assert [c["id"] for c in listed.json()["comments"]] == ids
    core = (await client.get(f"/api/v1/posts/{article['slug']}/comments")).json()
    assert [c["content"] for c in core["data"]] == ["First!", "Thanks"]


async def test_deleting_a_comment(client: httpx.AsyncClient) -> None:
    author = await register(client)
    reader = await register(client)
    stranger = await register(client)
    article = await create_article(client, author)
    other_article = await create_article(client, author)
    url = f"{ROOT}/articles/{article['slug']}/comments"
    created = await client.post(
        url, json={"comment": {"body": "Hi"}}, headers=token_headers(reader["token"])
    )
    number = created.json()["comment"]["id"]
    assert_errors(await client.delete(f"{url}/{number}"), 401)
    stranger_headers = token_headers(stranger["token"])
    assert_errors(await client.delete(f"{url}/{number}", headers=stranger_headers), 403)
    elsewhere = f"{ROOT}/articles/{other_article['slug']}/comments/{number}"
    assert_errors(await client.delete(elsewhere, headers=token_headers(reader["token"])), 404)
    assert_errors(await client.delete(f"{url}/{number + 1000}", headers=stranger_headers), 404)
    response = await client.delete(f"{url}/{number}", headers=token_headers(reader["token"]))
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(url)).json() == {"comments": []}


async def test_comment_refusals(client: httpx.AsyncClient) -> None:
    user = await register(client)
    article = await create_article(client, user)
    url = f"{ROOT}/articles/{article['slug']}/comments"
    headers = token_headers(user["token"])
    assert_errors(await client.post(url, json={"comment": {"body": "Hi"}}), 401)
    blank = await client.post(url, json={"comment": {"body": "  "}}, headers=headers)
    assert_errors(blank, 422, "body")
    missing = f"{ROOT}/articles/no-such-article/comments"
    assert_errors(
        await client.post(missing, json={"comment": {"body": "Hi"}}, headers=headers), 404
    )
    assert_errors(await client.get(missing), 404)
    assert (await client.get(url)).json() == {"comments": []}


async def test_tags_are_the_most_used_names(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert (await client.get(f"{ROOT}/tags")).json() == {"tags": []}
    await create_article(client, user, tagList=["dragons", "training"])
    await create_article(client, user, tagList=["dragons"])
    response = await client.get(f"{ROOT}/tags")
    assert response.status_code == 200
    assert_valid(response.json(), "TagsResponse")
    assert response.json() == {"tags": ["dragons", "training"]}


async def test_placeholders_are_left_out_and_replies_shown_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    author = await register(client)
    article = await create_article(client, author)
    url = f"{ROOT}/articles/{article['slug']}/comments"
    bearer = token_headers(author["token"], "Bearer")
    core = f"/api/v1/posts/{article['slug']}/comments"
    parent = (await client.post(core, json={"content": "Parent"}, headers=bearer)).json()
    reply = await client.post(
        core, json={"content": "Reply", "parent_id": parent["id"]}, headers=bearer
    )
    assert reply.status_code == 201
    later = await client.post(
        url, json={"comment": {"body": "Later"}}, headers=token_headers(author["token"])
    )
    assert (
        await client.delete(f"/api/v1/comments/{parent['id']}", headers=bearer)
    ).status_code == 204
    listed = (await client.get(url)).json()["comments"]
    assert [c["body"] for c in listed] == ["Reply", "Later"]
    assert listed[1]["id"] == later.json()["comment"]["id"]
