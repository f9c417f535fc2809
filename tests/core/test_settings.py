"""Settings are validated at start-up; a bad value names its variable. The dev key is kept."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from blogapi.core import config
from blogapi.core.config import Settings
from blogapi.core.db import new_id
from blogapi.core.security import decode_access_token, encode_access_token

GOOD_SECRET = "s" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No setting comes from the machine running the tests, and no dev key is cached."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    config._dev_secret_key.cache_clear()
    yield
    config._dev_secret_key.cache_clear()


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("secret", [None, "", "0123456789", "x" * 31, "é" * 15])
def test_production_refuses_a_missing_or_short_secret_key(secret: str | None) -> None:
    values: dict[str, object] = {"environment": "production"}
    if secret is not None:
        values["secret_key"] = secret

    with pytest.raises(ValidationError, match="SECRET_KEY"):
        settings(**values)


def test_production_reads_a_short_secret_key_from_the_environment_and_refuses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "0123456789")

    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_production_accepts_a_32_byte_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com")
    monkeypatch.setenv("METRICS_TOKEN", "a-scrape-token")

    loaded = Settings(_env_file=None)  # type: ignore[call-arg]

    assert loaded.jwt_secret() == GOOD_SECRET
    assert not Path("data").exists()


PRODUCTION = {"environment": "production", "secret_key": GOOD_SECRET}


@pytest.mark.parametrize("hosts", [None, "", "*", "api.example.com,*"])
def test_production_needs_the_hosts_it_serves(
    monkeypatch: pytest.MonkeyPatch, hosts: str | None
) -> None:
    if hosts is not None:
        monkeypatch.setenv("ALLOWED_HOSTS", hosts)

    with pytest.raises(ValidationError, match="ALLOWED_HOSTS"):
        settings(**PRODUCTION, metrics_public=True)


def test_production_needs_a_metrics_token_or_metrics_said_public() -> None:
    hosts = {"allowed_hosts": ["api.example.com"]}

    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        settings(**PRODUCTION, **hosts)
    assert settings(**PRODUCTION, **hosts, metrics_token="t").metrics_token == "t"
    assert settings(**PRODUCTION, **hosts, metrics_public=True).metrics_public


def test_allowed_hosts_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " api.example.com, *.example.org ,")

    assert settings().allowed_hosts == ["api.example.com", "*.example.org"]


def test_a_short_secret_key_is_refused_in_development_too() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        settings(environment="development", secret_key="short")


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "://nothing",
        "mysql+aiomysql://user@localhost/blog",
        "postgresql://postgres@localhost/blog",
        "sqlite:///blog.db",
        "postgresql+psycopg2://postgres@localhost/blog",
    ],
)
def test_a_malformed_or_unsupported_database_url_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="database_url"):
        settings(database_url=url)


def test_a_bad_database_url_from_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/blog")

    with pytest.raises(ValidationError, match="database_url"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:///./data/blog.db", "postgresql+asyncpg://user:pw@db.example.com:5433/blog"],
)
def test_the_supported_database_urls_are_accepted(url: str) -> None:
    assert settings(database_url=url).database_url == url


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENVIRONMENT", "staging"),
        ("ACCESS_TOKEN_TTL_SECONDS", "forever"),
        ("ACCESS_TOKEN_TTL_SECONDS", "0"),
        ("DB_POOL_SIZE", "-1"),
        ("LOG_LEVEL", "LOUD"),
        ("PORT", "70000"),
    ],
)
def test_a_bad_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match=name.lower()):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_development_without_a_secret_key_generates_one_under_data_with_mode_0600() -> None:
    dev = settings(environment="development")

    key = dev.jwt_secret()

    path = Path("data") / "secret_key"
    assert path.read_text().strip() == key
    assert len(key.encode()) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert dev.jwt_secret() == key


def test_the_dev_key_is_reused_after_a_restart() -> None:
    first = settings(environment="development").jwt_secret()
    token = encode_access_token(settings(environment="development"), new_id(), new_id(), 0)
    config._dev_secret_key.cache_clear()  # a new process

    second = settings(environment="development").jwt_secret()

    assert second == first
    assert decode_access_token(settings(environment="development"), token).auth_version == 0


def test_an_existing_dev_key_file_is_used_as_it_is() -> None:
    Path("data").mkdir()
    Path("data/secret_key").write_text("an-existing-key-that-is-long-enough-to-use\n")

    key = settings(environment="development").jwt_secret()

    assert key == "an-existing-key-that-is-long-enough-to-use"


def test_a_configured_secret_key_never_writes_a_dev_key() -> None:
    key = settings(environment="development", secret_key=GOOD_SECRET).jwt_secret()

    assert key == GOOD_SECRET
    assert not Path("data").exists()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"port": 8777}, "http://127.0.0.1:8777"),
        ({"host": "0.0.0.0", "port": 9000}, "http://127.0.0.1:9000"),  # noqa: S104
        ({"host": "::1"}, "http://[::1]:8000"),
        ({"port": 8777, "public_base_url": "https://api.example.com"}, "https://api.example.com"),
    ],
)
def test_public_base_url_follows_host_and_port_unless_set(
    values: dict[str, object], expected: str
) -> None:
    assert settings(**values).public_base_url == expected


def test_public_base_url_follows_the_port_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "8123")
    assert settings().public_base_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("public_base_url", "ftp://example.com"),
        ("public_base_url", "javascript:alert(1)"),
        ("http_cache_max_age", -1),
        ("http_cache_max_age", 86_401),
    ],
)
def test_bad_link_and_cache_settings_are_refused(name: str, value: object) -> None:
    with pytest.raises(ValidationError, match=name):
        settings(**{name: value})
