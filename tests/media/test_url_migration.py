"""The migration to URLs built when read: rows written with frozen URLs (media, variants, an
uploaded avatar, our images in content_html) keep keys afterwards, and read on any address;
URLs that are not ours stay as they were. Downgrading freezes them again."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from asgi_lifespan import LifespanManager
from core.test_migrations import empty_database, on_connection  # noqa: F401 (a fixture)
from factories import ME, POSTS, USERS, client_for, create_post
from harness import make_settings
from sqlalchemy import Connection, text

from blogapi.cli import alembic_config
from blogapi.core.config import get_settings
from blogapi.main import create_app

from .conftest import MediaApp
from .pictures import picture

BEFORE = "c1a2b3c4d5e6"  # the revision before URLs were built when read
OLD = "http://old.example:8000"
OTHER = "http://127.0.0.1:9000"  # an earlier port, for one image
NEW = "https://blog.example"
THEIRS = "https://avatars.example.org/bo.png"
KEY_SHAPED = "https://elsewhere.example/0123456789abcdef0123456789abcdef/original.jpg"


@pytest.fixture
def migrated_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Migrations run with PUBLIC_BASE_URL=OLD (what a downgrade freezes URLs on)."""
    monkeypatch.setenv("PUBLIC_BASE_URL", OLD)
    monkeypatch.delenv("MEDIA_PUBLIC_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@asynccontextmanager
async def app_on(url: str, media_dir: Path, **settings: object) -> AsyncIterator[MediaApp]:
    """An app on the migrated database that leaves its rows there (unlike `own_app`)."""
    app = create_app(make_settings(url, media_dir=str(media_dir), **settings))
    async with LifespanManager(app), client_for(app) as client:
        yield MediaApp(app, client, media_dir)


def rows(url: str, sql: str) -> list[Any]:
    def run(sync: Connection) -> list[Any]:
        return list(sync.execute(text(sql)).all())

    return on_connection(url, run)


def execute(database: str, sql: str, **values: Any) -> None:
    def run(sync: Connection) -> None:
        sync.execute(text(sql), values)
        sync.commit()

    on_connection(database, run)


async def _written(url: str, media_dir: Path) -> dict[str, Any]:
    """Through the API at head: an avatar, two images in two posts, a user's own avatar URL."""
    async with app_on(url, media_dir) as app:
        ada, bo = await app.account(), await app.account()
        files = {"file": ("me.png", picture("PNG", (300, 300)), "image/png")}
        avatar = await app.client.put(f"{ME}/avatar", files=files, headers=ada.headers)
        assert avatar.status_code == 200, avatar.text
        theirs = await app.client.patch(ME, json={"avatar_url": THEIRS}, headers=bo.headers)
        assert theirs.status_code == 200, theirs.text
        first = await app.uploaded(ada, picture("JPEG", (1000, 600)))
        second = await app.uploaded(ada, picture("PNG", (400, 300)))
        one = await create_post(
            app.client,
            ada,
            content=f"![one]({first['url']}) ![elsewhere]({KEY_SHAPED})",
            cover_media_id=first["id"],
        )
        two = await create_post(app.client, ada, content=f"![two]({second['url']})")
    return {"ada": ada, "bo": bo, "first": first, "second": second, "one": one, "two": two}


def _meta(url: str, key: str) -> dict[str, Any]:
    value = rows(url, f"SELECT meta FROM media WHERE storage_key = '{key}'")[0][0]
    meta: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return meta


def _html(url: str, post: dict[str, Any]) -> str:
    found = rows(url, f"SELECT content_html FROM posts WHERE slug = '{post['slug']}'")
    html: str = found[0][0]
    return html


def _key(media: dict[str, Any]) -> str:
    return media["url"].split("/media/", 1)[1]


def test_frozen_urls_become_keys_and_read_on_any_address(
    empty_database: str,  # noqa: F811
    migrated_on: None,
    tmp_path: Path,
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    written = asyncio.run(_written(empty_database, tmp_path / "media"))
    first, second = _key(written["first"]), _key(written["second"])
    html_at_head = {name: _html(empty_database, written[name]) for name in ("one", "two")}

    command.downgrade(config, BEFORE)
    # As the old code stored them: frozen on the base of the day (one image on another port).
    media_urls = dict(rows(empty_database, "SELECT storage_key, url FROM media"))
    assert media_urls[first] == f"{OLD}/media/{first}"
    assert f'src="{OLD}/media/{first}"' in _html(empty_database, written["one"])
    assert f"{OLD}/media/{first[:-12]}w320.webp 320w" in _html(empty_database, written["one"])
    avatars = dict(rows(empty_database, "SELECT username, avatar_url FROM users"))
    assert avatars[written["ada"].username].startswith(f"{OLD}/media/")
    assert avatars[written["bo"].username] == THEIRS
    variants = [v["url"] for v in _meta(empty_database, first)["variants"]]
    assert variants == [f"{OLD}/media/{first[:-12]}w{width}.webp" for width in (320, 768)]
    execute(
        empty_database,
        "UPDATE media SET url = :url WHERE storage_key = :key",
        url=f"{OTHER}/media/{second}",
        key=second,
    )
    two_html = _html(empty_database, written["two"]).replace(f"{OLD}/media/", f"{OTHER}/media/")
    execute(
        empty_database,
        "UPDATE posts SET content_html = :html WHERE slug = :slug",
        html=two_html,
        slug=written["two"]["slug"],
    )

    command.upgrade(config, "head")

    assert {name: _html(empty_database, written[name]) for name in ("one", "two")} == html_at_head
    assert KEY_SHAPED in html_at_head["one"]
    avatars = dict(rows(empty_database, "SELECT username, avatar_url FROM users"))
    assert avatars[written["ada"].username].startswith("/media/")
    assert avatars[written["bo"].username] == THEIRS
    assert all("url" not in v for v in _meta(empty_database, first)["variants"])
    read = asyncio.run(_read_on(NEW, empty_database, tmp_path / "media", written))
    assert read["avatar"].startswith(f"{NEW}/media/")
    assert read["cover_url"] == f"{NEW}/media/{first}"
    assert f'src="{NEW}/media/{second}"' in read["two_html"]
    assert read["theirs"] == THEIRS


async def _read_on(base: str, url: str, media_dir: Path, written: dict[str, Any]) -> dict[str, Any]:
    async with app_on(url, media_dir, public_base_url=base) as app:
        ada = (await app.client.get(f"{USERS}/{written['ada'].username}")).json()
        bo = (await app.client.get(f"{USERS}/{written['bo'].username}")).json()
        one = (await app.client.get(f"{POSTS}/{written['one']['slug']}")).json()
        two = (await app.client.get(f"{POSTS}/{written['two']['slug']}")).json()
    return {
        "avatar": ada["avatar_url"],
        "theirs": bo["avatar_url"],
        "cover_url": one["cover_url"],
        "two_html": two["content_html"],
    }
