"""The generator and the row writer on their own: no database needed."""

from datetime import UTC, datetime

import pytest

from blogapi.core.slugs import is_slug
from blogapi.demo.generator import Existing, SeedOptions, generate, max_tags, tag_names
from blogapi.demo.words import TOPICS
from blogapi.demo.writer import DemoSchemaError, TableRows, with_defaults
from blogapi.models import metadata
from blogapi.tags.naming import clean_name, slug_of

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SMALL = SeedOptions(users=12, posts=40, comments=150, tags=10, render_workers=0)


def test_the_same_seed_draws_the_same_data() -> None:
    first = generate(SMALL, NOW, Existing())
    second = generate(SMALL, NOW, Existing())
    assert [p.slug for p in first.posts] == [p.slug for p in second.posts]
    assert [u.username for u in first.users] == [u.username for u in second.users]
    assert [p.likes_count for p in first.posts] == [p.likes_count for p in second.posts]
    assert len(first.comments) == 150


def test_names_already_taken_get_a_suffix() -> None:
    plain = generate(SMALL, NOW, Existing())
    taken = {plain.users[5].username, plain.posts[0].slug}
    existing = Existing(slugs=frozenset(taken), users={plain.users[5].username: plain.users[5].id})
    again = generate(SMALL, NOW, existing)
    assert again.posts[0].slug == f"{plain.posts[0].slug}-2"
    assert plain.users[5].username not in {u.username for u in again.users[4:]}


def test_many_tags_are_pairs_of_topics() -> None:
    names = tag_names(500)
    slugs = {slug_of(name) for name in names}
    assert len(slugs) == 500
    assert all(is_slug(slug_of(name)) and clean_name(name) == name for name in names)
    assert names[:4] == ["Python", "Rust", "Go", "JavaScript"]
    assert all(len(name.split()) == 2 for name in names[len(set(TOPICS)) :])
    assert max_tags() > 5_000


def test_a_column_with_a_default_is_filled_in() -> None:
    table = metadata.tables["tags"]
    rows = TableRows("post_tags", ("post_id", "tag_id"), [("p", "t")])
    assert with_defaults(metadata.tables["post_tags"], rows) is rows
    given = TableRows("tags", ("id", "slug", "name", "name_key", "created_at"), [("i", "s", 1)])
    completed = with_defaults(table, given)
    assert completed.rows == [("i", "s", 1)]
    posts = metadata.tables["posts"]
    without_version = tuple(c.name for c in posts.columns if c.name != "version")
    filled = with_defaults(posts, TableRows("posts", without_version, [tuple(without_version)]))
    assert filled.columns[-1] == "version"
    assert filled.rows[0][-1] == 1


def test_a_required_column_without_a_default_stops_the_load() -> None:
    posts = metadata.tables["posts"]
    without_slug = tuple(c.name for c in posts.columns if c.name != "slug")
    with pytest.raises(DemoSchemaError, match=r"posts\.slug"):
        with_defaults(posts, TableRows("posts", without_slug, []))
