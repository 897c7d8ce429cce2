"""Customers: classes, CPM, RFM, ABC, segment movement and extraction on hand-made boundary customers."""

import datetime as dt

import pandas as pd
import pytest

from workbench import dataset, export, testdata
from workbench.settings import Settings

AS_OF = dt.date(2025, 12, 31)
S = Settings(as_of=AS_OF)

# (customer, purchases, tenure days, amount yen, recency days): the first order carries
# amount - 1,000 × (n - 1), the others 1,000 each; the 2nd order is the day after the first,
# the last one `recency` days before the as-of date.
CUSTOMERS = [
    ("N0", 1, 0, 2000, 3),  # new between the movement dates
    ("N1", 1, 0, 10000, 30),
    ("N2", 1, 0, 5000, 240),  # dormant / lapsed from 240 days
    ("N3", 1, 0, 3000, 239),  # still active at 239
    ("B1", 2, 50, 20000, 10),
    ("B2", 2, 300, 100000, 0),  # class ビギナー, but CPM 優良 (CPM ignores the count from 2 on)
    ("T89", 3, 89, 70000, 0),  # class 流行; CPM よちよち (tenure < 90)
    ("T90", 3, 90, 70000, 0),  # 流行 / 流行
    ("S90", 3, 90, 69999, 0),  # 継続 / コツコツ
    ("S89", 3, 89, 69999, 0),  # 継続 / よちよち
    ("T209", 3, 209, 70000, 0),  # 流行 / 流行
    ("L210", 3, 210, 70000, 0),  # 優良 / 優良
    ("S210", 3, 210, 69999, 0),  # 継続 / コツコツ
    ("L210d", 3, 210, 80000, 240),  # 優良(休眠) / 優良・離脱
]


def build_orders():
    rows = []
    for cid, n, tenure, amount, recency in CUSTOMERS:
        last = AS_OF - dt.timedelta(days=recency)
        first = last - dt.timedelta(days=tenure)
        days = [first] + [first + dt.timedelta(days=1)] * (n - 2) + ([last] if n > 1 else [])
        for k, d in enumerate(days):
            amt = amount - 1000 * (n - 1) if k == 0 else 1000
            rows.append((f"{cid}-{k}", cid, f"{d} 10:00", amt, "delivered"))
    # never counted: a cancelled order and one after the as-of date
    rows.append(("x1", "N1", "2025-12-20 10:00", 99999, "cancelled"))
    rows.append(("x2", "B1", "2026-01-05 10:00", 99999, "delivered"))
    return testdata.orders(rows)


@pytest.fixture(scope="module")
def ds():
    items = testdata.frame(
        "order_items",
        [("L210-0", "P1", 1, 68000), ("T90-0", "P2", 1, 68000), ("S90-0", "P2", 1, 67999)],
        ["order_id", "product_id", "quantity", "unit_price"],
    )
    customers = testdata.frame(
        "customers",
        [
            ("T90", "女性", "1970-07-01", "東京都", True),
            ("S90", "男性", "1980-03-15", "大阪府", True),
            ("L210", "女性", "1965-11-02", "北海道", True),
            ("B2", "女性", "1990-01-20", "福岡県", True),
            ("T209", "男性", "1975-03-30", "京都府", False),
        ],
        ["customer_id", "gender", "birth_date", "prefecture", "mail_optin"],
    )
    subs = testdata.frame(
        "subscriptions",
        [
            ("s1", "T90", "P2", "2025-01-01", "cancelled", "2025-06-01", "price"),
            ("s2", "S90", "P2", "2025-01-01", "active", None, None),
            ("s3", "L210", "P1", "2025-01-01", "paused", "2025-08-01", None),  # paused: not stopped
        ],
        ["subscription_id", "customer_id", "product_id", "started_at", "status", "cancelled_at", "cancel_reason"],
    )
    return dataset.load_frames(
        {"orders": build_orders(), "order_items": items, "customers": customers, "subscriptions": subs}
    )


def cells(df, key, value="customers"):
    return {tuple(r[k] for k in key): r[value] for _, r in df.iterrows()}


