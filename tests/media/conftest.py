"""An app per test whose media live in the test's own directory (or an S3 bucket on a moto
server), so a test can see exactly which files exist."""

import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from factories import Account, create_user, login, own_app
from fastapi import FastAPI
from moto.server import ThreadedMotoServer

from blogapi.core.config import Role

MEDIA = "/api/v1/media"
_buckets = itertools.count(1)


@dataclass
class MediaApp:
    app: FastAPI
    client: httpx.AsyncClient
    root: Path

    def files(self) -> list[Path]:
        """Every file under the media directory."""
        return sorted(p for p in self.root.rglob("*") if p.is_file()) if self.root.exists() else []

    async def account(self, role: Role = Role.AUTHOR) -> Account:
        return await login(self.client, await create_user(self.app, role=role))

    async def upload(
        self, account: Account, data: bytes, *, filename: str = "picture.png", **form: str
    ) -> httpx.Response:
        files = {"file": (filename, data, "application/octet-stream")}
        return await self.client.post(MEDIA, files=files, data=form, headers=account.headers)

    async def uploaded(self, account: Account, data: bytes, **form: str) -> dict[str, Any]:
        response = await self.upload(account, data, **form)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def fetch(self, url: str) -> httpx.Response:
        """GET a media URL through the app (its /media/... path)."""
        return await self.client.get(url.removeprefix("http://127.0.0.1:8000"))


@pytest.fixture
async def media(database_url: str, tmp_path: Path) -> AsyncIterator[MediaApp]:
    """Local storage under tmp_path/media; uploads up to 1 MiB; quota 2 MiB."""
    root = tmp_path / "media"
    async with own_app(
        database_url,
        rate_limits_enabled=False,
        media_dir=str(root),
        max_upload_size_mb=1,
        media_quota_mb=2,
    ) as (app, client):
        yield MediaApp(app, client, root)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 API (moto's server mode) on a free local port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    endpoint: str

    def client(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture
def bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    """A new, empty bucket; credentials the usual AWS way (the environment)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    found = Bucket(name=f"media-{next(_buckets)}", endpoint=moto_endpoint)
    found.client().create_bucket(Bucket=found.name)
    return found
