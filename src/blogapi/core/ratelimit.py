"""Rate limits with the `limits` library: a moving window in memory, or in Redis when
REDIS_URL is set so every process shares the counts. When the storage fails, requests are
served anyway (fail open) and the failure is logged.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Literal

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from blogapi.core.config import Settings
from blogapi.core.errors import RateLimited
from blogapi.core.metrics import RATE_LIMIT_REJECTIONS

log = structlog.get_logger("blogapi.ratelimit")

PolicyName = Literal[
    "register-ip",
    "login-ip",
    "login-account",
    "refresh-ip",
    "write-user",
    "read-ip",
    "email-ip",
    "email-change-user",
    "preview-ip",
    "view-ip",
]


@dataclass(frozen=True, slots=True)
class Decision:
    policy: str
    limit: int
    window_seconds: int
    remaining: int
    reset_seconds: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        """The IETF RateLimit-Policy / RateLimit header fields for this decision."""
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{self.policy}";r={self.remaining};t={self.reset_seconds}',
        }


def hashed(value: str) -> str:
    """Keys built from personal data (an email) are stored hashed."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


class RateLimiter:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.enabled = settings.rate_limits_enabled
        if storage is None:
            storage = (
                RedisStorage(f"async+{settings.redis_url}", implementation="redispy")
                if settings.redis_url
                else MemoryStorage()
            )
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.policies: dict[str, RateLimitItem] = {
            "register-ip": parse(settings.rate_limit_register_ip),
            "login-ip": parse(settings.rate_limit_login_ip),
            "login-account": parse(settings.rate_limit_login_account),
            "refresh-ip": parse(settings.rate_limit_refresh_ip),
            "write-user": parse(settings.rate_limit_write_user),
            "read-ip": parse(settings.rate_limit_read_ip),
            "email-ip": parse(settings.rate_limit_email_ip),
            "email-change-user": parse(settings.rate_limit_email_change_user),
            "preview-ip": parse(settings.rate_limit_preview_ip),
            "view-ip": parse(settings.view_rate_limit),
        }

    async def _decide(self, policy: PolicyName, key: str, *, consume: bool) -> Decision | None:
        if not self.enabled:
            return None
        item = self.policies[policy]
        try:
            allowed = (
                await self.strategy.hit(item, policy, key)
                if consume
                else await self.strategy.test(item, policy, key)
            )
            stats = await self.strategy.get_window_stats(item, policy, key)
        except Exception as error:  # a lost Redis must not take the API down with it
            log.warning("rate_limit_storage_unavailable", policy=policy, error=repr(error))
            return None
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Decision(
            policy=policy,
            limit=item.amount,
            window_seconds=item.get_expiry(),
            remaining=stats.remaining,
            reset_seconds=reset,
            allowed=allowed,
        )

    async def hit(self, policy: PolicyName, key: str) -> Decision | None:
        """Count one request; raise 429 RATE_LIMITED when the window is full."""
        decision = await self._decide(policy, key, consume=True)
        if decision is not None and not decision.allowed:
            raise too_many(decision)
        return decision

    async def within(self, policy: PolicyName, key: str) -> bool:
        """Count one request; False when the window is full. No 429: for a limit the caller
        enforces without saying so."""
        decision = await self._decide(policy, key, consume=True)
        return decision is None or decision.allowed

    async def check(self, policy: PolicyName, key: str) -> None:
        """Raise 429 if the window is already full, without counting this request."""
        decision = await self._decide(policy, key, consume=False)
        if decision is not None and not decision.allowed:
            raise too_many(decision)

    async def clear(self, policy: PolicyName, key: str) -> None:
        """Forget the counts of one key (a successful sign-in clears its failures)."""
        if not self.enabled:
            return
        try:
            await self.strategy.clear(self.policies[policy], policy, key)
        except Exception as error:  # fail open, as for counting
            log.warning("rate_limit_storage_unavailable", policy=policy, error=repr(error))

    async def reset(self) -> None:
        await self.storage.reset()


def too_many(decision: Decision) -> RateLimited:
    RATE_LIMIT_REJECTIONS.labels(decision.policy).inc()
    retry_after = max(1, decision.reset_seconds)
    return RateLimited(
        "Too many requests; try again later",
        headers={"Retry-After": str(retry_after), **decision.headers()},
    )
