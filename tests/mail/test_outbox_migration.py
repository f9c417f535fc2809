"""The migration that seals the outbox: queued bodies are sealed with SECRET_KEY, sent and dead
ones keep nothing; downgrading opens the queued ones again. Both engines, a database each."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from core.test_migrations import on_connection
from harness import (
    PG_URL,
    TEST_SECRET,
    ensure_postgres_database,
    make_settings,
    require_postgres,
    reset_postgres_schema,
)
from sqlalchemy.engine import Connection, make_url

from blogapi.cli import alembic_config
from blogapi.core.config import get_settings
from blogapi.mail import sealing

BEFORE = "9b2e3a4d5c61"
SEALING = "ac3f4b5e6d72"

plain_outbox = sa.table(
    "outbox_emails",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("to_address", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("text_body", sa.Text()),
    sa.column("html_body", sa.Text()),
    sa.column("status", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty database, and the migrations' settings on the tests' SECRET_KEY."""
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/outbox.db"
    else:
        parsed = make_url(PG_URL)
        url = parsed.set(database=f"{parsed.database}_outbox")
        rendered = url.render_as_string(hide_password=False)
        require_postgres(rendered)
        asyncio.run(ensure_postgres_database(rendered))
        asyncio.run(reset_postgres_schema(rendered))
        yield rendered
    get_settings.cache_clear()  # the next test reads its own environment


def _row(status: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "kind": "password_reset",
        "to_address": f"{status}@example.com",
        "subject": "Reset your password",
        "text_body": f"Reset: https://blog.example/r?token=SECRET-{status}\n",
        "html_body": f'<a href="https://blog.example/r?token=SECRET-{status}">Reset</a>',
        "status": status,
        "attempts": 1,
        "next_attempt_at": now,
        "created_at": now,
    }


def test_queued_bodies_are_sealed_sent_and_dead_ones_dropped_and_back_again(
    database: str,
) -> None:
    config = alembic_config(database)
    command.upgrade(config, BEFORE)
    rows = {status: _row(status) for status in ("pending", "sending", "sent", "dead")}

    def insert(c: Connection) -> None:
        c.execute(plain_outbox.insert(), list(rows.values()))
        c.commit()

    on_connection(database, insert)

    command.upgrade(config, SEALING)

    def read(c: Connection) -> dict[str, Any]:
        found = c.execute(sa.text("SELECT * FROM outbox_emails")).mappings().all()
        return {row["status"]: dict(row) for row in found}

    sealed = on_connection(database, read)
    settings = make_settings(database)
    for status in ("pending", "sending"):
        body = sealing.open_sealed(settings, rows[status]["id"], sealed[status]["sealed_body"])
        assert body == sealing.Body(rows[status]["text_body"], rows[status]["html_body"])
    assert sealed["sent"]["sealed_body"] is None
    assert sealed["dead"]["sealed_body"] is None
    assert "text_body" not in sealed["sent"]
    assert not any(b"SECRET" in bytes(row["sealed_body"] or b"") for row in sealed.values())

    command.downgrade(config, BEFORE)

    opened = on_connection(database, read)
    for status in ("pending", "sending"):
        assert opened[status]["text_body"] == rows[status]["text_body"]
        assert opened[status]["html_body"] == rows[status]["html_body"]
    assert (opened["sent"]["text_body"], opened["dead"]["html_body"]) == ("", "")
