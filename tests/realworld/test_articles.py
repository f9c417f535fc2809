"""Conduit articles: create, read, list and filter, update, delete, favorite."""

import httpx
from fastapi import FastAPI

from .conduit import (
    ROOT,
    assert_errors,
    assert_valid,
    create_article,
    register,
    token_headers,
)

ARTICLES = f"{ROOT}/articles"


async def test_create_sorts_tags_and_validates(client: httpx.AsyncClient) -> None:
    user = await register(client)
    body = {
        "article": {
            "title": "How to train your dragon",
            "description": "Ever wonder how?",
            "body": "You have to believe",
            "tagList": ["training", "dragons"],
            "extra": "ignored",
        }
    }
    response = await client.post(ARTICLES, json=body, headers=token_headers(user["token"]))
    assert response.status_code == 201, response.text
    assert_valid(response.json(), "SingleArticleResponse")
    article = response.json()["article"]
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["tagList"] == ["dragons", "training"]
    assert article["body"] == "You have to believe"
    assert article["description"] == "Ever wonder how?"
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"] == {
        "username": user["username"],
        "bio": None,
        "image": None,
        "following": False,
    }
    assert article["createdAt"].endswith("Z")
    assert len(article["createdAt"]) == len("2016-02-18T03:22:56.637Z")
    # The same title again: the core's suffix.
    again = await client.post(ARTICLES, json=body, headers=token_headers(user["token"]))
    assert again.json()["article"]["slug"] == "how-to-train-your-dragon-2"


