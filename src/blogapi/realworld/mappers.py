"""Core documents and accounts as Conduit bodies: `description` is the summary, `body` the
Markdown source, `createdAt` the publication time, `favorited` the reader's like, `tagList`
the tags' names (alphabetically), an author a profile with `following`.

A page of articles or comments costs two statements more than the core's list, whatever
its size: the authors' profiles (Conduit shows `bio`) and which of them the reader follows.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from blogapi.auth.dependencies import OptionalUser
from blogapi.core.db import SessionDep
from blogapi.core.responses import Document
from blogapi.users import queries as users_queries
from blogapi.users.schemas import UserPrivate, UserPublic


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and `Z` (`2016-02-18T03:22:56.637Z`); naive is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def user_document(user: UserPrivate, token: str) -> Document:
    return {
        "user": {
            "email": user.email,
            "token": token,
            "username": user.username,
            "bio": user.bio,
            "image": user.avatar_url,
        }
    }


def profile(user: UserPublic, following: bool) -> Document:
    return {
        "username": user.username,
        "bio": user.bio,
        "image": user.avatar_url,
        "following": following,
    }


class Profiles:
    """The profiles of a page's authors as the reader sees them (`following`)."""

    def __init__(self, users: dict[uuid.UUID, UserPublic], followed: set[uuid.UUID]) -> None:
        self.users = users
        self.followed = followed

    @classmethod
    async def load(
        cls, session: SessionDep, viewer: OptionalUser, author_ids: Iterable[uuid.UUID]
    ) -> "Profiles":
        # The dependency aliases name the session's and the account's types: this package
        # imports neither SQLAlchemy nor a model.
        ids = set(author_ids)
        found = await users_queries.get_many(session, ids)
        followed = await users_queries.followed_among(session, viewer, ids)
        return cls({i: UserPublic.model_validate(u) for i, u in found.items()}, followed)

    def of(self, user_id: uuid.UUID) -> Document:
        return profile(self.users[user_id], user_id in self.followed)


def _author_id(document: Document) -> uuid.UUID:
    author_id = document["author"]["id"]
    return author_id if isinstance(author_id, uuid.UUID) else uuid.UUID(str(author_id))


def author_ids(documents: Iterable[Document]) -> list[uuid.UUID]:
    return [_author_id(document) for document in documents]


def article(document: Document, profiles: Profiles, *, body: bool) -> Document:
    """A post document (`PostSummary` or `PostOut`) as a Conduit article; lists omit `body`."""
    published: datetime | None = document["published_at"]
    out: Document = {
        "slug": document["slug"],
        "title": document["title"],
        "description": document["summary"] or "",
        "tagList": sorted((tag["name"] for tag in document["tags"]), key=str.casefold),
        "createdAt": timestamp(published or document["created_at"]),
        "updatedAt": timestamp(document["updated_at"]),
        "favorited": bool(document["liked"]),
        "favoritesCount": int(document["likes_count"]),
        "author": profiles.of(_author_id(document)),
    }
    if body:
        out["body"] = document["content"]
    return out


def comment(document: Document, number: int, profiles: Profiles) -> Document:
    """A comment document (`CommentOut`, as data) as a Conduit comment: `id` is its number."""
    return {
        "id": number,
        "createdAt": timestamp(document["created_at"]),
        "updatedAt": timestamp(document["updated_at"]),
        "body": document["content"],
        "author": profiles.of(_author_id(document)),
    }
