"""seed-demo refuses a database with posts (unless --append) and bad sizes, clearly."""

import asyncio
import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from blogapi import cli
from blogapi.core.config import Settings, get_settings
from blogapi.demo.seed import DatabaseNotEmpty

from .seeding import SMALL, posts_with_wrong_counters, seed, snapshot

SMALL_ARGS = ["--users", "20", "--posts", "60", "--comments", "200", "--tags", "15"]


@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[str]:
    """The test database named by DATABASE_URL, for `blogapi` itself."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


async def test_a_database_with_posts_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    await seed(app)
    before = await snapshot(app)
    with pytest.raises(DatabaseNotEmpty, match="--append"):
        await seed(app)
    assert await snapshot(app) == before


async def test_the_command_exits_2_on_a_database_with_posts(
    app: FastAPI,
    client: httpx.AsyncClient,
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await seed(app)
    before = await snapshot(app)
    with pytest.raises(SystemExit) as excinfo:
        # In a thread: the command runs its own event loop, as it does from a shell.
        await asyncio.to_thread(cli.main, ["seed-demo", *SMALL_ARGS])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert "already has 60 posts" in error
    assert "--append" in error
    assert await snapshot(app) == before


async def test_append_adds_to_the_posts_there(app: FastAPI, client: httpx.AsyncClient) -> None:
    await seed(app)
    first = await snapshot(app)
    report, printed = await seed(app, dataclasses.replace(SMALL, append=True))
    second = await snapshot(app)

    assert second.posts == 2 * first.posts
    assert len(set(second.slugs)) == second.posts  # taken slugs got a suffix
    assert set(first.slugs) < set(second.slugs)
    # The demo accounts and the tags are reused, not duplicated.
    assert second.users == first.users + 16
    assert second.tags == first.tags
    assert report.users == 16
    assert "existed already" in printed
    assert await posts_with_wrong_counters(app) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "0"], "argument --users: must be from 4 to"),
        (["--users", "abc"], "argument --users: expected a whole number, got 'abc'"),
        (["--users", "3"], "argument --users: must be from 4 to"),
        (["--posts", "-5"], "argument --posts: must be from 1 to"),
        (["--comments", "-1"], "argument --comments: must be from 0 to"),
        (["--tags", "99999999"], "argument --tags: must be from 0 to"),
        (["--seed", "x"], "argument --seed: invalid int value"),
        (["--images", "101"], "argument --images: must be from 0 to 100"),
        (["--images", "-1"], "argument --images: must be from 0 to 100"),
    ],
)
def test_bad_sizes_are_refused_by_the_argument_parser(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["seed-demo", *args])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert "usage: blogapi seed-demo" in error
    assert message in error
