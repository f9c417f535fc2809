"""gzip over HTTP: JSON, the OpenAPI document and HTML of 1 KiB or more when the client takes
gzip, with `Vary: Accept-Encoding`; never media, never an answer that carries tokens, never
below 1 KiB; a gzip copy has its own strong ETag, and 304s and If-Match work with either."""

import gzip
import io
import random
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from factories import ME, POSTS, Account, create_post, own_app, signed_in
from fastapi import FastAPI
from PIL import Image

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
VARY = "Authorization, Accept-Encoding"
LONG = "A paragraph long enough that a page of these posts passes a kilobyte. " * 8


async def raw_get(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent (httpx would decode a gzip one)."""
    async with client.stream("GET", url, headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


async def a_page_of_posts(app: FastAPI, client: httpx.AsyncClient) -> Account:
    author = await signed_in(app, client)
    for n in range(4):
        await create_post(client, author, title=f"Compressed {n}", summary=LONG[:280])
    return author


def gzip_tag(etag: str) -> str:
    return etag[:-1] + '-gzip"'


async def test_a_page_of_a_kilobyte_or_more_is_gzipped_for_a_client_that_takes_gzip(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await a_page_of_posts(app, client)
    plain, identity = await raw_get(client, POSTS, IDENTITY)
    assert len(identity) >= 1024

    response, raw = await raw_get(client, POSTS, GZIP)

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == identity
    assert int(response.headers["content-length"]) == len(raw) < len(identity) / 2
    assert response.headers["vary"] == VARY
    assert response.headers["etag"] == gzip_tag(plain.headers["etag"])
    assert response.headers["cache-control"] == plain.headers["cache-control"]


@pytest.mark.parametrize(
    "accept", ["identity", "gzip;q=0", "br", "deflate, identity", "*;q=0", "gzip;q=zero"]
)
async def test_a_client_that_does_not_take_gzip_gets_identity_bytes_that_still_vary(
    app: FastAPI, client: httpx.AsyncClient, accept: str
) -> None:
    await a_page_of_posts(app, client)

    response, raw = await raw_get(client, POSTS, {"Accept-Encoding": accept})

    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert raw.startswith(b'{"data":')
    assert response.headers["vary"] == VARY
    assert not response.headers["etag"].endswith('-gzip"')


@pytest.mark.parametrize("accept", ["gzip, deflate, br", "GZIP;q=0.5", "*", "x-gzip", "br;q=1, *"])
async def test_gzip_named_or_implied_with_a_weight_above_zero_is_taken(
    client: httpx.AsyncClient, accept: str
) -> None:
    response, raw = await raw_get(client, "/openapi.json", {"Accept-Encoding": accept})

    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw).startswith(b'{"openapi":')
    assert response.headers["vary"] == "Accept-Encoding"


async def test_small_answers_and_errors_stay_identity_and_say_vary(
    client: httpx.AsyncClient,
) -> None:
    for url, status in (("/health", 200), (f"{POSTS}/no-such-post", 404), (ME, 401)):
        response, raw = await raw_get(client, url, GZIP)
        assert response.status_code == status, url
        assert len(raw) < 1024
        assert "content-encoding" not in response.headers, url
        assert "Accept-Encoding" in response.headers["vary"], url


async def long_bio(client: httpx.AsyncClient, account: Account) -> None:
    response = await client.patch(ME, json={"bio": LONG * 2}, headers=account.headers)
    assert response.status_code == 200, response.text


async def test_sign_in_and_refresh_answers_are_never_compressed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await long_bio(client, account)
    login = {"email": account.email, "password": account.password}
    form = {"username": account.username, "password": account.password}

    signed = await client.post("/api/v1/auth/login", json=login, headers=GZIP)
    by_form = await client.post("/api/v1/auth/token", data=form, headers=GZIP)
    refresh = {"refresh_token": signed.json()["refresh_token"]}
    refreshed = await client.post("/api/v1/auth/refresh", json=refresh, headers=GZIP)

    for response in (signed, by_form, refreshed):
        assert response.status_code == 200, response.text
        assert len(response.content) >= 1024  # large enough: the marker is why, not the size
        assert "content-encoding" not in response.headers
        assert response.headers["cache-control"] == "no-store, no-transform"
        assert "vary" not in response.headers
    # The same account's profile, as large, is compressed: only the token answers are exempt.
    profile = await client.get(ME, headers={**account.headers, **GZIP})
    assert profile.headers["content-encoding"] == "gzip"


def noise_png() -> bytes:
    """An image that stays far above 1 KiB once the upload re-encodes it."""
    pixels = random.Random(7).randbytes(160 * 160 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (160, 160), pixels).save(out, "PNG")
    return out.getvalue()


async def test_media_files_are_never_compressed(database_url: str, tmp_path: Path) -> None:
    async with own_app(
        database_url, rate_limits_enabled=False, media_dir=str(tmp_path / "media")
    ) as (app, client):
        author = await signed_in(app, client)
        files = {"file": ("noise.png", noise_png(), "application/octet-stream")}
        uploaded = await client.post("/api/v1/media", files=files, headers=author.headers)
        assert uploaded.status_code == 201, uploaded.text
        body = uploaded.json()
        urls = [body["url"], *(variant["url"] for variant in body["variants"])]
        for url in urls:
            response, raw = await raw_get(client, urlsplit(url).path, GZIP)
            assert response.status_code == 200, url
            assert len(raw) >= 1024, url
            assert response.headers["content-type"].startswith("image/"), url
            assert "content-encoding" not in response.headers, url
            assert "vary" not in response.headers, url


async def test_the_gzip_copy_revalidates_with_its_own_tag(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await a_page_of_posts(app, client)
    first = await client.get(POSTS, headers=GZIP)
    etag = first.headers["etag"]
    assert etag.endswith('-gzip"')

    again = await client.get(POSTS, headers={**GZIP, "If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["vary"] == VARY
    assert "content-encoding" not in again.headers


async def test_an_identity_copy_revalidates_with_its_tag_even_when_gzip_is_taken(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await a_page_of_posts(app, client)
    etag = (await client.get(POSTS, headers=IDENTITY)).headers["etag"]

    again = await client.get(POSTS, headers={**GZIP, "If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["etag"] == etag


async def test_a_gzip_tag_from_a_client_that_no_longer_takes_gzip_names_the_identity_copy(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await a_page_of_posts(app, client)
    plain = (await client.get(POSTS, headers=IDENTITY)).headers["etag"]

    again = await client.get(POSTS, headers={**IDENTITY, "If-None-Match": gzip_tag(plain)})

    assert again.status_code == 304
    assert again.headers["etag"] == plain


async def test_a_stale_gzip_tag_gets_the_new_page(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await a_page_of_posts(app, client)
    stale = (await client.get(POSTS, headers=GZIP)).headers["etag"]
    await create_post(client, author, title="A newer post", summary=LONG[:280])

    response = await client.get(POSTS, headers={**GZIP, "If-None-Match": stale})

    assert response.status_code == 200
    assert response.headers["etag"] != stale
    assert response.json()["pagination"]["total"] == 5


async def test_if_match_takes_the_gzip_tag_and_still_refuses_a_stale_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content=LONG * 3)
    read = await client.get(f"{POSTS}/{post['id']}", headers={**author.headers, **GZIP})
    etag = read.headers["etag"]
    assert etag.endswith('-gzip"')
    changed = {**author.headers, "If-Match": etag}

    first = await client.patch(f"{POSTS}/{post['id']}", json={"title": "New"}, headers=changed)
    second = await client.patch(f"{POSTS}/{post['id']}", json={"title": "Newer"}, headers=changed)

    assert first.status_code == 200, first.text
    assert second.status_code == 412
    assert second.json()["error"]["code"] == "PRECONDITION_FAILED"
