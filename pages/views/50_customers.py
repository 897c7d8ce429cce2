"""顧客分析: classes, CPM, RFM, ABC, segment movement with drill-down, extraction lists, purchaser profile."""

import datetime as dt

import pandas as pd
import streamlit as st

from workbench import export
from workbench.ui import charts
from workbench.ui.components import (
    DOWNLOAD_MAX,
    MAX_SHOWN,
    empty,
    error,
    reproduce,
    seg_label,
    table,
    url_date,
    url_select,
)
from workbench.ui.state import current_dataset, deferred, run, settings, tr

s = settings()
ds, _ = current_dataset()
as_of = ds.as_of(s)
CLASSES = ["new", "beginner", "trend", "steady", "loyal"]
GROUPS = ["first", "toddler", "steady", "trend", "loyal"]
RFM = ["first_active", "first_at_risk", "repeat_active", "repeat_lapsing", "best", "dormant"]


def seg_keys(segmentation: str) -> list[str]:
    if segmentation == "classes":
        return [k for c in CLASSES for k in (c, f"{c}_dormant")]
    if segmentation == "cpm":
        return [f"{g}_{a}" for g in GROUPS for a in ("active", "lapsed")]
    return RFM


def customer_list(params: dict, segmentation: str, key: str, excel: bool = False) -> None:
    """An extraction list: its count, its first MAX_SHOWN customers and the downloads of all of them.

    The query returns the preview and the count (matched); the whole list is built only when a
    download is clicked (a large shop's list has millions of customers)."""

    def prepare(df: pd.DataFrame) -> pd.DataFrame:
        df = df.drop(columns=["matched"])
        df = df.drop(columns=[col for col in df.columns if df[col].isna().all()])
        df["segment"] = df["segment"].map({k: seg_label(segmentation, k) for k in df["segment"].dropna().unique()})
        return df

    head = run("extract_customers", {**params, "limit": MAX_SHOWN})
    matched = int(head["matched"].iloc[0]) if len(head) else 0
    st.metric(tr("cust.result_count"), f"{matched:,}")
    if not matched:
        empty()
        return
    whole = deferred("extract_customers", params)
    table(
        prepare(head),
        "extract_customers",
        "col_cust",
        money=("sales",),
        key=key,
        total=matched,
        full=lambda: prepare(whole()),
    )
    if excel and matched <= DOWNLOAD_MAX:  # table() already said when the list is too long to download here
        st.download_button(
            tr("cust.download_excel"),
            lambda: export.to_excel(prepare(whole()), "customers"),
            file_name="extract_customers.xlsx",
            key=f"{key}_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


st.title(tr("cust.title"))
st.caption(tr("cust.caption", dormant=s.dormant_days))

try:
    classes = run("customer_classes")
    cpm = run("customer_cpm")
except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
    error(exc)
    st.stop()

if classes["customers"].sum() == 0:
    empty()
    st.stop()

# --- classes and CPM composition ---------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(tr("cust.classes"))
    st.caption(tr("cust.classes.caption", amount=f"{s.loyal_amount:,}", long=s.cpm_tenure_long_days))
    c = classes.assign(
        label=[tr(f"cust.class.{k}") for k in classes["class"]],
        status=[tr("cust.dormant").strip(" ()（）") if d else tr("cust.active") for d in classes["dormant"]],
    )
    st.altair_chart(
        charts.stacked_by_color(
            c, "label", "customers", "status", tr("col_cust.label"), tr("cust.people"), tr("cust.status")
        ),
        width="stretch",
    )
    view = c.assign(
        label=[seg_label("classes", k + ("_dormant" if d else "")) for k, d in zip(c["class"], c["dormant"])]
    )
    table(
        view[["label", "customers", "sales"]], "customer_classes", "col_cust", money=("sales",), key="cust_dl_classes"
    )
with right:
    st.subheader(tr("cust.cpm"))
    st.caption(
        tr(
            "cust.cpm.caption",
            short=s.cpm_tenure_short_days,
            long=s.cpm_tenure_long_days,
            amount=f"{s.loyal_amount:,}",
            dormant=s.dormant_days,
        )
    )
    c = cpm.assign(
        label=[tr(f"cust.cpm.{g}") for g in cpm["group"]],
        status=[tr("cust.active") if a else tr("cust.lapsed") for a in cpm["active"]],
    )
    st.altair_chart(
        charts.stacked_by_color(
            c, "label", "customers", "status", tr("col_cust.label"), tr("cust.people"), tr("cust.status")
        ),
        width="stretch",
    )
    view = c.assign(
        label=[seg_label("cpm", f"{g}_{'active' if a else 'lapsed'}") for g, a in zip(c["group"], c["active"])]
    )
    table(view[["label", "customers", "sales"]], "customer_cpm", "col_cust", money=("sales",), key="cust_dl_cpm")

# --- CPM over time -----------------------------------------------------------------------------
st.subheader(tr("cust.cpm_monthly"))
try:
    monthly = run("customer_cpm_monthly", {"start": as_of - dt.timedelta(days=730)})
except Exception as exc:  # noqa: BLE001
    error(exc)
    monthly = pd.DataFrame()
if monthly.empty:
    empty()
else:
    keys = seg_keys("cpm")
    m = monthly.assign(
        label=[
            seg_label("cpm", f"{g}_{'active' if a else 'lapsed'}") for g, a in zip(monthly["group"], monthly["active"])
        ],
        _pos=[keys.index(f"{g}_{'active' if a else 'lapsed'}") for g, a in zip(monthly["group"], monthly["active"])],
    )
    m["month"] = m["month_end"].dt.strftime("%Y-%m")
    st.altair_chart(
        charts.stacked_by_color(
            m,
            "month",
            "customers",
            "label",
            tr("col_cust.month_end"),
            tr("cust.people"),
            tr("col_cust.label"),
            order=[seg_label("cpm", k) for k in keys],
        ),
        width="stretch",
    )

# --- RFM ---------------------------------------------------------------------------------------
st.subheader(tr("cust.rfm"))
st.caption(tr("cust.rfm.caption"))
try:
    rfm = run("customer_rfm")
    grid = run("customer_rfm_grid")
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
left, right = st.columns([3, 2])
left.altair_chart(
    charts.heatmap_labelled(
        grid, "f", "r", "customers", tr("col_cust.f"), tr("col_cust.r"), tr("cust.people"), y_sort="descending"
    ),
    width="stretch",
)
with right:
    view = rfm.assign(label=[tr(f"cust.rfm.{k}") for k in rfm["segment"]], share=rfm["share"] * 100)
    table(
        view[["label", "customers", "sales", "share"]],
        "customer_rfm",
        "col_cust",
        money=("sales",),
        percent=("share",),
        key="cust_dl_rfm",
    )

# --- ABC ---------------------------------------------------------------------------------------
st.subheader(tr("cust.abc"))
measures = {k: tr(f"cust.measure.{k}") for k in ("sales", "gross_profit", "items")}
measure = st.radio(
    tr("cust.abc.measure"), list(measures), format_func=measures.__getitem__, horizontal=True, key="cust_abc_measure"
)
try:
    abc = run("customer_abc", {"measure": measure})
    curve = run("customer_abc_curve", {"measure": measure, "points": 500})  # the chart needs a few hundred points
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
left, right = st.columns([3, 2])
left.altair_chart(
    charts.pareto(
        curve,
        "customer_share",
        "cumulative_share",
        "rank",
        tr("col_cust.customers"),
        tr("col_cust.share"),
        tr("col_cust.rank"),
        tuple(s.abc_cutoffs),
    ),
    width="stretch",
)
with right:
    table(
        abc.assign(share=abc["share"] * 100),
        "customer_abc",
        "col_cust",
        money=("sales",),
        percent=("share",),
        key="cust_dl_abc",
    )

# --- segment movement with drill-down ---------------------------------------------------------
st.subheader(tr("cust.movement"))
st.caption(tr("cust.movement.caption"))
segs = {k: tr(f"cust.segmentation.{k}") for k in ("classes", "cpm", "rfm")}
c1, c2, c3 = st.columns(3)
segmentation = url_select(c1, tr("cust.segmentation"), segs, "cust_mv_seg", index=1, format_func=segs.__getitem__)
from_date = url_date(c2, tr("cust.from_date"), as_of - dt.timedelta(days=7), "cust_mv_from")
to_date = url_date(c3, tr("cust.to_date"), as_of, "cust_mv_to")
mv_params = {"segmentation": segmentation, "from_date": from_date, "to_date": to_date}
try:
    mv = run("segment_movement", mv_params)
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
if mv.empty:
    empty()
else:
    order = ["none"] + seg_keys(segmentation)
    lab = {k: seg_label(segmentation, k) for k in order}
    mvl = mv.assign(from_label=mv["from_segment"].map(lab), to_label=mv["to_segment"].map(lab))
    st.altair_chart(
        charts.heatmap_labelled(
            mvl,
            "to_label",
            "from_label",
            "customers",
            tr("col_cust.to_segment"),
            tr("col_cust.from_segment"),
            tr("cust.people"),
            x_sort=[lab[k] for k in order],
            y_sort=[lab[k] for k in order],
        ),
        width="stretch",
    )
    cells = {"": tr("cust.cell.none")}
    for _, r in mv.iterrows():
        cells[f"{r.from_segment}|{r.to_segment}"] = f"{lab[r.from_segment]} → {lab[r.to_segment]}: {int(r.customers):,}"
    cell = st.selectbox(tr("cust.cell"), list(cells), format_func=cells.__getitem__, key="cust_mv_cell")
    if cell:
        f, t = cell.split("|")
        p = {
            "segmentation": segmentation,
            "move_from": f,
            "move_to": t,
            "move_from_date": from_date,
            "move_to_date": to_date,
        }
        try:
            customer_list(p, segmentation, "cust_dl_cell")
            reproduce("extract_customers", p)
        except Exception as exc:  # noqa: BLE001
            error(exc)

# --- extraction --------------------------------------------------------------------------------
st.subheader(tr("cust.extract"))
presets = {k: tr(f"cust.preset.{k}") for k in ("free", "dormant365", "loyal_dormant", "birthday", "stopped")}
preset = st.selectbox(tr("cust.preset"), list(presets), format_func=presets.__getitem__, key="cust_ex_preset")
contacts = {k: tr(f"cust.contact.{k}") for k in ("any", "mail", "dm", "call")}
c1, c2 = st.columns(2)
contact = c1.radio(
    tr("cust.contact"),
    list(contacts),
    format_func=contacts.__getitem__,
    horizontal=True,
    index=0 if preset == "free" else 1,
    key=f"cust_ex_contact_{preset}",
)
ex_seg = c2.selectbox(
    tr("cust.segmentation"),
    list(segs),
    index=0 if preset == "loyal_dormant" else 1,
    format_func=segs.__getitem__,
    key=f"cust_ex_seg_{preset}",
)
seg_names = {k: seg_label(ex_seg, k) for k in seg_keys(ex_seg)}
chosen = st.multiselect(
    tr("cust.segments"),
    list(seg_names),
    format_func=seg_names.__getitem__,
    default=["loyal_dormant"] if preset == "loyal_dormant" and ex_seg == "classes" else [],
    key=f"cust_ex_segs_{preset}_{ex_seg}",
)
c1, c2, c3, c4 = st.columns(4)
min_rec = c1.number_input(
    tr("cust.recency") + " ≥",
    min_value=0,
    value=365 if preset == "dormant365" else 0,
    step=30,
    key=f"cust_ex_minrec_{preset}",
)
max_rec = c2.number_input(
    tr("cust.recency") + " ≤", min_value=0, value=0, step=30, key=f"cust_ex_maxrec_{preset}", help="0 = ∞"
)
min_ord = c3.number_input(tr("cust.orders_range") + " ≥", min_value=0, value=0, key=f"cust_ex_minord_{preset}")
max_ord = c4.number_input(
    tr("cust.orders_range") + " ≤", min_value=0, value=0, key=f"cust_ex_maxord_{preset}", help="0 = ∞"
)
c1, c2, c3 = st.columns(3)
bought = c1.text_input(tr("cust.bought"), key="cust_ex_bought", placeholder="P001, P002")
not_bought = c2.text_input(tr("cust.not_bought"), key="cust_ex_notbought")
birth_month = c3.number_input(
    tr("cust.birth_month"),
    min_value=0,
    max_value=12,
    value=as_of.month if preset == "birthday" else 0,
    key=f"cust_ex_bm_{preset}",
)
reasons_opts = []
if ds.has("subscriptions"):
    try:
        reasons_opts = list(run("customer_cancel_reasons")["cancel_reason"])
    except Exception as exc:  # noqa: BLE001
        error(exc)
c1, c2 = st.columns([3, 1])
reasons = c1.multiselect(tr("cust.cancel_reasons"), reasons_opts, key=f"cust_ex_reasons_{preset}")
stopped = c2.checkbox(tr("cust.stopped_only"), value=preset == "stopped", key=f"cust_ex_stopped_{preset}")

ex_params = {
    "segmentation": ex_seg,
    "segments": chosen or None,
    "min_recency": min_rec or None,
    "max_recency": max_rec or None,
    "min_orders": min_ord or None,
    "max_orders": max_ord or None,
    "bought": bought or None,
    "not_bought": not_bought or None,
    "birth_month": birth_month or None,
    "mail_optin": True if contact == "mail" else None,
    "dm_optin": True if contact == "dm" else None,
    "call_optin": True if contact == "call" else None,
    "cancel_reasons": reasons or None,
    "stopped_only": bool(stopped),
}
try:
    customer_list(ex_params, ex_seg, "cust_dl_extract", excel=True)
except Exception as exc:  # noqa: BLE001
    error(exc)
    st.stop()
reproduce("extract_customers", ex_params)

# --- purchaser profile -------------------------------------------------------------------------
if ds.has("customers"):
    try:
        prof = run("customer_profile")
    except Exception as exc:  # noqa: BLE001
        error(exc)
        prof = pd.DataFrame()
    if not prof.empty:
        st.subheader(tr("cust.profile"))
        st.caption(tr("cust.profile.caption"))
        names = {
            "gender": tr("col_cust.gender"),
            "age_band": tr("cust.age_band"),
            "prefecture": tr("col_cust.prefecture"),
            "member_tier": tr("col_cust.member_tier"),
            "amount_band": tr("cust.amount_band"),
        }
        dims = [d for d in names if d in set(prof["dimension"])]
        cols = st.columns(2)
        for i, d in enumerate(dims):
            part = prof[prof["dimension"] == d]
            if d == "prefecture":
                part = part.head(15)
            cols[i % 2].altair_chart(
                charts.bars(part, "band", "customers", names[d], tr("cust.people"), horizontal=True), width="stretch"
            )
