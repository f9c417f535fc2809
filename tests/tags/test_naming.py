"""Tag names on their own: cleaning, folding, the slug rule (no database)."""

import pytest

from blogapi.tags.naming import MAX_SLUG_LENGTH, clean_name, name_key, numbered, slug_of


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        (".NET", "dot-net"),
        ("Node.js", "node-dot-js"),
        ("ASP.NET Core", "asp-dot-net-core"),
        ("R&D", "r-and-d"),
        ("Web Dev", "web-dev"),
        ("Ünïcödé", "unicode"),
        ("\uff23\uff0b\uff0b", "c-plus-plus"),  # "C++" in full-width forms: read as ASCII
        ("C", "c"),
    ],
)
def test_a_name_reads_as_its_slug(name: str, slug: str) -> None:
    assert slug_of(name) == slug


def test_names_that_differ_in_symbols_read_differently() -> None:
    names = ["C", "C++", "C#", ".NET", "NET", "Node.js", "Node js"]
    assert len({slug_of(name) for name in names}) == len(names)


def test_names_equal_in_any_case_fold_to_one_key() -> None:
    assert name_key("Node.js") == name_key("node.JS") == name_key("  NODE.JS ") == "node.js"
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("Web   Dev") == name_key("web dev")
    assert name_key("C++") != name_key("C#")


def test_a_slug_folds_to_itself() -> None:
    # A filter folds what it is given; a slug must still find its tag by slug.
    for slug in ("c-plus-plus", "web-dev", "python3"):
        assert name_key(slug) == slug


def test_a_name_is_kept_as_written_trimmed_and_single_spaced() -> None:
    assert clean_name("  Web \t Dev  ") == "Web Dev"
    assert clean_name("C++") == "C++"
    assert clean_name("x" * 30) == "x" * 30


@pytest.mark.parametrize(
    "value",
    ["", "   ", "!!!", "++", "...", "🚀", "x" * 31, "C\u0000", "bad\u202ename", "a\u200bb"],
)
def test_what_cannot_name_a_tag_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="tag's name"):
        clean_name(value)


def test_a_long_slug_is_cut_at_a_word_and_numbered_within_the_limit() -> None:
    slug = slug_of("+" * 30)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.startswith("plus-plus")
    assert not slug.endswith("-")
    assert len(numbered(slug, 12)) <= MAX_SLUG_LENGTH
    assert numbered(slug, 12).endswith("-12")
    assert numbered("c-plus-plus", 2) == "c-plus-plus-2"


def test_letters_without_an_ascii_reading_still_get_a_slug() -> None:
    assert slug_of("中文") == "zhong-wen"
    assert slug_of("\U0001e900") == "tag"  # an Adlam letter: no transliteration
