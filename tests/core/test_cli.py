"""The `blogapi` command: migrate, and create-admin with the password from the environment."""

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from harness import make_settings

from blogapi import cli
from blogapi.core.config import Settings, get_settings
from blogapi.main import create_app

ADMIN_PASSWORD = "a long and unusual admin passphrase"


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file named by DATABASE_URL, migrated with `blogapi migrate`."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("BLOGAPI_ADMIN_PASSWORD", raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-secret-key-that-is-long-enough-for-hs256")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    get_settings.cache_clear()
    cli.main(["migrate"])
    yield url
    get_settings.cache_clear()


def create_admin(username: str = "root", email: str = "root@example.com") -> None:
    cli.main(["create-admin", "--email", email, "--username", username])


def exit_message(excinfo: pytest.ExceptionInfo[SystemExit]) -> str:
    message = excinfo.value.code
    assert isinstance(message, str), message  # a message, and exit status 1
    assert message.startswith("error:")
    return message


@pytest.fixture
def admin_database(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("BLOGAPI_ADMIN_PASSWORD", ADMIN_PASSWORD)
    create_admin()
    assert capsys.readouterr().out.startswith("created admin root (")
    return database


@pytest.fixture
async def admin_client(admin_database: str) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(make_settings(admin_database))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_create_admin_makes_an_admin_who_can_sign_in(
    admin_client: httpx.AsyncClient,
) -> None:
    response = await admin_client.post(
        "/api/v1/auth/login", json={"email": "root@example.com", "password": ADMIN_PASSWORD}
    )

    assert response.status_code == 200, response.text
    assert response.json()["user"]["role"] == "admin"
    assert response.json()["user"]["username"] == "root"
    token = response.json()["access_token"]
    users = await admin_client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert users.status_code == 200
    assert [user["username"] for user in users.json()["data"]] == ["root"]


def test_create_admin_refuses_a_taken_username(admin_database: str) -> None:
    with pytest.raises(SystemExit) as excinfo:
        create_admin(email="other@example.com")

    assert "taken" in exit_message(excinfo)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password", "common"),
        ("iloveyou", "common"),
        ("12345678", "common"),
        ("root_admin", "username"),
    ],
)
def test_create_admin_refuses_a_weak_password_and_writes_nothing(
    database: str, monkeypatch: pytest.MonkeyPatch, password: str, reason: str
) -> None:
    monkeypatch.setenv("BLOGAPI_ADMIN_PASSWORD", password)

    with pytest.raises(SystemExit) as excinfo:
        create_admin(username="root_admin")

    assert "password" in exit_message(excinfo).lower()
    assert reason in exit_message(excinfo)
    monkeypatch.setenv("BLOGAPI_ADMIN_PASSWORD", ADMIN_PASSWORD)
    create_admin(username="root_admin")  # the name is still free: nothing was written


@pytest.mark.parametrize("password", ["short", "x" * 129], ids=["7-chars", "129-chars"])
def test_create_admin_refuses_a_password_of_the_wrong_length_with_a_clear_error(
    database: str, monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    monkeypatch.setenv("BLOGAPI_ADMIN_PASSWORD", password)

    with pytest.raises(SystemExit) as excinfo:
        create_admin()

    assert "password" in exit_message(excinfo)


@pytest.mark.parametrize(
    ("username", "email"),
    [("root", "not-an-email"), ("x", "x@example.com")],
    ids=["bad-email", "short-username"],
)
def test_create_admin_refuses_a_bad_email_or_username_with_a_clear_error(
    database: str, monkeypatch: pytest.MonkeyPatch, username: str, email: str
) -> None:
    monkeypatch.setenv("BLOGAPI_ADMIN_PASSWORD", ADMIN_PASSWORD)

    with pytest.raises(SystemExit) as excinfo:
        create_admin(username=username, email=email)

    exit_message(excinfo)


def test_create_admin_without_the_variable_or_a_terminal_exits_with_a_clear_error(
    database: str,
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        create_admin()

    assert "BLOGAPI_ADMIN_PASSWORD" in exit_message(excinfo)


def test_create_admin_asks_twice_on_a_terminal_and_refuses_different_answers(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([ADMIN_PASSWORD, ADMIN_PASSWORD + "!"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))

    with pytest.raises(SystemExit) as excinfo:
        create_admin()

    assert "differ" in exit_message(excinfo)


def test_create_admin_takes_the_password_from_a_terminal(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": ADMIN_PASSWORD)

    create_admin()

    assert "created admin root" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "value"), [("DATABASE_URL", "mysql://root@localhost/blog"), ("PORT", "99999")]
)
def test_an_invalid_configuration_stops_the_command_naming_the_variable(
    database: str, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    with pytest.raises(SystemExit) as excinfo:
        cli.main(["migrate"])

    assert name in exit_message(excinfo)


def test_production_without_a_secret_key_stops_the_command(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY")
    get_settings.cache_clear()

    with pytest.raises(SystemExit) as excinfo:
        cli.main(["migrate"])

    assert "SECRET_KEY" in exit_message(excinfo)


def test_serve_gives_the_app_the_port_it_listens_on(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links (emails, media URLs) follow `serve --port` when PUBLIC_BASE_URL is unset."""
    started: dict[str, object] = {}
    monkeypatch.setattr(cli.uvicorn, "run", lambda _app, **options: started.update(options))
    for name in ("HOST", "PORT"):  # set first, so that what serve sets is undone after
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    cli.main(["serve", "--port", "8777"])
    assert started["port"] == 8777
    assert started["host"] == "127.0.0.1"
    assert Settings(_env_file=None).public_base_url == "http://127.0.0.1:8777"  # type: ignore[call-arg]
