# syntax=docker/dockerfile:1
#
# Blog API image: `docker build -t blogapi .`
#
# Two stages. `build` installs the locked dependencies (uv.lock, no dev tools) and the project
# itself, non-editable, into /app/.venv; `runtime` is a plain python:3.11-slim with that virtual
# environment copied in, running as an unprivileged user. Nothing secret is baked in: settings
# come from the environment at run time (see .env.example), and .env is excluded by .dockerignore.
#
#   docker run --rm -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=postgresql+asyncpg://... blogapi
#   docker run --rm -e DATABASE_URL=... blogapi migrate
#   docker run --rm -e DATABASE_URL=... -e SMTP_HOST=... blogapi worker

############################################################################################
FROM python:3.11-slim AS build

# The uv that wrote uv.lock, from PyPI (no other image needs to be pulled).
ARG UV_VERSION=0.13.9
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

# Compile bytecode now, in both sync steps below (the runtime filesystem may be read-only, and
# PYTHONDONTWRITEBYTECODE=1 there: without .pyc files each worker would compile its imports at
# every start, ~2 s of CPU, and uvicorn kills a worker that misses its 5 s health ping; COPY
# --from keeps the sources' mtimes, so the .pyc files stay valid). Copy files out of the cache
# instead of hard-linking, never download a Python: use the image's /usr/local/bin/python3.11,
# which is at the same path in the runtime stage, so the venv's interpreter link stays valid.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /src

# Dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable --no-install-project

# Then the project itself, installed as a wheel (hatchling reads README.md for the metadata).
COPY README.md ./
COPY src ./src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable

############################################################################################
FROM python:3.11-slim AS runtime

ARG APP_UID=10001
ARG APP_GID=10001

LABEL org.opencontainers.image.title="blogapi" \
      org.opencontainers.image.description="Blog API: the backend of a multi-author blogging platform" \
      org.opencontainers.image.licenses="MIT"

# A fixed uid/gid so Kubernetes' runAsUser and volume ownership can name it.
RUN groupadd --system --gid "${APP_GID}" blogapi \
    && useradd --system --no-log-init --uid "${APP_UID}" --gid blogapi \
       --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin blogapi

WORKDIR /app

# The virtual environment stays owned by root: the application cannot rewrite its own code.
COPY --from=build /app/.venv /app/.venv

# ./data is the only place the app writes by default (the SQLite file; MAIL_DIR, ./data/mail,
# when no SMTP_HOST is set; MEDIA_DIR, ./data/media, with STORAGE_BACKEND=local); it is unused
# on PostgreSQL with SMTP and S3. Owned by the app user, so a named volume mounted on any of
# these directories starts with that owner.
RUN mkdir -p /app/data/mail /app/data/media && chown -R "${APP_UID}:${APP_GID}" /app/data

# MALLOC_ARENA_MAX: glibc gives each thread that allocates its own memory pool and keeps what
# an image decode freed there; two pools keep a process's memory near its working set.
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONFAULTHANDLER=1 \
    MALLOC_ARENA_MAX=2 \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000

USER ${APP_UID}:${APP_GID}

EXPOSE 8000

# Liveness only: GET /health touches no database (`serve` waits for the database before it
# listens, hence the start period). slim has no curl: urllib raises on a non-2xx answer or a
# refused connection, and the exit status is then 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["blogapi"]
CMD ["serve", "--host", "0.0.0.0"]
