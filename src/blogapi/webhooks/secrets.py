"""Endpoint secrets (Standard Webhooks `whsec_` keys): made, sealed at rest, and signing.

A secret is shown once (on creation and rotation) and kept sealed (core/sealing.py, a label
of its own, the endpoint's id as associated data). Signing uses the stdlib `hmac` over
`{msg_id}.{timestamp}.{body}`, the exact bytes sent.
"""

import base64
import hashlib
import hmac
import os
import uuid

from blogapi.core import sealing
from blogapi.core.config import Settings

PREFIX = "whsec_"
KEY_BYTES = 32
KEY_LABEL = b"blogapi webhook secrets v1"


def new_secret() -> str:
    return PREFIX + base64.b64encode(os.urandom(KEY_BYTES)).decode()


def seal_secret(settings: Settings, endpoint_id: uuid.UUID, secret: str) -> bytes:
    return sealing.seal(settings.jwt_secret(), KEY_LABEL, endpoint_id.bytes, secret.encode())


def open_secret(settings: Settings, endpoint_id: uuid.UUID, sealed: bytes) -> str:
    """The secret `seal_secret` stored; core.sealing.Unsealable when it does not open."""
    return sealing.unseal(settings.jwt_secret(), KEY_LABEL, endpoint_id.bytes, sealed).decode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of one secret over what the receiver will recompute."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """Every current secret's signature, space-separated (two during a rotation's overlap)."""
    return " ".join(signature(secret, msg_id, timestamp, body) for secret in secrets)
