"""The `seed-demo` command line: arguments, checked by argparse, and the run."""

import argparse
import asyncio
import sys
from collections.abc import Callable

from blogapi.core.config import Settings
from blogapi.demo.generator import KNOWN_ACCOUNTS, SeedOptions, max_tags
from blogapi.demo.seed import DatabaseNotEmpty, seed_demo

LIMIT = 10_000_000


def _count(minimum: int, maximum: int = LIMIT) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum], or a clear error (exit 2)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if not minimum <= number <= maximum:
            raise argparse.ArgumentTypeError(
                f"must be from {minimum:,} to {maximum:,}, got {number:,}"
            )
        return number

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = SeedOptions()
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed (42)")
    parser.add_argument(
        "--users",
        type=_count(len(KNOWN_ACCOUNTS), 1_000_000),
        default=defaults.users,
        help=f"accounts, the {len(KNOWN_ACCOUNTS)} demo_* ones included (1000)",
    )
    parser.add_argument(
        "--posts", type=_count(1, 1_000_000), default=defaults.posts, help="posts (10000)"
    )
    parser.add_argument(
        "--comments", type=_count(0), default=defaults.comments, help="comments (50000)"
    )
    parser.add_argument("--tags", type=_count(0, max_tags()), default=defaults.tags, help="(200)")
    parser.add_argument(
        "--images",
        type=_count(0, 100),
        default=defaults.images,
        help="cover pictures to generate and store, each the cover of some posts (12)",
    )
    parser.add_argument(
        "--append", action="store_true", help="add to a database that already has posts"
    )


def run(args: argparse.Namespace, settings: Settings) -> None:
    options = SeedOptions(
        seed=args.seed,
        users=args.users,
        posts=args.posts,
        comments=args.comments,
        tags=args.tags,
        append=args.append,
        images=args.images,
    )
    try:
        asyncio.run(seed_demo(settings, options))
    except DatabaseNotEmpty as error:
        print(f"blogapi seed-demo: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
