"""A preview link's token is in its URL's path: no log line carries it, neither the access
line of each request nor the WARNING of a refused one."""

import pytest
from factories import create_post, own_app, signed_in

from blogapi.core.logging import scrub

from .links import make_link, open_link, revoke


async def test_no_log_line_carries_a_preview_token(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with own_app(
        database_url, log_format="json", log_level="INFO", rate_limit_preview_ip="2/minute"
    ) as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author, status="draft")
        link = await make_link(client, author, post["id"])
        capsys.readouterr()

        assert (await open_link(client, link["token"])).status_code == 200
        assert (await revoke(client, author, post["id"], link["id"])).status_code == 204
        assert (await open_link(client, link["token"])).status_code == 404
        assert (await open_link(client, link["token"])).status_code == 429  # logged refusal

    logged = capsys.readouterr().err
    assert link["token"] not in logged
    assert logged.count('"path": "/api/v1/preview/[redacted]"') == 4, logged  # with the refusal
    assert logged.count('"route": "/api/v1/preview/{token:path}"') == 3, logged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/api/v1/preview/abc-DEF_123", "/api/v1/preview/[redacted]"),
        ("/api/v1/preview/a/b?x=1", "/api/v1/preview/[redacted]?x=1"),
        ("GET /api/v1/preview/abc failed", "GET /api/v1/preview/[redacted] failed"),
        ("/api/v1/posts/a-post/preview-links", "/api/v1/posts/a-post/preview-links"),
        ("/api/v1/preview/{token:path}", "/api/v1/preview/{token:path}"),
    ],
)
def test_scrub_masks_the_token_of_a_preview_path_only(text: str, expected: str) -> None:
    assert scrub(text) == expected
