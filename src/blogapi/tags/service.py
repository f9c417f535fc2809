"""Tags: attach them to posts by name, rename and merge."""

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import insert_or_ignore, new_id, utcnow
from blogapi.core.errors import Conflict
from blogapi.events import service as events_service
from blogapi.tags.models import PostTag, Tag
from blogapi.tags.naming import name_key, numbered, slug_of

# Each pass makes every missing tag unless a racing request took one of the slugs it chose
# in the meantime; the next pass sees that tag and chooses again.
CREATE_PASSES = 4


async def set_post_tags(session: AsyncSession, post_id: uuid.UUID, names: Sequence[str]) -> None:
    """Make the tags named `names` (cleaned names) the post's. A name that is another tag's
    in any case is that tag, which keeps its first name; the others are made (race-safe)."""
    unlinked = await session.scalars(
        delete(PostTag).where(PostTag.post_id == post_id).returning(PostTag.tag_id),
        execution_options={"synchronize_session": False},
    )
    before = set(unlinked)
    tag_ids = await _tags_named(session, names) if names else []
    if tag_ids:
        await insert_or_ignore(
            session, PostTag, [{"post_id": post_id, "tag_id": tag_id} for tag_id in tag_ids]
        )
    if left := before.difference(tag_ids):
        # The tag's feed lost a post though no post in it changed: its Last-Modified moves.
        await session.execute(update(Tag).where(Tag.id.in_(left)).values(posts_left_at=utcnow()))


async def _ids_by_key(session: AsyncSession, keys: Collection[str]) -> dict[str, uuid.UUID]:
    rows = await session.execute(select(Tag.name_key, Tag.id).where(Tag.name_key.in_(keys)))
    return {row.name_key: row.id for row in rows}


async def _tags_named(session: AsyncSession, names: Sequence[str]) -> list[uuid.UUID]:
    """The ids of the tags named `names`, made when missing with their names as written."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name_key(name), name)
    found = await _ids_by_key(session, wanted)
    for _ in range(CREATE_PASSES):
        missing = {key: name for key, name in wanted.items() if key not in found}
        if not missing:
            return list(found.values())
        slugs = await free_slugs(session, [slug_of(name) for name in missing.values()])
        now = utcnow()
        rows = [
            {"id": new_id(), "slug": slug, "name": name, "name_key": key, "created_at": now}
            for (key, name), slug in zip(missing.items(), slugs, strict=True)
        ]
        # A conflict on the name is a racing request's tag of the same name, on the slug
        # another name's: both are skipped here and settled by reading the keys again.
        await insert_or_ignore(session, Tag, rows)
        found |= await _ids_by_key(session, missing)
    raise Conflict("Tags were being created by other requests; send it again")


async def free_slugs(
    session: AsyncSession, bases: Sequence[str], *, mine: uuid.UUID | None = None
) -> list[str]:
    """A slug for each base that no tag (but `mine`) has nor an earlier base got: the base,
    else the base numbered from 2."""
    # Slugs have no LIKE wildcards; "base-%" also finds other words, which are only skipped.
    condition = or_(Tag.slug.in_(set(bases)), *(Tag.slug.like(f"{base}-%") for base in bases))
    others = [] if mine is None else [Tag.id != mine]
    taken = set(await session.scalars(select(Tag.slug).where(condition, *others)))
    chosen = []
    for base in bases:
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = numbered(base, number)
        taken.add(slug)
        chosen.append(slug)
    return chosen


async def rename(session: AsyncSession, tag: Tag, new_name: str) -> Tag:
    """Give a tag a new name (a cleaned one). The same name in another case respells it; a
    name another tag has merges this one into that tag, which takes this spelling; a new
    name gets the slug it reads as."""
    previous = {"slug": tag.slug, "name": tag.name}
    key = name_key(new_name)
    if key == tag.name_key:
        tag.name = new_name
        await session.flush()
        return await _updated(session, tag, previous, merged=False)
    target = await session.scalar(select(Tag).where(Tag.name_key == key))
    if target is not None:
        await _merge(session, tag, target)
        target.name = new_name
        await session.flush()
        return await _updated(session, target, previous, merged=True)
    (tag.slug,) = await free_slugs(session, [slug_of(new_name)], mine=tag.id)
    tag.name, tag.name_key = new_name, key
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("Another tag took this name or slug meanwhile; send it again") from None
    return await _updated(session, tag, previous, merged=False)


async def _updated(
    session: AsyncSession, tag: Tag, previous: dict[str, str], *, merged: bool
) -> Tag:
    """`tag.updated`: the tag now, what the renamed one was, and whether it was merged into
    this one (its posts moved here, it is gone)."""
    if not merged and previous == {"slug": tag.slug, "name": tag.name}:
        return tag  # nothing changed
    # Its feed reads differently now (the tag's name in every item): Last-Modified moves.
    tag.posts_left_at = utcnow()
    await session.flush()
    data = {
        "tag": {"slug": tag.slug, "name": tag.name},
        "previous": previous,
        "merged": merged,
    }
    await events_service.record(session, "tag.updated", data, subject_id=tag.id)
    return tag


async def _merge(session: AsyncSession, tag: Tag, target: Tag) -> None:
    """Move `tag`'s posts to `target` and delete `tag`."""
    # Posts that already carry the target keep one link; the others move over.
    already = select(PostTag.post_id).where(PostTag.tag_id == target.id)
    await session.execute(
        update(PostTag)
        .where(PostTag.tag_id == tag.id, PostTag.post_id.not_in(already))
        .values(tag_id=target.id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(PostTag).where(PostTag.tag_id == tag.id))
    await session.execute(delete(Tag).where(Tag.id == tag.id))
