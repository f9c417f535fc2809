"""`blogapi serve --port N` (one worker, no PORT in the environment) builds its links, media
URLs and redirects, on the port it listens on: a real process, as `make run` starts it."""

import io
from pathlib import Path

import httpx
import pytest
from alembic import command
from PIL import Image
from processes import free_port, start, stop, wait_until_serving

from blogapi.cli import alembic_config

PASSWORD = "a perfectly fine passphrase"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own (what the process writes stays there)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/serve.db"
    command.upgrade(alembic_config(url), "head")
    return url


async def _links(base: str) -> tuple[str, str]:
    """The redirect of a trailing slash, and the URL of an uploaded image, as served."""
    async with httpx.AsyncClient(base_url=base) as client:
        redirect = await client.get("/api/v1/posts/")
        assert redirect.status_code == 307, redirect.text
        account = {"email": "ada@example.com", "password": PASSWORD}
        registered = await client.post("/api/v1/auth/register", json={**account, "username": "ada"})
        assert registered.status_code == 201, registered.text
        token = (await client.post("/api/v1/auth/login", json=account)).json()["access_token"]
        files = {"file": ("p.png", _png(), "image/png")}
        uploaded = await client.post(
            "/api/v1/media", files=files, headers={"Authorization": f"Bearer {token}"}
        )
        assert uploaded.status_code == 201, uploaded.text
        return redirect.headers["location"], uploaded.json()["url"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    return out.getvalue()


async def _served(tmp_path: Path, sqlite_url: str, args: list[str], **env: str) -> tuple[str, str]:
    port = int(args[args.index("--port") + 1])
    process = start(
        ["serve", *args],
        tmp_path,
        DATABASE_URL=sqlite_url,
        MEDIA_DIR=str(tmp_path / "media"),
        RATE_LIMITS_ENABLED="false",
        # Empty is unset (env_ignore_empty): nothing from the test's own environment leaks in.
        **{"HOST": "", "PORT": "", "PUBLIC_BASE_URL": "", "MEDIA_PUBLIC_BASE_URL": "", **env},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_serving(base, process)
        redirect, media_url = await _links(base)
        async with httpx.AsyncClient() as client:
            if media_url.startswith(base):
                assert (await client.get(media_url)).status_code == 200
        return redirect, media_url
    finally:
        stop(process)


@pytest.mark.parametrize(
    ("args", "env", "base"),
    [
        (["--port", "{port}"], {}, "http://127.0.0.1:{port}"),
        # The command line wins over HOST and PORT in the environment.
        (
            ["--host", "127.0.0.1", "--port", "{port}"],
            {"HOST": "0.0.0.0", "PORT": "1"},  # noqa: S104 (what the command line overrides)
            "http://127.0.0.1:{port}",
        ),
        # A PUBLIC_BASE_URL that is set wins over the port.
        (["--port", "{port}"], {"PUBLIC_BASE_URL": "https://blog.example"}, "https://blog.example"),
    ],
    ids=["port", "over-the-environment", "public-base-url-set"],
)
async def test_serve_builds_links_on_the_address_it_serves(
    tmp_path: Path, sqlite_url: str, args: list[str], env: dict[str, str], base: str
) -> None:
    port = str(free_port())

    redirect, media_url = await _served(
        tmp_path, sqlite_url, [arg.format(port=port) for arg in args], **env
    )

    assert redirect == base.format(port=port) + "/api/v1/posts"
    assert media_url.startswith(base.format(port=port) + "/media/")
