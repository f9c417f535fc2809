"""The errors of posts, one class per code."""

from blogapi.core.errors import Conflict


class SlugTaken(Conflict):
    code = "SLUG_TAKEN"
    message = "This slug is taken"


class InvalidStatusTransition(Conflict):
    code = "INVALID_STATUS_TRANSITION"
    message = "A post cannot make this status move"
