from blogapi.core.errors import NotFound

# Every answer to a preview token, whatever it opens: no cache keeps it (a revoked link must
# stop at once, in browsers and proxies too), and no search engine lists it. Referrer-Policy:
# no-referrer is on every response already (core/middleware/security_headers.py).
PREVIEW_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


class PreviewNotFound(NotFound):
    """The one answer to a token that opens nothing: unknown, malformed, expired, revoked, or
    its post deleted. The same status, body and headers for each, so a holder learns nothing
    about a link that no longer works, nor a guesser about one that never did."""

    def __init__(self) -> None:
        super().__init__(headers=dict(PREVIEW_HEADERS))
