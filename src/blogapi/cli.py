"""`blogapi serve | migrate | worker | create-admin | seed-demo | backup | restore | export |
import`."""

import argparse
import asyncio
import getpass
import os
import signal
import sys
from typing import TYPE_CHECKING

import uvicorn
from pydantic import ValidationError

from blogapi.core.config import Role, Settings, get_settings
from blogapi.core.lifecycle import wait_for_database
from blogapi.core.logging import configure_logging

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "main"]  # alembic_config: for tests and scripts that migrate

# Each `serve` worker is a spawned process that imports this module before it can answer
# uvicorn's health ping: Alembic and the demo and portability commands (about 0.4 s of CPU)
# are imported by the commands that use them, not here (docs/performance.md, start-up).
# A worker gets this long to answer its first ping (uvicorn: 5 s), which a busy machine
# needs while it imports the app.
WORKER_HEALTHCHECK_SECONDS = 30


def alembic_config(database_url: str | None = None) -> "Config":
    from blogapi.portability.revisions import alembic_config as config

    return config(database_url)


def migrate(revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(), revision)


def serve(args: argparse.Namespace, settings: Settings) -> None:
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "1"))
    wait_for_database(settings, attempts=settings.db_connect_attempts)
    host, port = args.host or settings.host, args.port or settings.port
    # The app (in each worker) reads its settings again: it must see the address it serves on.
    # With one worker that is this process, whose settings were read (and cached) before the
    # command line was: read them afresh, or links would name the default port.
    os.environ.update(HOST=host, PORT=str(port))
    get_settings.cache_clear()
    # The supervisor of several workers logs here too (a worker that died and was replaced,
    # at INFO): in the app's format, not lost for want of a handler.
    configure_logging(settings.log_level, settings.effective_log_format)
    uvicorn.run(
        "blogapi.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,  # the app writes its own access line, with the request id
        proxy_headers=False,  # the socket peer is the client unless TRUSTED_PROXIES says otherwise
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_drain_seconds),
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


async def _create_admin(settings: Settings, email: str, username: str, password: str) -> str:
    from blogapi.core.db import create_engine, create_sessionmaker
    from blogapi.core.errors import AppError
    from blogapi.users import service as users_service
    from blogapi.users.schemas import UserCreate

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            try:
                data = UserCreate(email=email, username=username, password=password)
                user = await users_service.create_user(session, settings, data, role=Role.ADMIN)
            except ValidationError as error:
                problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())
                raise SystemExit(f"error: {problems}") from None
            except AppError as error:
                details = "; ".join(f"{d.field}: {d.message}" for d in error.details)
                raise SystemExit(f"error: {error.message} {details}".strip()) from None
            await session.commit()
            return str(user.id)
    finally:
        await engine.dispose()


async def _worker(settings: Settings) -> None:
    """Deliver email and webhooks, announce posts that came due, flush counted views (with
    Redis) and purge deleted media until SIGTERM or SIGINT; what is in hand is finished first."""
    from blogapi.core.db import create_engine, create_sessionmaker
    from blogapi.core.logging import configure_logging
    from blogapi.mail.transport import transport_for
    from blogapi.mail.worker import run
    from blogapi.media.cleanup import run_purge
    from blogapi.media.storage import storage_for
    from blogapi.posts import announcer
    from blogapi.viewcounts.worker import run_view_flusher
    from blogapi.webhooks.worker import run as run_webhooks

    configure_logging(settings.log_level, settings.effective_log_format)
    if settings.worker_metrics_port is not None:
        from prometheus_client import start_http_server

        from blogapi.core.metrics import REGISTRY

        start_http_server(settings.worker_metrics_port, addr=settings.host, registry=REGISTRY)
    engine = create_engine(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        sessionmaker = create_sessionmaker(engine)
        await asyncio.gather(
            run(sessionmaker, transport_for(settings), settings, stop),
            run_purge(sessionmaker, storage_for(settings), settings, stop),
            announcer.run(sessionmaker, settings, stop),
            run_view_flusher(sessionmaker, settings, stop),
            run_webhooks(sessionmaker, settings, stop),
        )
    finally:
        await engine.dispose()


def _admin_password() -> str:
    password = os.environ.get("BLOGAPI_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise SystemExit("error: set BLOGAPI_ADMIN_PASSWORD or run in a terminal to be asked")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != password:
        raise SystemExit("error: the passwords differ")
    return password


def _parser() -> argparse.ArgumentParser:
    from blogapi.demo import command as demo_command
    from blogapi.portability import command as portability_command

    parser = argparse.ArgumentParser(prog="blogapi", description="Blog API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve the API")
    serve_cmd.add_argument("--host", help="bind address (HOST, default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port (PORT, default 8000)")
    serve_cmd.add_argument(
        "--workers", type=int, help="worker processes (WEB_CONCURRENCY, default 1)"
    )
    migrate_cmd = commands.add_parser(
        "migrate", help="apply database migrations (alembic upgrade head), or move to a revision"
    )
    migrate_cmd.add_argument(
        "--to",
        metavar="REV",
        help="upgrade or downgrade to this revision (an id, `head` or `base`); a downgrade "
        "drops what later migrations added (docs/operations.md)",
    )
    commands.add_parser(
        "worker",
        help="deliver queued emails (SMTP, or files when none is set) and purge deleted media",
    )
    admin = commands.add_parser(
        "create-admin",
        help="create an admin account (password: BLOGAPI_ADMIN_PASSWORD or a prompt)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--username", required=True)
    demo_command.add_arguments(
        commands.add_parser(
            "seed-demo",
            help="fill the database with a deterministic demo data set (migrates it first)",
        )
    )
    portability_command.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    from blogapi.demo import command as demo_command
    from blogapi.portability import command as portability_command

    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        raise SystemExit(f"error: invalid configuration: {problems}") from None
    if args.command in ("migrate", "worker"):
        wait_for_database(settings, attempts=settings.db_connect_attempts)
    if args.command == "serve":
        serve(args, settings)
    elif args.command == "migrate" and args.to:
        portability_command.migrate_to(args.to, settings)
    elif args.command == "migrate":
        migrate()
    elif args.command == "worker":
        asyncio.run(_worker(settings))
    elif args.command == "create-admin":
        user_id = asyncio.run(_create_admin(settings, args.email, args.username, _admin_password()))
        print(f"created admin {args.username} ({user_id})")
    elif args.command == "seed-demo":
        migrate()
        demo_command.run(args, settings)
    elif args.command in portability_command.COMMANDS:
        portability_command.run(args, settings)
