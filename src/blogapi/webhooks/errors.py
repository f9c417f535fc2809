"""The errors of webhooks, one class per code."""

from blogapi.core.errors import ValidationFailed


class EndpointLimitReached(ValidationFailed):
    code = "WEBHOOK_LIMIT_REACHED"
    message = "No more webhook endpoints can be added (WEBHOOK_MAX_ENDPOINTS)"
