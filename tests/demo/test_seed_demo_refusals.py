"""seed-demo refuses a database with posts (unless --append) and bad sizes, clearly."""

import dataclasses

import httpx
import pytest
from fastapi import FastAPI

from blogapi import cli

from .seeding import SMALL, posts_with_wrong_counters, seed, snapshot


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
