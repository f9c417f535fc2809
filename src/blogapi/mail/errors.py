"""The errors of the outbox, one class per code."""

from blogapi.core.errors import Conflict


class NotDead(Conflict):
    code = "INVALID_STATUS_TRANSITION"
    message = "Only dead emails can be queued again"


class EmailErased(Conflict):
    code = "EMAIL_ERASED"
    message = "This email's link was erased when it died; its owner can ask for a new one"
