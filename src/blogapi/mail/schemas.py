import uuid

from blogapi.core.schemas import OutModel, UTCTimestamp
from blogapi.mail.models import OutboxStatus


class OutboxEmailOut(OutModel):
    id: uuid.UUID
    kind: str
    to_address: str
    subject: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: UTCTimestamp
    last_error: str | None
    created_at: UTCTimestamp
    sent_at: UTCTimestamp | None
