"""Our media files' URLs, built when read. Rows keep the path the app serves a file on,
`/media/<key>` (media keep only the key), and every response makes it absolute on the serving
app's MEDIA_PUBLIC_BASE_URL (`<base>/<key>`) or PUBLIC_BASE_URL (`<base>/media/<key>`): the
blog moved to another domain, or started on another port, moves every image with it.

The base is the app's, bound for each request by `MediaUrlsMiddleware`; outside a request
(commands, the worker) stored forms stay relative."""

import contextlib
import html
import re
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator

from blogapi.core.config import Settings

MEDIA_PATH = "/media/"
# Our image as it is stored in content_html: the sanitiser writes `src` first and escapes `"`
# in every attribute value (and `<` in text), so this opening is a real tag of ours, and each
# `name="value"` after it is exactly one attribute.
_OUR_IMG = re.compile(r'<img src="/media/([^"]*)"((?: [a-z]+="[^"]*")*)')
_SRCSET = re.compile(r' srcset="([^"]*)"')


def stored_form(key: str) -> str:
    """What a row keeps for the file at `key`: the path the app serves it on."""
    return MEDIA_PATH + key


@dataclass(frozen=True, slots=True)
class MediaUrls:
    """Makes stored forms absolute on one base: `base` replaces the leading `/media/`."""

    base: str
    _html_base: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_html_base", html.escape(self.base, quote=True))

    @classmethod
    def of(cls, settings: Settings) -> "MediaUrls":
        if settings.media_public_base_url:
            return cls(settings.media_public_base_url.rstrip("/") + "/")
        return cls(settings.public_base_url.rstrip("/") + MEDIA_PATH)

    def of_key(self, key: str) -> str:
        return self.base + key

    def absolute(self, stored: str) -> str:
        """A stored URL as readers get it: ours made absolute, any other (a user's own avatar
        URL) as it is."""
        if stored.startswith(MEDIA_PATH):
            return self.base + stored[len(MEDIA_PATH) :]
        return stored

    def url(self, stored: str | None) -> str | None:
        return None if stored is None else self.absolute(stored)

    def html(self, fragment: str) -> str:
        """content_html with our images' `src` and `srcset` made absolute."""
        if '<img src="/media/' not in fragment:  # most posts: one scan, no regex
            return fragment
        return _OUR_IMG.sub(self._image, fragment)

    def _image(self, match: re.Match[str]) -> str:
        attributes = _SRCSET.sub(self._srcset, match[2])
        return f'<img src="{self._html_base}{match[1]}"{attributes}'

    def _srcset(self, match: re.Match[str]) -> str:
        candidates = (
            self._html_base + entry[len(MEDIA_PATH) :] if entry.startswith(MEDIA_PATH) else entry
            for entry in match[1].split(", ")
        )
        return f' srcset="{", ".join(candidates)}"'


RELATIVE = MediaUrls(MEDIA_PATH)
_CURRENT: ContextVar[MediaUrls] = ContextVar("media_urls", default=RELATIVE)


def current() -> MediaUrls:
    """The URLs of the app serving this request (relative outside a request)."""
    return _CURRENT.get()


def bind(urls: MediaUrls) -> Token[MediaUrls]:
    """Build URLs on `urls`' base in this context, until `unbind` with the token returned."""
    return _CURRENT.set(urls)


def unbind(token: Token[MediaUrls]) -> None:
    _CURRENT.reset(token)


@contextlib.contextmanager
def bound(urls: MediaUrls) -> Iterator[None]:
    """`urls` within the block, e.g. for a test that validates response models itself."""
    token = bind(urls)
    try:
        yield
    finally:
        unbind(token)


def _absolute(stored: str) -> str:
    return _CURRENT.get().absolute(stored)


# A response field holding a stored URL: ours leave absolute on the serving app's base.
MediaUrl = Annotated[str, AfterValidator(_absolute)]
