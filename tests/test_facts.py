"""order_fact's purchase history against a plain definition: a customer's customer-level orders
sorted by (ordered_at, order_id), one at a time (SPEC §4).

order_fact numbers orders of a customer at the same moment in the orders table's order and puts
them in order_id order afterwards (order_fact_ties); these shops are full of such ties, with
order ids in an order unrelated to the file's."""

import random

import pandas as pd
import pytest

from workbench import dataset, testdata
from workbench.settings import Settings


def plain_history(orders: pd.DataFrame, excluded_orders: set[str]) -> pd.DataFrame:
    o = orders[orders["customer_id"].notna() & ~orders["order_id"].isin(excluded_orders)].copy()
    o = o.sort_values(["customer_id", "ordered_at", "order_id"])
    g = o.groupby("customer_id", sort=False)
    o["purchase_ordinal"] = g.cumcount() + 1
    o["order_date"] = o["ordered_at"].dt.normalize()
    o["prev_order_date"] = g["order_date"].shift()
    o["next_order_date"] = g["order_date"].shift(-1)
    o["days_since_prev"] = (o["order_date"] - o["prev_order_date"]).dt.days
    o["cumulative_sales"] = g["total_amount"].cumsum()
    o["first_ordered_at"] = g["ordered_at"].transform("min")
    return o.set_index("order_id")


def tied_shop(seed: int, date_only: bool = False) -> tuple[dict[str, pd.DataFrame], set[str]]:
    rnd = random.Random(seed)
    moments = [
        f"2024-0{m}-1{d} {'00:00' if date_only else rnd.choice(['09:00', '09:00', '13:30'])}"
        for m in (1, 2, 3)
        for d in (0, 1)
    ]
    ids = [f"O{n:04d}" for n in range(400)]
    rnd.shuffle(ids)  # the file's order is not the order ids' order
    rows, items = [], []
    for n, oid in enumerate(ids):
        customer = None if n % 97 == 0 else f"C{rnd.randint(0, 40):02d}"
        rows.append((oid, customer, rnd.choice(moments), rnd.choice([1000, 1980.5, 3000]), "delivered"))
        items.append((oid, "PX" if n % 23 == 0 else "P1", 1, None, rows[-1][3]))
    excluded = {i[0] for i in items if i[1] == "PX"}
    frames = {
        "orders": testdata.orders(rows),
        "order_items": testdata.frame(
            "order_items", items, ["order_id", "product_id", "quantity", "unit_price", "line_amount"]
        ),
        "products": testdata.frame("products", [("P1", False), ("PX", True)], ["product_id", "excluded"]),
    }
    return frames, excluded


@pytest.mark.parametrize("seed,date_only", [(1, False), (2, False), (3, True), (4, True)])
def test_purchase_history_follows_ordered_at_then_order_id(seed, date_only):
    frames, excluded = tied_shop(seed, date_only)
    ds = dataset.load_frames(frames)
    fact = ds.cursor(Settings()).execute("select * from order_fact").df().set_index("order_id")
    want = plain_history(frames["orders"], excluded)
    assert fact["customer_level"].sum() == len(want)
    got = fact.loc[want.index]
    ties = want.duplicated(["customer_id", "ordered_at"], keep=False).sum()
    assert ties > 50  # plenty of orders of one customer at the same moment
    assert got["purchase_ordinal"].tolist() == want["purchase_ordinal"].tolist()
    for col in ("prev_order_date", "next_order_date"):
        assert pd.to_datetime(got[col]).tolist() == pd.to_datetime(want[col]).tolist(), col
    assert got["days_since_prev"].fillna(-1).tolist() == want["days_since_prev"].fillna(-1).tolist()
    assert got["cumulative_sales"].tolist() == pytest.approx(want["cumulative_sales"].tolist())
    assert got["first_ordered_at"].tolist() == want["first_ordered_at"].tolist()
    # not customer-level: no history at all
    others = fact[~fact["customer_level"]]
    assert others["purchase_ordinal"].isna().all() and others["cumulative_sales"].isna().all()
    # customer_fact reads each customer's last and first rows: the same numbers as a group-by
    cf = ds.cursor(Settings()).execute("select * from customer_fact").df().set_index("customer_id").sort_index()
    per = want.groupby("customer_id").agg(orders=("purchase_ordinal", "max"), sales=("total_amount", "sum"))
    assert cf["orders"].tolist() == per["orders"].tolist()
    assert cf["sales"].tolist() == pytest.approx(per["sales"].tolist())
