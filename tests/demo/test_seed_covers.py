"""seed-demo's cover pictures: none with --images 0, the same pictures for the same seed (the
covers of the default set: test_seeded_data.py)."""

import dataclasses

import httpx
from fastapi import FastAPI

from blogapi.demo.covers import picture

from .seeding import SMALL, scalar, seed


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
