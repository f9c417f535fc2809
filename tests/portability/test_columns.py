"""Values in an archive: each kind of column in one form whichever engine wrote it, read back
exactly; a value of the wrong kind is a damaged archive; a type with no portable form is
named rather than guessed."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import types
from sqlalchemy.dialects import postgresql, sqlite

from blogapi.models import metadata
from blogapi.portability.columns import decoder, encoder, kind_of
from blogapi.portability.errors import ArchiveDamaged, PortabilityError

MOMENT = datetime(2026, 12, 5, 8, 0, 0, 123456, tzinfo=UTC)
ID = uuid.UUID("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")


@pytest.mark.parametrize(
    ("kind", "value", "written"),
    [
        ("uuid", ID, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        ("uuid", ID.hex, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),  # SQLite's CHAR(32)
        ("datetime", MOMENT, "2026-12-05T08:00:00.123456+00:00"),
        ("datetime", MOMENT.replace(tzinfo=None), "2026-12-05T08:00:00.123456+00:00"),
        (
            "datetime",
            MOMENT.astimezone(timezone(timedelta(hours=2))),
            "2026-12-05T08:00:00.123456+00:00",
        ),
        ("datetime", MOMENT.replace(microsecond=0), "2026-12-05T08:00:00.000000+00:00"),
        ("date", date(2026, 12, 5), "2026-12-05"),
        ("boolean", True, True),
        ("integer", 2**40, 2**40),
        ("float", 0.1, 0.1),
        ("decimal", Decimal("10.50"), "10.50"),
        ("json", {"b": [1, 2.5, None], "a": "é"}, {"b": [1, 2.5, None], "a": "é"}),
        ("binary", b"\x00\xffsealed", "AP9zZWFsZWQ="),
        ("text", "naïve — “quoted”\n", "naïve — “quoted”\n"),
        ("text", None, None),
    ],
)
def test_each_kind_is_written_one_way_and_read_back_exactly(
    kind: str, value: Any, written: Any
) -> None:
    encoded = encoder(kind)(value)
    assert encoded == written
    read = decoder(kind, "t.c")(json.loads(json.dumps(encoded)))
    if kind == "uuid":
        assert read == ID
    elif kind == "datetime":
        assert read == (value if value.tzinfo else value.replace(tzinfo=UTC))
        assert read.tzinfo is not None
    else:
        assert read == value


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("integer", True),
        ("integer", "12"),
        ("boolean", 1),
        ("uuid", "not-a-uuid"),
        ("datetime", "2026-12-05T08:00:00"),
        ("datetime", 1733385600),
        ("binary", "not base64!"),
        ("text", 12),
        ("float", "0.1"),
        ("decimal", "ten"),
    ],
)
def test_a_value_of_another_kind_is_a_damaged_archive(kind: str, value: Any) -> None:
    with pytest.raises(ArchiveDamaged, match=f"^tables/x: c: not a {kind} value"):
        decoder(kind, "tables/x: c")(value)


def test_the_engines_types_map_to_kinds() -> None:
    lite, pg = sqlite.dialect(), postgresql.dialect()

    assert kind_of(types.CHAR(32), lite, "c") == "uuid"  # how SQLAlchemy stores a Uuid there
    assert kind_of(types.CHAR(32), pg, "c") == "text"
    assert kind_of(postgresql.UUID(), pg, "c") == "uuid"
    assert kind_of(types.DATETIME(), lite, "c") == "datetime"  # UTC, as core/db.UTCDateTime
    assert kind_of(postgresql.TIMESTAMP(timezone=True), pg, "c") == "datetime"
    assert kind_of(postgresql.JSONB(), pg, "c") == "json"
    assert kind_of(postgresql.BYTEA(), pg, "c") == "binary"
    assert kind_of(types.BLOB(), lite, "c") == "binary"


@pytest.mark.parametrize(
    "column_type",
    [postgresql.TIMESTAMP(timezone=False), postgresql.INTERVAL(), postgresql.ARRAY(types.Integer)],
    ids=["naive-timestamp", "interval", "array"],
)
def test_a_type_without_a_portable_form_is_named(column_type: types.TypeEngine[Any]) -> None:
    with pytest.raises(PortabilityError, match=r"^posts\.x: a column of type .* has no portable"):
        kind_of(column_type, postgresql.dialect(), "posts.x")


def test_no_key_needs_a_sequence_set_after_an_import() -> None:
    """An import writes keys as they were; an integer key fed by a sequence would also need
    its sequence moved past them (import does not: every key is a UUID, or a natural key
    such as a post and a day)."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            assert not isinstance(column.type, types.Integer), f"{table.name}.{column.name}"
            assert isinstance(column.type, types.Uuid | types.Date), f"{table.name}.{column.name}"
