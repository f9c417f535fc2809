"""The emails the service sends, each as plain text and HTML.

Links lead to RESET_URL_TEMPLATE / VERIFY_URL_TEMPLATE when a front-end has its own pages,
else to the API's pages (pages/router.py) on PUBLIC_BASE_URL.
"""

import html
from dataclasses import dataclass
from urllib.parse import quote

from blogapi.core.config import Settings

# The API's own pages for the links: paths named here, below the router that serves them,
# so the emails and the routes cannot drift apart.
RESET_PAGE_PATH = "/account/reset-password"
VERIFY_PAGE_PATH = "/account/verify-email"

# Emails that carry no secret. Every other kind holds a link that signs for its owner, so its
# body is erased once it can no longer be sent (mail/service.py); a new kind is erased unless
# it is listed here.
NO_SECRET_KINDS = frozenset({"email_change_notice"})


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    subject: str
    text: str
    html: str


def _html(paragraphs: list[str], link: tuple[str, str] | None = None) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if link:
        label, url = link
        body += f'<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>'
    return f"<!doctype html><html><body>{body}</body></html>"


def _link(template: str | None, base_url: str, path: str, token: str) -> str:
    quoted = quote(token, safe="")
    if template:
        return template.replace("{token}", quoted)
    return f"{base_url.rstrip('/')}{path}?token={quoted}"


def reset_link(settings: Settings, token: str) -> str:
    return _link(settings.reset_url_template, settings.public_base_url, RESET_PAGE_PATH, token)


def verify_link(settings: Settings, token: str) -> str:
    """The link of an address to confirm: a new account's, or the new one of a change."""
    return _link(settings.verify_url_template, settings.public_base_url, VERIFY_PAGE_PATH, token)


def verify_email(name: str, url: str) -> Message:
    lines = [f"Hello {name},", "Please confirm your email address. The link works for 24 hours."]
    return Message(
        kind="verify_email",
        subject="Confirm your email address",
        text="\n\n".join([*lines, url, "If you did not sign up, ignore this email."]) + "\n",
        html=_html([*lines, "If you did not sign up, ignore this email."], ("Confirm", url)),
    )


def confirm_new_email(name: str, url: str) -> Message:
    lines = [f"Hello {name},", "Confirm this new address for your account (valid 24 hours)."]
    return Message(
        kind="confirm_new_email",
        subject="Confirm your new email address",
        text="\n\n".join([*lines, url]) + "\n",
        html=_html(lines, ("Confirm", url)),
    )


def email_change_notice(name: str, new_address: str) -> Message:
    lines = [
        f"Hello {name},",
        f"Someone asked to change your account's email address to {new_address}.",
        "Nothing changes until the new address is confirmed. If this was not you, change your "
        "password now.",
    ]
    return Message(
        kind="email_change_notice",
        subject="Your email address is being changed",
        text="\n\n".join(lines) + "\n",
        html=_html(lines),
    )


def password_reset(name: str, url: str) -> Message:
    lines = [
        f"Hello {name},",
        "Use this link within an hour to choose a new password. It works once.",
    ]
    return Message(
        kind="password_reset",
        subject="Reset your password",
        text="\n\n".join([*lines, url, "If you did not ask for this, ignore this email."]) + "\n",
        html=_html([*lines, "If you did not ask for this, ignore this email."], ("Reset", url)),
    )
