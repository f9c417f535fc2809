"""Full-text search over visible published posts, on either engine, with one contract.

PostgreSQL: a weighted tsvector (title A, summary B, text C) in a generated column with a
GIN index, `websearch_to_tsquery`, `ts_rank_cd` and `ts_headline`. SQLite: an FTS5 table
kept by triggers, `bm25()` with column weights and `highlight()`.

Highlights come from the first HIGHLIGHT_CHARS characters of a post's text (to the end of
the word there), for the page's hits only: the database marks every match there and
rendering.snippet cuts the snippet (see rendering.py for why).
"""

import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Settings
from blogapi.core.db import escape_like
from blogapi.core.pagination import Page, PageParams
from blogapi.posts import access as posts_access
from blogapi.posts import lists as posts_lists
from blogapi.posts import queries as posts_queries
from blogapi.posts.lists import PostFilters
from blogapi.posts.markdown import SEARCH_RUN
from blogapi.posts.models import Post
from blogapi.posts.schemas import PostSummary
from blogapi.search import stopwords
from blogapi.search.rendering import (
    LT_GT_STAND_INS,
    highlight_html,
    snippet,
    window_highlight,
)
from blogapi.search.schemas import SearchHit, Suggestion
from blogapi.search.syntax import (
    MARK_END,
    MARK_START,
    clean,
    parse,
    positive_terms,
    stem_pattern,
    to_fts5,
    without_stopwords,
)
from blogapi.tags import queries as tags_queries
from blogapi.users.models import User

# Title matches weigh most, then the summary, then the body (FTS5 bm25 column weights; the
# FTS5 table holds the body as its first HIGHLIGHT_CHARS characters and the rest).
BM25_WEIGHTS = (10.0, 4.0, 1.0, 1.0)
HIGHLIGHT_CHARS = 20_000  # the migration 8a1d2f3c4b50 splits SQLite's FTS5 body there
# PostgreSQL: ts_headline reads this many characters around the first match (its time grows
# with the text it parses: 20 posts of 10 KB took 45 ms), beginning HEADLINE_LEAD before it.
HEADLINE_WINDOW = 400
HEADLINE_LEAD = 130
FIRST_LOOK = 2_000
# PostgreSQL: how many matches are ranked (ts_rank_cd reads each one's tsvector from TOAST).
RANKED_MATCHES = 100
# Every match marked: the snippet is cut in rendering.py (in time proportional to the text).
HEADLINE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
SUGGESTIONS = 10


# (post id, rank, highlight)
Hit = tuple[uuid.UUID, float, str]


async def search(
    session: AsyncSession,
    settings: Settings,
    raw_query: str,
    params: PageParams,
    *,
    viewer: User | None,
    author: str | None = None,
    tags: list[str] | None = None,
) -> tuple[list[Hit], int]:
    """One page of matching posts the viewer may see, best first, and the number of matches."""
    filters = posts_lists.filtered(PostFilters(author=author, tags=tags or []), viewer)
    if session.get_bind().dialect.name == "postgresql":
        return await _search_postgresql(session, settings, raw_query, params, filters)
    return await _search_sqlite(session, settings, raw_query, params, filters)


Filters = tuple[list[ColumnElement[bool]], dict[str, Any]]  # conditions, and their values


