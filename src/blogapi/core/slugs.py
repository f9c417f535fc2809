"""Slugs: Unicode transliterated to ASCII, lower case, hyphen separated (python-slugify)."""

import re
import uuid

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 100
ID_LIKE_SUFFIX = "-post"
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """The slug of `text`; never one that parses as a UUID (a title that is an id gets
    `-post` appended), since refs that parse as UUIDs name posts by id."""
    slug = str(_slugify(text, max_length=max_length, word_boundary=True, save_order=True))
    if as_uuid(slug) is not None:
        slug = f"{slug[: max_length - len(ID_LIKE_SUFFIX)]}{ID_LIKE_SUFFIX}"
    return slug


def as_uuid(value: str) -> uuid.UUID | None:
    """`value` as a UUID when Python's parser takes it (hyphens anywhere, 32 hex digits)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def is_slug(value: str) -> bool:
    """A well-formed slug that no one can mistake for an id."""
    return (
        len(value) <= MAX_SLUG_LENGTH
        and SLUG_PATTERN.fullmatch(value) is not None
        and as_uuid(value) is None
    )


def with_suffix(base: str, number: int) -> str:
    """`base-<number>`, trimmed so the result still fits."""
    suffix = f"-{number}"
    return base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