def test_classes_by_hand(ds):
    df = ds.run("customer_classes", settings=S)
    assert list(df.columns) == ["class", "dormant", "customers", "sales"]
    got = {k: v for k, v in cells(df, ("class", "dormant")).items() if v}
    assert got == {
        ("new", False): 3,
        ("new", True): 1,
        ("beginner", False): 2,
        ("trend", False): 3,
        ("steady", False): 3,
        ("loyal", False): 1,
        ("loyal", True): 1,
    }
    sales = cells(df, ("class", "dormant"), "sales")
    assert sales[("new", False)] == 15000  # N0 2,000 + N1 10,000 + N3 3,000
    assert sales[("steady", False)] == 3 * 69999  # S89, S90, S210
    assert sales[("trend", False)] == 3 * 70000  # T89, T90, T209
    assert sales[("loyal", True)] == 80000
    assert len(df) == 10 and df["customers"].sum() == len(CUSTOMERS)


def test_cpm_by_hand(ds):
    df = ds.run("customer_cpm", settings=S)
    assert list(df.columns) == ["group", "active", "customers", "sales"]
    got = {k: v for k, v in cells(df, ("group", "active")).items() if v}
    assert got == {
        ("first", True): 3,
        ("first", False): 1,  # N0 N1 N3 | N2
        ("toddler", True): 3,  # B1 T89 S89
        ("steady", True): 2,  # S90 S210
        ("trend", True): 2,  # T90 T209
        ("loyal", True): 2,
        ("loyal", False): 1,
    }  # L210 B2 | L210d
    sales = cells(df, ("group", "active"), "sales")
    assert sales[("toddler", True)] == 20000 + 70000 + 69999
    assert sales[("loyal", True)] == 170000
    assert df["customers"].sum() == len(CUSTOMERS)
    assert df["sales"].sum() == sum(c[3] for c in CUSTOMERS)


def test_thresholds_are_settings(ds):
    df = ds.run("customer_cpm", {"loyal_amount": 69999, "short_days": 89}, settings=S)
    got = cells(df, ("group", "active"))
    # S90/S210 now spend enough; T89 and S89 (tenure 89) are no longer よちよち
    assert got[("steady", True)] == 0 and got[("toddler", True)] == 1
    assert got[("trend", True)] == 5 and got[("loyal", True)] == 3
    df = ds.run("customer_classes", {"dormant_days": 239}, settings=S)
    assert cells(df, ("class", "dormant"))[("new", True)] == 2  # N3 at 239 days joins N2


def test_cpm_monthly_last_month_equals_cpm(ds):
    m = ds.run("customer_cpm_monthly", settings=S)
    last = m[m["month_end"] == pd.Timestamp(AS_OF)].drop(columns="month_end").reset_index(drop=True)
    pd.testing.assert_frame_equal(last, ds.run("customer_cpm", settings=S), check_dtype=False)
    # every month adds up to the customers who had bought by then
    nov = m[m["month_end"] == pd.Timestamp("2025-11-30")]
    bought = sum(1 for c in CUSTOMERS if AS_OF - dt.timedelta(days=c[4] + c[2]) <= dt.date(2025, 11, 30))
    assert nov["customers"].sum() == bought


def test_rfm_scores_and_totals(ds):
    seg = ds.run("customer_rfm", settings=S)
    assert list(seg["segment"]) == [
        "first_active",
        "first_at_risk",
        "repeat_active",
        "repeat_lapsing",
        "best",
        "dormant",
    ]
    assert seg["customers"].sum() == len(CUSTOMERS) and abs(seg["share"].sum() - 1) < 1e-9
    got = dict(zip(seg["segment"], seg["customers"]))
    # N0 (R5), N1 (30 days: R4) active; N3 (239 days: R2) at risk; N2, L210d dormant;
    # 3 purchases = F3, so no repeat buyer reaches 優良 (F≥4); B1 (10 days) and the rest are R5
    assert got == {
        "first_active": 2,
        "first_at_risk": 1,
        "repeat_active": 9,
        "repeat_lapsing": 0,
        "best": 0,
        "dormant": 2,
    }
    grid = ds.run("customer_rfm_grid", settings=S)
    assert len(grid) == 25 and grid["customers"].sum() == len(CUSTOMERS)
    g = cells(grid, ("r", "f"))
    assert (
        g[(5, 3)] == 7 and g[(5, 2)] == 2 and g[(4, 1)] == 1 and g[(2, 1)] == 2 and g[(2, 3)] == 1
    )  # N2+N3 at 239/240 days; L210d
    # with cut-offs 2, 2, 3, 10 three purchases score F4: the seven R5 three-purchase customers become 優良
    best = ds.run("customer_rfm", {"f_bins": ["2", "2", "3", "10"]}, settings=S)
    assert dict(zip(best["segment"], best["customers"]))["best"] == 7


