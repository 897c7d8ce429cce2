"""Loading a dataset into DuckDB: contract checks, canonical tables, derived facts.

A dataset is a folder of Parquet files, one per canonical table (`orders.parquet` or a folder
`orders/` of part files), or a dict of DataFrames (importers, tests). Loading is all or nothing:
every contract violation is collected and reported, and nothing is loaded when there is one.

Each Dataset owns one DuckDB database (in memory, or a database file for a large dataset). The
derived facts (order_fact, customer_fact, contract_fact, trial_fact) are built once per (counted
statuses, as-of date) into their own schema; a cursor per caller sets its search path to that
schema, so sessions with different settings never see each other's facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import runner
from .contract import TABLES, TEXT, TIMESTAMP, Table
from .errors import DatasetError
from .settings import Settings

FACTS_DIR = runner.QUERIES_DIR / "facts"
FACTS = ("order_fact", "customer_fact", "contract_fact", "trial_fact")  # the derived relations
# how they are built, in order: order_fact_ties corrects order_fact in place (its header says why)
FACT_STEPS = ("order_fact", "order_fact_ties", "customer_fact", "contract_fact", "trial_fact")
EXAMPLES = 5
# What an order takes in an in-memory database with its share of the other tables and the facts
# (measured: 6.0 GiB at 10M orders). Above STORAGE_SHARE of DuckDB's memory limit a dataset goes
# to a database file instead (compressed about fivefold; DuckDB keeps what it can in memory).
BYTES_PER_ORDER = 650
STORAGE_SHARE = 0.6


@dataclass(frozen=True)
class Problem:
    """One contract violation: which table and column, what, how many rows, a few examples."""

    table: str
    column: str | None
    code: str  # catalogue key under contract.*
    count: int = 0
    examples: tuple[str, ...] = ()

    def message(self, lang: str = "ja") -> str:
        from .i18n import t

        return t(
            f"contract.{self.code}",
            lang,
            table=self.table,
            column=self.column or "-",
            count=self.count,
            examples=", ".join(self.examples) or "-",
        )


class ContractError(DatasetError):
    """The dataset does not meet the contract; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("contract.failed", count=len(problems))

    def report(self, lang: str = "ja") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


def table_files(folder: Path) -> dict[str, list[Path]]:
    """Parquet files per canonical table found in `folder`."""
    found = {}
    for name in TABLES:
        single = folder / f"{name}.parquet"
        parts = folder / name
        if single.is_file():
            found[name] = [single]
        elif parts.is_dir():
            files = sorted(parts.rglob("*.parquet"))
            if files:
                found[name] = files
    return found


def _q(ident: str) -> str:
    """Quote an identifier from the contract (never from user text)."""
    return '"' + ident.replace('"', '""') + '"'


