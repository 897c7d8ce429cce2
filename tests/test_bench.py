"""Issue 11: the big-shop generator and the benchmark (small sizes here; 10M in `make bench`)."""

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from workbench import bigsample, contract
from workbench.dataset import load_folder

ROOT = Path(__file__).resolve().parents[1]


def orders_digest(folder: Path) -> str:
    con = duckdb.connect()
    rows = con.execute(
        "select * from read_parquet($f) order by order_id", {"f": str(folder / "orders" / "*.parquet")}
    ).fetchall()
    con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    out = tmp_path_factory.mktemp("big_a")
    counts = bigsample.write(out, orders=5_003, customers=700, seed=3)
    return out, counts


def test_exact_size_and_every_table(big):
    out, counts = big
    assert counts["orders"] == 5_003
    for name in contract.TABLES:
        assert list((out / name).glob("*.parquet")), name
    ds = load_folder(out)  # on contract, and the parts load as one table each
    assert ds.row_counts["orders"] == 5_003
    assert ds.row_counts["customers"] == counts["customers"]


def test_same_seed_same_orders_other_seed_other_orders(big, tmp_path):
    out, _ = big
    bigsample.write(tmp_path / "again", orders=5_003, customers=700, seed=3)
    assert orders_digest(tmp_path / "again") == orders_digest(out)
    bigsample.write(tmp_path / "other", orders=5_003, customers=700, seed=4)
    assert orders_digest(tmp_path / "other") != orders_digest(out)


def test_copies_keep_the_block_shape(big):
    out, _ = big
    con = duckdb.connect()
    f = str(out / "orders" / "*.parquet")
    dup, nulls, per_customer = con.execute(
        "select count(*) - count(distinct order_id), count(*) filter (where ordered_at is null), "
        "count(*) / count(distinct customer_id) from read_parquet($f)",
        {"f": f},
    ).fetchone()
    assert dup == 0 and nulls == 0
    assert 1.5 < per_customer < 4  # the sample has about 2.6 orders per customer
    orphans = con.execute(
        "select count(*) from read_parquet($i) i anti join read_parquet($f) o using (order_id)",
        {"i": str(out / "order_items" / "*.parquet"), "f": f},
    ).fetchone()[0]
    assert orphans == 0


def test_sample_cli_with_orders(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "sample",
            "--out",
            str(tmp_path / "s"),
            "--orders",
            "3000",
            "--customers",
            "500",
            "--seed",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "orders: 3000" in r.stdout


def test_bench_cli_small_and_pandas_agrees(tmp_path):
    out = tmp_path / "results.md"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "bench",
            "--orders",
            "20000",
            "--data-root",
            str(tmp_path),
            "--warm-runs",
            "1",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    text = out.read_text(encoding="utf-8")
    assert "## 20,000 orders" in text and "cores" in text
    for name in ("new_repeat_mix", "cohort_ltv", "subscription_retention"):
        line = next(
            x
            for x in text.splitlines()
            if x.startswith(f"| {name} |") and x.rstrip().endswith("|") and ("yes" in x or "NO" in x)
        )
        assert line.rstrip().endswith("| yes |"), line
    # every query ran and has a row in the table
    from workbench import runner

    for spec in runner.list_queries():
        assert f"| {spec.name} |" in text


def test_abc_curve_points_thin_the_chart_rows(sample_ds):
    full = sample_ds.run("customer_abc_curve")
    thin = sample_ds.run("customer_abc_curve", {"points": 50})
    assert len(thin) <= 50 + 5 < len(full)
    # the thinned rows are the full curve's rows at those positions, first and last included
    merged = thin.merge(full, on="position", suffixes=("", "_full"))
    assert len(merged) == len(thin)
    assert (merged["cumulative_share"] == merged["cumulative_share_full"]).all()
    assert thin["position"].iloc[0] == 1 and thin["position"].iloc[-1] == len(full)
    # every rank's last customer is kept, so the colours change where they should
    for _rank, part in full.groupby("rank"):
        assert part["position"].max() in set(thin["position"])


def test_big_tables_reach_the_browser_capped():
    """More rows than MAX_SHOWN: a page of them with a note; beyond DOWNLOAD_MAX no in-page download."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from workbench.ui import components

        components.MAX_SHOWN, components.DOWNLOAD_MAX = 50, 80  # small limits, same code paths
        for n in (60, 81):
            components.table(
                pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "sales": range(n)}),
                f"big{n}",
                "col",
                money=("sales",),
            )

    from workbench.ui import components

    limits = components.MAX_SHOWN, components.DOWNLOAD_MAX
    try:
        at = AppTest.from_function(page, default_timeout=60).run()
    finally:
        components.MAX_SHOWN, components.DOWNLOAD_MAX = limits  # the page set them for this process
    assert not at.exception
    assert [len(d.value) for d in at.dataframe] == [50, 50]
    captions = [c.value for c in at.caption]
    assert any("60" in c and "50" in c for c in captions) and any("81" in c and "80" in c for c in captions)
    assert len(at.get("download_button")) == 1  # 60 rows: download; 81 rows: the command line instead


def test_each_size_reports_its_own_peak_memory():
    """reset_peak starts a new high-water mark, so a second size does not inherit the first's peak."""
    import os

    from workbench import bench

    if not os.access("/proc/self/clear_refs", os.W_OK):
        pytest.skip("this kernel does not let the process reset its high-water mark")
    block = bytearray(300 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    before = bench.peak_rss_gib()
    del block
    bench.reset_peak()
    assert bench.peak_rss_gib() < before - 0.2


def test_page_calls_are_what_the_pages_run(sample_ds):
    """bench.page_calls lists each page's queries with the parameters the page opens with: record
    what every page really runs (on the sample) and compare, so the benchmark of "page queries"
    cannot drift from the pages."""
    from tests.test_app import PAGES, open_app
    from workbench import bench
    from workbench.settings import Settings
    from workbench.ui import state

    calls: list[tuple[str, dict]] = []
    real_run = state.run

    def recording(name, params=None):
        calls.append((name, dict(params or {})))
        return real_run(name, params)

    keys = {
        "00_dashboard": "dashboard",
        "10_new_repeat": "new_repeat",
        "20_retention": "retention",
        "30_ad_media": "ad_media",
        "40_ltv": "ltv",
        "50_customers": "customers",
    }
    settings = Settings()
    as_of = sample_ds.as_of(settings)
    product = sample_ds.run("subscription_summary", {}, settings)["product_id"].iloc[0]
    expected = bench.page_calls(as_of, settings, product)
    state.run = recording
    try:
        for page in PAGES:
            at = open_app("ja")
            calls.clear()
            at.switch_page(str(Path("..") / ".." / page))
            at.run()
            assert not at.exception
            key = keys.get(Path(page).stem)
            want = [(q, p) for pg, q, p in expected if pg == key]
            assert calls == want, (page, calls)
    finally:
        state.run = real_run
