"""Images from untrusted bytes, with Pillow: the type is read from the bytes (never the name or
the client's Content-Type), then every image is decoded and encoded again, so what we store
holds pixels and nothing else: no EXIF or GPS, no comments, no trailing payload.

A decoded image is held whole in memory, so the work comes in two steps: `open_upload` and
`open_avatar` read the header only (size, and so the memory the work will take, known before
any pixel is decoded), then `PendingImage.process()` decodes and encodes once the caller has
room for it. Everything here is synchronous and CPU-bound: callers run it in a thread.
"""

import ctypes
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError, features

# Pillow format → (content type, file extension).
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
    "AVIF": ("image/avif", "avif"),
}
VARIANT_WIDTHS = (320, 768, 1280)
AVATAR_SIDE = 512
AVATAR_SIDES = (64, 128, 256)
# What an encoder may keep from the decoded image's info: colour and animation, nothing personal.
KEPT_INFO = {"icc_profile", "transparency", "duration", "loop", "background", "disposal", "blend"}
WEB_QUALITY = 82
# An image costs its pixels (times its frames) in the decode budget, and counts against
# MEDIA_MAX_PIXELS, times this where the work holds more than the two full-size copies a JPEG
# or PNG peaks at (decoded, plus orientation or the JPEG encoder's buffers). Measured at 12-49
# megapixels: WebP's decoder holds four copies and its encoder up to six; AVIF's up to eight.
COST_FACTORS = {"WEBP": 3, "AVIF": 4}
# Smaller copies are resized (Lanczos) from a box-reduced image still at least this many times
# their size: as sharp to the eye, at a fraction of the memory and time of the full image.
REDUCING_GAP = 2
# Rows converted at a time while reducing, so no full-size converted copy ever exists.
STRIP_ROWS = 64
# glibc keeps what a thread frees in that thread's arena: once a big image is done, the next
# one, decoded in another thread, would take as much again. Past this cost, freed memory is
# handed back to the system (malloc_trim; other C libraries return big blocks themselves).
TRIM_AFTER_COST = 4_000_000


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        found: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library to look in (Windows)
        return None
    return found


_malloc_trim = _find_malloc_trim()


class ImageRefused(Exception):
    """The bytes are no image we take: `unsupported` (not an accepted type) or damaged/too big."""

    def __init__(self, message: str, *, unsupported: bool) -> None:
        super().__init__(message)
        self.message = message
        self.unsupported = unsupported


@dataclass(frozen=True, slots=True)
class EncodedFile:
    name: str  # "original", "w320", "s64"...
    extension: str
    content_type: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    main: EncodedFile
    variants: list[EncodedFile]
    source_format: str
    animated: bool

    @property
    def files(self) -> list[EncodedFile]:
        return [self.main, *self.variants]

    @property
    def stored_bytes(self) -> int:
        return sum(len(f.data) for f in self.files)


def accepted_formats() -> tuple[str, ...]:
    """JPEG, PNG, WebP, GIF, and AVIF when this Pillow build can read it."""
    return tuple(name for name in FORMATS if name != "AVIF" or features.check("avif"))


def _name(fmt: str) -> str:
    return "WebP" if fmt == "WEBP" else fmt


def _refuse_damaged(reason: str = "The image is damaged or truncated") -> ImageRefused:
    return ImageRefused(reason, unsupported=False)


def _too_many_pixels(limit: int, kind: str = "") -> ImageRefused:
    return _refuse_damaged(f"The image has too many pixels (at most {limit:,}{kind})")


def _frames(image: Image.Image) -> int:
    return int(getattr(image, "n_frames", 1))


def _is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False))


def _cost(image: Image.Image) -> int:
    area = image.width * image.height
    return area * max(_frames(image), COST_FACTORS.get(str(image.format), 1))


