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
    c_dates = [
        "2023-05-01",
        "2023-06-01",
        "2023-07-01",
        "2023-08-01",
        "2023-09-01",
        "2023-10-01",
        "2023-11-01",
        "2023-12-01",
        "2024-01-01 09:00",
        "2024-02-10",
    ]
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


SUB_COLUMNS = ["subscription_id", "customer_id", "product_id", "started_at", "status", "cancelled_at", "cancel_reason"]


def contracts(
    spec: list[tuple[int, str]],
    product_id: str = "P1",
    start: str = "2024-01-01",
    cancelled_at: str | None = None,
    anchor: str = "2024-12-31",
) -> dict[str, pd.DataFrame]:
    """Contracts from (deliveries, status) pairs: each gets that many delivered monthly orders.

    A stopped contract stops 10 days after its last delivery (after its start when it has none).
    One normal order of customer ANCHOR on `anchor` makes that day the default as-of date, after
    every stop, and keeps the orders table non-empty.
    """
    subs, rows = [], [("ANCHOR-1", "ANCHOR", anchor, 1000, "delivered", "normal", None, None)]
    base = pd.Timestamp(start)
    for i, (d, status) in enumerate(spec):
        sid, cid = f"S{i:03d}", f"C{i:03d}"
        stop = None
        if status != "active":
            stop = cancelled_at or str(base + pd.DateOffset(months=max(d - 1, 0), days=10))
        subs.append((sid, cid, product_id, str(base), status, stop, "価格が高い" if status == "cancelled" else None))
        for n in range(d):
            rows.append(
                (
                    f"O{i:03d}-{n + 1}",
                    cid,
                    str(base + pd.DateOffset(months=n)),
                    3000,
                    "delivered",
                    "subscription",
                    sid,
                    n + 1,
                )
            )
    return {
        "orders": orders(rows, ORDER_COLUMNS + ["order_kind", "subscription_id", "subscription_seq"]),
        "subscriptions": frame("subscriptions", subs, SUB_COLUMNS),
    }


def retention_slide15() -> dict[str, pd.DataFrame]:
    """Slide 15's worked example: n=1 残存10 継続1 離脱2; n=2 5/1/4; n=3 4/1/0 (13 contracts)."""
    spec = (
        [(0, "active")]
        + [(0, "cancelled")] * 2
        + [(1, "active")]
        + [(1, "cancelled")] * 4
        + [(2, "active")]
        + [(3, "active")] * 2
        + [(3, "cancelled")] * 2
    )
    return contracts(spec)
