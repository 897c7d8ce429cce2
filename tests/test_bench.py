"""Big-sample generator and the benchmark at a small size (large sizes only in `make bench`)."""
from __future__ import annotations

import hashlib

import duckdb
import pytest

from workbench import bench, runner
from workbench.bigsample import write_big
from workbench.cli import main
from workbench.dataset import load_folder


def digest(folder) -> str:
    rows = duckdb.sql(f"select order_id, customer_id, ordered_at, total_amount from read_parquet('{folder}/orders/*.parquet') "
                      "order by order_id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    out = tmp_path_factory.mktemp("big") / "shop"
    counts = write_big(out, 12_345, customers=600, seed=3)
    return out, counts


def test_generator_matches_its_size_and_the_contract(big):
    out, counts = big
    assert counts["orders"] == 12_345  # not a multiple of the base shop's orders: the last copy is cut
    ds = load_folder(out)
    assert ds.row_counts["orders"] == 12_345
    orphans = ds.con.execute("select count(*) from order_items i anti join orders o using (order_id)").fetchone()[0]
    assert orphans == 0
    assert len(list((out / "orders").glob("*.parquet"))) >= 1


def test_generator_is_deterministic(big, tmp_path):
    out, _ = big
    again = write_big(tmp_path / "again", 12_345, customers=600, seed=3)
    assert again["orders"] == 12_345 and digest(tmp_path / "again") == digest(out)
    write_big(tmp_path / "other", 12_345, customers=600, seed=4)
    assert digest(tmp_path / "other") != digest(out)


def test_cli_sample_orders(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "s"), "--orders", "5000", "--customers", "500"]) == 0
    assert "orders: 5000" in capsys.readouterr().out


def test_bench_runs_every_query_and_agrees_with_pandas(tmp_path, capsys):
    out = tmp_path / "results.md"
    code = main(["bench", "--orders", "20000", "--data-dir", str(tmp_path / "data"), "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert code == 0, text
    for spec in runner.list_queries():
        assert f"| {spec.name} |" in text
    compared = [line for line in text.splitlines() if line.startswith(("| new_repeat_mix | ", "| cohort_ltv | "))
                and "×" in line]
    assert len(compared) == 2 and all(line.rstrip().endswith("| yes |") for line in compared), compared
    assert "20,000 orders" in text and "cores" in text


def test_comparison_can_fail():
    import pandas as pd

    a = pd.DataFrame({"period": [1, 2], "buyers": [3, 4]})
    assert bench.frames_equal(a, a.copy(), ["period"])[0]
    assert not bench.frames_equal(a, a.assign(buyers=[3, 5]), ["period"])[0]
    assert not bench.frames_equal(a, a.head(1), ["period"])[0]


def test_big_tables_reach_the_browser_capped():
    """A table of more rows than MAX_SHOWN_ROWS shows a page of them and says so; the CSV has all."""
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from workbench.ui.components import table

        table(pd.DataFrame({"customer_id": [f"c{i}" for i in range(6_001)], "sales": range(6_001)}), "big", "col",
              money=("sales",))

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 5_000
    assert "6,001" in at.caption[0].value and "5,000" in at.caption[0].value
