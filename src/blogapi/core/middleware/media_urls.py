"""Binds the app's media URL base for the request, so responses build our files' URLs on the
address of the app that serves them (core/media_urls.py)."""

from starlette.types import ASGIApp, Receive, Scope, Send

from blogapi.core.media_urls import MediaUrls, bind, unbind
from blogapi.core.middleware.layer import Layer


class MediaUrlsMiddleware(Layer):
    def __init__(self, app: ASGIApp, urls: MediaUrls) -> None:
        super().__init__(app)
        self.urls = urls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A context variable: seen by everything below, in this request only, so two apps in
        # one process (a test's second app on another base) never mix their URLs.
        token = bind(self.urls)
        try:
            await self.app(scope, receive, send)
        finally:
            unbind(token)
