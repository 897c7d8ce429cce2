"""new_repeat_mix: the hand-worked golden case and the partition identities."""

import datetime as dt

import pandas as pd
import pytest

from workbench import dataset, testdata
from workbench.settings import Settings


@pytest.fixture(scope="module")
def golden():
    return dataset.load_frames(testdata.new_repeat_golden())


def row(df, period):
    return df[df["period"] == pd.Timestamp(period)].iloc[0].to_dict()


def test_columns_in_contract_order(golden):
    df = golden.run("new_repeat_mix")
    assert list(df.columns) == [
        "period",
        "buyers",
        "new_customers",
        "repeat_customers",
        "reacquired_customers",
        "repeat_2nd",
        "repeat_3_9",
        "repeat_10plus",
        "orders",
        "sales",
        "new_sales",
        "repeat_sales",
    ]


def test_january_2024_by_hand(golden):
    # A new (2 orders same day), B reacquired after 380 days, C 9th order, F 2nd order;
    # D's order is cancelled, E has no customer_id.
    jan = row(golden.run("new_repeat_mix", {"start": "2024-01-01"}), "2024-01-01")
    assert jan == {
        "period": pd.Timestamp("2024-01-01"),
        "buyers": 4,
        "new_customers": 1,
        "repeat_customers": 3,
        "reacquired_customers": 1,
        "repeat_2nd": 1,
        "repeat_3_9": 1,
        "repeat_10plus": 0,
        "orders": 6,
        "sales": 5600.0,
        "new_sales": 3000.0,
        "repeat_sales": 2600.0,
    }


def test_february_2024_by_hand(golden):
    # D's first counted order, A's 3rd, C's 10th
    feb = row(golden.run("new_repeat_mix"), "2024-02-01")
    assert feb == {
        "period": pd.Timestamp("2024-02-01"),
        "buyers": 3,
        "new_customers": 1,
        "repeat_customers": 2,
        "reacquired_customers": 0,
        "repeat_2nd": 0,
        "repeat_3_9": 1,
        "repeat_10plus": 1,
        "orders": 3,
        "sales": 1400.0,
        "new_sales": 800.0,
        "repeat_sales": 600.0,
    }


def test_whole_range_as_one_period(golden):
    df = golden.run("new_repeat_mix", {"grain": "all", "start": "2024-01-01"})
    assert len(df) == 1
    r = df.iloc[0]
    # A and D new; B reacquired; C reaches its 10th; F its 2nd
    assert (r.buyers, r.new_customers, r.reacquired_customers, r.repeat_2nd, r.repeat_3_9, r.repeat_10plus) == (
        5,
        2,
        1,
        1,
        0,
        1,
    )
    assert r.sales == 7000.0


def test_reacquire_threshold_is_a_parameter(golden):
    jan = row(golden.run("new_repeat_mix", {"start": "2024-01-01", "reacquire_days": 381}), "2024-01-01")
    # B's gap is 380 days: below 381 it is an ordinary 2nd purchase (B reaches its 3rd in January)
    assert jan["reacquired_customers"] == 0 and jan["repeat_3_9"] == 2


def test_weeks_start_on_monday(golden):
    df = golden.run("new_repeat_mix", {"grain": "week", "start": "2024-01-08", "end": "2024-01-14"})
    assert df["period"].tolist() == [pd.Timestamp("2024-01-08")]
    assert df.iloc[0]["buyers"] == 1  # only A (two orders on the 10th)
    assert df.iloc[0]["orders"] == 2


def test_as_of_hides_later_orders(golden):
    s = Settings(as_of=dt.date(2024, 1, 31))
    df = golden.run("new_repeat_mix", {"start": "2024-01-01"}, s)
    assert df["period"].tolist() == [pd.Timestamp("2024-01-01")]


def test_counted_statuses_setting(golden):
    s = Settings(counted_statuses=("awaiting_shipment", "preparing", "shipped", "delivered", "cancelled"))
    jan = row(golden.run("new_repeat_mix", {"start": "2024-01-01"}, s), "2024-01-01")
    assert jan["buyers"] == 5 and jan["new_customers"] == 2  # D's cancelled order now counts


@pytest.mark.parametrize("grain", ["day", "week", "month", "year"])
def test_partition_identities_on_sample(sample_ds, grain):
    df = sample_ds.run("new_repeat_mix", {"grain": grain})
    assert len(df) > 0
    assert (df.new_customers + df.repeat_customers == df.buyers).all()
    assert (df.reacquired_customers + df.repeat_2nd + df.repeat_3_9 + df.repeat_10plus == df.repeat_customers).all()
    assert ((df.new_sales + df.repeat_sales - df.sales).abs() < 1e-6).all()
    assert (
        df.orders.sum()
        == sample_ds.cursor(Settings()).execute("select count(*) from order_fact where customer_level").fetchone()[0]
    )


def test_identities_on_random_data():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    statuses = ["delivered", "shipped", "cancelled", "returned"]

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 900), st.integers(0, 5000), st.sampled_from(statuses)),
            min_size=1,
            max_size=40,
        )
    )
    def check(rows):
        base = dt.datetime(2023, 1, 1)
        data = [
            (f"o{i}", f"c{c}", (base + dt.timedelta(days=d, hours=i % 24)).isoformat(), amt, stt)
            for i, (c, d, amt, stt) in enumerate(rows)
        ]
        ds = dataset.load_frames({"orders": testdata.orders(data)})
        for grain in ("week", "month"):
            df = ds.run("new_repeat_mix", {"grain": grain})
            assert (df.new_customers + df.repeat_customers == df.buyers).all()
            assert (
                df.reacquired_customers + df.repeat_2nd + df.repeat_3_9 + df.repeat_10plus == df.repeat_customers
            ).all()
            # every customer is new exactly once, in the period of their first counted order
            counted = {c for (c, _, _, stt) in rows if stt in ("delivered", "shipped")}
            assert df.new_customers.sum() == len(counted)

    check()


def test_a_daily_chart_of_years_shows_its_latest_periods():
    """Two years by day are 730 periods: the chart keeps the latest MAX_PERIODS and says so (a
    long daily chart is unreadable and would pass Altair's row limit); the table keeps them all."""
    from tests.test_app import open_page
    from workbench.ui import charts

    at = open_page("pages/views/10_new_repeat.py", "en")
    at.selectbox(key="nr_grain").set_value("day").run()
    assert not at.exception and not at.error
    assert any(str(charts.MAX_PERIODS) in c.value for c in at.caption)
    assert max(len(d.value) for d in at.dataframe) > charts.MAX_PERIODS
