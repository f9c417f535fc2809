"""An app for the decode tests: the `media` fixture's, with decode settings of the test's own."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from factories import own_app

from .conftest import MediaApp


@asynccontextmanager
async def media_app(
    database_url: str, tmp_path: Path, **settings: object
) -> AsyncIterator[MediaApp]:
    """Local storage under tmp_path/media, uploads up to 1 MiB, a 20 MiB quota; `settings`
    on top (MEDIA_DECODE_BUDGET_PIXELS, MEDIA_DECODE_WAIT_SECONDS, ...)."""
    root = tmp_path / "media"
    values: dict[str, object] = {"media_dir": str(root), "max_upload_size_mb": 1}
    async with own_app(
        database_url, rate_limits_enabled=False, media_quota_mb=20, **values, **settings
    ) as (app, client):
        yield MediaApp(app, client, root)
