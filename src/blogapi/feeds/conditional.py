"""Conditional GET of feeds (RFC 9110 13.1 and 13.2.2): If-None-Match, when sent, decides
alone; else If-Modified-Since answers 304 when the feed changed no later than the date sent
("not newer than", not equality: a client may send any date it likes). Dates have whole
seconds, so the feed's last change is compared as its Last-Modified header says it."""

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from blogapi.core.http_cache import entity_tags


def http_date(moment: datetime) -> str:
    """An IMF-fixdate (`Sat, 05 Dec 2026 10:00:00 GMT`), the fraction of a second dropped."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _parsed(header: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: datetime
) -> bool:
    """Whether the client's copy is current: a 304 instead of the feed."""
    if if_none_match is not None:
        tags = entity_tags(if_none_match)
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    since = _parsed(if_modified_since)  # an invalid date is ignored (RFC 9110 13.1.3)
    return since is not None and last_modified.replace(microsecond=0) <= since
