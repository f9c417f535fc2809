"""Settings, read once from the environment (and `.env`) and validated at start-up."""

import ipaddress
import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import limits
from fastapi import Depends, Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DATA_DIR = Path("data")
MIN_SECRET_BYTES = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    AUTHOR = "author"
    EDITOR = "editor"
    ADMIN = "admin"


WILDCARD_HOSTS = ("0.0.0.0", "::")  # noqa: S104 (names a wildcard, binds nothing)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite+aiosqlite:///./{DATA_DIR}/blog.db"
    secret_key: str = ""
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86_400)
    refresh_token_ttl_days: int = Field(default=30, ge=1, le=365)
    # A refresh token presented again this soon after its rotation gets the same successor
    # (two tabs refreshing at once); later, it is reuse and ends the session family.
    refresh_reuse_grace_seconds: float = Field(default=10.0, ge=0, le=300)
    # How stale a process's view of revoked sessions may be: their access tokens fail within it.
    session_revocation_poll_seconds: float = Field(default=0.5, gt=0, le=1)
    jwt_issuer: str = "blogapi"
    jwt_audience: str = "blogapi"
    redis_url: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    require_email_verification: bool = False
    registration_default_role: Role = Role.AUTHOR
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] | None = None
    access_log: bool = True
    # Host names the API answers to (Starlette's TrustedHostMiddleware); required in production.
    allowed_hosts: Annotated[list[str], NoDecode] = []
    docs_enabled: bool = True  # /docs, /redoc and /openapi.json
    # Bearer token /metrics requires when set; production refuses to start without one unless
    # METRICS_PUBLIC=true.
    metrics_token: str | None = None
    metrics_public: bool = False
    # Unset: http://<HOST>:<PORT> (127.0.0.1 for a wildcard host), so links follow `--port`.
    public_base_url: str = Field(default="", pattern=r"^(https?://\S+)?$")
    http_cache_max_age: int = Field(default=60, ge=0, le=86_400)
    # Each process reuses a public read this long and coalesces identical ones; 0: neither.
    public_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    # 20 kept, none beyond: overflow connections are closed on return, and under a steady
    # load above the pool size they were opened and closed again all the time (SSL attempt,
    # authentication and statement preparation each time: docs/performance.md).
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=0, ge=0, le=200)
    db_statement_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    # The planner's price of a random page read, for this service's connections. PostgreSQL's
    # default (4) models spinning disks; on SSDs or a cached working set 1.1 is the usual
    # advice, and at 4 the planner scans all posts instead of using the full-text index.
    db_random_page_cost: float = Field(default=1.1, gt=0, le=100)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Load shedding in each process (core/middleware/load_shedding.py): this many requests run
    # at once, this many more wait at most this long for a turn, any other is a 503 at once.
    # 0 concurrent requests: no shedding.
    max_concurrent_requests: int = Field(default=40, ge=0, le=10_000)
    max_queued_requests: int = Field(default=100, ge=0, le=100_000)
    queue_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    rate_limits_enabled: bool = True
    rate_limit_register_ip: str = "5/minute"
    rate_limit_login_ip: str = "10/minute"
    rate_limit_login_account: str = "5/minute"
    rate_limit_refresh_ip: str = "30/minute"
    rate_limit_write_user: str = "60/minute"
    rate_limit_read_ip: str = "300/minute"
    rate_limit_email_ip: str = "5/minute"
    rate_limit_email_change_user: str = "3/hour"
    trusted_proxies: Annotated[list[str], NoDecode] = []
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    email_from: str = "Blog API <no-reply@localhost>"
    mail_dir: str = str(DATA_DIR / "mail")
    # Links in reset and verification emails; `{token}` is replaced. Unset: the API's own pages.
    reset_url_template: str | None = Field(default=None, pattern=r"^https?://\S*\{token\}\S*$")
    verify_url_template: str | None = Field(default=None, pattern=r"^https?://\S*\{token\}\S*$")
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    outbox_backoff_seconds: float = Field(default=30.0, gt=0, le=3600)
    outbox_lease_seconds: int = Field(default=300, ge=10, le=86_400)
    worker_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    # `blogapi worker` serves /metrics on this port (on HOST) when set: its deliveries,
    # attempts and announcements are counted in that process, not in the API's.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    db_connect_attempts: int = Field(default=5, ge=1, le=100)
    shutdown_delay_seconds: float = Field(default=0.0, ge=0, le=120)
    shutdown_drain_seconds: float = Field(default=30.0, gt=0, le=600)
    # Start-up objects leave the cyclic GC's sight while serving (shorter pauses), for a full
    # collection at each start: worth it for a server, not for the hundreds of apps a test run
    # starts.
    gc_freeze: bool = True
    otel_exporter_otlp_endpoint: str | None = None
    otel_service_name: str = "blogapi"
    sentry_dsn: str | None = None
    # Content that cannot be rendered to HTML within this is refused (400 on `content`).
    markdown_render_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    search_language: str = Field(default="english", pattern=r"^[a-z_]{2,40}$")
    max_upload_size_mb: int = Field(default=10, ge=1, le=1024)
    media_quota_mb: int = Field(default=500, ge=1, le=10_000_000)
    media_max_pixels: int = Field(default=50_000_000, ge=10_000, le=1_000_000_000)
    # Pixels a process decodes at once, all uploads together: memory, not just each image, is
    # bounded. An upload that would pass it waits up to MEDIA_DECODE_WAIT_SECONDS, then 503.
    media_decode_budget_pixels: int = Field(default=50_000_000, ge=10_000, le=2_000_000_000)
    media_decode_wait_seconds: float = Field(default=10.0, ge=0, le=120)
    media_purge_after_seconds: float = Field(default=3600.0, ge=0, le=30 * 86_400)
    storage_backend: Literal["local", "s3"] = "local"
    media_dir: str = str(DATA_DIR / "media")
    media_public_base_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    s3_region: str | None = None
    s3_presign_seconds: int = Field(default=3600, ge=60, le=7 * 86_400)
    # Publishing (feeds, announcements, previews, view counts).
    feed_items: int = Field(default=20, ge=1, le=100)
    # A post's public address in feeds; `{slug}` and `{id}` are replaced. Unset:
    # {PUBLIC_BASE_URL}/posts/{slug}.
    post_url_template: str | None = Field(
        default=None, pattern=r"^https?://\S*(\{slug\}|\{id\})\S*$"
    )
    scheduler_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    rate_limit_preview_ip: str = "60/minute"
    view_rate_limit: str = "30/minute"
    view_flush_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Webhooks (webhooks/): endpoints, secrets' overlap on rotation, delivery, the log.
    webhook_max_endpoints: int = Field(default=20, ge=1, le=1000)
    webhook_secret_overlap_hours: float = Field(default=24.0, ge=0, le=720)
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    webhook_max_in_flight_per_endpoint: int = Field(default=4, ge=1, le=100)
    webhook_disable_after_days: float = Field(default=5.0, gt=0, le=365)
    webhook_log_retention_days: int = Field(default=30, ge=1, le=3650)
    # Exact host names a receiver may have although they resolve to private addresses.
    webhook_allowed_private_hosts: Annotated[list[str], NoDecode] = []
    # RealWorld (Conduit) compatibility (realworld/): where it is served, and how long its
    # tokens live (Conduit has no refresh: a token is a whole sign-in).
    realworld_enabled: bool = True
    realworld_prefix: str = Field(
        default="/realworld/api", pattern=r"^(/[A-Za-z0-9._~-]+)+$", max_length=100
    )
    realworld_token_ttl_seconds: int = Field(default=604_800, ge=60, le=30 * 86_400)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("allowed_hosts", "webhook_allowed_private_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [cidr.strip() for cidr in value.split(",") if cidr.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"not a CIDR: {cidr!r}") from None
        return value

    @field_validator(
        "rate_limit_register_ip",
        "rate_limit_login_ip",
        "rate_limit_login_account",
        "rate_limit_refresh_ip",
        "rate_limit_write_user",
        "rate_limit_read_ip",
        "rate_limit_email_ip",
        "rate_limit_email_change_user",
        "rate_limit_preview_ip",
        "view_rate_limit",
    )
    @classmethod
    def _check_limit(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            raise ValueError(f"not a rate limit such as 10/minute: {value!r}") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {exc}") from None
        if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
            raise ValueError("use sqlite+aiosqlite:///... or postgresql+asyncpg://...")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _default_base_url(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("public_base_url"):
            host = str(data.get("host") or "127.0.0.1")
            host = "127.0.0.1" if host in WILDCARD_HOSTS else host
            host = f"[{host}]" if ":" in host else host
            data = {**data, "public_base_url": f"http://{host}:{data.get('port') or 8000}"}
        return data

    @field_validator("realworld_prefix")
    @classmethod
    def _check_realworld_prefix(cls, value: str) -> str:
        # Its own subtree: the Conduit error shape is given to every path under it.
        if value == "/api" or value.startswith(("/api/", "/docs", "/redoc", "/openapi")):
            raise ValueError("must not overlap the API's own paths (/api/v1, /docs, ...)")
        if any(part in (".", "..") for part in value.split("/")):
            raise ValueError("must not contain . or .. segments")
        return value

    @model_validator(mode="after")
    def _check_secret(self) -> "Settings":
        if self.environment is Environment.PRODUCTION:
            if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
                raise ValueError(
                    f"SECRET_KEY must be set to at least {MIN_SECRET_BYTES} bytes in production"
                )
        elif self.secret_key and len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes")
        return self

    @model_validator(mode="after")
    def _check_production_exposure(self) -> "Settings":
        """In production, say which hosts the API serves and keep /metrics to its scraper."""
        if self.environment is not Environment.PRODUCTION:
            return self
        if not self.allowed_hosts or "*" in self.allowed_hosts:
            raise ValueError("ALLOWED_HOSTS must name the API's host names in production")
        if not self.metrics_token and not self.metrics_public:
            raise ValueError(
                "METRICS_TOKEN must be set in production (or METRICS_PUBLIC=true, when a "
                "network policy keeps /metrics private)"
            )
        return self

    @model_validator(mode="after")
    def _check_storage(self) -> "Settings":
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("S3_BUCKET must be set when STORAGE_BACKEND=s3")
        return self

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_size_mb * 1024 * 1024

    @property
    def media_quota_bytes(self) -> int:
        return self.media_quota_mb * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def effective_log_format(self) -> str:
        if self.log_format:
            return self.log_format
        return "json" if self.environment is Environment.PRODUCTION else "console"

    def jwt_secret(self) -> str:
        """The signing key: SECRET_KEY, or in development a key generated once under ./data/."""
        if self.secret_key:
            return self.secret_key
        return _dev_secret_key()


@lru_cache
def _dev_secret_key() -> str:
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting together keep one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()


# Dependencies are `async def`, even trivial ones: FastAPI runs a plain `def` dependency in
# a worker thread, a hop that costs more than the work (tests/core/test_dependencies.py).
async def _app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_app_settings)]
