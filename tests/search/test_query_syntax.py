"""search/syntax.py: the search-box syntax parsed once, and written out as a safe FTS5 query."""

import sqlite3
from collections.abc import Iterator

import pytest

from blogapi.search.syntax import MARK_END, MARK_START, ParsedQuery, clean, parse, to_fts5

from .searching import NASTY_QUERIES


def test_clean_drops_control_characters_and_folds_whitespace() -> None:
    assert clean("  a\x00b\tc\r\n d\x7f  ") == "a b c d"
    assert clean("\x00") == ""
    assert clean("") == ""


def test_clean_drops_the_private_highlight_markers() -> None:
    assert clean(f"{MARK_START}x{MARK_END}") == "x"


def test_words_are_all_required() -> None:
    assert parse("fast python") == ParsedQuery(groups=[["fast"], ["python"]])


def test_a_quoted_phrase_is_one_term_with_its_spaces_folded() -> None:
    assert parse('"quoted   phrase" word') == ParsedQuery(groups=[["quoted phrase"], ["word"]])


def test_an_unbalanced_quote_runs_to_the_end() -> None:
    assert parse('say "hello world') == ParsedQuery(groups=[["say"], ["hello world"]])


def test_minus_excludes_a_word_or_a_phrase() -> None:
    parsed = parse('python -snake -"monty python" web')
    assert parsed.groups == [["python"], ["web"]]
    assert parsed.excluded == ["snake", "monty python"]


@pytest.mark.parametrize("word", ["or", "OR", "Or"])
def test_or_joins_the_terms_on_either_side(word: str) -> None:
    assert parse(f"cats {word} dogs {word} birds fish") == ParsedQuery(
        groups=[["cats", "dogs", "birds"], ["fish"]]
    )


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("or cats", [["cats"]]),
        ("cats or", [["cats"]]),
        ("cats or or", [["cats"]]),
        ("-mice or cats", [["cats"]]),
        ("or", []),
    ],
)
def test_an_or_without_a_positive_term_on_its_left_is_ignored(
    raw: str, groups: list[list[str]]
) -> None:
    assert parse(raw).groups == groups


@pytest.mark.parametrize("raw", ["", " ", "-", "--", '""', '" "', "!!!", "*", "^", "-x", "OR"])
def test_punctuation_lone_operators_and_only_exclusions_parse_to_an_empty_query(
    raw: str,
) -> None:
    assert parse(raw).is_empty


def test_a_query_of_exclusions_only_is_empty() -> None:
    parsed = parse("-snake -lizard")
    assert parsed.is_empty
    assert parsed.excluded == ["snake", "lizard"]


def test_to_fts5_quotes_every_term() -> None:
    parsed = parse('cats or dogs "big fish" -"red herring" -eel')
    assert to_fts5(parsed) == (
        '((("cats" OR "dogs") AND ("big fish")) NOT "red herring") NOT "eel"'
    )


def test_to_fts5_doubles_quotes_inside_a_term() -> None:
    assert to_fts5(ParsedQuery(groups=[['say "hi"']])) == '("say ""hi""")'


@pytest.mark.parametrize(
    "raw", ["NEAR(a b)", "col:term", "^x", "x*", "a AND NOT b", "(x", "{a b}:c", "a + b"]
)
def test_fts5_syntax_in_the_input_is_only_text(raw: str) -> None:
    expression = to_fts5(parse(raw))
    # Outside string literals the expression holds only our own operators and brackets.
    outside = "".join(expression.split('"')[::2])
    assert set(outside.replace("AND", "").replace("OR", "").replace("NOT", "")) <= set("() ")


@pytest.fixture(scope="module")
def fts5() -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, summary, content_text, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute(
        "INSERT INTO docs VALUES ('Run fast', 'a summary', 'NOT x col term near a b OR and')"
    )
    yield db
    db.close()


@pytest.mark.parametrize("raw", NASTY_QUERIES)
def test_every_nasty_query_is_a_valid_fts5_expression(fts5: sqlite3.Connection, raw: str) -> None:
    parsed = parse(raw)
    if parsed.is_empty:
        return
    fts5.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (to_fts5(parsed),)).fetchall()


def test_operators_typed_as_words_match_as_words(fts5: sqlite3.Connection) -> None:
    rows = fts5.execute(
        "SELECT rowid FROM docs WHERE docs MATCH ?", (to_fts5(parse("NOT x")),)
    ).fetchall()
    assert rows == [(1,)]
