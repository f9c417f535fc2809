"""Images from untrusted bytes, with Pillow: the type is read from the bytes (never the name or
the client's Content-Type), then every image is decoded and encoded again, so what we store
holds pixels and nothing else: no EXIF or GPS, no comments, no trailing payload.

Everything here is synchronous and CPU-bound: callers run it in a thread.
"""

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


def _refuse_damaged(reason: str = "The image is damaged or truncated") -> ImageRefused:
    return ImageRefused(reason, unsupported=False)


def _too_many_pixels(max_pixels: int) -> ImageRefused:
    return _refuse_damaged(f"The image has too many pixels (at most {max_pixels:,})")


def open_image(source: BinaryIO, max_pixels: int) -> Image.Image:
    """Identify and decode; refuses other types, damaged files and decompression bombs."""
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=accepted_formats())
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > max_pixels:
                raise _too_many_pixels(max_pixels)
            image.load()
    except UnidentifiedImageError:
        names = ", ".join("WebP" if f == "WEBP" else f for f in accepted_formats())
        raise ImageRefused(
            f"Not an image of a type we accept ({names})", unsupported=True
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except ImageRefused:
        raise
    except Exception:  # Pillow raises many types for bytes that only start like an image
        raise _refuse_damaged() from None
    if image.format not in FORMATS:
        raise ImageRefused("Not an image of a type we accept", unsupported=True)
    return image


def _stripped(image: Image.Image) -> Image.Image:
    image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
    return image


def _web_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _encode(image: Image.Image, fmt: str, name: str, **options: object) -> EncodedFile:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    content_type, extension = FORMATS[fmt]
    return EncodedFile(name, extension, content_type, out.getvalue(), image.width, image.height)


def _encode_main(image: Image.Image, fmt: str) -> EncodedFile:
    if fmt == "JPEG":
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        return _encode(_stripped(rgb), fmt, "original", quality=85, optimize=True)
    if fmt in ("WEBP", "AVIF"):
        return _encode(_stripped(_web_mode(image)), fmt, "original", quality=WEB_QUALITY)
    return _encode(_stripped(image), fmt, "original")


def _webp(image: Image.Image, name: str) -> EncodedFile:
    return _encode(image, "WEBP", name, quality=WEB_QUALITY, method=4)


def _variants(image: Image.Image) -> list[EncodedFile]:
    """WebP copies 320/768/1280 wide, only those narrower than the image."""
    base = _web_mode(image)
    variants = []
    for width in VARIANT_WIDTHS:
        if width >= image.width:
            break
        height = max(1, round(image.height * width / image.width))
        resized = base.resize((width, height), Image.Resampling.LANCZOS)
        variants.append(_webp(_stripped(resized), f"w{width}"))
    return variants


def _guarded(work: Callable[[], ProcessedImage]) -> ProcessedImage:
    try:
        return work()
    except ImageRefused:
        raise
    except Exception:  # a frame that fails to decode while encoding
        raise _refuse_damaged() from None


def process_upload(source: BinaryIO, max_pixels: int) -> ProcessedImage:
    """The image re-encoded in its own type (orientation applied), plus WebP variants."""
    image = open_image(source, max_pixels)
    fmt = str(image.format)

    def work() -> ProcessedImage:
        if getattr(image, "is_animated", False):
            # Every frame re-encoded; no variants (a still WebP would stop the animation).
            main = _encode(_stripped(image), fmt, "original", save_all=True)
            return ProcessedImage(main, [], fmt, animated=True)
        oriented = ImageOps.exif_transpose(image)
        return ProcessedImage(_encode_main(oriented, fmt), _variants(oriented), fmt, False)

    return _guarded(work)


def process_avatar(source: BinaryIO, max_pixels: int) -> ProcessedImage:
    """A centred square (at most 512 px, WebP), and 64/128/256 px copies."""
    image = open_image(source, max_pixels)
    fmt = str(image.format)

    def work() -> ProcessedImage:
        oriented = _web_mode(ImageOps.exif_transpose(image))
        side = min(oriented.width, oriented.height, AVATAR_SIDE)
        square = ImageOps.fit(oriented, (side, side), Image.Resampling.LANCZOS)
        main = _webp(_stripped(square), "original")
        smaller = [
            _webp(_stripped(square.resize((s, s), Image.Resampling.LANCZOS)), f"s{s}")
            for s in AVATAR_SIDES
            if s < side
        ]
        return ProcessedImage(main, smaller, fmt, animated=False)

    return _guarded(work)
