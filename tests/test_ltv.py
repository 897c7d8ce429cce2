"""LTV queries: hand-made cohorts, density, the slide 41-45 worked numbers, ROAS on an ad dimension,
incomplete cohorts, and the KPI scorecard."""

import datetime as dt

import pandas as pd
import pytest

from workbench import dataset, testdata
from workbench.settings import Settings

AS_OF = Settings(as_of=dt.date(2024, 3, 31))


@pytest.fixture(scope="module")
def cohorts():
    # A: first 2024-01-10 (1000), again 2024-01-20 (500, twice in one month), gap in Feb, 2024-03-05 (700)
    # B: first 2024-01-15 (2000), a cancelled order 2024-02-01 (900, not counted)
    # C: first 2024-02-10 (300)
    rows = [
        ("a1", "A", "2024-01-10 10:00", 1000, "delivered"),
        ("a2", "A", "2024-01-20 10:00", 500, "delivered"),
        ("a3", "A", "2024-03-05 10:00", 700, "delivered"),
        ("b1", "B", "2024-01-15 10:00", 2000, "delivered"),
        ("b2", "B", "2024-02-01 10:00", 900, "cancelled"),
        ("c1", "C", "2024-02-10 10:00", 300, "delivered"),
    ]
    return dataset.load_frames({"orders": testdata.orders(rows)})


def test_cohort_ltv_by_hand(cohorts):
    df = cohorts.run("cohort_ltv", {}, AS_OF)
    assert list(df.columns) == [
        "cohort",
        "months_since_first",
        "cohort_customers",
        "active_customers",
        "orders",
        "sales",
        "cumulative_sales_per_customer",
    ]
    got = [tuple(r) for r in df.itertuples(index=False)]
    assert got == [
        # 2024-01: A + B. m0: 3 orders, 3500 -> 1750/customer; m1: B's cancelled order only -> zeros;
        # m2: A's 700 -> (3500 + 700) / 2 = 2100
        ("2024-01", 0, 2, 2, 3, 3500.0, 1750.0),
        ("2024-01", 1, 2, 0, 0, 0.0, 1750.0),
        ("2024-01", 2, 2, 1, 1, 700.0, 2100.0),
        # 2024-02: C alone, dense up to the as-of month (March = month 1)
        ("2024-02", 0, 1, 1, 1, 300.0, 300.0),
        ("2024-02", 1, 1, 0, 0, 0.0, 300.0),
    ]


def test_cohort_ltv_density_and_horizon(cohorts):
    df = cohorts.run("cohort_ltv", {"horizon_months": 1}, AS_OF)
    assert df.groupby("cohort")["months_since_first"].apply(list).to_dict() == {"2024-01": [0, 1], "2024-02": [0, 1]}
    # with a later as-of date every cohort runs to the horizon with no holes
    later = cohorts.run("cohort_ltv", {"horizon_months": 6}, Settings(as_of=dt.date(2025, 1, 1)))
    for _, g in later.groupby("cohort"):
        assert list(g["months_since_first"]) == list(range(7))
        assert g["cumulative_sales_per_customer"].is_monotonic_increasing


def test_cohort_by_other_dimension_counts_months_per_customer(cohorts):
    # cohort_by first_channel: all three customers in one cohort "(none)"; months counted from each own first month
    df = cohorts.run("cohort_ltv", {"cohort_by": "first_channel"}, AS_OF)
    assert list(df["months_since_first"]) == [0, 1, 2]
    # m0: A 1500 + B 2000 + C 300 = 3800; m1: nothing (A's gap, B cancelled, C none) ; m2: A 700
    assert list(df["sales"]) == [3800.0, 0.0, 700.0]
    assert list(df["active_customers"]) == [3, 0, 1]
    assert df["cumulative_sales_per_customer"].round(4).tolist() == [round(3800 / 3, 4)] * 2 + [1500.0]


def test_slide_41_43_aov_and_annual_ltv():
    # 1,440 buyers, 2,475 orders, sales 8,302,860: each buyer one order, 1,035 buyers a second one;
    # 2,474 orders of 3,354 and one of 5,064 (2,474 x 3,354 = 8,297,796; + 5,064 = 8,302,860)
    rows = [(f"o{i}", f"c{i % 1440}", "2024-05-01 10:00", 3354, "delivered") for i in range(2474)]
    rows.append(("last", "c0", "2024-06-01 10:00", 5064, "delivered"))
    ds = dataset.load_frames({"orders": testdata.orders(rows)})
    r = ds.run("ltv_summary", {"start": "2024-01-01", "end": "2024-12-31"}).iloc[0]
    assert (r["orders"], r["buyers"], r["sales"]) == (2475, 1440, 8302860.0)
    assert r["aov"] == pytest.approx(8302860 / 2475)  # 3,354.69 (slide 41 prints 3,354.6, truncated)
    assert int(r["aov"] * 10) / 10 == 3354.6
    assert r["annual_ltv"] == pytest.approx(5765.875)  # slide 43: 5,765.8 (truncated)
    assert int(r["annual_ltv"] * 10) / 10 == 5765.8


