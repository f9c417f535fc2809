"""Ranking: a title match outweighs a summary match, which outweighs a body match."""

import httpx
from factories import create_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, hits

FILLER = "Rocks, plates and the slow story of the ground under our feet."


async def test_a_title_match_ranks_above_a_body_match(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    # Created first, so newest-first would put it last: only the rank can lift it.
    in_title = await create_post(
        client, author, title="Volcano season", summary="Notes.", content=FILLER
    )
    in_body = await create_post(
        client, author, title="Geology", summary="Notes.", content=f"{FILLER} A volcano too."
    )
    assert await hit_ids(client, "volcano") == [in_title["id"], in_body["id"]]


async def test_a_summary_match_ranks_above_a_body_match(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    in_summary = await create_post(
        client, author, title="Geology", summary="On the volcano.", content=FILLER
    )
    in_body = await create_post(
        client, author, title="Geology", summary="Notes.", content=f"{FILLER} A volcano too."
    )
    assert await hit_ids(client, "volcano") == [in_summary["id"], in_body["id"]]


async def test_a_title_match_ranks_above_a_summary_match(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    in_title = await create_post(client, author, title="Volcano", summary="Notes.", content=FILLER)
    in_summary = await create_post(
        client, author, title="Geology", summary="On the volcano.", content=FILLER
    )
    assert await hit_ids(client, "volcano") == [in_title["id"], in_summary["id"]]


async def test_a_title_match_outweighs_a_body_that_repeats_the_word(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    in_title = await create_post(
        client, author, title="Volcano season", summary="Notes.", content=FILLER
    )
    await create_post(
        client,
        author,
        title="Geology",
        summary="Notes.",
        content=f"A volcano here. {FILLER} Another volcano there.",
    )
    assert (await hit_ids(client, "volcano"))[0] == in_title["id"]


async def test_hits_come_best_first_with_decreasing_rank(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for title, summary, content in [
        ("Geology", "Notes.", f"{FILLER} A volcano."),
        ("Volcano", "A volcano.", f"The volcano. {FILLER}"),
        ("Geology", "A volcano.", FILLER),
        ("Volcano", "Notes.", FILLER),
    ]:
        await create_post(client, author, title=title, summary=summary, content=content)
    found = await hits(client, "volcano")
    ranks = [hit["rank"] for hit in found]
    assert len(found) == 4
    assert all(isinstance(rank, float) and rank > 0 for rank in ranks)
    assert ranks == sorted(ranks, reverse=True)
    assert [hit["title"] for hit in found] == ["Volcano", "Volcano", "Geology", "Geology"]
    assert found[0]["summary"] == "A volcano."
    assert found[3]["summary"] == "Notes."


async def test_equal_ranks_are_newest_first(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    older = await create_post(client, author, title="Glacier", content=FILLER)
    newer = await create_post(client, author, title="Glacier", content=FILLER)
    found = await hits(client, "glacier")
    assert [hit["id"] for hit in found] == [newer["id"], older["id"]]
    assert found[0]["rank"] == found[1]["rank"]
