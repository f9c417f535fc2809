"""The S3 backend against a real S3 API (moto's server mode): the same behaviour, in a bucket."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from factories import assert_error, own_app

from blogapi.media.cleanup import purge_deleted
from blogapi.media.storage import S3Storage

from .conftest import MEDIA, Bucket, MediaApp
from .pictures import jpeg_with_gps, opened, picture


@asynccontextmanager
async def s3_app(
    database_url: str, bucket: Bucket, local_dir: Path, **overrides: object
) -> AsyncIterator[MediaApp]:
    """An app on the bucket (its local media directory should stay empty)."""
    settings: dict[str, object] = {
        "rate_limits_enabled": False,
        "storage_backend": "s3",
        "s3_bucket": bucket.name,
        "s3_endpoint_url": bucket.endpoint,
        "s3_region": "us-east-1",
        "media_dir": str(local_dir),
        "max_upload_size_mb": 1,
        **overrides,
    }
    async with own_app(database_url, **settings) as (app, client):
        yield MediaApp(app, client, local_dir)


@pytest.fixture
async def s3_media(database_url: str, bucket: Bucket, tmp_path: Path) -> AsyncIterator[MediaApp]:
    async with s3_app(database_url, bucket, tmp_path / "unused") as media:
        yield media


async def test_uploads_land_in_the_bucket(s3_media: MediaApp, bucket: Bucket) -> None:
    author = await s3_media.account()
    body = await s3_media.uploaded(author, picture("JPEG", (800, 400)))

    prefix = body["id"].replace("-", "")
    assert bucket.keys() == [f"{prefix}/original.jpg", f"{prefix}/w320.webp", f"{prefix}/w768.webp"]
    assert isinstance(s3_media.app.state.storage, S3Storage)
    assert s3_media.files() == []  # nothing on local disk


async def test_the_app_redirects_to_a_presigned_get(s3_media: MediaApp, bucket: Bucket) -> None:
    author = await s3_media.account()
    body = await s3_media.uploaded(author, jpeg_with_gps((300, 200)))

    redirect = await s3_media.fetch(body["url"])

    assert redirect.status_code == 307
    location = redirect.headers["location"]
    assert location.startswith(f"{bucket.endpoint}/{bucket.name}/")
    assert "Signature=" in location or "X-Amz-Signature=" in location
    async with httpx.AsyncClient() as real:
        fetched = await real.get(location)
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert b"SpyCam" not in fetched.content
    assert opened(fetched.content).size == (300, 200)


async def test_a_forged_key_gets_no_presigned_url(s3_media: MediaApp) -> None:
    response = await s3_media.client.get("/media/../../other-bucket/secret")

    assert response.status_code == 404
    assert "location" not in response.headers


async def test_refused_uploads_leave_the_bucket_empty(s3_media: MediaApp, bucket: Bucket) -> None:
    author = await s3_media.account()

    too_big = await s3_media.upload(author, b"\0" * (1024 * 1024 + 1))
    not_image = await s3_media.upload(author, b"<html></html>")

    assert_error(too_big, 413, "PAYLOAD_TOO_LARGE")
    assert_error(not_image, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert bucket.keys() == []


async def test_the_worker_removes_deleted_media_from_the_bucket(
    s3_media: MediaApp, bucket: Bucket
) -> None:
    author = await s3_media.account()
    kept = await s3_media.uploaded(author, picture(color="red"))
    doomed = await s3_media.uploaded(author, picture("JPEG", (800, 400), color="blue"))
    await s3_media.client.delete(f"{MEDIA}/{doomed['id']}", headers=author.headers)
    assert len(bucket.keys()) == 4

    app = s3_media.app
    purged = await purge_deleted(app.state.sessionmaker, app.state.storage, older_than_seconds=0)

    assert purged == 1
    assert bucket.keys() == [f"{kept['id'].replace('-', '')}/original.png"]


async def test_public_urls_use_the_media_base_url(
    database_url: str, bucket: Bucket, tmp_path: Path
) -> None:
    base = "https://cdn.example/media/"
    async with s3_app(database_url, bucket, tmp_path, media_public_base_url=base) as media:
        author = await media.account()
        body = await media.uploaded(author, picture("JPEG", (400, 200)))

    key = f"{body['id'].replace('-', '')}/original.jpg"
    assert body["url"] == f"https://cdn.example/media/{key}"
    assert body["variants"][0]["url"] == f"https://cdn.example/media/{key[:-12]}w320.webp"


async def test_a_missing_bucket_is_503_and_nothing_is_recorded(
    database_url: str, bucket: Bucket, tmp_path: Path
) -> None:
    gone = Bucket(name="no-such-bucket", endpoint=bucket.endpoint)
    async with s3_app(database_url, gone, tmp_path) as media:
        author = await media.account()
        response = await media.upload(author, picture())

        assert_error(response, 503, "SERVICE_UNAVAILABLE")
        assert (await media.client.get(MEDIA, headers=author.headers)).json()["data"] == []
