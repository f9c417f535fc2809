"""Soft delete at once; the worker removes the files (and the row) after the grace period."""

import asyncio

from factories import assert_error, create_post

from blogapi.core.config import Role
from blogapi.media.cleanup import purge_deleted, run_purge

from .conftest import MEDIA, MediaApp
from .pictures import picture


async def _purge(media: MediaApp, older_than_seconds: float = 0) -> int:
    return await purge_deleted(
        media.app.state.sessionmaker, media.app.state.storage, older_than_seconds=older_than_seconds
    )


async def test_a_delete_hides_the_media_at_once_and_keeps_files_until_purged(
    media: MediaApp,
) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("JPEG", (800, 400)))
    files = media.files()
    assert len(files) == 3  # the image and two variants

    response = await media.client.delete(f"{MEDIA}/{body['id']}", headers=author.headers)

    assert response.status_code == 204
    assert_error(
        await media.client.get(f"{MEDIA}/{body['id']}", headers=author.headers), 404, "NOT_FOUND"
    )
    assert (await media.client.get(MEDIA, headers=author.headers)).json()["data"] == []
    assert media.files() == files


async def test_the_worker_removes_the_files_of_deleted_media(media: MediaApp) -> None:
    author = await media.account()
    kept = await media.uploaded(author, picture("PNG", color="green"))
    doomed = await media.uploaded(author, picture("JPEG", (800, 400)))
    await media.client.delete(f"{MEDIA}/{doomed['id']}", headers=author.headers)

    assert await _purge(media) == 1

    assert [p.name for p in media.files()] == ["original.png"]
    assert (await media.fetch(doomed["url"])).status_code == 404
    assert (await media.fetch(kept["url"])).status_code == 200
    assert await _purge(media) == 0


async def test_the_worker_waits_for_the_grace_period(media: MediaApp) -> None:
    author = await media.account()
    doomed = await media.uploaded(author, picture())
    await media.client.delete(f"{MEDIA}/{doomed['id']}", headers=author.headers)

    assert await _purge(media, older_than_seconds=3600) == 0
    assert len(media.files()) == 1


async def test_the_worker_loop_purges_until_stopped(media: MediaApp) -> None:
    author = await media.account()
    doomed = await media.uploaded(author, picture())
    await media.client.delete(f"{MEDIA}/{doomed['id']}", headers=author.headers)
    settings = media.app.state.settings.model_copy(
        update={"media_purge_after_seconds": 0, "worker_poll_seconds": 0.05}
    )
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_purge(media.app.state.sessionmaker, media.app.state.storage, settings, stop)
    )
    try:
        for _ in range(100):
            if not media.files():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    assert media.files() == []


async def test_a_published_cover_cannot_be_deleted(media: MediaApp) -> None:
    author = await media.account()
    cover = await media.uploaded(author, picture())
    await create_post(media.client, author, cover_media_id=cover["id"])

    response = await media.client.delete(f"{MEDIA}/{cover['id']}", headers=author.headers)

    assert_error(response, 409, "MEDIA_IN_USE")
    assert (
        await media.client.get(f"{MEDIA}/{cover['id']}", headers=author.headers)
    ).status_code == 200


async def test_only_an_admin_may_force(media: MediaApp) -> None:
    author = await media.account()
    cover = await media.uploaded(author, picture())
    await create_post(media.client, author, cover_media_id=cover["id"])

    response = await media.client.delete(
        f"{MEDIA}/{cover['id']}", params={"force": "true"}, headers=author.headers
    )

    assert_error(response, 403, "FORBIDDEN")


async def test_an_admin_forces_and_the_post_loses_its_cover(media: MediaApp) -> None:
    author, admin = await media.account(), await media.account(Role.ADMIN)
    cover = await media.uploaded(author, picture())
    post = await create_post(media.client, author, cover_media_id=cover["id"])

    response = await media.client.delete(
        f"{MEDIA}/{cover['id']}", params={"force": "true"}, headers=admin.headers
    )

    assert response.status_code == 204
    shown = (await media.client.get(f"/api/v1/posts/{post['id']}")).json()
    assert shown["cover_media_id"] is None
    assert shown["cover_url"] is None


async def test_a_draft_cover_can_be_deleted(media: MediaApp) -> None:
    author = await media.account()
    cover = await media.uploaded(author, picture())
    post = await create_post(media.client, author, cover_media_id=cover["id"], status="draft")

    response = await media.client.delete(f"{MEDIA}/{cover['id']}", headers=author.headers)

    assert response.status_code == 204
    draft = await media.client.get(f"/api/v1/posts/{post['id']}", headers=author.headers)
    assert draft.json()["cover_media_id"] is None