def test_abc_by_hand(ds):
    df = ds.run("customer_abc", settings=S)
    # total 707,995; sorted: B2 100,000, L210d 80,000, L210/T209/T89/T90 70,000, S210/S89/S90 69,999, ...
    # A while the share before the customer is < 70%: 7 customers reach 540,000 (76.3%) → the 7th starts at 66.4%
    got = dict(zip(df["rank"], df["customers"]))
    assert got == {"A": 7, "B": 2, "C": 5}
    assert df["customers"].sum() == len(CUSTOMERS) and abs(df["share"].sum() - 1) < 1e-9
    curve = ds.run("customer_abc_curve", settings=S)
    assert curve["cumulative_share"].is_monotonic_increasing and curve["cumulative_share"].iloc[-1] == pytest.approx(1)
    assert curve["customer_id"].iloc[0] == "B2"
    # thinned for a chart: every 4th of the 14 plus the first, the last and each rank's last (A ends 7, B 9)
    thin = ds.run("customer_abc_curve", {"points": 4}, settings=S)
    assert thin["position"].tolist() == [1, 4, 7, 8, 9, 12, 14]
    assert (
        thin.set_index("position")["cumulative_share"].to_dict()
        == curve.set_index("position").loc[[1, 4, 7, 8, 9, 12, 14], "cumulative_share"].to_dict()
    )


def test_movement_by_hand(ds):
    df = ds.run("segment_movement", {"segmentation": "classes"}, settings=S)
    # 7 days earlier every 3-purchase customer had 2 purchases, B2 one (293 days old: dormant),
    # N2/L210d were 233 days away (not yet dormant), N0 had not bought
    assert cells(df, ("from_segment", "to_segment")) == {
        ("new", "new"): 2,
        ("new", "new_dormant"): 1,
        ("beginner", "beginner"): 1,
        ("new_dormant", "beginner"): 1,
        ("beginner", "trend"): 3,
        ("beginner", "steady"): 3,
        ("beginner", "loyal"): 1,
        ("loyal", "loyal_dormant"): 1,
        ("none", "new"): 1,
    }


@pytest.mark.parametrize("segmentation", ["classes", "cpm", "rfm"])
def test_movement_adds_up(ds, segmentation):
    df = ds.run("segment_movement", {"segmentation": segmentation}, settings=S)
    assert df["customers"].sum() == len(CUSTOMERS)
    to = df.groupby("to_segment")["customers"].sum()
    now = ds.run("extract_customers", {"segmentation": segmentation}, settings=S)["segment"].value_counts()
    assert to.sort_index().to_dict() == now.sort_index().to_dict()
    # an earlier to_date: only the customers who had bought by then
    early = ds.run(
        "segment_movement",
        {"segmentation": segmentation, "from_date": "2025-01-01", "to_date": "2025-06-30"},
        settings=S,
    )
    assert early["customers"].sum() == sum(
        1 for c in CUSTOMERS if AS_OF - dt.timedelta(days=c[4] + c[2]) <= dt.date(2025, 6, 30)
    )


def ids(df):
    return list(df["customer_id"])


