"""Dashboard queries: windows around month/year boundaries, the five order kinds, excluded products."""

import datetime as dt

import pandas as pd
import pytest

from tests.conftest import ROOT
from workbench import dataset, testdata
from workbench.settings import Settings

ITEM_COLS = ["order_id", "product_id", "quantity", "unit_price", "line_amount"]
PRODUCT_COLS = ["product_id", "product_name", "excluded"]
PRODUCTS = [("P1", "青汁", False), ("P2", "セラム", False), ("P3", "黒酢", False), ("P9", "社販", True)]


def windows_ds():
    # B: 2024-01-31 and 2024-02-29 (leap day); C: 2024-02-28; A: 2024-03-01 (+ a cancelled order);
    # D: 2023-02-01 and 2023-03-01; E: 2024-02-10, an order of the excluded product P9.
    rows = [
        ("b0", "B", "2024-01-31 10:00", 500, "delivered"),
        ("x2", "B", "2024-02-29 10:00", 2000, "delivered"),
        ("x3", "C", "2024-02-28 10:00", 3000, "shipped"),
        ("x1", "A", "2024-03-01 09:00", 1000, "delivered"),
        ("xc", "A", "2024-03-01 10:00", 9000, "cancelled"),
        ("y2", "D", "2023-02-01 10:00", 300, "delivered"),
        ("y1", "D", "2023-03-01 10:00", 700, "delivered"),
        ("e1", "E", "2024-02-10 10:00", 1000, "delivered"),
    ]
    items = [("e1", "P9", 1, 1000, 1000), ("x2", "P1", 1, 2000, 2000)]
    return dataset.load_frames(
        {
            "orders": testdata.orders(rows),
            "order_items": testdata.frame("order_items", items, ITEM_COLS),
            "products": testdata.frame("products", PRODUCTS, PRODUCT_COLS),
        }
    )


@pytest.fixture(scope="module")
def wds():
    return windows_ds()


def summary(ds, as_of):
    df = ds.run("sales_summary", {}, Settings(as_of=dt.date.fromisoformat(as_of)))
    return {r["window"]: r for r in df.to_dict("records")}


def d(text):
    return pd.Timestamp(text)


def spans(rows):
    return {w: (r["start_date"], r["end_date"], r["compare_start"], r["compare_end"]) for w, r in rows.items()}


def test_windows_on_the_first_of_a_month_in_a_leap_year(wds):
    s = summary(wds, "2024-03-01")
    assert list(s) == ["today", "yesterday", "this_month", "last_month", "year_ago", "last_365_days"]
    assert spans(s) == {
        "last_365_days": (d("2023-03-03"), d("2024-03-01"), d("2022-03-03"), d("2023-03-02")),
        "today": (d("2024-03-01"), d("2024-03-01"), d("2024-02-29"), d("2024-02-29")),
        "yesterday": (d("2024-02-29"), d("2024-02-29"), d("2024-02-28"), d("2024-02-28")),
        "this_month": (d("2024-03-01"), d("2024-03-01"), d("2024-02-01"), d("2024-02-01")),
        "last_month": (d("2024-02-01"), d("2024-02-29"), d("2024-01-01"), d("2024-01-31")),
        "year_ago": (d("2023-03-01"), d("2023-03-01"), d("2023-02-01"), d("2023-02-01")),
    }


