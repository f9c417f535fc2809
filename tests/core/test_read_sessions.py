"""Safe requests read in autocommit on PostgreSQL (no BEGIN/COMMIT round trips); writes keep
their transaction; SQLite keeps transactions for both."""

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def _in_transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    async with sessionmaker() as session:
        await session.execute(text("SELECT 1"))
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        if hasattr(driver, "is_in_transaction"):  # asyncpg
            return bool(driver.is_in_transaction())
        return bool(driver._conn.in_transaction)  # aiosqlite wraps sqlite3


async def test_reads_run_outside_a_transaction_on_postgresql_only(app: FastAPI) -> None:
    postgres = app.state.engine.dialect.name == "postgresql"

    assert await _in_transaction(app.state.read_sessionmaker) is not postgres


async def test_writes_always_run_in_a_transaction(app: FastAPI) -> None:
    assert await _in_transaction(app.state.sessionmaker) is True


async def test_a_read_does_not_leave_autocommit_on_the_pooled_connection(app: FastAPI) -> None:
    await _in_transaction(app.state.read_sessionmaker)

    for _ in range(3):  # whichever pooled connection comes next is transactional again
        assert await _in_transaction(app.state.sessionmaker) is True
