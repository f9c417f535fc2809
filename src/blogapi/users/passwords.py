"""Password rules (NIST SP 800-63B): length 8-128, no composition rules, no common passwords,
something visible; checked on the NFKC form that is hashed."""

import unicodedata
from functools import lru_cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from blogapi.core.errors import ValidationFailed
from blogapi.core.security import normalise_password

# Separators, controls, format characters (zero-width space and joiners, BOM, soft hyphen) and
# marks with nothing to sit on (variation selectors, the grapheme joiner) draw nothing.
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
# Letters and symbols that draw nothing either: the Hangul fillers and the blank braille cell.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords from leaked sets, as bundled by the zxcvbn package."""
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _is_blank(char: str) -> bool:
    return unicodedata.category(char) in _BLANK_CATEGORIES or char in _BLANK_CHARACTERS


def check_password_policy(password: str, *, username: str, email: str, field: str) -> None:
    normalised = normalise_password(password)
    if all(_is_blank(char) for char in normalised):
        raise ValidationFailed.on_field(
            field, "The password must contain visible characters, not only spaces or invisible ones"
        )
    lowered = normalised.lower()
    if lowered in common_passwords():
        raise ValidationFailed.on_field(field, "This password is too common; choose another")
    if lowered in (username.lower(), email.lower(), email.split("@")[0].lower()):
        raise ValidationFailed.on_field(field, "The password must not be your username or email")
