"""What a query finds: stemmed words, ordered phrases, -excluded words and `or`."""

import httpx
import pytest
from factories import Account, create_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, search


async def _posts(app: FastAPI, client: httpx.AsyncClient, **contents: str) -> dict[str, str]:
    """One published post per keyword argument (title = the name); returns name -> id."""
    author: Account = await signed_in(app, client)
    ids = {}
    for name, content in contents.items():
        ids[name] = (await create_post(client, author, title=name, content=content))["id"]
    return ids


async def test_words_are_stemmed(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        one="I run every day.",
        two="She runs to the shop.",
        three="Nothing about that sport here.",
    )
    assert sorted(await hit_ids(client, "running")) == sorted([ids["one"], ids["two"]])
    assert sorted(await hit_ids(client, "RUN")) == sorted([ids["one"], ids["two"]])


async def test_every_word_is_required(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        both="Python makes fast web servers.",
        python_only="Python is a language.",
        web_only="The web is big.",
    )
    assert await hit_ids(client, "python web") == [ids["both"]]


async def test_a_quoted_phrase_matches_its_words_in_order(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ids = await _posts(
        app,
        client,
        ordered="We found the hidden treasure at last.",
        reversed="A treasure hidden well is safe.",
        apart="Hidden in the sand lies old treasure, they say.",
        none="Nothing to see.",
    )
    assert await hit_ids(client, '"hidden treasure"') == [ids["ordered"]]
    assert await hit_ids(client, '"treasure hidden"') == [ids["reversed"]]
    assert sorted(await hit_ids(client, "hidden treasure")) == sorted(
        [ids["ordered"], ids["reversed"], ids["apart"]]
    )


async def test_a_phrase_never_spans_two_fields(app: FastAPI, client: httpx.AsyncClient) -> None:
    # Title "... hidden", summary "Treasure ...": not the phrase "hidden treasure".
    author = await signed_in(app, client)
    await create_post(
        client, author, title="What is hidden", summary="Treasure maps", content="Nothing here."
    )
    await create_post(client, author, title="Ends in lizard", content="Snakes are fine pets.")
    assert await hit_ids(client, '"hidden treasure"') == []
    assert await hit_ids(client, '"maps nothing"') == []
    # The auto summary repeats the content: its last word meets the content's first one.
    # (Not a stop word: PostgreSQL drops those from phrases, as it drops them everywhere.)
    assert await hit_ids(client, '"pets snakes"') == []
    assert await hit_ids(client, '"lizard snakes"') == []


async def test_a_phrase_is_stemmed_too(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(app, client, one="Engineers were running servers all night.")
    assert await hit_ids(client, '"run server"') == [ids["one"]]


async def test_an_unbalanced_quote_still_searches(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(app, client, one="Unbalanced quotes happen in search boxes.")
    assert await hit_ids(client, '"unbalanced') == [ids["one"]]


async def test_minus_excludes_a_word(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        language="Python the programming language.",
        snake="The python is a large snake.",
    )
    assert await hit_ids(client, "python -snake") == [ids["language"]]
    assert await hit_ids(client, "python -snakes") == [ids["language"]]


async def test_minus_excludes_a_phrase(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        circus="Monty Python's flying circus, and python.",
        code="Python code, flying through tests.",
    )
    assert await hit_ids(client, 'python -"flying circus"') == [ids["code"]]


async def test_or_finds_either_word(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        cats="All about cats.",
        dogs="All about dogs.",
        birds="All about birds.",
    )
    found = await hit_ids(client, "cats or dogs")
    assert sorted(found) == sorted([ids["cats"], ids["dogs"]])
    assert sorted(await hit_ids(client, "cat OR dog")) == sorted(found)


async def test_or_binds_tighter_than_and(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(
        app,
        client,
        cat_food="Food for a cat.",
        dog_food="Food for a dog.",
        dog_toy="A toy for a dog.",
    )
    assert sorted(await hit_ids(client, "cat or dog food")) == sorted(
        [ids["cat_food"], ids["dog_food"]]
    )


async def test_a_query_of_exclusions_only_finds_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await _posts(app, client, one="Lizards are fine.", two="Snakes are fine too.")
    response = await search(client, "-snake")
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["data"] == []
        assert response.json()["pagination"]["total"] == 0


@pytest.mark.parametrize("q", ["nonexistentword", '"fine snakes"', "lizards -fine"])
async def test_a_query_nothing_matches_is_an_empty_page(
    app: FastAPI, client: httpx.AsyncClient, q: str
) -> None:
    await _posts(app, client, one="Lizards are fine.", two="Snakes are fine too.")
    response = await search(client, q)
    assert response.status_code == 200
    assert response.json() == {
        "data": [],
        "pagination": {"page": 1, "limit": 20, "total": 0, "total_pages": 0},
    }


async def test_title_and_summary_are_searched_too(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    in_title = await create_post(client, author, title="Quokka facts", content="Small animals.")
    in_summary = await create_post(
        client, author, title="Marsupials", content="Small animals.", summary="A quokka smiles."
    )
    assert sorted(await hit_ids(client, "quokka")) == sorted([in_title["id"], in_summary["id"]])


async def test_case_does_not_matter_on_either_side(app: FastAPI, client: httpx.AsyncClient) -> None:
    ids = await _posts(app, client, one="A visit to the CAFÉ on the Corner.")
    assert await hit_ids(client, "café") == [ids["one"]]
    assert await hit_ids(client, "CORNER") == [ids["one"]]


async def test_little_words_do_not_stop_a_match(app: FastAPI, client: httpx.AsyncClient) -> None:
    # "the", "of", "a" are noise to a search box: both engines must find "Python rocks."
    ids = await _posts(app, client, one="Python rocks.", two="The snake of the jungle.")
    assert await hit_ids(client, "the python") == [ids["one"]]
    assert await hit_ids(client, "python of a") == [ids["one"]]
