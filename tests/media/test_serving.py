"""Local files served at /media/<key>: cacheable for a year, never sniffed, never a page."""

from factories import assert_error

from .conftest import MediaApp
from .pictures import picture


async def test_a_file_is_served_with_safe_long_lived_headers(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("PNG"))

    response = await media.fetch(body["url"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    assert response.headers["etag"].startswith('"')


async def test_a_matching_etag_gets_304(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("PNG"))
    etag = (await media.fetch(body["url"])).headers["etag"]

    path = body["url"].removeprefix("http://127.0.0.1:8000")
    response = await media.client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


async def test_head_gives_the_headers_only(media: MediaApp) -> None:
    author = await media.account()
    body = await media.uploaded(author, picture("PNG"))

    response = await media.client.head(body["url"].removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == b""


async def test_paths_that_are_not_our_keys_are_404(media: MediaApp) -> None:
    (media.root / "secret.txt").parent.mkdir(parents=True, exist_ok=True)
    (media.root / "secret.txt").write_text("not for you")
    for path in (
        "/media/secret.txt",
        "/media/../../etc/passwd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/0123456789abcdef0123456789abcdef/original.html",
        "/media/0123456789abcdef0123456789abcdef/../secret.txt",
    ):
        response = await media.client.get(path)
        assert response.status_code == 404, path
        assert b"not for you" not in response.content


async def test_a_missing_file_is_404(media: MediaApp) -> None:
    response = await media.client.get("/media/0123456789abcdef0123456789abcdef/original.png")

    assert_error(response, 404, "NOT_FOUND")
