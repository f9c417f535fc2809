"""Recording events: one row in the caller's transaction."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.db import new_id, utcnow
from blogapi.events.models import Event


async def record(
    session: AsyncSession, type_: str, data: dict[str, Any], *, subject_id: uuid.UUID | None
) -> Event:
    """Write the event beside the change; it commits or rolls back with it."""
    event = Event(id=new_id(), type=type_, subject_id=subject_id, data=data, created_at=utcnow())
    session.add(event)
    await session.flush()
    return event
