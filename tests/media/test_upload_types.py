"""Each accepted type is stored re-encoded, with its dimensions; anything else is refused."""

import asyncio
from pathlib import Path

import pytest
from factories import assert_error, own_app

from blogapi.core.config import Role
from blogapi.media.images import accepted_formats

from .conftest import MediaApp
from .pictures import animated_gif, opened, picture, png_bomb

TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "AVIF": "image/avif",
}


def test_this_pillow_reads_avif() -> None:
    # AVIF is accepted "if Pillow supports it": the locked Pillow does, so it is tested.
    assert "AVIF" in accepted_formats()


@pytest.mark.parametrize("fmt", list(TYPES))
async def test_each_accepted_type_is_stored_as_itself(media: MediaApp, fmt: str) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture(fmt, (90, 60)), alt="A test card")

    assert body["content_type"] == TYPES[fmt]
    assert (body["width"], body["height"]) == (90, 60)
    assert body["alt"] == "A test card"
    assert body["animated"] is False
    served = await media.fetch(body["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == TYPES[fmt]
    assert opened(served.content).format == fmt
    assert len(served.content) == body["size"]


async def test_the_type_comes_from_the_bytes_not_the_name(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("JPEG"), filename="holiday.png")

    assert body["content_type"] == "image/jpeg"
    assert body["url"].endswith(".jpg")


async def test_wide_images_get_webp_variants_no_wider_than_themselves(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("JPEG", (1000, 500)))

    assert [(v["width"], v["height"]) for v in body["variants"]] == [(320, 160), (768, 384)]
    for variant in body["variants"]:
        served = await media.fetch(variant["url"])
        assert served.headers["content-type"] == "image/webp"
        assert opened(served.content).size == (variant["width"], variant["height"])


async def test_small_images_get_no_variants(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("PNG", (300, 200)))

    assert body["variants"] == []
    assert len(media.files()) == 1


async def test_animated_gif_keeps_its_frames(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, animated_gif(frames=3))

    assert body["animated"] is True
    served = await media.fetch(body["url"])
    assert getattr(opened(served.content), "n_frames", 1) == 3


REFUSED_AS_UNSUPPORTED = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "html": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
    "text renamed .png": b"just some text, named picture.png",
    "gif/javascript polyglot": b"GIF89a/*\x00\x00\x00\x00*/=alert(document.domain);//",
    "bmp": picture("BMP"),
    "tiff": picture("TIFF"),
}


@pytest.mark.parametrize("name", list(REFUSED_AS_UNSUPPORTED))
async def test_other_types_are_refused_with_415(media: MediaApp, name: str) -> None:
    author = await media.account()
    response = await media.upload(author, REFUSED_AS_UNSUPPORTED[name], filename="picture.png")

    error = assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "JPEG" in error["message"]
    assert media.files() == []


async def test_a_truncated_image_is_refused(media: MediaApp) -> None:
    author = await media.account()
    whole = picture("PNG", (200, 200))
    response = await media.upload(author, whole[: len(whole) // 2])

    error = assert_error(response, 400, "VALIDATION_ERROR", field="file")
    assert "truncated" in error["details"][0]["message"]
    assert media.files() == []


@pytest.mark.parametrize("side", [8_000, 100_000])  # past our limit; past Pillow's own too
async def test_a_decompression_bomb_is_refused_before_decoding(media: MediaApp, side: int) -> None:
    author = await media.account()
    response = await media.upload(author, png_bomb(side))

    error = assert_error(response, 400, "VALIDATION_ERROR", field="file")
    assert "too many pixels" in error["details"][0]["message"]
    assert media.files() == []


async def test_an_empty_file_is_refused(media: MediaApp) -> None:
    author = await media.account()
    response = await media.upload(author, b"")

    assert_error(response, 400, "VALIDATION_ERROR", field="file")


async def test_a_request_without_a_file_is_refused(media: MediaApp) -> None:
    author = await media.account()
    response = await media.client.post(
        "/api/v1/media", data={"alt": "no file"}, headers=author.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="file")


async def test_anonymous_uploads_are_refused(media: MediaApp) -> None:
    files = {"file": ("a.png", picture(), "image/png")}
    response = await media.client.post("/api/v1/media", files=files)

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert media.files() == []


async def test_a_contributor_may_upload(media: MediaApp) -> None:
    contributor = await media.account(Role.CONTRIBUTOR)

    assert (await media.upload(contributor, picture())).status_code == 201


async def test_alt_text_is_limited(media: MediaApp) -> None:
    author = await media.account()
    response = await media.upload(author, picture(), alt="x" * 501)

    assert_error(response, 400, "VALIDATION_ERROR", field="alt")
    assert media.files() == []


async def test_alt_text_with_a_nul_byte_is_refused(media: MediaApp) -> None:
    author = await media.account()
    response = await media.upload(author, picture(), alt="bad\x00alt")

    assert_error(response, 400, "VALIDATION_ERROR", field="alt")


async def test_unverified_accounts_cannot_upload_when_verification_is_required(
    database_url: str, tmp_path: Path
) -> None:
    async with own_app(
        database_url,
        rate_limits_enabled=False,
        require_email_verification=True,
        media_dir=str(tmp_path / "media"),
    ) as (app, client):
        media = MediaApp(app, client, tmp_path / "media")
        author = await media.account()
        response = await media.upload(author, picture())

        assert_error(response, 403, "EMAIL_NOT_VERIFIED")
        assert media.files() == []


async def test_the_same_file_uploaded_twice_at_once_is_stored_once(media: MediaApp) -> None:
    author = await media.account()
    data = picture("JPEG", (700, 400))

    responses = await asyncio.gather(*(media.upload(author, data) for _ in range(2)))

    assert sorted(r.status_code for r in responses) == [200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(media.files()) == 2  # one image and its one variant
