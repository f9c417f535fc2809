"""The emails' links in a real browser: headless Chromium opens the link from the email the
SMTP server received, fills the form and submits it; the JSON API then shows the result.

The browser may reach the served app and nothing else: any other request, and any error or
warning Chromium logs (a refused style or form under the page's policy), fails the test.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from factories import create_user, unique_name
from fastapi import FastAPI
from harness import make_settings
from mail.mailbox import AUTH, delivered_link, free_port, register
from playwright.async_api import ConsoleMessage, Page, Request, Route

from .browser import chromium, served

NEW_PASSWORD = "a passphrase set in the browser"


@asynccontextmanager
async def browser_page(base_url: str) -> AsyncIterator[Page]:
    """A page of a fresh Chromium that may only talk to `base_url`; it must log nothing."""
    elsewhere: list[str] = []
    logged: list[str] = []

    async def only_the_app(route: Route, request: Request) -> None:
        if request.url.startswith(f"{base_url}/"):
            await route.continue_()
        else:
            elsewhere.append(request.url)
            await route.abort()

    async with chromium() as context:
        await context.route("**/*", only_the_app)
        page = await context.new_page()

        def note(message: ConsoleMessage) -> None:
            # A refused style, form or resource is an error; Chromium's hints are "verbose".
            if message.type in ("error", "warning"):
                logged.append(f"{message.type}: {message.text}")

        page.on("console", note)
        yield page
    assert elsewhere == []
    assert logged == []


async def test_a_reset_link_opened_in_chromium_sets_the_password(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    port = free_port()
    settings = make_settings(database_url, public_base_url=f"http://127.0.0.1:{port}")
    email = f"{await create_user(app)}@example.com"
    async with served(settings, port) as base_url, httpx.AsyncClient(base_url=base_url) as api:
        asked = await api.post(f"{AUTH}/password-reset", json={"email": email})
        assert asked.status_code == 202, asked.text
        link = await delivered_link(app, database_url, email, "Reset your password")
        assert link.startswith(f"{base_url}/account/reset-password?token=")

        async with browser_page(base_url) as page:
            opened = await page.goto(link)
            assert opened is not None
            assert opened.status == 200
            assert await page.inner_text("h1") == "Choose a new password"
            await page.fill("#new_password", NEW_PASSWORD)
            await page.fill("#new_password_again", NEW_PASSWORD)
            async with page.expect_navigation():
                await page.click("button[type=submit]")
            assert await page.inner_text("h1") == "Your password is set"

        signed_in = await api.post(f"{AUTH}/login", json={"email": email, "password": NEW_PASSWORD})
        assert signed_in.status_code == 200, signed_in.text


async def test_a_verification_link_opened_in_chromium_confirms_with_the_button(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    port = free_port()
    settings = make_settings(database_url, public_base_url=f"http://127.0.0.1:{port}")
    username = unique_name("browsing")
    async with served(settings, port) as base_url, httpx.AsyncClient(base_url=base_url) as api:
        assert (await register(api, username)).status_code == 201
        link = await delivered_link(
            app, database_url, f"{username}@example.com", "Confirm your email address"
        )
        assert link.startswith(f"{base_url}/account/verify-email?token=")
        login = {"email": f"{username}@example.com", "password": "a perfectly fine passphrase"}
        tokens = (await api.post(f"{AUTH}/login", json=login)).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}

        async with browser_page(base_url) as page:
            await page.goto(link)
            assert await page.inner_text("h1") == "Confirm your email address"
            mine = await api.get("/api/v1/users/me", headers=headers)
            assert mine.json()["email_verified"] is False
            async with page.expect_navigation():
                await page.click("button[type=submit]")
            assert await page.inner_text("h1") == "Your address is confirmed"

        mine = await api.get("/api/v1/users/me", headers=headers)
        assert mine.json()["email_verified"] is True
