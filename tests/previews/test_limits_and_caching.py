"""Preview links past the route: the per-address limit (RATE_LIMIT_PREVIEW_IP) and the public
micro-cache (PUBLIC_CACHE_SECONDS), which must never keep a preview: a link revoked in another
process, or expired, stops at once."""

from datetime import timedelta

import time_machine
from factories import POSTS, assert_error, client_for, create_post, login, own_app, signed_in
from harness import counting_statements

from blogapi.core.db import utcnow
from blogapi.core.middleware import PublicCacheMiddleware

from .links import assert_preview_headers, make_link, open_link, revoke


async def test_previews_are_limited_per_address_whatever_the_token(database_url: str) -> None:
    async with own_app(database_url, rate_limit_preview_ip="3/minute") as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author, status="draft")
        link = await make_link(client, author, post["id"])

        answers = [await open_link(client, token) for token in ("A" * 43, "bad", link["token"])]
        refused = await open_link(client, link["token"])

        assert [r.status_code for r in answers] == [404, 404, 200]
        assert_error(refused, 429, "RATE_LIMITED")
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["ratelimit-policy"].startswith('"preview-ip";q=3;')
        # The limit is the previews' own: the author's reads and writes go on.
        assert (await client.get(f"{POSTS}/{post['id']}", headers=author.headers)).is_success
        await make_link(client, author, post["id"])


async def test_the_limit_counts_each_address_apart(database_url: str) -> None:
    async with own_app(database_url, rate_limit_preview_ip="1/minute") as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author, status="draft")
        link = await make_link(client, author, post["id"])
        assert (await open_link(client, link["token"])).status_code == 200
        assert (await open_link(client, link["token"])).status_code == 429

        async with client_for(app, "198.51.100.9") as elsewhere:
            assert (await open_link(elsewhere, link["token"])).status_code == 200
            assert (await open_link(elsewhere, link["token"])).status_code == 429


async def test_a_cached_process_never_serves_a_link_revoked_in_another(database_url: str) -> None:
    async with (
        own_app(database_url, public_cache_seconds=60, rate_limits_enabled=False) as (app, client),
        own_app(database_url, rate_limits_enabled=False) as (_, elsewhere),
    ):
        assert PublicCacheMiddleware in [m.cls for m in app.user_middleware]
        author = await signed_in(app, client)
        post = await create_post(client, author, status="draft")
        link = await make_link(client, author, post["id"])
        first = await open_link(client, link["token"])
        assert first.status_code == 200
        assert_preview_headers(first)

        # Another process revokes it: nothing drops this process's cache entries.
        there = await login(elsewhere, author.username)
        assert (await revoke(elsewhere, there, post["id"], link["id"])).status_code == 204
        with counting_statements(app) as statements:
            response = await open_link(client, link["token"])

        assert_error(response, 404, "NOT_FOUND")
        assert_preview_headers(response)
        assert statements  # the route answered, not a kept copy


async def test_a_cached_process_never_serves_an_expired_link(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=60, rate_limits_enabled=False) as (
        app,
        client,
    ):
        author = await signed_in(app, client)
        post = await create_post(client, author, status="draft")
        link = await make_link(client, author, post["id"], expires_in_hours=1)
        assert (await open_link(client, link["token"])).status_code == 200

        # The cache's clock (time.monotonic) does not travel: a kept copy would still be fresh.
        with time_machine.travel(utcnow() + timedelta(hours=1, seconds=1), tick=False):
            assert_error(await open_link(client, link["token"]), 404, "NOT_FOUND")
