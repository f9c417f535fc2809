"""Post bodies: written from a per-post seed and rendered as the API renders them.

The Markdown pipeline (markdown-it-py, then nh3 twice) is most of the seeding time, so
bodies are built in worker processes. Each job carries its own seed, so the text does not
depend on which process builds it or in which order.
"""

import multiprocessing
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

from blogapi.demo import text
from blogapi.posts.markdown import render_document

CHUNK = 50


@dataclass(frozen=True, slots=True)
class BodyJob:
    seed: int
    words: int
    topic: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Body:
    content: str
    content_html: str
    content_text: str  # as the API stores it: the text the search index reads
    summary: str
    reading_time_minutes: int


def build_body(job: BodyJob) -> Body:
    """The Markdown of one post and everything the API derives from it at write time."""
    rng = random.Random(job.seed)  # noqa: S311 (made-up text, not secrets)
    content = text.markdown_body(rng, job.words, job.topic)
    rendered = render_document(content)
    return Body(
        content,
        rendered.html,
        rendered.search_text,
        rendered.summary,
        rendered.reading_time_minutes,
    )


def _ready() -> bool:
    return True


def process_pool(workers: int) -> Executor | None:
    """`workers` processes, started now (call it before opening database connections), or None.

    Forked where fork is the platform's way: a spawned worker would import the console
    script's whole application again, seconds of start-up for a few seconds of work.
    """
    if workers <= 0:
        return None
    method = "fork" if sys.platform == "linux" else "spawn"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))
    pool.submit(_ready).result()  # starts every worker
    return pool


def build_bodies(
    jobs: Sequence[BodyJob], pool: Executor | None, progress: Callable[[int], None]
) -> Iterator[Body]:
    """The bodies in the order of `jobs`; `progress(n)` after each chunk of them.

    With a pool every job is submitted at once, so the workers start while the caller
    goes on with other work and reads the results later.
    """
    run = map if pool is None else partial(pool.map, chunksize=CHUNK)
    results: Iterator[Body] = run(build_body, jobs)
    return _reporting(results, len(jobs), progress)


def _reporting(
    results: Iterator[Body], total: int, progress: Callable[[int], None]
) -> Iterator[Body]:
    for done, body in enumerate(results, start=1):
        if done % (CHUNK * 20) == 0 or done == total:
            progress(done)
        yield body
