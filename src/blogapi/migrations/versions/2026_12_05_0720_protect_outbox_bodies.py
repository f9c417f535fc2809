"""protect outbox bodies

Revision ID: ac3f4b5e6d72
Revises: 9b2e3a4d5c61
Create Date: 2026-12-05 07:20:00+00:00

The outbox's text and HTML bodies become one sealed column (AES-256-GCM under a key derived
from SECRET_KEY, as mail/sealing.py does: the sealing is written out here so that later
changes to the app cannot change what this revision does). Emails still to be sent are
sealed with the SECRET_KEY of the settings the migration runs with, which must be the app's;
sent and dead emails keep no body. Downgrading opens the queued ones again; emails whose
body was erased come back with empty bodies.
"""

import json
import os
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "ac3f4b5e6d72"
down_revision: str | None = "9b2e3a4d5c61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_LABEL = b"blogapi outbox bodies v1"
VERSION = b"\x01"
QUEUED = ("pending", "sending")

outbox = sa.table(
    "outbox_emails",
    sa.column("id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("text_body", sa.Text()),
    sa.column("html_body", sa.Text()),
    sa.column("sealed_body", sa.LargeBinary()),
)


def _cipher():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from blogapi.core.config import get_settings

    secret = get_settings().jwt_secret().encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_LABEL).derive(secret)
    return AESGCM(key)


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_body", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    queued = connection.execute(
        sa.select(outbox.c.id, outbox.c.text_body, outbox.c.html_body).where(
            outbox.c.status.in_(QUEUED)
        )
    ).all()
    cipher = _cipher() if queued else None  # the key is only needed when there is mail
    for email_id, text_body, html_body in queued:
        nonce = os.urandom(12)
        plain = json.dumps({"text": text_body, "html": html_body}).encode()
        sealed = VERSION + nonce + cipher.encrypt(nonce, plain, _as_uuid(email_id).bytes)
        connection.execute(
            outbox.update().where(outbox.c.id == email_id).values(sealed_body=sealed)
        )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_column("html_body")
        batch_op.drop_column("text_body")


def downgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_body", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("html_body", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    sealed_rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.sealed_body).where(outbox.c.sealed_body.is_not(None))
    ).all()
    cipher = _cipher() if sealed_rows else None
    for email_id, sealed in sealed_rows:
        nonce, ciphertext = sealed[1:13], sealed[13:]
        body = json.loads(cipher.decrypt(nonce, ciphertext, _as_uuid(email_id).bytes))
        connection.execute(
            outbox.update()
            .where(outbox.c.id == email_id)
            .values(text_body=body["text"], html_body=body["html"])
        )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.alter_column("text_body", server_default=None)
        batch_op.alter_column("html_body", server_default=None)
        batch_op.drop_column("sealed_body")
