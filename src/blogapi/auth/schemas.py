import uuid
from typing import Annotated, Literal

from pydantic import Field

from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.users.schemas import Password, UserPrivate

RefreshTokenStr = Annotated[str, Field(min_length=1, max_length=256)]


class LoginRequest(StrictModel):
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RefreshRequest(StrictModel):
    refresh_token: RefreshTokenStr


class PasswordChange(StrictModel):
    current_password: Annotated[str, Field(min_length=1, max_length=128)]
    new_password: Password


class TokenPair(OutModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int
    user: UserPrivate


class SessionOut(OutModel):
    id: uuid.UUID = Field(description="The session (token family) id")
    user_agent: str | None
    ip: str | None
    started_at: UTCTimestamp
    last_used_at: UTCTimestamp
    expires_at: UTCTimestamp
    current: bool = Field(description="True for the session this request's access token belongs to")


class EmailTokenRequest(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=256)]


class PasswordResetRequest(StrictModel):
    email: Annotated[str, Field(min_length=3, max_length=254)]


class PasswordResetConfirm(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Password


class Accepted(OutModel):
    detail: str
