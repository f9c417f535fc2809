"""Comments keep their numbers through a move (RealWorld's comment ids), and new comments on
the imported blog get new ones: on PostgreSQL the identity's sequence is moved past the
imported numbers (without that, the first new comment hit a taken number: a 500)."""

from pathlib import Path

import httpx

from blogapi.portability.exporting import export_archive
from blogapi.portability.importing import import_archive

from .moving import Place, migrated, quiet, serving

ROOT = "/realworld/api"
USER = {"username": "mover", "email": "mover@example.com", "password": "moving day passphrase"}


async def _comment(client: httpx.AsyncClient, token: str, slug: str, body: str) -> int:
    response = await client.post(
        f"{ROOT}/articles/{slug}/comments",
        json={"comment": {"body": body}},
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 200, response.text
    number: int = response.json()["comment"]["id"]
    return number


async def test_new_comments_after_an_import_get_new_numbers(
    tmp_path: Path, pg_place: Place
) -> None:
    source = Place(f"sqlite+aiosqlite:///{tmp_path / 'source.db'}", tmp_path / "media-a")
    target = pg_place
    await migrated(source.url)
    async with serving(source) as (_app, client):
        user = (await client.post(f"{ROOT}/users", json={"user": USER})).json()["user"]
        article = {"title": "Moving", "description": "d", "body": "b"}
        created = await client.post(
            f"{ROOT}/articles",
            json={"article": article},
            headers={"Authorization": f"Token {user['token']}"},
        )
        slug = created.json()["article"]["slug"]
        numbers = [await _comment(client, user["token"], slug, text) for text in ("a", "b")]
    archive = tmp_path / "blog.tar.gz"
    await export_archive(source.settings(), archive, quiet())
    await import_archive(target.settings(), archive, quiet())

    async with serving(target) as (_app, client):
        login = {"user": {"email": USER["email"], "password": USER["password"]}}
        token = (await client.post(f"{ROOT}/users/login", json=login)).json()["user"]["token"]
        listed = (await client.get(f"{ROOT}/articles/{slug}/comments")).json()["comments"]
        assert [c["id"] for c in listed] == numbers
        new = await _comment(client, token, slug, "c")
        assert new > max(numbers)
