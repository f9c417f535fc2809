"""The demo data set, drawn from one `random.Random(seed)`: same seed, same slugs and counts.

Ids are fresh UUIDv7s (they differ between runs); everything else follows from the seed,
the sizes asked for and what the database already holds (names already taken get a suffix).
Post bodies are left to `bodies.py`: each post carries the seed of its own text.
"""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from blogapi.core.config import Role
from blogapi.core.db import new_id
from blogapi.core.slugs import slugify, with_suffix
from blogapi.demo import text, threads
from blogapi.demo.threads import DemoComment
from blogapi.demo.words import FIRST_NAMES, LAST_NAMES, TOPIC_SPELLINGS, TOPICS
from blogapi.posts.models import PostStatus
from blogapi.tags.naming import MAX_NAME_LENGTH, name_key, slug_of

DEMO_PASSWORD = "demo password 2026"  # noqa: S105 (printed for the person who seeds)
EMAIL_DOMAIN = "example.com"
MIN_WORDS, MAX_WORDS = 200, 1850  # the generator overshoots a little: 2,000 at most
DAY = timedelta(days=1)
# Capped, so the hottest posts have hundreds of comments, not most of them.
MAX_POPULARITY = 100.0

KNOWN_ACCOUNTS = (
    ("demo_admin", Role.ADMIN, "Demo Admin"),
    ("demo_editor", Role.EDITOR, "Demo Editor"),
    ("demo_author", Role.AUTHOR, "Demo Author"),
    # There is no reader role: the lowest one, and the account writes nothing.
    ("demo_reader", Role.CONTRIBUTOR, "Demo Reader"),
)
READER = "demo_reader"


@dataclass(frozen=True, slots=True)
class SeedOptions:
    seed: int = 42
    users: int = 1000
    posts: int = 10_000
    comments: int = 50_000
    tags: int = 200
    append: bool = False
    render_workers: int = 2
    images: int = 12  # generated cover pictures (0: none)


@dataclass(frozen=True, slots=True)
class Existing:
    """What the database already holds that the new data must not collide with."""

    users: dict[str, uuid.UUID] = field(default_factory=dict)  # username -> id
    emails: frozenset[str] = frozenset()
    tags: dict[str, uuid.UUID] = field(default_factory=dict)  # slug -> id
    tag_names: dict[str, uuid.UUID] = field(default_factory=dict)  # name_key -> id
    slugs: frozenset[str] = frozenset()


@dataclass(slots=True)
class DemoUser:
    id: uuid.UUID
    username: str
    email: str
    display_name: str
    role: Role
    created_at: datetime
    bio: str | None = None
    avatar_url: str | None = None
    verified: bool = True
    is_new: bool = True


@dataclass(slots=True)
class DemoTag:
    id: uuid.UUID
    slug: str
    name: str
    is_new: bool


@dataclass(slots=True)
class DemoPost:
    id: uuid.UUID
    author_id: uuid.UUID
    slug: str
    title: str
    status: PostStatus
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    deleted_at: datetime | None
    body_seed: int
    words: int
    custom_summary: str | None
    popularity: float
    tag_ids: list[uuid.UUID] = field(default_factory=list)
    likes_count: int = 0
    comments_count: int = 0
    bookmarks_count: int = 0

    def open_for_comments(self, now: datetime) -> bool:
        """Published, due and not deleted: where comments, likes and bookmarks land."""
        return (
            self.status is PostStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and self.deleted_at is None
        )


Reaction = tuple[uuid.UUID, uuid.UUID, datetime]  # user_id, post_id, created_at


@dataclass(slots=True)
class DemoData:
    users: list[DemoUser]
    tags: list[DemoTag]
    posts: list[DemoPost]
    comments: list[DemoComment]
    likes: list[Reaction]
    bookmarks: list[Reaction]


def generate(options: SeedOptions, now: datetime, existing: Existing) -> DemoData:
    """Everything but the post bodies, drawn in a fixed order from `Random(options.seed)`."""
    rng = random.Random(options.seed)  # noqa: S311 (made-up data, not secrets)
    users = _users(rng, options.users, now, existing)
    tags = _tags(options.tags, existing)
    posts = _posts(rng, options.posts, users, tags, now, existing)
    open_posts = [post for post in posts if post.open_for_comments(now)]
    comments = threads.generate(rng, open_posts, [u.id for u in users], options.comments, now)
    likes, bookmarks = _reactions(rng, open_posts, users, now)
    return DemoData(users, tags, posts, comments, likes, bookmarks)


