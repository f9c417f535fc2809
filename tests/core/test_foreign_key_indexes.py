"""Every foreign key that a query or a cascade filters on has an index, in the migrated schema
of both engines; a key left without one is listed here with its reason."""

from typing import Any

from fastapi import FastAPI
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

# (table, columns) -> why no index is needed. Empty today: every key has one.
UNINDEXED: dict[tuple[str, tuple[str, ...]], str] = {}


def _unindexed_keys(sync: Connection) -> set[tuple[str, tuple[str, ...]]]:
    inspector = inspect(sync)
    missing = set()
    for table in inspector.get_table_names():
        leads: list[list[str]] = [inspector.get_pk_constraint(table)["constrained_columns"]]
        leads += [index["column_names"] for index in inspector.get_indexes(table)]
        leads += [u["column_names"] for u in inspector.get_unique_constraints(table)]
        for key in inspector.get_foreign_keys(table):
            columns: list[Any] = key["constrained_columns"]
            if not any(lead[: len(columns)] == columns for lead in leads if lead):
                missing.add((table, tuple(columns)))
    return missing


async def test_every_foreign_key_is_indexed_or_said_why(app: FastAPI) -> None:
    async with app.state.engine.connect() as connection:
        missing = await connection.run_sync(_unindexed_keys)

    assert missing - set(UNINDEXED) == set()
    assert set(UNINDEXED) <= missing, "an allowance for a key that has an index now"


def test_the_check_finds_a_key_without_an_index() -> None:
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, create_engine

    metadata = MetaData()
    Table("parents", metadata, Column("id", Integer, primary_key=True))
    Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("parents.id")),
    )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.connect() as connection:
        assert _unindexed_keys(connection) == {("children", ("parent_id",))}
