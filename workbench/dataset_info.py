"""What a loaded dataset holds, and its tables handed back as files (the Data page)."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from .contract import TABLES
from .quoting import ident


def shape(ds, settings) -> dict:
    """What a dataset holds: rows per table, date range, customers, counted orders."""
    cur = ds.cursor(settings)
    try:
        first, last, customers = cur.execute(
            "select min(ordered_at)::date, max(ordered_at)::date, count(distinct customer_id) from orders"
        ).fetchone()
        counted = cur.execute("select count(*) from order_fact").fetchone()[0]
    finally:
        cur.close()
    tables = [
        {
            "table": t,
            "present": t in ds.present,
            "rows": ds.row_counts[t] if t in ds.present else 0,
            "unlocks": list(TABLES[t].unlocks),
        }
        for t in TABLES
    ]
    return {
        "tables": tables,
        "first": first,
        "last": last,
        "customers": customers,
        "counted_orders": counted,
        "present": len(ds.present),
    }


def zip_parquet(ds) -> bytes:
    """The dataset's supplied tables as a zip of Parquet files (reusable as a dataset folder)."""
    buf = io.BytesIO()
    work = Path(tempfile.mkdtemp(prefix=".wb-zip-"))
    try:
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for t in ds.present:
                out = work / f"{t}.parquet"
                cur = ds.con.cursor()
                try:
                    cur.execute(f"copy main.{ident(t)} to $path (format parquet)", {"path": str(out)})
                finally:
                    cur.close()
                zf.write(out, f"{t}.parquet")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return buf.getvalue()