def test_values_and_changes_by_hand(wds):
    s = summary(wds, "2024-03-01")
    # today: A's first order (the cancelled one does not count) vs yesterday's B repeat ¥2,000
    t = s["today"]
    assert (t["orders"], t["buyers"], t["sales"], t["aov"], t["new_customers"], t["repeat_customers"]) == (
        1,
        1,
        1000,
        1000,
        1,
        0,
    )
    assert (
        t["orders_change"],
        t["sales_change"],
        t["sales_change_pct"],
        t["new_customers_change"],
        t["repeat_customers_change"],
    ) == (0, -1000, -50.0, 1, -1)
    # yesterday (leap day, B) vs 2024-02-28 (C new ¥3,000): -1000 / 3000 = -33.3%
    y = s["yesterday"]
    assert (y["sales"], y["new_customers"], y["repeat_customers"], y["sales_change_pct"]) == (2000, 0, 1, -33.3)
    # this month = 1 day; last month over the same days = Feb 1 alone: nothing, so no % change
    m = s["this_month"]
    assert (m["orders"], m["orders_change"], m["sales_change"]) == (1, 1, 1000)
    assert pd.isna(m["sales_change_pct"])
    # February: B ¥2,000 (repeat), C ¥3,000 (new), E ¥1,000 (excluded product: in sales, not in new/repeat)
    # against January: B ¥500 (new). aov 6000/3 = 2000 vs 500.
    lm = s["last_month"]
    assert (
        lm["orders"],
        lm["buyers"],
        lm["sales"],
        lm["aov"],
        lm["new_customers"],
        lm["repeat_customers"],
        lm["excluded_orders"],
    ) == (3, 3, 6000, 2000, 1, 1, 1)
    assert (
        lm["orders_change"],
        lm["sales_change"],
        lm["sales_change_pct"],
        lm["aov_change"],
        lm["new_customers_change"],
        lm["repeat_customers_change"],
    ) == (2, 5500, 1100.0, 1500, 0, 1)
    # a year ago: D's 2nd order (repeat) vs D's first in Feb 2023 (new)
    # 365 days 2023-03-03..2024-03-01: b0, e1, x3, x2, x1 (¥7,500; e1 excluded) against y1, y2 (¥1,000)
    yr = s["last_365_days"]
    assert (
        yr["orders"],
        yr["sales"],
        yr["new_customers"],
        yr["repeat_customers"],
        yr["excluded_orders"],
        yr["sales_change"],
    ) == (5, 7500, 3, 0, 1, 6500)
    ya = s["year_ago"]
    assert (ya["orders"], ya["sales"], ya["new_customers"], ya["repeat_customers"], ya["sales_change"]) == (
        1,
        700,
        0,
        1,
        400,
    )


def test_windows_on_january_first(wds):
    s = summary(wds, "2025-01-01")
    assert spans(s) == {
        "today": (d("2025-01-01"), d("2025-01-01"), d("2024-12-31"), d("2024-12-31")),
        "yesterday": (d("2024-12-31"), d("2024-12-31"), d("2024-12-30"), d("2024-12-30")),
        "this_month": (d("2025-01-01"), d("2025-01-01"), d("2024-12-01"), d("2024-12-01")),
        "last_month": (d("2024-12-01"), d("2024-12-31"), d("2024-11-01"), d("2024-11-30")),
        "year_ago": (d("2024-01-01"), d("2024-01-01"), d("2023-12-01"), d("2023-12-01")),
        "last_365_days": (d("2024-01-03"), d("2025-01-01"), d("2023-01-03"), d("2024-01-02")),
    }
    # nothing sold in these windows: zeros, not missing rows
    assert all(r["orders"] == 0 and r["sales"] == 0 for w, r in s.items() if w != "last_365_days")


def test_windows_at_month_end_clamp_to_shorter_months(wds):
    s = summary(wds, "2024-03-31")
    assert spans(s)["this_month"] == (d("2024-03-01"), d("2024-03-31"), d("2024-02-01"), d("2024-02-29"))
    assert spans(s)["year_ago"] == (d("2023-03-01"), d("2023-03-31"), d("2023-02-01"), d("2023-02-28"))
    # this month: A ¥1,000 against all of February ¥6,000
    assert s["this_month"]["sales_change"] == -5000
    # the leap day itself: a year back clamps to Feb 28
    s = summary(wds, "2024-02-29")
    assert spans(s)["year_ago"] == (d("2023-02-01"), d("2023-02-28"), d("2023-01-01"), d("2023-01-28"))
    assert spans(s)["this_month"][2:] == (d("2024-01-01"), d("2024-01-29"))


