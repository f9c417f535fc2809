"""The RealWorld (Conduit) flow end to end against a live server (`make run`):

    python scripts/realworld_e2e.py [API_ROOT]   # default http://127.0.0.1:8000/realworld/api

Two users register, one logs in, reads and updates itself (its own email sent back), writes
an article tagged ["training", "dragons"], finds it in lists and filters, edits its body
(the slug stays); the other favorites it (count 1, found by `?favorited=`) and unfavorites,
comments (listed with and without a token) and deletes the comment, follows the author (the
feed shows the article) and unfollows; the tags list it; the author deletes it (204). Each
step's status and body are checked; the first failure stops the run (exit status 1).
Names are unique per run, so it can run again against the same database.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import httpx

DEFAULT_ROOT = "http://127.0.0.1:8000/realworld/api"
PASSWORD = "a perfectly fine passphrase"  # noqa: S105 (the test accounts' own)


class FlowFailed(AssertionError):
    pass


def check(condition: bool, what: str, response: httpx.Response | None = None) -> None:
    if not condition:
        detail = f": {response.status_code} {response.text[:500]}" if response is not None else ""
        raise FlowFailed(f"{what}{detail}")


def expect(response: httpx.Response, status: int, what: str) -> Any:
    check(response.status_code == status, f"{what}: expected {status}", response)
    return response.json() if response.content else None


def token(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Token {user['token']}"}


def run_flow(root: str, *, log: Any = print) -> list[str]:
    """The flow against the Conduit API at `root`; the steps passed, in order."""
    steps: list[str] = []
    run = f"{int(time.time() * 1000) % 10**9}"
    with httpx.Client(base_url=root.rstrip("/"), timeout=30) as client:

        def step(name: str) -> None:
            steps.append(name)
            log(f"ok  {name}")

        users = []
        for name in (f"author{run}", f"reader{run}"):
            body = {
                "user": {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            }
            users.append(expect(client.post("/users", json=body), 201, "register")["user"])
        author, reader = users
        step("register two users")

        login = {"user": {"email": author["email"], "password": PASSWORD}}
        author = expect(client.post("/users/login", json=login), 200, "login")["user"]
        step("login")

        me = expect(client.get("/user", headers=token(author)), 200, "get user")["user"]
        check(me["username"] == author["username"], "get user: the same user")
        changed = {"user": {**me, "bio": "I train dragons"}}  # its own email, token and all
        me = expect(client.put("/user", json=changed, headers=token(author)), 200, "update")["user"]
        check(me["bio"] == "I train dragons" and me["email"] == author["email"], "update user")
        step("get and update user (own email)")

        article_in = {
            "title": f"How to train your dragon {run}",
            "description": "Ever wonder how?",
            "body": "You have to believe",
            "tagList": ["training", "dragons"],
        }
        response = client.post("/articles", json={"article": article_in}, headers=token(author))
        article = expect(response, 201, "create article")["article"]
        check(article["tagList"] == ["dragons", "training"], "tags sorted", response)
        slug = article["slug"]
        step("create article")

        feed = expect(client.get("/articles/feed", headers=token(reader)), 200, "feed")
        check(feed == {"articles": [], "articlesCount": 0}, "an empty feed")
        step("empty feed")

        listed = expect(client.get("/articles", params={"author": author["username"]}), 200, "list")
        check([a["slug"] for a in listed["articles"]] == [slug], "filter by author")
        tagged = expect(client.get("/articles", params={"tag": "dragons"}), 200, "by tag")
        check(slug in [a["slug"] for a in tagged["articles"]], "filter by tag")
        unknown = expect(client.get("/articles", params={"author": f"nobody{run}"}), 200, "none")
        check(unknown == {"articles": [], "articlesCount": 0}, "unknown author: empty")
        step("list and filter")

        got = expect(client.get(f"/articles/{slug}"), 200, "get article")["article"]
        check(got["body"] == "You have to believe", "get article")
        change = {"article": {"body": "With all your heart"}}
        response = client.put(f"/articles/{slug}", json=change, headers=token(author))
        updated = expect(response, 200, "update article")["article"]
        check(updated["slug"] == slug and updated["body"] == "With all your heart", "slug kept")
        step("get and update body")

        response = client.post(f"/articles/{slug}/favorite", headers=token(reader))
        favorited = expect(response, 200, "favorite")["article"]
        check(favorited["favorited"] is True and favorited["favoritesCount"] == 1, "favorite")
        found = client.get("/articles", params={"favorited": reader["username"]})
        check([a["slug"] for a in expect(found, 200, "favorited")["articles"]] == [slug], "found")
        response = client.delete(f"/articles/{slug}/favorite", headers=token(reader))
        unfavorited = expect(response, 200, "unfavorite")["article"]
        check(unfavorited["favoritesCount"] == 0 and not unfavorited["favorited"], "unfavorite")
        step("favorite and unfavorite")

        comment_in = {"comment": {"body": "Thank you so much!"}}
        response = client.post(f"/articles/{slug}/comments", json=comment_in, headers=token(reader))
        comment = expect(response, 200, "comment")["comment"]
        check(isinstance(comment["id"], int), "a comment's id is an integer")
        for headers in ({}, token(reader)):
            comments = client.get(f"/articles/{slug}/comments", headers=headers)
            ids = [c["id"] for c in expect(comments, 200, "comments")["comments"]]
            check(ids == [comment["id"]], "the comment listed")
        response = client.delete(
            f"/articles/{slug}/comments/{comment['id']}", headers=token(reader)
        )
        check(response.status_code == 204 and not response.content, "delete comment", response)
        step("comment, list, delete")

        profile = f"/profiles/{author['username']}/follow"
        followed = expect(client.post(profile, headers=token(reader)), 200, "follow")["profile"]
        check(followed["following"] is True, "following")
        feed = expect(client.get("/articles/feed", headers=token(reader)), 200, "feed")
        check([a["slug"] for a in feed["articles"]] == [slug], "the feed shows the article")
        unfollowed = expect(client.delete(profile, headers=token(reader)), 200, "unfollow")
        check(unfollowed["profile"]["following"] is False, "unfollowed")
        step("follow, feed, unfollow")

        tags = expect(client.get("/tags"), 200, "tags")["tags"]
        check({"dragons", "training"} <= set(tags), "tags listed")
        step("tags")

        response = client.delete(f"/articles/{slug}", headers=token(author))
        check(response.status_code == 204 and not response.content, "delete article", response)
        expect(client.get(f"/articles/{slug}"), 404, "deleted article")
        step("delete article")
    return steps


def main(argv: list[str]) -> int:
    root = argv[1] if len(argv) > 1 else DEFAULT_ROOT
    try:
        steps = run_flow(root)
    except (FlowFailed, httpx.HTTPError) as error:
        print(f"FAIL {error}", file=sys.stderr)
        return 1
    print(f"all {len(steps)} steps passed against {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
