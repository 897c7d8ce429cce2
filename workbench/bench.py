"""The benchmark behind `make bench` and `python -m workbench bench --orders N`.

For each size: generate (or reuse) a big sample shop (`bigsample`), load it, build the derived
facts, run every query in `queries/` with its default parameters cold (first run) and warm (best
of the next runs), and note rows, times and the process's peak memory (RSS high-water mark).
Then run the plain pandas versions of new_repeat_mix, cohort_ltv and subscription_retention
(`pandas_ref`) on the same data, check that they give the same results, and compare the times.
Results go to stdout and, as Markdown, to `bench/results.md`.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import bigsample, pandas_ref, runner
from .dataset import load_folder, table_files
from .limits import MAX_SHOWN
from .settings import Settings


def page_calls(as_of: dt.date, settings: Settings, subscription_product: str | None) -> list[tuple[str, str, dict]]:
    """Every query each page runs when it is opened, with the parameters its widgets start with:
    (page, query, parameters). tests/test_bench.py records what the pages run and checks this list.
    subscription_product: the product the retention page starts on (subscription_summary's first)."""

    def day(n: int) -> dt.date:
        return as_of - dt.timedelta(days=n)

    year = {"start": day(364), "end": as_of}
    return [
        ("dashboard", "sales_summary", {}),
        ("dashboard", "new_repeat_mix", {"grain": "all", **year}),
        ("dashboard", "new_repeat_mix", {"grain": "all", "start": day(729), "end": day(365)}),
        ("dashboard", "product_ranking", {}),
        ("dashboard", "customer_classes", {}),
        ("dashboard", "segment_movement", {}),
        ("dashboard", "subscription_retention", {}),
        ("dashboard", "ad_winning_formula", {}),
        ("dashboard", "campaign_summary", {}),
        ("dashboard", "order_mix", {"grain": "month", "start": day(730), "end": as_of}),
        ("new_repeat", "new_repeat_mix", {"grain": "all", **year, "reacquire_days": settings.reacquire_days}),
        (
            "new_repeat",
            "new_repeat_mix",
            {"grain": "all", "start": day(729), "end": day(365), "reacquire_days": settings.reacquire_days},
        ),
        (
            "new_repeat",
            "new_repeat_mix",
            {"grain": "month", "start": None, "end": None, "reacquire_days": settings.reacquire_days},
        ),
        ("retention", "subscription_summary", {}),
        ("retention", "subscription_stops", {"grain": "year", "by": "ad_code"}),
        (
            "retention",
            "subscription_retention",
            {
                "product_id": subscription_product,
                "ad_code": None,
                "started_from": None,
                "started_to": None,
                "max_delivery": 12,
            },
        ),
        ("retention", "subscription_survival", {"product_id": subscription_product, "max_delivery": 12}),
        ("retention", "subscription_stops", {"by": "total"}),
        ("ad_media", "ad_media_summary", {**year, "upgrade_window_days": None, "group_by": "ad_code"}),
        ("ad_media", "ad_hourly", {**year, "ad_code": None}),
        ("ad_media", "ad_winning_formula", {**year, "upgrade_window_days": None}),
        ("ltv", "cohort_ltv", {"cohort_by": "first_month", "start": None, "end": None, "horizon_months": 24}),
        (
            "ltv",
            "ltv_roas",
            {
                "cohort_by": "first_month",
                "start": None,
                "end": None,
                "ltv_months": settings.ltv_months,
                "variable_cost_per_order": settings.variable_cost_per_order,
                "target_roas": 100.0,
            },
        ),
        ("ltv", "ltv_summary", year),
        ("ltv", "kpi_scorecard", year),
        ("customers", "customer_classes", {}),
        ("customers", "customer_cpm", {}),
        ("customers", "customer_cpm_monthly", {"start": day(730)}),
        ("customers", "customer_rfm", {}),
        ("customers", "customer_rfm_grid", {}),
        ("customers", "customer_abc", {"measure": "sales"}),
        ("customers", "customer_abc_curve", {"measure": "sales", "points": 500}),
        ("customers", "segment_movement", {"segmentation": "cpm", "from_date": day(7), "to_date": as_of}),
        ("customers", "customer_cancel_reasons", {}),
        (
            "customers",
            "extract_customers",
            {
                "segmentation": "cpm",
                "segments": None,
                "min_recency": None,
                "max_recency": None,
                "min_orders": None,
                "max_orders": None,
                "bought": None,
                "not_bought": None,
                "birth_month": None,
                "mail_optin": None,
                "dm_optin": None,
                "call_optin": None,
                "cancel_reasons": None,
                "stopped_only": False,
                "limit": MAX_SHOWN,
            },
        ),
        ("customers", "customer_profile", {}),
    ]


COMPARED = {  # query → key columns for comparing sorted results
    "new_repeat_mix": ["period"],
    "cohort_ltv": ["cohort", "months_since_first"],
    "subscription_retention": ["product_id", "delivery_no"],
}


def peak_rss_gib() -> float:
    """The process's resident high-water mark (VmHWM) since the last reset_peak(), GiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # never resets


def reset_peak() -> None:
    """Start a new high-water mark, so each size reports its own peak (Linux: 5 > clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def machine() -> dict:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024**3, 1),
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
    }