def mix_ds():
    # May 2024, one customer-level order of every kind, by hand:
    #   p1 P normal 1st ................ 通常【新規】         ¥1,000
    #   p2 P normal 2nd ................ 通常【リピーター】   ¥2,000
    #   q1 Q S1 delivery 1, Q's 1st .... 定期(初回)【新規】   ¥3,000
    #   p3 P S2 delivery 1, P's 3rd .... 定期(初回)【リピーター】 ¥4,000
    #   q2 Q S1 delivery 2 ............. 定期(2回目以降)     ¥5,000
    #   r2 R S3 delivery 2, but r1 (delivery 1) was cancelled: S3's first counted delivery and
    #      R's first counted order ..... 定期(初回)【新規】   ¥6,000
    #   z1 Z normal: Z's only earlier order z0 (April) holds the excluded P9, so z1 is Z's
    #      first customer-level order .. 通常【新規】         ¥700
    #   n1 no customer ................. left out (customer-level)
    cols = [
        "order_id",
        "customer_id",
        "ordered_at",
        "total_amount",
        "status",
        "order_kind",
        "subscription_id",
        "subscription_seq",
    ]
    rows = [
        ("p1", "P", "2024-05-01 10:00", 1000, "delivered", "normal", None, None),
        ("p2", "P", "2024-05-02 10:00", 2000, "delivered", "normal", None, None),
        ("q1", "Q", "2024-05-03 10:00", 3000, "delivered", "subscription", "S1", 1),
        ("p3", "P", "2024-05-04 10:00", 4000, "shipped", "subscription", "S2", 1),
        ("q2", "Q", "2024-05-10 10:00", 5000, "delivered", "subscription", "S1", 2),
        ("r1", "R", "2024-05-11 10:00", 6000, "cancelled", "subscription", "S3", 1),
        ("r2", "R", "2024-05-20 10:00", 6000, "delivered", "subscription", "S3", 2),
        ("z0", "Z", "2024-04-01 10:00", 800, "delivered", "normal", None, None),
        ("z1", "Z", "2024-05-12 10:00", 700, "delivered", "normal", None, None),
        ("n1", None, "2024-05-13 10:00", 100, "delivered", "normal", None, None),
    ]
    items = [("z0", "P9", 1, 800, 800), ("z1", "P1", 1, 700, 700), ("p1", "P1", 1, 1000, 1000)]
    return dataset.load_frames(
        {
            "orders": testdata.orders(rows, cols),
            "order_items": testdata.frame("order_items", items, ITEM_COLS),
            "products": testdata.frame("products", PRODUCTS, PRODUCT_COLS),
        }
    )


@pytest.fixture(scope="module")
def mds():
    return mix_ds()


def test_five_order_kinds_by_hand(mds):
    df = mds.run("order_mix", {"grain": "month"})
    assert list(df.columns) == ["period", "order_type", "orders", "sales", "share"]
    # April holds only z0, an excluded-product order: no April period at all
    assert df["period"].unique().tolist() == [pd.Timestamp("2024-05-01")]
    got = {r["order_type"]: (r["orders"], r["sales"]) for r in df.to_dict("records")}
    assert got == {
        "normal_new": (2, 1700),
        "normal_repeat": (1, 2000),
        "sub_first_new": (2, 9000),
        "sub_first_repeat": (1, 4000),
        "sub_later": (1, 5000),
    }
    assert df["order_type"].tolist() == [
        "normal_new",
        "normal_repeat",
        "sub_first_new",
        "sub_first_repeat",
        "sub_later",
    ]
    assert df["share"].round(4).tolist() == [round(x * 100 / 7, 4) for x in (2, 1, 2, 1, 1)]
    assert df["share"].sum() == pytest.approx(100.0)


