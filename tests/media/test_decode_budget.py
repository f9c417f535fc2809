"""The decode budget: uploads past it wait their turn, then get 503 with Retry-After; a refused
image gives its pixels back; an image bigger than the whole budget runs alone."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from factories import assert_error
from fastapi import FastAPI

from blogapi.media import service
from blogapi.media.service import PixelBudget

from .conftest import MEDIA, MediaApp
from .decoding import media_app
from .pictures import picture, png_bomb

SMALL = picture("PNG", (100, 100))  # 10,000 pixels: the smallest budget there may be


def _decoding(budget: int, wait: float) -> dict[str, object]:
    return {"media_decode_budget_pixels": budget, "media_decode_wait_seconds": wait}


def budget_of(app: FastAPI) -> PixelBudget:
    return service.decode_budget(app.state.settings)


@asynccontextmanager
async def decoding_elsewhere(app: FastAPI, pixels: int | None = None) -> AsyncIterator[None]:
    """`pixels` of the budget (all of it by default) taken, as by another upload decoding."""
    budget = budget_of(app)
    share = await budget.acquire(budget.pixels if pixels is None else pixels, 0)
    try:
        yield
    finally:
        budget.release(share)


async def _nothing_stored(media: MediaApp, headers: dict[str, str]) -> None:
    assert media.files() == []
    assert (await media.client.get(MEDIA, headers=headers)).json()["data"] == []


# Over HTTP ---------------------------------------------------------------------------------


async def test_an_upload_past_the_budget_waits_then_gets_503_with_retry_after(
    database_url: str, tmp_path: Path
) -> None:
    async with media_app(database_url, tmp_path, **_decoding(10_000, 0.3)) as media:
        author = await media.account()
        async with decoding_elsewhere(media.app):
            started = time.monotonic()
            response = await media.upload(author, SMALL)
            waited = time.monotonic() - started

        error = assert_error(response, 503, "SERVICE_UNAVAILABLE")
        assert "try again" in error["message"]
        assert response.headers["Retry-After"] == "1"  # the wait, rounded up
        assert waited >= 0.3
        await _nothing_stored(media, author.headers)
        assert budget_of(media.app).in_use == 0


async def test_with_no_wait_an_upload_past_the_budget_is_503_at_once(
    database_url: str, tmp_path: Path
) -> None:
    async with media_app(database_url, tmp_path, **_decoding(10_001, 0)) as media:
        author = await media.account()
        async with decoding_elsewhere(media.app, pixels=2):  # 2 + 10,000 > 10,001
            response = await media.upload(author, SMALL)

        assert_error(response, 503, "SERVICE_UNAVAILABLE")
        await _nothing_stored(media, author.headers)


async def test_a_waiting_upload_is_served_once_the_budget_frees(
    database_url: str, tmp_path: Path
) -> None:
    async with media_app(database_url, tmp_path, **_decoding(10_002, 60)) as media:
        author = await media.account()
        budget = budget_of(media.app)
        share = await budget.acquire(budget.pixels, 0)
        upload = asyncio.create_task(media.upload(author, SMALL))
        await asyncio.sleep(0.3)
        assert not upload.done()

        budget.release(share)
        response = await upload

        assert response.status_code == 201, response.text
        assert budget.in_use == 0


async def test_uploads_in_the_budget_decode_side_by_side(database_url: str, tmp_path: Path) -> None:
    """No wait at all, and still both taken: two 10,000-pixel images fit in 20,000."""
    async with media_app(database_url, tmp_path, **_decoding(20_000, 0)) as media:
        author = await media.account()
        other = picture("PNG", (100, 100), color="navy")

        responses = await asyncio.gather(*(media.upload(author, d) for d in (SMALL, other)))

        assert [r.status_code for r in responses] == [201, 201]


async def test_a_refused_image_gives_its_pixels_back(database_url: str, tmp_path: Path) -> None:
    # The budget fits one image and nobody waits: a share kept by a refusal would 503 the next.
    async with media_app(database_url, tmp_path, **_decoding(10_003, 0)) as media:
        author = await media.account()
        truncated = SMALL[: len(SMALL) // 2]  # its header is whole: it fails while decoding
        for data in (truncated, truncated, png_bomb(8_000), b"GIF89a but not really"):
            assert (await media.upload(author, data)).status_code in (400, 415)

        assert budget_of(media.app).in_use == 0
        assert (await media.upload(author, SMALL)).status_code == 201


async def test_an_image_bigger_than_the_whole_budget_runs_alone(
    database_url: str, tmp_path: Path
) -> None:
    big = picture("PNG", (300, 200))  # 60,000 pixels: six times the budget
    async with media_app(database_url, tmp_path, **_decoding(10_004, 0.2)) as media:
        author = await media.account()
        alone = await media.upload(author, big)
        async with decoding_elsewhere(media.app, pixels=1):  # anything else decoding
            beside = await media.upload(author, picture("PNG", (300, 201)))

        assert alone.status_code == 201, alone.text
        assert alone.json()["width"] == 300
        assert_error(beside, 503, "SERVICE_UNAVAILABLE")


# The budget's rules ------------------------------------------------------------------------


async def queued(budget: PixelBudget, *asks: tuple[int, float]) -> list[asyncio.Task[int]]:
    """`acquire(cost, wait)` for each, in this order: each is in the queue before the next."""
    tasks = []
    for cost, wait in asks:
        tasks.append(asyncio.create_task(budget.acquire(cost, wait)))
        await asyncio.sleep(0)
    return tasks


async def test_the_budget_lets_uploads_in_by_arrival_not_by_size() -> None:
    budget = PixelBudget(100)
    first = await budget.acquire(60, 0)
    # 30 would fit beside the first, but the big one came before it.
    big, small = await queued(budget, (80, 5), (30, 5))
    await asyncio.sleep(0.05)
    assert not big.done()
    assert not small.done()

    budget.release(first)
    assert await big == 80
    await asyncio.sleep(0.05)
    assert not small.done()  # 80 + 30 > 100

    budget.release(80)
    assert await small == 30
    assert budget.in_use == 30


async def test_a_wait_that_times_out_leaves_the_queue_to_the_next() -> None:
    budget = PixelBudget(100)
    first = await budget.acquire(50, 0)
    # 40 fits beside the first: only the impatient one ahead of it holds it back.
    impatient, patient = await queued(budget, (80, 0.05), (40, 5))

    with pytest.raises(TimeoutError):
        await impatient
    assert await patient == 40
    assert budget.in_use == first + 40


async def test_a_cancelled_wait_takes_nothing() -> None:
    budget = PixelBudget(100)
    first = await budget.acquire(100, 0)
    waiting, behind = await queued(budget, (10, 5), (20, 5))

    waiting.cancel()
    budget.release(first)  # before the cancelled one has left the queue
    with pytest.raises(asyncio.CancelledError):
        await waiting

    assert await behind == 20
    assert budget.in_use == 20


async def test_more_than_the_whole_budget_takes_all_of_it_once_it_is_free() -> None:
    budget = PixelBudget(100)
    assert await budget.acquire(1_000, 0) == 100  # alone: nothing else may start beside it
    with pytest.raises(TimeoutError):
        await budget.acquire(1, 0)
    budget.release(100)
    assert await budget.acquire(1, 0) == 1
