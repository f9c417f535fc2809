"""How an email leaves: SMTP (aiosmtplib), or, with no SMTP configured, a file and a log line."""

from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol

import aiosmtplib
import structlog
from opentelemetry import trace

from blogapi.core.config import Settings
from blogapi.mail.models import OutboxEmail
from blogapi.mail.sealing import Body

log = structlog.get_logger("blogapi.mail")
tracer = trace.get_tracer("blogapi.mail")


class Transport(Protocol):
    async def send(self, email: OutboxEmail, body: Body) -> None: ...


def build_message(email: OutboxEmail, body: Body, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    # Stable across retries, so a duplicate after a crash is recognisable as the same email.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{email.id}@{domain}>"
    # 8bit keeps the links readable (and clickable) in the .eml files of development.
    message.set_content(body.text, cte="8bit")
    message.add_alternative(body.html, subtype="html", cte="8bit")
    return message


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, email: OutboxEmail, body: Body) -> None:
        s = self.settings
        attributes: dict[str, str | int] = {
            "server.address": s.smtp_host or "",
            "server.port": s.smtp_port,
        }
        with tracer.start_as_current_span("smtp send", attributes=attributes):
            await self._send(email, body)

    async def _send(self, email: OutboxEmail, body: Body) -> None:
        s = self.settings
        await aiosmtplib.send(
            build_message(email, body, s.email_from),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user,
            password=s.smtp_password,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            timeout=s.smtp_timeout_seconds,
        )


class FileTransport:
    """Development delivery: each email becomes an .eml file under MAIL_DIR."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.directory = Path(settings.mail_dir)

    async def send(self, email: OutboxEmail, body: Body) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{email.created_at:%Y%m%d-%H%M%S}-{email.id.hex[:12]}.eml"
        message = build_message(email, body, self.settings.email_from)
        path.write_bytes(message.as_bytes(policy=SMTPUTF8))
        log.info("email_written", kind=email.kind, subject=email.subject, path=str(path))


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else FileTransport(settings)
