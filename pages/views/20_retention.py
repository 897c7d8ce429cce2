"""定期継続: retention waterfall per product, the 6:2:2 panel with its milestone hint, survival, stops."""

import pandas as pd
import streamlit as st

from workbench import fmt
from workbench.ui import charts
from workbench.ui.components import empty, error, needs, reproduce, table, url_date, url_select
from workbench.ui.state import run, settings, tr

s = settings()
st.title(tr("retention.title"))
st.caption(tr("retention.caption"))

try:
    summary = run("subscription_summary")
    codes = run("subscription_stops", {"grain": "year", "by": "ad_code"})
except Exception as exc:  # noqa: BLE001 - shown as a message
    error(exc)
    st.stop()

if summary.empty:
    needs("subscriptions") and empty()
    st.stop()

names = {"": tr("retention.all_products")}
names.update({r.product_id: f"{r.product_name or r.product_id}({r.product_id})" for r in summary.itertuples()})
code_names = {"": tr("retention.all_codes")}
code_names.update({c: c for c in sorted(set(codes.group_value))})
c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 2, 2])
product = url_select(
    c1, tr("retention.product"), names, "ret_product", index=1 if len(names) > 1 else 0, format_func=names.__getitem__
)
ad_code = url_select(c2, tr("retention.ad_code"), code_names, "ret_code", format_func=code_names.__getitem__)
started_from = url_date(c3, tr("retention.started_from"), None, "ret_from")
started_to = url_date(c4, tr("retention.started_to"), None, "ret_to")
max_delivery = c5.number_input(tr("retention.max_delivery"), 3, 36, 12, key="ret_max")

params = {
    "product_id": product or None,
    "ad_code": ad_code or None,
    "started_from": started_from,
    "started_to": started_to,
    "max_delivery": max_delivery,
}
try:
    waterfall = run("subscription_retention", params)
    survival = run("subscription_survival", {"product_id": product or None, "max_delivery": max_delivery})
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()

# ---- headline numbers for the chosen product (or the largest one)
row = summary[summary.product_id == product].iloc[0] if product else summary.iloc[0]
m = st.columns(5)
m[0].metric(tr("col_ret.contracts"), fmt.count(row.contracts))
m[1].metric(tr("col_ret.active"), fmt.count(row.active))
m[2].metric(tr("col_ret.paused"), fmt.count(row.paused))
m[3].metric(tr("col_ret.cancelled"), fmt.count(row.cancelled))
m[4].metric(
    tr("retention.avg_deliveries"),
    fmt.number(row.avg_deliveries, 2),
    fmt.number(row.avg_deliveries - s.avg_deliveries_target, 2),
    help=tr("retention.avg_target", target=fmt.number(s.avg_deliveries_target, 0)),
)

# ---- waterfall (slide 15)
st.subheader(tr("retention.waterfall"))
if waterfall.empty or waterfall.retained.sum() + waterfall.pending.sum() + waterfall.churned.sum() == 0:
    empty()
else:
    parts = {"retained": tr("col_ret.retained"), "pending": tr("col_ret.pending"), "churned": tr("col_ret.churned")}
    for pid, g in waterfall.groupby("product_id", dropna=False, sort=False):
        if not product and len(names) > 2:
            st.markdown(f"**{names.get(pid, pid)}**")
        st.altair_chart(
            charts.stacked_bars(
                g,
                "delivery_no",
                parts,
                tr("retention.delivery"),
                tr("retention.contracts_axis"),
                colors=["#1f6f8b", "#e6a157", "#d1495b"],
            ),
            width="stretch",
        )
    table(waterfall, "subscription_retention", "col_ret", ratio=("retention_rate", "churn_share"))
    reproduce("subscription_retention", params)

