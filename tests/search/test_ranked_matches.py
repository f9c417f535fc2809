"""On PostgreSQL only RANKED_MATCHES matches are ranked (a searched word in the title first,
then the newest); they come first, best first, and the other matches follow, title matches
first, then newest first. `total` stays exact and every match is on exactly one page.
(SQLite ranks every match with bm25: these tests are about PostgreSQL.)"""

from typing import Any

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from blogapi.search import queries

from .searching import hits, search

FILLER = "Rocks, plates and the slow story of the ground under our feet."
# PostgreSQL's database alone (conftest's `database_url`, given one of its two values).
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture(autouse=True)
def _three_ranked(monkeypatch: pytest.MonkeyPatch, engine_name: str) -> None:
    assert engine_name == "postgresql"
    monkeypatch.setattr(queries, "RANKED_MATCHES", 3)


async def _corpus(app: FastAPI, client: httpx.AsyncClient) -> dict[str, str]:
    """Seven matches of "volcano" by one author, oldest first; the oldest body match says
    it most often. Its username is under "author"."""
    author = await signed_in(app, client)
    made: dict[str, Any] = {}
    made["old title"] = await create_post(client, author, title="Volcano notes", content=FILLER)
    made["dense"] = await create_post(
        client, author, title="Geology", content="Volcano. " * 6 + FILLER
    )
    for n in range(1, 5):
        made[f"body {n}"] = await create_post(
            client, author, title="Geology", content=f"{FILLER} A volcano {n}."
        )
    made["ash"] = await create_post(
        client, author, title="Geology", content=f"{FILLER} Volcano ash everywhere."
    )
    return {"author": author.username} | {name: post["id"] for name, post in made.items()}


async def test_the_ranked_matches_come_first_and_the_others_newest_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ids = await _corpus(app, client)
    found = await hits(client, "volcano")
    assert len(found) == 7
    order = [hit["id"] for hit in found]
    # Candidates: the title match, then the two newest (ash, body 4); then newest first.
    assert order[0] == ids["old title"]
    assert set(order[1:3]) == {ids["ash"], ids["body 4"]}
    assert order[3:] == [ids["body 3"], ids["body 2"], ids["body 1"], ids["dense"]]
    ranks = {hit["id"]: hit["rank"] for hit in found}
    assert ranks[ids["dense"]] > ranks[ids["body 4"]]  # its own rank, though not ranked first


async def test_every_match_is_on_exactly_one_page_whatever_the_page_size(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await _corpus(app, client)
    whole = [hit["id"] for hit in await hits(client, "volcano")]
    for limit in (1, 2, 4):
        paged: list[str] = []
        for page in range(1, 8):
            response = await search(client, "volcano", limit=limit, page=page)
            assert response.status_code == 200, response.text
            assert response.json()["pagination"]["total"] == 7
            paged += [hit["id"] for hit in response.json()["data"]]
        assert paged == whole, limit


async def test_a_page_past_the_end_is_empty_with_the_exact_total(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await _corpus(app, client)
    response = await search(client, "volcano", limit=5, page=3)
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["pagination"]["total"] == 7


async def test_an_excluded_word_leaves_both_parts(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _corpus(app, client)
    order = [hit["id"] for hit in await hits(client, "volcano -ash")]
    assert ids["ash"] not in order
    assert len(order) == 6
    assert order[0] == ids["old title"]
    assert order[3:] == [ids["body 2"], ids["body 1"], ids["dense"]]


async def test_a_filter_applies_to_the_matches_that_are_not_ranked(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ids = await _corpus(app, client)
    other = await signed_in(app, client)
    for n in range(3):
        await create_post(client, other, title="Volcano too", content=f"Other volcano {n}.")
    mine = [hit["id"] for hit in await hits(client, "volcano", author=ids.pop("author"))]
    assert mine[0] == ids["old title"]
    assert mine[3:] == [ids["body 3"], ids["body 2"], ids["body 1"], ids["dense"]]
    assert sorted(mine) == sorted(ids.values())
