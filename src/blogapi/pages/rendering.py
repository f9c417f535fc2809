"""The account pages as HTML documents: one inline stylesheet, no script, nothing fetched.

Every value that reaches a page goes through `html.escape`; the pages' policy (PAGE_CSP)
allows the stylesheet by its hash and form posts to this origin, and nothing else.
"""

import base64
import hashlib
from html import escape

from blogapi.mail.templates import RESET_PAGE_PATH, VERIFY_PAGE_PATH

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;"
    "color:#1d1d1f;background:#fff}"
    "h1{font-size:1.5rem}label{display:block;margin:1rem 0 .25rem}"
    "input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}"
    "button{margin-top:1.25rem;padding:.5rem 1.25rem;font:inherit;cursor:pointer}"
    ".error{color:#a11;border-left:3px solid #a11;padding-left:.75rem}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
PAGE_CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def _paragraphs(*lines: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _errors(messages: list[str]) -> str:
    return "".join(f'<p class="error" role="alert">{escape(m)}</p>' for m in messages)


def _hidden_token(token: str) -> str:
    return f'<input type="hidden" name="token" value="{escape(token)}">'


def reset_form(token: str, errors: list[str] | None = None) -> str:
    """Two password fields (a typo would lock the owner out) and the link's token."""
    fields = [
        ("new_password", "New password"),
        ("new_password_again", "The same password again"),
    ]
    inputs = "".join(
        f'<label for="{name}">{label}</label><input id="{name}" name="{name}" '
        'type="password" autocomplete="new-password" minlength="8" maxlength="128" required>'
        for name, label in fields
    )
    form = (
        f'<form method="post" action="{RESET_PAGE_PATH}">{_hidden_token(token)}{inputs}'
        '<button type="submit">Set the password</button></form>'
    )
    hint = _paragraphs("At least 8 characters; a few words you will remember do well.")
    return _document("Choose a new password", _errors(errors or []) + hint + form)


def password_set() -> str:
    return _document(
        "Your password is set",
        _paragraphs(
            "Sign in with the new password. Every device that was signed in has been signed out."
        ),
    )


def confirm_form(token: str) -> str:
    """A button, not the link itself: mail scanners that open links must not confirm."""
    form = (
        f'<form method="post" action="{VERIFY_PAGE_PATH}">{_hidden_token(token)}'
        '<button type="submit">Confirm this address</button></form>'
    )
    return _document("Confirm your email address", _paragraphs("One click to finish.") + form)


def address_confirmed(email: str) -> str:
    return _document(
        "Your address is confirmed",
        _paragraphs(f"The account's email address is now {email}. You may close this page."),
    )


def broken_link() -> str:
    return _document(
        "This link does not work",
        _paragraphs(
            "It is invalid, expired or already used. Ask for a new email and use its link."
        ),
    )


def address_taken() -> str:
    return _document(
        "This address is taken",
        _paragraphs("Another account uses this address now, so it cannot be confirmed for yours."),
    )


def too_many() -> str:
    return _document("Too many tries", _paragraphs("Wait a minute, then try again."))
