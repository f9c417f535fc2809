"""Outbox bodies are sealed with AES-GCM under a key derived from SECRET_KEY (pure logic)."""

import uuid

import pytest
from harness import make_settings

from blogapi.mail import sealing, templates

BODY = sealing.Body(text="Reset: https://blog.example/r?token=abc\n", html="<p>Ünïcode ✓</p>")
SETTINGS = make_settings("sqlite+aiosqlite://")


def test_a_sealed_body_opens_to_the_same_body_and_shows_none_of_it() -> None:
    email_id = uuid.uuid4()

    sealed = sealing.seal(SETTINGS, email_id, BODY)

    assert sealing.open_sealed(SETTINGS, email_id, sealed) == BODY
    assert b"token" not in sealed
    assert "Ünïcode".encode() not in sealed
    assert sealed != sealing.seal(SETTINGS, email_id, BODY)  # a fresh nonce every time


def test_another_secret_key_does_not_open_it() -> None:
    email_id = uuid.uuid4()
    sealed = sealing.seal(SETTINGS, email_id, BODY)
    rotated = make_settings("sqlite+aiosqlite://", secret_key="another-secret-key-" + "x" * 40)

    with pytest.raises(sealing.UnreadableBody, match="SECRET_KEY"):
        sealing.open_sealed(rotated, email_id, sealed)


def test_a_body_moved_to_another_row_does_not_open() -> None:
    sealed = sealing.seal(SETTINGS, uuid.uuid4(), BODY)

    with pytest.raises(sealing.UnreadableBody):
        sealing.open_sealed(SETTINGS, uuid.uuid4(), sealed)


@pytest.mark.parametrize(
    "damage",
    [
        lambda sealed: sealed[:-1] + bytes([sealed[-1] ^ 1]),  # altered
        lambda sealed: b"\x02" + sealed[1:],  # a version this code does not know
        lambda sealed: sealed[:20],  # cut short
        lambda _sealed: None,  # erased
    ],
)
def test_an_altered_cut_unknown_or_erased_body_is_unreadable(damage: object) -> None:
    email_id = uuid.uuid4()
    sealed = sealing.seal(SETTINGS, email_id, BODY)

    with pytest.raises(sealing.UnreadableBody):
        sealing.open_sealed(SETTINGS, email_id, damage(sealed))  # type: ignore[operator]


def test_every_process_with_the_same_secret_key_opens_it() -> None:
    """The key is derived from SECRET_KEY alone: the API seals, any worker opens."""
    email_id = uuid.uuid4()
    sealed = sealing.seal(SETTINGS, email_id, BODY)
    worker = make_settings("postgresql+asyncpg://elsewhere/db", smtp_host="smtp.example")

    assert sealing.open_sealed(worker, email_id, sealed) == BODY


@pytest.mark.parametrize(
    "message",
    [
        templates.verify_email("Ada", "https://blog.example/v?token=T0KEN"),
        templates.confirm_new_email("Ada", "https://blog.example/v?token=T0KEN"),
        templates.password_reset("Ada", "https://blog.example/r?token=T0KEN"),
        templates.email_change_notice("Ada", "new@example.com"),
    ],
)
def test_only_kinds_without_a_secret_are_listed_as_such(message: templates.Message) -> None:
    carries_token = "T0KEN" in message.text or "T0KEN" in message.html
    assert (message.kind in templates.NO_SECRET_KINDS) is not carries_token
