"""ダッシュボード: the morning view of seed 000 and the order-mix report of slide 11 (issue 12)."""

import datetime as dt

import pandas as pd
import streamlit as st

from workbench import fmt, runner
from workbench.errors import QueryError
from workbench.ui import charts
from workbench.ui.components import empty, error, reproduce, seg_label, table, url_segmented, url_select
from workbench.ui.navigation import PAGES_DIR
from workbench.ui.state import current_dataset, lang, run, settings, tr

s = settings()
ds, _ = current_dataset()
as_of = ds.as_of(s)
WINDOWS = ("today", "yesterday", "this_month", "last_month", "year_ago")
KINDS = ("normal_new", "normal_repeat", "sub_first_new", "sub_first_repeat", "sub_later")


def link(page: str, label: str, **params) -> None:
    """A link to another page with its filters in the URL (skipped while that page does not exist)."""
    files = sorted(PAGES_DIR.glob(f"[0-9][0-9]_{page}.py"))
    if files:
        qp = {"lang": lang(), **{k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in params.items()}}
        st.page_link(str(files[0]), label=label, icon="➡️", query_params=qp)


def optional(name: str, params: dict | None = None):
    """Run a query of another page only when it exists (None otherwise, and on failure)."""
    try:
        runner.get_query(name)
    except QueryError:
        return None
    try:
        return run(name, params or {})
    except Exception:  # noqa: BLE001 - an optional tile never breaks the dashboard
        return None


st.title(tr("dashboard.title"))
st.caption(tr("dashboard.caption", as_of=as_of))

try:
    summary = run("sales_summary")
    last = run("new_repeat_mix", {"grain": "all", "start": as_of - dt.timedelta(days=364), "end": as_of})
    prev = run(
        "new_repeat_mix",
        {"grain": "all", "start": as_of - dt.timedelta(days=729), "end": as_of - dt.timedelta(days=365)},
    )
    ranking = run("product_ranking")
except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
    error(exc)
    st.stop()

# ---------------------------------------------------------------- KPI tiles
st.subheader(tr("dashboard.kpi"))
rows = {r["window"]: r for r in summary.to_dict("records")}
# days in one row, months in the next: three tiles a row keep ¥1,234,567 readable
cols = st.columns(3) + st.columns(3)
for col, w in zip(cols[:2] + cols[3:], WINDOWS):
    r = rows[w]
    with col.container(border=True):
        st.markdown(f"**{tr(f'dashboard.window.{w}')}**")
        span = (
            r["start_date"].date()
            if r["start_date"] == r["end_date"]
            else f"{r['start_date']:%m/%d}〜{r['end_date']:%m/%d}"
        )
        cmp = (
            r["compare_start"].date()
            if r["compare_start"] == r["compare_end"]
            else f"{r['compare_start']:%Y-%m-%d}〜{r['compare_end']:%m/%d}"
        )
        st.caption(tr("dashboard.window.span", span=span, cmp=cmp))
        pct = "" if pd.isna(r["sales_change_pct"]) else f" ({r['sales_change_pct']:+.1f}%)"
        st.metric(tr("col.sales"), fmt.money(r["sales"], s), f"{fmt.money(r['sales_change'], s)}{pct}")
        st.metric(tr("col.orders"), fmt.count(r["orders"]), f"{int(r['orders_change']):+,}")
        st.metric(tr("col_dash.buyers"), fmt.count(r["buyers"]), f"{int(r['buyers_change']):+,}")
        st.metric(
            tr("col_dash.aov"),
            fmt.money(r["aov"], s),
            None if pd.isna(r["aov_change"]) else fmt.money(r["aov_change"], s),
        )
        st.metric(tr("col.new_customers"), fmt.count(r["new_customers"]), f"{int(r['new_customers_change']):+,}")
excluded = {w: int(rows[w]["excluded_orders"]) for w in ("this_month", "last_month", "last_365_days")}
cols[2].caption(tr("dashboard.excluded", **excluded))

# ---------------------------------------------------------------- new vs repeat, 365 days
st.subheader(tr("new_repeat.summary"))
st.caption(tr("new_repeat.summary.caption", start=as_of - dt.timedelta(days=364), end=as_of))
if last.empty:
    empty()
else:
    cur, before = last.iloc[0], (prev.iloc[0] if not prev.empty else None)

    def delta(c, money=False):
        if before is None:
            return None
        d = cur[c] - before[c]
        return fmt.money(d, s) if money else f"{int(d):+,}"

    # two rows of three: ¥7,596,476 does not fit a sixth of the page
    m = st.columns(3) + st.columns(3)
    m[0].metric(tr("col.new_customers"), fmt.count(cur["new_customers"]), delta("new_customers"))
    for c, p in zip(m[1:5], ["reacquired_customers", "repeat_2nd", "repeat_3_9", "repeat_10plus"]):
        c.metric(tr(f"col.{p}"), fmt.count(cur[p]), delta(p))
    m[5].metric(tr("col.repeat_sales"), fmt.money(cur["repeat_sales"], s), delta("repeat_sales", True))
    link(
        "new_repeat",
        tr("dashboard.open.new_repeat"),
        nr_grain="month",
        nr_start=as_of - dt.timedelta(days=364),
        nr_end=as_of,
    )

# ---------------------------------------------------------------- tiles of other pages (when merged)
classes = optional("customer_classes")
movement = optional("segment_movement")  # its defaults: CPM segments, the as-of date and 7 days before
retention = optional("subscription_retention")
if retention is None:
    retention = optional("subscription_summary")
