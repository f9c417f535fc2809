"""SEARCH_LANGUAGE: english by default, and only the name of a text search configuration."""

import pytest
from pydantic import ValidationError

from blogapi.core.config import Settings

SECRET = "a-secret-key-that-is-long-enough-for-hs256"


def test_the_default_language_is_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEARCH_LANGUAGE", raising=False)
    assert Settings(_env_file=None, secret_key=SECRET).search_language == "english"  # type: ignore[call-arg]


def test_the_language_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_LANGUAGE", "german")
    assert Settings(_env_file=None, secret_key=SECRET).search_language == "german"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "language", ["English", "english'; DROP TABLE posts; --", "e", "pg_catalog.english", "x" * 41]
)
def test_a_language_that_is_not_a_plain_name_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setenv("SEARCH_LANGUAGE", language)
    with pytest.raises(ValidationError, match="search_language"):
        Settings(_env_file=None, secret_key=SECRET)  # type: ignore[call-arg]
