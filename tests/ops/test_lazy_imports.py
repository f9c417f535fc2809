"""A worker imports the optional heavy libraries (boto3, Sentry, the OpenTelemetry SDK and
exporter) only when the settings use them: with the defaults, start-up compiles and runs none
of their modules (docs/performance.md, "Start-up and sign-in").

Each case runs in a fresh interpreter, since this one has imported everything already."""

import json
import os
import subprocess
import sys
from pathlib import Path

# boto3 and botocore: S3 storage; sentry_sdk: error reporting; the rest: tracing. (The tracing
# API, `opentelemetry.trace`, is light and always imported; redis imports the metrics SDK.)
HEAVY = (
    "boto3",
    "botocore.session",
    "sentry_sdk",
    "opentelemetry.sdk.trace",
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "opentelemetry.instrumentation.sqlalchemy",
)

PROBE = f"""
import json, sys
import blogapi.cli
from blogapi.main import create_app
app = create_app()
print(json.dumps({{
    "storage": type(app.state.storage).__name__,
    "loaded": [name for name in {HEAVY!r} if name in sys.modules],
}}))
"""


def _probe(tmp_path: Path, **env: str) -> tuple[str, set[str]]:
    """(the storage's class, the heavy modules loaded) after `create_app()` with `env`."""
    optional = ("S3_", "OTEL_", "SENTRY_", "STORAGE_")
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(optional)},
        "ENVIRONMENT": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'probe.db'}",
        "MEDIA_DIR": str(tmp_path / "media"),
        **env,
    }
    done = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", PROBE],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return str(result["storage"]), set(result["loaded"])


def test_default_settings_import_no_optional_sdk(tmp_path: Path) -> None:
    assert _probe(tmp_path) == ("LocalStorage", set())


def test_s3_storage_loads_boto3_when_the_storage_is_created(tmp_path: Path) -> None:
    storage, loaded = _probe(
        tmp_path,
        STORAGE_BACKEND="s3",
        S3_BUCKET="media",
        S3_REGION="us-east-1",
        S3_ENDPOINT_URL="http://127.0.0.1:9",
    )

    assert storage == "S3Storage"
    assert loaded == {"boto3", "botocore.session"}


def test_tracing_loads_the_sdk_and_exporter(tmp_path: Path) -> None:
    storage, loaded = _probe(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9")

    assert storage == "LocalStorage"
    assert loaded == {
        "opentelemetry.sdk.trace",
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    }


def test_sentry_dsn_loads_sentry(tmp_path: Path) -> None:
    _storage, loaded = _probe(tmp_path, SENTRY_DSN="https://public@127.0.0.1:9/1")

    assert loaded == {"sentry_sdk"}
