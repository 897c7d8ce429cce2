"""Altair chart builders shared by the pages (aggregated rows only; Japanese-friendly fonts)."""
from __future__ import annotations

import altair as alt
import pandas as pd

FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"
PALETTE = ["#1f6f8b", "#99a8b2", "#e6a157", "#d1495b", "#66a182", "#8e6c8a", "#edae49", "#00798c"]


def themed(chart: alt.Chart) -> alt.Chart:
    return chart.configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12) \
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12, orient="bottom") \
        .configure_title(font=FONT, fontSize=14) \
        .configure_view(strokeWidth=0)


def stacked_with_share(df: pd.DataFrame, x: str, parts: dict[str, str], share_num: str, share_den: str,
                       x_title: str, y_title: str, share_title: str, time_unit: str | None = None) -> alt.Chart:
    """Stacked bars of `parts` (column → label) per x, with a line of share_num ÷ share_den on its own axis."""
    long = df.melt(id_vars=[x], value_vars=list(parts), var_name="part", value_name="value")
    long["label"] = long["part"].map(parts)
    long["order"] = long["part"].map({p: i for i, p in enumerate(parts)})
    xenc = alt.X(f"{x}:T" if time_unit is None else f"{time_unit}({x}):O", title=x_title,
                 axis=alt.Axis(format="%Y-%m", labelAngle=-45) if time_unit is None else alt.Axis(labelAngle=-45))
    bars = alt.Chart(long).mark_bar().encode(
        x=xenc,
        y=alt.Y("sum(value):Q", title=y_title),
        color=alt.Color("label:N", title=None, sort=list(parts.values()),
                        scale=alt.Scale(domain=list(parts.values()), range=PALETTE[: len(parts)])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{x}:T", title=x_title), alt.Tooltip("label:N", title=" "),
                 alt.Tooltip("value:Q", title=y_title, format=",")],
    )
    share = df[[x, share_num, share_den]].copy()
    share["share"] = share[share_num] / share[share_den].where(share[share_den] != 0)
    line = alt.Chart(share).mark_line(point=True, color="#333333", strokeDash=[4, 2]).encode(
        x=xenc,
        y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{x}:T", title=x_title), alt.Tooltip("share:Q", title=share_title, format=".1%")],
    )
    return themed(alt.layer(bars, line).resolve_scale(y="independent").properties(height=360))


def bars(df: pd.DataFrame, x: str, y: str, x_title: str, y_title: str, color: str | None = None,
         horizontal: bool = False, fmt: str = ",") -> alt.Chart:
    enc_x = alt.X(f"{x}:N", title=x_title, sort=None)
    enc_y = alt.Y(f"{y}:Q", title=y_title)
    c = alt.Chart(df).mark_bar(color=color or PALETTE[0])
    c = c.encode(y=alt.Y(f"{x}:N", title=x_title, sort=None), x=alt.X(f"{y}:Q", title=y_title)) if horizontal \
        else c.encode(x=enc_x, y=enc_y)
    return themed(c.encode(tooltip=[alt.Tooltip(f"{x}:N", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=fmt)]))


def cohort_heatmap(df: pd.DataFrame, value: str, share_of: str | None, cohort_title: str, month_title: str,
                   value_title: str, percent: bool = False) -> alt.Chart:
    """Cohort × months-since-first heat map of `value` (or value ÷ share_of × 100 when share_of is given)."""
    base = alt.Chart(df)
    if share_of:
        base = base.transform_calculate(shown=f"datum.{value} / datum.{share_of} * 100")
    else:
        base = base.transform_calculate(shown=f"datum.{value}")
    fmt = ".0f"
    rect = base.mark_rect().encode(
        x=alt.X("months_since_first:O", title=month_title),
        y=alt.Y("cohort:N", title=cohort_title),
        color=alt.Color("shown:Q", title=value_title, scale=alt.Scale(scheme="blues")),
        tooltip=["cohort:N", "months_since_first:O", alt.Tooltip("shown:Q", title=value_title, format=",.1f")],
    )
    text = base.mark_text(fontSize=9, font=FONT).encode(
        x="months_since_first:O", y="cohort:N",
        text=alt.Text("shown:Q", format=(".0f" if percent else ",.0f")),
        color=alt.condition("datum.shown > 0", alt.value("#222"), alt.value("#999")),
    )
    rows = max(1, df["cohort"].nunique())
    return themed((rect + text).properties(height=min(22 * rows + 40, 900)))


def ltv_curves(df: pd.DataFrame, month_title: str, ltv_title: str, partial_field: str, legend_title: str) -> alt.Chart:
    """Cumulative LTV per cohort; cohorts flagged in `partial_field` are dashed and thinner."""
    chart = alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("months_since_first:Q", title=month_title),
        y=alt.Y("cumulative_sales_per_customer:Q", title=ltv_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color("cohort:N", title=legend_title, scale=alt.Scale(range=PALETTE)),
        strokeDash=alt.StrokeDash(f"{partial_field}:N", title=None),
        tooltip=["cohort:N", "months_since_first:Q",
                 alt.Tooltip("cumulative_sales_per_customer:Q", title=ltv_title, format=",.0f")],
    )
    return themed(chart.properties(height=360))