def default_memory_limit() -> str:
    """DuckDB's memory limit: 60% of the machine, leaving room for Python, pandas and the OS."""
    gib = machine()["memory_gib"] or 8
    return f"{max(1, int(gib * 0.6))}GB"


@dataclass
class QueryResult:
    name: str
    rows: int
    cold: float
    warm: float
    rss: float
    page: str = ""  # page calls: the page, and the parameters it opens with
    params: dict = field(default_factory=dict)


@dataclass
class Comparison:
    name: str
    equal: bool
    why: str
    pandas_query_s: float  # the analysis itself, from pandas' order fact
    pandas_prep_s: float  # deriving the order fact (ordinals, excluded products), which each analysis needs
    workbench_s: float  # the query, warm, on the facts built at load

    @property
    def pandas_s(self) -> float:
        return self.pandas_query_s + self.pandas_prep_s

    @property
    def ratio(self) -> float:
        return self.pandas_s / self.workbench_s if self.workbench_s else float("inf")


@dataclass
class SizeResult:
    orders: int
    data: str
    generate_s: float | None
    load_s: float
    facts_s: float
    rss_after_facts: float
    queries: list[QueryResult] = field(default_factory=list)
    pages: list[QueryResult] = field(default_factory=list)
    storage: str = "memory"
    memory_limit: str = ""
    load_runs: list[tuple[float, float]] = field(default_factory=list)  # (load s, facts s) of each build
    pandas_skipped: str = ""
    pandas_read_s: float = 0.0
    pandas_prep_s: float = 0.0
    comparisons: list[Comparison] = field(default_factory=list)
    peak_rss: float = 0.0


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _cold_warm(fn, warm_runs: int):
    """fn's result and seconds on its first run (cold) and the best of warm_runs runs after it."""
    out, cold = _timed(fn)
    return out, cold, min(_timed(fn)[1] for _ in range(warm_runs))


def ensure_data(orders: int, data_root: Path, seed: int = 7) -> tuple[Path, float | None]:
    """The dataset folder for `orders` orders, generated unless a finished one is there."""
    folder = data_root / f"orders_{orders}_seed{seed}"
    done = folder / ".complete"
    if done.is_file():
        return folder, None
    _, secs = _timed(lambda: bigsample.write(folder, orders=orders, seed=seed))
    done.write_text(f"{orders} orders, seed {seed}, generated in {secs:.1f} s\n")
    return folder, secs