@pytest.fixture(scope="module")
def slide44():
    # 1,000 customers acquired by ad code P (print) in Jan 2024, each two orders of 7,500 -> 1-year LTV 15,000;
    # 300 customers by code W (web) in Dec 2024 (young). Ad cost of P: 5,000,000 -> CPO 5,000.
    cols = ["order_id", "customer_id", "ordered_at", "total_amount", "status", "ad_code"]
    rows = []
    for i in range(1000):
        rows.append((f"p{i}a", f"P{i}", "2024-01-05 10:00", 7500, "delivered", "P"))
        rows.append((f"p{i}b", f"P{i}", "2024-06-05 10:00", 7500, "delivered", None))
    for i in range(300):
        rows.append((f"w{i}", f"W{i}", "2024-12-05 10:00", 4000, "delivered", "W"))
    return dataset.load_frames(
        {
            "orders": testdata.orders(rows, cols),
            "ad_media": testdata.frame(
                "ad_media", [("P", "Paper", "print"), ("W", "Web", "web")], ["ad_code", "media_name", "media_type"]
            ),
            "ad_spend": testdata.frame(
                "ad_spend",
                [("P", "2024-01-01", 3000000), ("P", "2024-01-02", 2000000), ("W", "2024-12-01", 600000)],
                ["ad_code", "spend_date", "cost"],
            ),
        }
    )


def test_slide_44_45_marginal_cpo_and_roas(slide44):
    s = Settings(as_of=dt.date(2025, 1, 31))
    # variable costs 9,700,000 over 1,000 customers = 9,700 per customer = 4,850 per order x 2 orders
    df = slide44.run("ltv_roas", {"cohort_by": "first_ad_code", "variable_cost_per_order": 4850}, s)
    p = df[df["cohort"] == "P"].iloc[0]
    assert p["complete"] and p["months_observed"] == 13
    assert p["ltv"] == 15000.0 and p["orders_per_customer"] == 2.0
    assert p["cost"] == 5000000.0 and p["cpo"] == 5000.0
    assert p["marginal_cpo"] == pytest.approx(5300.0)  # slide 44: 15,000 - 9,700,000 / 1,000
    assert p["roas"] == pytest.approx(300.0)  # slide 45: 15,000 / 5,000 x 100
    assert p["cpo_within_marginal"]
    assert p["break_even_cpo"] == pytest.approx(5300.0)  # target ROAS 100% -> break-even = 限界CPO


def test_incomplete_cohort_is_flagged_not_compared(slide44):
    s = Settings(as_of=dt.date(2025, 1, 31))
    w = slide44.run("ltv_roas", {"cohort_by": "first_ad_code"}, s).set_index("cohort").loc["W"]
    # W's customers are two months old: LTV to date 4,000 but no 12-month LTV, no ROAS, no verdict
    assert not w["complete"] and w["months_observed"] == 2
    assert w["ltv_to_date"] == 4000.0
    assert pd.isna(w["ltv"]) and pd.isna(w["roas"]) and pd.isna(w["cpo_within_marginal"])
    assert w["cpo"] == 2000.0


def test_roas_on_media_type_and_what_if(slide44):
    s = Settings(as_of=dt.date(2025, 1, 31))
    df = slide44.run("ltv_roas", {"cohort_by": "first_media_type", "target_roas": 200}, s).set_index("cohort")
    assert df.loc["print", "cost"] == 5000000.0 and df.loc["web", "cost"] == 600000.0
    assert df.loc["print", "roas"] == pytest.approx(300.0)
    # break-even CPO for a 200% ROAS target: 15,000 x 100 / 200 = 7,500
    assert df.loc["print", "break_even_cpo"] == pytest.approx(7500.0)
    # no cost on a non-ad dimension
    by_month = slide44.run("ltv_roas", {"cohort_by": "first_month"}, s)
    assert by_month["cost"].isna().all() and by_month["roas"].isna().all()


def test_cohort_ltv_by_ad_code_matches_ltv_roas(slide44):
    s = Settings(as_of=dt.date(2025, 1, 31))
    c = slide44.run("cohort_ltv", {"cohort_by": "first_ad_code"}, s)
    p = c[(c["cohort"] == "P") & (c["months_since_first"] == 11)].iloc[0]
    assert p["cumulative_sales_per_customer"] == 15000.0 and p["cohort_customers"] == 1000


