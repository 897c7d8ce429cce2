"""LTV・ROAS: cohort LTV heat map and curves, 限界CPO / ROAS with a what-if, and the KPI scorecard (slides 41–46)."""

import datetime as dt

import streamlit as st

from workbench import fmt
from workbench.ui import charts
from workbench.ui.components import empty, error, reproduce, table
from workbench.ui.state import current_dataset, run, settings, tr

s = settings()
ds, _ = current_dataset()
as_of = ds.as_of(s)

st.title(tr("ltv.title"))
c1, c2, c3, c4 = st.columns(4)
dims = {
    k: tr(f"ltv.cohort_by.{k}")
    for k in ("first_month", "first_ad_code", "first_media_type", "first_product", "first_channel")
}
cohort_by = c1.selectbox(tr("ltv.cohort_by"), list(dims), format_func=dims.__getitem__, key="ltv_cohort_by")
start = c2.date_input(tr("filter.start"), value=None, key="ltv_start", format="YYYY-MM-DD")
end = c3.date_input(tr("filter.end"), value=None, key="ltv_end", format="YYYY-MM-DD")
horizon = c4.number_input(tr("ltv.horizon"), min_value=1, max_value=60, value=24, step=1, key="ltv_horizon")

w1, w2, w3 = st.columns(3)
ltv_months = w1.number_input(tr("ltv.ltv_months"), min_value=1, max_value=60, value=s.ltv_months, key="ltv_months")
variable_cost = w2.number_input(
    tr("ltv.variable_cost"), min_value=0.0, value=float(s.variable_cost_per_order), step=100.0, key="ltv_variable_cost"
)
target_roas = w3.number_input(tr("ltv.target_roas"), min_value=1.0, value=100.0, step=10.0, key="ltv_target_roas")

try:
    cohort_params = {"cohort_by": cohort_by, "start": start, "end": end, "horizon_months": int(horizon)}
    cohorts = run("cohort_ltv", cohort_params)
    roas_params = {
        "cohort_by": cohort_by,
        "start": start,
        "end": end,
        "ltv_months": int(ltv_months),
        "variable_cost_per_order": float(variable_cost),
        "target_roas": float(target_roas),
    }
    roas = run("ltv_roas", roas_params)
    summary = run("ltv_summary", {"start": as_of - dt.timedelta(days=364), "end": as_of})
    kpi = run("kpi_scorecard", {"start": as_of - dt.timedelta(days=364), "end": as_of})
except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
    error(exc)
    st.stop()

# --- heat map -------------------------------------------------------------------------------------
st.subheader(tr("ltv.heatmap"))
measures = {k: tr(f"ltv.measure.{k}") for k in ("ltv", "active")}
measure = st.radio(
    tr("ltv.measure"), list(measures), format_func=measures.__getitem__, horizontal=True, key="ltv_measure"
)
if cohorts.empty:
    empty()
else:
    if measure == "ltv":
        chart = charts.cohort_heatmap(
            cohorts,
            "cumulative_sales_per_customer",
            None,
            tr("col_ltv.cohort"),
            tr("ltv.months_since_first"),
            measures[measure],
        )
    else:
        chart = charts.cohort_heatmap(
            cohorts,
            "active_customers",
            "cohort_customers",
            tr("col_ltv.cohort"),
            tr("ltv.months_since_first"),
            measures[measure],
            percent=True,
        )
    st.altair_chart(chart, width="stretch")

    # --- LTV curves: cohorts that have not reached the LTV window are dashed ------------------------
    st.subheader(tr("ltv.curves"))
    st.caption(tr("ltv.curves.caption", months=int(ltv_months)))
    state = {True: tr("ltv.full"), False: tr("ltv.partial")}
    complete = dict(zip(roas["cohort"], roas["complete"]))
    curves = cohorts.assign(state=cohorts["cohort"].map(lambda c: state[bool(complete.get(c, False))]))
    st.altair_chart(
        charts.ltv_curves(
            curves,
            tr("ltv.months_since_first"),
            tr("col_ltv.cumulative_sales_per_customer"),
            "state",
            tr("col_ltv.cohort"),
        ),
        width="stretch",
    )
    table(cohorts, "cohort_ltv", "col_ltv", money=("sales", "cumulative_sales_per_customer"))
    reproduce("cohort_ltv", cohort_params)

# --- 限界CPO / ROAS -------------------------------------------------------------------------------
st.subheader(tr("ltv.roas"))
st.caption(tr("ltv.roas.caption", months=int(ltv_months)))
if roas.empty:
    empty()
else:
    n_young = int((~roas["complete"].astype(bool)).sum())
    if n_young:
        st.warning(tr("ltv.incomplete", n=n_young))
    table(
        roas,
        "ltv_roas",
        "col_ltv",
        money=("ltv_to_date", "ltv", "cost", "cpo", "marginal_cpo", "break_even_cpo"),
        percent=("roas",),
    )
    reproduce("ltv_roas", roas_params)

# --- AOV, annual LTV and the KPI scorecard -------------------------------------------------------
st.subheader(tr("ltv.summary"))
if summary.empty or summary["orders"].iloc[0] == 0:
    empty()
else:
    r = summary.iloc[0]
    m = st.columns(4)
    m[0].metric(tr("col_ltv.orders"), fmt.count(r["orders"]))
    m[1].metric(tr("col_ltv.buyers"), fmt.count(r["buyers"]))
    m[2].metric(tr("col_ltv.aov"), fmt.money(r["aov"], s))
    m[3].metric(tr("col_ltv.annual_ltv"), fmt.money(r["annual_ltv"], s))

st.subheader(tr("ltv.kpi"))
st.caption(tr("ltv.kpi.caption"))
verdict = {True: tr("ltv.kpi.pass"), False: tr("ltv.kpi.fail")}
# each KPI in its own unit: yen, deliveries, percent
units = {
    "annual_ltv": lambda v: fmt.money(v, s),
    "existing_aov": lambda v: fmt.money(v, s),
    "avg_deliveries": lambda v: tr("ltv.kpi.times", n=fmt.number(v, 2)),
    "upgrade_rate": fmt.percent,
}
shown = kpi.assign(
    kpi=kpi["kpi"].map(lambda k: tr(f"ltv.kpi.{k}")),
    value=[units.get(k, fmt.number)(v) for k, v in zip(kpi["kpi"], kpi["value"])],
    bar=[units.get(k, fmt.number)(v) for k, v in zip(kpi["kpi"], kpi["bar"])],
    passed=kpi["passed"].map(lambda v: "" if v is None or v != v else verdict[bool(v)]),
    needs=kpi["needs"].map(lambda t: tr("ltv.kpi.needs", tables=t) if isinstance(t, str) else None),
)
table(shown, "kpi_scorecard", "col_ltv", csv=kpi)
