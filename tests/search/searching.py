"""Helpers for the search tests: call /search, /search/suggest and /posts?q=, read the results."""

from html.parser import HTMLParser
from typing import Any

import httpx
from factories import Account, auth

SEARCH = "/api/v1/search"
SUGGEST = "/api/v1/search/suggest"
POSTS = "/api/v1/posts"

# Strings people (and scanners) type into a search box; none of them may cause a 500.
NASTY_QUERIES = [
    "NEAR(",
    "NEAR(a b",
    "*",
    '"',
    '"unbalanced',
    'unbalanced"',
    '""',
    "a OR",
    "OR",
    "or or or",
    "OR a",
    "-",
    "--",
    "-a -b",
    "AND",
    "NOT x",
    "a AND NOT",
    "col:term",
    "title:x",
    "^x",
    "x*",
    "(x",
    "x)",
    "{x}",
    "'; DROP TABLE posts; --",
    "' OR 1=1 --",
    "%",
    "_",
    "a_b",
    "\\",
    "\\'",
    "&<>",
    "<script>alert(1)</script>",
    "🎉",
    "e\u0301",
    "\u200b",
    "\ue000x\ue001",
    "\t\r\n",
    "x" * 200,
    '"' * 50,
    "!!!@@@###",
    "a & b | c",
    "a <-> b",
    "a:*",
]


async def search(
    client: httpx.AsyncClient, q: str | None, account: Account | None = None, **params: Any
) -> httpx.Response:
    query = {"q": q, **params} if q is not None else params
    return await client.get(SEARCH, params=query, headers=auth(account))


async def hits(
    client: httpx.AsyncClient, q: str, account: Account | None = None, **params: Any
) -> list[dict[str, Any]]:
    """The hits of one page of /search (limit 100 unless given); asserts a 200."""
    response = await search(client, q, account, **{"limit": 100, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def hit_ids(
    client: httpx.AsyncClient, q: str, account: Account | None = None, **params: Any
) -> list[str]:
    return [hit["id"] for hit in await hits(client, q, account, **params)]


async def posts_q(
    client: httpx.AsyncClient, q: str, account: Account | None = None, **params: Any
) -> httpx.Response:
    return await client.get(POSTS, params={"q": q, **params}, headers=auth(account))


async def suggest(client: httpx.AsyncClient, q: str | None) -> httpx.Response:
    return await client.get(SUGGEST, params={"q": q} if q is not None else {})


async def suggestions(client: httpx.AsyncClient, q: str) -> list[dict[str, Any]]:
    response = await suggest(client, q)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


class MarkupReader(HTMLParser):
    """Collects the elements of a fragment, and the text inside <mark> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.marked: list[str] = []
        self.unclosed = 0
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        if tag == "mark":
            if self.unclosed:
                self.unclosed += 1  # nested marks: recorded, and the check below fails
                return
            self.unclosed = 1
            self.marked.append("")

    def handle_endtag(self, tag: str) -> None:
        self.elements.append(f"/{tag}")
        if tag == "mark":
            self.unclosed -= 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data
        if self.unclosed:
            self.marked[-1] += data

    def handle_comment(self, data: str) -> None:
        self.elements.append("!--")

    def handle_decl(self, decl: str) -> None:
        self.elements.append("!decl")

    def handle_pi(self, data: str) -> None:
        self.elements.append("?pi")


def read_markup(fragment: str) -> MarkupReader:
    """Parse a highlight; asserts that <mark> (balanced, attribute-free) is its only markup."""
    reader = MarkupReader()
    reader.feed(fragment)
    reader.close()
    assert set(reader.elements) <= {"mark", "/mark"}, (fragment, reader.elements)
    assert reader.elements.count("mark") == reader.elements.count("/mark"), fragment
    assert "<mark " not in fragment, fragment
    return reader
