"""Plain pandas versions of three analyses, for the benchmark's cross-check and speed comparison.

They start from the canonical tables as DataFrames (what an analyst has after `pd.read_parquet`)
and follow the metric book (SPEC §4) with the queries' default parameters: `order_fact` derives
the counted orders with purchase ordinals like `queries/facts/order_fact.sql`; then
`new_repeat_mix` (grain month), `cohort_ltv` (cohort by first month, 24 months) and
`subscription_retention` (12 deliveries). No DuckDB here: the point is an independent
implementation whose results must equal the workbench's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .contract import DEFAULT_COUNTED_STATUSES


def order_fact(t: dict[str, pd.DataFrame], as_of: dt.date, counted=DEFAULT_COUNTED_STATUSES) -> pd.DataFrame:
    """Counted orders with customer_level, purchase_ordinal and days_since_prev."""
    o = t["orders"]
    limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    keep = (o["ordered_at"] < limit) & (o["status"].isna() | o["status"].isin(list(counted)))
    o = o.loc[keep, ["order_id", "customer_id", "ordered_at", "total_amount", "subscription_id"]]
    items, products = t["order_items"], t["products"]
    excluded_ids = products.loc[products["excluded"].fillna(False).astype(bool), "product_id"]
    bad_orders = items.loc[items["product_id"].isin(excluded_ids), "order_id"].unique()
    f = pd.DataFrame(
        {
            "order_id": o["order_id"].to_numpy(),
            "customer_id": o["customer_id"].to_numpy(),
            "ordered_at": o["ordered_at"].to_numpy(),
            "amount": o["total_amount"].astype("float64").to_numpy(),
            "subscription_id": o["subscription_id"].to_numpy(),
        }
    )
    f["order_date"] = f["ordered_at"].dt.normalize()
    f["customer_level"] = f["customer_id"].notna() & ~f["order_id"].isin(bad_orders)
    cl = f[f["customer_level"]].sort_values(["customer_id", "ordered_at", "order_id"])
    g = cl.groupby("customer_id", sort=False)
    ordinal = g.cumcount() + 1
    prev = g["order_date"].shift()
    f["purchase_ordinal"] = ordinal.reindex(f.index)
    f["days_since_prev"] = ((cl["order_date"] - prev).dt.days).reindex(f.index)
    return f


def new_repeat_mix(f: pd.DataFrame, reacquire_days: int = 365) -> pd.DataFrame:
    d = f[f["customer_level"]]
    d = d.assign(period=d["order_date"].dt.to_period("M").dt.start_time)
    d = d.sort_values(["period", "customer_id", "purchase_ordinal"])
    g = d.groupby(["period", "customer_id"], sort=False)
    bp = g.agg(
        min_ordinal=("purchase_ordinal", "first"),
        max_ordinal=("purchase_ordinal", "last"),
        gap_days=("days_since_prev", "first"),
        orders=("order_id", "size"),
        sales=("amount", "sum"),
    )
    kind = np.select(
        [
            bp["min_ordinal"] == 1,
            bp["gap_days"] >= reacquire_days,
            bp["max_ordinal"] == 2,
            bp["max_ordinal"].between(3, 9),
        ],
        ["new", "reacquired", "repeat_2nd", "repeat_3_9"],
        "repeat_10plus",
    )
    bp = bp.assign(kind=kind).reset_index()
    counts = pd.crosstab(bp["period"], bp["kind"]).reindex(
        columns=["new", "reacquired", "repeat_2nd", "repeat_3_9", "repeat_10plus"], fill_value=0
    )
    per = bp.groupby("period").agg(buyers=("customer_id", "size"), orders=("orders", "sum"), sales=("sales", "sum"))
    new_sales = bp[bp["kind"] == "new"].groupby("period")["sales"].sum()
    out = pd.DataFrame(
        {
            "period": per.index.date,
            "buyers": per["buyers"].to_numpy(),
            "new_customers": counts["new"].to_numpy(),
            "repeat_customers": (per["buyers"] - counts["new"]).to_numpy(),
            "reacquired_customers": counts["reacquired"].to_numpy(),
            "repeat_2nd": counts["repeat_2nd"].to_numpy(),
            "repeat_3_9": counts["repeat_3_9"].to_numpy(),
            "repeat_10plus": counts["repeat_10plus"].to_numpy(),
            "orders": per["orders"].to_numpy(),
            "sales": per["sales"].to_numpy(),
            "new_sales": new_sales.reindex(per.index, fill_value=0.0).to_numpy(),
        }
    )
    out["repeat_sales"] = out["sales"] - out["new_sales"]
    return out


def cohort_ltv(f: pd.DataFrame, as_of: dt.date, horizon: int = 24) -> pd.DataFrame:
    cust = f[f["customer_level"]].groupby("customer_id")["ordered_at"].min()
    first_month = cust.dt.to_period("M")
    as_of_m = pd.Period(as_of, "M")
    max_month = np.minimum(horizon, (as_of_m.ordinal - first_month.map(lambda p: p.ordinal)).to_numpy())
    span = pd.DataFrame(
        {
            "customer_id": cust.index,
            "cohort": first_month.dt.strftime("%Y-%m").to_numpy(),
            "fm": first_month.map(lambda p: p.ordinal).to_numpy(),
            "max_month": max_month,
        }
    )
    cohorts = span.groupby("cohort").agg(cohort_customers=("customer_id", "size"), max_month=("max_month", "max"))
    # customer-level orders only: a cohort customer's orders holding an excluded product are left out
    o = f.loc[f["customer_level"], ["customer_id", "order_date", "amount"]].merge(
        span[["customer_id", "cohort", "fm"]], on="customer_id"
    )
    om = o["order_date"].dt.year * 12 + o["order_date"].dt.month - 1 - (1970 * 12)
    o = o.assign(months_since_first=(om - o["fm"]).astype("int64"))
    o = o[o["months_since_first"] <= horizon]
    monthly = o.groupby(["cohort", "months_since_first"]).agg(
        active_customers=("customer_id", "nunique"), orders=("amount", "size"), sales=("amount", "sum")
    )
    rows = [(c, m) for c, mm in cohorts["max_month"].items() for m in range(0, int(mm) + 1)]
    grid = pd.DataFrame(rows, columns=["cohort", "months_since_first"])
    grid = grid.merge(cohorts[["cohort_customers"]], left_on="cohort", right_index=True)
    out = grid.merge(monthly, left_on=["cohort", "months_since_first"], right_index=True, how="left")
    out[["active_customers", "orders"]] = out[["active_customers", "orders"]].fillna(0).astype("int64")
    out["sales"] = out["sales"].fillna(0.0)
    out = out.sort_values(["cohort", "months_since_first"])
    out["cumulative_sales_per_customer"] = out.groupby("cohort")["sales"].cumsum() / out["cohort_customers"]
    return out[
        [
            "cohort",
            "months_since_first",
            "cohort_customers",
            "active_customers",
            "orders",
            "sales",
            "cumulative_sales_per_customer",
        ]
    ].reset_index(drop=True)


def subscription_retention(
    t: dict[str, pd.DataFrame], f: pd.DataFrame, as_of: dt.date, max_delivery: int = 12
) -> pd.DataFrame:
    limit = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    s = t["subscriptions"]
    s = s[s["started_at"].isna() | (s["started_at"] < limit)]
    stopped = s["status"].isin(["cancelled", "paused"]) & (s["cancelled_at"].isna() | (s["cancelled_at"] < limit))
    state = np.where(stopped, s["status"], "active")
    deliveries = f.loc[f["subscription_id"].notna()].groupby("subscription_id").size()
    d = s["subscription_id"].map(deliveries).fillna(0).astype("int64").to_numpy()
    c = pd.DataFrame({"product_id": s["product_id"].to_numpy(), "state": state, "deliveries": d})
    rows = []
    for pid, grp in c.groupby("product_id", dropna=False, sort=True):
        dl = grp["deliveries"].to_numpy()
        open_ = np.isin(grp["state"].to_numpy(), ["active", "paused"])
        cancelled = grp["state"].to_numpy() == "cancelled"
        counts = np.bincount(dl, minlength=max_delivery + 2)
        open_counts = np.bincount(dl[open_], minlength=max_delivery + 2)
        canc_counts = np.bincount(dl[cancelled], minlength=max_delivery + 2)
        at_least = counts[::-1].cumsum()[::-1]
        for n in range(1, max_delivery + 1):
            rows.append(
                (pid, n, int(at_least[n]) if n < at_least.size else 0, int(open_counts[n - 1]), int(canc_counts[n - 1]))
            )
    out = pd.DataFrame(rows, columns=["product_id", "delivery_no", "retained", "pending", "churned"])
    first = out[out["delivery_no"] == 1].set_index("product_id")["retained"]
    base = out["product_id"].map(first).replace(0, np.nan)
    out["retention_rate"] = out["retained"] / base
    tot = out.groupby("product_id", dropna=False)["churned"].transform("sum").replace(0, np.nan)
    out["churn_share"] = out["churned"] / tot
    return out


def same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], rtol: float = 1e-9) -> tuple[bool, str]:
    """Equal after sorting by `keys`, floats within a relative tolerance; (ok, why not)."""
    if list(a.columns) != list(b.columns):
        return False, f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return False, f"row counts differ: {len(a)} vs {len(b)}"
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(dtype="float64", na_value=np.nan), y.to_numpy(dtype="float64", na_value=np.nan)
            if not np.allclose(xv, yv, rtol=rtol, atol=1e-6, equal_nan=True):
                i = int(np.flatnonzero(~np.isclose(xv, yv, rtol=rtol, atol=1e-6, equal_nan=True))[0])
                return False, f"{col} differs at row {i}: {xv[i]} vs {yv[i]}"
        else:
            xs, ys = x.astype("string").fillna("<NA>"), y.astype("string").fillna("<NA>")
            if not (xs == ys).all():
                i = int(np.flatnonzero((xs != ys).to_numpy())[0])
                return False, f"{col} differs at row {i}: {xs[i]} vs {ys[i]}"
    return True, ""
