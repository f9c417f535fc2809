"""Demo cover images: a few pictures drawn with Pillow, processed and stored exactly as an
upload would be (re-encoded, with WebP variants), owned by the demo admin and set as the
cover of one published post in COVER_EVERY, so the demo and the benchmark show covers."""

import asyncio
import hashlib
import io
import random
from datetime import datetime
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from blogapi.core.config import Role, Settings
from blogapi.core.db import new_id
from blogapi.demo.generator import DemoData
from blogapi.media import images
from blogapi.media import service as media_service
from blogapi.media.models import Media, MediaPurpose
from blogapi.media.storage import storage_for
from blogapi.posts.models import PostCover, PostStatus

COVER_EVERY = 4
SIZE = (1280, 720)


def picture(seed: int) -> bytes:
    """A deterministic PNG: a two-colour gradient with a few translucent shapes."""
    rng = random.Random(seed)  # noqa: S311 (pictures, not secrets)
    top, bottom = (tuple(rng.randrange(40, 220) for _ in range(3)) for _ in range(2))
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image, "RGBA")
    width, height = SIZE
    for y in range(height):
        mix = y / (height - 1)
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    for _ in range(rng.randrange(3, 7)):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(60, 260)
        fill = (*(rng.randrange(256) for _ in range(3)), rng.randrange(60, 160))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def _stored_media(
    settings: Settings, uploader_id: Any, data: bytes, seed: int, now: datetime
) -> dict[str, Any]:
    processed = await asyncio.to_thread(
        images.process_upload, io.BytesIO(data), settings.media_max_pixels
    )
    media_id = new_id()
    storage = storage_for(settings)
    key, variants = await media_service.store_files(storage, media_id, processed)
    return {
        "id": media_id,
        "uploader_id": uploader_id,
        "purpose": MediaPurpose.UPLOAD.value,
        "storage_key": key,
        "content_type": processed.main.content_type,
        "size": len(processed.main.data),
        "stored_bytes": processed.stored_bytes,
        "sha256": hashlib.sha256(data).hexdigest(),
        "width": processed.main.width,
        "height": processed.main.height,
        "meta": {
            "variants": variants,
            "animated": processed.animated,
            "source_format": processed.source_format,
        },
        "alt": f"Demo cover {seed}",
        "created_at": now,
        "deleted_at": None,
    }


def _live_uploads(uploader_id: Any) -> list[Any]:
    return [
        Media.uploader_id == uploader_id,
        Media.purpose == MediaPurpose.UPLOAD.value,
        Media.deleted_at.is_(None),
    ]


async def load_covers(
    conn: AsyncConnection, settings: Settings, data: DemoData, count: int, seed: int, now: datetime
) -> int:
    """Store `count` pictures and make them covers; returns how many posts got one."""
    admin = next((user for user in data.users if user.role is Role.ADMIN), None)
    if count == 0 or admin is None:
        return 0
    # With --append the admin may hold these pictures already: identical bytes are one media.
    held = dict(
        (await conn.execute(select(Media.sha256, Media.id).where(*_live_uploads(admin.id)))).all()
    )
    media_ids: list[Any] = []
    new: list[dict[str, Any]] = []
    for i in range(count):
        picture_seed = seed * 1000 + i
        png = picture(picture_seed)
        known = held.get(hashlib.sha256(png).hexdigest())
        if known is None:
            new.append(await _stored_media(settings, admin.id, png, picture_seed, now))
            known = new[-1]["id"]
        media_ids.append(known)
    if new:
        await conn.execute(insert(Media), new)
    published = [post for post in data.posts if post.status is PostStatus.PUBLISHED]
    covers = [
        {"post_id": post.id, "media_id": media_ids[i % count]}
        for i, post in enumerate(published[::COVER_EVERY])
    ]
    if covers:
        await conn.execute(insert(PostCover), covers)
    return len(covers)