def test_kpi_scorecard_names_missing_tables(cohorts):
    df = cohorts.run("kpi_scorecard", {}, AS_OF)
    assert list(df["kpi"]) == ["annual_ltv", "avg_deliveries", "existing_aov", "upgrade_rate"]
    assert df.set_index("kpi")["needs"].to_dict() == {
        "annual_ltv": "products, order_items",
        "avg_deliveries": "subscriptions",
        "existing_aov": "products",
        "upgrade_rate": "products, order_items",
    }
    # annual LTV is known without products: (1500 + 700 + 2000 + 300) / 3 buyers = 1,500
    assert df.set_index("kpi").loc["annual_ltv", "value"] == 1500.0


def test_kpi_scorecard_by_hand():
    # T: trial (T1, list 1,000) then main (M1, list 4,000) -> upgraded; U: trial only; V: main only.
    # subscription S1 of V: 3 counted deliveries; S2 of T: 1 delivery + a cancelled one.
    products = testdata.frame(
        "products", [("T1", "trial", 1000), ("M1", "main", 4000)], ["product_id", "product_role", "list_price"]
    )
    cols = ["order_id", "customer_id", "ordered_at", "total_amount", "status", "order_kind", "subscription_id"]
    orders = testdata.orders(
        [
            ("t1", "T", "2024-01-01 10:00", 1000, "delivered", "normal", None),
            ("t2", "T", "2024-01-10 10:00", 4000, "delivered", "subscription", "S2"),
            ("t3", "T", "2024-02-10 10:00", 4000, "cancelled", "subscription", "S2"),
            ("u1", "U", "2024-01-02 10:00", 1000, "delivered", "normal", None),
            ("v1", "V", "2024-01-03 10:00", 4000, "delivered", "subscription", "S1"),
            ("v2", "V", "2024-02-03 10:00", 4000, "delivered", "subscription", "S1"),
            ("v3", "V", "2024-03-03 10:00", 4000, "delivered", "subscription", "S1"),
        ],
        cols,
    )
    items = testdata.frame(
        "order_items",
        [("t1", "T1"), ("t2", "M1"), ("t3", "M1"), ("u1", "T1"), ("v1", "M1"), ("v2", "M1"), ("v3", "M1")],
        ["order_id", "product_id"],
    )
    ds = dataset.load_frames({"orders": orders, "order_items": items, "products": products})
    df = ds.run("kpi_scorecard", {}, AS_OF).set_index("kpi")
    assert df["needs"].isna().all()
    # annual LTV: 18,000 / 3 = 6,000; main AOV 4,000 (4 main orders) -> bar 12,000, fail
    assert df.loc["annual_ltv", "value"] == 6000.0 and df.loc["annual_ltv", "bar"] == 12000.0
    assert not df.loc["annual_ltv", "passed"]
    # 平均定期継続回数: (3 + 1) / 2 contracts = 2.0 against 5
    assert df.loc["avg_deliveries", "value"] == 2.0 and not df.loc["avg_deliveries", "passed"]
    # existing-customer AOV: orders t2, v2, v3 = 4,000 against 2.0 x 1,000 = 2,000 -> pass
    assert df.loc["existing_aov", "value"] == 4000.0 and df.loc["existing_aov", "bar"] == 2000.0
    assert df.loc["existing_aov", "passed"]
    # 引上率: 1 upgrade (T) of 2 trial customers (T, U) = 50% >= 35%
    assert df.loc["upgrade_rate", "value"] == 50.0 and df.loc["upgrade_rate", "passed"]


def test_scorecard_reuses_the_retention_and_ad_definitions(sample_dir):
    """平均定期継続回数 and 引上率 on the scorecard equal what the retention and ad pages show."""
    import datetime as dt

    from workbench import dataset, testdata
    from workbench.settings import Settings

    one_product = dataset.load_frames(testdata.retention_slide15())
    s = Settings(as_of=dt.date(2024, 12, 31))
    card = one_product.run("kpi_scorecard", {}, s).set_index("kpi")["value"]
    assert card["avg_deliveries"] == pytest.approx(one_product.run("subscription_summary", {}, s).avg_deliveries[0])
    assert card["avg_deliveries"] == pytest.approx(1.9)  # slide 15's contracts: 19 deliveries ÷ 10
    # the ad summary covers coded orders only; give organic orders a code so both see every trial
    frames = {t: pd.read_parquet(sample_dir / f"{t}.parquet") for t in ("orders", "order_items", "products")}
    frames["orders"]["ad_code"] = frames["orders"]["ad_code"].fillna("organic")
    shop = dataset.load_frames(frames)
    card = shop.run("kpi_scorecard").set_index("kpi")["value"]
    ads = shop.run("ad_media_summary")
    assert ads.trial_customers.sum() > 100
    assert card["upgrade_rate"] == pytest.approx(100 * ads.upgrades.sum() / ads.trial_customers.sum())


