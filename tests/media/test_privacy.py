"""What is stored is pixels only: EXIF and GPS dropped, orientation applied, payloads gone."""

import io

from PIL import Image, PngImagePlugin

from .conftest import MediaApp
from .pictures import GPS_IFD, jpeg_with_gps, opened, picture


def test_the_test_picture_really_carries_gps() -> None:
    exif = Image.open(io.BytesIO(jpeg_with_gps())).getexif()
    assert exif.get_ifd(GPS_IFD)
    assert exif[0x010F] == "SpyCam"


async def test_exif_and_gps_are_gone_after_upload(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, jpeg_with_gps((900, 450)))

    for url in [body["url"], *(v["url"] for v in body["variants"])]:
        stored = (await media.fetch(url)).content
        image = opened(stored)
        assert dict(image.getexif()) == {}
        assert not image.getexif().get_ifd(GPS_IFD)
        assert b"Exif" not in stored
        assert b"SpyCam" not in stored


async def test_orientation_is_applied_then_dropped(media: MediaApp) -> None:
    author = await media.account()
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise.
    body = await media.uploaded(author, jpeg_with_gps((80, 40), orientation=6))

    assert (body["width"], body["height"]) == (40, 80)
    stored = opened((await media.fetch(body["url"])).content)
    assert stored.size == (40, 80)
    assert 0x0112 not in stored.getexif()


async def test_bytes_appended_to_a_valid_image_are_not_stored(media: MediaApp) -> None:
    author = await media.account()
    payload = b"<html><script>alert(document.cookie)</script></html>"
    body = await media.uploaded(author, picture("PNG") + payload)

    stored = (await media.fetch(body["url"])).content
    assert b"<script>" not in stored
    assert opened(stored).format == "PNG"


async def test_png_text_chunks_are_not_stored(media: MediaApp) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    author = await media.account()
    body = await media.uploaded(author, picture("PNG", pnginfo=info))

    assert b"Secret Person" not in (await media.fetch(body["url"])).content
