"""Engine, sessions and the declarative Base shared by every domain."""

import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, DateTime, Executable, MetaData, Result, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator
from uuid_utils.compat import uuid7

from blogapi.core.config import Settings
from blogapi.core.http import SAFE_METHODS

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7: ids sort by creation and index well."""
    return uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


WRITE_INTENT = "blogapi_write_intent"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions over from the sqlite3 module, which would BEGIN late and deferred.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    """A request that will write takes the write lock up front (BEGIN IMMEDIATE), so it waits
    for other writers (busy_timeout) instead of failing to upgrade a read lock later."""
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(settings: Settings) -> AsyncEngine:
    """An async engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (sized pool)."""
    url = make_url(settings.database_url)
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 5}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_sqlite)
        return engine
    timeout_ms = int(settings.db_statement_timeout_seconds * 1000)
    engine = create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=False,  # `_ping_on_checkout` instead: one round trip, not three
        hide_parameters=True,  # no emails or hashes in error messages and logs
        pool_timeout=5,
        connect_args={
            "timeout": 5,
            "command_timeout": settings.db_statement_timeout_seconds + 1,
            "server_settings": {
                "statement_timeout": str(timeout_ms),
                "random_page_cost": str(settings.db_random_page_cost),
            },
        },
    )
    event.listen(engine.sync_engine.pool, "checkout", _ping_on_checkout)
    event.listen(engine.sync_engine.pool, "connect", _note_checkin)  # new: no ping needed
    event.listen(engine.sync_engine.pool, "checkin", _note_checkin)
    return engine


async def ping(engine: AsyncEngine) -> None:
    """The database answers a `SELECT 1` (readiness, and waiting for it at start)."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


# A connection handed back less than this long ago is not pinged again (HikariCP's
# `aliveBypassWindowMs` is the same idea, 500 ms): under load, every checkout would cost a
# round trip for a connection that answered a moment ago. One the server has closed meanwhile
# is still caught: asyncpg sees the socket close and reports the connection closed.
PING_AFTER_IDLE_SECONDS = 0.5
_CHECKED_IN_AT = "blogapi_checked_in_at"


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_CHECKED_IN_AT] = time.monotonic()


def _ping_on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Make sure a pooled connection still works before handing it out (the server may have
    restarted or closed it), as `pool_pre_ping` does, in one round trip: SQLAlchemy's asyncpg
    ping wraps its query in BEGIN and ROLLBACK (for PgBouncer), three round trips a request.
    A dead connection is discarded and the pool connects afresh. A connection in use a moment
    ago is only checked for a closed socket (`PING_AFTER_IDLE_SECONDS`)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the pooled connection is closed")
    idle = time.monotonic() - record.info.get(_CHECKED_IN_AT, float("-inf"))
    if idle < PING_AFTER_IDLE_SECONDS:
        return
    try:
        _ping(dbapi_connection)
    except Exception as error:
        raise DisconnectionError("the pooled connection is gone") from error


def _ping(dbapi_connection: Any) -> None:
    dbapi_connection.run_async(lambda connection: connection.execute("SELECT 1"))


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for safe (read-only) requests: on PostgreSQL in autocommit, on the same pool.

    That spares each read the BEGIN and COMMIT round trips (docs/performance.md). It loses
    nothing: under READ COMMITTED every statement takes its own snapshot inside a
    transaction as well, and safe methods write nothing. SQLite keeps its transactions.
    """
    if engine.dialect.name != "postgresql":
        return create_sessionmaker(engine)
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the handler succeeds, roll back when it raises.

    Reads on PostgreSQL run in autocommit instead: no BEGIN and COMMIT round trips around
    their statements. Nothing is lost: under READ COMMITTED each statement takes its own
    snapshot inside a transaction too, and safe methods write nothing.
    """
    state = request.app.state
    safe = request.method in SAFE_METHODS
    sessionmaker: async_sessionmaker[AsyncSession] = (
        state.read_sessionmaker if safe else state.sessionmaker
    )
    async with sessionmaker() as session:
        if not safe:
            await session.connection(execution_options={WRITE_INTENT: True})
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


Statement = tuple[Executable, dict[str, Any] | None]


async def core_execute(
    session: AsyncSession, statement: Executable, values: dict[str, Any] | None = None
) -> Result[Any]:
    """Run a Core statement on the session's connection, past the ORM's execution layer (its
    compile state and result set-up, measured in docs/performance.md): for the hot reads,
    whose selects name columns and build no ORM objects. One greenlet hop, as
    `session.execute`."""
    return (await core_execute_all(session, (statement, values)))[0]


async def core_execute_all(session: AsyncSession, *statements: Statement) -> list[Result[Any]]:
    """Several Core statements in a row (a page and its total), in one greenlet hop."""

    def run(sync: Session) -> list[Result[Any]]:
        connection = sync.connection()
        return [connection.execute(statement, values) for statement, values in statements]

    return await session.run_sync(run)


@asynccontextmanager
async def connection_released(session: AsyncSession) -> AsyncIterator[None]:
    """Commit what is done so far and hold no pooled connection (nor, on SQLite, the write
    lock) during slow work that needs no database: password hashing in a thread, say.
    Without this, a burst of sign-ins holds every connection of the pool while the hashes
    queue for threads, and other requests time out waiting for one. What follows runs
    in a new write transaction. A transaction boundary: use it only where nothing written
    before it needs to be undone by what fails after it."""
    await session.commit()
    yield
    await session.connection(execution_options={WRITE_INTENT: True})


# scope="function": the commit happens before the response is sent, so a failing
# commit becomes an error response instead of a 2xx for work that was lost.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def insert_or_ignore(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on either engine; returns the rows inserted."""
    if not rows:
        return 0
    bind = session.get_bind()
    insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(insert(table).values(rows).on_conflict_do_nothing())
    return int(getattr(result, "rowcount", 0))


def escape_like(value: str) -> str:
    """`value` as a literal inside a LIKE pattern written with `escape="\\"`."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Builds (condition, ordering) matching a text column against a search string; used by
# autocomplete, which each domain runs over its own table.
TextMatcher = Callable[[ColumnElement[str]], tuple[ColumnElement[bool], list[ColumnElement[Any]]]]
