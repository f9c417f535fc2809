"""seed-demo's cover pictures: stored like uploads (files and variants), owned by the demo
admin, shown as covers of some published posts; none with --images 0."""

import dataclasses
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.demo.covers import COVER_EVERY, picture
from blogapi.media.models import Media
from blogapi.posts.models import PostStatus

from .seeding import SMALL, scalar, seed


async def test_covers_are_stored_and_shown_on_published_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await seed(app, SMALL)

    async with app.state.sessionmaker() as session:
        media = list(await session.scalars(select(Media)))
    assert len(media) == SMALL.images == 2
    root = Path(app.state.settings.media_dir)
    for item in media:
        assert (root / item.storage_key).is_file()
        assert item.meta["variants"], "WebP variants are made as for an upload"
        assert all((root / v["key"]).is_file() for v in item.meta["variants"])
    published = await scalar(
        app, f"SELECT count(*) FROM posts WHERE status = '{PostStatus.PUBLISHED.value}'"
    )
    assert await scalar(app, "SELECT count(*) FROM post_covers") == -(-published // COVER_EVERY)
    assert (
        await scalar(
            app,
            "SELECT count(*) FROM post_covers pc JOIN posts p ON p.id = pc.post_id "
            "WHERE p.status <> 'published'",
        )
        == 0
    )

    listed = (await client.get("/api/v1/posts", params={"limit": 100})).json()["data"]
    with_cover = [post for post in listed if post["cover_url"]]
    assert with_cover, "some public posts show a cover"
    assert {post["cover_url"] for post in with_cover} <= {item.url for item in media}


async def test_no_images_means_no_media_and_no_covers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await seed(app, dataclasses.replace(SMALL, images=0))

    assert await scalar(app, "SELECT count(*) FROM media") == 0
    assert await scalar(app, "SELECT count(*) FROM post_covers") == 0
    listed = (await client.get("/api/v1/posts")).json()["data"]
    assert all(post["cover_url"] is None for post in listed)


def test_the_pictures_are_deterministic_and_differ_by_seed() -> None:
    assert picture(1) == picture(1)
    assert picture(1) != picture(2)
