"""広告媒体集計: per ad code trial orders, upgrades, direct orders, CPR/CPO, 引上率 with its interval,
time of day, cost against upgrades, and the 勝利の方程式 (slides 19–22, 35–38, 46)."""

import datetime as dt

import streamlit as st

from workbench.ui import charts
from workbench.ui.components import empty, error, needs, reproduce, table, url_date, url_select
from workbench.ui.state import current_dataset, run, settings, tr

UNCERTAIN_WIDTH = 30.0  # percentage points: a wider 95% interval is too uncertain to judge

s = settings()
ds, _ = current_dataset()
as_of = ds.as_of(s)

st.title(tr("ad_media.title"))
st.caption(tr("ad_media.caption"))
if not needs("ad_media"):
    st.stop()

c1, c2, c3, c4 = st.columns(4)
start = url_date(c1, tr("filter.start"), as_of - dt.timedelta(days=364), "ad_start")
end = url_date(c2, tr("filter.end"), as_of, "ad_end")
groups = {g: tr(f"ad_media.group.{g}") for g in ("ad_code", "media_name", "media_type")}
group_by = url_select(c3, tr("ad_media.group_by"), groups, "ad_group", format_func=groups.__getitem__)
window = c4.number_input(tr("ad_media.window"), min_value=0, max_value=3650, value=0, step=30, key="ad_window")

params = {"start": start, "end": end, "upgrade_window_days": window or None, "group_by": group_by}
try:
    summary = run("ad_media_summary", params)
    # the per-code rows feed the media-type filter and the charts; by default they are the summary
    codes_df = summary if group_by == "ad_code" else run("ad_media_summary", {**params, "group_by": "ad_code"})
except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
    error(exc)
    st.stop()

types = sorted(t for t in codes_df["media_type"].dropna().unique())
type_names = {t: tr(f"media_type.{t}") for t in types}
chosen_types = st.multiselect(
    tr("ad_media.media_types"), types, default=types, format_func=type_names.__getitem__, key="ad_types"
)
if len(chosen_types) < len(types):
    summary = summary[summary["media_type"].isin(chosen_types)]
    codes_df = codes_df[codes_df["media_type"].isin(chosen_types)]

st.subheader(tr("ad_media.table"))
if summary.empty:
    empty()
    st.stop()
shown = summary.copy()
steps = {k: tr(f"step.{k}") for k in ("two_step", "one_step")}
shown["media_type"] = shown["media_type"].map(lambda v: type_names.get(v, v))
shown["step"] = shown["step"].map(lambda v: steps.get(v, v))
if group_by != "ad_code":
    shown = shown.drop(columns=[c for c in ("ad_code",) + (("media_name",) if group_by == "media_type" else ())])
table(
    shown,
    "ad_media_summary",
    "col_ad",
    money=("cost", "cpr", "cpo", "sales"),
    percent=("upgrade_rate", "upgrade_rate_low", "upgrade_rate_high", "cvr"),
    key="ad_dl_summary",
)
reproduce("ad_media_summary", params)

# ---- upgrade rate with the Wilson interval, against the seed's average band and bar
st.subheader(tr("ad_media.rate_chart"))
label_col = {"ad_code": "ad_code", "media_name": "media_name", "media_type": "media_type"}[group_by]
rated = summary[summary["trial_customers"] > 0].copy()
if rated.empty:
    empty()
else:
    rated["label"] = rated[label_col].fillna("-")
    if group_by == "media_type":
        rated["label"] = rated["label"].map(lambda v: type_names.get(v, v))
    uncertain = (rated["upgrade_rate_high"] - rated["upgrade_rate_low"]) > UNCERTAIN_WIDTH
    reliab = {True: tr("ad_media.uncertain"), False: tr("ad_media.judgeable")}
    rated["reliability"] = uncertain.map(reliab)
    low, high = s.upgrade_rate_average
    st.caption(tr("ad_media.rate_caption", low=low, high=high, target=s.upgrade_rate_target, width=UNCERTAIN_WIDTH))
    st.altair_chart(
        charts.rate_with_interval(
            rated,
            "label",
            "upgrade_rate",
            "upgrade_rate_low",
            "upgrade_rate_high",
            tr(f"ad_media.group.{group_by}"),
            tr("ad_media.rate_axis"),
            band=(low, high),
            target=s.upgrade_rate_target,
            color="reliability",
        ),
        width="stretch",
        height=max(160, 40 * len(rated) + 80),
    )
    table(
        rated[
            [
                "label",
                "trial_customers",
                "upgrades",
                "upgrade_rate",
                "upgrade_rate_low",
                "upgrade_rate_high",
                "reliability",
            ]
        ].rename(columns={"label": label_col}),
        "ad_upgrade_rate",
        "col_ad",
        percent=("upgrade_rate", "upgrade_rate_low", "upgrade_rate_high"),
        key="ad_dl_rate",
    )