def test_cohort_sales_leave_out_orders_with_excluded_products():
    """Cohort LTV and 限界CPO/ROAS are customer-level (seed 000: retention and acquisition figures
    leave out 抽出対象除外 purchases): A's a2 holds the excluded product PX, so January's cohort
    has A's a1 1,000 and B's b1 2,000, and A is active in March only through a3."""
    rows = [
        ("a1", "A", "2024-01-10 10:00", 1000, "delivered"),
        ("a2", "A", "2024-02-20 10:00", 9000, "delivered"),
        ("a3", "A", "2024-03-05 10:00", 700, "delivered"),
        ("b1", "B", "2024-01-15 10:00", 2000, "delivered"),
    ]
    frames = {
        "orders": testdata.orders(rows),
        "order_items": testdata.frame(
            "order_items",
            [("a2", "PX", 1, 9000, 9000), ("a1", "P1", 1, 1000, 1000)],
            ["order_id", "product_id", "quantity", "unit_price", "line_amount"],
        ),
        "products": testdata.frame("products", [("PX", True), ("P1", False)], ["product_id", "excluded"]),
    }
    ds = dataset.load_frames(frames)
    c = ds.run("cohort_ltv", {}, AS_OF).set_index("months_since_first")
    assert c["sales"].tolist() == [3000, 0, 700]
    assert c["active_customers"].tolist() == [2, 0, 1]
    assert c["cumulative_sales_per_customer"].tolist() == [1500, 1500, 1850]
    r = ds.run("ltv_roas", {"ltv_months": 3}, AS_OF).iloc[0]
    assert (r["cohort_customers"], r["ltv_to_date"], r["orders_per_customer"]) == (2, 1850, 1.5)


def test_annual_ltv_buyers_with_excluded_products_in_summary_and_scorecard():
    """年間平均LTV = sales ÷ buyers, written in ltv_summary and in kpi_scorecard: the buyers are every
    customer with a counted order in the period, excluded products included. In February A's only
    order (a2) and E's only order (e1) hold the excluded product PX; both are buyers there."""
    rows = [
        ("a1", "A", "2024-01-10 10:00", 1000, "delivered"),
        ("a2", "A", "2024-02-20 10:00", 9000, "delivered"),
        ("a3", "A", "2024-03-05 10:00", 700, "delivered"),
        ("b1", "B", "2024-01-15 10:00", 2000, "delivered"),
        ("e1", "E", "2024-02-05 10:00", 500, "delivered"),
    ]
    frames = {
        "orders": testdata.orders(rows),
        "order_items": testdata.frame(
            "order_items",
            [
                ("a1", "P1", 1, 1000, 1000),
                ("a2", "PX", 1, 9000, 9000),
                ("a3", "P1", 1, 700, 700),
                ("b1", "P1", 1, 2000, 2000),
                ("e1", "PX", 1, 500, 500),
            ],
            ["order_id", "product_id", "quantity", "unit_price", "line_amount"],
        ),
        "products": testdata.frame("products", [("PX", True), ("P1", False)], ["product_id", "excluded"]),
    }
    ds = dataset.load_frames(frames)
    expected = {  # (start, end): (orders, buyers, sales), worked out from the rows above
        (None, None): (5, 3, 13200),
        ("2024-01-01", "2024-03-31"): (5, 3, 13200),
        ("2024-02-01", "2024-02-29"): (2, 2, 9500),
        ("2024-02-10", "2024-03-31"): (2, 1, 9700),
        ("2024-03-01", "2024-03-31"): (1, 1, 700),
    }
    for (start, end), (orders, buyers, sales) in expected.items():
        params = {"start": start, "end": end}
        r = ds.run("ltv_summary", params, AS_OF).iloc[0]
        assert (r["orders"], r["buyers"], r["sales"]) == (orders, buyers, sales), params
        assert r["annual_ltv"] == pytest.approx(sales / buyers)
        card = ds.run("kpi_scorecard", params, AS_OF).set_index("kpi")
        assert card.loc["annual_ltv", "value"] == pytest.approx(sales / buyers), params


def test_annual_ltv_is_the_same_in_summary_and_scorecard(sample_ds):
    """The two files that compute 年間平均LTV agree on the sample shop over several periods."""
    as_of = sample_ds.default_as_of
    for start, end in [
        (None, None),
        (as_of - dt.timedelta(days=364), as_of),
        (as_of - dt.timedelta(days=200), as_of - dt.timedelta(days=20)),
        (None, as_of - dt.timedelta(days=300)),
    ]:
        params = {"start": start, "end": end}
        summary = sample_ds.run("ltv_summary", params).iloc[0]
        card = sample_ds.run("kpi_scorecard", params).set_index("kpi")
        assert card.loc["annual_ltv", "value"] == pytest.approx(summary["annual_ltv"]), params