def _ago(now: datetime, rng: random.Random, days: float) -> datetime:
    return now - timedelta(days=rng.uniform(0, days))


def _users(rng: random.Random, count: int, now: datetime, existing: Existing) -> list[DemoUser]:
    taken = set(existing.users)
    emails = set(existing.emails)
    users: list[DemoUser] = []
    for username, role, name in KNOWN_ACCOUNTS[:count]:
        known_id = existing.users.get(username)
        users.append(
            DemoUser(
                id=known_id or new_id(),
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                display_name=name,
                role=role,
                created_at=now - 3 * 365 * DAY,
                bio=f"The {role.value} account of the demo data set.",
                is_new=known_id is None,
            )
        )
        emails.add(f"{username}@{EMAIL_DOMAIN}")
    while len(users) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = f"{first}_{last}"[:26]
        username, number = base, 1
        while username in taken or f"{username}@{EMAIL_DOMAIN}" in emails:
            number += 1
            username = f"{base}{number}"
        taken.add(username)
        emails.add(f"{username}@{EMAIL_DOMAIN}")
        roll = rng.random()
        users.append(
            DemoUser(
                id=new_id(),
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                display_name=f"{first.capitalize()} {last.capitalize()}",
                role=Role.CONTRIBUTOR if roll < 0.15 else Role.AUTHOR,
                created_at=_ago(now, rng, 3 * 365),
                bio=text.sentence(rng, rng.randint(6, 14)) if roll < 0.6 else None,
                avatar_url=(
                    f"https://avatars.{EMAIL_DOMAIN}/{username}.png" if rng.random() < 0.4 else None
                ),
                verified=rng.random() < 0.9,
            )
        )
    return users


def _spelled(topic: str) -> str:
    return TOPIC_SPELLINGS.get(topic, topic.capitalize())


def tag_names(count: int) -> list[str]:
    """`count` tag names of distinct slugs: the topics ("JavaScript", slug `javascript`),
    then pairs of them ("Python Rust", `python-rust`)."""
    names = list(dict.fromkeys(_spelled(topic) for topic in TOPICS))
    seen = {slug_of(name) for name in names}
    for first in TOPICS:
        if len(names) >= count:
            break
        for second in TOPICS:
            name = f"{_spelled(first)} {_spelled(second)}"
            if first != second and len(name) <= MAX_NAME_LENGTH and slug_of(name) not in seen:
                seen.add(slug_of(name))
                names.append(name)
    return names[:count]


def max_tags() -> int:
    return len(TOPICS) * (len(TOPICS) - 1)


def _tags(count: int, existing: Existing) -> list[DemoTag]:
    tags = []
    for name in tag_names(count):
        slug = slug_of(name)
        known = existing.tags.get(slug) or existing.tag_names.get(name_key(name))
        tags.append(DemoTag(id=known or new_id(), slug=slug, name=name, is_new=known is None))
    return tags


def _pick_status(rng: random.Random, role: Role) -> PostStatus:
    roll = rng.random()
    if role is Role.CONTRIBUTOR:  # contributors cannot publish
        return PostStatus.DRAFT if roll < 0.6 else PostStatus.PENDING_REVIEW
    if roll < 0.88:
        return PostStatus.PUBLISHED
    if roll < 0.93:
        return PostStatus.DRAFT
    if roll < 0.97:
        return PostStatus.PENDING_REVIEW
    return PostStatus.ARCHIVED


def _times(
    rng: random.Random, status: PostStatus, joined: datetime, now: datetime
) -> tuple[datetime, datetime | None]:
    """(created_at, published_at): most posts in the last two years, newer ones more often."""
    start = max(joined, now - 730 * DAY)
    span = now - start
    if status is PostStatus.PUBLISHED and rng.random() < 0.05:  # scheduled
        created = now - min(span, rng.uniform(0, 14) * DAY)
        return created, now + timedelta(hours=rng.uniform(1, 45 * 24))
    moment = now - span * rng.random() ** 1.4
    if status in (PostStatus.PUBLISHED, PostStatus.ARCHIVED):
        created = max(start, moment - rng.uniform(0, 3) * DAY)
        return created, moment
    return moment, None


