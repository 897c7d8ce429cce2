"""`python -m workbench bench`: load + facts + every query, cold and warm, against plain pandas.

Timings are wall-clock seconds of this process on this machine, measured in one run so that the
ratios compare like with like. Peak memory is the process's resident high-water mark (VmHWM),
reset at the start of each dataset where Linux allows it, so a figure is the peak so far for that
dataset.

The pandas side is what an analyst would write in a notebook from the same Parquet files: read the
tables, derive the order-level facts (counted statuses, excluded products, purchase ordinal, days
since the previous order), then each analysis. Its results must equal the workbench's.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import runner
from .dataset import load_folder, table_files
from .settings import Settings


def peak_mb() -> float:
    """Resident high-water mark of this process in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start a new high-water mark (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


@dataclass
class QueryTiming:
    name: str
    rows: int
    cold: float
    warm: float
    peak_mb: float


@dataclass
class Comparison:
    name: str
    pandas: float
    workbench: float
    equal: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.pandas / self.workbench if self.workbench > 0 else float("inf")


@dataclass
class BenchResult:
    data: str
    orders: int
    load: float
    facts: float
    queries: list[QueryTiming] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    pandas_read: float = 0.0
    pandas_facts: float = 0.0
    peak_mb: float = 0.0


# ----------------------------------------------------------------------------- pandas side
def _read(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    files = table_files(folder).get(name, [])
    return pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)


def pandas_order_fact(folder: Path, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """The order fact in pandas: counted orders, excluded-product rule, ordinal, previous order."""
    orders = _read(folder, "orders", ["order_id", "customer_id", "ordered_at", "total_amount", "status"])
    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    counted = orders[(orders["ordered_at"] < cutoff)
                     & (orders["status"].isna() | orders["status"].isin(list(settings.counted_statuses)))]
    items = _read(folder, "order_items", ["order_id", "product_id"])
    products = _read(folder, "products", ["product_id", "excluded"])
    excluded_products = set(products.loc[products["excluded"].fillna(False).astype(bool), "product_id"])
    excluded_orders = set(items.loc[items["product_id"].isin(excluded_products), "order_id"])
    fact = counted.assign(amount=counted["total_amount"].astype("float64"),
                          order_date=counted["ordered_at"].dt.normalize())
    fact["customer_level"] = fact["customer_id"].notna() & ~fact["order_id"].isin(excluded_orders)
    level = fact[fact["customer_level"]].sort_values(["customer_id", "ordered_at", "order_id"])
    grouped = level.groupby("customer_id", sort=False)
    level = level.assign(purchase_ordinal=grouped.cumcount() + 1,
                         prev_date=grouped["order_date"].shift(1),
                         first_ordered_at=grouped["ordered_at"].transform("min"))
    level["days_since_prev"] = (level["order_date"] - level["prev_date"]).dt.days
    cols = ["order_id", "purchase_ordinal", "days_since_prev", "first_ordered_at"]
    return fact.merge(level[cols], on="order_id", how="left")


def pandas_new_repeat_mix(fact: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """new_repeat_mix with its defaults (monthly, all dates)."""
    o = fact[fact["customer_level"]]
    o = o.assign(period=o["order_date"].dt.to_period("M").dt.start_time)
    o = o.sort_values(["period", "customer_id", "purchase_ordinal"])
    g = o.groupby(["period", "customer_id"], sort=False)
    buyer = g.agg(min_ordinal=("purchase_ordinal", "min"), max_ordinal=("purchase_ordinal", "max"),
                  gap_days=("days_since_prev", "first"), orders=("order_id", "size"), sales=("amount", "sum"))
    kind = np.select(
        [buyer["min_ordinal"] == 1, buyer["gap_days"] >= settings.reacquire_days, buyer["max_ordinal"] == 2,
         buyer["max_ordinal"].between(3, 9)],
        ["new", "reacquired", "repeat_2nd", "repeat_3_9"], default="repeat_10plus")
    buyer = buyer.assign(kind=kind).reset_index()
    counts = pd.crosstab(buyer["period"], buyer["kind"])
    for k in ("new", "reacquired", "repeat_2nd", "repeat_3_9", "repeat_10plus"):
        if k not in counts:
            counts[k] = 0
    per = buyer.groupby("period").agg(buyers=("customer_id", "size"), orders=("orders", "sum"), sales=("sales", "sum"))
    new_sales = buyer[buyer["kind"] == "new"].groupby("period")["sales"].sum()
    out = pd.DataFrame({
        "period": per.index, "buyers": per["buyers"].values, "new_customers": counts["new"].values,
        "repeat_customers": (per["buyers"] - counts["new"]).values,
        "reacquired_customers": counts["reacquired"].values, "repeat_2nd": counts["repeat_2nd"].values,
        "repeat_3_9": counts["repeat_3_9"].values, "repeat_10plus": counts["repeat_10plus"].values,
        "orders": per["orders"].values, "sales": per["sales"].values,
        "new_sales": new_sales.reindex(per.index, fill_value=0.0).values,
    })
    out["repeat_sales"] = out["sales"] - out["new_sales"]
    return out


def pandas_cohort_ltv(fact: pd.DataFrame, as_of: dt.date, horizon: int = 24) -> pd.DataFrame:
    """cohort_ltv with its defaults (cohorts by first-purchase month, 24 months)."""
    firsts = fact.loc[fact["customer_level"] & (fact["purchase_ordinal"] == 1), ["customer_id", "first_ordered_at"]]
    first = firsts["first_ordered_at"]
    cust = pd.DataFrame({"customer_id": firsts["customer_id"].to_numpy(),
                         "cohort": first.dt.strftime("%Y-%m").to_numpy(),
                         "fm": (first.dt.year * 12 + first.dt.month - 1).to_numpy()})  # months since year 0
    asof_month = as_of.year * 12 + as_of.month - 1
    cust["max_month"] = np.minimum(horizon, asof_month - cust["fm"])
    cohorts = cust.groupby("cohort").agg(cohort_customers=("customer_id", "size"), max_month=("max_month", "max"))
    o = fact[["customer_id", "order_date", "amount"]].merge(cust[["customer_id", "cohort", "fm"]], on="customer_id")
    o["months_since_first"] = o["order_date"].dt.year * 12 + o["order_date"].dt.month - 1 - o["fm"]
    o = o[o["months_since_first"] <= horizon]
    monthly = o.groupby(["cohort", "months_since_first"]).agg(
        active_customers=("customer_id", "nunique"), orders=("amount", "size"), sales=("amount", "sum"))
    grid = [(c, m) for c, r in cohorts.iterrows() for m in range(int(r["max_month"]) + 1)]
    out = pd.DataFrame(grid, columns=["cohort", "months_since_first"])
    out = out.merge(cohorts["cohort_customers"].reset_index(), on="cohort")
    out = out.merge(monthly.reset_index(), on=["cohort", "months_since_first"], how="left")
    out[["active_customers", "orders"]] = out[["active_customers", "orders"]].fillna(0).astype("int64")
    out["sales"] = out["sales"].fillna(0.0)
    out["cumulative_sales_per_customer"] = out.groupby("cohort")["sales"].cumsum() / out["cohort_customers"]
    return out[["cohort", "months_since_first", "cohort_customers", "active_customers", "orders", "sales",
                "cumulative_sales_per_customer"]]


def frames_equal(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> tuple[bool, str]:
    """Same rows and values (floats to 1e-6 relative), after sorting by `keys`."""
    a = a[list(b.columns)] if set(b.columns) <= set(a.columns) else a
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False, f"shape {a.shape} vs {b.shape}"
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            if not np.allclose(x.astype(float), y.astype(float), rtol=1e-6, atol=1e-6, equal_nan=True):
                return False, f"column {col} differs"
        elif not (pd.Series(x.astype(str).values) == pd.Series(y.astype(str).values)).all():
            return False, f"column {col} differs"
    return True, ""


# ----------------------------------------------------------------------------- the run
def run(data: str | Path, settings: Settings | None = None, compare: bool = True, memory_limit: str | None = None,
        log=print, warm_runs: int = 2, temp_directory: str | None = None) -> BenchResult:
    """Load `data`, build the facts, run every query cold and warm, then the pandas comparisons."""
    settings = settings or Settings()
    folder = Path(data)
    import gc

    gc.collect()
    reset_peak()
    ds, load_s = _timed(lambda: load_folder(folder, settings, memory_limit=memory_limit,
                                                temp_directory=temp_directory))
    as_of = ds.as_of(settings)
    settings = settings.replace(as_of=as_of)
    _, facts_s = _timed(lambda: ds.facts_schema(settings))
    result = BenchResult(str(folder), ds.row_counts["orders"], load_s, facts_s)
    log(f"load {load_s:.2f} s, facts {facts_s:.2f} s, {result.orders:,} orders, peak {peak_mb():,.0f} MB")
    warm_frames = {}
    for spec in runner.list_queries():
        frame, cold = _timed(lambda: ds.run(spec.name, {}, settings))
        warm = min(_timed(lambda: ds.run(spec.name, {}, settings))[1] for _ in range(max(1, warm_runs)))
        warm_frames[spec.name] = frame
        result.queries.append(QueryTiming(spec.name, len(frame), cold, warm, peak_mb()))
        log(f"{spec.name:28s} {len(frame):>8,} rows  cold {cold:7.3f} s  warm {warm:7.3f} s")
    if compare:
        fact, result.pandas_facts = _timed(lambda: pandas_order_fact(folder, settings, as_of))
        log(f"pandas: order fact {result.pandas_facts:.2f} s")
        wb = {q.name: q.warm for q in result.queries}
        for name, fn, keys in (
            ("new_repeat_mix", lambda: pandas_new_repeat_mix(fact, settings), ["period"]),
            ("cohort_ltv", lambda: pandas_cohort_ltv(fact, as_of), ["cohort", "months_since_first"]),
        ):
            frame, seconds = _timed(fn)
            equal, note = frames_equal(runner.normalise(warm_frames[name]), frame, keys)
            result.comparisons.append(Comparison(name, seconds, wb[name], equal, note))
            log(f"pandas {name}: {seconds:.3f} s, equal={equal} {note}")
        del fact
    result.peak_mb = peak_mb()
    ds.con.close()
    return result


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def markdown(results: list[BenchResult]) -> str:
    """Results as the Markdown of bench/results.md."""
    lines = [f"# Benchmark results", "", f"Measured {dt.date.today().isoformat()} on {machine()}, with "
             "`python -m workbench bench`. Seconds of wall-clock time in one run; warm = best of the repeats; "
             "peak MB = the process's resident high-water mark for that dataset so far (the pandas comparison "
             "runs last). Every query runs with its default parameters: customer_abc_curve and "
             "extract_customers then return one row per customer (the Customers page asks the curve for about "
             "1,000 points and shows the first 5,000 rows of a list).", ""]
    for r in results:
        lines += [f"## {r.orders:,} orders (`{r.data}`)", "",
                  f"Load + checks {r.load:.2f} s, derived facts {r.facts:.2f} s, peak memory {r.peak_mb:,.0f} MB.", "",
                  "| query | rows | cold s | warm s | peak MB |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {q.name} | {q.rows:,} | {q.cold:.3f} | {q.warm:.3f} | {q.peak_mb:,.0f} |" for q in r.queries]
        if r.comparisons:
            lines += ["", f"pandas from the same Parquet files: order fact {r.pandas_facts:.2f} s "
                      f"(workbench facts {r.facts:.2f} s).", "",
                      "| query | pandas s | workbench warm s | pandas ÷ workbench | results equal |",
                      "|---|---:|---:|---:|---|"]
            lines += [f"| {c.name} | {c.pandas:.3f} | {c.workbench:.3f} | {c.ratio:.1f}× | "
                      f"{'yes' if c.equal else 'NO: ' + c.note} |" for c in r.comparisons]
        lines.append("")
    return "\n".join(lines)
