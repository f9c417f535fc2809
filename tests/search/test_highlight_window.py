"""On PostgreSQL a highlight comes from HEADLINE_WINDOW characters around the first word that
starts like a searched stem, not from the whole text: what that window must still show."""

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from blogapi.search.queries import HEADLINE_WINDOW
from blogapi.search.rendering import ELLIPSIS, snippet, window_highlight
from blogapi.search.syntax import MARK_END, MARK_START, parse, positive_terms, stem_pattern

from .searching import hits, read_markup

FILLER = "Filler words that say nothing. "  # 31 characters, no searched word in it


async def highlight(app: FastAPI, client: httpx.AsyncClient, content: str, q: str) -> str:
    """The highlight of the one post, with this text, that the search finds."""
    author = await signed_in(app, client)
    await create_post(client, author, title="Long", content=content)
    [hit] = await hits(client, q)
    found: str = hit["highlight"]
    return found


def test_a_stem_pattern_finds_the_start_of_a_word() -> None:
    assert stem_pattern(["engin"]) == r"\m(?:engin)"


def test_a_stem_that_ends_in_i_is_looked_for_without_it() -> None:
    # Snowball writes happy as happi: the text says happy, happier or happiness.
    assert stem_pattern(["happi", "ski"]) == r"\m(?:happ|sk)"


def test_a_stem_pattern_escapes_what_is_not_a_letter_or_a_digit() -> None:
    assert stem_pattern(["node.js", "c++", "été"]) == r"\m(?:c\+\+|node\.js|été)"


def test_no_stems_give_no_pattern() -> None:
    assert stem_pattern([]) is None
    assert stem_pattern([""]) is None


def test_the_positive_terms_leave_out_the_excluded_ones() -> None:
    assert positive_terms(parse('"analytical engine" -babbage or lovelace')) == (
        "analytical engine lovelace"
    )
    assert positive_terms(parse("-only -exclusions")) == ""


def test_a_window_cut_from_a_longer_text_drops_its_partial_words_and_says_so() -> None:
    window = f"ords then the {MARK_START}okapi{MARK_END} came ho"
    assert snippet(window, cut_before=True, cut_after=True) == (
        f"{ELLIPSIS} then the {MARK_START}okapi{MARK_END} came {ELLIPSIS}"
    )


def test_a_window_at_the_start_of_the_text_keeps_its_first_word() -> None:
    window = f"Okay then the {MARK_START}okapi{MARK_END} came"
    assert snippet(window, cut_after=False) == window
    assert not snippet(window, cut_after=True).startswith(ELLIPSIS)


async def test_a_match_deep_in_a_post_is_marked_with_the_words_around_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    content = FILLER * 400 + "At last the okapi came home. " + FILLER * 400
    found = await highlight(app, client, content, "okapi")
    reader = read_markup(found)
    assert reader.marked == ["okapi"]
    assert "At last the okapi came home" in reader.text
    assert found.startswith(f"{ELLIPSIS} ")
    assert found.endswith(f" {ELLIPSIS}")


async def test_a_stem_ending_in_i_still_finds_its_word_in_the_text(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    content = FILLER * 100 + "And a happy ending. " + FILLER * 100
    found = await highlight(app, client, content, "happiness")  # the stem is happi
    assert read_markup(found).marked == ["happy"]


async def test_a_word_that_only_starts_like_the_stem_does_not_hide_the_real_match(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # "runtime" starts like the stem "run" but is no match: the window around it has no
    # mark, so the highlight is made from the whole highlighted part instead.
    content = "The runtime was slow. " + FILLER * (HEADLINE_WINDOW // 10) + "She runs daily."
    reader = read_markup(await highlight(app, client, content, "running"))
    assert reader.marked == ["runs"]
    assert "She runs daily" in reader.text


async def test_a_query_of_several_words_marks_those_near_the_first_match(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    content = FILLER * 50 + "The okapi and the zebra met. " + FILLER * 50
    found = await highlight(app, client, content, "zebra okapi")
    assert sorted(read_markup(found).marked) == ["okapi", "zebra"]


@pytest.mark.parametrize("q", ["okapi -zebra", '"okapi came"'])
async def test_exclusions_and_phrases_still_mark_the_match(
    app: FastAPI, client: httpx.AsyncClient, q: str
) -> None:
    found = await highlight(app, client, FILLER * 100 + "The okapi came. " + FILLER * 100, q)
    marked = read_markup(found).marked
    assert any(text.lower().startswith("okapi") for text in marked), found


def test_the_whole_part_is_used_when_the_window_had_no_match() -> None:
    whole = f"Opening words and the {MARK_START}runs{MARK_END} at last"
    assert window_highlight("the runtime was", 50, True, whole) == (
        "Opening words and the <mark>runs</mark> at last"
    )


def test_a_window_from_the_start_of_the_text_has_no_leading_ellipsis() -> None:
    window = f"The {MARK_START}okapi{MARK_END} & more"
    assert window_highlight(window, 1, False, None) == "The <mark>okapi</mark> &amp; more"
    assert (
        window_highlight(window, 9, True, None) == f"{ELLIPSIS} <mark>okapi</mark> &amp; {ELLIPSIS}"
    )
