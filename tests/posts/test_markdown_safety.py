"""Markdown rendering and the nh3 sanitiser never let scripts, handlers, styles or bad URLs out."""

import pytest

from blogapi.posts.markdown import render_markdown, sanitize_html

from .xss_corpus import CORPUS, LINK_REL, elements, problems, url_scheme


def test_the_corpus_is_large_enough_and_distinct() -> None:
    assert len(CORPUS) >= 40
    assert len(set(CORPUS)) == len(CORPUS)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ("<p><SVG></SVG></p>", "<svg> element"),
        ('<img src="x" ONERROR="alert(1)">', "event handler onerror on <img>"),
        ('<p style="color:red">x</p>', "style attribute on <p>"),
        ('<a href="jav&#x09;ascript:alert(1)" rel="nofollow noopener ugc">x</a>', "javascript:"),
        ('<a href="&#14; vbscript:x" rel="nofollow noopener ugc">x</a>', "vbscript:"),
        ('<img src="data:image/png;base64,AA">', "data: URL in src of <img>"),
        ('<a href="http://ok.example">x</a>', "<a> with rel=None"),
    ],
)
def test_the_safety_check_itself_flags_unsafe_html(fragment: str, expected: str) -> None:
    assert any(expected in problem for problem in problems(fragment))


def test_the_safety_check_accepts_safe_urls() -> None:
    assert url_scheme("/relative/path") is None
    assert url_scheme("page#anchor") is None
    assert url_scheme(" HTTPS://example.com") == "https"
    safe = (
        f'<a href="https://a.example" rel="{LINK_REL}">a</a>'
        f'<a href="mailto:x@example.com" rel="{LINK_REL}">m</a>'
        f'<a href="/docs" rel="{LINK_REL}">d</a><img src="http://a.example/i.png" alt="i">'
    )
    assert problems(safe) == []


@pytest.mark.parametrize("source", CORPUS)
def test_hostile_markdown_renders_to_safe_html(source: str) -> None:
    rendered = render_markdown(source)
    assert problems(rendered) == [], rendered


@pytest.mark.parametrize("source", CORPUS)
def test_hostile_raw_html_is_sanitised(source: str) -> None:
    cleaned = sanitize_html(source)
    assert problems(cleaned) == [], cleaned


def test_raw_html_in_markdown_is_shown_as_text_not_markup() -> None:
    rendered = render_markdown('<b onclick="x()">bold</b>')
    assert [tag for tag, _ in elements(rendered)] == ["p"]
    assert "&lt;b" in rendered


def test_every_link_gets_nofollow_noopener_ugc() -> None:
    source = (
        "[one](https://one.example) and <https://two.example> and [three][r] and "
        "[mail](mailto:a@example.com) and [rel](/docs)\n\n[r]: http://three.example"
    )
    links = [attrs for tag, attrs in elements(render_markdown(source)) if tag == "a"]
    assert [a["href"] for a in links] == [
        "https://one.example",
        "https://two.example",
        "http://three.example",
        "mailto:a@example.com",
        "/docs",
    ]
    assert all(a["rel"] == LINK_REL for a in links)


def test_an_author_supplied_rel_is_replaced() -> None:
    cleaned = sanitize_html('<a href="https://a.example" rel="opener">x</a>')
    [(_, attrs)] = elements(cleaned)
    assert attrs["rel"] == LINK_REL


def test_tables_render() -> None:
    rendered = render_markdown("| name | score |\n|:-----|------:|\n| ada | 10 |\n")
    tags = [tag for tag, _ in elements(rendered)]
    assert tags[:1] == ["table"]
    assert {"thead", "tbody", "tr", "th", "td"} <= set(tags)
    assert "<td>ada</td>" in rendered


def test_strikethrough_renders() -> None:
    rendered = render_markdown("this is ~~gone~~ now")
    assert [tag for tag, _ in elements(rendered)] == ["p", "s"]
    assert "<s>gone</s>" in rendered


def test_code_blocks_keep_their_language_class() -> None:
    rendered = render_markdown("```python\nprint('<hi>')\n```")
    code = [attrs for tag, attrs in elements(rendered) if tag == "code"]
    assert code == [{"class": "language-python"}]
    assert "&lt;hi&gt;" in rendered


@pytest.mark.parametrize("info", ['python" onclick="x', "a b", "x" * 40, "py;color:red"])
def test_code_blocks_drop_a_class_that_is_not_a_plain_language(info: str) -> None:
    rendered = render_markdown(f"```{info}\nx = 1\n```")
    code = [attrs for tag, attrs in elements(rendered) if tag == "code"]
    assert len(code) == 1
    assert code[0].get("class", "language-ok").startswith("language-")
    assert problems(rendered) == []
    assert '"' not in code[0].get("class", "")


def test_sanitiser_drops_classes_outside_code() -> None:
    cleaned = sanitize_html('<p class="language-python">x</p><code class="evil">y</code>')
    assert all("class" not in attrs for _, attrs in elements(cleaned))


def test_safe_images_and_links_survive() -> None:
    rendered = render_markdown('![cat](https://img.example/cat.png "A cat") [home](/home)')
    found = dict(elements(rendered))
    assert found["img"] == {"src": "https://img.example/cat.png", "alt": "cat", "title": "A cat"}
    assert found["a"] == {"href": "/home", "rel": LINK_REL}


def test_headings_lists_quotes_and_emphasis_render() -> None:
    rendered = render_markdown("# T\n\n> q\n\n1. *a*\n2. **b**\n\n- `c`\n\n---\n")
    tags = {tag for tag, _ in elements(rendered)}
    assert {"h1", "blockquote", "ol", "li", "em", "strong", "ul", "code", "hr"} <= tags