async def _search_postgresql(
    session: AsyncSession,
    settings: Settings,
    raw_query: str,
    params: PageParams,
    filters: Filters,
) -> tuple[list[Hit], int]:
    parsed = parse(raw_query)
    if parsed.is_empty:  # nothing to look for (only exclusions or punctuation)
        return [], 0
    language = cast(settings.search_language, REGCONFIG)
    tsquery = func.websearch_to_tsquery(language, clean(raw_query))
    vector: ColumnElement[Any] = literal_column("posts.search_vector")
    # The query as a subquery: its value is unknown when PostgreSQL plans, so it expects few
    # matches and takes them from the GIN index. Told how many a common word matches, it
    # chose to test every public post's tsvector instead (each read from TOAST: 38 ms for
    # "build" on the demo data against 6 ms).
    conditions = [vector.op("@@")(select(tsquery).scalar_subquery()), *filters[0]]
    # The stems of the query's words (for ranking and highlights), then the count and page.
    lexemes = func.unnest(func.to_tsvector(language, positive_terms(parsed))).table_valued("lexeme")
    stems = await session.scalar(select(func.array_agg(lexemes.c.lexeme)))
    pattern = stem_pattern(stems or [])
    rank = func.ts_rank_cd(vector, tsquery)
    rows = (
        await session.execute(_ranked_page(conditions, rank, pattern, params), filters[1])
    ).all()
    total = rows[0][0]
    ranked = [
        (post_id, float(r)) for _, post_id, r in rows if post_id is not None and r is not None
    ]
    if not ranked:
        return [], total
    values: dict[str, Any] = {"search_text": clean(raw_query), "stem_pattern": pattern}
    values |= {"search_language": settings.search_language, "post_ids": [i for i, _ in ranked]}
    rows = await session.execute(_headlines(pattern is not None), values)
    marked = {row[0]: window_highlight(row[1], row[2], row[3], row[4]) for row in rows}
    return [(i, r, marked.get(i, "")) for i, r in ranked], total


