"""Email bodies at rest: AES-256-GCM under a key derived from SECRET_KEY.

A body holds links that reset a password or confirm an address, so the outbox never keeps
one in clear: a copy of the table (a backup, a replica, a read-only leak) yields no usable
link. The sealing is core/sealing.py's, with a label of its own; the email's id is the
associated data: a sealed body copied onto another row does not open.
"""

import uuid
from dataclasses import dataclass

import orjson

from blogapi.core import sealing
from blogapi.core.config import Settings

# Changing the label or the format needs a new version byte, and opening the old one until
# no queued email carries it.
KEY_LABEL = b"blogapi outbox bodies v1"


class UnreadableBody(Exception):
    """A body that does not open: sealed under another SECRET_KEY, altered, or erased."""


@dataclass(frozen=True, slots=True)
class Body:
    text: str
    html: str


def seal(settings: Settings, email_id: uuid.UUID, body: Body) -> bytes:
    """Version byte, random nonce, then the ciphertext of both bodies with its tag."""
    plain = orjson.dumps({"text": body.text, "html": body.html})
    return sealing.seal(settings.jwt_secret(), KEY_LABEL, email_id.bytes, plain)


def open_sealed(settings: Settings, email_id: uuid.UUID, sealed: bytes | None) -> Body:
    """The body `seal` stored for this email; UnreadableBody when it cannot be had."""
    if sealed is None:
        raise UnreadableBody("the body was erased")
    try:
        plain = sealing.unseal(settings.jwt_secret(), KEY_LABEL, email_id.bytes, sealed)
    except sealing.UnknownFormat as error:
        raise UnreadableBody("the body is not in a format this version can open") from error
    except sealing.WrongKey as error:
        raise UnreadableBody(
            "the body does not open with this SECRET_KEY (changed since it was queued?)"
        ) from error
    fields = orjson.loads(plain)
    return Body(text=fields["text"], html=fields["html"])
