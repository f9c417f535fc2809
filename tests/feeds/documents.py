"""Reading feeds as their readers do: RSS and Atom through feedparser (a document it had to
work around is `bozo`), JSON Feed against the JSON Schema of JSON Feed 1.1 (vendored here)."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
from jsonschema import Draft202012Validator, FormatChecker

FEEDS = "/feeds"
FORMATS = ("rss", "atom", "json")
MEDIA_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
SCHEMA = json.loads((Path(__file__).parent / "jsonfeed_1_1.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
Draft202012Validator.check_schema(SCHEMA)


def _urls(value: Any, name: str = "") -> list[str]:
    """Every value of a JSON Feed URL field (the schema's `uri` format needs a package the
    tests do not have, so absolute http(s) URLs are checked here)."""
    if isinstance(value, dict):
        return [url for key, item in value.items() for url in _urls(item, key)]
    if isinstance(value, list):
        return [url for item in value for url in _urls(item, name)]
    is_url = name in {"url", "home_page_url", "feed_url", "next_url", "image", "avatar"}
    return [value] if is_url else []


def valid_json_feed(body: bytes) -> dict[str, Any]:
    """The JSON Feed, after checking it against JSON Feed 1.1."""
    document: dict[str, Any] = json.loads(body)
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    for url in _urls(document):
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https"), url
        assert parts.netloc, url
    for item in document["items"]:
        for name in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[name]).tzinfo is not None, item[name]
    return document


def parsed_xml_feed(body: bytes) -> Any:
    """The RSS or Atom feed as feedparser reads it; it must not have needed a workaround."""
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


async def fetch(client: httpx.AsyncClient, path: str, format: str, **params: Any) -> httpx.Response:
    """GET /feeds/<path>.<format>; asserts a 200 of the format's media type."""
    response = await client.get(f"{FEEDS}/{path}.{format}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA_TYPES[format]
    return response


def entry_ids(format: str, body: bytes) -> list[str]:
    """The items' ids, in the feed's order, checking the document on the way."""
    if format == "json":
        return [item["id"] for item in valid_json_feed(body)["items"]]
    return [entry.id for entry in parsed_xml_feed(body).entries]


def next_link(format: str, body: bytes) -> str | None:
    """The older page's address: JSON Feed's `next_url`, else `<atom:link rel="next">`."""
    if format == "json":
        url: str | None = valid_json_feed(body).get("next_url")
        return url
    for link in parsed_xml_feed(body).feed.get("links", []):
        if link.get("rel") == "next":
            href: str = link["href"]
            return href
    return None
