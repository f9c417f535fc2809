"""Who viewed: bots are told apart by their user agent, and a reader is a signed-in account's id
or, for everyone else, a keyed hash of address and user agent that changes every UTC day, so
no raw address is kept anywhere (not in Redis, not in memory, not in the logs)."""

import hashlib
import hmac
import re
import uuid
from datetime import date

# Tokens of crawlers, link previewers, monitors and scripted clients (docs/api.md, "View
# counts"); a request without a user agent is counted as a bot too. Kept short on purpose:
# a browser's user agent contains none of these words.
BOT_TOKENS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "headless",
    "phantomjs",
    "puppeteer",
    "playwright",
    "lighthouse",
    "preview",
    "facebookexternalhit",
    "embedly",
    "monitor",
    "pingdom",
    "uptime",
)
_BOT = re.compile("|".join(re.escape(token) for token in BOT_TOKENS), re.IGNORECASE)


def is_bot(user_agent: str | None) -> bool:
    """A crawler or a script by its user agent; an empty one counts as a bot."""
    return not user_agent or not user_agent.strip() or _BOT.search(user_agent) is not None


class DailySalt:
    """The day's HMAC key, derived from SECRET_KEY and the UTC date: yesterday's hashes cannot
    be matched with today's, and without the secret none can be matched with an address."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        self._day: date | None = None
        self._key = b""

    def key(self, day: date) -> bytes:
        if day != self._day:
            message = b"post-views\n" + day.isoformat().encode()
            self._key = hmac.new(self._secret, message, hashlib.sha256).digest()
            self._day = day
        return self._key

    def viewer(self, day: date, user_id: uuid.UUID | None, ip: str, user_agent: str) -> str:
        """The reader as counted on `day`: `u<id>` for an account, else `a<hash>`."""
        if user_id is not None:
            return f"u{user_id.hex}"
        digest = hmac.new(self.key(day), f"{ip}\n{user_agent}".encode(), hashlib.sha256)
        return f"a{digest.hexdigest()[:32]}"
