"""Builders for tiny, hand-checked datasets (tests, docs, examples).

Rows are given compactly as tuples; the builder fills the canonical columns and types, so a
test reads like the worked example it checks.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .contract import BOOL, DATE, DECIMAL, INT, TABLES, TIMESTAMP


def frame(table: str, rows: list, columns: list[str] | None = None) -> pd.DataFrame:
    """A DataFrame of canonical `table` from tuples in the order of `columns` (default: all)."""
    spec = TABLES[table]
    columns = columns or spec.column_names
    df = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    for col in columns:
        kind = spec.column(col).type
        if kind == TIMESTAMP:
            df[col] = pd.to_datetime(df[col], format="ISO8601").astype("datetime64[us]")
        elif kind == DATE:
            df[col] = pd.to_datetime(df[col], format="ISO8601").dt.date
        elif kind == INT:
            df[col] = df[col].astype("Int64")
        elif kind == DECIMAL:
            df[col] = df[col].astype("float64")
        elif kind == BOOL:
            df[col] = df[col].astype("boolean")
        else:
            df[col] = df[col].astype("string").astype(object).where(df[col].notna(), None)
    return df


ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "total_amount", "status"]


def orders(rows: list, columns: list[str] | None = None) -> pd.DataFrame:
    """Orders from (order_id, customer_id, ordered_at, total_amount, status) tuples by default."""
    return frame("orders", rows, columns or ORDER_COLUMNS)


def write_folder(folder: str | Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Write the frames as a Parquet dataset folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def new_repeat_golden() -> dict[str, pd.DataFrame]:
    """The hand-worked new-vs-repeat case of tests/test_new_repeat.py.

    A: two orders the same day in Jan 2024, a third in Feb.  B: first order Jan 2023, back after
    380 days (再獲得).  C: nine monthly orders to Jan 2024, the 10th in Feb.  D: a cancelled order
    in Jan, the first counted one in Feb.  E: an order without customer_id.  F: 2nd order 3 days
    after the 1st, across the year boundary.
    """
    c_dates = ["2023-05-01", "2023-06-01", "2023-07-01", "2023-08-01", "2023-09-01", "2023-10-01",
               "2023-11-01", "2023-12-01", "2024-01-01 09:00", "2024-02-10"]
    rows = [
        ("a1", "A", "2024-01-10 09:00", 1000, "delivered"),
        ("a2", "A", "2024-01-10 18:30", 2000, "shipped"),
        ("a3", "A", "2024-02-05 12:00", 500, "delivered"),
        ("b1", "B", "2023-01-05 10:00", 1000, "delivered"),
        ("b2", "B", "2024-01-20 10:00", 1500, "delivered"),
        ("b3", "B", "2024-01-25 10:00", 700, "preparing"),
        ("d1", "D", "2024-01-15 10:00", 800, "cancelled"),
        ("d2", "D", "2024-02-01 10:00", 800, "delivered"),
        ("e1", None, "2024-01-12 10:00", 5000, "delivered"),
        ("f1", "F", "2023-12-30 10:00", 300, "delivered"),
        ("f2", "F", "2024-01-02 10:00", 300, "awaiting_shipment"),
    ] + [(f"c{i + 1:02d}", "C", d, 100, "delivered") for i, d in enumerate(c_dates)]
    return {"orders": orders(rows)}
