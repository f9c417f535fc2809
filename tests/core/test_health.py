import httpx

from blogapi.health.router import Health


async def test_health_reports_version_without_touching_the_database(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["version"]
    assert body["timestamp"].endswith("Z")
    assert response.headers["content-type"] == "application/json"
    assert Health.model_validate(body).model_dump() == body  # the documented shape, no more


async def test_ready_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}
