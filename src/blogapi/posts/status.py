"""The post status machine, as a table: which move is allowed, and to whom.

A move not in the table is 409 INVALID_STATUS_TRANSITION; a move in it that the
caller's role does not allow is 403 FORBIDDEN.
"""

import enum

from blogapi.core.config import Role
from blogapi.core.errors import Forbidden
from blogapi.posts.errors import InvalidStatusTransition
from blogapi.posts.models import PostStatus
from blogapi.users.models import User

D, R, P, A = (
    PostStatus.DRAFT,
    PostStatus.PENDING_REVIEW,
    PostStatus.PUBLISHED,
    PostStatus.ARCHIVED,
)


class Who(enum.Enum):
    OWNER = "the post's author, or an editor"
    PUBLISHER = "the post's author with the author role or above, or an editor"
    EDITOR = "an editor or admin"


TRANSITIONS: dict[tuple[PostStatus, PostStatus], Who] = {
    (D, P): Who.PUBLISHER,
    (D, R): Who.OWNER,
    (R, P): Who.EDITOR,
    (R, D): Who.EDITOR,
    (P, A): Who.OWNER,
    (P, D): Who.OWNER,
    (A, D): Who.OWNER,
}


def may(who: Who, user: User, *, is_owner: bool) -> bool:
    if user.has_role(Role.EDITOR):
        return True
    if who is Who.EDITOR or not is_owner:
        return False
    return who is Who.OWNER or user.has_role(Role.AUTHOR)


def check_transition(
    current: PostStatus, target: PostStatus, user: User, *, is_owner: bool
) -> None:
    """Raise unless `user` may move a post from `current` to `target` (same status: no move)."""
    if current == target:
        return
    who = TRANSITIONS.get((current, target))
    if who is None:
        raise InvalidStatusTransition(f"A post cannot move from {current.value} to {target.value}")
    if not may(who, user, is_owner=is_owner):
        raise Forbidden(f"Moving a post from {current.value} to {target.value} needs {who.value}")


def check_initial_status(status: PostStatus, user: User) -> None:
    """A new post starts as a draft, pending review, or (for authors and up) published."""
    if status is PostStatus.ARCHIVED:
        raise InvalidStatusTransition("A new post cannot start archived")
    if status is PostStatus.PUBLISHED and not user.has_role(Role.AUTHOR):
        raise Forbidden("Contributors submit posts for review; an editor publishes them")
