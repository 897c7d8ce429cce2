"""The SQL scratchpad's sandbox: untrusted SELECTs in a worker process on a private read-only copy.

Layers, outermost first (DuckDB's guidance: settings are defence in depth, untrusted SQL belongs in
a separate process):
1. `check(sql)` parses with DuckDB's own parser (`duckdb.extract_statements`) and tokenizer: exactly
   one statement, of type SELECT, naming no file-reading function and no quoted path in FROM/JOIN.
2. The session's tables and facts are exported to a DuckDB file in the session's private temp folder
   (`snapshot`); the shared dataset itself is never handed to user SQL.
3. A worker process opens that file read_only with enable_external_access=false, memory and thread
   limits and lock_configuration=true, fetches at most `row cap + 1` rows and sends them back.
4. The parent kills the worker when the timeout passes.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .contract import TABLES
from .dataset import FACTS
from .errors import WorkbenchError
from .quoting import ident

ROOT = Path(__file__).resolve().parents[1]
# Table functions that read files or the network (external access is off too; this gives a clear message).
FILE_FUNCTIONS = re.compile(
    r"^(read_\w+|parquet_\w+|\w+_scan|glob|sniff_csv|iceberg_\w+|delta_\w+|query_table|query|"
    r"duckdb_\w+|pragma_\w+|which_secret|load_aws_credentials|getenv|current_setting)$",
    re.I,
)
ALLOWED = {"duckdb_types"}  # harmless catalogue function (kept as an example of an allowance)


class SandboxError(WorkbenchError):
    """A scratchpad query was refused or stopped; the key says why (sql.* in the catalogue)."""


@dataclass(frozen=True)
class Result:
    frame: pd.DataFrame
    truncated: bool
    seconds: float


def check(sql: str) -> str:
    """Return the single SELECT statement's text, or raise SandboxError saying what is refused."""
    text = (sql or "").strip()
    if not text:
        raise SandboxError("sql.empty")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise SandboxError("sql.syntax", detail=str(exc).splitlines()[0]) from None
    if len(statements) != 1:
        raise SandboxError("sql.multi", count=len(statements))
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise SandboxError("sql.not_select", kind=kind.name)
    tokens = duckdb.tokenize(text)
    in_from, prev = False, ""
    for i, (start, ttype) in enumerate(tokens):
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(text)
        word = text[start:end].strip()
        low = word.lower()
        if ttype in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            name = low.strip('"')
            if text[end:].lstrip()[:1] == "(" and FILE_FUNCTIONS.match(name) and name not in ALLOWED:
                raise SandboxError("sql.file_function", name=name)
        if ttype == duckdb.token_type.string_const and (prev in ("from", "join") or (in_from and prev == ",")):
            raise SandboxError("sql.file_path", path=word[:60])
        if ttype == duckdb.token_type.keyword:
            if low in ("from", "join"):
                in_from = True
            elif low in (
                "where",
                "group",
                "order",
                "having",
                "limit",
                "select",
                "on",
                "using",
                "union",
                "qualify",
                "window",
                "except",
                "intersect",
            ):
                in_from = False
        prev = low[:1] if low.startswith(",") else low
    return text.rstrip(";").strip()


def snapshot(ds, settings, folder: str | Path) -> Path:
    """Export the dataset's canonical tables and facts (for `settings`) into a DuckDB file in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"snap_{time.time_ns()}.duckdb"
    alias = f"snap_{time.time_ns()}"
    cur = ds.cursor(settings)
    try:
        cur.execute(f"attach $path as {alias}", {"path": str(path)})
        try:
            for name in (*TABLES, *FACTS):
                cur.execute(f"create table {alias}.{ident(name)} as select * from {ident(name)}")
        finally:
            cur.execute(f"detach {alias}")
    finally:
        cur.close()
    return path


def _worker(path: str, sql: str, cap: int, memory_limit: str, threads: int) -> tuple:
    """Runs in the worker process: open the snapshot read-only and locked down, run, fetch cap+1 rows."""
    try:
        con = duckdb.connect(
            path,
            read_only=True,
            config={
                "enable_external_access": False,
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
                "memory_limit": memory_limit,
                "threads": threads,
                "lock_configuration": True,
            },
        )
        res = con.execute(sql)
        columns = [d[0] for d in res.description]
        rows = res.fetchmany(cap + 1)
        return ("ok", columns, rows[:cap], len(rows) > cap)
    except Exception as exc:  # noqa: BLE001 - the message goes back to the user
        return ("error", type(exc).__name__, str(exc).splitlines()[0][:300], False)


def run(
    sql: str,
    db_path: str | Path,
    *,
    row_cap: int = 10_000,
    timeout: float = 10.0,
    memory_limit: str = "1GB",
    threads: int = 1,
) -> Result:
    """Check and run `sql` on the snapshot at `db_path` in a worker process; kill it at `timeout`."""
    text = check(sql)
    started = time.monotonic()
    job = pickle.dumps((str(db_path), text, row_cap, memory_limit, threads))
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.sandbox"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        out, _ = proc.communicate(job, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise SandboxError("sql.timeout", seconds=f"{timeout:g}") from None
    try:
        status, a, b, truncated = pickle.loads(out)
    except Exception:  # noqa: BLE001 - killed (memory) or crashed
        raise SandboxError("sql.crashed") from None
    if status == "error":
        raise SandboxError("sql.failed", kind=a, detail=b)
    return Result(pd.DataFrame(b, columns=a), truncated, time.monotonic() - started)


if __name__ == "__main__":  # the worker: a pickled job on stdin, a pickled answer on stdout
    sys.stdout.buffer.write(pickle.dumps(_worker(*pickle.loads(sys.stdin.buffer.read()))))
