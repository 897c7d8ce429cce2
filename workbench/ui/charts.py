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


def stacked_bars(df: pd.DataFrame, x: str, y: str, color: str, x_title: str, y_title: str, color_title: str,
                 x_type: str = "N", order: list | None = None) -> alt.Chart:
    """Stacked bars of `y` per `x`, split by `color` (kept in `order`)."""
    sort = order if order is not None else None
    c = alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{x}:{x_type}", title=x_title, sort=None, axis=alt.Axis(labelAngle=0 if x_type == "N" and len(df[x].unique()) <= 12 else -45)),
        y=alt.Y(f"{y}:Q", title=y_title, stack=True),
        color=alt.Color(f"{color}:N", title=color_title, sort=sort, scale=alt.Scale(range=PALETTE + ["#333333", "#bbbbbb"])),
        order=alt.Order("_pos:Q") if "_pos" in df.columns else alt.Undefined,
        tooltip=[alt.Tooltip(f"{x}:{x_type}", title=x_title), alt.Tooltip(f"{color}:N", title=color_title),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=",")])
    return themed(c)


def heatmap(df: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str, value_title: str,
            x_sort=None, y_sort=None) -> alt.Chart:
    """A grid of cells coloured by `value`, with the number written in each cell."""
    base = alt.Chart(df).encode(x=alt.X(f"{x}:O", title=x_title, sort=x_sort),
                                y=alt.Y(f"{y}:O", title=y_title, sort=y_sort))
    rect = base.mark_rect().encode(color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
                                   tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{y}:O", title=y_title),
                                            alt.Tooltip(f"{value}:Q", title=value_title, format=",")])
    text = base.mark_text(font=FONT, fontSize=13).encode(
        text=alt.Text(f"{value}:Q", format=","),
        color=alt.condition(f"datum.{value} > 0", alt.value("#222222"), alt.value("#bbbbbb")))
    return themed(alt.layer(rect, text).properties(height=alt.Step(36)))


def pareto(df: pd.DataFrame, x: str, y: str, color: str, x_title: str, y_title: str, color_title: str,
           cutoffs: tuple = ()) -> alt.Chart:
    """A cumulative-share curve (both axes 0–100%) coloured by rank, with horizontal cut-off rules."""
    line = alt.Chart(df).mark_area(opacity=0.7).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color(f"{color}:N", title=color_title, scale=alt.Scale(range=PALETTE)),
        tooltip=[alt.Tooltip(f"{x}:Q", title=x_title, format=".1%"), alt.Tooltip(f"{y}:Q", title=y_title, format=".1%")])
    rules = alt.Chart(pd.DataFrame({"c": list(cutoffs)})).mark_rule(strokeDash=[4, 4], color="#666666").encode(y="c:Q")
    return themed(alt.layer(line, rules))
