import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from blogapi.auth.dependencies import AdminUser, ReadWriteLimit
from blogapi.core.db import SessionDep
from blogapi.core.pagination import Page, PageDep
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.mail import service
from blogapi.mail.models import OutboxStatus
from blogapi.mail.schemas import OutboxEmailOut

router = APIRouter(
    prefix=f"{API_PREFIX}/admin/outbox",
    tags=["admin"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)


@router.get("")
async def list_outbox(
    _admin: AdminUser,
    session: SessionDep,
    page: PageDep,
    email_status: Annotated[OutboxStatus | None, Query(alias="status")] = None,
) -> Page[OutboxEmailOut]:
    """Admins: queued, sent and dead emails, newest first (`?status=dead` for failures)."""
    emails, total = await service.list_emails(session, email_status, page)
    return Page[OutboxEmailOut].build(
        [OutboxEmailOut.model_validate(e) for e in emails], page, total
    )


@router.post("/{email_id}/requeue")
async def requeue(email_id: uuid.UUID, _admin: AdminUser, session: SessionDep) -> OutboxEmailOut:
    """Admins: send a dead email again, with a fresh set of attempts."""
    return OutboxEmailOut.model_validate(await service.requeue(session, email_id))