def new_connection(
    settings: Settings | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    database: str = ":memory:",
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(database)
    if temp_directory:
        # where DuckDB spills what does not fit in memory_limit (big sorts, joins, aggregates)
        con.execute("SET temp_directory = $d", {"d": temp_directory})
    # preserve_insertion_order stays on: many queries sort inside their final CTE and select from
    # it, and without it DuckDB may hand those rows back in another order (seen as a flaky page test)
    if memory_limit:
        con.execute("SET memory_limit = $m", {"m": memory_limit})
    tz = (settings or Settings()).timezone
    try:
        con.execute("SET TimeZone = $tz", {"tz": tz})
    except duckdb.Error:
        pass  # ICU not available: time zone conversion falls back to UTC
    return con


def _parquet_rows(paths: list[Path]) -> int:
    """Rows in Parquet files, from their footers (no data read)."""
    con = duckdb.connect(":memory:")
    try:
        return int(
            con.execute(
                "select coalesce(sum(num_rows), 0) from parquet_file_metadata($f)", {"f": [str(p) for p in paths]}
            ).fetchone()[0]
        )
    except duckdb.Error:
        return 0  # unreadable: load_folder says so
    finally:
        con.close()


def _memory_limit_bytes(memory_limit: str | None) -> int:
    """DuckDB's memory limit in bytes: `memory_limit` ('14GB') or DuckDB's default (80% of memory)."""
    con = duckdb.connect(":memory:")
    try:
        if memory_limit:
            con.execute("SET memory_limit = $m", {"m": memory_limit})
        text = con.execute("select current_setting('memory_limit')").fetchone()[0].replace(" ", "").upper()
    finally:
        con.close()
    units = {
        "KIB": 2**10,
        "MIB": 2**20,
        "GIB": 2**30,
        "TIB": 2**40,
        "KB": 10**3,
        "MB": 10**6,
        "GB": 10**9,
        "TB": 10**12,
        "B": 1,
    }
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(float(text))


def storage_for(orders: int, memory_limit: str | None) -> str:
    """Where a dataset of `orders` orders goes: "memory" or "file" (see BYTES_PER_ORDER)."""
    return "file" if orders * BYTES_PER_ORDER > STORAGE_SHARE * _memory_limit_bytes(memory_limit) else "memory"


class Dataset:
    """A loaded, validated dataset with its own DuckDB database."""

    def __init__(self, con: duckdb.DuckDBPyConnection, present: tuple[str, ...], name: str, source: str = ""):
        self.con = con
        self.database = ":memory:"  # or the database file (large datasets, see load_folder)
        self.present = present
        self.name = name
        self.source = source
        self.row_counts = {t: con.execute(f"select count(*) from {_q(t)}").fetchone()[0] for t in TABLES}
        first, latest = con.execute("select min(ordered_at), max(ordered_at) from orders").fetchone()
        self.first_order_date: dt.date | None = first.date() if first else None
        self.default_as_of: dt.date | None = latest.date() if latest else None
        self._facts: dict[tuple, str] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ facts
    def as_of(self, settings: Settings) -> dt.date:
        return settings.as_of or self.default_as_of or dt.date.today()

    def facts_schema(self, settings: Settings) -> str:
        """The schema holding the facts for these settings, built on first use."""
        as_of = self.as_of(settings)
        key = (tuple(sorted(settings.counted_statuses)), as_of)
        with self._lock:
            schema = self._facts.get(key)
            if schema is None:
                schema = "fx_" + hashlib.sha1(repr(key).encode()).hexdigest()[:12]
                cur = self.con.cursor()
                cur.execute(f"create schema if not exists {schema}")
                cur.execute(f"set search_path = '{schema},main'")
                s = settings.replace(as_of=as_of)
                for fact in FACT_STEPS:
                    spec = runner.parse(FACTS_DIR / f"{fact}.sql")
                    if spec.build == "update":
                        cur.execute(spec.sql)
                        continue
                    params = runner.bind(spec, {}, s)
                    cur.execute(f"create or replace table {schema}.{fact} as {spec.sql}", params)
                cur.close()
                self._facts[key] = schema
            return schema

    def cursor(self, settings: Settings) -> duckdb.DuckDBPyConnection:
        """A new cursor whose unqualified names see the canonical tables and these settings' facts."""
        schema = self.facts_schema(settings)
        cur = self.con.cursor()
        cur.execute(f"set search_path = '{schema},main'")
        return cur

    def _bound(self, name: str, params: dict | None, settings: Settings | None):
        settings = settings or Settings()
        settings = settings.replace(as_of=self.as_of(settings))
        spec = runner.get_query(name)
        return spec, runner.bind(spec, params, settings), settings

    def run(self, name: str, params: dict | None = None, settings: Settings | None = None) -> pd.DataFrame:
        """Run query `name` with `params` (raw values, converted and validated)."""
        spec, bound, settings = self._bound(name, params, settings)
        cur = self.cursor(settings)
        try:
            return runner.run_sql(cur, spec, bound)
        finally:
            cur.close()

    def stream(
        self, name: str, params: dict | None = None, settings: Settings | None = None, batch_rows: int = 100_000
    ):
        """Run query `name` and yield its result in frames of at most batch_rows rows."""
        spec, bound, settings = self._bound(name, params, settings)
        cur = self.cursor(settings)
        try:
            yield from runner.stream_sql(cur, spec, bound, batch_rows)
        finally:
            cur.close()

    def has(self, *tables: str) -> bool:
        return all(t in self.present for t in tables)

    def close(self) -> None:
        """Close the database (and remove its file, if it has one)."""
        _close_and_remove(self.con, self.database)


# ---------------------------------------------------------------------- loading
def _source_types(con, view: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"describe {view}").fetchall()}


