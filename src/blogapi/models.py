"""Every domain's tables, imported so that Alembic and the tests see one complete metadata."""

from blogapi.auth.models import EmailToken, RefreshToken
from blogapi.comments.models import Comment
from blogapi.core.db import Base
from blogapi.events.models import Event
from blogapi.mail.models import OutboxEmail
from blogapi.media.models import Media
from blogapi.posts.models import Post, PostCover, PostRevision
from blogapi.previews.models import PreviewLink
from blogapi.reactions.models import Bookmark, PostLike
from blogapi.tags.models import PostTag, Tag
from blogapi.users.models import Follow, User
from blogapi.viewcounts.models import PostViewDaily
from blogapi.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookFanout

metadata = Base.metadata

__all__ = [
    "Bookmark",
    "Comment",
    "EmailToken",
    "Event",
    "Follow",
    "Media",
    "OutboxEmail",
    "Post",
    "PostCover",
    "PostLike",
    "PostRevision",
    "PostTag",
    "PostViewDaily",
    "PreviewLink",
    "RefreshToken",
    "Tag",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookFanout",
    "metadata",
]
