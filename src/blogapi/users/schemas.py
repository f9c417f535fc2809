import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, field_validator

from blogapi.core.config import Role
from blogapi.core.feed_links import FeedLinks
from blogapi.core.media_urls import MediaUrl
from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.core.urls import public_url_problem
from blogapi.users.models import UserStatus

MAX_USERNAME_LENGTH = 50
USERNAME_PATTERN = re.compile(rf"[a-z0-9_]{{3,{MAX_USERNAME_LENGTH}}}")


def _normalise_username(value: str) -> str:
    value = value.strip().lower()
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValueError(f"must be 3-{MAX_USERNAME_LENGTH} characters of a-z, 0-9 and _")
    return value


def _normalise_email(value: str) -> str:
    return value.strip().lower()


Username = Annotated[
    str, Field(max_length=MAX_USERNAME_LENGTH), AfterValidator(_normalise_username)
]
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_normalise_email)]
Password = Annotated[str, Field(min_length=8, max_length=128)]
DisplayName = Annotated[str, Field(min_length=1, max_length=100)]


class UserPublic(OutModel):
    id: uuid.UUID
    username: str
    display_name: str | None
    bio: str | None
    # Ours (an uploaded avatar) leaves absolute on the serving app's address; a URL the user
    # gave, as given.
    avatar_url: MediaUrl | None
    created_at: UTCTimestamp


class UserProfile(UserPublic):
    """A public profile: the account's public fields and its author feed."""

    feeds: FeedLinks = Field(description="The author's posts as RSS, Atom and JSON Feed")
    following: bool | None = Field(
        default=None, description="Whether you follow this account; null when not signed in"
    )


class UserPrivate(UserPublic):
    email: str
    role: Role
    status: UserStatus
    email_verified: bool
    updated_at: UTCTimestamp


class UserCreate(StrictModel):
    email: Email
    username: Username
    password: Password
    display_name: DisplayName | None = None


class UserUpdate(StrictModel):
    display_name: DisplayName | None = None
    bio: Annotated[str, Field(max_length=2000)] | None = None
    avatar_url: Annotated[str, Field(max_length=2048)] | None = None
    username: Username | None = None
    email: Email | None = Field(
        default=None, description="Takes effect once confirmed from the new address."
    )
    # Re-authentication for the one change that hands the account's mail elsewhere.
    current_password: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        default=None, description="Your password: required with a new `email`, else unused."
    )

    @field_validator("avatar_url")
    @classmethod
    def _public_https_url(cls, value: str | None) -> str | None:
        # Shown to every reader: never markup, an internal address or someone's credentials.
        if value is not None and (problem := public_url_problem(value)) is not None:
            raise ValueError(problem)
        return value


class UserDelete(StrictModel):
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RoleChange(StrictModel):
    role: Role


class StatusChange(StrictModel):
    status: UserStatus
