"""Contract checks: every violation is reported per table and column, and nothing is loaded."""

import pandas as pd
import pytest

from workbench import dataset, testdata
from workbench.dataset import ContractError


def good_orders():
    return testdata.orders(
        [
            ("o1", "c1", "2024-01-01 10:00", 1000, "delivered"),
            ("o2", "c2", "2024-01-02 10:00", 2000, "shipped"),
        ]
    )


def problems(frames):
    with pytest.raises(ContractError) as exc:
        dataset.load_frames(frames)
    return {(p.table, p.column, p.code): p for p in exc.value.problems}


def test_good_dataset_loads():
    ds = dataset.load_frames({"orders": good_orders()})
    assert ds.present == ("orders",)
    assert ds.row_counts["orders"] == 2
    # absent optional tables exist empty with the canonical columns, so every query can run
    assert ds.row_counts["products"] == 0


def test_missing_required_column():
    df = good_orders().drop(columns=["total_amount"])
    p = problems({"orders": df})
    assert ("orders", "total_amount", "missing_column") in p


def test_missing_orders_table():
    p = problems({"customers": testdata.frame("customers", [("c1",)], ["customer_id"])})
    assert ("orders", None, "missing_table") in p


def test_wrong_type_counts_rows_and_gives_examples():
    df = good_orders()
    df["ordered_at"] = ["2024-01-01", "not a date"]
    df["total_amount"] = ["1000", "12x"]
    p = problems({"orders": df})
    bad_date = p[("orders", "ordered_at", "bad_type")]
    assert bad_date.count == 1 and bad_date.examples == ("not a date",)
    assert p[("orders", "total_amount", "bad_type")].examples == ("12x",)


def test_duplicate_negative_unknown_status_all_reported_at_once():
    df = testdata.orders(
        [
            ("o1", "c1", "2024-01-01 10:00", 1000, "delivered"),
            ("o1", "c2", "2024-01-02 10:00", -5, "shipped"),
            ("o3", "c2", "2024-01-02 10:00", 10, "lost_in_space"),
        ]
    )
    p = problems({"orders": df})
    assert p[("orders", "order_id", "duplicate")].count == 2
    assert p[("orders", "order_id", "duplicate")].examples == ("o1",)
    assert p[("orders", "total_amount", "negative")].count == 1
    assert p[("orders", "status", "unknown_value")].examples == ("lost_in_space",)


def test_problem_messages_in_both_languages():
    df = good_orders().drop(columns=["ordered_at"])
    p = problems({"orders": df})[("orders", "ordered_at", "missing_column")]
    assert "必須列がありません" in p.message("ja")
    assert "required column is missing" in p.message("en")


def test_folder_with_part_files_and_no_status_column(tmp_path):
    parts = tmp_path / "orders"
    parts.mkdir()
    df = good_orders().drop(columns=["status"])
    df.iloc[:1].to_parquet(parts / "part-0.parquet")
    df.iloc[1:].to_parquet(parts / "part-1.parquet")
    ds = dataset.load_folder(tmp_path)
    # without a status column every order counts
    assert ds.run("new_repeat_mix", {"grain": "all"})["orders"].tolist() == [2]


def test_timestamps_with_time_zone_become_shop_local(tmp_path):
    df = good_orders()
    df["ordered_at"] = pd.to_datetime(["2024-01-01T01:00:00Z", "2024-01-01T16:00:00Z"])
    testdata.write_folder(tmp_path, {"orders": df})
    ds = dataset.load_folder(tmp_path)
    hours = ds.con.execute("select hour(ordered_at) from orders order by order_id").fetchall()
    assert hours == [(10,), (1,)]  # Asia/Tokyo is UTC+9
