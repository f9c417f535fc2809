"""Slugs: Unicode transliterated to ASCII, lower case, hyphen separated (python-slugify)."""

import re

from slugify import slugify as _slugify

MAX_SLUG_LENGTH = 100
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    return str(_slugify(text, max_length=max_length, word_boundary=True, save_order=True))


def is_slug(value: str) -> bool:
    return len(value) <= MAX_SLUG_LENGTH and SLUG_PATTERN.fullmatch(value) is not None


def with_suffix(base: str, number: int) -> str:
    """`base-<number>`, trimmed so the result still fits."""
    suffix = f"-{number}"
    return base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
