"""Decoding memory: huge images are decoded within the process's pixel budget, and reduced
before their variants are made, so concurrent uploads stay within bounds."""

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import ME, assert_error
from PIL import Image

from blogapi.media.images import accepted_formats

from .decoding import media_app
from .pictures import ORIENTATION, flat_png, jpeg_with_gps, opened, picture

MB = 1024 * 1024
HUGE = 7000  # 49 megapixels: under MEDIA_MAX_PIXELS (50 M), 196 MB once decoded


@functools.cache
def huge_png(green: int) -> bytes:
    """A 7000 x 7000 half-transparent PNG of about 200 KB: the worst case per byte sent."""
    return flat_png(HUGE, (10, green, 30, 200))


def red_at(image: Image.Image, xy: tuple[int, int]) -> int:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple), pixel
    return int(pixel[0])


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _high_water_bytes() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


class PeakGrowth:
    """How far this process's resident memory rose above where it started: sampled every
    2 ms in a thread, and the kernel's high-water mark too where /proc lets us reset it.
    (ru_maxrss is the high-water mark of the whole test run: no use after other tests.)"""

    def __init__(self) -> None:
        self.start = self.peak = _resident_bytes()
        self._high_water_reset = False
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, _resident_bytes())

    def __enter__(self) -> "PeakGrowth":
        try:
            with open("/proc/self/clear_refs", "w") as clear_refs:
                clear_refs.write("5")  # VmHWM := the current resident size
            self._high_water_reset = True
        except OSError:
            pass  # sampling alone
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        self.peak = max(self.peak, _resident_bytes())
        if self._high_water_reset:
            self.peak = max(self.peak, _high_water_bytes())

    @property
    def megabytes(self) -> float:
        return (self.peak - self.start) / MB


async def test_four_huge_uploads_at_once_stay_within_300_mb(
    database_url: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    huge = [huge_png(green) for green in (100, 140, 180, 220)]
    assert all(len(data) < MB for data in huge)  # small on the wire: under the upload limit
    # 49 M + 49 M pixels pass the 50 M budget: one decodes at a time (about 245 MB: 196 MB
    # decoded, and a half-size copy for the variants), each waiting for the one before it,
    # so the wait is generous, on a machine shared with other tests.
    async with media_app(database_url, tmp_path, media_decode_wait_seconds=120) as media:
        author = await media.account()
        await media.uploaded(author, picture("PNG", (2000, 100)))  # codecs and threads warm

        with PeakGrowth() as memory:
            responses = await asyncio.gather(*(media.upload(author, data) for data in huge))

    record_property("peak_rss_growth_mb", round(memory.megabytes))
    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    assert memory.megabytes < 300, f"resident memory rose by {memory.megabytes:.0f} MB"
    for response in responses:
        body = response.json()
        assert (body["width"], body["height"]) == (HUGE, HUGE)
        sizes = [(v["width"], v["height"]) for v in body["variants"]]
        assert sizes == [(320, 320), (768, 768), (1280, 1280)]


async def test_variants_of_a_huge_image_keep_its_colours_and_alpha(
    database_url: str, tmp_path: Path
) -> None:
    async with media_app(database_url, tmp_path) as media:
        author = await media.account()
        body = await media.uploaded(author, huge_png(120))

        stored = opened((await media.fetch(body["url"])).content)
        variant = opened((await media.fetch(body["variants"][-1]["url"])).content)

    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (HUGE, HUGE))
    assert stored.getpixel((HUGE - 1, HUGE - 1)) == (10, 120, 30, 200)
    assert (variant.format, variant.mode, variant.size) == ("WEBP", "RGBA", (1280, 1280))
    red, green, blue, alpha = variant.getpixel((640, 640))  # type: ignore[misc]
    assert abs(red - 10) + abs(green - 120) + abs(blue - 30) < 12  # lossy WebP, not the mode
    assert alpha == 200


async def test_a_huge_turned_photo_is_turned_before_its_variants(
    database_url: str, tmp_path: Path
) -> None:
    """Wide enough (5400 px once turned) for variants to be made from a reduced copy."""
    async with media_app(database_url, tmp_path) as media:
        author = await media.account()
        # Orientation 6: viewers turn it 90 degrees clockwise; its orange corner goes top right.
        body = await media.uploaded(author, jpeg_with_gps((2700, 5400), orientation=6))
        variant = opened((await media.fetch(body["variants"][-1]["url"])).content)

    assert (body["width"], body["height"]) == (5400, 2700)
    assert variant.size == (1280, 640)
    assert red_at(variant, (1270, 10)) > 200  # orange (255, 165, 0)
    assert red_at(variant, (10, 10)) < 60  # teal (0, 128, 128)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])  # decoded at 1/2 scale; reduced 3 times
async def test_an_avatar_from_a_big_photo_is_made_small_and_still_turned(
    database_url: str, tmp_path: Path, fmt: str
) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    data = picture(fmt, (4800, 3600), exif=exif.tobytes())
    async with media_app(database_url, tmp_path) as media:
        user = await media.account()
        files = {"file": ("me.img", data, "application/octet-stream")}
        response = await media.client.put(f"{ME}/avatar", files=files, headers=user.headers)
        assert response.status_code == 200, response.text
        avatar = opened((await media.fetch(response.json()["avatar_url"])).content)

    assert (avatar.format, avatar.size) == ("WEBP", (512, 512))
    # Turned, the photo is 3600 x 4800; the centred square shows its orange top-right quarter.
    assert red_at(avatar, (500, 10)) > 200
    assert red_at(avatar, (10, 500)) < 60


@pytest.mark.parametrize(("fmt", "factor"), [("WEBP", 3), ("AVIF", 4)])
async def test_webp_and_avif_count_their_decoders_memory(
    database_url: str, tmp_path: Path, fmt: str, factor: int
) -> None:
    """Their decoders and encoders hold several copies: fewer pixels are allowed than PNG's."""
    assert fmt in accepted_formats()
    async with media_app(database_url, tmp_path, media_max_pixels=60_000) as media:
        author = await media.account()
        limit = 60_000 // factor
        fits, past = (100, limit // 100), (100, limit // 100 + 1)

        refused = await media.upload(author, picture(fmt, past))
        taken = await media.upload(author, picture(fmt, fits))
        same_as_png = await media.upload(author, picture("PNG", past))

        error = assert_error(refused, 400, "VALIDATION_ERROR", field="file")
        name = "WebP" if fmt == "WEBP" else fmt
        assert f"at most {limit:,} for {name}" in error["details"][0]["message"]
        assert taken.status_code == 201, taken.text
        assert same_as_png.status_code == 201, same_as_png.text
        assert len(media.files()) == 2  # the two taken, no variant (narrower than 320)