def _screen_table(con, table: Table, view: str, types: dict[str, str]) -> bool:
    """Cheap checks of every kind of violation; True when the table is certainly clean.

    The detailed checks (`_check_table`, one query per column and kind, with examples) cost a
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
        q = _q(col.name)
        expr = _cast_expr(q, types[col.name], col.type, try_=True)
        checks = []  # (sql, parameters)
        if not _same_type(types[col.name], col.type):
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


def _same_type(source: str, target: str) -> bool:
    return source.upper().replace(" ", "") == target.upper().replace(" ", "")


def _check_table(con, table: Table, view: str) -> list[Problem]:
    """Contract checks of one staged source table."""
    problems: list[Problem] = []
    types = _source_types(con, view)
    if _screen_table(con, table, view, types):
        return problems
    if not con.execute(f"select count(*) from {view}").fetchone()[0] and table.required:
        problems.append(Problem(table.name, None, "empty"))
    for col in table.columns:
        if col.name not in types:
            if col.required:
                problems.append(Problem(table.name, col.name, "missing_column"))
            continue
        q = _q(col.name)
        target = col.type
        expr = _cast_expr(q, types[col.name], target, try_=True)
        bad = con.execute(
            f"select count(*), list(distinct cast({q} as varchar))[1:{EXAMPLES}] from {view} "
            f"where {q} is not null and {expr} is null"
        ).fetchone()
        if bad[0]:
            problems.append(Problem(table.name, col.name, "bad_type", bad[0], tuple(bad[1])))
            continue
        if col.required:
            n = con.execute(f"select count(*) from {view} where {q} is null").fetchone()[0]
            if n:
                problems.append(Problem(table.name, col.name, "missing_value", n))
        if col.unique:
            dup = con.execute(
                f"select coalesce(sum(n), 0), list(k order by k)[1:{EXAMPLES}] from "
                f"(select cast({q} as varchar) as k, count(*) as n from {view} where {q} is not null group by 1 having count(*) > 1)"
            ).fetchone()
            if dup[0]:
                problems.append(Problem(table.name, col.name, "duplicate", int(dup[0]), tuple(dup[1])))
        if col.non_negative:
            neg = con.execute(
                f"select count(*), list({q} order by {q})[1:{EXAMPLES}] from {view} where {expr} < 0"
            ).fetchone()
            if neg[0]:
                problems.append(Problem(table.name, col.name, "negative", neg[0], tuple(str(v) for v in neg[1])))
        if col.allowed:
            unk = con.execute(
                f"select count(*), list(distinct cast({q} as varchar))[1:{EXAMPLES}] from {view} "
                f"where {q} is not null and cast({q} as varchar) not in (select unnest($allowed))",
                {"allowed": list(col.allowed)},
            ).fetchone()
            if unk[0]:
                problems.append(Problem(table.name, col.name, "unknown_value", unk[0], tuple(sorted(unk[1]))))
    return problems


def _cast_expr(q: str, source_type: str, target: str, try_: bool) -> str:
    cast = "try_cast" if try_ else "cast"
    if target == TIMESTAMP and source_type.upper().startswith("TIMESTAMP WITH TIME ZONE"):
        # shop-local wall-clock time: the connection's TimeZone is the shop's
        return f"{cast}({q} as timestamp)"
    if target == TEXT:
        return f"cast({q} as varchar)"
    return f"{cast}({q} as {target})"


def _canonical_select(con, table: Table, view: str) -> str:
    types = _source_types(con, view)
    cols = []
    for col in table.columns:
        if col.name in types and _same_type(types[col.name], col.type):
            cols.append(_q(col.name))
        elif col.name in types:
            cols.append(f"{_cast_expr(_q(col.name), types[col.name], col.type, try_=False)} as {_q(col.name)}")
        else:
            cols.append(f"cast(null as {col.type}) as {_q(col.name)}")
    return "select " + ", ".join(cols) + f" from {view}"


def _load(con, staged: dict[str, str], name: str, source: str) -> Dataset:
    if "orders" not in staged:
        raise ContractError([Problem("orders", None, "missing_table")])
    problems = []
    for tname, view in staged.items():
        problems += _check_table(con, TABLES[tname], view)
    if problems:
        raise ContractError(problems)
    for tname, tbl in TABLES.items():
        if tname in staged:
            sql = _canonical_select(con, tbl, staged[tname])
        else:
            sql = "select " + ", ".join(f"cast(null as {c.type}) as {_q(c.name)}" for c in tbl.columns) + " where false"
        if tname == "order_items":
            # line_amount defaults to quantity × unit_price, in the contract's type (the product
            # alone is a 38-digit decimal: 128-bit arithmetic on every line of every query)
            line_type = TABLES["order_items"].column("line_amount").type
            sql = (
                f"select * replace (cast(coalesce(line_amount, quantity * unit_price) as {line_type}) as line_amount) "
                f"from ({sql})"
            )
        con.execute(f"create or replace table main.{_q(tname)} as {sql}")
    for view in staged.values():
        try:
            con.unregister(view)  # a registered DataFrame
        except duckdb.Error:
            pass
        con.execute(f"drop view if exists {view}")
    return Dataset(con, tuple(t for t in TABLES if t in staged), name, source)


def load_folder(
    path: str | Path,
    settings: Settings | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    storage: str = "auto",
) -> Dataset:
    """Load a folder of Parquet files; ContractError or DatasetError when it cannot be.

    storage: "memory" (an in-memory database), "file" (a database file in temp_directory or the
    system's temp folder, removed when the dataset is closed) or "auto" (a file when the dataset
    would take more than STORAGE_SHARE of DuckDB's memory limit in memory)."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DatasetError("dataset.not_found", path=str(folder))
    files = table_files(folder)
    if "orders" not in files:
        raise ContractError([Problem("orders", None, "missing_table")])
    if storage == "auto":
        storage = storage_for(_parquet_rows(files["orders"]), memory_limit)
    database = ":memory:"
    if storage == "file":
        where = Path(temp_directory or tempfile.gettempdir())
        where.mkdir(parents=True, exist_ok=True)
        _remove_stale_databases(where)
        fd, database = tempfile.mkstemp(prefix=f"workbench_{os.getpid()}_", suffix=".duckdb", dir=where)
        os.close(fd)
        os.unlink(database)  # DuckDB creates the file itself
    con = new_connection(settings, memory_limit, temp_directory, database)
    staged = {}
    try:
        for tname, paths in files.items():
            view = f"src_{tname}"
            try:
                con.read_parquet([str(p) for p in paths], union_by_name=True).create_view(view)
            except duckdb.Error as exc:
                raise DatasetError(
                    "dataset.unreadable", path=", ".join(p.name for p in paths), why=str(exc).splitlines()[0]
                ) from None
            staged[tname] = view
        ds = _load(con, staged, folder.name, str(folder))
    except Exception:
        con.close()
        _remove_database(database)
        raise
    if database != ":memory:":
        ds.database = database
        # the file goes with the dataset, whichever way it ends
        weakref.finalize(ds, _close_and_remove, con, database)
    return ds


def _remove_stale_databases(folder: Path) -> None:
    """Database files (and DuckDB's spill files) left by processes that are gone (killed, crashed)."""
    for path in list(folder.glob("workbench_*_*.duckdb")) + list(folder.glob("duckdb_temp_*_*")):
        pid = path.name.split("_")[2] if path.name.startswith("duckdb_temp_") else path.name.split("_")[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)  # still running: not ours to remove
            continue
        except ProcessLookupError:
            pass
        except OSError:
            continue
        if path.suffix == ".duckdb":
            _remove_database(str(path))
        else:
            try:
                path.unlink()
            except OSError:
                pass


def _remove_database(database: str) -> None:
    if database == ":memory:":
        return
    for suffix in ("", ".wal", ".tmp"):
        try:
            path = Path(database + suffix)
            if path.is_dir():
                for part in path.iterdir():
                    part.unlink(missing_ok=True)
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _close_and_remove(con, database: str) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass
    _remove_database(database)


def load_frames(frames: dict[str, pd.DataFrame], name: str = "frames", settings: Settings | None = None) -> Dataset:
    """Load canonical tables given as DataFrames (importers and tests)."""
    unknown = sorted(set(frames) - set(TABLES))
    if unknown:
        raise DatasetError("dataset.unknown_table", table=unknown[0])
    con = new_connection(settings)
    staged = {}
    for tname, df in frames.items():
        view = f"src_{tname}"
        con.register(view, df)
        staged[tname] = view
    try:
        return _load(con, staged, name, "")
    except Exception:
        con.close()
        raise


def validate_folder(path: str | Path) -> tuple[Dataset | None, list[Problem]]:
    try:
        return load_folder(path), []
    except ContractError as exc:
        return None, exc.problems
