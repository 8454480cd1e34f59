"""Accent folding for search: "tromso" finds "Tromsø", "munchen" finds "München".

PostgreSQL folds with its `unaccent` dictionary inside the search configuration (migration
0014). SQLite has no such thing, so `fold()` is registered on every SQLite connection as the
SQL function `articles_fold()`, and the fallback search compares folded text with folded
words. Letters that Unicode does not decompose (ø, æ, ß, ł, đ …) are mapped first, as
PostgreSQL's unaccent rules map them.
"""

import re
import unicodedata

from django.db.models import Func, TextField

SQL_FUNCTION = "articles_fold"
_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "n", "Ŋ": "N", "ĸ": "q",
})  # fmt: skip
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text):
    """`text` without accents, lower-cased (casefolded); None stays None."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return _MARKS.sub("", decomposed).casefold()


def fold_with_offsets(text):
    """`fold(text)`, and for each of its characters the offset of the character of `text`
    it came from: to mark a match found in folded text in the original."""
    if text.isascii():
        return text.lower(), range(len(text))
    folded, offsets = [], []
    for offset, char in enumerate(text):
        part = fold(char)
        folded.append(part)
        offsets += [offset] * len(part)
    return "".join(folded), offsets


class Fold(Func):
    """`articles_fold(expression)`: SQLite only (PostgreSQL's search folds by itself)."""

    function = SQL_FUNCTION
    output_field = TextField()


def register(sender, connection, **kwargs):
    """connection_created receiver: give every SQLite connection `articles_fold()`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
