"""The service's PostgreSQL connections carry their planner settings (DB_RANDOM_PAGE_COST)
and statement timeout, whatever the server's defaults."""

import pytest
from asgi_lifespan import LifespanManager
from harness import PG_URL, make_settings
from pydantic import ValidationError
from sqlalchemy import text

from blogapi.main import create_app


async def _show(database_url: str, name: str, **overrides: object) -> str:
    app = create_app(make_settings(database_url, **overrides))
    async with LifespanManager(app), app.state.read_sessionmaker() as session:
        return str(await session.scalar(text(f"SHOW {name}")))


async def test_connections_use_the_ssd_page_cost_by_default(pg_url: str) -> None:
    assert await _show(pg_url, "random_page_cost") == "1.1"
    assert await _show(pg_url, "statement_timeout") == "10s"


async def test_db_random_page_cost_is_applied(pg_url: str) -> None:
    assert await _show(pg_url, "random_page_cost", db_random_page_cost=4) == "4"


@pytest.mark.parametrize("value", [0, -1, 101, "cheap"])
def test_a_bad_page_cost_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="db_random_page_cost"):
        make_settings(PG_URL, db_random_page_cost=value)