def _open(source: BinaryIO, max_pixels: int) -> Image.Image:
    """Identify from the header, no pixel decoded; refuses other types and too many pixels."""
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=accepted_formats())
            fmt = str(image.format)
            if image.width * image.height * _frames(image) > max_pixels:
                raise _too_many_pixels(max_pixels)
        if _cost(image) > max_pixels:  # a WebP or AVIF, whose work costs more than its pixels
            factor = COST_FACTORS[fmt]
            raise _too_many_pixels(max_pixels // factor, f" for {_name(fmt)}")
    except UnidentifiedImageError:
        names = ", ".join(_name(f) for f in accepted_formats())
        raise ImageRefused(
            f"Not an image of a type we accept ({names})", unsupported=True
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except ImageRefused:
        raise
    except Exception:  # Pillow raises many types for bytes that only start like an image
        raise _refuse_damaged() from None
    if fmt not in FORMATS:
        raise ImageRefused("Not an image of a type we accept", unsupported=True)
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """The pixels, decoded. A WebP or AVIF file keeps its decoder's buffers (two canvases for
    WebP) as long as it lives: a still one is copied out and closed so they go at once."""
    try:
        image.load()
    except Exception:
        image.close()
        raise _refuse_damaged() from None
    if str(image.format) not in COST_FACTORS or _is_animated(image):
        return image
    plain = image.copy()
    image.close()
    return plain


# Makes the files from the decoded image and its source format.
Recipe = Callable[[Image.Image, str], ProcessedImage]


def _guarded(make: Recipe, image: Image.Image, fmt: str) -> ProcessedImage:
    try:
        return make(image, fmt)
    except ImageRefused:
        raise
    except Exception:  # a frame that fails to decode while encoding
        raise _refuse_damaged() from None


class PendingImage:
    """An image whose header is read and checked: its cost is known, no pixel decoded yet.

    `process()` decodes it and makes its files, once; `close()` if it will not run."""

    def __init__(self, image: Image.Image, make: Recipe) -> None:
        self._image: Image.Image | None = image
        self._make = make
        self.source_format = str(image.format)
        self.cost = _cost(image)

    def process(self) -> ProcessedImage:
        opened, self._image = self._image, None
        if opened is None:
            raise RuntimeError("This image was processed or closed already")
        image = _decoded(opened)
        del opened  # a WebP's decoder buffers go with the last reference to its file
        try:
            return _guarded(self._make, image, self.source_format)
        finally:
            image.close()
            if _malloc_trim is not None and self.cost >= TRIM_AFTER_COST:
                _malloc_trim(0)

    def close(self) -> None:
        """Closes the image (and with it the source file: Pillow closes what it reads)."""
        if self._image is not None:
            self._image.close()
            self._image = None


def _stripped(image: Image.Image) -> Image.Image:
    image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
    return image


def _web_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _replacing(image: Image.Image, converted: Image.Image) -> Image.Image:
    """`converted` in place of `image`, closed now: two full-size copies live no longer."""
    if converted is not image:
        image.close()
    return converted


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """The image in a web mode (alpha premultiplied, as Pillow resizes it), `factor` times
    smaller. Built a strip at a time: converting or premultiplying the whole image would
    make a full-size copy. Strips start on multiples of `factor`, so the result is the same."""
    rows = STRIP_ROWS * factor
    out: Image.Image | None = None
    for top in range(0, image.height, rows):
        strip = _web_mode(image.crop((0, top, image.width, min(top + rows, image.height))))
        if strip.mode == "RGBA":
            strip = strip.convert("RGBa")
        if factor > 1:
            strip = strip.reduce(factor)
        if out is None:
            size = (-(-image.width // factor), -(-image.height // factor))
            out = Image.new(strip.mode, size)
            out.info = strip.info
        out.paste(strip, (0, top // factor))
    assert out is not None  # an image has at least one row
    return out


def _encode(image: Image.Image, fmt: str, name: str, **options: object) -> EncodedFile:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    content_type, extension = FORMATS[fmt]
    return EncodedFile(name, extension, content_type, out.getvalue(), image.width, image.height)


def _main_mode(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    return _web_mode(image) if fmt in ("WEBP", "AVIF") else image


def _encode_main(image: Image.Image, fmt: str) -> EncodedFile:
    if fmt == "JPEG":
        return _encode(_stripped(image), fmt, "original", quality=85, optimize=True)
    if fmt in ("WEBP", "AVIF"):
        return _encode(_stripped(image), fmt, "original", quality=WEB_QUALITY)
    return _encode(_stripped(image), fmt, "original")


def _straight(image: Image.Image) -> Image.Image:
    """Alpha no longer premultiplied (what `_reduced` makes, small by then)."""
    return image.convert("RGBA") if image.mode == "RGBa" else image


def _webp(image: Image.Image, name: str) -> EncodedFile:
    return _encode(_straight(image), "WEBP", name, quality=WEB_QUALITY, method=4)


def _resized(image: Image.Image, width: int, height: float) -> Image.Image:
    return image.resize((width, max(1, round(height))), Image.Resampling.LANCZOS)


def _variants(image: Image.Image) -> list[EncodedFile]:
    """WebP copies 320/768/1280 wide, only those narrower than the image, resized from one
    reduced copy; the full-size image is closed as soon as that copy exists."""
    width, height = image.size
    widths = [w for w in VARIANT_WIDTHS if w < width]
    if not widths:
        return []
    base = _reduced(image, max(1, width // (REDUCING_GAP * widths[-1])))
    image.close()
    try:
        return [_webp(_stripped(_resized(base, w, height * w / width)), f"w{w}") for w in widths]
    finally:
        base.close()  # Pillow's `with` closes files only, never the pixels


def _upload_files(image: Image.Image, fmt: str) -> ProcessedImage:
    if _is_animated(image):
        # Every frame re-encoded; no variants (a still WebP would stop the animation).
        main = _encode(_stripped(image), fmt, "original", save_all=True)
        return ProcessedImage(main, [], fmt, animated=True)
    ImageOps.exif_transpose(image, in_place=True)  # no copy when there is nothing to turn
    image = _replacing(image, _main_mode(image, fmt))
    try:
        main = _encode_main(image, fmt)
        return ProcessedImage(main, _variants(image), fmt, animated=False)
    finally:
        image.close()


def _avatar_files(image: Image.Image, fmt: str) -> ProcessedImage:
    factor = min(image.size) // (REDUCING_GAP * AVATAR_SIDE)
    if factor > 1:  # a big image: the square is cut from a reduced copy
        image = _replacing(image, _straight(_reduced(image, factor)))
    ImageOps.exif_transpose(image, in_place=True)
    oriented = _replacing(image, _web_mode(image))
    side = min(oriented.width, oriented.height, AVATAR_SIDE)
    square = ImageOps.fit(oriented, (side, side), Image.Resampling.LANCZOS)
    oriented.close()
    main = _webp(_stripped(square), "original")
    smaller = [
        _webp(_stripped(square.resize((s, s), Image.Resampling.LANCZOS)), f"s{s}")
        for s in AVATAR_SIDES
        if s < side
    ]
    return ProcessedImage(main, smaller, fmt, animated=False)


def open_upload(source: BinaryIO, max_pixels: int) -> PendingImage:
    """An upload: re-encoded in its own type (orientation applied), plus WebP variants."""
    return PendingImage(_open(source, max_pixels), _upload_files)


def open_avatar(source: BinaryIO, max_pixels: int) -> PendingImage:
    """An avatar: a centred square (at most 512 px, WebP), and 64/128/256 px copies. A JPEG is
    decoded at a reduced scale (1/2 to 1/8) that still leaves twice the square's side."""
    image = _open(source, max_pixels)
    if image.format == "JPEG":
        side = REDUCING_GAP * AVATAR_SIDE
        image.draft(None, (side, side))
    return PendingImage(image, _avatar_files)


def process_upload(source: BinaryIO, max_pixels: int) -> ProcessedImage:
    """`open_upload` and `process` at once, with no budget: for a few images made in a row."""
    return open_upload(source, max_pixels).process()
