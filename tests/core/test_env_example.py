"""`.env.example` documents every setting, and every line in it is a real setting."""

import re
from pathlib import Path

from blogapi.core.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
# Read by the CLI rather than by Settings.
EXTRA = {"WEB_CONCURRENCY", "BLOGAPI_ADMIN_PASSWORD"}


def _documented() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_every_setting_is_documented_in_env_example() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    missing = settings - _documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_names_only_real_settings() -> None:
    unknown = _documented() - {name.upper() for name in Settings.model_fields} - EXTRA
    assert not unknown, f"not settings: {sorted(unknown)}"


def test_env_example_values_are_valid_settings() -> None:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match and match.group(1) not in EXTRA and match.group(2):
            values[match.group(1).lower()] = match.group(2)
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    assert settings.database_url.startswith("sqlite+aiosqlite")
