"""The text the search index reads: long runs without a space cut into pieces (PostgreSQL's
parser is quadratic or worse on them), everything else as the plain text has it."""

import pytest

from blogapi.posts.markdown import SEARCH_RUN, render_document, search_text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain words, with punctuation; and digits 1234.",
        "user@example.com https://example.com/a/b?c=d#e snake_case_name ~/.config/app",
        "x" * SEARCH_RUN,
        "a_" * (SEARCH_RUN // 2),
    ],
)
def test_text_without_long_runs_is_left_as_it_is(text: str) -> None:
    assert search_text(text) == text


@pytest.mark.parametrize("unit", ["_a", "a_", "a@1", "~/", "ab_", "/.", "a@b.c"])
def test_a_long_run_is_cut_into_pieces_after_punctuation(unit: str) -> None:
    run = unit * 5000
    cut = search_text(f"before {run} after")
    pieces = cut.split()
    assert pieces[0] == "before"
    assert pieces[-1] == "after"
    assert "".join(pieces[1:-1]) == run  # nothing lost, nothing added but spaces
    assert max(len(piece) for piece in pieces) <= SEARCH_RUN
    assert all(not piece[-1].isalnum() for piece in pieces[1:-2])


def test_a_run_without_punctuation_is_cut_every_search_run_characters() -> None:
    pieces = search_text("x" * (3 * SEARCH_RUN + 1)).split()
    assert [len(piece) for piece in pieces] == [SEARCH_RUN] * 3 + [1]


def test_a_long_url_keeps_its_host_whole() -> None:
    url = "https://github.com/" + "/".join(["segment"] * 20)
    assert search_text(url).split()[0].startswith("https://github.com/")


def test_the_summary_and_reading_time_come_from_the_text_as_written() -> None:
    run = "_a" * 200
    rendered = render_document(f"Start {run} end.")
    assert rendered.text == f"Start {run} end."
    assert rendered.summary.startswith("Start _a_a")
    assert rendered.reading_time_minutes == 1
    assert rendered.search_text == search_text(rendered.text) != rendered.text
