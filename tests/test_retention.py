"""Subscription retention: slide 15, the identity, censoring, stops and Kaplan–Meier."""

import datetime as dt
import math

import pandas as pd
import pytest

from workbench import dataset, testdata
from workbench.settings import Settings

S = Settings(as_of=dt.date(2024, 12, 31))  # after every stop of the hand-made contracts


@pytest.fixture(scope="module")
def slide15():
    return dataset.load_frames(testdata.retention_slide15())


def waterfall(ds, settings=S, **params):
    df = ds.run("subscription_retention", params, settings)
    return {int(r.delivery_no): (r.retained, r.pending, r.churned) for r in df.itertuples()}


def test_slide_15_golden(slide15):
    w = waterfall(slide15, max_delivery=4)
    assert w[1] == (10, 1, 2)
    assert w[2] == (5, 1, 4)
    assert w[3] == (4, 1, 0)
    assert w[4] == (0, 2, 2)


def test_rates_and_average(slide15):
    df = slide15.run("subscription_retention", {"max_delivery": 4}, S)
    assert df.retention_rate.tolist() == [1.0, 0.5, 0.4, 0.0]
    assert df.churn_share.tolist() == pytest.approx([2 / 8, 4 / 8, 0, 2 / 8])
    s = slide15.run("subscription_summary", {}, S).iloc[0]
    # deliveries 0,0,0,1,1,1,1,1,2,3,3,3,3: Σ retained(n) = 19, retained(1) = 10
    assert s.avg_deliveries == pytest.approx(1.9)
    assert (s.contracts, s.active, s.paused, s.cancelled) == (13, 5, 0, 8)
    # churned by the 9th: all 8 cancelled; n=1..3 holds d=0..2 → 6, n=4..6 holds d=3 → 2
    assert (s.churned_by_9th, s.churn_1_3, s.churn_4_6, s.churn_7_9) == (8, 75.0, 25.0, 0.0)
    assert (s.benchmark_1_3, s.benchmark_4_6, s.benchmark_7_9) == (60, 20, 20)
    assert (s.peak_delivery, s.announce_delivery) == (2, 1)


def test_identity_on_the_sample(sample_ds):
    df = sample_ds.run("subscription_retention", {"max_delivery": 15})
    assert len(df) > 0
    total = sample_ds.run("subscription_summary").set_index("product_id")["contracts"]
    for pid, g in df.groupby("product_id"):
        g = g.sort_values("delivery_no")
        previous = [total[pid]] + g.retained.tolist()[:-1]  # retained(0) = all contracts
        assert (g.retained + g.pending + g.churned).tolist() == previous


def test_identity_on_random_contracts():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=20, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(0, 8), st.sampled_from(["active", "paused", "cancelled"])), min_size=1, max_size=30
        )
    )
    def check(spec):
        ds = dataset.load_frames(testdata.contracts(spec))
        w = waterfall(ds, max_delivery=9)
        prev = len(spec)
        for n in range(1, 10):
            r, p, c = w[n]
            assert prev == r + p + c
            prev = r
        assert sum(w[n][2] for n in w) == sum(1 for d, s in spec if s == "cancelled")

    check()


def test_active_contract_never_counts_as_churned():
    ds = dataset.load_frames(testdata.contracts([(2, "active"), (2, "paused")]))
    w = waterfall(ds, max_delivery=3)
    assert w[3] == (0, 2, 0)
    assert all(c == 0 for _, _, c in w.values())


def test_cancelled_order_is_not_a_delivery():
    frames = testdata.contracts([(3, "cancelled")])
    frames["orders"].loc[frames["orders"].order_id == "O000-3", "status"] = "cancelled"
    w = waterfall(dataset.load_frames(frames), max_delivery=3)
    assert w[3] == (0, 0, 1)  # two deliveries, then churned before the 3rd


def test_cancellation_after_the_as_of_date_has_not_happened():
    frames = testdata.contracts([(2, "cancelled")], cancelled_at="2024-06-15")
    ds = dataset.load_frames(frames)
    early = Settings(as_of=dt.date(2024, 5, 1))
    assert waterfall(ds, early, max_delivery=3)[3] == (0, 1, 0)  # still pending as of May
    assert waterfall(ds, max_delivery=3)[3] == (0, 0, 1)  # churned as of December
    assert ds.run("subscription_stops", {}, early).stopped.sum() == 0
    assert ds.run("subscription_stops", {}, S).stopped.sum() == 1


