"""comments_count and each comment's `concealed` are what readers see: every order of
moderation steps.

One thread, P with replies A and B, and C replying to A. Every sequence of three steps that
each change something (hide, unhide or delete of P, A or C; B stays as P's other reply) runs
on a tree of its own post, and after every step the post's comments_count must equal the
comments the anonymous thread shows with content (placeholders say nothing), and those must
be the ones a plain model of the rule names: live, with no hidden comment at or above them.
The stored `concealed` of each comment must be the model's (a hidden comment at or above
it); the anonymous and the moderators' threads must hold the model's comments and
placeholders, with totals that match them.
"""

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from factories import Account, create_post, list_posts, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.comments import service as comments_service
from blogapi.comments.models import Comment
from blogapi.comments.schemas import CommentCreate
from blogapi.posts.models import Post
from blogapi.users.models import User

from .threads import comment_url, get_thread, moderate

PARENTS = {"P": None, "A": "P", "B": "P", "C": "A"}  # the tree, parents first
TARGETS = ("P", "A", "C")
ACTIONS = ("hide", "unhide", "delete")
Step = tuple[str, str]  # (action, comment)
LIST_LIMIT = 63  # posts in a batch, all on one page of the list


def changes_something(steps: tuple[Step, ...]) -> bool:
    """Each step changes its comment: no step on a deleted comment, unhide only what is
    hidden, hide only what is shown."""
    hidden: set[str] = set()
    deleted: set[str] = set()
    for action, name in steps:
        if name in deleted:
            return False
        if action == "delete":
            deleted.add(name)
        elif (action == "hide") == (name in hidden):
            return False
        else:
            hidden ^= {name}
    return True


SEQUENCES = [
    steps
    for steps in itertools.product(itertools.product(ACTIONS, TARGETS), repeat=3)
    if changes_something(steps)
]


@dataclass
class Tree:
    """One P/A/B/C tree on a post of its own, and the state its steps left it in."""

    post_id: str
    ids: dict[str, str]
    hidden: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)

    def concealed(self, name: str | None) -> bool:
        """The model: the comment or an ancestor is hidden."""
        return name is not None and (name in self.hidden or self.concealed(PARENTS[name]))

    def counted(self) -> set[str]:
        """The model: live, and neither the comment nor an ancestor hidden."""
        return {self.ids[n] for n in PARENTS if n not in self.deleted and not self.concealed(n)}

    def thread(self, *, moderator: bool) -> set[str]:
        """The model's thread: live comments, and deleted ones with a live reply below them;
        for readers, only those not concealed (the replies that hold one up included)."""

        def in_sight(name: str) -> bool:
            return moderator or not self.concealed(name)

        def below(name: str) -> set[str]:
            children = {n for n, parent in PARENTS.items() if parent == name}
            return children.union(*(below(child) for child in children))

        def holds(name: str) -> bool:
            return any(n not in self.deleted and in_sight(n) for n in below(name))

        return {self.ids[n] for n in PARENTS if in_sight(n) and (n not in self.deleted or holds(n))}


async def _plant(app: FastAPI, writer: Account, posts: list[dict[str, Any]]) -> list[Tree]:
    """A tree on each post, written through the service layer in one transaction (over HTTP
    it took most of the test's time)."""
    trees = []
    async with app.state.sessionmaker() as session:
        user = await session.get_one(User, uuid.UUID(writer.id))
        for document in posts:
            post = await session.get_one(Post, uuid.UUID(document["id"]))
            ids: dict[str, str] = {}
            for name, parent in PARENTS.items():
                data = CommentCreate(content=name, parent_id=ids[parent] if parent else None)
                comment = await comments_service.create_comment(session, post, user, data)
                ids[name] = str(comment.id)
            trees.append(Tree(document["id"], ids))
        await session.commit()
    return trees


async def _apply(
    client: httpx.AsyncClient, tree: Tree, step: Step, moderator: Account, writer: Account
) -> None:
    action, name = step
    if action == "delete":  # by its author, who may delete it even while it is hidden
        response = await client.delete(comment_url(tree.ids[name]), headers=writer.headers)
        assert response.status_code == 204, response.text
        tree.deleted.add(name)
        return
    response = await moderate(client, moderator, tree.ids[name], action)
    assert response.status_code == 200, response.text
    tree.hidden ^= {name}


async def test_the_count_equals_the_anonymous_thread_after_every_step(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert len(SEQUENCES) == 126
    writer = await signed_in(app, client)
    # The sequences run side by side, each on a post of its own: a round is one step of each,
    # then each post's count (one list read) against its anonymous thread.
    for batch in (SEQUENCES[:LIST_LIMIT], SEQUENCES[LIST_LIMIT:]):
        moderator = await signed_in(app, client)  # the posts' author
        trees = await _plant(app, writer, [await create_post(client, moderator) for _ in batch])
        for done in range(1, 4):
            for tree, steps in zip(trees, batch, strict=True):
                await _apply(client, tree, steps[done - 1], moderator, writer)
            listed = await list_posts(client, author=moderator.username, limit=LIST_LIMIT)
            counts = {post["id"]: post["comments_count"] for post in listed}
            threads = await asyncio.gather(*(get_thread(client, t.post_id) for t in trees))
            moderated = await asyncio.gather(
                *(get_thread(client, t.post_id, moderator) for t in trees)
            )
            stored = await _concealed(app, trees)
            for tree, steps, thread, whole in zip(trees, batch, threads, moderated, strict=True):
                done_steps = steps[:done]
                with_content = {c["id"] for c in thread["data"] if not c["is_deleted"]}
                assert with_content == tree.counted(), done_steps
                assert counts[tree.post_id] == len(with_content), done_steps
                expected = {tree.ids[n] for n in PARENTS if tree.concealed(n)}
                assert stored[tree.post_id] == expected, done_steps
                for view, moderator_view in ((thread, False), (whole, True)):
                    assert {c["id"] for c in view["data"]} == tree.thread(
                        moderator=moderator_view
                    ), (done_steps, moderator_view)
                    assert view["pagination"]["total"] == len(view["data"]), done_steps


async def _concealed(app: FastAPI, trees: list[Tree]) -> dict[str, set[str]]:
    """The ids of each tree's comments stored as concealed, by post id."""
    found: dict[str, set[str]] = {tree.post_id: set() for tree in trees}
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            select(Comment.post_id, Comment.id).where(
                Comment.post_id.in_([uuid.UUID(tree.post_id) for tree in trees]),
                Comment.concealed,
            )
        )
        for post_id, comment_id in rows:
            found[str(post_id)].add(str(comment_id))
    return found
