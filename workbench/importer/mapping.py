"""Which source header is which canonical column, and which table a file's headers fit."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .. import synonyms
from ..contract import TABLES


def norm(text: str) -> str:
    """Header/value key: NFKC, trimmed, lower-case, without inner spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def propose_mapping(table: str, headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """canonical column -> source header, by synonyms (first match wins) then overrides."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(norm(h), h)
    out = {}
    used = set()
    for col in TABLES[table].column_names:
        for word in (col,) + synonyms.HEADERS.get(table, {}).get(col, ()):
            h = by_norm.get(norm(word))
            if h is not None and h not in used:
                out[col] = h
                used.add(h)
                break
    for col, h in (overrides or {}).items():
        out = {k: v for k, v in out.items() if v != h or k == col}
        if h:
            out[col] = h
        else:
            out.pop(col, None)
    return out


def guess_table(headers: list[str], filename: str = "") -> str:
    """The canonical table these headers fit best (required columns first), orders on a tie."""
    stem = norm(Path(filename).stem)
    best = None
    for name, tbl in TABLES.items():
        m = propose_mapping(name, headers)
        req = [c.name for c in tbl.columns if c.required]
        score = (sum(c in m for c in req) == len(req), len(m), name in stem, name == "orders")
        if best is None or score > best[0]:
            best = (score, name)
    return best[1]
