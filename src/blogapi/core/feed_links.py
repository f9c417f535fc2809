"""The addresses of the feeds (served by the feeds domain, the top one), for the documents of
the domains below it that link to their own: a profile, a tag."""

from typing_extensions import TypedDict  # pydantic reads it on Python 3.11

FEEDS_PATH = "/feeds"


class FeedLinks(TypedDict):
    """The same feed in each format, absolute on PUBLIC_BASE_URL."""

    rss: str
    atom: str
    json: str


def feed_links(public_base_url: str, path: str) -> FeedLinks:
    """The feed at `/feeds/<path>.<format>`, e.g. `authors/ada`."""
    address = f"{public_base_url.rstrip('/')}{FEEDS_PATH}/{path}"
    return {"rss": f"{address}.rss", "atom": f"{address}.atom", "json": f"{address}.json"}