def _pick_tags(rng: random.Random, tags: list[DemoTag], cumulative: list[float]) -> list[DemoTag]:
    wanted = min(len(tags), rng.choices(range(6), weights=(5, 20, 30, 25, 12, 8))[0])
    chosen: dict[str, DemoTag] = {}
    for _ in range(wanted * 4):
        if len(chosen) == wanted:
            break
        tag = rng.choices(tags, cum_weights=cumulative)[0]
        chosen.setdefault(tag.slug, tag)
    return list(chosen.values())


def _posts(
    rng: random.Random,
    count: int,
    users: list[DemoUser],
    tags: list[DemoTag],
    now: datetime,
    existing: Existing,
) -> list[DemoPost]:
    writers = [user for user in users if user.username != READER] or users
    # A few prolific writers and a long tail; contributors write less; demo_author has a shelf.
    weights = [
        rng.paretovariate(1.2) * (0.3 if user.role is Role.CONTRIBUTOR else 1.0) for user in writers
    ]
    total = sum(weights)
    weights = [
        total / 200 if user.username == "demo_author" else weight
        for user, weight in zip(writers, weights, strict=True)
    ]
    writer_cumulative = list(accumulate(weights))
    tag_cumulative = list(accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(len(tags))))
    taken = set(existing.slugs)
    posts = []
    for _ in range(count):
        author = rng.choices(writers, cum_weights=writer_cumulative)[0]
        title = text.title(rng)
        slug = _unique_slug(slugify(title) or "post", taken)
        status = _pick_status(rng, author.role)
        created, published = _times(rng, status, author.created_at, now)
        last_touch = min(now, max(created, published or created))
        updated = last_touch + (now - last_touch) * (rng.random() * 0.2)
        deleted = updated + (now - updated) * rng.random() if rng.random() < 0.02 else None
        words = round(MIN_WORDS * (MAX_WORDS / MIN_WORDS) ** rng.random())  # log-uniform
        post = DemoPost(
            id=new_id(),
            author_id=author.id,
            slug=slug,
            title=title,
            status=status,
            created_at=created,
            updated_at=deleted or updated,
            published_at=published,
            deleted_at=deleted,
            body_seed=rng.getrandbits(63),
            words=words,
            custom_summary=text.summary(rng) if rng.random() < 0.1 else None,
            popularity=min(rng.paretovariate(1.6), MAX_POPULARITY),
        )
        if tags:
            post.tag_ids = [tag.id for tag in _pick_tags(rng, tags, tag_cumulative)]
        posts.append(post)
    return posts


def _unique_slug(base: str, taken: set[str]) -> str:
    """The title's slug, or the first free `-2`, `-3`... as the API would give it."""
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = with_suffix(base, number)
    taken.add(slug)
    return slug


def _reaction_time(rng: random.Random, post: DemoPost, now: datetime) -> datetime:
    assert post.published_at is not None
    return post.published_at + (now - post.published_at) * rng.random()


def _reactions(
    rng: random.Random, posts: list[DemoPost], users: list[DemoUser], now: datetime
) -> tuple[list[Reaction], list[Reaction]]:
    """Likes and bookmarks on posts open to readers; popular posts get many more likes."""
    likes: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}
    bookmarks: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}
    reader = next((user for user in users if user.username == READER), None)
    if reader is not None and posts:
        # The reader signed in by the benchmarks has something on every page of theirs.
        for post in rng.sample(posts, min(40, len(posts))):
            likes[reader.id, post.id] = _reaction_time(rng, post, now)
        for post in rng.sample(posts, min(25, len(posts))):
            bookmarks[reader.id, post.id] = _reaction_time(rng, post, now)
    hot = sorted(posts, key=lambda p: p.comments_count, reverse=True)[:10]
    hot_ids = {post.id for post in hot if post.comments_count > 0}
    for post in posts:
        count = int(post.popularity * 2.5) + (rng.randint(40, 150) if post.id in hot_ids else 0)
        for index in rng.sample(range(len(users)), min(count, len(users))):
            likes.setdefault((users[index].id, post.id), _reaction_time(rng, post, now))
        saved = int(rng.paretovariate(1.6)) - 1
        for index in rng.sample(range(len(users)), min(saved, len(users))):
            bookmarks.setdefault((users[index].id, post.id), _reaction_time(rng, post, now))
    liked = Counter(post_id for _, post_id in likes)
    saved_by = Counter(post_id for _, post_id in bookmarks)
    for post in posts:
        post.likes_count, post.bookmarks_count = liked[post.id], saved_by[post.id]
    return (
        [(user, post, at) for (user, post), at in likes.items()],
        [(user, post, at) for (user, post), at in bookmarks.items()],
    )