def test_order_mix_days_fill_missing_kinds_with_zero(mds):
    df = mds.run("order_mix", {"grain": "day", "start": "2024-05-10", "end": "2024-05-10"})
    assert df["orders"].tolist() == [0, 0, 0, 0, 1]  # q2 alone: 定期(2回目以降)
    assert df["share"].tolist() == [0, 0, 0, 0, 100]


def test_excluded_products_rule_in_one_place(mds):
    cur = mds.cursor(Settings(as_of=dt.date(2024, 5, 31)))
    fact = cur.execute(
        "select order_id, customer_level, purchase_ordinal from order_fact "
        "where order_id in ('z0', 'z1', 'n1') order by order_id"
    ).fetchall()
    # z0 (excluded product) and n1 (no customer) are not customer-level; z1 is Z's 1st purchase
    assert fact == [("n1", False, None), ("z0", False, None), ("z1", True, 1)]
    z = cur.execute("select orders, sales, first_ordered_at from customer_fact where customer_id = 'Z'").fetchone()
    assert z == (1, 700.0, dt.datetime(2024, 5, 12, 10, 0))
    # the new-vs-repeat mix follows the same rule: April has no customer-level buyer
    nr = mds.run("new_repeat_mix", {"grain": "month"})
    assert nr["period"].tolist() == [pd.Timestamp("2024-05-01")]
    assert nr.iloc[0]["new_customers"] == 4  # P, Q, R and Z all place their first customer-level order in May


def test_excluded_orders_stay_in_sales_totals(mds):
    s = summary(mds, "2024-05-31")
    lm = s["last_month"]  # April: z0 alone
    assert (lm["orders"], lm["sales"], lm["excluded_orders"], lm["new_customers"], lm["repeat_customers"]) == (
        1,
        800,
        1,
        0,
        0,
    )


def test_campaign_summary_by_code():
    rows = [
        ("o1", "A", "2024-03-01 10:00", 1000, "delivered", "trial001", None),
        ("o2", "B", "2024-03-01 11:00", 2000, "delivered", "trial001", "WELCOME500"),
        ("o3", "A", "2024-02-15 10:00", 500, "delivered", None, "WELCOME500"),
    ]
    ds = dataset.load_frames({"orders": testdata.orders(rows, testdata.ORDER_COLUMNS + ["ad_code", "coupon_code"])})
    df = ds.run("campaign_summary", {}, Settings(as_of=dt.date(2024, 3, 1)))
    got = {
        (r["window"], r["dimension"], r["code"]): (r["orders"], r["sales"], r["new_customers"])
        for r in df.to_dict("records")
    }
    # today: trial001 brought o1 (A's 2nd order) and o2 (B's 1st); WELCOME500 only o2
    assert got[("today", "ad_code", "trial001")] == (2, 3000, 1)
    assert got[("today", "coupon_code", "WELCOME500")] == (1, 2000, 1)
    # last month: o3, A's first order with the coupon
    assert got[("last_month", "coupon_code", "WELCOME500")] == (1, 500, 1)
    assert ("yesterday", "ad_code", "trial001") not in got


