"""Every domain's tables, imported so that Alembic and the tests see one complete metadata."""

from blogapi.auth.models import EmailToken, RefreshToken
from blogapi.comments.models import Comment
from blogapi.core.db import Base
from blogapi.mail.models import OutboxEmail
from blogapi.media.models import Media
from blogapi.posts.models import Post, PostCover, PostRevision
from blogapi.reactions.models import Bookmark, PostLike
from blogapi.tags.models import PostTag, Tag
from blogapi.users.models import User

metadata = Base.metadata

__all__ = [
    "Bookmark",
    "Comment",
    "EmailToken",
    "Media",
    "OutboxEmail",
    "Post",
    "PostCover",
    "PostLike",
    "PostRevision",
    "PostTag",
    "RefreshToken",
    "Tag",
    "User",
    "metadata",
]
