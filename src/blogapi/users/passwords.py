"""Password rules (NIST SP 800-63B): length 8-128, no composition rules, no common passwords."""

from functools import lru_cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from blogapi.core.errors import ValidationFailed


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords from leaked sets, as bundled by the zxcvbn package."""
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, *, username: str, email: str, field: str) -> None:
    lowered = password.lower()
    if lowered in common_passwords():
        raise ValidationFailed.on_field(field, "This password is too common; choose another")
    if lowered in (username.lower(), email.lower(), email.split("@")[0].lower()):
        raise ValidationFailed.on_field(field, "The password must not be your username or email")
