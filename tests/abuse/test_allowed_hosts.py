"""ALLOWED_HOSTS: other Host headers get a 400 envelope; redirects never echo the Host header."""

import pytest
from factories import assert_error, own_app

POSTS = "/api/v1/posts"


@pytest.mark.parametrize("host", ["evil.example", "api.example.com.evil.example", "", "[::1]"])
async def test_a_host_not_allowed_is_400(database_url: str, host: str) -> None:
    async with own_app(database_url, allowed_hosts=["api.example.com"]) as (_app, client):
        response = await client.get(POSTS, headers={"host": host})

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": "Host", "message": "This host is not served here"}]


@pytest.mark.parametrize("host", ["api.example.com", "API.example.com:8443", "cdn.example.org"])
async def test_allowed_hosts_and_their_wildcards_are_served(database_url: str, host: str) -> None:
    hosts = ["api.example.com", "*.example.org"]
    async with own_app(database_url, allowed_hosts=hosts) as (_app, client):
        response = await client.get(POSTS, headers={"host": host})

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["/health", "/health/ready", "/metrics"])
async def test_probes_and_the_scrape_answer_whatever_the_host(database_url: str, path: str) -> None:
    # kubelet and Prometheus call pods by their IP address.
    async with own_app(database_url, allowed_hosts=["api.example.com"]) as (_app, client):
        response = await client.get(path, headers={"host": "10.1.2.3:8000"})

    assert response.status_code == 200, response.text


async def test_a_trailing_slash_redirect_is_built_on_the_public_base_url(database_url: str) -> None:
    base = "https://api.example.com"
    async with own_app(database_url, public_base_url=base) as (_app, client):
        response = await client.get(f"{POSTS}/?page=2", headers={"host": "evil.example"})

    assert response.status_code == 307
    assert response.headers["location"] == f"{base}{POSTS}?page=2"
    assert "evil" not in response.text


async def test_a_path_no_route_takes_either_way_is_still_404(database_url: str) -> None:
    async with own_app(database_url) as (_app, client):
        response = await client.get("/api/v1/nothing-here/", headers={"host": "evil.example"})

    assert_error(response, 404, "NOT_FOUND")
    assert "location" not in response.headers
