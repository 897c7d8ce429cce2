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
from .settings import Settings

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
                return int(line.split()[1]) / 1024 ** 2
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # never resets


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
    return {"cores": os.cpu_count(), "memory_gib": round(mem / 1024 ** 3, 1), "date": dt.date.today().isoformat(),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__}


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
    pandas_read_s: float = 0.0
    pandas_prep_s: float = 0.0
    comparisons: list[Comparison] = field(default_factory=list)
    peak_rss: float = 0.0


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


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
            df[col].dtype == object and len(values) > 0 and isinstance(values.iloc[0], dt.date))
        if is_date:
            df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d")
    return df


def run_size(orders: int, data_root: Path, warm_runs: int = 2, pandas_check: bool = True, seed: int = 7,
             memory_limit: str | None = None, temp_dir: Path | None = None, log=print) -> SizeResult:
    folder, gen_s = ensure_data(orders, data_root, seed)
    if gen_s is not None:
        log(f"  generated {orders:,} orders in {gen_s:.1f} s")
    gc.collect()
    reset_peak()
    memory_limit = memory_limit or default_memory_limit()
    ds, load_s = _timed(lambda: load_folder(folder, memory_limit=memory_limit,
                                             temp_directory=str(temp_dir) if temp_dir else None))
    settings = Settings()
    _, facts_s = _timed(lambda: ds.facts_schema(settings))
    res = SizeResult(orders, str(folder), gen_s, load_s, facts_s, peak_rss_gib())
    log(f"  load {load_s:.2f} s, facts {facts_s:.2f} s, peak RSS {res.rss_after_facts:.2f} GiB")
    results: dict[str, pd.DataFrame] = {}
    for spec in runner.list_queries():
        df, cold = _timed(lambda: ds.run(spec.name, {}, settings))
        warm = min(_timed(lambda: ds.run(spec.name, {}, settings))[1] for _ in range(warm_runs))
        q = QueryResult(spec.name, len(df), cold, warm, peak_rss_gib())
        res.queries.append(q)
        if spec.name in COMPARED:
            results[spec.name] = df
        log(f"  {q.name:28s} rows {q.rows:>9,}  cold {q.cold:7.3f} s  warm {q.warm:7.3f} s  RSS {q.rss:5.2f} GiB")
    if pandas_check:
        as_of = ds.as_of(settings)
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
            log(f"  {name:28s} pandas {c.pandas_s:7.3f} s ({secs:.3f} s without its order fact)  workbench {c.workbench_s:7.3f} s  ×{c.ratio:6.1f}  "
                f"equal: {'yes' if ok else 'NO ' + why}")
        del frames, f
    res.peak_rss = peak_rss_gib()
    ds.con.close()
    return res


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
        lines += [f"## {r.orders:,} orders", ""]
        if r.generate_s is not None:
            lines.append(f"- generate: {r.generate_s:.1f} s")
        lines += [
            f"- load: {r.load_s:.2f} s; facts: {r.facts_s:.2f} s; load + facts: {r.load_s + r.facts_s:.2f} s; "
            f"peak RSS after facts {r.rss_after_facts:.2f} GiB; at the end {r.peak_rss:.2f} GiB",
            "",
            "| query | rows | cold s | warm s | peak RSS GiB |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [f"| {q.name} | {q.rows:,} | {q.cold:.3f} | {q.warm:.3f} | {q.rss:.2f} |" for q in r.queries]
        worst = max(r.queries, key=lambda q: q.warm)
        lines += ["", f"Slowest warm query: {worst.name} {worst.warm:.3f} s.", ""]
        if r.comparisons:
            lines += [
                f"Plain pandas on the same data (reading the Parquet files {r.pandas_read_s:.2f} s, not counted). "
                f"pandas s = deriving its order fact ({r.pandas_prep_s:.2f} s: counted orders, excluded products, "
                "purchase ordinals, which each analysis needs) + the analysis; the workbench's facts are built "
                "once per load (above) and every page reads them.",
                "",
                "| query | pandas s | of which the analysis | workbench warm s | pandas ÷ workbench | equal |",
                "|---|---:|---:|---:|---:|---|",
            ]
            lines += [f"| {c.name} | {c.pandas_s:.3f} | {c.pandas_query_s:.3f} | {c.workbench_s:.3f} | "
                      f"{c.ratio:.1f} | {'yes' if c.equal else 'NO: ' + c.why} |"
                      for c in r.comparisons]
            lines.append("")
    return "\n".join(lines) + "\n"
