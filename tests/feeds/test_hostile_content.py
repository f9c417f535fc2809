"""Hostile titles, summaries and bodies give well-formed, inert feeds: control characters
that XML cannot hold are dropped, markup stays text, the sanitised HTML stays sanitised."""

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import feedparser
import httpx
import pytest
from factories import USERS, create_post, signed_in
from fastapi import FastAPI
from posts.xss_corpus import CORPUS, problems

from blogapi.feeds import render
from blogapi.feeds.schemas import Feed, FeedFormat, FeedItem

from .documents import FORMATS, fetch, parsed_xml_feed, valid_json_feed

HOSTILE_TEXT = [
    "Vertical\x0btab and form\x0cfeed, escape \x1b[31m",
    "CDATA end ]]> and ]]&gt; mid-title",
    "<script>alert(1)</script> & <b>bold</b> &amp; &#0; &#x0;",
    "Non-characters \ufffe\uffff and a BOM \ufeff",
    "Bidi \u202eevil\u202c and emoji \U0001f680",
    "\x01\x02",  # nothing XML can hold
]
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM_CONTENT = "{http://www.w3.org/2005/Atom}content"


def _xml_html(format: str, body: bytes) -> list[str]:
    """The HTML bodies of the items, read by a plain XML parser (which refuses a document
    that is not well-formed), after checking that the feed itself holds no script."""
    root = ET.fromstring(body)  # noqa: S314 - our own output, the thing under test
    assert all(element.tag.rsplit("}", 1)[-1] != "script" for element in root.iter())
    name = CONTENT_NS if format == "rss" else ATOM_CONTENT
    return [element.text or "" for element in root.iter(name)]


async def test_the_xss_corpus_gives_valid_inert_feeds(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    hostile_name = {"display_name": "<img src=x onerror=alert(1)> ]]>\x0b"}
    await client.patch(f"{USERS}/me", json=hostile_name, headers=author.headers)
    for number, content in enumerate(CORPUS):
        title = HOSTILE_TEXT[number % len(HOSTILE_TEXT)]
        summary = HOSTILE_TEXT[(number + 1) % len(HOSTILE_TEXT)]
        await create_post(
            client, author, title=title, content=content, summary=summary, tags=["x<y", "a]]>b"]
        )

    for format in ("rss", "atom"):
        body = (await fetch(client, "posts", format, limit=100)).content
        entries = parsed_xml_feed(body).entries
        assert len(entries) == len(CORPUS)
        assert {entry.title for entry in entries} == {
            render.xml_title(text) for text in HOSTILE_TEXT
        }
        html = _xml_html(format, body)
        assert 0 < len(html) <= len(CORPUS)  # a body the sanitiser emptied has none
        assert [problems(fragment) for fragment in html if problems(fragment)] == []
    feed = valid_json_feed((await fetch(client, "posts", "json", limit=100)).content)
    assert {item["title"] for item in feed["items"]} == set(HOSTILE_TEXT)
    assert [problems(item["content_html"]) for item in feed["items"]] == [[]] * len(CORPUS)


def _feed(text: str) -> Feed:
    moment = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    item = FeedItem(
        id=uuid.UUID(int=1),
        url="https://blog.example.com/posts/x",
        title=text,
        summary=text,
        content_html=f"<p>{text}</p>",
        published_at=moment,
        updated_at=moment,
        author_name=text,
        author_avatar_url=None,
        tags=(("x", text),),
        image_url="https://blog.example.com/media/cover.webp",
    )
    return Feed(
        title=text,
        description=text,
        home_page_url="https://blog.example.com/",
        feed_url="https://blog.example.com/feeds/posts.rss",
        next_url="https://blog.example.com/feeds/posts.rss?before=abc",
        updated_at=moment,
        items=(item,),
    )


@pytest.mark.parametrize("text", ["NUL\x00in the middle", "\x00", *HOSTILE_TEXT])
@pytest.mark.parametrize("format", [FeedFormat.RSS, FeedFormat.ATOM])
def test_any_text_renders_well_formed_xml(text: str, format: FeedFormat) -> None:
    body = render.render(_feed(text), format)

    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    ET.fromstring(body)  # noqa: S314 - our own output: it must be well-formed
    assert parsed.feed.title == render.xml_title(text)
    assert parsed.entries[0].title == render.xml_title(text)
    assert parsed.entries[0].media_content[0]["url"].endswith("/media/cover.webp")
    assert [link.href for link in parsed.feed.links if link.rel == "next"] == [
        "https://blog.example.com/feeds/posts.rss?before=abc"
    ]


@pytest.mark.parametrize("text", ["NUL\x00in the middle", *HOSTILE_TEXT])
def test_json_feed_keeps_any_text_as_it_is(text: str) -> None:
    feed = valid_json_feed(render.render(_feed(text), FeedFormat.JSON))

    assert (feed["title"], feed["items"][0]["title"]) == (text, text)
    assert feed["items"][0]["image"] == "https://blog.example.com/media/cover.webp"


@pytest.mark.parametrize("format", FORMATS)
def test_the_same_feed_renders_the_same_bytes(format: str) -> None:
    feed = _feed("Steady")

    assert render.render(feed, FeedFormat(format)) == render.render(feed, FeedFormat(format))