def test_product_ranking_with_movement():
    # February: P1 ¥5,000, P2 ¥3,000. March to the 10th: P2 ¥4,000, P3 ¥2,000, P1 ¥1,000.
    rows = [
        ("f1", "A", "2024-02-05 10:00", 8000, "delivered"),
        ("m1", "B", "2024-03-02 10:00", 6000, "delivered"),
        ("m2", "C", "2024-03-10 10:00", 1000, "delivered"),
        ("m3", "C", "2024-03-11 10:00", 9000, "delivered"),
    ]
    items = [
        ("f1", "P1", 1, 5000, 5000),
        ("f1", "P2", 1, 3000, 3000),
        ("m1", "P2", 2, 2000, 4000),
        ("m1", "P3", 1, 2000, 2000),
        ("m2", "P1", 1, 1000, 1000),
        ("m3", "P3", 1, 9000, 9000),
    ]
    ds = dataset.load_frames(
        {
            "orders": testdata.orders(rows),
            "order_items": testdata.frame("order_items", items, ITEM_COLS),
            "products": testdata.frame("products", PRODUCTS, PRODUCT_COLS),
        }
    )
    df = ds.run("product_ranking", {}, Settings(as_of=dt.date(2024, 3, 10)))  # m3 is after the as-of date
    got = [
        (r["rank"], r["product_id"], r["sales"], None if pd.isna(r["last_rank"]) else r["last_rank"], r["movement"])
        for r in df.to_dict("records")
    ]
    assert got == [(1, "P2", 4000, 2, "up"), (2, "P3", 2000, None, "new"), (3, "P1", 1000, 1, "down")]
    assert df["rank_change"].fillna(0).tolist() == [1, 0, -2]
    assert len(ds.run("product_ranking", {"top": 2}, Settings(as_of=dt.date(2024, 3, 10)))) == 2


def test_sales_summary_on_sample_agrees_with_new_repeat_mix(sample_ds):
    s = sample_ds.run("sales_summary")
    for window in ("last_month", "last_365_days"):
        w = s[s["window"] == window].iloc[0]
        nr = sample_ds.run(
            "new_repeat_mix", {"grain": "all", "start": w["start_date"].date(), "end": w["end_date"].date()}
        )
        assert (w["new_customers"], w["repeat_customers"]) == (
            nr.iloc[0]["new_customers"],
            nr.iloc[0]["repeat_customers"],
        )
        # sales_summary counts every order; new_repeat_mix only the customer-level ones
        assert w["orders"] >= nr.iloc[0]["orders"] and w["sales"] >= nr.iloc[0]["sales"]
    mix = sample_ds.run("order_mix", {"grain": "month"})
    assert (mix.groupby("period")["share"].sum().round(6) == 100).all()


# ---------------------------------------------------------------- AppTest of the page
def test_dashboard_is_the_default_page_with_tiles():
    from tests.test_app import open_app

    at = open_app("ja")
    assert not at.exception and not at.error
    assert at.title[0].value == "ダッシュボード"
    labels = [m.label for m in at.metric]
    assert labels.count("受注金額") == 5 and "再獲得" in labels  # one sales tile per window + the 365-day block
    # every tile carries a change (an arrow); the order-mix table lists the five kinds
    assert all(m.delta is not None for m in at.metric if m.label == "受注金額")
    mix = at.dataframe[-1].value
    assert set(mix["order_type"]) == {
        "通常【新規】",
        "通常【リピーター】",
        "定期(初回)【新規】",
        "定期(初回)【リピーター】",
        "定期(2回目以降)",
    }
    assert any("抽出対象除外商品" in c.value for c in at.caption)


def test_dashboard_alert_tiles_agree_with_their_queries():
    """The failing-codes count is all_pass = false of ad_winning_formula; movement lists real moves."""
    from tests.test_app import open_app
    from workbench.dataset import load_folder

    at = open_app("ja")
    sample_ds = load_folder(ROOT / "sample_data")  # the shop the app opens on
    formula = sample_ds.run("ad_winning_formula")
    failing = int((formula["all_pass"] == False).sum())  # noqa: E712 - nulls are not failures
    assert failing > 0
    assert [m.value for m in at.metric if m.label == "未達の広告コード数"] == [str(failing)]
    moves = sample_ds.run("segment_movement")
    moves = moves[moves["from_segment"] != moves["to_segment"]].sort_values("customers", ascending=False)
    top = moves.iloc[0]
    texts = [m.value for m in at.markdown]
    assert any(t.endswith(f": {top['customers']:,}") and "→" in t for t in texts), texts
    # the campaign block shows this month's codes, by ad code and by coupon code
    assert any(c.value == "キャンペーン別集計" for c in at.subheader)