def test_extraction_by_hand(ds):
    run = lambda p: ids(ds.run("extract_customers", p, settings=S))  # noqa: E731
    base = {"segments": ["steady_active", "trend_active", "loyal_active"], "min_orders": 3}
    # S90 S210 T90 T209 L210; mail opt-in: T90 S90 L210 (T209 declined); by sales, then id
    assert run({**base, "mail_optin": True}) == ["L210", "T90", "S90"]
    assert run({**base, "mail_optin": True, "birth_month": 3}) == ["S90"]
    assert run({**base, "bought": ["P1"]}) == ["L210"]
    assert run({**base, "mail_optin": True, "not_bought": ["P1"]}) == ["T90", "S90"]
    assert run({"stopped_only": True}) == ["T90"]
    assert run({"cancel_reasons": ["price"]}) == ["T90"] and run({"cancel_reasons": ["other"]}) == []
    assert run({"min_recency": 239, "max_recency": 240}) == ["L210d", "N2", "N3"]
    assert run({"segmentation": "classes", "move_from": "beginner", "move_to": "loyal"}) == ["L210"]
    assert run({"segmentation": "classes", "move_from": "none", "move_to": "new"}) == ["N0"]
    full = ds.run("extract_customers", {"segmentation": "classes", "segments": ["loyal"]}, settings=S)
    r = full.iloc[0]
    assert (r.customer_id, r.orders, r.sales, r.gender, r.prefecture) == ("L210", 3, 70000, "女性", "北海道")


def test_every_movement_cell_opens_its_customers(ds):
    mv = ds.run("segment_movement", {"segmentation": "cpm"}, settings=S)
    for _, r in mv.iterrows():
        got = ds.run(
            "extract_customers",
            {"segmentation": "cpm", "move_from": r.from_segment, "move_to": r.to_segment},
            settings=S,
        )
        assert len(got) == r.customers