formula = optional("ad_winning_formula")
extra = [x for x in (classes, movement, retention, formula) if x is not None and not x.empty]
if extra:
    st.subheader(tr("dashboard.more"))
    tiles = st.columns(len(extra))
    i = 0
    if classes is not None and not classes.empty:
        with tiles[i].container(border=True):
            st.markdown(f"**{tr('dashboard.tile.classes')}**")
            for r in classes.to_dict("records"):
                label = f"{tr('cust.class.' + r['class'])}{tr('dashboard.dormant') if r.get('dormant') else ''}"
                st.write(f"{label}: {fmt.count(r['customers'])}")
            link("customers", tr("dashboard.open.customers"))
        i += 1
    if movement is not None and not movement.empty:
        with tiles[i].container(border=True):
            st.markdown(f"**{tr('dashboard.tile.movement')}**")
            moved = movement[movement["from_segment"] != movement["to_segment"]]
            moved = moved.sort_values("customers", ascending=False, kind="stable")
            for r in moved.head(8).to_dict("records"):
                st.write(
                    f"{seg_label('cpm', r['from_segment'])} → {seg_label('cpm', r['to_segment'])}: "
                    f"{fmt.count(r['customers'])}"
                )
            if moved.empty:
                st.caption(tr("dashboard.no_movement"))
            link(
                "customers", tr("dashboard.open.movement"), cust_mv_from=as_of - dt.timedelta(days=7), cust_mv_to=as_of
            )
        i += 1
    if retention is not None and not retention.empty:
        with tiles[i].container(border=True):
            st.markdown(f"**{tr('dashboard.tile.churn_peak')}**")
            peak = retention.sort_values(["churned", "delivery_no"], ascending=[False, True]).iloc[0]
            st.metric(
                tr("dashboard.churn_peak", product=peak["product_id"]),
                tr("dashboard.delivery_no", n=int(peak["delivery_no"])),
                fmt.count(peak["churned"]),
                delta_color="off",
            )
            link("retention", tr("dashboard.open.retention"), ret_product=peak["product_id"])
        i += 1
    if formula is not None and not formula.empty:
        with tiles[i].container(border=True):
            st.markdown(f"**{tr('dashboard.tile.formula')}**")
            failed = formula[formula["all_pass"].astype("boolean").eq(False)]
            st.metric(tr("dashboard.failing"), fmt.count(len(failed)), delta=None)
            if not failed.empty:  # the codes only; which line failed is on the ad media page
                st.write("、".join(failed["ad_code"].astype(str)))
            link("ad_media", tr("dashboard.open.ad_media"))

# ---------------------------------------------------------------- top products
st.subheader(tr("dashboard.products", month=f"{as_of:%Y-%m}"))
if ranking.empty:
    empty()
else:
    arrows = {"up": "↑", "down": "↓", "same": "→", "new": "NEW"}
    shown = ranking.assign(movement=ranking["movement"].map(arrows))
    table(shown, "product_ranking", "col_dash", money=("sales", "last_sales"), key="dash_dl_ranking")

# ---------------------------------------------------------------- campaigns (seed 000)
st.subheader(tr("dashboard.campaign"))
st.caption(tr("dashboard.campaign.caption"))
campaign_window = url_segmented(
    st,
    tr("dashboard.campaign.window"),
    WINDOWS,
    "dash_campaign",
    "this_month",
    format_func=lambda w: tr(f"dashboard.window.{w}"),
)
try:
    campaigns = run("campaign_summary")
except Exception as exc:  # noqa: BLE001
    error(exc)
    campaigns = None
if campaigns is not None:
    shown = campaigns[campaigns["window"] == campaign_window]
    left, right = st.columns(2)
    for col, dimension in ((left, "ad_code"), (right, "coupon_code")):
        with col:
            st.markdown(f"**{tr(f'dashboard.campaign.{dimension}')}**")
            part = shown[shown["dimension"] == dimension][["code", "orders", "sales", "new_customers"]]
            if part.empty:
                empty()
            else:
                table(
                    part,
                    f"campaign_summary_{dimension}",
                    "col_dash",
                    money=("sales",),
                    key=f"dash_dl_campaign_{dimension}",
                )
    reproduce("campaign_summary", {})

# ---------------------------------------------------------------- order mix (slide 11)
st.subheader(tr("dashboard.order_mix"))
st.caption(tr("dashboard.order_mix.caption"))
grains = {g: tr(f"grain.{g}") for g in ("day", "week", "month", "year")}
grain = url_select(st, tr("filter.grain"), grains, "dash_grain", index=2, format_func=grains.__getitem__)
try:
    start = as_of - dt.timedelta(days={"day": 30, "week": 180, "month": 730, "year": 3650}[grain])
    params = {"grain": grain, "start": start, "end": as_of}
    mix = run("order_mix", params)
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
if mix.empty:
    empty()
else:
    kinds = {k: tr(f"order_type.{k}") for k in KINDS}
    st.altair_chart(
        charts.stacked_kinds(
            mix,
            "period",
            "order_type",
            "orders",
            kinds,
            tr("col.period"),
            tr("col.orders"),
            tr("col_dash.order_type"),
            time_format=charts.period_format(grain),
        ),
        width="stretch",
    )
    if charts.periods_cut(mix, "period"):
        st.caption(tr("common.chart_latest", n=charts.MAX_PERIODS))
    shown = mix.assign(order_type=mix["order_type"].map(kinds))
    table(shown, "order_mix", "col_dash", money=("sales",), percent=("share",), key="dash_dl_mix")
    reproduce("order_mix", params)