def test_dashboard_grain_changes_the_order_mix():
    from tests.test_app import open_app

    at = open_app("en")
    months = at.dataframe[-1].value["period"].nunique()
    at.selectbox(key="dash_grain").set_value("year").run()
    assert not at.exception
    years = at.dataframe[-1].value
    assert years["period"].nunique() < months
    # the URL side of bind="query-params" lives in the browser: tests/e2e/test_browser.py checks it
    ranking = at.dataframe[0].value
    assert set(ranking["movement"]) <= {"↑", "↓", "→", "NEW"}


def test_tiles_of_other_pages_light_up_when_their_queries_exist(monkeypatch):
    """The churn-peak tile shows the peak of subscription_retention (sample: the 2nd delivery)."""
    from tests.test_app import open_app
    from workbench import runner
    from workbench.ui import state

    at = open_app("en")
    real_peak = [m for m in at.metric if m.label.endswith("delivery with the most churn")]
    assert real_peak and real_peak[0].value == "Delivery 2"

    real_get, real_run = runner.get_query, state.run
    fake = pd.DataFrame(
        {
            "product_id": ["P102", "P102", "P102"],
            "delivery_no": [1, 2, 3],
            "retained": [10, 5, 4],
            "pending": [1, 1, 1],
            "churned": [2, 4, 0],
        }
    )
    monkeypatch.setattr(
        runner, "get_query", lambda name, *a: None if name == "subscription_retention" else real_get(name, *a)
    )
    monkeypatch.setattr(
        state, "run", lambda name, params=None: fake if name == "subscription_retention" else real_run(name, params)
    )
    at.run()
    assert not at.exception
    peak = [m for m in at.metric if m.label.endswith("delivery with the most churn")]
    assert peak and peak[0].value == "Delivery 2"  # slide 15: 離脱 4 at the 2nd delivery


def test_first_delivery_ties_ranges_and_excluded_first_deliveries():
    """A contract's first delivery is its earliest counted order by (ordered_at, order_id), whether
    or not it is in the range or customer-level: T's two deliveries at the same moment (t1a first),
    U's first delivery in April (so May's is a later one), V's first delivery holds the excluded P9
    (not customer-level, but still the first: V's second is a later one)."""
    cols = ["order_id", "customer_id", "ordered_at", "total_amount", "status", "order_kind", "subscription_id"]
    rows = [
        ("t1b", "T", "2024-05-15 10:00", 3000, "delivered", "subscription", "S4"),
        ("t1a", "T", "2024-05-15 10:00", 3000, "delivered", "subscription", "S4"),
        ("u1", "U", "2024-04-20 10:00", 3000, "delivered", "subscription", "S5"),
        ("u2", "U", "2024-05-20 10:00", 3000, "delivered", "subscription", "S5"),
        ("v1", "V", "2024-05-01 10:00", 3000, "delivered", "subscription", "S6"),
        ("v2", "V", "2024-05-25 10:00", 3000, "delivered", "subscription", "S6"),
    ]
    items = [("v1", "P9", 1, 3000, 3000), ("t1a", "P1", 1, 3000, 3000)]
    ds = dataset.load_frames(
        {
            "orders": testdata.orders(rows, cols),
            "order_items": testdata.frame("order_items", items, ITEM_COLS),
            "products": testdata.frame("products", PRODUCTS, PRODUCT_COLS),
        }
    )
    may = ds.run("order_mix", {"grain": "month", "start": "2024-05-01"})
    got = {r["order_type"]: r["orders"] for r in may.to_dict("records")}
    # t1a: T's 1st order and S4's first delivery; t1b, u2 and v2: later deliveries (v1 is not customer-level)
    assert got == {"normal_new": 0, "normal_repeat": 0, "sub_first_new": 1, "sub_first_repeat": 0, "sub_later": 3}
    day = ds.run("order_mix", {"grain": "day", "start": "2024-05-15", "end": "2024-05-15"})
    assert day["orders"].tolist() == [0, 0, 1, 0, 1]
