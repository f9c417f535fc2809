"""Optional tracing (OpenTelemetry, when OTEL_EXPORTER_OTLP_ENDPOINT is set) and error
reporting (Sentry, when SENTRY_DSN is set). Both are off by default and cost nothing then:
their SDKs are imported only when configured (a worker imports ~0.5 s of CPU less at start;
docs/performance.md, "Start-up and sign-in"). The tracing API (`opentelemetry.trace`) is light
and always there: without a provider its spans are no-ops.

FastAPI traces requests natively once it is given a tracer provider; SQLAlchemy is
instrumented per engine; SMTP sends get a span of their own (see mail/transport.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncEngine

from blogapi import __version__
from blogapi.core.config import Settings
from blogapi.core.logging import scrub

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

tracer = trace.get_tracer("blogapi")


def tracer_provider_for(
    settings: Settings, processor: SpanProcessor | None = None
) -> TracerProvider | None:
    """A provider exporting over OTLP/HTTP, or with the given processor (tests); else None."""
    if processor is None and not settings.otel_exporter_otlp_endpoint:
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": settings.otel_service_name, "service.version": __version__}
        )
    )
    if processor is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        endpoint = settings.otel_exporter_otlp_endpoint or ""
        processor = BatchSpanProcessor(
            OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")
        )
    provider.add_span_processor(processor)
    return provider


def instrument_engine(engine: AsyncEngine, provider: TracerProvider | None) -> bool:
    """Trace the engine's statements; undo with `uninstrument_engines` at shutdown."""
    if provider is None:
        return False
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation declares SQLAlchemy < 2.1 but works with 2.1 (tested).
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine,
        tracer_provider=provider,
        enable_commenter=False,
        skip_dep_check=True,
    )
    return True


def uninstrument_engines() -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().uninstrument()


def _scrub_event(event: Any, _hint: Any) -> Any:
    """Sentry events leave without request bodies, cookies, headers or personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "headers", "query_string"):
            request.pop(key, None)
    event.pop("user", None)
    for exception in event.get("exception", {}).get("values", []):
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub(exception["value"])
    return event


def configure_sentry(settings: Settings) -> bool:
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment.value,
        release=f"blogapi@{__version__}",
        # Nothing personal or secret leaves: no user, cookies, headers, bodies, query strings or
        # local variables (and `_scrub_event` drops what an integration adds anyway).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=0.0,  # errors only
        before_send=_scrub_event,
    )
    return True
