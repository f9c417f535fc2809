"""The email to an endpoint's creator when it is disabled automatically."""

import html

from blogapi.mail.templates import Message


def endpoint_disabled(name: str, url: str, reason: str) -> Message:
    lines = [
        f"Hello {name},",
        f"The webhook endpoint {url} was disabled: {reason}.",
        "Nothing is sent to it until it is enabled again (PATCH /api/v1/webhooks/{id} with "
        '{"enabled": true}); then POST /api/v1/webhooks/{id}/recover sends what failed.',
    ]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return Message(
        kind="webhook_disabled",
        subject="A webhook endpoint was disabled",
        text="\n\n".join(lines) + "\n",
        html=f"<!doctype html><html><body>{body}</body></html>",
    )
