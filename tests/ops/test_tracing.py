"""OpenTelemetry: off by default; with a provider, requests and SQL are traced and the
trace id appears in the JSON logs beside the request id."""

import json

import httpx
import pytest
from asgi_lifespan import LifespanManager
from harness import make_settings
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from blogapi.core.observability import tracer_provider_for
from blogapi.main import create_app


def _json_lines(text: str) -> list[dict[str, object]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


async def test_requests_and_queries_are_traced_and_logs_carry_the_trace_id(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = make_settings(database_url, log_level="INFO", log_format="json")
    app = create_app(settings, tracer_provider=provider)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/api/v1/users/nobody", headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 404

    spans = exporter.get_finished_spans()
    server = [s for s in spans if s.attributes and s.attributes.get("http.route")]
    assert server, [s.name for s in spans]
    assert server[0].attributes["http.route"] == "/api/v1/users/{ref}"
    assert any(s.attributes and "db.statement" in s.attributes for s in spans), [
        s.name for s in spans
    ]
    trace_id = format(server[0].context.trace_id, "032x")

    access = [
        line for line in _json_lines(capsys.readouterr().err) if line.get("event") == "request"
    ]
    assert access, "no access log line"
    assert access[-1]["request_id"] == "trace-1"
    assert access[-1]["trace_id"] == trace_id


def test_tracing_is_off_without_an_endpoint(database_url: str) -> None:
    assert tracer_provider_for(make_settings(database_url)) is None


def test_an_endpoint_turns_tracing_on(database_url: str) -> None:
    settings = make_settings(database_url, otel_exporter_otlp_endpoint="http://127.0.0.1:4318")
    provider = tracer_provider_for(settings)
    assert isinstance(provider, TracerProvider)
    provider.shutdown()
