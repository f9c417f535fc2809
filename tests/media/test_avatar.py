"""Avatars: an upload becomes a square, shown as avatar_url wherever the user appears."""

from factories import ME, USERS, assert_error, create_post, me

from blogapi.media.cleanup import purge_deleted

from .conftest import MediaApp
from .pictures import jpeg_with_gps, opened, picture

AVATAR = f"{ME}/avatar"


async def _put_avatar(media: MediaApp, account, data: bytes):  # type: ignore[no-untyped-def]
    files = {"file": ("me.jpg", data, "image/jpeg")}
    return await media.client.put(AVATAR, files=files, headers=account.headers)


async def test_an_avatar_is_a_square_webp_with_smaller_copies(media: MediaApp) -> None:
    user = await media.account()

    response = await _put_avatar(media, user, picture("JPEG", (900, 600)))

    assert response.status_code == 200, response.text
    url = response.json()["avatar_url"]
    image = opened((await media.fetch(url)).content)
    assert image.format == "WEBP"
    assert image.size == (512, 512)
    names = sorted(p.name for p in media.files())
    assert names == ["original.webp", "s128.webp", "s256.webp", "s64.webp"]


async def test_the_avatar_shows_in_every_user_representation(media: MediaApp) -> None:
    user = await media.account()
    url = (await _put_avatar(media, user, picture("PNG", (100, 100)))).json()["avatar_url"]

    post = await create_post(media.client, user)
    public = (await media.client.get(f"{USERS}/{user.username}")).json()

    assert (await me(media.client, user))["avatar_url"] == url
    assert public["avatar_url"] == url
    assert post["author"]["avatar_url"] == url


async def test_an_avatar_keeps_no_gps(media: MediaApp) -> None:
    user = await media.account()
    url = (await _put_avatar(media, user, jpeg_with_gps((300, 200)))).json()["avatar_url"]

    stored = (await media.fetch(url)).content
    assert b"SpyCam" not in stored
    assert dict(opened(stored).getexif()) == {}


async def test_a_new_avatar_replaces_the_old_one(media: MediaApp) -> None:
    user = await media.account()
    first = (await _put_avatar(media, user, picture(color="red"))).json()["avatar_url"]

    second = (await _put_avatar(media, user, picture(color="blue"))).json()["avatar_url"]

    assert second != first
    assert (await me(media.client, user))["avatar_url"] == second
    app = media.app
    await purge_deleted(app.state.sessionmaker, app.state.storage, older_than_seconds=0)
    assert (await media.fetch(first)).status_code == 404
    assert (await media.fetch(second)).status_code == 200
    assert len(media.files()) == 1  # a 48 px square has no smaller copies


async def test_removing_the_avatar_sets_null(media: MediaApp) -> None:
    user = await media.account()
    await _put_avatar(media, user, picture())

    response = await media.client.delete(AVATAR, headers=user.headers)

    assert response.status_code == 204
    assert (await me(media.client, user))["avatar_url"] is None
    assert (await media.client.delete(AVATAR, headers=user.headers)).status_code == 204


async def test_avatars_are_not_listed_with_uploads(media: MediaApp) -> None:
    user = await media.account()
    await _put_avatar(media, user, picture())

    assert (await media.client.get("/api/v1/media", headers=user.headers)).json()["data"] == []


async def test_a_non_image_avatar_is_refused(media: MediaApp) -> None:
    user = await media.account()

    response = await _put_avatar(media, user, b"<svg xmlns='http://www.w3.org/2000/svg'/>")

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert (await me(media.client, user))["avatar_url"] is None
    assert media.files() == []


async def test_an_avatar_needs_a_sign_in(media: MediaApp) -> None:
    files = {"file": ("me.png", picture(), "image/png")}

    assert_error(await media.client.put(AVATAR, files=files), 401, "AUTHENTICATION_REQUIRED")
    assert_error(await media.client.delete(AVATAR), 401, "AUTHENTICATION_REQUIRED")


async def test_an_oversized_avatar_is_413(media: MediaApp) -> None:
    user = await media.account()

    response = await _put_avatar(media, user, b"\xff\xd8" + b"\0" * (2 * 1024 * 1024))

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert media.files() == []
