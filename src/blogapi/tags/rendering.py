"""Tags as responses: a post's tags from the one string its read statement aggregates
(`queries.tags_column`). No SQL here."""

from blogapi.core.responses import Document

# Between a post's tags: a control character, which no name may hold (tags/naming.py).
ENTRY_SEPARATOR = "\x1f"


def post_tags(aggregated: str | None) -> list[Document]:
    """`TagSummary` documents ordered by slug, from "slug name" entries: a slug holds no
    space, and sorting the entries sorts by slug, since every slug character sorts after one."""
    if not aggregated:
        return []
    entries = (entry.split(" ", 1) for entry in sorted(aggregated.split(ENTRY_SEPARATOR)))
    return [{"slug": slug, "name": name} for slug, name in entries]
