"""Where a dataset's DuckDB database lives: in memory, or a database file for a large dataset.

A dataset goes to a file when it would take more than STORAGE_SHARE of DuckDB's memory limit in
memory. Files are named after the process that made them, so files left by a process that is gone
(killed, crashed) are found and removed the next time a file is made in that folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

# What an order takes in an in-memory database with its share of the other tables and the facts
# (measured, see bench/results.md). Above STORAGE_SHARE of DuckDB's memory limit a dataset goes
# to a database file instead (compressed about fivefold; DuckDB keeps what it can in memory).
BYTES_PER_ORDER = 650
STORAGE_SHARE = 0.6
MEMORY = ":memory:"


def parquet_rows(paths: list[Path]) -> int:
    """Rows in Parquet files, from their footers (no data read); 0 when they cannot be read."""
    con = duckdb.connect(MEMORY)
    try:
        return int(
            con.execute(
                "select coalesce(sum(num_rows), 0) from parquet_file_metadata($f)", {"f": [str(p) for p in paths]}
            ).fetchone()[0]
        )
    except duckdb.Error:
        return 0  # unreadable: loading says so
    finally:
        con.close()


def memory_limit_bytes(memory_limit: str | None) -> int:
    """DuckDB's memory limit in bytes: `memory_limit` ('14GB') or DuckDB's default (80% of memory)."""
    con = duckdb.connect(MEMORY)
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
    return "file" if orders * BYTES_PER_ORDER > STORAGE_SHARE * memory_limit_bytes(memory_limit) else "memory"


def new_database_file(folder: str | Path | None) -> str:
    """A fresh database file name in `folder` (the system's temp folder by default), not yet created."""
    where = Path(folder or tempfile.gettempdir())
    where.mkdir(parents=True, exist_ok=True)
    remove_stale_databases(where)
    fd, database = tempfile.mkstemp(prefix=f"workbench_{os.getpid()}_", suffix=".duckdb", dir=where)
    os.close(fd)
    os.unlink(database)  # DuckDB creates the file itself
    return database


def remove_stale_databases(folder: Path) -> None:
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
            remove_database(str(path))
        else:
            try:
                path.unlink()
            except OSError:
                pass


def remove_database(database: str) -> None:
    """Remove a database file and DuckDB's files beside it (nothing for an in-memory database)."""
    if database == MEMORY:
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


def close_and_remove(con, database: str) -> None:
    """Close `con` and remove its database file."""
    try:
        con.close()
    except duckdb.Error:
        pass
    remove_database(database)
