"""Quoting for the few names SQL text has to carry. Values, and file paths, are bound as parameters.

Identifiers cannot be parameters: a canonical table or column, a source file's header (the
importer reads columns by the names the shop's export gave them), a schema or alias we made.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier (a double quote inside is doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(text: str) -> str:
    """`text` as a SQL string literal, for constants built into SQL text (e.g. a MAP of value words)."""
    return "'" + str(text).replace("'", "''") + "'"