def test_csv_export_has_bom_and_japanese():
    df = pd.DataFrame({"顧客ID": ["C1"], "都道府県": ["東京都"]})
    data = export.to_csv_excel(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "東京都" in data.decode("utf-8-sig")
    assert export.to_excel(df)[:2] == b"PK"


def test_sample_identities(sample_ds):
    n = len(sample_ds.run("extract_customers"))
    assert sample_ds.run("customer_classes")["customers"].sum() == n
    assert sample_ds.run("customer_cpm")["customers"].sum() == n
    assert sample_ds.run("customer_rfm")["customers"].sum() == n
    assert sample_ds.run("customer_abc")["customers"].sum() == n
    assert sample_ds.run("segment_movement")["customers"].sum() == n


def test_page_movement_drilldown_and_presets():
    from tests.test_app import open_page

    at = open_page("pages/views/50_customers.py", "ja")
    assert not at.exception and not at.error
    cell = at.selectbox(key="cust_mv_cell")
    first = cell.options[1]  # the first movement cell of the sample shop, "from → to: n"
    n = int(first.rsplit(":", 1)[1].replace(",", ""))
    at.selectbox(key="cust_mv_cell").select_index(1).run()
    assert not at.exception and not at.error
    # the list below the matrix has exactly the cell's number of customers (a page of them when long)
    from workbench.ui.components import MAX_SHOWN

    assert any(len(df.value) == min(n, MAX_SHOWN) for df in at.dataframe)
    # slide 28 preset: dormant for 365+ days, mail subscribers: every listed customer qualifies
    at.selectbox(key="cust_ex_preset").set_value("dormant365").run()
    assert not at.exception and not at.error
    found = at.dataframe[-1].value
    assert (found["recency_days"] >= 365).all() and found["mail_optin"].all()


def test_abc_by_items_and_profile(ds):
    # only L210, S90 and T90 have order lines (1 item each): each a third; the share before T90 is 66.7% < 70%
    df = ds.run("customer_abc", {"measure": "items"}, settings=S)
    assert dict(zip(df["rank"], df["customers"])) == {"A": 3, "B": 0, "C": 11}
    prof = ds.run("customer_profile", settings=S)
    by = {(r.dimension, r.band): r.customers for r in prof.itertuples()}
    assert by[("gender", "女性")] == 3 and by[("gender", "男性")] == 2
    # ages on 2025-12-31: T90 55, T209 50 (birthday passed), S90 45, B2 35, L210 60
    assert by[("age_band", "50s")] == 2 and by[("age_band", "40s")] == 1 and by[("age_band", "60s")] == 1
    assert "member_tier" not in set(prof["dimension"])  # no data → no rows → not shown
    assert prof[prof["dimension"] == "amount_band"]["customers"].sum() == len(CUSTOMERS)


def test_abc_by_gross_profit():
    # X: ¥10,000 of P (cost 9,000) = profit 1,000; Y: ¥5,000 of Q (cost 1,000) = profit 4,000
    d = dataset.load_frames(
        {
            "orders": testdata.orders(
                [
                    ("o1", "X", "2025-01-10 10:00", 10000, "delivered"),
                    ("o2", "Y", "2025-01-11 10:00", 5000, "delivered"),
                ]
            ),
            "order_items": testdata.frame(
                "order_items",
                [("o1", "P", 1, 10000), ("o2", "Q", 1, 5000)],
                ["order_id", "product_id", "quantity", "unit_price"],
            ),
            "products": testdata.frame("products", [("P", 9000), ("Q", 1000)], ["product_id", "unit_cost"]),
        }
    )
    by_sales = d.run("customer_abc", settings=S)
    assert dict(zip(by_sales["rank"], by_sales["customers"])) == {"A": 2, "B": 0, "C": 0}  # Y starts at 66.7%
    gp = d.run("customer_abc", {"measure": "gross_profit"}, settings=S)
    # Y holds 80% of the profit: X starts at 80% → B
    assert gp[["rank", "customers", "sales", "value"]].values.tolist() == [
        ["A", 1, 5000, 4000],
        ["B", 1, 10000, 1000],
        ["C", 0, 0, 0],
    ]


def test_excluded_product_orders_stay_out_of_snapshots():
    """An order holding an excluded product never makes a customer, in the snapshots too."""
    from workbench import dataset, testdata

    frames = {
        "orders": testdata.orders(
            [("o1", "X", "2024-03-01 10:00", 5000, "delivered"), ("o2", "Y", "2024-03-05 10:00", 3000, "delivered")]
        ),
        "order_items": testdata.frame(
            "order_items",
            [("o1", "PX", 1, 5000), ("o2", "P1", 1, 3000)],
            ["order_id", "product_id", "quantity", "unit_price"],
        ),
        "products": testdata.frame("products", [("PX", True), ("P1", False)], ["product_id", "excluded"]),
    }
    ds = dataset.load_frames(frames)
    assert ds.run("customer_classes")["customers"].sum() == 1
    moved = ds.run("segment_movement", {"segmentation": "classes", "from_date": "2024-02-01", "to_date": "2024-03-31"})
    assert moved["customers"].sum() == 1
    monthly = ds.run("customer_cpm_monthly")
    assert monthly.groupby("month_end")["customers"].sum().max() == 1
    assert set(ds.run("extract_customers")["customer_id"]) == {"Y"}


def tied_shop(seed: int) -> dict[str, pd.DataFrame]:
    """Customers whose values tie in long runs (amounts from a small set), some sold below cost
    (negative gross profit): the cases where ranking runs instead of customers could go wrong."""
    import random

    rnd = random.Random(seed)
    orders, items = [], []
    for c in range(300):
        for k in range(rnd.choice([1, 1, 2, 3])):
            oid = f"o{c:03d}{k}"
            amount = rnd.choice([1000, 2000, 2000, 3000])
            orders.append((oid, f"C{c:03d}", f"2024-0{k + 1}-{rnd.randint(10, 28)} 10:00", amount, "delivered"))
            items.append((oid, rnd.choice(["P1", "P1", "P2"]), rnd.choice([1, 2]), None, amount))
    return {
        "orders": testdata.orders(orders),
        "order_items": testdata.frame(
            "order_items", items, ["order_id", "product_id", "quantity", "unit_price", "line_amount"]
        ),
        "products": testdata.frame(
            "products", [("P1", 300, "main"), ("P2", 4000, "main")], ["product_id", "unit_cost", "product_role"]
        ),
    }


def plain_ranking(values: pd.DataFrame, cutoffs: list[float]) -> pd.DataFrame:
    """Customers sorted by value (desc), customer_id; A while the share before them is below the
    first cut-off, B below the second (the metric book's definition, one customer at a time)."""
    import numpy as np

    df = values.sort_values(["value", "customer_id"], ascending=[False, True]).reset_index(drop=True)
    total = df["value"].sum()
    before = df["value"].cumsum() - df["value"]
    share_before = before / total if total else before * 0
    df["position"] = np.arange(1, len(df) + 1)
    df["customer_share"] = df["position"] / len(df)
    df["cumulative_share"] = df["value"].cumsum() / total if total else 0.0
    df["rank"] = np.where(share_before < cutoffs[0], "A", np.where(share_before < cutoffs[1], "B", "C"))
    return df


@pytest.mark.parametrize("measure", ["sales", "gross_profit", "items"])
@pytest.mark.parametrize("cutoffs", [[0.7, 0.9], [0.5, 0.95], [0.31, 0.62]])
def test_abc_runs_match_ranking_customer_by_customer(measure, cutoffs):
    ds = dataset.load_frames(tied_shop(seed=len(measure) * 7 + int(cutoffs[0] * 100)))
    s = Settings()
    params = {"measure": measure, "cutoffs": cutoffs}
    full = ds.run("customer_abc_curve", params, s)
    sales = ds.cursor(s).execute("select customer_id, sales from customer_fact").df()
    want = plain_ranking(full[["customer_id", "value"]], cutoffs)
    assert full["value"].duplicated().sum() > len(full) / 2  # long runs of equal values
    assert full["customer_id"].tolist() == want["customer_id"].tolist()
    assert full["rank"].tolist() == want["rank"].tolist()
    assert full["cumulative_share"].tolist() == pytest.approx(want["cumulative_share"].tolist())
    assert full["customer_share"].tolist() == pytest.approx(want["customer_share"].tolist())
    # the rank totals
    abc = ds.run("customer_abc", params, s).set_index("rank")
    merged = want.merge(sales, on="customer_id")
    for rank in "ABC":
        part = merged[merged["rank"] == rank]
        assert abc.loc[rank, "customers"] == len(part)
        assert abc.loc[rank, "sales"] == pytest.approx(part["sales"].sum())
        assert abc.loc[rank, "value"] == pytest.approx(part["value"].sum())
    # a chart's points: the first, the last, every k-th and the last of each stretch of a rank
    for points in (5, 13, 40):
        thin = ds.run("customer_abc_curve", {**params, "points": points}, s)
        step = max(1, -(-len(want) // points))
        keep = (
            (want["position"] == 1)
            | (want["position"] == len(want))
            | (want["position"] % step == 0)
            | (want["rank"] != want["rank"].shift(-1))
        )
        expected = want[keep]
        assert thin["position"].tolist() == expected["position"].tolist(), points
        assert thin["customer_id"].tolist() == expected["customer_id"].tolist()
        assert thin["rank"].tolist() == expected["rank"].tolist()


def test_extraction_preview_is_the_head_of_the_list_with_its_length(sample_ds):
    """limit gives the list's first customers (highest sales first) and matched the whole list's
    length, with and without a filter on the profile and for a movement cell."""
    for params in (
        {},
        {"segmentation": "classes", "segments": ["steady", "steady_dormant"]},
        {"mail_optin": True, "min_orders": 2},
        {"min_recency": 90, "stopped_only": True},
        {"segmentation": "cpm", "move_from": "none", "move_to": "first_active"},
    ):
        whole = sample_ds.run("extract_customers", params, settings=S)
        assert (whole["matched"] == len(whole)).all()
        for limit in (1, 7, len(whole) + 5):
            head = sample_ds.run("extract_customers", {**params, "limit": limit}, settings=S)
            assert head["customer_id"].tolist() == whole["customer_id"].head(limit).tolist(), (params, limit)
            assert (head["matched"] == len(whole)).all()
        assert len(whole) > 1, params
