"""media urls built when read

Revision ID: c2b3c4d5e6f7
Revises: c1a2b3c4d5e6
Create Date: 2026-12-05 08:10:00+00:00

URLs of our media were frozen at upload, on the PUBLIC_BASE_URL or MEDIA_PUBLIC_BASE_URL of
that day. Now rows keep keys and responses build the URLs (core/media_urls.py): `media.url`
and the variants' `url` go; an uploaded avatar's `users.avatar_url` becomes `/media/<key>`
(a URL the user gave stays as it is); in `content_html`, our images' `src` and `srcset` become
`/media/<key>`. What is "ours" is read from the rows: each media's URL less its key is an
address it was served on. The rewriting is written out here, so that later changes to the
app cannot change what this revision does.

Downgrading builds the URLs again, on the base of the settings it runs with.
"""

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "c2b3c4d5e6f7"
down_revision: str | None = "c1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEDIA_PATH = "/media/"
KEY = r"[0-9a-f]{32}/[a-z0-9]{1,20}\.(?:jpg|png|gif|webp|avif)"
# An <img> as the sanitiser writes it: each attribute value quoted, with `"` escaped inside.
IMG = re.compile(r'<img((?: [a-z]+="[^"]*")*)')
URL_ATTRIBUTE = re.compile(r' (src|srcset)="([^"]*)"')
BATCH = 200

media = sa.table(
    "media",
    sa.column("id", sa.Uuid()),
    sa.column("storage_key", sa.String()),
    sa.column("url", sa.String()),
    sa.column("meta", sa.JSON()),
)
posts = sa.table("posts", sa.column("id", sa.Uuid()), sa.column("content_html", sa.Text()))


def _escaped(text: str) -> str:
    """As the sanitiser writes text inside an attribute value."""
    return html.escape(text, quote=True).replace("&#x27;", "'")


def _rewrite_images(fragment: str, url_of: Callable[[str], str | None]) -> str:
    """`fragment` with each URL in an <img>'s src or srcset replaced by `url_of(url)`, where
    that is not None."""

    def attribute(match: re.Match[str]) -> str:
        name, value = match[1], match[2]
        if name == "src":
            return f' src="{url_of(value) or value}"'
        candidates = []
        for candidate in value.split(", "):
            url, space, width = candidate.partition(" ")
            candidates.append(f"{url_of(url) or url}{space}{width}")
        return f' srcset="{", ".join(candidates)}"'

    return IMG.sub(lambda tag: "<img" + URL_ATTRIBUTE.sub(attribute, tag[1]), fragment)


def _rewrite_posts(connection: sa.Connection, url_of: Callable[[str], str | None]) -> None:
    ids = connection.scalars(
        sa.select(posts.c.id).where(posts.c.content_html.like('%<img src="%'))
    ).all()
    for start in range(0, len(ids), BATCH):
        rows = connection.execute(
            sa.select(posts.c.id, posts.c.content_html).where(
                posts.c.id.in_(ids[start : start + BATCH])
            )
        ).all()
        for post_id, content_html in rows:
            rewritten = _rewrite_images(content_html, url_of)
            if rewritten != content_html:
                connection.execute(
                    posts.update().where(posts.c.id == post_id).values(content_html=rewritten)
                )


def _set_variant_urls(
    connection: sa.Connection, rows: Iterable[Any], url_of: Callable[[str], str] | None
) -> None:
    """Each variant of each media row gets `url_of(key)`, or loses its url (None)."""
    for media_id, meta in rows:
        variants = (meta or {}).get("variants", [])
        if not variants:
            continue
        changed = []
        for variant in variants:
            kept = {name: value for name, value in variant.items() if name != "url"}
            if url_of is not None:
                kept["url"] = url_of(variant["key"])
            changed.append(kept)
        if changed == variants:
            continue
        connection.execute(
            media.update().where(media.c.id == media_id).values(meta={**meta, "variants": changed})
        )


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(media.c.id, media.c.storage_key, media.c.url, media.c.meta))
    prefixes: set[str] = set()
    metas = []
    for media_id, key, url, meta in rows:
        if url.endswith(key):
            prefixes.add(url[: -len(key)])
        metas.append((media_id, meta))
    _set_variant_urls(connection, metas, None)

    # Uploaded avatars: the user's URL is one of their avatar files.
    connection.execute(
        sa.text(
            "UPDATE users SET avatar_url = ("
            " SELECT :media_path || m.storage_key FROM media m"
            " WHERE m.uploader_id = users.id AND m.purpose = 'avatar' AND m.url = users.avatar_url"
            ") WHERE EXISTS ("
            " SELECT 1 FROM media m"
            " WHERE m.uploader_id = users.id AND m.purpose = 'avatar' AND m.url = users.avatar_url"
            ")"
        ),
        {"media_path": MEDIA_PATH},
    )

    if prefixes:
        ours = re.compile(
            "(?:" + "|".join(re.escape(_escaped(p)) for p in sorted(prefixes)) + f")({KEY})"
        )

        def stored(url: str) -> str | None:
            match = ours.fullmatch(url)
            return MEDIA_PATH + match[1] if match else None

        _rewrite_posts(connection, stored)

    op.drop_index("ix_media_url", table_name="media")
    # Not in batch mode: rebuilding `media` on SQLite would drop the table, and with foreign
    # keys on, that deletes every post's cover row. SQLite drops a plain column in place.
    op.drop_column("media", "url")


def _media_base() -> str:
    from blogapi.core.config import get_settings

    settings = get_settings()
    if settings.media_public_base_url:
        return settings.media_public_base_url.rstrip("/") + "/"
    return settings.public_base_url.rstrip("/") + MEDIA_PATH


def downgrade() -> None:
    base = _media_base()
    # NOT NULL needs a default to be added in place on SQLite (see upgrade); it is filled next.
    op.add_column(
        "media", sa.Column("url", sa.String(length=2048), nullable=False, server_default="")
    )
    connection = op.get_bind()
    connection.execute(media.update().values(url=sa.literal(base) + media.c.storage_key))
    if connection.dialect.name != "sqlite":
        op.alter_column("media", "url", server_default=None)
    op.create_index("ix_media_url", "media", ["url"], unique=False)
    rows = connection.execute(sa.select(media.c.id, media.c.meta)).all()
    _set_variant_urls(connection, rows, lambda key: base + key)

    connection.execute(
        sa.text(
            "UPDATE users SET avatar_url = :base || substr(avatar_url, :after)"
            " WHERE avatar_url LIKE :pattern"
        ),
        {"base": base, "after": len(MEDIA_PATH) + 1, "pattern": MEDIA_PATH + "%"},
    )

    relative = re.compile(re.escape(MEDIA_PATH) + f"({KEY})")
    html_base = _escaped(base)

    def absolute(url: str) -> str | None:
        match = relative.fullmatch(url)
        return html_base + match[1] if match else None

    _rewrite_posts(connection, absolute)
