"""The one shape every middleware here has."""

from starlette.types import ASGIApp


class Layer:
    """A pure-ASGI layer around the app below it. Its `async __call__(scope, receive, send)`
    passes non-HTTP scopes straight through, and wraps `send` or `receive` only when its job
    needs to: each wrapper costs every request (this is the hot path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
