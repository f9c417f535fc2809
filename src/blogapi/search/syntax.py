"""Search-box syntax, parsed once: words, "quoted phrases", -excluded words and `or`.

PostgreSQL reads the same syntax natively (`websearch_to_tsquery`); for SQLite the parsed
query is written out as an FTS5 expression in which every term is a quoted string, so no
input can ever reach FTS5 as syntax (`NEAR(`, `*`, `:` or a stray quote are just text).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# What search highlights arrive wrapped in before escaping (private-use code points).
MARK_START = "\ue000"
MARK_END = "\ue001"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass
class ParsedQuery:
    # AND of groups; each group is an OR of terms (a term is a word or a phrase).
    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups


def clean(raw: str) -> str:
    """The query without control characters (NUL included), whitespace folded."""
    return " ".join(_CONTROL.sub(" ", raw).split())


def parse(raw: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pending_or = last_was_positive = False
    for match in _TOKEN.finditer(clean(raw)):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.lower() == "or":
            pending_or = last_was_positive
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = " ".join((phrase if phrase is not None else word or "").split())
        if not _WORD.search(term):
            continue  # punctuation alone, a lone operator, an empty phrase
        if negated:
            parsed.excluded.append(term)
        elif pending_or:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        pending_or, last_was_positive = False, not negated
    return parsed


def without_stopwords(parsed: ParsedQuery, stopwords: frozenset[str]) -> ParsedQuery:
    """Drop single-word terms that are stop words (phrases keep theirs, as PostgreSQL does)."""
    groups = [[t for t in group if t.lower() not in stopwords] for group in parsed.groups]
    excluded = [t for t in parsed.excluded if t.lower() not in stopwords]
    return ParsedQuery(groups=[g for g in groups if g], excluded=excluded)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def to_fts5(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression; every term is a string literal."""
    groups = ["(" + " OR ".join(_quoted(t) for t in group) + ")" for group in parsed.groups]
    expression = " AND ".join(groups)
    for term in parsed.excluded:
        expression = f"({expression}) NOT {_quoted(term)}"
    return expression


def positive_terms(parsed: ParsedQuery) -> str:
    """The words of the terms a match must have (not the excluded ones), for stemming."""
    return " ".join(term for group in parsed.groups for term in group)


def stem_pattern(stems: Sequence[str]) -> str | None:
    """A PostgreSQL regular expression for the start of a word that begins like one of the
    `stems` (the database's lexemes of the query's words), or None without stems.

    A Snowball stem is, as a rule, the start of the words it stands for ("engin" for
    "engines"), except that a final y becomes i ("happi" for "happy"): such a stem is looked
    for without its i. Every character that is not a letter or a digit is escaped.
    """
    prefixes = sorted(
        {stem[:-1] if len(stem) > 2 and stem.endswith("i") else stem for stem in stems}
    )
    alternatives = ["".join(c if c.isalnum() else "\\" + c for c in p) for p in prefixes if p]
    return "\\m(?:" + "|".join(alternatives) + ")" if alternatives else None
