"""CORS from CORS_ORIGINS: listed origins are echoed, others get nothing, `*` never with cookies."""

import httpx
import pytest
from factories import create_post, own_app, signed_in

from blogapi.core.config import Settings

from .ratelimits import POSTS

ALLOWED = "https://app.example.com"
ALSO_ALLOWED = "https://admin.example.com"
STRANGER = "https://evil.example.net"
ORIGINS = [ALLOWED, ALSO_ALLOWED]
CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
)


def _preflight(origin: str, method: str = "PATCH", headers: str | None = None) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers or "authorization, content-type, if-match",
    }


def _listed(header: str) -> set[str]:
    return {item.strip().lower() for item in header.split(",")}


def _assert_no_cors(response: httpx.Response) -> None:
    for name in CORS_HEADERS:
        assert name not in response.headers, (name, response.headers)


async def test_a_listed_origin_is_echoed_with_credentials(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (_app, client):
        responses = [await client.get(POSTS, headers={"Origin": o}) for o in ORIGINS]

    for origin, response in zip(ORIGINS, responses, strict=True):
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "origin" in _listed(response.headers["vary"])
        exposed = _listed(response.headers["access-control-expose-headers"])
        assert {"etag", "x-request-id", "retry-after", "ratelimit", "ratelimit-policy"} <= exposed


async def test_any_other_origin_gets_no_cors_headers(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (_app, client):
        lookalikes = [STRANGER, "https://app.example.com.evil.net", "http://app.example.com"]
        responses = [await client.get(POSTS, headers={"Origin": o}) for o in lookalikes]

    for response in responses:
        assert response.status_code == 200
        _assert_no_cors(response)


async def test_without_cors_origins_nobody_gets_cors_headers(client: httpx.AsyncClient) -> None:
    simple = await client.get(POSTS, headers={"Origin": ALLOWED})
    preflight = await client.options(POSTS, headers=_preflight(ALLOWED, "POST"))

    _assert_no_cors(simple)
    _assert_no_cors(preflight)
    assert preflight.status_code in (400, 405)


async def test_a_preflight_for_an_edit_with_if_match_is_allowed(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author)

        response = await client.options(f"{POSTS}/{post['id']}", headers=_preflight(ALLOWED))

    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "patch" in _listed(response.headers["access-control-allow-methods"])
    allowed_headers = _listed(response.headers["access-control-allow-headers"])
    assert {"authorization", "content-type", "if-match"} <= allowed_headers
    assert int(response.headers["access-control-max-age"]) > 0


async def test_the_edit_itself_works_cross_origin(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author)
        read = await client.get(f"{POSTS}/{post['id']}", headers=author.headers)
        headers = {**author.headers, "Origin": ALLOWED, "If-Match": read.headers["etag"]}

        response = await client.patch(
            f"{POSTS}/{post['id']}", json={"title": "Edited"}, headers=headers
        )

    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "etag" in _listed(response.headers["access-control-expose-headers"])


async def test_a_preflight_from_another_origin_is_refused(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (_app, client):
        response = await client.options(POSTS, headers=_preflight(STRANGER))

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers


async def test_a_preflight_asking_for_an_unlisted_header_is_refused(database_url: str) -> None:
    async with own_app(database_url, cors_origins=ORIGINS) as (_app, client):
        response = await client.options(
            POSTS, headers=_preflight(ALLOWED, "POST", "authorization, x-sneaky-header")
        )

    assert response.status_code == 400


async def test_preflights_are_not_rate_limited(database_url: str) -> None:
    overrides = {"cors_origins": ORIGINS, "rate_limit_read_ip": "1/minute"}
    async with own_app(database_url, **overrides) as (_app, client):
        statuses = [
            (await client.options(POSTS, headers=_preflight(ALLOWED, "POST"))).status_code
            for _ in range(3)
        ]

    assert statuses == [200, 200, 200]


async def test_a_rate_limited_answer_is_readable_by_a_listed_origin(database_url: str) -> None:
    overrides = {"cors_origins": ORIGINS, "rate_limit_read_ip": "1/minute"}
    async with own_app(database_url, **overrides) as (_app, client):
        await client.get(POSTS, headers={"Origin": ALLOWED})
        response = await client.get(POSTS, headers={"Origin": ALLOWED})

    assert response.status_code == 429
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "retry-after" in _listed(response.headers["access-control-expose-headers"])


async def test_a_wildcard_origin_never_comes_with_credentials(database_url: str) -> None:
    async with own_app(database_url, cors_origins=["*"]) as (_app, client):
        simple = await client.get(POSTS, headers={"Origin": STRANGER})
        preflight = await client.options(POSTS, headers=_preflight(STRANGER, "POST"))

    for response in (simple, preflight):
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] in ("*", STRANGER)
        assert "access-control-allow-credentials" not in response.headers
    assert simple.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://a.example, https://b.example", ["https://a.example", "https://b.example"]),
        ("https://a.example", ["https://a.example"]),
        (" , ", []),
    ],
)
def test_cors_origins_are_read_from_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str]
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", raw)

    assert Settings(_env_file=None).cors_origins == expected  # type: ignore[call-arg]
