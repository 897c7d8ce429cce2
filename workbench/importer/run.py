"""Importing one file into `TABLE.parquet` of a dataset folder, all or nothing; inspecting a file first."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..contract import TABLES
from ..errors import ImportFailed, Problem
from ..quoting import ident
from .coerce import check_and_stage
from .encoding import ENCODINGS
from .mapping import guess_table, propose_mapping
from .source import open_source


@dataclass
class Result:
    table: str
    rows: int
    encoding: str | None
    mapping: dict[str, str]  # canonical -> source header
    ignored: list[str]
    path: Path | None = None


def run_import(
    table: str,
    source: str | Path,
    into: str | Path,
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    label: str | None = None,
) -> Result:
    """Import one file into `into/TABLE.parquet`; ImportFailed (nothing written) on any problem."""
    path, into = Path(source).expanduser(), Path(into).expanduser()
    label = label or path.name
    if table not in TABLES:
        raise ImportFailed([Problem("unknown_table", file=label, column=table, info=", ".join(TABLES))])
    if encoding not in ("auto",) + ENCODINGS:
        raise ImportFailed([Problem("bad_encoding", file=label, info=encoding)])
    parent = into if into.is_dir() else into.parent
    parent.mkdir(parents=True, exist_ok=True) if not parent.exists() else None
    work = Path(tempfile.mkdtemp(prefix=".wb-import-", dir=parent if os.access(parent, os.W_OK) else None))
    try:
        con = duckdb.connect(str(work / "work.duckdb"))
        try:
            src, problems = open_source(con, path, work, encoding, sheet, label)
            if problems:
                raise ImportFailed(problems)
            m = propose_mapping(table, src.headers, mapping)
            rows, problems = check_and_stage(src, table, m)
            if problems:
                raise ImportFailed(problems)
            out = work / f"{table}.parquet"
            cols = ", ".join(ident(c) for c in TABLES[table].column_names)
            con.execute(f"copy (select {cols} from canon order by _row) to $out (format parquet)", {"out": str(out)})
        finally:
            con.close()
        into.mkdir(parents=True, exist_ok=True)
        final = into / f"{table}.parquet"
        os.replace(out, final)  # atomic on one file system; the target folder changes only here
        used = set(m.values())
        return Result(table, rows, src.encoding, m, [h for h in src.headers if h not in used], final)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def inspect(
    path: str | Path, encoding: str = "auto", sheet: str | None = None, label: str | None = None, preview_rows: int = 10
):
    """(headers, encoding, preview DataFrame, guessed table, problems) for a file, without importing."""
    path = Path(path)
    work = Path(tempfile.mkdtemp(prefix=".wb-inspect-"))
    con = duckdb.connect()
    try:
        src, problems = open_source(con, path, work, encoding, sheet, label)
        if problems:
            return [], None, None, None, problems
        preview = con.execute(f"select * from {src.view} limit $n", {"n": int(preview_rows)}).df()
        return src.headers, src.encoding, preview, guess_table(src.headers, path.name), []
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
