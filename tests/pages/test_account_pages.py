"""The pages the emails' links open: choose a new password, confirm an address.

Plain HTML with its own policy: no script, nothing from elsewhere, forms posting to this
origin only. A GET changes nothing; a failure is a page with a 4xx status, not JSON.
"""

import html
import re
from urllib.parse import urlsplit

import httpx
from factories import PASSWORD, create_user, login, me, own_app, unique_name
from fastapi import FastAPI
from mail.mailbox import (
    AUTH,
    deliver,
    delivered_link,
    link_in,
    mail_settings,
    register,
    smtp_server,
)

from blogapi.pages.rendering import PAGE_CSP

RESET_PAGE = "/account/reset-password"
VERIFY_PAGE = "/account/verify-email"
NEW_PASSWORD = "a brand new passphrase"


def assert_page(response: httpx.Response, status: int, *phrases: str) -> str:
    """An HTML page of the API with `status`, its policy, and nothing it would fetch."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers.get_list("content-security-policy") == [PAGE_CSP]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store, no-transform"  # carries a token
    page = response.text
    assert "<script" not in page.lower()
    for target in re.findall(r'(?:src|href|action)="([^"]*)"', page):
        assert target.startswith("/"), target
        assert not target.startswith("//"), target
    for phrase in phrases:
        assert phrase in html.unescape(page), (phrase, page)
    return page


def _relative(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


async def _reset_link(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, email: str
) -> str:
    assert (await client.post(f"{AUTH}/password-reset", json={"email": email})).is_success
    return await delivered_link(app, database_url, email, "Reset your password")


async def _can_sign_in(client: httpx.AsyncClient, email: str, password: str) -> bool:
    response = await client.post(f"{AUTH}/login", json={"email": email, "password": password})
    return response.status_code == 200


def _reset_form(token: str, password: str, again: str | None = None) -> dict[str, str]:
    return {"token": token, "new_password": password, "new_password_again": again or password}


async def test_the_reset_link_opens_a_form_that_sets_the_password(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    link = await _reset_link(app, client, database_url, email)
    assert link.startswith(f"{app.state.settings.public_base_url}{RESET_PAGE}?token=")

    form = assert_page(await client.get(_relative(link)), 200, "Choose a new password")
    token = token_in_page(form)
    assert token == urlsplit(link).query.removeprefix("token=")
    done = await client.post(RESET_PAGE, data=_reset_form(token, NEW_PASSWORD))

    assert_page(done, 200, "Your password is set")
    assert await _can_sign_in(client, email, NEW_PASSWORD)
    assert not await _can_sign_in(client, email, PASSWORD)


def token_in_page(page: str) -> str:
    match = re.search(r'name="token" value="([^"]*)"', page)
    assert match is not None, page
    return html.unescape(match.group(1))


async def test_a_broken_missing_or_spent_reset_link_is_a_400_page(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    token = token_in_page(
        (await client.get(_relative(await _reset_link(app, client, database_url, email)))).text
    )
    await client.post(RESET_PAGE, data=_reset_form(token, NEW_PASSWORD))

    for query in ("", "?token=", "?token=" + "x" * 43, f"?token={token}", "?token=" + "t" * 300):
        response = await client.get(f"{RESET_PAGE}{query}")
        assert_page(response, 400, "This link does not work")
    for body in (_reset_form(token, "yet another phrase"), {}, {"token": "x" * 300}):
        assert_page(await client.post(RESET_PAGE, data=body), 400, "This link does not work")
    assert await _can_sign_in(client, email, NEW_PASSWORD)


async def test_a_refused_password_shows_the_form_again_and_spends_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    link = await _reset_link(app, client, database_url, email)
    token = token_in_page((await client.get(_relative(link))).text)

    refusals = [
        (_reset_form(token, NEW_PASSWORD, "a different passphrase"), "The two passwords differ"),
        (_reset_form(token, "password1"), "too common"),
        (_reset_form(token, "short"), "at least 8 characters"),
        (_reset_form(token, email), "must not be your username or email"),
    ]
    for body, why in refusals:
        page = assert_page(await client.post(RESET_PAGE, data=body), 400, why)
        assert token_in_page(page) == token  # the form again, ready for another try

    assert await _can_sign_in(client, email, PASSWORD)
    done = await client.post(RESET_PAGE, data=_reset_form(token, NEW_PASSWORD))
    assert_page(done, 200, "Your password is set")


async def test_opening_the_verification_link_confirms_nothing_until_the_button(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username = unique_name("clicker")
    await register(client, username)
    email = f"{username}@example.com"
    link = await delivered_link(app, database_url, email, "Confirm your email address")
    assert link.startswith(f"{app.state.settings.public_base_url}{VERIFY_PAGE}?token=")
    account = await login(client, username)

    for _ in range(2):  # a mail scanner, then the owner
        page = assert_page(await client.get(_relative(link)), 200, "Confirm this address")
    assert (await me(client, account))["email_verified"] is False
    confirmed = await client.post(VERIFY_PAGE, data={"token": token_in_page(page)})

    assert_page(confirmed, 200, f"now {username}@example.com")
    assert (await me(client, account))["email_verified"] is True
    again = await client.post(VERIFY_PAGE, data={"token": token_in_page(page)})
    assert_page(again, 400, "This link does not work")
    assert_page(await client.get(_relative(link)), 400, "This link does not work")


async def test_a_broken_verification_link_is_a_400_page(client: httpx.AsyncClient) -> None:
    for query in ("", "?token=" + "x" * 43):
        assert_page(await client.get(f"{VERIFY_PAGE}{query}"), 400, "This link does not work")
    for body in ({}, {"token": "x" * 43}, {"token": "t" * 300}):
        assert_page(await client.post(VERIFY_PAGE, data=body), 400, "This link does not work")


async def test_a_front_ends_templates_make_the_links(database_url: str) -> None:
    templates = {
        "reset_url_template": "https://app.example/reset#t={token}",
        "verify_url_template": "https://app.example/welcome?code={token}&from=mail",
    }
    async with own_app(database_url, rate_limits_enabled=False, **templates) as (app, client):
        username = unique_name("fronted")
        email = f"{username}@example.com"
        await register(client, username)
        await client.post(f"{AUTH}/password-reset", json={"email": email})
        with smtp_server() as box:
            await deliver(app, mail_settings(database_url, box.port))

    reset = link_in(box.only(email, "Reset your password"))
    verify = link_in(box.only(email, "Confirm your email address"))
    assert re.fullmatch(r"https://app\.example/reset#t=[A-Za-z0-9_-]{43}", reset), reset
    assert re.fullmatch(
        r"https://app\.example/welcome\?code=[A-Za-z0-9_-]{43}&from=mail", verify
    ), verify


async def test_page_posts_are_limited_and_answered_with_a_page(database_url: str) -> None:
    async with own_app(database_url, rate_limit_email_ip="2/minute") as (_app, client):
        answers = [await client.post(VERIFY_PAGE, data={"token": "x" * 43}) for _ in range(3)]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert_page(answers[2], 429, "Too many tries")
    assert int(answers[2].headers["retry-after"]) >= 1


async def test_the_api_keeps_its_own_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert "form-action 'none'" in response.headers["content-security-policy"]
    assert response.headers.get_list("content-security-policy") != [PAGE_CSP]


async def test_an_old_json_verification_link_leads_to_the_page_and_verifies_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username = unique_name("oldlink")
    await register(client, username)
    link = await delivered_link(
        app, database_url, f"{username}@example.com", "Confirm your email address"
    )
    token = token_in_page(assert_page(await client.get(_relative(link)), 200, "Confirm"))
    account = await login(client, username)

    old = await client.get("/api/v1/auth/verify-email", params={"token": token})

    assert old.status_code == 303
    base = app.state.settings.public_base_url
    assert old.headers["location"].startswith(f"{base}{VERIFY_PAGE}?token=")
    assert (await me(client, account))["email_verified"] is False
    assert (await client.get("/api/v1/auth/verify-email")).status_code == 400
