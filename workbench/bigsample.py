"""Big sample shops for `make bench`: `python -m workbench sample --orders N`.

The small sample shop (workbench.sample, `customers` customers) is generated once in pandas, then
copied inside DuckDB until it holds exactly N orders: copy c re-keys every customer, order and
contract (`<id>-c`) and moves the copy's dates back by a deterministic 0–59 days (a hash of the
seed and c), so copies do not stack on the same instants. The last copy is cut at its N-th order in
time order; its order items follow their orders. Products and ad media are shared by all copies;
ad spend and traffic are summed per code and day over the copies, so cost per order stays that of
the small shop. Output: one folder per table of Parquet part files (zstd), as the contract allows.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb

from .contract import TABLES
from .sample import generate, to_arrow

PART_BYTES = "256MB"  # one Parquet part file per this much data


def _columns(name: str) -> list[str]:
    return [c.name for c in TABLES[name].columns]


def write_big(out_dir, orders: int, customers: int = 3000, seed: int = 7, threads: int | None = None) -> dict[str, int]:
    """Write a shop of exactly `orders` orders as Parquet part folders; returns rows per table."""
    if orders < 1:
        raise ValueError("orders must be at least 1")
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    base = generate(customers, seed)
    per_copy = len(base["orders"])
    copies = max(1, math.ceil(orders / per_copy))
    con = duckdb.connect(config={"preserve_insertion_order": False, **({"threads": threads} if threads else {})})
    try:
        for name, df in base.items():
            con.register(f"b_{name}", to_arrow(name, df))
        con.execute(f"""
            create temp table copies as
            select c, cast(abs(hash({int(seed)}, c)) % 60 as integer) as shift_days
            from range({copies}) t(c)""")

        def suffixed(col: str) -> str:
            return f"case when {col} is null then null else {col} || '-' || cast(k.c as varchar) end"

        shifted = "{col} - to_days(k.shift_days)"
        # every copy's orders, then exactly N of them: whole copies first, the last one cut in time order
        con.execute(f"""
            create temp table kept as
            select o.order_id, k.c, k.shift_days
            from b_orders o cross join copies k
            qualify row_number() over (order by k.c, o.ordered_at, o.order_id) <= {int(orders)}""")
        exprs = {
            "orders": {"order_id": suffixed("o.order_id"), "customer_id": suffixed("o.customer_id"),
                       "subscription_id": suffixed("o.subscription_id"),
                       "ordered_at": shifted.format(col="o.ordered_at")},
            "order_items": {"order_id": suffixed("o.order_id")},
            "customers": {"customer_id": suffixed("o.customer_id"),
                          "registered_at": shifted.format(col="o.registered_at")},
            "subscriptions": {"subscription_id": suffixed("o.subscription_id"),
                              "customer_id": suffixed("o.customer_id"),
                              "started_at": shifted.format(col="o.started_at"),
                              "cancelled_at": shifted.format(col="o.cancelled_at")},
        }
        last = (orders - 1) // per_copy  # the last copy used
        counts = {}
        for name in TABLES:
            cols = _columns(name)
            target = out / name
            if name in exprs:
                select = ", ".join(f"{exprs[name].get(c, 'o.' + c)} as {c}" for c in cols)
                if name in ("orders", "order_items"):
                    src = f"b_{name} o join kept k on k.order_id = o.order_id"
                    if name == "order_items":  # an item belongs to its order's copy
                        src = ("b_order_items o join (select distinct order_id, c, shift_days from kept) k "
                               "on k.order_id = o.order_id")
                else:
                    src = f"b_{name} o cross join copies k where k.c <= {last}"
                sql = f"select {select} from {src}"
            elif name in ("ad_spend", "ad_traffic"):
                day = "spend_date" if name == "ad_spend" else "traffic_date"
                types = dict(con.execute(f"select column_name, column_type from (describe b_{name})").fetchall())
                measures = ["cost"] if name == "ad_spend" else ["visits", "clicks"]
                # sums keep the contract's types (sum() would widen them)
                sums = [f"cast(sum({m}) as {types[m]}) as {m}" for m in measures]
                sql = (f"select ad_code, cast({day} - to_days(k.shift_days) as date) as {day}, {', '.join(sums)} "
                       f"from b_{name} cross join copies k where k.c <= {last} group by all")
                sql = f"select {', '.join(cols)} from ({sql})"
            else:
                sql = f"select {', '.join(cols)} from b_{name}"
            target.mkdir()
            con.execute(f"copy ({sql}) to '{target}' (format parquet, compression zstd, "
                        f"file_size_bytes '{PART_BYTES}', filename_pattern 'part_{{i}}')")
            counts[name] = con.execute(f"select count(*) from read_parquet('{target}/*.parquet')").fetchone()[0]
        return counts
    finally:
        con.close()
