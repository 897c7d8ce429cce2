"""Big sample shops for benchmarks: the small sample, replicated and perturbed inside DuckDB.

`write(out_dir, orders, customers, seed)` generates the ordinary sample shop (`sample.generate`)
with `customers` customers (the *block*), then copies that block as many times as needed to reach
exactly `orders` orders, in DuckDB SQL, and writes every table as Parquet part files
(`orders/part_*.parquet`, …), so even 100M orders never pass through pandas.

Per copy k: customer, order and subscription ids are re-keyed (`C` + k + the block's number, so
ids stay unique and copies stay apart), and each customer's whole history (orders, contracts,
registration) is shifted by a deterministic jitter of up to ±3 days, a hash of (seed, k,
customer). Shifting a customer's history as one keeps purchase ordinals, gaps between orders and
subscription sequences as in the block, so the distributions are the sample's. The last copy is cut
at the block's order number that makes the total exact: it keeps the block's earliest orders, with
the contracts and customers they belong to. Ad spend and traffic are the block's, scaled by the
number of copies. The same arguments give the same rows.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb

from . import sample
from .contract import TABLES
from .quoting import ident

DEFAULT_BLOCK = 20_000  # customers in the replicated block (about 51k orders)
PART_SIZE = "128MB"  # Parquet part files are cut near this size


def _shift(k: str, customer: str) -> str:
    """SQL: a customer's jitter as an interval of whole minutes in [-3 days, +3 days]."""
    return f"to_minutes(cast(hash($seed, {k}, {customer}) % 8641 as bigint) - 4320)"


def _rekey(prefix: str, k: str, col: str) -> str:
    """SQL: block id `col` (a letter and digits) re-keyed for copy `k`."""
    return f"case when {col} is null then null else printf('{prefix}%05d%s', {k}, substr({col}, 2)) end"


def write(
    out_dir, orders: int, customers: int = DEFAULT_BLOCK, seed: int = 7, threads: int | None = None
) -> dict[str, int]:
    """Write a sample shop of exactly `orders` orders as Parquet part files; row counts per table."""
    n = int(orders)
    if n < 1:
        raise ValueError("orders must be at least 1")
    block = sample.generate(customers, seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    try:
        if threads:
            con.execute("set threads = $n", {"n": int(threads)})
        for name, df in block.items():
            con.register(f"blk_{name}_src", sample.to_arrow(name, df))
            con.execute(f"create table blk_{name} as select * from blk_{name}_src")
            con.unregister(f"blk_{name}_src")
        b = con.execute("select count(*) from blk_orders").fetchone()[0]
        copies = math.ceil(n / b)
        cut = n - (copies - 1) * b  # orders kept from the last copy (its earliest, by order_id)
        params = {"seed": int(seed), "copies": copies, "cut": cut}
        # the block's order number, and per customer / contract the first order number: the cut
        con.execute(
            "create table blk_rank as select order_id, customer_id, subscription_id, "
            "row_number() over (order by order_id) as rn from blk_orders"
        )
        con.execute("create table blk_cust_rn as select customer_id, min(rn) as rn from blk_rank group by 1")
        con.execute(
            "create table blk_sub_rn as select subscription_id, min(rn) as rn from blk_rank "
            "where subscription_id is not null group by 1"
        )
        con.execute("create table copies as select range as k from range($copies)", {"copies": copies})
        keep = "(c.k < $copies - 1 or {rn} <= $cut)"
        sh = _shift("c.k", "o.customer_id")
        selects = {
            "orders": f"""
                select {_rekey("O", "c.k", "o.order_id")} as order_id,
                       {_rekey("C", "c.k", "o.customer_id")} as customer_id,
                       o.ordered_at + {sh} as ordered_at,
                       o.* exclude (order_id, customer_id, ordered_at, subscription_id),
                       {_rekey("S", "c.k", "o.subscription_id")} as subscription_id
                from copies c, blk_orders o join blk_rank r using (order_id)
                where {keep.format(rn="r.rn")}
                order by c.k, o.order_id""",
            "order_items": f"""
                select {_rekey("O", "c.k", "i.order_id")} as order_id, i.* exclude (order_id)
                from copies c, blk_order_items i join blk_rank r using (order_id)
                where {keep.format(rn="r.rn")}
                order by c.k, i.order_id, i.product_id""",
            "customers": f"""
                select {_rekey("C", "c.k", "o.customer_id")} as customer_id,
                       o.registered_at + {sh} as registered_at, o.* exclude (customer_id, registered_at)
                from copies c, blk_customers o join blk_cust_rn r using (customer_id)
                where {keep.format(rn="r.rn")}
                order by c.k, o.customer_id""",
            "subscriptions": f"""
                select {_rekey("S", "c.k", "s.subscription_id")} as subscription_id,
                       {_rekey("C", "c.k", "s.customer_id")} as customer_id, s.product_id,
                       s.started_at + {_shift("c.k", "s.customer_id")} as started_at, s.status,
                       s.cancelled_at + {_shift("c.k", "s.customer_id")} as cancelled_at,
                       s.cancel_reason, s.ad_code
                from copies c, blk_subscriptions s join blk_sub_rn r using (subscription_id)
                where {keep.format(rn="r.rn")}
                order by c.k, s.subscription_id""",
            "products": "select * from blk_products",
            "ad_media": "select * from blk_ad_media",
            # spend and traffic grow with the number of customers acquired
            "ad_spend": "select * replace (cast(round(cost * $scale) as decimal(18, 2)) as cost) from blk_ad_spend",
            "ad_traffic": "select * replace (cast(round(visits * $scale) as bigint) as visits, "
            "cast(round(clicks * $scale) as bigint) as clicks) from blk_ad_traffic",
        }
        counts = {}
        for name in TABLES:
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            (out / f"{name}.parquet").unlink(missing_ok=True)
            sql = selects[name]
            used = {k: v for k, v in {**params, "scale": n / b}.items() if f"${k}" in sql}
            # column order and types of the contract
            cols = ", ".join(f"cast({ident(c.name)} as {c.type}) as {ident(c.name)}" for c in TABLES[name].columns)
            target.mkdir()
            con.execute(
                f"copy (select {cols} from ({sql})) to $target "
                f"(format parquet, compression zstd, file_size_bytes '{PART_SIZE}', filename_pattern 'part_{{i}}')",
                {**used, "target": str(target)},
            )
            counts[name] = sum(
                r[0]
                for r in con.execute(
                    "select num_rows from parquet_file_metadata($f)", {"f": [str(p) for p in target.glob("*.parquet")]}
                ).fetchall()
            )
        return counts
    finally:
        con.close()
