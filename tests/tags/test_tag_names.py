"""Tags keep their names: "C++" and "C#" are two tags, each with a readable slug; a name in
another case is the same tag; filters and GET /tags/{slug} take a slug or a name."""

import asyncio

import httpx
import pytest
from factories import POSTS, assert_error, create_post, list_posts, own_posts, read_post, signed_in
from fastapi import FastAPI

TAGS = "/api/v1/tags"
FIDELITY = [
    {"slug": "c-plus-plus", "name": "C++"},
    {"slug": "c-sharp", "name": "C#"},
    {"slug": "dot-net", "name": ".NET"},
    {"slug": "node-dot-js", "name": "Node.js"},
]


async def test_names_that_differ_in_symbols_are_distinct_tags_with_readable_slugs(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    names = ["C++", "C#", ".NET", "Node.js", "node.js", "c++"]
    post = await create_post(client, author, tags=names)
    assert post["tags"] == FIDELITY
    assert (await read_post(client, post["id"])).json()["tags"] == FIDELITY
    assert (await list_posts(client))[0]["tags"] == FIDELITY
    listed = (await client.get(TAGS)).json()["data"]
    assert sorted((t["slug"], t["name"]) for t in listed) == [
        (t["slug"], t["name"]) for t in FIDELITY
    ]


async def test_a_name_in_another_case_is_the_first_tag_and_keeps_its_first_name(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    first = await create_post(client, author, tags=["JavaScript"])
    second = await create_post(client, author, tags=["javascript", "JAVASCRIPT"])
    full_width = "".join(chr(ord(letter) + 0xFEE0) for letter in "JavaScript")
    third = await create_post(client, author, tags=[full_width])
    expected = [{"slug": "javascript", "name": "JavaScript"}]
    for post in (first, second, third):
        assert (await read_post(client, post["id"])).json()["tags"] == expected
    tag = (await client.get(f"{TAGS}/javascript")).json()
    assert (tag["name"], tag["post_count"]) == ("JavaScript", 3)
    assert (await client.get(TAGS)).json()["pagination"]["total"] == 1


async def test_a_tag_is_read_by_slug_or_by_name_in_any_case(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["C++", "C#"])
    for ref in ("c-plus-plus", "C%2B%2B", "c%2B%2B", "C-PLUS-PLUS"):
        response = await client.get(f"{TAGS}/{ref}")
        assert response.status_code == 200, ref
        body = response.json()
        assert (body["slug"], body["name"], body["post_count"]) == ("c-plus-plus", "C++", 1)
    assert (await client.get(f"{TAGS}/c%23")).json()["name"] == "C#"


@pytest.mark.parametrize("ref", ["c", "cplusplus", "c-plus", "C%2B", "%2B%2B"])
async def test_a_slug_or_name_no_tag_has_is_404(
    app: FastAPI, client: httpx.AsyncClient, ref: str
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["C++"])
    assert_error(await client.get(f"{TAGS}/{ref}"), 404, "NOT_FOUND")


async def test_posts_are_filtered_by_slug_or_by_name(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    tagged = {"plus": ["C++"], "sharp": ["C#", "Node.js"], "both": ["C++", "C#"]}
    posts = {
        key: (await create_post(client, author, tags=tags))["id"] for key, tags in tagged.items()
    }

    async def found(*refs: str) -> set[str]:
        return {posts_by_id[post["id"]] for post in await list_posts(client, tag=list(refs))}

    posts_by_id = {post_id: key for key, post_id in posts.items()}
    for ref in ("c-plus-plus", "C++", "c++", "C-Plus-Plus"):
        assert await found(ref) == {"plus", "both"}, ref
    assert await found("C#") == {"sharp", "both"}
    assert await found("c-sharp", "C++") == {"both"}
    assert await found("C++", "c-plus-plus") == {"plus", "both"}
    assert await found("node.js", "c-sharp") == {"sharp"}
    # "c" is no tag: the symbols are what tell these apart.
    assert await found("c") == set()
    assert await found("C++", "Go") == set()


async def test_a_slug_names_its_tag_before_another_tag_whose_name_it_is(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    plus = await create_post(client, author, tags=["C++"])
    # A name that reads as the slug "c-plus-plus" another tag has: numbered, the last resort.
    other = await create_post(client, author, tags=["c plus plus"])
    assert other["tags"] == [{"slug": "c-plus-plus-2", "name": "c plus plus"}]
    assert [p["id"] for p in await list_posts(client, tag="c-plus-plus")] == [plus["id"]]
    assert [p["id"] for p in await list_posts(client, tag="c-plus-plus-2")] == [other["id"]]
    assert [p["id"] for p in await list_posts(client, tag="C Plus Plus")] == [other["id"]]
    assert (await client.get(f"{TAGS}/c-plus-plus")).json()["name"] == "C++"


@pytest.mark.parametrize(
    "tags",
    [["   "], ["x" * 31], ["!!!"], ["++"], ["ok", "C\u0007"], ["bad\u202ename"], [""]],
)
async def test_a_name_that_cannot_name_a_tag_is_400_and_nothing_is_written(
    app: FastAPI, client: httpx.AsyncClient, tags: list[str]
) -> None:
    author = await signed_in(app, client)
    body = {"title": "Bad tag", "content": "x", "tags": tags}
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"][0]["field"].startswith("tags")
    assert await own_posts(client, author) == []
    assert (await client.get(TAGS)).json()["data"] == []


@pytest.mark.parametrize("tag", ["", "  ", "!!!", "+", "x" * 101])
async def test_a_filter_that_cannot_name_a_tag_is_400(client: httpx.AsyncClient, tag: str) -> None:
    response = await client.get(POSTS, params={"tag": tag})
    assert_error(response, 400, "VALIDATION_ERROR", field="tag.0")


async def test_racing_posts_naming_one_tag_in_different_cases_make_one_tag(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    spellings = ["Rust", "RUST", "rust", "RuSt", "rUST"]

    async def create(n: int) -> httpx.Response:
        body = {"title": f"Racer {n}", "content": "x", "tags": [spellings[n], f"own{n}"]}
        return await client.post(POSTS, json=body, headers=author.headers)

    responses = await asyncio.gather(*(create(n) for n in range(len(spellings))))
    assert [r.status_code for r in responses] == [201] * len(spellings), [r.text for r in responses]
    rust = [tag for r in responses for tag in r.json()["tags"] if tag["slug"] == "rust"]
    assert len(rust) == len(spellings)
    assert len({tag["name"] for tag in rust}) == 1  # whichever was written first, for all
    assert rust[0]["name"] in spellings
    assert (await client.get(f"{TAGS}/rust")).json()["post_count"] == len(spellings)


async def test_racing_names_that_read_alike_get_distinct_slugs(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    names = ["Node.js", "node dot js", "Node  Dot JS", "NODE.JS"]

    async def create(name: str) -> httpx.Response:
        body = {"title": f"On {name}", "content": "x", "tags": [name]}
        return await client.post(POSTS, json=body, headers=author.headers)

    responses = await asyncio.gather(*(create(name) for name in names))
    assert [r.status_code for r in responses] == [201] * len(names), [r.text for r in responses]
    listed = (await client.get(TAGS)).json()["data"]
    # Two names (in any case): two tags, one numbered.
    assert sorted(t["slug"] for t in listed) == ["node-dot-js", "node-dot-js-2"]
    assert sorted(t["post_count"] for t in listed) == [2, 2]


async def test_autocomplete_suggests_tags_by_name(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Unrelated", tags=["Node.js", "C++"])
    found = (await client.get("/api/v1/search/suggest", params={"q": "node"})).json()["data"]
    assert {"type": "tag", "text": "Node.js", "slug": "node-dot-js"} in found
    found = (await client.get("/api/v1/search/suggest", params={"q": "C+"})).json()["data"]
    assert {"type": "tag", "text": "C++", "slug": "c-plus-plus"} in found
    found = (await client.get("/api/v1/search/suggest", params={"q": "sharp"})).json()["data"]
    assert [s for s in found if s["type"] == "tag"] == []