def _ranked_page(
    conditions: list[ColumnElement[bool]],
    rank: ColumnElement[float],
    pattern: str | None,
    params: PageParams,
) -> Select[int, uuid.UUID | None, float | None]:
    """The number of matches with each of one page's (post id, rank); (total, None, None)
    when the page is empty. The matches are read once (without their tsvectors): ranking
    reads each post's tsvector, so only the first RANKED_MATCHES in candidate order (a
    searched stem in the title first, then the newest) are ranked, and come first, best
    first; the others follow in candidate order, each ranked once it is on the page. The
    page takes what it needs of both parts (LIMIT 0 runs nothing)."""
    in_title = Post.title.regexp_match(pattern, flags="i") if pattern else literal(False)
    matches = (
        select(Post.id, Post.published_at, in_title.label("in_title"))
        .where(*conditions)
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    match = matches.c
    candidate_order = (match.in_title.desc(), match.published_at.desc(), match.id.desc())
    first, last = params.offset, params.offset + params.limit
    split = max(first, RANKED_MATCHES)  # where the page's part of the others begins
    candidates = select(matches).order_by(*candidate_order).limit(RANKED_MATCHES).subquery()
    best_rank = rank.label("rank")
    best = (
        select(candidates.c.id, best_rank, candidates.c.published_at)
        .join_from(candidates, Post, Post.id == candidates.c.id)
        .order_by(best_rank.desc(), candidates.c.published_at.desc(), candidates.c.id.desc())
        .offset(min(first, RANKED_MATCHES))
        .limit(max(0, min(last, RANKED_MATCHES) - first))
        .subquery()
    )
    others = (
        select(matches)
        .order_by(*candidate_order)
        .offset(split)
        .limit(max(0, last - split))
        .subquery()
    )
    both = union_all(
        select(
            best.c.id,
            best.c.rank,
            literal(0).label("part"),
            literal(False).label("in_title"),
            best.c.published_at,
        ),
        select(others.c.id, rank, literal(1), others.c.in_title, others.c.published_at).join_from(
            others, Post, Post.id == others.c.id
        ),
    ).subquery()
    total = select(func.count().label("total")).select_from(matches).subquery()
    ranked_first = case((both.c.part == 0, both.c.rank), else_=None)  # the others: no rank
    order = (ranked_first.desc().nulls_last(), both.c.in_title.desc(), both.c.published_at.desc())
    return (
        select(total.c.total, both.c.id, both.c.rank)
        .select_from(total.outerjoin(both, true()))
        .order_by(both.c.part, *order, both.c.id.desc())
    )


@functools.cache
def _headlines(located: bool) -> Select[Any]:
    """Each post's marked window (HEADLINE_WINDOW characters of its text around the first word
    that starts like a searched stem in its first HIGHLIGHT_CHARS, else its opening), where it
    starts, whether text follows, and when the window has no match after all ("runtime" for
    "run") its whole highlighted part marked. Built once: all its values are bound."""
    language = cast(bindparam("search_language", type_=String()), REGCONFIG)
    tsquery = func.websearch_to_tsquery(language, bindparam("search_text", type_=String()))
    text, pattern = Post.content_text, bindparam("stem_pattern", type_=String())

    def first_in(chars: int) -> ColumnElement[int]:  # 0: not in the first `chars`
        return func.regexp_instr(func.substr(text, 1, chars), pattern, 1, 1, 0, "i")

    # The first FIRST_LOOK characters before the rest: less of the text is decompressed.
    first = (
        func.coalesce(func.nullif(first_in(FIRST_LOOK), 0), first_in(HIGHLIGHT_CHARS))
        if located
        else literal(0)
    )
    post_ids = bindparam("post_ids", expanding=True, type_=Post.id.type)
    located_text = (
        select(Post.id, text.label("text"), first.label("first"))
        .where(Post.id.in_(post_ids))
        .offset(0)  # a fence: the regular expression runs once per post
        .subquery()
    )
    start = func.greatest(1, located_text.c.first - HEADLINE_LEAD)
    window = func.substr(located_text.c.text, start, HEADLINE_WINDOW)
    windowed = (
        select(
            located_text.c.id,
            located_text.c.first,
            start.label("start"),
            _headline(language, window, tsquery).label("window"),
            (func.substr(located_text.c.text, start + HEADLINE_WINDOW, 1) != "").label("more"),
            located_text.c.text,
        )
        .offset(0)
        .subquery()
    )
    unmarked = and_(windowed.c.first > 0, func.strpos(windowed.c.window, MARK_START) == 0)
    whole = _headline(language, _highlighted_part(windowed.c.text), tsquery)
    return select(windowed.c.id, windowed.c.window, windowed.c.start, windowed.c.more).add_columns(
        case((unmarked, whole), else_=None)
    )


def _headline(
    language: ColumnElement[Any], text: ColumnElement[str], tsquery: ColumnElement[Any]
) -> ColumnElement[str]:
    """Every match in `text` marked. ts_headline drops what looks like HTML tags: < and >
    are hidden from it, and restored by rendering.highlight_html."""
    hidden = func.translate(text, "<>", LT_GT_STAND_INS)
    return func.ts_headline(language, hidden, tsquery, HEADLINE_OPTIONS)


def _highlighted_part(text: SQLColumnExpression[str]) -> ColumnElement[str]:
    """The first HIGHLIGHT_CHARS characters of `text`, to the end of the word there (the
    search text has a space at least every SEARCH_RUN characters)."""
    rest = func.substr(text, HIGHLIGHT_CHARS + 1, SEARCH_RUN + 1)
    return func.substr(text, 1, HIGHLIGHT_CHARS + func.strpos(rest, " "))


async def _search_sqlite(
    session: AsyncSession,
    settings: Settings,
    raw_query: str,
    params: PageParams,
    filters: Filters,
) -> tuple[list[Hit], int]:
    parsed = parse(raw_query)
    if settings.search_language == "english":
        parsed = without_stopwords(parsed, stopwords.ENGLISH)
    if parsed.is_empty:
        return [], 0
    fts: ColumnElement[Any] = literal_column("posts_fts")
    fts_rowid: ColumnElement[int] = literal_column("posts_fts.rowid")
    rank = -func.bm25(fts, *BM25_WEIGHTS)
    matched = (
        select(Post.id)
        .select_from(table("posts_fts"))
        .join(Post, literal_column("posts.rowid") == fts_rowid)
    )
    match: ColumnElement[bool] = fts.op("MATCH")(to_fts5(parsed))
    conditions = [match, *filters[0]]
    total = await session.scalar(
        select(func.count()).select_from(matched.where(*conditions).subquery()), filters[1]
    )
    if not total:
        return [], 0
    page = await session.execute(
        matched.add_columns(rank, fts_rowid)
        .where(*conditions)
        .order_by(rank.desc(), Post.published_at.desc(), Post.id.desc())
        .offset(params.offset)
        .limit(params.limit),
        filters[1],
    )
    ranked = [(post_id, float(r), rowid) for post_id, r, rowid in page]
    # Highlights for this page only (in the query that sorts, every match would make one),
    # from the column that holds the first HIGHLIGHT_CHARS characters of the text.
    highlighted = func.highlight(fts, 2, MARK_START, MARK_END)
    rows = await session.execute(
        select(fts_rowid, highlighted)
        .select_from(table("posts_fts"))
        .where(match, fts_rowid.in_([rowid for _, _, rowid in ranked]))
    )
    marked: dict[int, str] = {rowid: text for rowid, text in rows}  # noqa: C416
    return [(i, r, highlight_html(snippet(marked.get(j, "")))) for i, r, j in ranked], total


@dataclass(frozen=True)
class SearchQuery:
    text: str
    author: str | None = None
    tags: list[str] = field(default_factory=list)


async def _found(
    session: AsyncSession,
    settings: Settings,
    query: SearchQuery,
    params: PageParams,
    viewer: User | None,
) -> tuple[list[Hit], list[PostSummary], int]:
    hits, total = await search(
        session, settings, query.text, params, viewer=viewer, author=query.author, tags=query.tags
    )
    summaries = await posts_queries.summaries_by_id(
        session, [post_id for post_id, _, _ in hits], viewer.id if viewer else None
    )
    return hits, summaries, total


async def search_page(
    session: AsyncSession,
    settings: Settings,
    query: SearchQuery,
    params: PageParams,
    viewer: User | None,
) -> Page[SearchHit]:
    """A page of hits: each post's summary with its rank and highlight."""
    hits, summaries, total = await _found(session, settings, query, params, viewer)
    extra = {post_id: (rank, highlight) for post_id, rank, highlight in hits}
    items = [
        SearchHit(**s.model_dump(), rank=extra[s.id][0], highlight=extra[s.id][1])
        for s in summaries
    ]
    return Page[SearchHit].build(items, params, total)


async def search_posts(
    session: AsyncSession,
    settings: Settings,
    query: SearchQuery,
    params: PageParams,
    viewer: User | None,
) -> Page[PostSummary]:
    """The same search, as plain post summaries (for GET /posts?q=)."""
    _, summaries, total = await _found(session, settings, query, params, viewer)
    return Page[PostSummary].build(summaries, params, total)


async def suggest(session: AsyncSession, raw_query: str) -> list[Suggestion]:
    """Up to ten tag names and post titles that start with (or, on PostgreSQL, resemble) q."""
    needle = clean(raw_query).lower()
    if not needle:
        return []
    fuzzy = session.get_bind().dialect.name == "postgresql"
    prefix = escape_like(needle) + "%"
    word_start = "% " + prefix

    def matching(
        column: ColumnElement[str],
    ) -> tuple[ColumnElement[bool], list[ColumnElement[Any]]]:
        starts = column.like(prefix, escape="\\")
        condition = or_(starts, column.like(word_start, escape="\\"))
        order: list[ColumnElement[Any]] = [starts.desc()]
        if fuzzy:
            condition = or_(condition, column.op("%")(needle))
            order.append(func.similarity(column, needle).desc())
        return condition, [*order, func.length(column), column]

    public = posts_access.public_post_ids()
    tags = await tags_queries.suggest(session, matching, SUGGESTIONS, public)
    titles = await posts_queries.suggest_titles(session, matching, SUGGESTIONS)
    suggestions = [Suggestion(type="tag", text=name, slug=slug) for name, slug in tags]
    suggestions += [Suggestion(type="post", text=title, slug=slug) for title, slug in titles]
    return suggestions[:SUGGESTIONS]
