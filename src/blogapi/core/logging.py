"""structlog set-up: JSON lines in production, a readable console in development.

The standard library's loggers (uvicorn, SQLAlchemy, Alembic) go through the same
processors, so every line carries the level, a UTC timestamp and the request id.
"""

import logging
import re
import sys
from typing import Any

import structlog
from opentelemetry import trace

from blogapi.core.context import current_request_id

SECRET_KEYS = re.compile(
    r"pass(word)?|secret|token|authorization|cookie|api[_-]?key|dsn|credential", re.IGNORECASE
)
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
TOKEN_PARAM = re.compile(r"(?i)([?&](?:token|refresh_token|access_token)=)[^&\s]+")
# A preview link's token is its path's last segment (previews/router.py).
PREVIEW_PATH = re.compile(r"(/preview/)(?!\{)[^?#\s]+")  # not a route template
REDACTED = "[redacted]"


def scrub(text: str) -> str:
    """Mask emails (a***@example.com), bearer tokens, token query parameters and preview
    links' tokens in text."""
    # Plain substring tests first: most values hold none of these, and the regular
    # expressions cost far more than the tests (it shows in the access log's profile).
    if "@" in text:
        text = EMAIL.sub(r"\1***@\2", text)
    lowered = text.lower()
    if "bearer" in lowered:
        text = BEARER.sub(r"\1 " + REDACTED, text)
    if "token=" in lowered:
        text = TOKEN_PARAM.sub(r"\1" + REDACTED, text)
    if "/preview/" in text:
        text = PREVIEW_PATH.sub(r"\1" + REDACTED, text)
    return text


def visible(text: str) -> str:
    """`text` with its control characters (NUL, CR, LF, ESC, ...) as escapes (`\\x00`,
    `\\n`): a value a client sent (a path, a header) can neither end a log line and forge the
    next one nor drive the terminal. One C-speed test for the usual printable text."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _redact(value: Any, key: str = "") -> Any:
    if key and SECRET_KEYS.search(key) and not key.endswith(("_count", "_id")):
        return REDACTED
    if isinstance(value, str):
        # A traceback keeps its lines; every other value is one line.
        return scrub(value if key == "exception" else visible(value))
    if isinstance(value, dict):
        return {k: _redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def _redact_event(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    """No password, token, Authorization header or full email address reaches a log line."""
    return {key: _redact(value, key if key != "event" else "") for key, value in event.items()}


def _add_trace_id(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event


def _add_request_id(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id()
    if request_id and "request_id" not in event:
        event["request_id"] = request_id
    return event


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is now, not to the stream it was when configured
    (which a test runner's capture may have closed since)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(level: str, fmt: str) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        _add_trace_id,
    ]
    renderer: Any
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    # Tracebacks become plain text here in both formats, so redaction (last before rendering)
    # sees them. Left to the console renderer, they would be drawn after redaction, and with
    # `rich` installed, with every frame's local variables (passwords included).
    shared.append(structlog.processors.format_exc_info)
    shared.append(_redact_event)

    structlog.configure(
        # Events below the level are dropped before any processor runs.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # Our middleware writes the access log, with the request id and route template.
    logging.getLogger("uvicorn.access").handlers = []
    logging.getLogger("uvicorn.access").propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
