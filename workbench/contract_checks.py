"""Checking a staged source table against the data contract, and selecting it in canonical form.

A staged table is a view (or registered DataFrame) over the user's data with whatever columns and
types it came with. `check_table` lists every violation (`Problem`s with a few examples);
`canonical_select` is the SQL that turns a clean staged table into the contract's columns and types.
"""

from __future__ import annotations

from .contract import TEXT, TIMESTAMP, Table
from .errors import Problem
from .quoting import ident

EXAMPLES = 5  # examples kept per problem


def source_types(con, view: str) -> dict[str, str]:
    """Column name -> DuckDB type of a staged table."""
    return {r[0]: r[1] for r in con.execute(f"describe {view}").fetchall()}


def same_type(source: str, target: str) -> bool:
    return source.upper().replace(" ", "") == target.upper().replace(" ", "")


def cast_expr(q: str, source_type: str, target: str, try_: bool) -> str:
    """SQL casting the quoted column `q` from `source_type` to the contract's `target` type."""
    cast = "try_cast" if try_ else "cast"
    if target == TIMESTAMP and source_type.upper().startswith("TIMESTAMP WITH TIME ZONE"):
        # shop-local wall-clock time: the connection's TimeZone is the shop's
        return f"{cast}({q} as timestamp)"
    if target == TEXT:
        return f"cast({q} as varchar)"
    return f"{cast}({q} as {target})"


def screen_table(con, table: Table, view: str, types: dict[str, str]) -> bool:
    """Cheap checks of every kind of violation; True when the table is certainly clean.

    The detailed checks (`check_table`, one query per column and kind, with examples) cost a
    scan each; at millions of rows that dominated loading, so they run only when this finds a
    problem. Each check here is its own `where` query, so a Parquet file's statistics (null
    counts, min/max per row group) answer most of them without reading the values, and
    uniqueness is screened on a 64-bit hash of the key (an integer distinct count is about
    twice as fast as one on text; a collision only sends the table to the exact check).
    """
    if table.required and not con.execute(f"select count(*) from {view}").fetchone()[0]:
        return False
    for col in table.columns:
        if col.name not in types:
            if col.required:
                return False
            continue
        q = ident(col.name)
        expr = cast_expr(q, types[col.name], col.type, try_=True)
        checks = []  # (sql, parameters)
        if not same_type(types[col.name], col.type):
            checks.append((f"select count(*) from {view} where {q} is not null and {expr} is null", {}))
        if col.required:
            checks.append((f"select count(*) from {view} where {q} is null", {}))
        if col.unique:
            checks.append((f"select count({q}) - count(distinct hash({q})) from {view}", {}))
        if col.non_negative:
            checks.append((f"select count(*) from {view} where {expr} < 0", {}))
        if col.allowed:
            checks.append(
                (
                    f"select count(*) from {view} where {q} is not null "
                    f"and not list_contains($allowed, cast({q} as varchar))",
                    {"allowed": list(col.allowed)},
                )
            )
        for sql, params in checks:
            if con.execute(sql, params).fetchone()[0]:
                return False
    return True


def check_table(con, table: Table, view: str) -> list[Problem]:
    """Contract checks of one staged source table: every violation, with examples."""
    problems: list[Problem] = []
    types = source_types(con, view)
    if screen_table(con, table, view, types):
        return problems

    def problem(code, column=None, count=0, examples=()):
        problems.append(Problem(code, table=table.name, column=column, count=count, examples=tuple(examples)))

    if not con.execute(f"select count(*) from {view}").fetchone()[0] and table.required:
        problem("empty")
    for col in table.columns:
        if col.name not in types:
            if col.required:
                problem("missing_column", col.name)
            continue
        q = ident(col.name)
        expr = cast_expr(q, types[col.name], col.type, try_=True)
        bad = con.execute(
            f"select count(*), list(distinct cast({q} as varchar))[1:{EXAMPLES}] from {view} "
            f"where {q} is not null and {expr} is null"
        ).fetchone()
        if bad[0]:
            problem("bad_type", col.name, bad[0], bad[1])
            continue
        if col.required:
            n = con.execute(f"select count(*) from {view} where {q} is null").fetchone()[0]
            if n:
                problem("missing_value", col.name, n)
        if col.unique:
            dup = con.execute(
                f"select coalesce(sum(n), 0), list(k order by k)[1:{EXAMPLES}] from "
                f"(select cast({q} as varchar) as k, count(*) as n from {view} where {q} is not null group by 1 having count(*) > 1)"
            ).fetchone()
            if dup[0]:
                problem("duplicate", col.name, int(dup[0]), dup[1])
        if col.non_negative:
            neg = con.execute(
                f"select count(*), list({q} order by {q})[1:{EXAMPLES}] from {view} where {expr} < 0"
            ).fetchone()
            if neg[0]:
                problem("negative", col.name, neg[0], (str(v) for v in neg[1]))
        if col.allowed:
            unk = con.execute(
                f"select count(*), list(distinct cast({q} as varchar))[1:{EXAMPLES}] from {view} "
                f"where {q} is not null and cast({q} as varchar) not in (select unnest($allowed))",
                {"allowed": list(col.allowed)},
            ).fetchone()
            if unk[0]:
                problem("unknown_value", col.name, unk[0], sorted(unk[1]))
    return problems


def canonical_select(con, table: Table, view: str | None) -> str:
    """SQL selecting a clean staged table (or, with no view, no rows) as the contract's columns and types."""
    if view is None:
        return (
            "select " + ", ".join(f"cast(null as {c.type}) as {ident(c.name)}" for c in table.columns) + " where false"
        )
    types = source_types(con, view)
    cols = []
    for col in table.columns:
        if col.name in types and same_type(types[col.name], col.type):
            cols.append(ident(col.name))
        elif col.name in types:
            cols.append(f"{cast_expr(ident(col.name), types[col.name], col.type, try_=False)} as {ident(col.name)}")
        else:
            cols.append(f"cast(null as {col.type}) as {ident(col.name)}")
    return "select " + ", ".join(cols) + f" from {view}"
