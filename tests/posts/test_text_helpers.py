"""Pure helpers computed at write time: plain text, reading time and the automatic summary."""

import pytest

from blogapi.posts.markdown import (
    SUMMARY_LENGTH,
    WORDS_PER_MINUTE,
    plain_text,
    reading_time_minutes,
    render_markdown,
    summarize,
)


@pytest.mark.parametrize(
    ("words", "minutes"),
    [
        (0, 1),
        (1, 1),
        (WORDS_PER_MINUTE, 1),
        (WORDS_PER_MINUTE + 1, 2),
        (2 * WORDS_PER_MINUTE, 2),
        (10 * WORDS_PER_MINUTE + 1, 11),
    ],
)
def test_reading_time_is_230_words_a_minute_and_at_least_one(words: int, minutes: int) -> None:
    assert WORDS_PER_MINUTE == 230
    assert reading_time_minutes(" ".join(["word"] * words)) == minutes


def test_reading_time_counts_words_not_whitespace() -> None:
    assert reading_time_minutes("  \n\t  ") == 1
    assert reading_time_minutes(("a  \n\n  " * 231).strip()) == 2


def test_plain_text_strips_markup_and_unescapes_entities() -> None:
    text = plain_text(render_markdown("# Title\n\nSome *emph*, `a < b` & [a link](https://x.y)."))
    assert text == "Title Some emph, a < b & a link."


def test_plain_text_folds_whitespace() -> None:
    assert plain_text("<p>a\n\n   b</p>\n<p>c</p>") == "a b c"


def test_a_short_text_is_its_own_summary() -> None:
    assert summarize("Short and sweet.") == "Short and sweet."
    exact = "x" * SUMMARY_LENGTH
    assert summarize(exact) == exact


def test_a_long_summary_is_cut_on_a_word_boundary() -> None:
    text = " ".join(f"word{n}" for n in range(100))
    summary = summarize(text)
    assert SUMMARY_LENGTH == 200
    assert summary.endswith("…")
    head = summary.removesuffix("…")
    assert 100 <= len(head) <= SUMMARY_LENGTH
    assert text.startswith(head)
    # The cut falls between words: the next character of the text is a space.
    assert text[len(head)] == " "


def test_summary_does_not_end_in_punctuation_before_the_ellipsis() -> None:
    text = ("alpha, " * 40).strip()
    head = summarize(text).removesuffix("…")
    assert head[-1].isalnum()


def test_a_single_huge_word_is_cut_at_the_limit() -> None:
    summary = summarize("x" * 500)
    assert summary == "x" * SUMMARY_LENGTH + "…"


def test_summary_respects_a_custom_limit() -> None:
    assert summarize("one two three four five six", limit=10) == "one two…"
