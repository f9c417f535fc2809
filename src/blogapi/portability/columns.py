"""Column values in an archive: one portable form per kind of column, the same whichever
engine wrote it, so that a row read from SQLite and the same row read from PostgreSQL are
the same line of JSON.

| kind     | SQLite (reflected)     | PostgreSQL        | in the archive                     |
|----------|------------------------|-------------------|------------------------------------|
| uuid     | CHAR(32), hex          | UUID              | "0193a…-…" (with dashes)           |
| datetime | DATETIME, UTC implied  | TIMESTAMPTZ       | ISO 8601 with +00:00, microseconds |
| json     | JSON (text)            | JSON              | the JSON value itself              |
| boolean  | BOOLEAN (0/1)          | BOOLEAN           | true / false                       |
| binary   | BLOB                   | BYTEA             | base64                             |

plus integer, float, decimal (a string), date and text. SQL NULL is null in every kind.
"""

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import types
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from blogapi.core.db import UTCDateTime
from blogapi.portability.errors import ArchiveDamaged, PortabilityError

# What SQLAlchemy's Uuid becomes on an engine without a UUID type.
SQLITE_UUID_LENGTH = 32


def kind_of(column_type: TypeEngine[Any], dialect: Dialect, where: str) -> str:
    """The kind of a column, from its type as reflected on `dialect` (or as a model says)."""
    if isinstance(column_type, types.TypeDecorator):
        column_type = column_type.impl_instance
    sqlite = dialect.name == "sqlite"
    if isinstance(column_type, types.Uuid):
        return "uuid"
    if sqlite and isinstance(column_type, types.CHAR) and column_type.length == SQLITE_UUID_LENGTH:
        return "uuid"
    if isinstance(column_type, types.DateTime):
        # SQLite keeps no zone: core/db.UTCDateTime stores UTC there.
        if column_type.timezone or sqlite:
            return "datetime"
    elif isinstance(column_type, types.Date):
        return "date"
    for kind, classes in _SIMPLE_KINDS:
        if isinstance(column_type, classes):
            return kind
    raise PortabilityError(f"{where}: a column of type {column_type!r} has no portable form yet")


_SIMPLE_KINDS: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("boolean", types.Boolean),
    ("integer", types.Integer),
    ("float", types.Float),
    ("decimal", types.Numeric),
    ("json", types.JSON),
    ("binary", types.LargeBinary),
    ("text", types.String),
)


def _uuid_out(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value))


def _datetime_out(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def _binary_out(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _same(value: Any) -> Any:
    return value


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "uuid": _uuid_out,
    "datetime": _datetime_out,
    "date": lambda value: value.isoformat(),
    "boolean": bool,
    "integer": int,
    "float": float,
    "decimal": str,
    "json": _same,
    "binary": _binary_out,
    "text": str,
}


def _datetime_in(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a timestamp without its zone")
    return parsed.astimezone(UTC)


def _typed(expected: type, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        # bool is an int to Python; an integer column must not take true.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"expected {expected.__name__}, got {type(value).__name__}")
        return convert(value)

    return decode


def _float_in(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    return float(value)


DECODERS: dict[str, Callable[[Any], Any]] = {
    "uuid": _typed(str, uuid.UUID),
    "datetime": _typed(str, _datetime_in),
    "date": _typed(str, date.fromisoformat),
    "boolean": _typed(bool, _same),
    "integer": _typed(int, _same),
    "float": _float_in,
    "decimal": _typed(str, Decimal),
    "json": _same,
    "binary": _typed(str, lambda value: base64.b64decode(value, validate=True)),
    "text": _typed(str, _same),
}

# The types the rows are bound with on insert: SQLAlchemy stores each as the app does
# (a UUID as 32 hex digits on SQLite, a timestamp as naive UTC text there).
BIND_TYPES: dict[str, Callable[[], TypeEngine[Any]]] = {
    "uuid": types.Uuid,
    "datetime": UTCDateTime,
    "date": types.Date,
    "boolean": types.Boolean,
    "integer": types.BigInteger,
    "float": types.Float,
    "decimal": types.Numeric,
    # SQL NULL stays NULL (the default would store the JSON text 'null').
    "json": lambda: types.JSON(none_as_null=True),
    "binary": types.LargeBinary,
    "text": types.Text,
}


KINDS = tuple(ENCODERS)


def encoder(kind: str) -> Callable[[Any], Any]:
    """Python value from the database -> its form in the archive (None stays None)."""
    encode = ENCODERS[kind]
    return lambda value: None if value is None else encode(value)


def decoder(kind: str, where: str) -> Callable[[Any], Any]:
    """Its form in the archive -> the Python value to insert; a value that is not of the
    kind means a damaged (or edited) archive."""
    decode = DECODERS[kind]

    def checked(value: Any) -> Any:
        if value is None:
            return None
        try:
            return decode(value)
        except (ValueError, TypeError, ArithmeticError) as error:
            raise ArchiveDamaged(f"{where}: not a {kind} value ({error})") from None

    return checked


def copy_value(kind: str) -> Callable[[Any], Any]:
    """The decoded value as PostgreSQL's binary COPY takes it (asyncpg: JSON as text)."""
    if kind == "json":
        return lambda value: None if value is None else json.dumps(value)
    return _same
