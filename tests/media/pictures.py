"""Real image bytes, made with Pillow, and ways to read back what the API stored."""

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def picture(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), color: str = "teal", **options: object
) -> bytes:
    """A real image of `size` in `fmt` (JPEG, PNG, WEBP, GIF, AVIF)."""
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    # A second colour, so that orientation and crops can be checked.
    image.paste("orange", (0, 0, size[0] // 2, size[1] // 2))
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (80, 40), orientation: int = 1) -> bytes:
    """A JPEG whose EXIF names a camera, a GPS position and an orientation."""
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.0)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.0)
    return picture("JPEG", size, exif=exif.tobytes())


def animated_gif(frames: int = 3, size: tuple[int, int] = (40, 40)) -> bytes:
    colors = ["red", "green", "blue", "yellow", "purple"]
    images = [Image.new("RGB", size, colors[i % len(colors)]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG that claims side by side pixels (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (side + 1))  # one row; the header is what counts
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def flat_png(side: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A side x side RGBA PNG of one colour: small on the wire (about 200 KB at 7000 px), whole
    in memory once decoded (4 bytes a pixel). Compressed a row at a time, never held whole."""
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    row = b"\0" + bytes(rgba) * side  # filter type 0, then the pixels
    deflate = zlib.compressobj(6)
    pixels = b"".join(deflate.compress(row) for _ in range(side)) + deflate.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
