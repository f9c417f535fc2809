"""Highlights: matches wrapped in <mark>, and nothing else in a snippet is ever markup."""

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from blogapi.search.rendering import highlight_html
from blogapi.search.syntax import MARK_END, MARK_START

from .searching import hits, read_markup

HOSTILE = (
    "Some words with `<script>alert(1)</script>` in code, and <b>bold</b> written as text, "
    'and <img src=x onerror="alert(2)"> too & more, around the keyword lighthouse.'
)


def test_highlight_html_wraps_the_markers_in_mark() -> None:
    snippet = f"a {MARK_START}fox{MARK_END} jumps"
    assert highlight_html(snippet) == "a <mark>fox</mark> jumps"


def test_highlight_html_escapes_markup_in_the_text() -> None:
    snippet = f"<script>alert(1)</script> & <mark>x</mark> {MARK_START}<b>{MARK_END}"
    out = highlight_html(snippet)
    assert out == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;mark&gt;x&lt;/mark&gt; "
        "<mark>&lt;b&gt;</mark>"
    )
    assert read_markup(out).marked == ["<b>"]


@pytest.mark.parametrize("text", ["", "plain", "&amp; already escaped", "<<>>", "\"'`"])
def test_highlight_html_of_text_without_markers_has_no_elements(text: str) -> None:
    reader = read_markup(highlight_html(text))
    assert reader.elements == []
    assert reader.text == text


async def test_a_match_in_the_body_is_wrapped_in_mark(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(
        client, author, title="Animals", content="The quick brown fox jumps over the lazy dog."
    )
    [hit] = await hits(client, "fox")
    assert "<mark>fox</mark>" in hit["highlight"]
    reader = read_markup(hit["highlight"])
    assert reader.marked == ["fox"]
    assert "quick brown" in reader.text


async def test_a_stemmed_match_is_marked_as_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Mornings", content="She runs every single morning.")
    [hit] = await hits(client, "running")
    assert read_markup(hit["highlight"]).marked == ["runs"]


async def test_a_match_far_into_a_long_text_is_in_the_snippet(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    content = " ".join(["filler words that say nothing at all"] * 60) + " then a zebra appears."
    await create_post(client, author, title="Long read", content=content)
    [hit] = await hits(client, "zebra")
    assert "<mark>zebra</mark>" in hit["highlight"]
    assert len(hit["highlight"]) < len(content) // 2


async def test_markup_in_a_post_comes_back_as_text_never_as_elements(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Hostile", content=HOSTILE)
    for query in ("lighthouse", "alert", "bold", "script", "words", "more"):
        for hit in await hits(client, query):
            reader = read_markup(hit["highlight"])
            assert "<script" not in hit["highlight"]
            assert "<b>" not in hit["highlight"]
            assert "<img" not in hit["highlight"]
            assert all(marked.strip() for marked in reader.marked)


async def test_markup_written_as_text_is_shown_escaped_not_dropped(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # The author wrote these characters as text: the snippet shows them, escaped.
    author = await signed_in(app, client)
    await create_post(
        client,
        author,
        title="Tags",
        content="Wrap the lighthouse text in `<b>` or <mark> to make it stand out & shine.",
    )
    [hit] = await hits(client, "lighthouse")
    assert "&lt;b&gt;" in hit["highlight"]
    assert "&lt;mark&gt;" in hit["highlight"]
    assert "&amp;" in hit["highlight"]
    reader = read_markup(hit["highlight"])
    assert reader.marked == ["lighthouse"]
    assert "in <b> or <mark> to" in reader.text


async def test_marker_characters_in_a_post_do_not_become_marks(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(
        client,
        author,
        title="Private use",
        content=f"Before {MARK_START}sneaky{MARK_END} text, the lighthouse, {MARK_END} after.",
    )
    [hit] = await hits(client, "lighthouse")
    reader = read_markup(hit["highlight"])
    assert reader.marked == ["lighthouse"]


async def test_a_title_only_match_still_gets_a_plain_snippet(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(
        client, author, title="Zeppelins explained", content="Airships & how they float."
    )
    [hit] = await hits(client, "zeppelin")
    reader = read_markup(hit["highlight"])
    assert "Airships & how they float" in reader.text
    assert isinstance(hit["rank"], float)
    assert hit["rank"] > 0
