"""The demo data set in an SQLite file and its export, made once per run for the tests that
only read them (they copy before they change anything)."""

import asyncio
import functools
from pathlib import Path

import pytest
from media import conftest as media_fixtures
from media.conftest import Bucket

from blogapi.portability.exporting import export_archive

from .moving import (
    ENGINES,
    Blogapi,
    Place,
    empty_database,
    migrate,
    pg_database,
    quiet,
    run_blogapi,
    seed,
)

# A moto S3 server and a bucket in it, as the media tests have them.
moto_endpoint = media_fixtures.moto_endpoint
bucket = media_fixtures.bucket


@pytest.fixture(scope="session")
def demo_blog(tmp_path_factory: pytest.TempPathFactory) -> Place:
    """The SMALL demo set (cover images included) in an SQLite file: do not change it."""
    root = tmp_path_factory.mktemp("demo-blog")
    place = Place(f"sqlite+aiosqlite:///{root / 'blog.db'}", root / "media")
    migrate(place.url)
    asyncio.run(seed(place))
    return place


@pytest.fixture(scope="session")
def demo_archive(demo_blog: Place, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`blogapi export` of `demo_blog`: do not change it (`repack` a copy)."""
    path = tmp_path_factory.mktemp("demo-archive") / "blog.tar.gz"
    asyncio.run(export_archive(demo_blog.settings(), path, quiet()))
    return path


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Place:
    """An empty database of each engine (no tables) and an empty media directory."""
    return Place(empty_database(request.param, tmp_path, "target"), tmp_path / "target-media")


@pytest.fixture
def pg_place(tmp_path: Path) -> Place:
    """An empty PostgreSQL database of this run's own, and a media directory."""
    return Place(pg_database("moved"), tmp_path / "moved-media")


@pytest.fixture
def s3_settings(bucket: Bucket) -> dict[str, object]:
    """Settings of media in a bucket of its own on a moto server."""
    return {
        "storage_backend": "s3",
        "s3_bucket": bucket.name,
        "s3_endpoint_url": bucket.endpoint,
        "s3_region": "us-east-1",
    }


@pytest.fixture
def blogapi(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Blogapi:
    """Runs `blogapi <args>` on a place, as from a shell: its exit code and what it printed."""
    return functools.partial(run_blogapi, monkeypatch, capsys)
