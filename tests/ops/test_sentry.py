"""Sentry is optional, errors only, and its events leave without personal data."""

import sentry_sdk
from harness import make_settings

from blogapi.core.observability import _scrub_event, configure_sentry


def test_sentry_is_off_without_a_dsn(database_url: str) -> None:
    assert configure_sentry(make_settings(database_url)) is False


def test_a_dsn_turns_it_on_for_errors_only(database_url: str) -> None:
    settings = make_settings(database_url, sentry_dsn="https://public@127.0.0.1:9/1")
    try:
        assert configure_sentry(settings) is True
        options = sentry_sdk.get_client().options
        collection = options["data_collection"]
        assert collection["user_info"] is False
        assert collection["http_bodies"] == []
        assert collection["cookies"] == {"mode": "off"}
        assert collection["http_headers"] == {"request": {"mode": "off"}}
        assert collection["stack_frame_variables"] is False
        assert not options["send_default_pii"]
        assert options["traces_sample_rate"] == 0.0
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()


def test_events_lose_bodies_headers_users_and_emails() -> None:
    event = {
        "request": {
            "url": "http://api/auth/login",
            "data": {"password": "hunter2 hunter2"},
            "headers": {"Authorization": "Bearer abc"},
            "cookies": {"session": "x"},
            "query_string": "token=abc",
        },
        "user": {"email": "ada@example.com"},
        "exception": {"values": [{"value": "duplicate key ada@example.com"}]},
    }
    scrubbed = _scrub_event(event, None)
    assert scrubbed["request"] == {"url": "http://api/auth/login"}
    assert "user" not in scrubbed
    assert scrubbed["exception"]["values"][0]["value"] == "duplicate key a***@example.com"
