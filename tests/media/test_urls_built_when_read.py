"""Media URLs are built when read, on the address of the app answering: a blog moved to
another domain (or started on another port) shows every image, and with MEDIA_PUBLIC_BASE_URL
every URL of ours points there. Two apps share one database, as an old and a new deployment
would."""

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from factories import ME, POSTS, USERS, Account, create_post, login, own_app, set_post

from blogapi.core.config import Role

from .conftest import MEDIA, Bucket, MediaApp
from .pictures import picture
from .test_s3_storage import s3_app

OLD = "http://old.example:8000"
NEW = "https://blog.example"
CDN = "https://cdn.example/files"
OTHER_AVATAR = "https://avatars.example.org/ada.png"
SEARCH = "/api/v1/search"


@asynccontextmanager
async def app_on(database_url: str, media_dir: Path, **settings: object) -> AsyncIterator[MediaApp]:
    async with own_app(
        database_url, rate_limits_enabled=False, media_dir=str(media_dir), **settings
    ) as (app, client):
        yield MediaApp(app, client, media_dir)


@dataclass
class Move:
    """The blog as written on OLD, and the same database and files read by another app."""

    old: MediaApp
    database_url: str
    files: Path

    def reading_app(self, **settings: object) -> AbstractAsyncContextManager[MediaApp]:
        return app_on(self.database_url, self.files, **{"public_base_url": NEW, **settings})


@pytest.fixture
async def move(database_url: str, tmp_path: Path) -> AsyncIterator[Move]:
    files = tmp_path / "media"
    async with app_on(database_url, files, public_base_url=OLD) as old:
        yield Move(old, database_url, files)


