"""Posts use our media: a cover (the author's own image) and responsive Markdown images."""

import re

from factories import POSTS, assert_error, create_post, set_post

from blogapi.core.config import Role

from .conftest import MEDIA, MediaApp
from .pictures import picture


async def test_a_post_takes_a_cover_and_shows_its_url(media: MediaApp) -> None:
    author = await media.account()
    cover = await media.uploaded(author, picture())

    post = await create_post(media.client, author, cover_media_id=cover["id"])

    assert post["cover_media_id"] == cover["id"]
    assert post["cover_url"] == cover["url"]
    listed = (await media.client.get(POSTS)).json()["data"]
    assert [(p["cover_media_id"], p["cover_url"]) for p in listed] == [(cover["id"], cover["url"])]


async def test_posts_without_a_cover_say_null(media: MediaApp) -> None:
    author = await media.account()
    post = await create_post(media.client, author)

    assert post["cover_media_id"] is None
    assert post["cover_url"] is None


async def test_a_cover_can_be_changed_and_removed(media: MediaApp) -> None:
    author = await media.account()
    first = await media.uploaded(author, picture(color="red"))
    second = await media.uploaded(author, picture(color="blue"))
    post = await create_post(media.client, author, cover_media_id=first["id"])

    changed = await set_post(media.client, author, post["id"], cover_media_id=second["id"])
    removed = await set_post(media.client, author, post["id"], cover_media_id=None)

    assert changed["cover_url"] == second["url"]
    assert removed["cover_media_id"] is None


async def test_another_users_image_cannot_be_my_cover(media: MediaApp) -> None:
    author, other = await media.account(), await media.account()
    theirs = await media.uploaded(other, picture())

    response = await media.client.post(
        POSTS,
        json={"title": "T", "content": "c", "cover_media_id": theirs["id"]},
        headers=author.headers,
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="cover_media_id")
    assert (await media.client.get(POSTS)).json()["data"] == []


async def test_an_unknown_or_deleted_image_cannot_be_a_cover(media: MediaApp) -> None:
    author = await media.account()
    deleted = await media.uploaded(author, picture())
    await media.client.delete(f"{MEDIA}/{deleted['id']}", headers=author.headers)
    post = await create_post(media.client, author)

    for media_id in (deleted["id"], "01234567-89ab-7def-8123-456789abcdef"):
        response = await media.client.patch(
            f"{POSTS}/{post['id']}", json={"cover_media_id": media_id}, headers=author.headers
        )
        assert_error(response, 400, "VALIDATION_ERROR", field="cover_media_id")


async def test_a_malformed_cover_id_is_400(media: MediaApp) -> None:
    author = await media.account()
    response = await media.client.post(
        POSTS, json={"title": "T", "content": "c", "cover_media_id": "nope"}, headers=author.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="cover_media_id")


async def test_an_admin_may_give_a_post_any_image(media: MediaApp) -> None:
    author, admin = await media.account(), await media.account(Role.ADMIN)
    admins = await media.uploaded(admin, picture())
    post = await create_post(media.client, author)

    changed = await set_post(media.client, admin, post["id"], cover_media_id=admins["id"])

    assert changed["cover_url"] == admins["url"]


async def test_an_editor_may_use_the_authors_image_but_not_their_own(media: MediaApp) -> None:
    author, editor = await media.account(), await media.account(Role.EDITOR)
    authors = await media.uploaded(author, picture(color="red"))
    editors = await media.uploaded(editor, picture(color="blue"))
    post = await create_post(media.client, author)

    allowed = await set_post(media.client, editor, post["id"], cover_media_id=authors["id"])
    refused = await media.client.patch(
        f"{POSTS}/{post['id']}", json={"cover_media_id": editors["id"]}, headers=editor.headers
    )

    assert allowed["cover_media_id"] == authors["id"]
    assert_error(refused, 400, "VALIDATION_ERROR", field="cover_media_id")


def _img(html: str) -> str:
    match = re.search(r"<img [^>]*>", html)
    assert match is not None, html
    return match.group(0)


async def test_our_images_in_markdown_get_size_srcset_and_lazy_loading(media: MediaApp) -> None:
    author = await media.account()
    image = await media.uploaded(author, picture("JPEG", (1000, 600)))

    post = await create_post(media.client, author, content=f"Look:\n\n![A view]({image['url']})")

    img = _img(post["content_html"])
    variants = image["variants"]
    expected_srcset = f"{variants[0]['url']} 320w, {variants[1]['url']} 768w, {image['url']} 1000w"
    assert f'src="{image["url"]}"' in img
    assert 'width="1000"' in img
    assert 'height="600"' in img
    assert f'srcset="{expected_srcset}"' in img
    assert 'sizes="(max-width: 1000px) 100vw, 1000px"' in img
    assert 'loading="lazy"' in img
    assert 'alt="A view"' in img


async def test_images_from_other_hosts_stay_plain(media: MediaApp) -> None:
    author = await media.account()
    post = await create_post(media.client, author, content="![x](https://elsewhere.example/x.jpg)")

    img = _img(post["content_html"])
    assert img == '<img src="https://elsewhere.example/x.jpg" alt="x">'


async def test_a_deleted_image_is_not_made_responsive(media: MediaApp) -> None:
    author = await media.account()
    image = await media.uploaded(author, picture("JPEG", (1000, 600)))
    await media.client.delete(f"{MEDIA}/{image['id']}", headers=author.headers)

    post = await create_post(media.client, author, content=f"![gone]({image['url']})")

    assert "srcset" not in post["content_html"]


async def test_editing_the_content_renders_our_images_again(media: MediaApp) -> None:
    author = await media.account()
    image = await media.uploaded(author, picture("PNG", (400, 300)))
    post = await create_post(media.client, author, content="No picture yet.")

    edited = await set_post(media.client, author, post["id"], content=f"Now: ![p]({image['url']})")

    img = _img(edited["content_html"])
    assert 'width="400"' in img
    assert f'srcset="{image["variants"][0]["url"]} 320w, {image["url"]} 400w"' in img
