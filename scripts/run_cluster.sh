#!/usr/bin/env bash
# `make run-cluster`: one machine, many processes. PostgreSQL and Redis must be running.
# Migrations run once, then two API processes (ports 8000 and 8001) and one email worker
# share the database and Redis (rate limits are counted across processes). Ctrl-C stops all.
set -euo pipefail
export DATABASE_URL="${DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/blog_cluster}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export ENVIRONMENT="${ENVIRONMENT:-production}"
export LOG_FORMAT="${LOG_FORMAT:-console}"
if [ -z "${SECRET_KEY:-}" ]; then
  mkdir -p data
  [ -f data/cluster_secret_key ] || python3 -c "import secrets; print(secrets.token_urlsafe(48))" > data/cluster_secret_key
  SECRET_KEY="$(cat data/cluster_secret_key)"
  export SECRET_KEY
fi
BLOGAPI="${BLOGAPI:-uv run --locked --no-sync blogapi}"

# The default database is created on first use when psql can reach the server.
if command -v psql >/dev/null && [[ "$DATABASE_URL" == *"/blog_cluster" ]]; then
  psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'blog_cluster'" \
    | grep -q 1 || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE blog_cluster" >/dev/null
fi
$BLOGAPI migrate
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
$BLOGAPI serve --port 8000 & pids+=($!)
$BLOGAPI serve --port 8001 & pids+=($!)
$BLOGAPI worker & pids+=($!)
echo "cluster: API on http://127.0.0.1:8000 and :8001, one worker (Ctrl-C stops all)"
wait