async def test_create_refusals_write_nothing(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    blank = {"article": {"title": " ", "description": "d", "body": "b"}}
    assert_errors(await client.post(ARTICLES, json=blank, headers=headers), 422, "title")
    no_body = {"article": {"title": "A title", "description": "d"}}
    assert_errors(await client.post(ARTICLES, json=no_body, headers=headers), 422, "body")
    fine = {"article": {"title": "A title", "description": "d", "body": "b"}}
    assert_errors(await client.post(ARTICLES, json=fine), 401)
    listed = (await client.get(ARTICLES)).json()
    assert listed == {"articles": [], "articlesCount": 0}


async def test_an_article_is_the_same_post_on_api_v1(client: httpx.AsyncClient) -> None:
    user = await register(client)
    article = await create_article(client, user, tagList=["dragons"])
    post = (await client.get(f"/api/v1/posts/{article['slug']}")).json()
    assert post["title"] == article["title"]
    assert post["content"] == article["body"]
    assert post["summary"] == article["description"]
    assert [t["name"] for t in post["tags"]] == ["dragons"]
    assert post["author"]["username"] == user["username"]
    read = await client.get(f"{ARTICLES}/{article['slug']}")
    assert read.status_code == 200
    assert_valid(read.json(), "SingleArticleResponse")
    assert read.json()["article"] == article


async def test_list_filters_and_counts(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    bob = await register(client)
    first = await create_article(client, alice, tagList=["dragons"])
    second = await create_article(client, bob, tagList=["dragons", "training"])
    third = await create_article(client, alice)

    def slugs(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        assert_valid(response.json(), "MultipleArticlesResponse")
        return [a["slug"] for a in response.json()["articles"]]

    everything = await client.get(ARTICLES)
    assert slugs(everything) == [third["slug"], second["slug"], first["slug"]]
    assert everything.json()["articlesCount"] == 3
    assert all("body" not in a for a in everything.json()["articles"])
    assert slugs(await client.get(ARTICLES, params={"tag": "dragons"})) == [
        second["slug"],
        first["slug"],
    ]
    by_alice = {"author": alice["username"], "tag": "dragons"}
    assert slugs(await client.get(ARTICLES, params=by_alice)) == [first["slug"]]
    page = await client.get(ARTICLES, params={"limit": 1, "offset": 1})
    assert slugs(page) == [second["slug"]]
    assert page.json()["articlesCount"] == 3
    for unknown in ({"author": "nobody_here"}, {"tag": "unheard-of"}, {"favorited": "nobody"}):
        assert (await client.get(ARTICLES, params=unknown)).json() == {
            "articles": [],
            "articlesCount": 0,
        }


async def test_list_refuses_bad_pages(client: httpx.AsyncClient) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"}):
        field = next(iter(params))
        assert_errors(await client.get(ARTICLES, params=params), 422, field)


async def test_update_keeps_the_slug_unless_the_title_changes(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    article = await create_article(client, user, title="Dragons")
    url = f"{ARTICLES}/{article['slug']}"
    response = await client.put(url, json={"article": {"body": "New body"}}, headers=headers)
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "SingleArticleResponse")
    assert response.json()["article"]["slug"] == "dragons"
    assert response.json()["article"]["body"] == "New body"
    renamed = await client.put(url, json={"article": {"title": "Wyverns"}}, headers=headers)
    assert renamed.json()["article"]["slug"] == "wyverns"
    assert (await client.get(f"{ARTICLES}/wyverns")).json()["article"]["body"] == "New body"
    assert_errors(await client.get(url), 404)


async def test_update_and_delete_refusals(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    other = await register(client)
    article = await create_article(client, owner)
    url = f"{ARTICLES}/{article['slug']}"
    change = {"article": {"body": "Mine now"}}
    assert_errors(await client.put(url, json=change), 401)
    assert_errors(await client.put(url, json=change, headers=token_headers(other["token"])), 403)
    assert_errors(await client.delete(url, headers=token_headers(other["token"])), 403)
    blank = {"article": {"title": ""}}
    owner_headers = token_headers(owner["token"])
    assert_errors(await client.put(url, json=blank, headers=owner_headers), 422, "title")
    unknown = f"{ARTICLES}/no-such-article"
    assert_errors(await client.put(unknown, json=change, headers=owner_headers), 404)
    assert_errors(await client.get(unknown), 404)
    assert (await client.get(url)).json()["article"] == article


async def test_delete_is_204_without_a_body(client: httpx.AsyncClient) -> None:
    user = await register(client)
    article = await create_article(client, user)
    url = f"{ARTICLES}/{article['slug']}"
    response = await client.delete(
        url, headers={**token_headers(user["token"]), "Content-Type": "application/json"}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert_errors(await client.get(url), 404)
    assert_errors(await client.delete(url, headers=token_headers(user["token"])), 404)


async def test_favorite_shows_on_both_sides(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await register(client)
    fan = await register(client)
    article = await create_article(client, author)
    url = f"{ARTICLES}/{article['slug']}/favorite"
    headers = token_headers(fan["token"])
    for _ in range(2):
        response = await client.post(url, headers=headers)
        assert response.status_code == 200, response.text
        assert_valid(response.json(), "SingleArticleResponse")
        assert response.json()["article"]["favorited"] is True
        assert response.json()["article"]["favoritesCount"] == 1
    found = await client.get(ARTICLES, params={"favorited": fan["username"]}, headers=headers)
    assert [a["slug"] for a in found.json()["articles"]] == [article["slug"]]
    post = await client.get(
        f"/api/v1/posts/{article['slug']}", headers=token_headers(fan["token"], "Bearer")
    )
    assert post.json()["liked"] is True
    assert post.json()["likes_count"] == 1
    undone = await client.delete(url, headers=headers)
    assert undone.json()["article"]["favorited"] is False
    assert undone.json()["article"]["favoritesCount"] == 0
    assert (await client.get(ARTICLES, params={"favorited": fan["username"]})).json() == {
        "articles": [],
        "articlesCount": 0,
    }


async def test_favorite_refusals(client: httpx.AsyncClient) -> None:
    user = await register(client)
    article = await create_article(client, user)
    assert_errors(await client.post(f"{ARTICLES}/{article['slug']}/favorite"), 401)
    missing = f"{ARTICLES}/no-such-article/favorite"
    assert_errors(await client.post(missing, headers=token_headers(user["token"])), 404)