# ---- 6:2:2 panel and the milestone hint (slides 16, 40)
st.subheader(tr("retention.panel_622"))
bench_label = tr("retention.benchmark_diet") if row.is_diet else tr("retention.benchmark")
bands = pd.DataFrame(
    {
        "band": [tr("retention.band_1_3"), tr("retention.band_4_6"), tr("retention.band_7_9")] * 2,
        "who": [tr("retention.shop")] * 3 + [bench_label] * 3,
        "share": [row.churn_1_3, row.churn_4_6, row.churn_7_9, row.benchmark_1_3, row.benchmark_4_6, row.benchmark_7_9],
    }
)
left, right = st.columns([3, 2])
if pd.isna(row.churn_1_3):
    right.info(tr("retention.no_churn"))
else:
    left.altair_chart(
        charts.grouped_bars(
            bands.fillna(0),
            "band",
            "share",
            "who",
            tr("retention.band"),
            tr("retention.share_axis") + " (%)",
            colors=["#d1495b", "#99a8b2"],
            y_format=".1f",
        ),
        width="stretch",
    )
    if row.peak_delivery == 1 or pd.isna(row.announce_delivery):
        right.success(tr("retention.hint_first"))
    else:
        right.success(tr("retention.hint", n=int(row.peak_delivery), m=int(row.announce_delivery)))
    right.metric(tr("col_ret.peak_delivery"), f"{int(row.peak_delivery)}")

# ---- survival beside the raw counts
st.subheader(tr("retention.survival"))
st.caption(tr("retention.survival.caption"))
if survival.empty:
    empty()
else:
    for pid, g in survival.groupby("product_id", dropna=False, sort=False):
        raw = waterfall[waterfall.product_id == pid][["delivery_no", "retention_rate"]].rename(
            columns={"retention_rate": "survival"}
        )
        if not product and len(names) > 2:
            st.markdown(f"**{names.get(pid, pid)}**")
        st.altair_chart(
            charts.curve_with_band(
                g,
                "delivery_no",
                "survival",
                "ci_low",
                "ci_high",
                tr("retention.delivery"),
                tr("retention.survival_axis"),
                tr("retention.km"),
                raw,
                tr("retention.raw"),
            ),
            width="stretch",
        )
    with st.expander(tr("retention.survival_table")):
        table(survival, "subscription_survival", "col_ret", ratio=("survival", "ci_low", "ci_high"))

# ---- stops (slide 12)
st.subheader(tr("retention.stops"))
st.caption(tr("retention.stops.caption"))
bys = {b: tr(f"retention.by.{b}") for b in ("total", "ad_code", "cancel_reason")}
by = st.radio(tr("retention.stops_by"), list(bys), format_func=bys.__getitem__, horizontal=True, key="ret_by")
try:
    stops = run("subscription_stops", {"by": by})
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
if stops.empty:
    empty()
else:
    if by == "total":
        chart_df = stops[["period", "started", "stopped"]]
        st.altair_chart(
            charts.grouped_bars(
                chart_df.melt("period", var_name="k", value_name="v").assign(
                    k=lambda d: d.k.map({"started": tr("col_ret.started"), "stopped": tr("col_ret.stopped")}),
                    period=lambda d: d.period.dt.strftime("%Y-%m"),
                ),
                "period",
                "v",
                "k",
                tr("col_ret.period"),
                tr("retention.stops_axis"),
                colors=["#1f6f8b", "#d1495b"],
            ),
            width="stretch",
        )
    else:
        wide = stops.pivot_table(
            index="period", columns="group_value", values="stopped", aggfunc="sum", fill_value=0
        ).reset_index()
        st.altair_chart(
            charts.stacked_bars(
                wide,
                "period",
                {c: c for c in wide.columns if c != "period"},
                tr("col_ret.period"),
                tr("col_ret.stopped"),
                x_type="T",
            ),
            width="stretch",
        )
    shown = (
        stops.assign(group_value=stops["group_value"].replace({"total": bys["total"]}))
        if "group_value" in stops
        else stops
    )
    table(shown, "subscription_stops", "col_ret", csv=stops)
    reproduce("subscription_stops", {"by": by})

st.subheader(tr("retention.summary_table"))
table(
    summary,
    "subscription_summary",
    "col_ret",
    percent=("churn_1_3", "churn_4_6", "churn_7_9", "benchmark_1_3", "benchmark_4_6", "benchmark_7_9"),
)
reproduce("subscription_summary", {})
