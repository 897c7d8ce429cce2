"""Loading a dataset into DuckDB: contract checks, canonical tables, derived facts.

A dataset is a folder of Parquet files, one per canonical table (`orders.parquet` or a folder
`orders/` of part files), or a dict of DataFrames (importers, tests). Loading is all or nothing:
every contract violation is collected and reported, and nothing is loaded when there is one
(the checks are in `contract_checks`).

Each Dataset owns one DuckDB database (in memory, or a database file for a large dataset, see
`storage`). The
derived facts (order_fact, customer_fact, contract_fact, trial_fact) are built once per (counted
statuses, as-of date) into their own schema; a cursor per caller sets its search path to that
schema, so sessions with different settings never see each other's facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import weakref
from pathlib import Path

import duckdb
import pandas as pd

from . import runner
from .contract import TABLES
from .contract_checks import canonical_select, check_table
from .errors import ContractError, DatasetError, Problem
from .quoting import ident
from .settings import Settings
from .storage import MEMORY, close_and_remove, new_database_file, parquet_rows, remove_database, storage_for

FACTS_DIR = runner.QUERIES_DIR / "facts"
FACTS = ("order_fact", "customer_fact", "contract_fact", "trial_fact")  # the derived relations
# how they are built, in order: order_fact_ties corrects order_fact in place (its header says why)
FACT_STEPS = ("order_fact", "order_fact_ties", "customer_fact", "contract_fact", "trial_fact")


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


class Dataset:
    """A loaded, validated dataset with its own DuckDB database."""

    def __init__(self, con: duckdb.DuckDBPyConnection, present: tuple[str, ...], name: str, source: str = ""):
        self.con = con
        self.database = MEMORY  # or the database file (large datasets, see load_folder)
        self.present = present
        self.name = name
        self.source = source
        self.row_counts = {t: con.execute(f"select count(*) from {ident(t)}").fetchone()[0] for t in TABLES}
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
        close_and_remove(self.con, self.database)


# ---------------------------------------------------------------------- loading
def _load(con, staged: dict[str, str], name: str, source: str) -> Dataset:
    if "orders" not in staged:
        raise ContractError([Problem("missing_table", table="orders", count=0)])
    problems = []
    for tname, view in staged.items():
        problems += check_table(con, TABLES[tname], view)
    if problems:
        raise ContractError(problems)
    for tname, tbl in TABLES.items():
        sql = canonical_select(con, tbl, staged.get(tname))
        if tname == "order_items":
            # line_amount defaults to quantity × unit_price, in the contract's type (the product
            # alone is a 38-digit decimal: 128-bit arithmetic on every line of every query)
            line_type = TABLES["order_items"].column("line_amount").type
            sql = (
                f"select * replace (cast(coalesce(line_amount, quantity * unit_price) as {line_type}) as line_amount) "
                f"from ({sql})"
            )
        con.execute(f"create or replace table main.{ident(tname)} as {sql}")
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
    would take more than storage.STORAGE_SHARE of DuckDB's memory limit in memory)."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DatasetError("dataset.not_found", path=str(folder))
    files = table_files(folder)
    if "orders" not in files:
        raise ContractError([Problem("missing_table", table="orders", count=0)])
    if storage == "auto":
        storage = storage_for(parquet_rows(files["orders"]), memory_limit)
    database = new_database_file(temp_directory) if storage == "file" else MEMORY
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
        remove_database(database)
        raise
    if database != MEMORY:
        ds.database = database
        # the file goes with the dataset, whichever way it ends
        weakref.finalize(ds, close_and_remove, con, database)
    return ds


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