# ---- time of day
st.subheader(tr("ad_media.heatmap"))
code_names = {"": tr("ad_media.all_codes"), **{c: c for c in codes_df["ad_code"].dropna()}}
code = url_select(st, tr("ad_media.code"), code_names, "ad_code", format_func=code_names.__getitem__)
hourly_params = {"start": start, "end": end, "ad_code": code or None}
try:
    hourly = run("ad_hourly", hourly_params)
except Exception as exc:  # noqa: BLE001
    error(exc)
    hourly = None
if hourly is not None:
    if not code:
        hourly = hourly[hourly["ad_code"].isin(codes_df["ad_code"])]
    if hourly.empty or hourly["orders"].sum() == 0:
        empty()
    else:
        cells = hourly.groupby(["weekday", "hour"], as_index=False)[["orders", "sales"]].sum()
        days = {d: tr(f"weekday.{d}") for d in range(1, 8)}
        cells["day"] = cells["weekday"].map(days)
        st.altair_chart(
            charts.heatmap(
                cells,
                "hour",
                "day",
                "orders",
                tr("ad_media.hour"),
                tr("ad_media.weekday"),
                tr("col_ad.orders"),
                y_sort=list(days.values()),
            ),
            width="stretch",
            height=320,
        )
        by_hour = cells.groupby("hour")["orders"].sum()
        peak = by_hour.sort_values(ascending=False, kind="stable").head(3).index
        st.caption(tr("ad_media.peak", hours=", ".join(f"{h}:00–{h + 1}:00" for h in sorted(peak))))
        table(hourly, "ad_hourly", "col_ad", money=("sales",), key="ad_dl_hourly")

# ---- cost against upgrades
st.subheader(tr("ad_media.scatter"))
pts = codes_df[codes_df["cost"].notna()].copy()
if pts.empty:
    empty()
else:
    pts["acquired"] = pts["upgrades"] + pts["direct_orders"]
    pts["type"] = pts["media_type"].map(lambda v: type_names.get(v, "-"))
    st.altair_chart(
        charts.bubbles(
            pts,
            "cost",
            "acquired",
            "sales",
            "ad_code",
            tr("col_ad.cost"),
            tr("col_ad.upgrades") + " + " + tr("col_ad.direct_orders"),
            tr("col_ad.sales"),
            color="type",
        ),
        width="stretch",
        height=420,
    )

# ---- 勝利の方程式
st.subheader(tr("ad_media.formula"))
st.caption(
    tr(
        "ad_media.formula_caption",
        pc=s.wf_print_cpr,
        pm=s.wf_print_cpo_main,
        ps=s.wf_print_cpo_subscription,
        wc=s.wf_web_cpr,
        wm=s.wf_web_cpo_main,
        ws=s.wf_web_cpo_subscription,
        t=s.upgrade_rate_target,
    )
)
wf_params = {"start": start, "end": end, "upgrade_window_days": window or None}
try:
    wf = run("ad_winning_formula", wf_params)
except Exception as exc:  # noqa: BLE001
    error(exc)
    wf = None
if wf is not None:
    if len(chosen_types) < len(types):
        wf = wf[wf["media_type"].isin(chosen_types)]
    if wf.empty:
        empty()
    else:
        marks = {True: tr("ad_media.pass"), False: tr("ad_media.fail")}
        view = wf.copy()
        view["media_type"] = view["media_type"].map(lambda v: type_names.get(v, v))
        view["step"] = view["step"].map(lambda v: steps.get(v, v))
        for col in ("cpr_pass", "cpo_main_pass", "cpo_subscription_pass", "upgrade_rate_pass", "all_pass"):
            view[col] = view[col].astype(object).where(view[col].notna(), None).map(marks).fillna("–")
        table(
            view,
            "ad_winning_formula",
            "col_ad",
            money=(
                "price",
                "cost",
                "cpr",
                "cpr_limit",
                "cpo_main",
                "cpo_main_limit",
                "cpo_subscription",
                "cpo_subscription_limit",
            ),
            percent=("upgrade_rate", "upgrade_rate_target"),
            key="ad_dl_formula",
        )
        reproduce("ad_winning_formula", wf_params)
