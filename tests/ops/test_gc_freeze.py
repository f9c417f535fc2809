"""With GC_FREEZE on, start-up objects leave the cyclic collector's sight while the app runs
(shorter pauses) and come back when it stops, so an app started and stopped many times in one
process (as in these tests) leaks nothing. With it off, the lifespan leaves the collector be."""

import gc

import pytest
from asgi_lifespan import LifespanManager
from harness import make_settings

from blogapi.main import create_app


async def test_startup_objects_are_frozen_while_the_app_runs(database_url: str) -> None:
    gc.unfreeze()
    app = create_app(make_settings(database_url, gc_freeze=True))
    assert gc.get_freeze_count() == 0
    async with LifespanManager(app):
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0


async def test_an_app_stopped_by_an_error_unfreezes_too(database_url: str) -> None:
    gc.unfreeze()
    app = create_app(make_settings(database_url, gc_freeze=True))
    frozen_while_running = 0

    async def run_and_fail() -> None:
        nonlocal frozen_while_running
        async with LifespanManager(app):
            frozen_while_running = gc.get_freeze_count()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await run_and_fail()
    assert frozen_while_running > 0
    assert gc.get_freeze_count() == 0


async def test_gc_freeze_off_freezes_nothing(database_url: str) -> None:
    gc.unfreeze()
    app = create_app(make_settings(database_url, gc_freeze=False))
    async with LifespanManager(app):
        assert gc.get_freeze_count() == 0
    assert gc.get_freeze_count() == 0
