"""The event types a webhook can subscribe to, each with the JSON Schema of its `data`.

Served at GET /api/v1/webhooks/event-types. The post in `data.post` is the public post
representation without its body (`content`, `content_html`): receivers fetch the body. Deleted
things carry `{id, slug}` only.
"""

from functools import cache
from typing import Any

from blogapi.posts.schemas import PostSummary

WILDCARD = "*"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_UUID = {"type": "string", "format": "uuid"}
_REF = {
    "type": "object",
    "properties": {"id": _UUID, "slug": {"type": "string"}},
    "required": ["id", "slug"],
}
# A created comment carries the comment as readers see it; a hidden or deleted one only
# where it is.
_COMMENT = {
    "type": "object",
    "properties": {"id": _UUID, "post_id": _UUID},
    "required": ["id", "post_id"],
}
_COMMENT_DATA = ({"comment": _COMMENT, "post": _REF}, ["comment", "post"])
_TAG = {
    "type": "object",
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    "required": ["slug", "name"],
}
_POST_FIELDS = ["title", "summary", "content", "slug", "tags"]

# Type -> (what it means, its data's properties, the ones required).
_TYPES: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "post.published": ("A post became visible (at once, or at its `published_at`)", {}, []),
    "post.updated": (
        "A visible post's title, summary, content, slug or tags changed",
        {"changed": {"type": "array", "items": {"enum": _POST_FIELDS}, "minItems": 1}},
        ["changed"],
    ),
    "post.unpublished": ("A published post is no longer visible", {}, []),
    "post.scheduled": ("A post was given a publication date to come", {}, []),
    "post.submitted": ("A post was submitted for review", {}, []),
    "post.deleted": ("A post was deleted", {"post": _REF}, ["post"]),
    "comment.created": ("A comment was written", *_COMMENT_DATA),
    "comment.hidden": ("A comment was hidden by a moderator", *_COMMENT_DATA),
    "comment.deleted": ("A comment was deleted", *_COMMENT_DATA),
    "tag.updated": (
        "A tag was renamed, or another merged into it (its posts moved here, it is gone)",
        {"tag": _TAG, "previous": _TAG, "merged": {"type": "boolean"}},
        ["tag", "previous", "merged"],
    ),
    "webhook.test": (
        "Sent on request (POST /webhooks/{id}/test), to this endpoint only",
        {"endpoint_id": _UUID, "message": {"type": "string"}},
        ["endpoint_id", "message"],
    ),
}
EVENT_TYPES = frozenset(_TYPES)


def _post_schema() -> dict[str, Any]:
    return PostSummary.model_json_schema(ref_template="#/$defs/{model}")


@cache
def data_schemas() -> dict[str, dict[str, Any]]:
    """Each type's JSON Schema of `data` (post types carry the post without its body)."""
    post = _post_schema()
    defs = post.pop("$defs", {})
    schemas = {}
    for name, (description, properties, required) in _TYPES.items():
        carries_post = name.startswith("post.") and name != "post.deleted"
        schema: dict[str, Any] = {
            "$schema": JSON_SCHEMA_DIALECT,
            "title": name,
            "description": description,
            "type": "object",
            "properties": {**({"post": post} if carries_post else {}), **properties},
            "required": (["post"] if carries_post else []) + required,
        }
        if carries_post and defs:
            schema["$defs"] = defs
        schemas[name] = schema
    return schemas


def is_subscribed(subscribed: list[str], event_type: str) -> bool:
    """An endpoint with these `events` wants this type (`webhook.test` goes only on request)."""
    if event_type == "webhook.test":
        return False
    return WILDCARD in subscribed or event_type in subscribed
