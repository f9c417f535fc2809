"""Pure logic: which base our URLs are built on, what in content_html is rewritten (only our own
<img> tags' src and srcset), and which URLs name one of our files."""

import pytest
from harness import make_settings

from blogapi.core.media_urls import RELATIVE, MediaUrls, bound, current, stored_form
from blogapi.media.storage import key_in_url

KEY = "0123456789abcdef0123456789abcdef/original.jpg"
VARIANT = "0123456789abcdef0123456789abcdef/w320.webp"
OURS = (
    f'<p><img src="/media/{KEY}" alt="a" width="1000" height="600" '
    f'srcset="/media/{VARIANT} 320w, /media/{KEY} 1000w" sizes="x" loading="lazy"></p>'
)


def test_the_media_base_url_wins_over_the_public_one() -> None:
    public = make_settings("sqlite+aiosqlite:///x.db", public_base_url="https://blog.example/")
    cdn = make_settings(
        "sqlite+aiosqlite:///x.db",
        public_base_url="https://blog.example",
        media_public_base_url="https://cdn.example/files",
    )

    assert MediaUrls.of(public).of_key(KEY) == f"https://blog.example/media/{KEY}"
    assert MediaUrls.of(cdn).of_key(KEY) == f"https://cdn.example/files/{KEY}"


def test_stored_forms_become_absolute_and_other_urls_stay() -> None:
    urls = MediaUrls("https://blog.example/media/")

    assert urls.url(stored_form(KEY)) == f"https://blog.example/media/{KEY}"
    assert urls.url("https://avatars.example.org/a.png") == "https://avatars.example.org/a.png"
    assert urls.url(None) is None


def test_our_images_src_and_srcset_become_absolute() -> None:
    html = MediaUrls("https://b.example/media/").html(OURS)

    assert html == (
        f'<p><img src="https://b.example/media/{KEY}" alt="a" width="1000" height="600" '
        f'srcset="https://b.example/media/{VARIANT} 320w, https://b.example/media/{KEY} 1000w" '
        'sizes="x" loading="lazy"></p>'
    )


@pytest.mark.parametrize(
    "fragment",
    [
        '<p>Write src="/media/a" and &lt;img src="/media/b"&gt;</p>',
        '<p><code>srcset="/media/c 1w"</code></p>',
        '<p><img src="https://elsewhere.example/x.jpg" alt="/media/d, /media/e 1w"></p>',
    ],
)
def test_nothing_but_our_img_tags_is_rewritten(fragment: str) -> None:
    assert MediaUrls("https://b.example/media/").html(fragment) == fragment


def test_an_alt_text_that_imitates_a_srcset_is_left_alone() -> None:
    fragment = f'<img src="/media/{KEY}" alt=" srcset=&quot;/media/x 1w, /media/y 2w">'

    html = MediaUrls("https://b.example/media/").html(fragment)

    assert (
        html
        == f'<img src="https://b.example/media/{KEY}" alt=" srcset=&quot;/media/x 1w, /media/y 2w">'
    )


def test_a_base_with_markup_characters_is_escaped_in_html() -> None:
    html = MediaUrls('https://b.example/"><script>/').html(OURS)

    assert "<script>" not in html
    assert 'src="https://b.example/&quot;&gt;&lt;script&gt;/' in html


def test_outside_a_request_urls_stay_relative() -> None:
    assert current() is RELATIVE
    assert current().url(stored_form(KEY)) == f"/media/{KEY}"
    with bound(MediaUrls("https://b.example/media/")):
        assert current().url(stored_form(KEY)) == f"https://b.example/media/{KEY}"
    assert current() is RELATIVE


@pytest.mark.parametrize(
    "url",
    [
        f"http://127.0.0.1:8000/media/{KEY}",
        f"https://old.example/media/{KEY}",
        f"https://cdn.example/files/{KEY}",
        f"/media/{KEY}",
        f"https://bucket.s3.example/{KEY}?X-Amz-Signature=abc#top",
    ],
)
def test_a_url_of_our_file_names_its_key_on_any_address(url: str) -> None:
    assert key_in_url(url) == KEY


@pytest.mark.parametrize(
    "url",
    [
        f"javascript:/{KEY}",
        f"data:image/png;base64,/{KEY}",
        "https://elsewhere.example/x.jpg",
        f"https://elsewhere.example/{KEY.upper()}",
        f"https://elsewhere.example/x{KEY}",
        f"https://elsewhere.example/{KEY}/more",
        "http://[::1/broken",
        "",
    ],
)
def test_other_urls_name_no_key(url: str) -> None:
    assert key_in_url(url) is None