async def _put_avatar(media: MediaApp, account: Account) -> dict[str, Any]:
    files = {"file": ("me.png", picture("PNG", (300, 300)), "image/png")}
    response = await media.client.put(f"{ME}/avatar", files=files, headers=account.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _urls_in(content_html: str) -> list[str]:
    """Every URL in the src and srcset of the <img> tags."""
    urls = []
    for tag in re.findall(r"<img [^>]*>", content_html):
        urls += re.findall(r' src="([^"]*)"', tag)
        for srcset in re.findall(r' srcset="([^"]*)"', tag):
            urls += [candidate.split(" ")[0] for candidate in srcset.split(", ")]
    return urls


async def _written_on(old: MediaApp) -> tuple[Account, dict[str, Any], dict[str, Any]]:
    """An author with an uploaded avatar, an image and a post showing it as cover and in its
    text (with a comment by the author), all written through the old app."""
    author = await old.account(Role.EDITOR)
    await _put_avatar(old, author)
    image = await old.uploaded(author, picture("JPEG", (1000, 600)))
    post = await create_post(
        old.client,
        author,
        title="Harbour",
        content=f"The harbour at dawn.\n\n![The harbour]({image['url']})",
        cover_media_id=image["id"],
    )
    comment = await old.client.post(
        f"{POSTS}/{post['id']}/comments", json={"content": "Nice"}, headers=author.headers
    )
    assert comment.status_code == 201, comment.text
    await set_post(old.client, author, post["id"], title="Harbour at dawn")  # a revision
    return author, image, post


async def _every_url(
    new: MediaApp, author: Account, image: dict[str, Any], post: dict[str, Any]
) -> dict[str, list[str]]:
    """Every URL of our media that the new app answers, by where it appears."""
    signed_in = await login(new.client, author.username)
    headers = signed_in.headers
    login_body = (
        await new.client.post(
            "/api/v1/auth/login",
            json={"email": f"{author.username}@example.com", "password": author.password},
        )
    ).json()
    media = (await new.client.get(f"{MEDIA}/{image['id']}", headers=headers)).json()
    listed_media = (await new.client.get(MEDIA, headers=headers)).json()["data"][0]
    read = (await new.client.get(f"{POSTS}/{post['slug']}")).json()
    listed = (await new.client.get(POSTS)).json()["data"][0]
    thread = (await new.client.get(f"{POSTS}/{post['id']}/comments")).json()["data"][0]
    revisions = (await new.client.get(f"{POSTS}/{post['id']}/revisions", headers=headers)).json()
    hit = (await new.client.get(SEARCH, params={"q": "harbour"})).json()["data"][0]
    found = {
        "media url": [media["url"], listed_media["url"]],
        "variants": [v["url"] for v in media["variants"] + listed_media["variants"]],
        "avatar": [
            (await new.client.get(ME, headers=headers)).json()["avatar_url"],
            (await new.client.get(f"{USERS}/{author.username}")).json()["avatar_url"],
            login_body["user"]["avatar_url"],
            read["author"]["avatar_url"],
            listed["author"]["avatar_url"],
            thread["author"]["avatar_url"],
            revisions[0]["editor"]["avatar_url"],
            hit["author"]["avatar_url"],
        ],
        "cover_url": [read["cover_url"], listed["cover_url"], hit["cover_url"]],
        "content_html": _urls_in(read["content_html"]),
    }
    assert len(found["content_html"]) == 1 + 3  # src, then the srcset's three candidates
    return found


async def test_urls_follow_the_app_that_reads_them(move: Move) -> None:
    author, image, post = await _written_on(move.old)
    assert image["url"].startswith(f"{OLD}/media/")
    async with move.reading_app() as new:
        found = await _every_url(new, author, image, post)
        served = await new.client.get(urlsplit(found["avatar"][0]).path)

    for where, urls in found.items():
        assert urls, where
        assert all(url.startswith(f"{NEW}/media/") for url in urls), (where, urls)
    assert found["media url"][0] == found["cover_url"][0] == found["content_html"][0]
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/webp"


async def test_urls_use_the_media_base_url_when_it_is_set(move: Move) -> None:
    author, image, post = await _written_on(move.old)
    async with move.reading_app(media_public_base_url=CDN + "/") as cdn:
        found = await _every_url(cdn, author, image, post)

    key = f"{image['id'].replace('-', '')}/original.jpg"
    assert found["media url"][0] == f"{CDN}/{key}"
    for where, urls in found.items():
        assert all(url.startswith(f"{CDN}/") for url in urls), (where, urls)
        assert not any("/media/" in url for url in urls), (where, urls)


async def test_an_avatar_url_the_user_gave_is_shown_as_given(move: Move) -> None:
    user = await move.old.account()
    await _put_avatar(move.old, user)
    changed = await move.old.client.patch(
        ME, json={"avatar_url": OTHER_AVATAR}, headers=user.headers
    )
    assert changed.status_code == 200, changed.text
    post = await create_post(move.old.client, user)
    async with move.reading_app() as new:
        mine = (await new.client.get(f"{USERS}/{user.username}")).json()
        read = (await new.client.get(f"{POSTS}/{post['slug']}")).json()

    assert mine["avatar_url"] == OTHER_AVATAR
    assert read["author"]["avatar_url"] == OTHER_AVATAR


async def test_images_not_ours_keep_their_urls_wherever_they_are_read(move: Move) -> None:
    unknown = "https://elsewhere.example/0123456789abcdef0123456789abcdef/original.jpg"
    content = f"![a](https://elsewhere.example/x.jpg) ![b]({unknown})"
    author = await move.old.account()
    post = await create_post(move.old.client, author, content=content)
    async with move.reading_app() as new:
        read = (await new.client.get(f"{POSTS}/{post['slug']}")).json()

    assert _urls_in(read["content_html"]) == ["https://elsewhere.example/x.jpg", unknown]
    assert "srcset" not in read["content_html"]
    assert read["cover_url"] is None


async def test_text_that_looks_like_our_markup_is_left_alone(move: Move) -> None:
    """Only the src and srcset of our own <img> tags are rewritten: never the text, nor an
    image's alt text, however much they look like one."""
    author = await move.old.account()
    image = await move.old.uploaded(author, picture("PNG", (400, 300)))
    alt = 'see <img src="/media/x"> and srcset="/media/y 1w, /media/z 2w"'
    content = f'Write `src="/media/a"` and <img src="/media/b">.\n\n![{alt}]({image["url"]})'
    post = await create_post(move.old.client, author, content=content)
    async with move.reading_app() as new:
        read = (await new.client.get(f"{POSTS}/{post['slug']}")).json()

    html = read["content_html"]
    assert '<code>src="/media/a"</code>' in html
    assert '&lt;img src="/media/b"&gt;' in html
    assert 'alt="see &lt;img src=&quot;/media/x&quot;&gt; and srcset=&quot;/media/y 1w' in html
    assert all(url.startswith(f"{NEW}/media/") for url in _urls_in(html))


async def test_an_edit_after_a_move_recognises_urls_copied_from_the_old_address(
    move: Move,
) -> None:
    author = await move.old.account()
    image = await move.old.uploaded(author, picture("PNG", (400, 300)))
    post = await create_post(move.old.client, author, content="Soon a picture.")
    async with move.reading_app() as new:
        edited = await set_post(new.client, author, post["id"], content=f"![p]({image['url']})")
        variant = image["variants"][0]["url"]  # a variant, from the old address too
        other = await create_post(new.client, author, content=f"![v]({variant})")

    key = image["url"].removeprefix(f"{OLD}/media/")
    assert _urls_in(edited["content_html"]) == [
        f"{NEW}/media/{key}",
        f"{NEW}/media/{key[:-12]}w320.webp",
        f"{NEW}/media/{key}",
    ]
    assert 'width="400"' in edited["content_html"]
    assert _urls_in(other["content_html"])[0] == f"{NEW}/media/{key[:-12]}w320.webp"
    assert 'width="320"' in other["content_html"]


async def test_on_s3_without_a_media_base_urls_lead_to_the_apps_redirect(
    database_url: str, bucket: Bucket, tmp_path: Path
) -> None:
    async with s3_app(database_url, bucket, tmp_path, public_base_url=OLD) as old:
        author = await old.account()
        image = await old.uploaded(author, picture("JPEG", (400, 200)))
        async with s3_app(database_url, bucket, tmp_path, public_base_url=NEW) as new:
            read = (await new.client.get(f"{MEDIA}/{image['id']}", headers=author.headers)).json()
            redirect = await new.client.get(urlsplit(read["url"]).path)

    key = f"{image['id'].replace('-', '')}/original.jpg"
    assert read["url"] == f"{NEW}/media/{key}"
    assert redirect.status_code == 307
    location = redirect.headers["location"]
    assert location.startswith(f"{bucket.endpoint}/{bucket.name}/{key}?")
    async with httpx.AsyncClient() as s3:
        assert (await s3.get(location)).status_code == 200
