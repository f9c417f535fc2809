"""Slugs: Unicode transliterated to ASCII, lower case, hyphens; suffixes that still fit."""

import pytest

from blogapi.core.slugs import MAX_SLUG_LENGTH, as_uuid, is_slug, slugify, with_suffix


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ünïcödé Straße", "unicode-strasse"),
        ("Hello, World!", "hello-world"),
        ("  --Many   spaces--  ", "many-spaces"),
        ("Ça va? Très bien", "ca-va-tres-bien"),
        ("Привет мир", "privet-mir"),
        ("C++ & Python", "c-python"),
        ("ALL CAPS", "all-caps"),
        ("snake_case_title", "snake-case-title"),
        ("2026: a year", "2026-a-year"),
    ],
)
def test_slugify_transliterates_lowercases_and_hyphenates(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert is_slug(slug)


@pytest.mark.parametrize("text", ["", "!!!", "   ", "—"])
def test_slugify_of_text_without_letters_or_digits_is_empty(text: str) -> None:
    assert slugify(text) == ""


def test_slugify_cuts_long_titles_on_a_word_boundary() -> None:
    slug = slugify("word " * 60)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert is_slug(slug)
    assert all(part == "word" for part in slug.split("-"))


def test_slugify_honours_a_smaller_limit() -> None:
    assert slugify("one two three", max_length=8) == "one-two"


def test_with_suffix_appends_the_number() -> None:
    assert with_suffix("hello-world", 2) == "hello-world-2"
    assert with_suffix("hello-world", 10) == "hello-world-10"


def test_with_suffix_trims_the_base_so_the_result_still_fits() -> None:
    base = "a" * MAX_SLUG_LENGTH
    assert with_suffix(base, 2) == "a" * (MAX_SLUG_LENGTH - 2) + "-2"
    assert len(with_suffix(base, 123)) == MAX_SLUG_LENGTH


def test_with_suffix_never_leaves_a_double_hyphen() -> None:
    base = "a" * (MAX_SLUG_LENGTH - 3) + "-bc"
    suffixed = with_suffix(base, 2)
    assert is_slug(suffixed)
    assert "--" not in suffixed


@pytest.mark.parametrize("value", ["a", "a-b", "abc-123", "2026", "a" * MAX_SLUG_LENGTH])
def test_is_slug_accepts_lower_case_hyphenated_words(value: str) -> None:
    assert is_slug(value)


@pytest.mark.parametrize(
    "value",
    ["", "A", "a--b", "-a", "a-", "a_b", "a b", "ü", "a/b", "a" * (MAX_SLUG_LENGTH + 1), "a\n"],
)
def test_is_slug_rejects_anything_else(value: str) -> None:
    assert not is_slug(value)


@pytest.mark.parametrize(
    "text",
    [
        "0190c0c0-0000-7000-8000-000000000000",
        "0190C0C0000070008000000000000000",
        "cafebabe cafebabe cafebabe cafebabe",
        "{0190c0c0-0000-7000-8000-000000000000}",
    ],
)
def test_a_slug_never_parses_as_a_uuid(text: str) -> None:
    slug = slugify(text)

    assert slug.endswith("-post")
    assert is_slug(slug)
    assert as_uuid(slug) is None


@pytest.mark.parametrize(
    "value", ["0190c0c0-0000-7000-8000-000000000000", "deadbeef-deadbeef-deadbeef-deadbeef"]
)
def test_a_value_that_parses_as_a_uuid_is_not_a_slug(value: str) -> None:
    assert as_uuid(value) is not None
    assert not is_slug(value)
