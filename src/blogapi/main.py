"""The application factory: middleware, routers, error handlers, and what the domains add to
the lifespan (core/lifecycle.py) — nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware import Middleware
from opentelemetry import trace

from blogapi import __version__
from blogapi.auth.router import router as auth_router
from blogapi.comments.router import router as comments_router
from blogapi.core.client_ip import parse_networks
from blogapi.core.config import Environment, Settings, get_settings
from blogapi.core.errors import install_error_handlers
from blogapi.core.lifecycle import BackgroundStarter, lifespan_for
from blogapi.core.logging import configure_logging
from blogapi.core.media_urls import MediaUrls
from blogapi.core.middleware import (
    AccessLogMiddleware,
    AllowedHostsMiddleware,
    AllowlistCORSMiddleware,
    BodyLimitMiddleware,
    CompressionMiddleware,
    LoadSheddingMiddleware,
    MediaUrlsMiddleware,
    PublicCacheMiddleware,
    RateLimitHeadersMiddleware,
    RequestIdMiddleware,
    RequestTargetMiddleware,
    SecurityHeadersMiddleware,
    ServerTimingMiddleware,
    UnhandledErrorMiddleware,
)
from blogapi.core.observability import configure_sentry, tracer_provider_for
from blogapi.core.openapi import install_openapi
from blogapi.core.ratelimit import RateLimiter
from blogapi.core.routing import install_slash_redirects
from blogapi.feeds.router import router as feeds_router
from blogapi.health.router import router as health_router
from blogapi.mail.router import router as mail_router
from blogapi.mail.worker import start_dev_mail_worker
from blogapi.media.router import MEDIA_PATH, files_router
from blogapi.media.router import router as media_router
from blogapi.media.storage import storage_for
from blogapi.pages.router import router as pages_router
from blogapi.posts.announcer import start_dev_announcer
from blogapi.posts.render_workers import start_render_workers
from blogapi.posts.router import router as posts_router
from blogapi.previews.router import router as previews_router
from blogapi.reactions.router import router as reactions_router
from blogapi.realworld.middleware import ConduitMiddleware
from blogapi.realworld.router import mount as mount_realworld
from blogapi.search.router import router as search_router
from blogapi.tags.router import router as tags_router
from blogapi.users.router import AVATAR_PATH
from blogapi.users.router import router as users_router
from blogapi.viewcounts.counter import ViewCounts
from blogapi.viewcounts.router import router as viewcounts_router
from blogapi.viewcounts.worker import ViewFlusherStarter
from blogapi.webhooks.router import router as webhooks_router
from blogapi.webhooks.worker import start_dev_webhook_worker

if TYPE_CHECKING:  # the SDK is imported only when tracing is on (core/observability.py)
    from opentelemetry.sdk.trace import TracerProvider

CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
    "X-Requested-With",  # RealWorld front-ends send it
]
CORS_EXPOSED_HEADERS = [
    "ETag",
    "X-Request-ID",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
    "Server-Timing",
]


# The order of the groups in /docs (the route order below is for speed, not for readers).
OPENAPI_TAGS = [
    {"name": "service", "description": "Liveness, readiness and metrics."},
    {"name": "auth", "description": "Accounts, sign-in, tokens and sessions."},
    {"name": "users", "description": "Profiles and, for admins, roles and status."},
    {"name": "posts", "description": "Writing, publishing and reading posts."},
    {"name": "comments", "description": "Threaded comments and their moderation."},
    {"name": "tags", "description": "Tags and their posts."},
    {"name": "reactions", "description": "Likes and bookmarks."},
    {"name": "search", "description": "Full-text search and suggestions."},
    {"name": "media", "description": "Image uploads and the files they serve."},
    {"name": "feeds", "description": "RSS, Atom and JSON Feed of the public posts."},
    {"name": "webhooks", "description": "Signed event delivery to admins' endpoints."},
    {"name": "admin", "description": "The email outbox."},
    {
        "name": "RealWorld",
        "description": "The RealWorld (Conduit) API under REALWORLD_PREFIX: any Conduit"
        " front-end runs against it (docs/api.md, RealWorld).",
    },
]

# Routing tries every route in order until one matches (FastAPI 0.165 looks through each
# included router's routes twice), so the busiest paths come first: the cheap probe, the public
# reads, then the rest. No route of one router matches a method and path of another
# (tests/core/test_route_order.py), so the order changes nothing but speed.
ROUTERS = (
    health_router,
    viewcounts_router,  # before posts: /posts/popular is no post's slug
    posts_router,
    comments_router,
    tags_router,
    search_router,
    users_router,
    reactions_router,
    auth_router,
    media_router,
    files_router,
    mail_router,
    pages_router,
    feeds_router,
    previews_router,
    webhooks_router,
)

# Run beside the app while it serves; each decides from the settings whether it runs at all.
BACKGROUND_TASKS: tuple[BackgroundStarter, ...] = (
    start_dev_mail_worker,
    start_dev_announcer,
    start_dev_webhook_worker,
    start_render_workers,
)


def middleware_for(settings: Settings) -> list[Middleware]:
    """The middleware, outermost first (the order each needs: core/middleware/__init__.py)."""
    middleware = [
        Middleware(SecurityHeadersMiddleware, hsts=settings.environment is Environment.PRODUCTION),
        Middleware(AccessLogMiddleware, enabled=settings.access_log),
        Middleware(ServerTimingMiddleware),
        Middleware(CompressionMiddleware),
        # Inside compression: it rewrites plain error bodies under the prefix (realworld/).
        *(
            [Middleware(ConduitMiddleware, prefix=settings.realworld_prefix)]
            if settings.realworld_enabled
            else []
        ),
        Middleware(RateLimitHeadersMiddleware),
        Middleware(RequestIdMiddleware),
        Middleware(UnhandledErrorMiddleware),
    ]
    if settings.allowed_hosts and "*" not in settings.allowed_hosts:
        middleware.append(Middleware(AllowedHostsMiddleware, allowed_hosts=settings.allowed_hosts))
    middleware += [
        Middleware(RequestTargetMiddleware),
        Middleware(
            BodyLimitMiddleware,
            max_body_bytes=settings.max_body_bytes,
            upload_paths=(MEDIA_PATH, AVATAR_PATH),
            max_upload_bytes=settings.max_upload_bytes,
        ),
    ]
    if settings.cors_origins:
        wildcard = "*" in settings.cors_origins
        middleware.append(
            Middleware(
                AllowlistCORSMiddleware,
                allow_origins=["*"] if wildcard else settings.cors_origins,
                allow_credentials=not wildcard,  # never `*` together with credentials
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=CORS_REQUEST_HEADERS,
                expose_headers=CORS_EXPOSED_HEADERS,
                max_age=600,
            )
        )
    # Responses build our media URLs on this app's address (core/media_urls.py).
    middleware.append(Middleware(MediaUrlsMiddleware, urls=MediaUrls.of(settings)))
    if settings.public_cache_seconds:  # it keeps what the routes answered
        middleware.append(Middleware(PublicCacheMiddleware, seconds=settings.public_cache_seconds))
    if settings.max_concurrent_requests:  # below even that: only what reaches the routes waits
        middleware.append(
            Middleware(
                LoadSheddingMiddleware,
                max_concurrent=settings.max_concurrent_requests,
                max_queued=settings.max_queued_requests,
                queue_timeout=settings.queue_timeout_seconds,
            )
        )
    return middleware


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    """Build the app. `tracer_provider` is for tests; otherwise OTEL_* settings decide."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.effective_log_format)
    configure_sentry(settings)
    if tracer_provider is None:
        tracer_provider = tracer_provider_for(settings)
        if tracer_provider is not None:
            trace.set_tracer_provider(tracer_provider)

    views = ViewCounts(settings)
    app = FastAPI(
        title="Blog API",
        version=__version__,
        summary="The backend of a multi-author blogging platform",
        # The view counter's flusher is this app's own: it flushes this app's counts.
        lifespan=lifespan_for(
            settings, tracer_provider, background=(*BACKGROUND_TASKS, ViewFlusherStarter(views))
        ),
        openapi_tags=OPENAPI_TAGS,
        middleware=middleware_for(settings),
        # Off in production by default (the overlay): the inventory of routes is no secret,
        # but it need not be served to everyone.
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url="/redoc" if settings.docs_enabled else None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
        # Slash redirects are built on PUBLIC_BASE_URL, never on the Host header (routing.py).
        redirect_slashes=False,
        telemetry={
            "tracer_provider": tracer_provider,
            "tracing": tracer_provider is not None,
            "metrics": False,  # Prometheus at /metrics
            "logs": False,  # structlog
        },
    )
    app.state.settings = settings
    app.state.redis = None
    app.state.rate_limiter = RateLimiter(settings)
    app.state.views = views
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.state.storage = storage_for(settings)
    install_error_handlers(app)
    install_slash_redirects(app)
    install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)
    if settings.realworld_enabled:  # off: its paths are 404 like any unknown one
        mount_realworld(app, settings.realworld_prefix)
    return app
