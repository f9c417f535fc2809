"""Every domain's tables, imported so that Alembic and the tests see one complete metadata."""

from blogapi.auth.models import EmailToken, RefreshToken
from blogapi.comments.models import Comment
from blogapi.core.db import Base
from blogapi.mail.models import OutboxEmail
from blogapi.posts.models import Post, PostRevision
from blogapi.reactions.models import Bookmark, PostLike
from blogapi.tags.models import PostTag, Tag
from blogapi.users.models import User

metadata = Base.metadata

__all__ = [
    "Bookmark",
    "Comment",
    "EmailToken",
    "OutboxEmail",
    "Post",
    "PostLike",
    "PostRevision",
    "PostTag",
    "RefreshToken",
    "Tag",
    "User",
    "metadata",
]
