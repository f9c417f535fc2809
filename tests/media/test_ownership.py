"""Mine is mine: others cannot list, read or delete it (404, as if it did not exist)."""

from factories import assert_error

from blogapi.core.config import Role
from blogapi.media.cleanup import purge_deleted

from .conftest import MEDIA, MediaApp
from .pictures import picture


async def test_the_list_shows_my_media_newest_first(media: MediaApp) -> None:
    author = await media.account()
    first = await media.uploaded(author, picture("PNG", color="red"))
    second = await media.uploaded(author, picture("PNG", color="blue"))

    response = await media.client.get(MEDIA, headers=author.headers)

    assert response.status_code == 200
    body = response.json()
    assert [m["id"] for m in body["data"]] == [second["id"], first["id"]]
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "total_pages": 1}


async def test_the_list_pages(media: MediaApp) -> None:
    author = await media.account()
    for color in ("red", "green", "blue"):
        await media.uploaded(author, picture(color=color))

    page = (
        await media.client.get(MEDIA, params={"limit": 2, "page": 2}, headers=author.headers)
    ).json()

    assert len(page["data"]) == 1
    assert page["pagination"]["total_pages"] == 2


async def test_bad_page_parameters_are_400(media: MediaApp) -> None:
    author = await media.account()
    response = await media.client.get(MEDIA, params={"limit": 101}, headers=author.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="limit")


async def test_another_user_does_not_see_my_media_in_their_list(media: MediaApp) -> None:
    mine, other = await media.account(), await media.account()
    await media.uploaded(mine, picture())

    listed = (await media.client.get(MEDIA, headers=other.headers)).json()

    assert listed["data"] == []


async def test_the_list_needs_a_sign_in(media: MediaApp) -> None:
    assert_error(await media.client.get(MEDIA), 401, "AUTHENTICATION_REQUIRED")


async def test_i_can_read_my_media(media: MediaApp) -> None:
    author = await media.account()
    uploaded = await media.uploaded(author, picture(), alt="Mine")

    response = await media.client.get(f"{MEDIA}/{uploaded['id']}", headers=author.headers)

    assert response.status_code == 200
    assert response.json() == uploaded


async def test_another_user_cannot_read_my_media(media: MediaApp) -> None:
    mine, other = await media.account(), await media.account()
    uploaded = await media.uploaded(mine, picture())

    response = await media.client.get(f"{MEDIA}/{uploaded['id']}", headers=other.headers)

    assert_error(response, 404, "NOT_FOUND")


async def test_another_user_cannot_delete_my_media(media: MediaApp) -> None:
    mine, other = await media.account(), await media.account()
    uploaded = await media.uploaded(mine, picture())

    response = await media.client.delete(f"{MEDIA}/{uploaded['id']}", headers=other.headers)

    assert_error(response, 404, "NOT_FOUND")
    still = await media.client.get(f"{MEDIA}/{uploaded['id']}", headers=mine.headers)
    assert still.status_code == 200


async def test_an_editor_cannot_delete_my_media(media: MediaApp) -> None:
    mine, editor = await media.account(), await media.account(Role.EDITOR)
    uploaded = await media.uploaded(mine, picture())

    response = await media.client.delete(f"{MEDIA}/{uploaded['id']}", headers=editor.headers)

    assert_error(response, 404, "NOT_FOUND")


async def test_an_admin_can_delete_anyones_media(media: MediaApp) -> None:
    mine, admin = await media.account(), await media.account(Role.ADMIN)
    uploaded = await media.uploaded(mine, picture())

    response = await media.client.delete(f"{MEDIA}/{uploaded['id']}", headers=admin.headers)

    assert response.status_code == 204
    gone = await media.client.get(f"{MEDIA}/{uploaded['id']}", headers=mine.headers)
    assert_error(gone, 404, "NOT_FOUND")


async def test_a_malformed_id_is_400_and_an_unknown_one_404(media: MediaApp) -> None:
    author = await media.account()

    bad = await media.client.get(f"{MEDIA}/not-a-uuid", headers=author.headers)
    unknown = await media.client.get(
        f"{MEDIA}/01234567-89ab-7def-8123-456789abcdef", headers=author.headers
    )

    assert_error(bad, 400, "VALIDATION_ERROR", field="media_id")
    assert_error(unknown, 404, "NOT_FOUND")


async def test_a_deleted_account_takes_its_media_along(media: MediaApp) -> None:
    author = await media.account()
    uploaded = await media.uploaded(author, picture())
    files = {"file": ("me.png", picture(color="red"), "image/png")}
    await media.client.put("/api/v1/users/me/avatar", files=files, headers=author.headers)
    assert len(media.files()) == 2

    response = await media.client.request(
        "DELETE", "/api/v1/users/me", json={"password": author.password}, headers=author.headers
    )
    assert response.status_code == 204

    app = media.app
    purged = await purge_deleted(app.state.sessionmaker, app.state.storage, older_than_seconds=0)
    assert purged == 2
    assert media.files() == []
    assert (await media.fetch(uploaded["url"])).status_code == 404
