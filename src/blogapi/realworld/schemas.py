"""Conduit's bodies: camelCase, wrapped (`{"user": {...}}`). Requests ignore unknown keys
(clients send the whole user back, its token too) and check nothing themselves: the named
fields become the core's own schemas (`to_core`), whose rules answer."""

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from blogapi.core.errors import ErrorDetail, ValidationFailed


class ConduitIn(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class NewUser(ConduitIn):
    username: str
    email: str
    password: str


class NewUserRequest(ConduitIn):
    user: NewUser


class LoginUser(ConduitIn):
    email: str
    password: str


class LoginUserRequest(ConduitIn):
    user: LoginUser


class UpdateUser(ConduitIn):
    email: str | None = None
    username: str | None = None
    password: str | None = None
    bio: str | None = None
    image: str | None = None


class UpdateUserRequest(ConduitIn):
    user: UpdateUser


class NewArticle(ConduitIn):
    title: str
    description: str
    body: str
    tag_list: list[str] = Field(default=[], alias="tagList")


class NewArticleRequest(ConduitIn):
    article: NewArticle


class UpdateArticle(ConduitIn):
    title: str | None = None
    description: str | None = None
    body: str | None = None


class UpdateArticleRequest(ConduitIn):
    article: UpdateArticle


class NewComment(ConduitIn):
    body: str


class NewCommentRequest(ConduitIn):
    comment: NewComment


# Responses: the routes answer documents the mappers build; these describe them in /docs.


class UserOut(BaseModel):
    email: str
    token: str
    username: str
    bio: str | None
    image: str | None


class UserResponse(BaseModel):
    user: UserOut


class ProfileOut(BaseModel):
    username: str
    bio: str | None
    image: str | None
    following: bool


class ProfileResponse(BaseModel):
    profile: ProfileOut


class ArticleSummaryOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    slug: str
    title: str
    description: str
    tag_list: list[str] = Field(alias="tagList")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    favorited: bool
    favorites_count: int = Field(alias="favoritesCount")
    author: ProfileOut


class ArticleOut(ArticleSummaryOut):
    body: str


class ArticleResponse(BaseModel):
    article: ArticleOut


class ArticlesResponse(BaseModel):
    articles: list[ArticleSummaryOut]
    articles_count: int = Field(alias="articlesCount")


class CommentOut(BaseModel):
    id: int
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    body: str
    author: ProfileOut


class CommentResponse(BaseModel):
    comment: CommentOut


class CommentsResponse(BaseModel):
    comments: list[CommentOut]


class TagsResponse(BaseModel):
    tags: list[str]


class ConduitErrors(BaseModel):
    errors: dict[str, list[str]] = Field(
        description='What went wrong, by field ("body" when no field): {"email": ["..."]}'
    )


CoreModel = TypeVar("CoreModel", bound=BaseModel)


def to_core(model: type[CoreModel], fields: dict[str, Any]) -> CoreModel:
    """The core's schema of these fields: its rules judge them, and a refusal is the core's
    400 on the field (the Conduit layer names it as clients do: `middleware.py`)."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        details = [
            ErrorDetail(
                field=".".join(str(part) for part in problem["loc"]) or None,
                message=str(problem["msg"]),
            )
            for problem in error.errors()
        ]
        raise ValidationFailed(details=details) from None
