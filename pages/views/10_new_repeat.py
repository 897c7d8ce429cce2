"""新規・リピート: the new-vs-repeat mix over time and the last-365-days summary (seed 000)."""

import datetime as dt

import streamlit as st

from workbench import fmt
from workbench.ui import charts
from workbench.ui.components import empty, error, reproduce, table, url_date, url_select
from workbench.ui.state import current_dataset, run, settings, tr

s = settings()
ds, _ = current_dataset()
as_of = ds.as_of(s)

st.title(tr("new_repeat.title"))
c1, c2, c3, c4 = st.columns(4)
grains = {g: tr(f"grain.{g}") for g in ("day", "week", "month", "year")}
grain = url_select(c1, tr("filter.grain"), grains, "nr_grain", index=2, format_func=grains.__getitem__)
start = url_date(c2, tr("filter.start"), None, "nr_start")
end = url_date(c3, tr("filter.end"), None, "nr_end")
reacquire_days = c4.number_input(
    tr("new_repeat.reacquire_days"), min_value=1, max_value=3650, value=s.reacquire_days, step=30, key="nr_reacquire"
)
st.caption(tr("new_repeat.caption", days=reacquire_days))

try:
    # the seed's 365-day block: this window and the one before it, same query, grain "all"
    last = run(
        "new_repeat_mix",
        {"grain": "all", "start": as_of - dt.timedelta(days=364), "end": as_of, "reacquire_days": reacquire_days},
    )
    prev = run(
        "new_repeat_mix",
        {
            "grain": "all",
            "start": as_of - dt.timedelta(days=729),
            "end": as_of - dt.timedelta(days=365),
            "reacquire_days": reacquire_days,
        },
    )
    params = {"grain": grain, "start": start, "end": end, "reacquire_days": reacquire_days}
    mix = run("new_repeat_mix", params)
except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
    error(exc)
    st.stop()

st.subheader(tr("new_repeat.summary"))
st.caption(tr("new_repeat.summary.caption", start=as_of - dt.timedelta(days=364), end=as_of))
if last.empty:
    empty()
else:
    cur, before = last.iloc[0], (prev.iloc[0] if not prev.empty else None)

    def delta(col, money=False):
        if before is None:
            return None
        d = cur[col] - before[col]
        return fmt.money(d, s) if money else f"{int(d):+,}"

    m = st.columns(4)
    m[0].metric(tr("col.buyers"), fmt.count(cur["buyers"]), delta("buyers"))
    m[1].metric(tr("col.new_customers"), fmt.count(cur["new_customers"]), delta("new_customers"))
    m[2].metric(tr("col.repeat_customers"), fmt.count(cur["repeat_customers"]), delta("repeat_customers"))
    m[3].metric(tr("col.sales"), fmt.money(cur["sales"], s), delta("sales", True))
    m = st.columns(4)
    m[0].metric(tr("col.new_sales"), fmt.money(cur["new_sales"], s), delta("new_sales", True))
    m[1].metric(tr("col.repeat_sales"), fmt.money(cur["repeat_sales"], s), delta("repeat_sales", True))
    st.markdown(f"**{tr('new_repeat.breakdown')}**")
    parts = ["reacquired_customers", "repeat_2nd", "repeat_3_9", "repeat_10plus"]
    b = st.columns(4)
    for col, p in zip(b, parts):
        col.metric(tr(f"col.{p}"), fmt.count(cur[p]), delta(p))

st.subheader(tr("new_repeat.chart"))
if mix.empty:
    empty()
else:
    parts = {
        p: tr(f"col.{p}")
        for p in ["new_customers", "reacquired_customers", "repeat_2nd", "repeat_3_9", "repeat_10plus"]
    }
    st.altair_chart(
        charts.stacked_with_share(
            mix,
            "period",
            parts,
            "repeat_customers",
            "buyers",
            tr("col.period"),
            tr("new_repeat.people"),
            tr("new_repeat.repeat_share"),
            time_format=charts.period_format(grain),
        ),
        width="stretch",
    )
    if charts.periods_cut(mix, "period"):
        st.caption(tr("common.chart_latest", n=charts.MAX_PERIODS))
    st.subheader(tr("common.table"))
    table(mix, "new_repeat_mix", "col", money=("sales", "new_sales", "repeat_sales"))
    reproduce("new_repeat_mix", params)
