"""The post status machine (posts/status.py): every cell of the 4x4 matrix, and who may move."""

import itertools
import uuid

import pytest

from blogapi.core.config import Role
from blogapi.core.errors import Conflict, Forbidden
from blogapi.posts.models import PostStatus
from blogapi.posts.status import check_initial_status, check_transition
from blogapi.users.models import User

D, R, P, A = (
    PostStatus.DRAFT,
    PostStatus.PENDING_REVIEW,
    PostStatus.PUBLISHED,
    PostStatus.ARCHIVED,
)
# Who may make each allowed move (docs/api.md, "Posts, tags, comments, likes and bookmarks").
# Every other move between two statuses is a 409.
OWNER, PUBLISHER, EDITOR = "owner", "publisher", "editor"
ALLOWED = {
    (D, P): PUBLISHER,
    (D, R): OWNER,
    (R, P): EDITOR,
    (R, D): EDITOR,
    (P, A): OWNER,
    (P, D): OWNER,
    (A, D): OWNER,
}
MOVES = [(a, b) for a, b in itertools.product(PostStatus, PostStatus) if a != b]
FORBIDDEN_MOVES = [move for move in MOVES if move not in ALLOWED]


def user(role: Role) -> User:
    return User(id=uuid.uuid4(), role=role.value, username=f"{role.value}-x")


def expected_allowed(needs: str, role: Role, *, is_owner: bool) -> bool:
    if role in (Role.EDITOR, Role.ADMIN):
        return True
    if not is_owner or needs == EDITOR:
        return False
    return needs == OWNER or role is Role.AUTHOR


def test_the_matrix_has_seven_allowed_and_five_forbidden_moves() -> None:
    assert len(MOVES) == 12
    assert len(ALLOWED) == 7
    assert sorted(FORBIDDEN_MOVES) == sorted([(D, A), (R, A), (P, R), (A, R), (A, P)])


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("role", list(Role))
def test_staying_in_the_same_status_is_not_a_move(status: PostStatus, role: Role) -> None:
    check_transition(status, status, user(role), is_owner=False)


@pytest.mark.parametrize(("current", "target"), FORBIDDEN_MOVES)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("is_owner", [True, False])
def test_a_move_outside_the_table_is_an_invalid_transition_for_everyone(
    current: PostStatus, target: PostStatus, role: Role, is_owner: bool
) -> None:
    with pytest.raises(Conflict) as raised:
        check_transition(current, target, user(role), is_owner=is_owner)
    assert raised.value.code == "INVALID_STATUS_TRANSITION"
    assert raised.value.status_code == 409


@pytest.mark.parametrize(("current", "target"), list(ALLOWED))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("is_owner", [True, False])
def test_an_allowed_move_checks_the_role_and_ownership(
    current: PostStatus, target: PostStatus, role: Role, is_owner: bool
) -> None:
    actor = user(role)
    if expected_allowed(ALLOWED[current, target], role, is_owner=is_owner):
        check_transition(current, target, actor, is_owner=is_owner)
        return
    with pytest.raises(Forbidden) as raised:
        check_transition(current, target, actor, is_owner=is_owner)
    assert raised.value.code == "FORBIDDEN"


def test_a_contributor_cannot_publish_their_own_draft() -> None:
    with pytest.raises(Forbidden):
        check_transition(D, P, user(Role.CONTRIBUTOR), is_owner=True)


def test_a_contributor_may_submit_their_own_draft_for_review() -> None:
    check_transition(D, R, user(Role.CONTRIBUTOR), is_owner=True)


def test_an_author_cannot_approve_their_own_post_under_review() -> None:
    with pytest.raises(Forbidden):
        check_transition(R, P, user(Role.AUTHOR), is_owner=True)


def test_an_author_cannot_move_someone_elses_post() -> None:
    for current, target in ALLOWED:
        with pytest.raises(Forbidden):
            check_transition(current, target, user(Role.AUTHOR), is_owner=False)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_editors_may_make_every_allowed_move_on_any_post(role: Role) -> None:
    for (current, target), is_owner in itertools.product(ALLOWED, [True, False]):
        check_transition(current, target, user(role), is_owner=is_owner)


@pytest.mark.parametrize("role", list(Role))
def test_no_post_starts_archived(role: Role) -> None:
    with pytest.raises(Conflict) as raised:
        check_initial_status(A, user(role))
    assert raised.value.code == "INVALID_STATUS_TRANSITION"


@pytest.mark.parametrize("role", list(Role))
def test_anyone_may_start_a_draft_or_submit_for_review(role: Role) -> None:
    check_initial_status(D, user(role))
    check_initial_status(R, user(role))


def test_only_authors_and_above_may_start_published() -> None:
    with pytest.raises(Forbidden):
        check_initial_status(P, user(Role.CONTRIBUTOR))
    for role in (Role.AUTHOR, Role.EDITOR, Role.ADMIN):
        check_initial_status(P, user(role))
