"""Size limit, quota and storing identical bytes once."""

import io
import os
from pathlib import Path

from factories import assert_error, own_app
from PIL import Image

from .conftest import MEDIA, MediaApp
from .pictures import picture

MIB = 1024 * 1024


def noise_png(size: tuple[int, int]) -> bytes:
    """A PNG that does not compress (random pixels): about 3 bytes a pixel."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def test_an_upload_over_the_limit_is_413_and_leaves_nothing(media: MediaApp) -> None:
    author = await media.account()
    response = await media.upload(author, os.urandom(MIB + 1))

    error = assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert "1 MiB" in error["message"]
    assert media.files() == []
    assert (await media.client.get(MEDIA, headers=author.headers)).json()["data"] == []


async def test_a_streamed_body_over_the_limit_is_cut_off(media: MediaApp) -> None:
    """No Content-Length: the body is counted as it arrives and refused once past the limit."""
    author = await media.account()
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    sent = 0

    async def body():  # type: ignore[no-untyped-def]
        nonlocal sent
        yield head
        for _ in range(64):  # 4 MiB in all, if it were all read
            sent += 1
            yield b"\0" * (64 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**author.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = await media.client.post(MEDIA, content=body(), headers=headers)

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert sent < 64  # it stopped reading
    assert media.files() == []


async def test_an_upload_just_under_the_limit_is_taken(media: MediaApp) -> None:
    author = await media.account()
    data = noise_png((560, 560))
    assert 0.8 * MIB < len(data) < MIB

    assert (await media.upload(author, data)).status_code == 201


async def test_json_bodies_keep_their_own_smaller_limit(media: MediaApp) -> None:
    author = await media.account()
    response = await media.client.post(
        "/api/v1/posts",
        content=b'{"title": "x", "content": "' + b"a" * (2 * MIB) + b'"}',
        headers={**author.headers, "Content-Type": "application/json"},
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_the_quota_stops_uploads_with_its_own_code(media: MediaApp) -> None:
    author = await media.account()
    for _ in range(2):  # 2 x ~0.9 MiB of a 2 MiB quota
        assert (await media.upload(author, noise_png((560, 560)))).status_code == 201
    files_before = media.files()

    response = await media.upload(author, noise_png((560, 560)))

    error = assert_error(response, 413, "QUOTA_EXCEEDED")
    assert "2 MiB" in error["message"]
    assert media.files() == files_before


async def test_the_quota_is_per_user(media: MediaApp) -> None:
    first, second = await media.account(), await media.account()
    for _ in range(2):
        assert (await media.upload(first, noise_png((560, 560)))).status_code == 201

    assert (await media.upload(second, noise_png((560, 560)))).status_code == 201


async def test_deleted_media_free_their_quota(media: MediaApp) -> None:
    author = await media.account()
    ids = [(await media.uploaded(author, noise_png((560, 560))))["id"] for _ in range(2)]
    deleted = await media.client.delete(f"{MEDIA}/{ids[0]}", headers=author.headers)
    assert deleted.status_code == 204

    assert (await media.upload(author, noise_png((560, 560)))).status_code == 201


async def test_identical_bytes_are_stored_once(media: MediaApp) -> None:
    author = await media.account()
    data = picture("JPEG", (500, 300))
    first = await media.uploaded(author, data)
    files = media.files()

    again = await media.upload(author, data, filename="copy.jpg")

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert media.files() == files
    listed = (await media.client.get(MEDIA, headers=author.headers)).json()
    assert listed["pagination"]["total"] == 1


async def test_identical_bytes_from_another_user_are_their_own(media: MediaApp) -> None:
    first, second = await media.account(), await media.account()
    data = picture("JPEG")
    mine = await media.uploaded(first, data)

    theirs = await media.uploaded(second, data)

    assert theirs["id"] != mine["id"]
    assert theirs["sha256"] == mine["sha256"]


async def test_a_deleted_file_uploaded_again_is_new(media: MediaApp) -> None:
    author = await media.account()
    data = picture("PNG")
    first = await media.uploaded(author, data)
    await media.client.delete(f"{MEDIA}/{first['id']}", headers=author.headers)

    again = await media.upload(author, data)

    assert again.status_code == 201
    assert again.json()["id"] != first["id"]


async def test_an_unwritable_media_directory_is_503(database_url: str, tmp_path: Path) -> None:
    blocker = tmp_path / "media"
    blocker.write_text("a file where the directory should be")
    async with own_app(database_url, rate_limits_enabled=False, media_dir=str(blocker)) as (
        app,
        client,
    ):
        media = MediaApp(app, client, blocker)
        author = await media.account()
        response = await media.upload(author, picture())

        assert_error(response, 503, "SERVICE_UNAVAILABLE")
        assert (await client.get(MEDIA, headers=author.headers)).json()["data"] == []
