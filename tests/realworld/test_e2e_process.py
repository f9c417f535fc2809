"""scripts/realworld_e2e.py's flow against a real `blogapi serve` process, on SQLite and on
PostgreSQL (a database of its own, the test database's name with `_e2e`)."""

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from alembic import command
from harness import PG_URL, ensure_postgres_database, require_postgres, reset_postgres_schema
from processes import free_port, start, stop, wait_until_serving
from sqlalchemy.engine import make_url

from blogapi.cli import alembic_config

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "realworld_e2e.py"
STEPS = 12


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realworld_e2e", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["sqlite", "postgresql"])
def served_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/e2e.db"
    else:
        require_postgres()
        parsed = make_url(PG_URL)
        url = parsed.set(database=f"{parsed.database}_e2e").render_as_string(hide_password=False)
        asyncio.run(ensure_postgres_database(url))
        asyncio.run(reset_postgres_schema(url))
    command.upgrade(alembic_config(url), "head")
    return url


async def test_the_scripted_flow_passes_against_a_live_server(
    served_database: str, tmp_path: Path
) -> None:
    port = free_port()
    process = start(
        ["serve", "--port", str(port)],
        tmp_path,
        DATABASE_URL=served_database,
        MEDIA_DIR=str(tmp_path / "media"),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_serving(base, process)
        lines: list[str] = []
        script = _script()
        steps = await asyncio.to_thread(script.run_flow, f"{base}/realworld/api", log=lines.append)
        assert len(steps) == STEPS, steps
        assert all(line.startswith("ok  ") for line in lines)
        # A run against a server with RealWorld off fails at its first step.
        with pytest.raises(script.FlowFailed, match="register"):
            await asyncio.to_thread(script.run_flow, f"{base}/not-realworld")
    finally:
        stop(process)
