"""Sign-in latency against a running server: 30 sequential logins with a known email and 30
with an unknown one; prints p50 and p95 of each (they should be alike: no account probing).

    uv run python bench/login_latency.py http://127.0.0.1:8000 someone@example.com 'password'

Run the server with RATE_LIMITS_ENABLED=false, or the per-account login limit answers 429.
"""

import statistics
import sys
import time

import httpx

ROUNDS = 30


def timed(base_url: str, body: dict[str, str]) -> tuple[int, float, float]:
    times: list[float] = []
    status = 0
    with httpx.Client(base_url=base_url) as client:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            status = client.post("/api/v1/auth/login", json=body).status_code
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return status, statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    base_url, email, password = sys.argv[1:4]
    for label, address in (("known", email), ("unknown", "nobody-here@example.com")):
        status, p50, p95 = timed(base_url, {"email": address, "password": password})
        print(f"{label:<8} status {status}  p50 {p50:.1f} ms  p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
