"""Saving a scratchpad SELECT as a named query file (same header as queries/), in a user folder."""

from __future__ import annotations

import re
from pathlib import Path

from . import runner, sandbox
from .errors import QueryError, WorkbenchError

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def save(sql: str, name: str, doc: str, columns: list[str], folder: str | Path) -> Path:
    """Write `folder/name.sql` with a `-- name:` / `-- columns:` header; validated by runner.parse."""
    if not NAME.match(name or ""):
        raise WorkbenchError("sql.bad_name")
    body = sandbox.check(sql)
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.sql"
    if path.exists() or (runner.QUERIES_DIR / f"{name}.sql").exists():
        raise WorkbenchError("sql.exists", name=name)
    doc = " ".join((doc or name).split()) or name
    cols = ", ".join(columns)
    text = f"-- {name}: {doc}\n-- columns: {cols}\n{body}\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        spec = runner.parse(tmp.rename(path))
    except QueryError:
        path.unlink(missing_ok=True)
        raise
    assert spec.name == name
    return path
