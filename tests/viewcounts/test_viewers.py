"""Who is viewing: bots by user agent, and readers as ids or daily keyed hashes (pure logic)."""

import uuid
from datetime import date

import pytest

from blogapi.viewcounts.counter import Expiring
from blogapi.viewcounts.viewers import DailySalt, is_bot

SECRET = "a-secret-key-that-is-long-enough-for-the-test"
TODAY, TOMORROW = date(2026, 12, 5), date(2026, 12, 6)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ],
)
def test_browsers_are_readers(agent: str) -> None:
    assert not is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "",
        "   ",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp)",
        "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
        "Wget/1.21.4",
        "Slackbot-LinkExpanding 1.0",
        "WhatsApp/2.23 link preview",
    ],
)
def test_crawlers_scripts_and_empty_agents_are_bots(agent: str | None) -> None:
    assert is_bot(agent)


def test_an_anonymous_reader_is_a_hash_that_changes_every_day() -> None:
    salt = DailySalt(SECRET)

    today = salt.viewer(TODAY, None, "198.51.100.4", "Firefox")

    assert today == salt.viewer(TODAY, None, "198.51.100.4", "Firefox")
    assert today != salt.viewer(TOMORROW, None, "198.51.100.4", "Firefox")
    assert today != salt.viewer(TODAY, None, "198.51.100.5", "Firefox")
    assert today != salt.viewer(TODAY, None, "198.51.100.4", "Chrome")
    assert today != DailySalt(SECRET + "-other").viewer(TODAY, None, "198.51.100.4", "Firefox")
    assert "198.51.100.4" not in today
    assert today.startswith("a")


def test_a_signed_in_reader_is_the_account_on_any_device() -> None:
    salt = DailySalt(SECRET)
    user_id = uuid.uuid4()

    phone = salt.viewer(TODAY, user_id, "198.51.100.4", "Safari")
    laptop = salt.viewer(TOMORROW, user_id, "203.0.113.9", "Firefox")

    assert phone == laptop == f"u{user_id.hex}"


def test_cached_entries_expire_and_a_full_cache_makes_room() -> None:
    now = [0.0]
    cache: Expiring[str, int] = Expiring(2, clock=lambda: now[0])
    cache.put("a", 1, 10)
    cache.put("b", 2, 5)
    assert cache.get("a") == (True, 1)

    now[0] = 6
    assert cache.get("b") == (False, None)
    cache.put("c", 3, 10)  # full: the expired "b" makes room

    assert cache.get("a") == (True, 1)
    assert cache.get("c") == (True, 3)
    cache.put("d", 4, 10)  # full of live entries: all go
    assert [cache.get(k)[0] for k in "acd"] == [False, False, True]