def _read_frames(folder: Path) -> dict[str, pd.DataFrame]:
    needed = ("orders", "order_items", "products", "subscriptions")
    files = table_files(folder)
    return {name: pd.concat([pd.read_parquet(p) for p in files[name]], ignore_index=True) for name in needed}


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text, so a date column compares equal whichever type carries it."""
    df = df.copy()
    for col in df.columns:
        values = df[col].dropna()
        is_date = pd.api.types.is_datetime64_any_dtype(df[col]) or (
            df[col].dtype == object and len(values) > 0 and isinstance(values.iloc[0], dt.date)
        )
        if is_date:
            df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d")
    return df


def run_size(
    orders: int,
    data_root: Path,
    warm_runs: int = 2,
    pandas_check: bool = True,
    seed: int = 7,
    memory_limit: str | None = None,
    temp_dir: Path | None = None,
    load_runs: int = 3,
    log=print,
) -> SizeResult:
    folder, gen_s = ensure_data(orders, data_root, seed)
    if gen_s is not None:
        log(f"  generated {orders:,} orders in {gen_s:.1f} s")
    memory_limit = memory_limit or default_memory_limit()
    settings = Settings()
    # Load and facts are built load_runs times (a shared machine's runs differ by up to ±30 %)
    # and the median is reported; a dataset in a database file (minutes a build) once.
    builds = []
    for i in range(max(1, load_runs)):
        gc.collect()
        reset_peak()
        ds, load_s = _timed(
            lambda: load_folder(folder, memory_limit=memory_limit, temp_directory=str(temp_dir) if temp_dir else None)
        )
        _, facts_s = _timed(lambda ds=ds: ds.facts_schema(settings))
        builds.append((load_s, facts_s))
        log(f"  build {i + 1}: load {load_s:.2f} s, facts {facts_s:.2f} s, load + facts {load_s + facts_s:.2f} s")
        if ds.database != ":memory:" or i == max(1, load_runs) - 1:
            break
        ds.close()
    load_s, facts_s = sorted(builds, key=sum)[(len(builds) - 1) // 2]
    res = SizeResult(
        orders,
        str(folder),
        gen_s,
        load_s,
        facts_s,
        peak_rss_gib(),
        storage="memory" if ds.database == ":memory:" else "file",
        memory_limit=memory_limit,
        load_runs=builds,
    )
    log(
        f"  {res.storage} database, memory_limit {memory_limit}: load {load_s:.2f} s, facts {facts_s:.2f} s "
        f"(median of {len(builds)}), peak RSS {res.rss_after_facts:.2f} GiB"
    )

    def measure(name: str, params: dict, keep: bool = False) -> tuple[pd.DataFrame | None, int, float, float]:
        """cold and warm seconds of a query streamed through Arrow: a list of millions of customers
        is counted, not held (the CLI writes it the same way); keep: the result, for pandas."""

        def once():
            rows, frames = 0, []
            for batch in ds.stream(name, params, settings):
                rows += len(batch)
                if keep:
                    frames.append(batch)
            return rows, pd.concat(frames, ignore_index=True) if keep else None

        (rows, df), cold, warm = _cold_warm(once, warm_runs)
        return df, rows, cold, warm

    results: dict[str, pd.DataFrame] = {}
    for spec in runner.list_queries():
        df, rows, cold, warm = measure(spec.name, {}, keep=spec.name in COMPARED)
        q = QueryResult(spec.name, rows, cold, warm, peak_rss_gib())
        res.queries.append(q)
        if spec.name in COMPARED:
            results[spec.name] = df
        log(f"  {q.name:28s} rows {q.rows:>9,}  cold {q.cold:7.3f} s  warm {q.warm:7.3f} s  RSS {q.rss:5.2f} GiB")
    # what each page runs when it is opened (a call two pages share is measured once)
    as_of = ds.as_of(settings)
    summary = ds.run("subscription_summary", {}, settings)
    product = summary["product_id"].iloc[0] if len(summary) else None
    seen: dict[tuple, QueryResult] = {}
    for page, name, params in page_calls(as_of, settings, product):
        key = (name, repr(sorted(params.items())))
        if key not in seen:
            # as the page runs it: the whole result as a frame
            df, cold, warm = _cold_warm(lambda name=name, params=params: ds.run(name, params, settings), warm_runs)
            seen[key] = QueryResult(name, len(df), cold, warm, peak_rss_gib())
            log(f"  {page:10s} {name:24s} rows {len(df):>9,}  cold {cold:7.3f} s  warm {warm:7.3f} s")
        m = seen[key]
        res.pages.append(QueryResult(name, m.rows, m.cold, m.warm, m.rss, page, params))
    if pandas_check and res.storage == "file":
        # pandas holds every frame in memory: at this size (at 10M orders its comparison takes
        # the process to about 20 GiB) it cannot run on this machine at all
        res.pandas_skipped = "the dataset is beyond the in-memory budget, so pandas' frames would not fit"
        log(f"  pandas: skipped ({res.pandas_skipped})")
    elif pandas_check:
        frames, res.pandas_read_s = _timed(lambda: _read_frames(folder))
        f, res.pandas_prep_s = _timed(lambda: pandas_ref.order_fact(frames, as_of))
        log(f"  pandas: read {res.pandas_read_s:.2f} s, order fact {res.pandas_prep_s:.2f} s")
        calls = {
            "new_repeat_mix": lambda: pandas_ref.new_repeat_mix(f, settings.reacquire_days),
            "cohort_ltv": lambda: pandas_ref.cohort_ltv(f, as_of),
            "subscription_retention": lambda: pandas_ref.subscription_retention(frames, f, as_of),
        }
        warm_of = {q.name: q.warm for q in res.queries}
        for name, call in calls.items():
            pdf, secs = _timed(call)
            ok, why = pandas_ref.same(_comparable(pdf), _comparable(results[name]), COMPARED[name])
            c = Comparison(name, ok, why, secs, res.pandas_prep_s, warm_of[name])
            res.comparisons.append(c)
            log(
                f"  {name:28s} pandas {c.pandas_s:7.3f} s ({secs:.3f} s without its order fact)  workbench {c.workbench_s:7.3f} s  ×{c.ratio:6.1f}  "
                f"equal: {'yes' if ok else 'NO ' + why}"
            )
        del frames, f
    res.peak_rss = peak_rss_gib()
    ds.close()
    return res


TARGETS = {"load_facts_s": 15.0, "page_query_s": 1.0}  # 10M orders on 2 cores (issue 11)


def lists(r: SizeResult) -> set[str]:
    """Queries whose default result has a row per customer: exports, not what a page shows."""
    return {q.name for q in r.queries if q.rows >= 100_000}


def markdown(results: list[SizeResult], info: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {info['date']} on {info['cores']} cores, {info['memory_gib']} GiB memory "
        f"(Python {info['python']}, DuckDB {info['duckdb']}, pandas {info['pandas']}), "
        "with `python -m workbench bench`. Times in seconds; warm = best of the runs after the first; "
        "RSS = the process's peak resident memory so far for that size (GiB).",
        "",
    ]
    for r in results:
        exports = lists(r)
        page_warm = max((q.warm for q in r.pages), default=0.0)
        slow_pages = sorted({q.name for q in r.pages if q.warm > TARGETS["page_query_s"]})
        lines += [f"## {r.orders:,} orders", ""]
        if r.generate_s is not None:
            lines.append(f"- generate: {r.generate_s:.1f} s")
        lines += [
            f"- {r.storage} database (DuckDB memory_limit {r.memory_limit}); load: {r.load_s:.2f} s; "
            f"facts: {r.facts_s:.2f} s; load + facts: {r.load_s + r.facts_s:.2f} s"
            + (
                f" (the median of {len(r.load_runs)} builds: "
                + ", ".join(f"{a + b:.2f}" for a, b in sorted(r.load_runs, key=sum))
                + " s)"
                if len(r.load_runs) > 1
                else ""
            )
            + f"; peak RSS after facts {r.rss_after_facts:.2f} GiB; at the end {r.peak_rss:.2f} GiB",
            f"- pages: the slowest warm page query {page_warm:.3f} s"
            + (
                f" (above {TARGETS['page_query_s']:.0f} s: {', '.join(slow_pages)})"
                if slow_pages
                else f"; every page query within {TARGETS['page_query_s']:.0f} s"
            ),
            "",
            "### Every query with its default parameters",
            "",
            "| query | rows | cold s | warm s | peak RSS GiB |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {q.name}{' (list)' if q.name in exports else ''} | {q.rows:,} | {q.cold:.3f} | {q.warm:.3f} | "
            f"{q.rss:.2f} |"
            for q in r.queries
        ]
        worst = max((q for q in r.queries if q.name not in exports), key=lambda q: q.warm)
        lines += [
            "",
            f"Slowest warm query: {worst.name} {worst.warm:.3f} s"
            + (
                f"; (list) = a row per customer with the defaults, an export: the page asks for "
                f"a preview ({', '.join(sorted(exports))})."
                if exports
                else "."
            ),
            "",
        ]
        if r.pages:
            lines += [
                "### What each page runs when it is opened",
                "",
                "With the parameters its widgets start with (bench.page_calls, checked against the pages by a test); "
                "a call two pages share is measured once.",
                "",
                "| page | query | parameters | rows | cold s | warm s |",
                "|---|---|---|---:|---:|---:|",
            ]
            for q in r.pages:
                shown = ", ".join(f"{k}={v}" for k, v in q.params.items() if v not in (None, False)) or "defaults"
                lines.append(f"| {q.page} | {q.name} | {shown} | {q.rows:,} | {q.cold:.3f} | {q.warm:.3f} |")
            totals = {}
            for q in r.pages:
                totals[q.page] = totals.get(q.page, 0.0) + q.cold
            lines += [
                "",
                "Queries of a page opened for the first time, cold, summed: "
                + ", ".join(f"{p} {t:.2f} s" for p, t in totals.items())
                + ".",
                "",
            ]
        if r.pandas_skipped:
            lines += [f"Plain pandas: skipped, {r.pandas_skipped}.", ""]
        if r.comparisons:
            lines += [
                f"Plain pandas on the same data (reading the Parquet files {r.pandas_read_s:.2f} s, not counted). "
                f"pandas s = deriving its order fact ({r.pandas_prep_s:.2f} s: counted orders, excluded products, "
                "purchase ordinals, which each analysis needs) + the analysis; the workbench's facts are built "
                "once per load (above) and every page reads them.",
                "",
                "| query | pandas s | of which the analysis | workbench warm s | pandas ÷ workbench | analysis ÷ workbench | equal |",
                "|---|---:|---:|---:|---:|---:|---|",
            ]
            lines += [
                f"| {c.name} | {c.pandas_s:.3f} | {c.pandas_query_s:.3f} | {c.workbench_s:.3f} | "
                f"{c.ratio:.1f} | {c.pandas_query_s / c.workbench_s if c.workbench_s else float('inf'):.1f} | "
                f"{'yes' if c.equal else 'NO: ' + c.why} |"
                for c in r.comparisons
            ]
            lines.append("")
    return "\n".join(lines) + "\n"
