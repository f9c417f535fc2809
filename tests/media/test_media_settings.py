"""Media settings are validated at start-up like every other."""

import pytest
from harness import make_settings
from pydantic import ValidationError

from blogapi.core.config import Settings


def test_s3_storage_needs_a_bucket() -> None:
    with pytest.raises(ValidationError, match="S3_BUCKET"):
        make_settings("sqlite+aiosqlite:///x.db", storage_backend="s3")


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValidationError, match="storage_backend"):
        make_settings("sqlite+aiosqlite:///x.db", storage_backend="ftp")


def test_limits_must_be_positive_and_urls_http() -> None:
    for field, value in (
        ("max_upload_size_mb", 0),
        ("media_quota_mb", 0),
        ("media_public_base_url", "javascript:alert(1)"),
    ):
        with pytest.raises(ValidationError, match=field):
            make_settings("sqlite+aiosqlite:///x.db", **{field: value})


def test_the_defaults() -> None:
    settings = make_settings("sqlite+aiosqlite:///x.db")

    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert settings.media_quota_bytes == 500 * 1024 * 1024
    assert settings.storage_backend == "local"
    # make_settings points tests at a temporary folder; the product default is ./data/media.
    assert Settings.model_fields["media_dir"].default == "data/media"
