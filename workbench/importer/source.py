"""Opening one source file (CSV/TSV/TXT, Excel, Parquet) as a DuckDB table of text columns."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import Problem
from ..quoting import ident
from .encoding import SAMPLE, delimiter, detect_encoding, header_columns, transcode

EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


@dataclass
class Source:
    """An opened source file: a DuckDB relation of text columns, the headers, the encoding."""

    con: duckdb.DuckDBPyConnection
    view: str
    headers: list[str]
    encoding: str | None
    label: str


def open_source(
    con, path: Path, workdir: Path, encoding: str = "auto", sheet: str | None = None, label: str | None = None
) -> tuple[Source | None, list[Problem]]:
    """Read `path` into the table `src` of `con` (all text); (None, problems) when it cannot be read."""
    label = label or path.name
    ext = path.suffix.lower()
    if not path.is_file():
        return None, [Problem("not_found", file=label)]
    if path.stat().st_size == 0:
        return None, [Problem("empty_file", file=label)]
    if ext not in EXTENSIONS:
        return None, [Problem("bad_extension", file=label, info=", ".join(EXTENSIONS))]
    view = "src"
    enc = None
    try:
        if ext == ".parquet":
            cols = [r[0] for r in con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()]
            con.execute(
                f"create table {view} as select "
                + ", ".join(f"cast({ident(c)} as varchar) as {ident(c)}" for c in cols)
                + " from read_parquet($p)",
                {"p": str(path)},
            )
        elif ext == ".xlsx":
            import pandas as pd

            try:
                df = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, engine="openpyxl")
            except ValueError as exc:
                return None, [Problem("bad_sheet", file=label, info=str(exc).splitlines()[0])]
            df.columns = [str(c) for c in df.columns]
            df = df.dropna(how="all")
            con.register("xl", df)
            con.execute(f"create table {view} as select * from xl")
            con.unregister("xl")
        else:
            with path.open("rb") as fh:
                head = fh.read(SAMPLE)
            if not head.strip():
                return None, [Problem("empty_file", file=label)]
            enc = detect_encoding(head) if encoding in (None, "", "auto") else encoding
            if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
                enc = "utf-8-sig"
            target = path
            if enc not in ("utf-8",):
                target = workdir / "transcoded.csv"
                problems = transcode(path, target, enc, label)
            else:
                problems = transcode(path, None, enc, label)  # validate only
            if problems:
                return None, problems
            with target.open("r", encoding="utf-8", newline="") as fh:
                first = fh.readline()
            delim = delimiter(path, first)
            con.execute(
                f"create table {view} as select * from read_csv($p, delim=$d, header=true, all_varchar=true, "
                "quote='\"', escape='\"', null_padding=true, auto_detect=false, "
                "columns=$cols)",
                {"p": str(target), "d": delim, "cols": header_columns(first, delim)},
            )
        headers = [r[0] for r in con.execute(f"describe {view}").fetchall()]
    except duckdb.Error as exc:
        return None, [Problem("unreadable", file=label, info=str(exc).splitlines()[0])]
    if not con.execute(f"select count(*) from {view}").fetchone()[0]:
        return None, [Problem("empty_file", file=label)]
    return Source(con, view, headers, enc, label), []
