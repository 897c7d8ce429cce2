"""The sample-shop generator: deterministic, on contract, referentially whole, realistic enough."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from workbench import contract
from workbench.sample import generate, write

ROOT = Path(__file__).resolve().parents[1]
N = 300
SEED = 7
COUNTED = contract.DEFAULT_COUNTED_STATUSES


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample_a")
    counts = write(out, customers=N, seed=SEED)
    return out, counts


@pytest.fixture(scope="module")
def con(written):
    out, _ = written
    db = duckdb.connect(":memory:")
    for name in contract.TABLES:
        db.execute(f"create view {name} as select * from read_parquet('{out / (name + '.parquet')}')")
    yield db
    db.close()


def scalar(con, sql):
    return con.execute(sql).fetchone()[0]


# ------------------------------------------------------------------ determinism
def test_same_seed_gives_byte_identical_files(written, tmp_path):
    out, counts = written
    again = write(tmp_path, customers=N, seed=SEED)
    assert again == counts
    for name in contract.TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (tmp_path / f"{name}.parquet").read_bytes(), name


def test_different_seed_gives_different_data():
    a, b = generate(N, seed=SEED), generate(N, seed=SEED + 1)
    assert not a["orders"].equals(b["orders"])
    assert not a["customers"].equals(b["customers"])


def test_requested_customer_count(written):
    _, counts = written
    assert counts["customers"] == N
    assert len(generate(1, seed=3)["customers"]) == 1
    with pytest.raises(ValueError):
        generate(0)


# ------------------------------------------------------------------ contract
def test_frames_have_contract_columns_in_order():
    frames = generate(N, seed=SEED)
    assert list(frames) == list(contract.TABLES)
    for name, df in frames.items():
        assert list(df.columns) == contract.TABLES[name].column_names, name
        assert len(df) > 0, name


def test_parquet_types_are_the_contract_types(written, con):
    out, counts = written
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in contract.TABLES)
    for name, table in contract.TABLES.items():
        described = con.execute(f"describe {name}").fetchall()
        assert [(r[0], r[1]) for r in described] == [(c.name, c.type) for c in table.columns], name
        assert scalar(con, f"select count(*) from {name}") == counts[name]


def test_required_unique_non_negative_and_allowed_values(con):
    for name, table in contract.TABLES.items():
        for col in table.columns:
            if col.required:
                assert scalar(con, f'select count(*) from {name} where "{col.name}" is null') == 0, (name, col.name)
            if col.unique:
                assert scalar(con, f'select count(*) - count(distinct "{col.name}") from {name}') == 0, (name, col.name)
            if col.non_negative:
                assert scalar(con, f'select count(*) from {name} where "{col.name}" < 0') == 0, (name, col.name)
            if col.allowed:
                bad = con.execute(
                    f'select distinct "{col.name}" from {name} where "{col.name}" is not null '
                    f'and "{col.name}" not in (select unnest($a))',
                    {"a": list(col.allowed)},
                ).fetchall()
                assert bad == [], (name, col.name, bad)


def test_order_ids_ascend_with_time_and_span(con):
    assert (
        scalar(
            con,
            "select count(*) from (select order_id, ordered_at, lag(ordered_at) over (order by order_id) p "
            "from orders) where ordered_at < p",
        )
        == 0
    )
    assert scalar(con, "select bool_and(regexp_matches(order_id, '^O[0-9]{7}$')) from orders")
    assert str(scalar(con, "select min(ordered_at)::date from orders")) >= "2024-11-01"
    assert str(scalar(con, "select max(ordered_at)::date from orders")) == "2026-10-31"


def test_amounts_add_up(con):
    assert scalar(con, "select count(*) from order_items where line_amount <> quantity * unit_price") == 0
    assert scalar(con, "select count(*) from order_items where quantity < 1") == 0
    bad = scalar(
        con,
        """
        select count(*) from orders o
        join (select order_id, sum(line_amount) s from order_items group by 1) i using (order_id)
        where o.total_amount <> i.s + o.shipping_fee - o.discount_amount - o.points_used""",
    )
    assert bad == 0
    assert (
        scalar(
            con,
            "select count(*) from orders where total_amount < 0 or discount_amount < 0 "
            "or points_used < 0 or shipping_fee not in (0, 550)",
        )
        == 0
    )


# ------------------------------------------------------------------ referential integrity
@pytest.mark.parametrize(
    "child, column, parent, key",
    [
        ("order_items", "order_id", "orders", "order_id"),
        ("order_items", "product_id", "products", "product_id"),
        ("orders", "customer_id", "customers", "customer_id"),
        ("orders", "subscription_id", "subscriptions", "subscription_id"),
        ("orders", "ad_code", "ad_media", "ad_code"),
        ("subscriptions", "customer_id", "customers", "customer_id"),
        ("subscriptions", "product_id", "products", "product_id"),
        ("subscriptions", "ad_code", "ad_media", "ad_code"),
        ("ad_media", "landing_product_id", "products", "product_id"),
        ("ad_spend", "ad_code", "ad_media", "ad_code"),
        ("ad_traffic", "ad_code", "ad_media", "ad_code"),
    ],
)
def test_referential_integrity(con, child, column, parent, key):
    missing = scalar(
        con,
        f"select count(*) from {child} c where c.{column} is not null "
        f"and c.{column} not in (select {key} from {parent})",
    )
    assert missing == 0


def test_every_order_has_items_and_every_customer_an_order(con):
    assert scalar(con, "select count(*) from orders where order_id not in (select order_id from order_items)") == 0
    assert scalar(con, "select count(*) from customers where customer_id not in (select customer_id from orders)") == 0
    assert scalar(con, "select count(*) from orders where customer_id is null") == 0


# ------------------------------------------------------------------ subscriptions
def test_subscription_seq_consecutive_per_contract(con):
    assert (
        scalar(
            con,
            """
        select count(*) from (
            select subscription_seq, row_number() over (partition by subscription_id order by ordered_at, order_id) rn
            from orders where subscription_id is not null)
        where subscription_seq <> rn""",
        )
        == 0
    )
    assert (
        scalar(
            con,
            "select count(*) from orders where (order_kind = 'subscription') <> (subscription_id is not null)"
            " or (subscription_id is null) <> (subscription_seq is null)",
        )
        == 0
    )


def test_subscriptions_agree_with_orders(con):
    rows = con.execute(
        """
        with o as (
            select subscription_id,
                   min(ordered_at) filter (where subscription_seq = 1) as first_at,
                   any_value(ad_code) filter (where subscription_seq = 1) as first_code,
                   any_value(customer_id) as customer_id,
                   max(ordered_at) filter (where status in (select unnest($c))) as last_at,
                   count(distinct customer_id) as customers
            from orders where subscription_id is not null group by 1)
        select s.subscription_id, s.status, s.started_at, o.first_at, s.cancelled_at, o.last_at,
               s.ad_code is not distinct from o.first_code, s.customer_id = o.customer_id, o.customers,
               s.cancel_reason
        from subscriptions s left join o using (subscription_id)""",
        {"c": list(COUNTED)},
    ).fetchall()
    assert rows
    for sid, status, started, first_at, cancelled_at, last_at, same_code, same_cust, ncust, reason in rows:
        assert started == first_at, sid
        assert same_code and same_cust and ncust == 1, sid
        if status == "active":
            assert cancelled_at is None and reason is None, sid
        else:
            assert cancelled_at is not None and reason is not None and cancelled_at > last_at, sid
    assert {r[1] for r in rows} == set(contract.SUBSCRIPTION_STATUSES)
    # a contract's deliveries come roughly every 30 days
    gaps = con.execute("""
        select date_diff('day', lag(ordered_at) over (partition by subscription_id order by subscription_seq), ordered_at) g
        from orders where subscription_id is not null qualify g is not null""").fetchall()
    assert gaps and all(5 <= g <= 34 for (g,) in gaps)


# ------------------------------------------------------------------ shape of the shop
def test_trial_orders_hold_no_main_product(con):
    assert (
        scalar(
            con,
            """
        select count(*) from (
            select order_id, bool_or(p.product_role = 'trial') t, bool_or(p.product_role = 'main') m
            from order_items i join products p using (product_id) group by 1)
        where t and m""",
        )
        == 0
    )


def test_the_shop_has_something_to_show(con):
    roles = dict(con.execute("select product_role, count(*) from products group by 1").fetchall())
    assert roles["trial"] >= 2 and roles["main"] >= 4 and roles["gift"] == 1
    assert scalar(con, "select count(*) from products where excluded") == 1
    assert (
        scalar(
            con, "select count(*) from products where product_role = 'trial' and list_price not between 500 and 1980"
        )
        == 0
    )
    assert (
        scalar(con, "select count(*) from products where is_subscription and list_price not between 3000 and 6000") == 0
    )
    statuses = {r[0] for r in con.execute("select distinct status from orders").fetchall()}
    assert {"delivered", "cancelled"} <= statuses
    assert scalar(con, "select count(*) from orders where ordered_at > timestamp '2026-10-31 23:59:59'") == 0
    # two-step codes land customers on trials, and some of them upgrade
    trials = scalar(
        con,
        """select count(*) from orders o join order_items i using (order_id)
                            join products p using (product_id) where p.product_role = 'trial'""",
    )
    assert trials > 0
    assert scalar(con, "select count(*) from ad_spend where cost = 0") > 0
    assert (
        scalar(
            con,
            """select count(*) from ad_traffic t join ad_media m using (ad_code)
                          where m.media_type not in ('web', 'affiliate')""",
        )
        == 0
    )
    assert scalar(con, "select count(*) from ad_traffic where clicks < visits") == 0
    assert scalar(con, "select count(*) from orders where ad_code is null") > 0


def test_default_size_is_fast_and_small(tmp_path):
    t0 = time.perf_counter()
    counts = write(tmp_path, customers=3000, seed=7)
    assert time.perf_counter() - t0 < 5
    assert counts["customers"] == 3000
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) < 3_000_000


def test_importable_without_streamlit():
    code = "import sys, workbench.sample; assert 'streamlit' not in sys.modules"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_frames_load_as_pandas_types():
    orders = generate(N, seed=SEED)["orders"]
    assert str(orders["ordered_at"].dtype) == "datetime64[us]"
    assert orders["subscription_seq"].dtype == pd.Int64Dtype()


def test_a_database_file_gives_the_same_numbers_and_goes_with_the_dataset(sample_dir, sample_ds, tmp_path):
    """Large datasets go to a database file (load_folder storage): the same queries, the same results,
    and the file is removed when the dataset is closed."""
    from workbench.dataset import load_folder, storage_for
    from workbench.settings import Settings

    on_disk = load_folder(sample_dir, storage="file", temp_directory=str(tmp_path))
    assert on_disk.database != ":memory:" and Path(on_disk.database).is_file()
    for name in ("sales_summary", "new_repeat_mix", "cohort_ltv", "ad_media_summary", "customer_abc"):
        a, b = on_disk.run(name, {}, Settings()), sample_ds.run(name, {}, Settings())
        pd.testing.assert_frame_equal(a, b, check_exact=False)
    on_disk.close()
    assert not list(tmp_path.glob("workbench_*"))
    assert storage_for(1_000, "1GB") == "memory" and storage_for(100_000_000, "14GB") == "file"