def test_contracts_derived_from_orders_when_no_subscriptions_table():
    frames = testdata.retention_slide15()
    orders = frames["orders"]
    # without the table only contracts with orders exist; mark the cancelled ones by a last cancelled order
    extra = testdata.orders(
        [("X1", "C004", "2024-02-01", 3000, "cancelled", "subscription", "S004", 2)],
        testdata.ORDER_COLUMNS + ["order_kind", "subscription_id", "subscription_seq"],
    )
    ds = dataset.load_frames({"orders": pd.concat([orders, extra], ignore_index=True)})
    s = ds.run("subscription_summary", {}, S).iloc[0]
    assert s.contracts == 10  # the three contracts without any order are unknown
    assert s.cancelled == 1  # S004's last order is cancelled


def test_kaplan_meier_by_hand():
    # A d=1 cancelled, B d=1 active, C d=2 cancelled, D d=3 active, E d=3 cancelled
    ds = dataset.load_frames(
        testdata.contracts([(1, "cancelled"), (1, "active"), (2, "cancelled"), (3, "active"), (3, "cancelled")])
    )
    km = ds.run("subscription_survival", {"max_delivery": 4}, S).set_index("delivery_no")
    assert km.at_risk.tolist() == [5, 4, 3, 1]
    assert km.churned.tolist() == [0, 1, 1, 1]
    assert km.censored.tolist() == [0, 1, 0, 1]
    assert km.survival.tolist() == pytest.approx([1.0, 0.75, 0.5, 0.0])
    # Greenwood: var(2) = .75² · 1/(4·3); var(3) = .5² · (1/12 + 1/(3·2))
    se2 = 0.75 * math.sqrt(1 / 12)
    se3 = 0.5 * math.sqrt(1 / 12 + 1 / 6)
    assert km.ci_low[2] == pytest.approx(0.75 - 1.96 * se2)
    assert km.ci_high[2] == 1.0  # clipped
    assert (km.ci_low[3], km.ci_high[3]) == pytest.approx((0.5 - 1.96 * se3, 0.5 + 1.96 * se3))
    # the raw waterfall understates: retained(3)/retained(1) = 2/5 while KM says 0.5
    raw = ds.run("subscription_retention", {"max_delivery": 4}, S).set_index("delivery_no")
    assert raw.retention_rate[3] == pytest.approx(0.4)


def test_stops_by_period_and_reason(slide15):
    total = slide15.run("subscription_stops", {"grain": "year"}, S)
    assert total.started.sum() == 13 and total.stopped.sum() == 8
    assert (total.net_change == total.started - total.stopped).all()
    by_reason = slide15.run("subscription_stops", {"grain": "year", "by": "cancel_reason"}, S)
    assert set(by_reason.group_value) == {"価格が高い"} and by_reason.stopped.sum() == 8
    assert by_reason.started.sum() == 0


def test_diet_products_get_the_diet_benchmark():
    frames = testdata.contracts([(1, "cancelled")], product_id="D1")
    frames["products"] = testdata.frame("products", [("D1", "スリムティー 30包")], ["product_id", "product_name"])
    s = dataset.load_frames(frames).run("subscription_summary", {}, S).iloc[0]
    assert s.is_diet and (s.benchmark_1_3, s.benchmark_4_6, s.benchmark_7_9) == (70, 15, 15)


def test_retention_page_shows_waterfall_hint_and_survival():
    from tests.test_app import open_page

    at = open_page("pages/views/20_retention.py", "ja")
    assert not at.exception and not at.error
    assert at.title[0].value == "定期継続分析(定期商品別集計)"
    waterfall = at.dataframe[0].value
    assert set(waterfall.product_id) == {at.selectbox(key="ret_product").value}
    hint = [s.value for s in at.success]
    assert any("節目特典" in h for h in hint), hint
    # switching the stops breakdown to cancel reasons shows the reasons
    at.radio(key="ret_by").set_value("cancel_reason").run()
    stops = [d.value for d in at.dataframe if "group_value" in d.value.columns][0]
    assert "価格が高い" in set(stops.group_value)


def test_retention_page_product_filter_all_products():
    from tests.test_app import open_page

    at = open_page("pages/views/20_retention.py", "en")
    at.selectbox(key="ret_product").set_value("").run()
    assert not at.exception
    assert at.dataframe[0].value.product_id.nunique() == 3
