"""Snippets cut from a text whose matches the database marked: where most of the different
matched words are, else the opening; whole marks; an ellipsis where the text is cut."""

import pytest

from blogapi.search.rendering import ELLIPSIS, SNIPPET_WORDS, snippet
from blogapi.search.syntax import MARK_END, MARK_START


def marked(word: str) -> str:
    return f"{MARK_START}{word}{MARK_END}"


def filler(count: int, word: str = "filler") -> list[str]:
    return [f"{word}{n}" for n in range(count)]


def test_a_short_text_is_the_whole_snippet() -> None:
    text = f"the quick {marked('fox')} jumps"
    assert snippet(text) == text


def test_a_text_without_marks_gives_its_opening_words() -> None:
    words = filler(100)
    assert snippet(" ".join(words)) == " ".join(words[:SNIPPET_WORDS]) + f" {ELLIPSIS}"


def test_a_match_deep_in_the_text_sits_in_the_middle_of_the_snippet() -> None:
    words = [*filler(500), marked("zebra"), *filler(500, "tail")]
    cut = snippet(" ".join(words)).split()
    assert cut[0] == ELLIPSIS
    assert cut[-1] == ELLIPSIS
    inner = cut[1:-1]
    assert len(inner) == SNIPPET_WORDS
    assert abs(inner.index(marked("zebra")) - SNIPPET_WORDS // 2) <= 1


def test_the_window_with_the_most_different_matches_wins_over_repeats() -> None:
    repeats = " ".join([marked("alpha")] * 20)
    varied = f"{marked('alpha')} and {marked('bravo')} then {marked('charlie')}"
    text = " ".join([repeats, *filler(200), varied, *filler(200)])
    cut = snippet(text)
    assert marked("bravo") in cut
    assert marked("charlie") in cut


def test_of_equal_windows_the_earliest_wins() -> None:
    text = " ".join([marked("first"), *filler(200), marked("second"), *filler(200)])
    cut = snippet(text)
    assert marked("first") in cut
    assert not cut.startswith(ELLIPSIS)


def test_a_marked_phrase_is_never_cut_in_two() -> None:
    phrase = marked("analytical engine")
    text = " ".join([*filler(SNIPPET_WORDS - 1), phrase, *filler(100, "after")])
    cut = snippet(text)
    assert phrase in cut
    assert cut.count(MARK_START) == cut.count(MARK_END) == 1


@pytest.mark.parametrize("words", [1, 5, SNIPPET_WORDS])
def test_a_snippet_has_the_words_asked_for(words: int) -> None:
    text = " ".join(filler(100))
    assert len(snippet(text, words).split()) == words + 1  # and the ellipsis


def test_an_empty_text_gives_an_empty_snippet() -> None:
    assert snippet("") == ""
