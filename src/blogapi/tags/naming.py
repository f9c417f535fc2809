"""Tag names: what a name may be, when two names are one tag, and the slug a name reads as.

A tag keeps its name as first written ("C++", ".NET", "Node.js"). Names equal once folded
(case, Unicode compatibility forms, runs of spaces) are one tag: `name_key`. The slug is the
name read aloud in ASCII: the symbols that tell tags apart are spoken (`C++` is
`c-plus-plus`, `C#` `c-sharp`, `.NET` `dot-net`, `Node.js` `node-dot-js`), so distinct names
get distinct slugs; a number is added only when two names still read the same.
"""

import unicodedata

from slugify import slugify

MAX_NAME_LENGTH = 30
# A slug says each symbol as a word: "+" * 30 reads as 149 characters, cut at a word.
MAX_SLUG_LENGTH = 100
# Folding can lengthen a name (ligatures, some compatibility characters): bounded here.
MAX_KEY_LENGTH = 100
SPOKEN_SYMBOLS = [["+", " plus "], ["#", " sharp "], [".", " dot "], ["&", " and "]]
# A name of letters that have no ASCII reading still gets a slug (then numbered).
FALLBACK_SLUG = "tag"
# Invisible characters are refused, except the joiners some scripts and emoji need.
_JOINERS = frozenset("\u200c\u200d")


def name_key(name: str) -> str:
    """The name folded: names with the same key are one tag (also how a filter finds it)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def _invisible(character: str) -> bool:
    return unicodedata.category(character).startswith("C") and character not in _JOINERS


def clean_name(value: str) -> str:
    """The name as kept (NFC, each run of spaces one space, trimmed); ValueError when it
    cannot name a tag."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name:
        raise ValueError("a tag's name must not be blank")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a tag's name has at most {MAX_NAME_LENGTH} characters")
    if any(_invisible(character) for character in name):
        raise ValueError("a tag's name must not hold control or invisible characters")
    if not any(character.isalnum() for character in name):
        raise ValueError("a tag's name needs at least one letter or digit")
    if len(name_key(name)) > MAX_KEY_LENGTH:
        raise ValueError("a tag's name is too long once normalised")
    return name


def slug_of(name: str) -> str:
    """The slug `name` reads as, before any number is added."""
    readable = unicodedata.normalize("NFKC", name)
    slug = slugify(
        readable,
        replacements=SPOKEN_SYMBOLS,
        max_length=MAX_SLUG_LENGTH,
        word_boundary=True,
        save_order=True,
    )
    return str(slug) or FALLBACK_SLUG


def numbered(slug: str, number: int) -> str:
    """`slug-<number>`, cut so that it still fits."""
    suffix = f"-{number}"
    return slug[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
