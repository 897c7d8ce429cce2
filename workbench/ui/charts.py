"""Altair chart builders shared by the pages (aggregated rows only; Japanese-friendly fonts)."""

from __future__ import annotations

import altair as alt
import pandas as pd

FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"
PALETTE = ["#1f6f8b", "#99a8b2", "#e6a157", "#d1495b", "#66a182", "#8e6c8a", "#edae49", "#00798c"]


def themed(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFont=FONT, titleFont=FONT, labelFontSize=12, orient="bottom")
        .configure_title(font=FONT, fontSize=14)
        .configure_view(strokeWidth=0)
    )


def period_format(grain: str) -> str:
    """strftime format of a period label for a grain (day/week → date, month → YYYY-MM, year → YYYY)."""
    return {"year": "%Y", "month": "%Y-%m"}.get(grain, "%Y-%m-%d")


# A period chart shows at most this many periods, the latest (the table below it has them all): a
# daily chart of years of orders is unreadable, and in long form it would pass Altair's row limit.
MAX_PERIODS = 400


def periods_cut(df: pd.DataFrame, x: str) -> bool:
    """True when a period chart of df leaves out its earliest periods (see MAX_PERIODS)."""
    return df[x].nunique() > MAX_PERIODS


def _periods(df: pd.DataFrame, x: str, time_format: str) -> pd.DataFrame:
    """`df` in period order with `_x`, the period's label, for an ordinal axis; the latest
    MAX_PERIODS periods only.

    Periods are ordered categories rather than a time scale, so each bar takes its share of the
    width (on a time scale 24 monthly bars are hairlines).
    """
    kept = sorted(df[x].dropna().unique())[-MAX_PERIODS:]
    df = df[df[x].isin(kept)]
    return df.sort_values(x).assign(_x=pd.to_datetime(df[x]).dt.strftime(time_format))


def _period_x(title: str) -> alt.X:
    return alt.X("_x:O", title=title, sort=None, axis=alt.Axis(labelAngle=-45, labelOverlap="parity"))


def stacked_with_share(
    df: pd.DataFrame,
    x: str,
    parts: dict[str, str],
    share_num: str,
    share_den: str,
    x_title: str,
    y_title: str,
    share_title: str,
    time_format: str = "%Y-%m",
) -> alt.Chart:
    """Stacked bars of `parts` (column → label) per period, with a line of share_num ÷ share_den on its own axis."""
    data = _periods(df, x, time_format)
    long = data.melt(id_vars=["_x"], value_vars=list(parts), var_name="part", value_name="value")
    long["label"] = long["part"].map(parts)
    long["order"] = long["part"].map({p: i for i, p in enumerate(parts)})
    xenc = _period_x(x_title)
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=xenc,
            y=alt.Y("sum(value):Q", title=y_title),
            color=alt.Color(
                "label:N",
                title=None,
                sort=list(parts.values()),
                scale=alt.Scale(domain=list(parts.values()), range=PALETTE[: len(parts)]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("_x:O", title=x_title),
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("value:Q", title=y_title, format=","),
            ],
        )
    )
    share = data[["_x", share_num, share_den]].copy()
    share["share"] = share[share_num] / share[share_den].where(share[share_den] != 0)
    # a marker per period reads on a few dozen periods; on hundreds they blur the line
    line = (
        alt.Chart(share)
        .mark_line(point=len(share) <= 60, color="#333333", strokeDash=[4, 2])
        .encode(
            x=xenc,
            y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("_x:O", title=x_title), alt.Tooltip("share:Q", title=share_title, format=".1%")],
        )
    )
    return themed(alt.layer(bars, line).resolve_scale(y="independent").properties(height=360))


def bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    horizontal: bool = False,
    fmt: str = ",",
) -> alt.Chart:
    enc_x = alt.X(f"{x}:N", title=x_title, sort=None)
    enc_y = alt.Y(f"{y}:Q", title=y_title)
    c = alt.Chart(df).mark_bar(color=color or PALETTE[0])
    c = (
        c.encode(y=alt.Y(f"{x}:N", title=x_title, sort=None), x=alt.X(f"{y}:Q", title=y_title))
        if horizontal
        else c.encode(x=enc_x, y=enc_y)
    )
    return themed(
        c.encode(tooltip=[alt.Tooltip(f"{x}:N", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=fmt)])
    )


def stacked_bars(
    df: pd.DataFrame,
    x: str,
    parts: dict[str, str],
    x_title: str,
    y_title: str,
    colors: list[str] | None = None,
    x_type: str = "O",
    height: int = 320,
) -> alt.Chart:
    """Bars of `parts` (column → label) stacked per x, in the given order, bottom first."""
    long = df.melt(id_vars=[x], value_vars=list(parts), var_name="part", value_name="value")
    long["label"] = long["part"].map(parts)
    long["order"] = long["part"].map({p: i for i, p in enumerate(parts)})
    domain = list(parts.values())
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:{x_type}", title=x_title, axis=alt.Axis(labelAngle=0 if x_type == "O" else -45)),
            y=alt.Y("sum(value):Q", title=y_title),
            color=alt.Color(
                "label:N",
                title=None,
                sort=domain,
                scale=alt.Scale(domain=domain, range=(colors or PALETTE)[: len(domain)]),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip(f"{x}:{x_type}", title=x_title),
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("value:Q", title=y_title, format=","),
            ],
        )
    )
    return themed(chart.properties(height=height))


def grouped_bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    x_title: str,
    y_title: str,
    colors: list[str] | None = None,
    y_format: str = ",",
) -> alt.Chart:
    """Side-by-side bars of y per x, one bar per group."""
    groups = list(dict.fromkeys(df[group]))
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset(f"{group}:N", sort=groups),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color(
                f"{group}:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups, range=(colors or PALETTE)[: len(groups)]),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{group}:N", title=" "),
                alt.Tooltip(f"{y}:Q", title=y_title, format=y_format),
            ],
        )
    )
    return themed(chart.properties(height=280))


def curve_with_band(
    df: pd.DataFrame,
    x: str,
    y: str,
    low: str,
    high: str,
    x_title: str,
    y_title: str,
    label: str,
    extra: pd.DataFrame | None = None,
    extra_label: str = "",
) -> alt.Chart:
    """A line with a shaded confidence band, and optionally a dotted comparison line (same x, y names)."""
    base = alt.Chart(df).encode(x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")))
    band = base.mark_area(opacity=0.2, color=PALETTE[0]).encode(
        y=alt.Y(f"{low}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])), y2=f"{high}:Q"
    )
    line = base.mark_line(point=True, color=PALETTE[0]).encode(
        y=f"{y}:Q",
        tooltip=[
            alt.Tooltip(f"{x}:Q", title=x_title),
            alt.Tooltip(f"{y}:Q", title=label, format=".1%"),
            alt.Tooltip(f"{low}:Q", format=".1%"),
            alt.Tooltip(f"{high}:Q", format=".1%"),
        ],
    )
    layers = [band, line]
    if extra is not None:
        layers.append(
            alt.Chart(extra)
            .mark_line(strokeDash=[4, 3], color=PALETTE[3])
            .encode(x=f"{x}:Q", y=f"{y}:Q", tooltip=[alt.Tooltip(f"{y}:Q", title=extra_label, format=".1%")])
        )
    return themed(alt.layer(*layers).properties(height=300))


def stacked_kinds(
    df: pd.DataFrame,
    x: str,
    kind: str,
    y: str,
    labels: dict[str, str],
    x_title: str,
    y_title: str,
    kind_title: str,
    time_format: str = "%Y-%m",
) -> alt.Chart:
    """Stacked bars per period, one colour per kind, in the order of `labels` (e.g. the five order kinds)."""
    data = _periods(df, x, time_format).assign(_label=lambda d: d[kind].map(labels))
    order = list(labels.values())
    return themed(
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_period_x(x_title),
            y=alt.Y(f"{y}:Q", title=y_title, stack="zero"),
            color=alt.Color(
                "_label:N", title=kind_title, sort=order, scale=alt.Scale(domain=order, range=PALETTE[: len(order)])
            ),
            order=alt.Order("_pos:Q"),
            tooltip=[
                alt.Tooltip("_x:O", title=x_title),
                alt.Tooltip("_label:N", title=kind_title),
                alt.Tooltip(f"{y}:Q", title=y_title, format=","),
            ],
        )
        .transform_calculate(_pos=f"indexof({order!r}, datum._label)")
        .properties(height=340)
    )


def rate_with_interval(
    df: pd.DataFrame,
    x: str,
    rate: str,
    low: str,
    high: str,
    x_title: str,
    y_title: str,
    band: tuple[float, float] | None = None,
    target: float | None = None,
    color: str | None = None,
) -> alt.Chart:
    """A rate per category as a dot with an error bar (low–high), a reference band and a target rule."""
    base = alt.Chart(df).encode(y=alt.Y(f"{x}:N", title=x_title, sort=None))
    enc_color = alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=PALETTE)) if color else alt.value(PALETTE[0])
    layers = []
    # every layer shares the category axis, so the band and the target are drawn per row
    if band:
        layers.append(base.mark_bar(color="#bbbbbb", opacity=0.35).encode(x=alt.datum(band[0]), x2=alt.datum(band[1])))
    if target is not None:
        layers.append(base.mark_tick(color="#d1495b", thickness=2).encode(x=alt.datum(target)))
    layers.append(
        base.mark_rule(size=2).encode(
            x=alt.X(f"{low}:Q", title=y_title, scale=alt.Scale(domain=[0, 100])), x2=f"{high}:Q", color=enc_color
        )
    )
    layers.append(
        base.mark_point(filled=True, size=90).encode(
            x=f"{rate}:Q",
            color=enc_color,
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{rate}:Q", title=y_title, format=".1f"),
                alt.Tooltip(f"{low}:Q", format=".1f"),
                alt.Tooltip(f"{high}:Q", format=".1f"),
            ],
        )
    )
    return themed(alt.layer(*layers).properties(height=max(120, 34 * len(df))))


def heatmap(
    df: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    x_title: str,
    y_title: str,
    value_title: str,
    y_sort: list | None = None,
) -> alt.Chart:
    """A grid of cells coloured by `value` (e.g. orders by hour × weekday)."""
    return themed(
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:N", title=y_title, sort=y_sort),
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip(f"{y}:N", title=y_title),
                alt.Tooltip(f"{x}:O", title=x_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=","),
            ],
        )
        .properties(height=240)
    )


def bubbles(
    df: pd.DataFrame,
    x: str,
    y: str,
    size: str,
    label: str,
    x_title: str,
    y_title: str,
    size_title: str,
    color: str | None = None,
) -> alt.Chart:
    """A scatter with bubble size and text labels (e.g. cost against upgrades, bubble = sales)."""
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=",.0f", labelAngle=-30)), y=alt.Y(f"{y}:Q", title=y_title)
    )
    dots = base.mark_circle(opacity=0.6).encode(
        size=alt.Size(f"{size}:Q", title=size_title, scale=alt.Scale(range=[60, 1500])),
        color=alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=PALETTE)) if color else alt.value(PALETTE[0]),
        tooltip=[
            alt.Tooltip(f"{label}:N"),
            alt.Tooltip(f"{x}:Q", title=x_title, format=","),
            alt.Tooltip(f"{y}:Q", title=y_title, format=","),
            alt.Tooltip(f"{size}:Q", title=size_title, format=","),
        ],
    )
    text = base.mark_text(align="left", dx=8, dy=-8, font=FONT, fontSize=11).encode(text=f"{label}:N")
    return themed(alt.layer(dots, text).properties(height=380))


def cohort_heatmap(
    df: pd.DataFrame,
    value: str,
    share_of: str | None,
    cohort_title: str,
    month_title: str,
    value_title: str,
    percent: bool = False,
) -> alt.Chart:
    """Cohort × months-since-first heat map of `value` (or value ÷ share_of × 100 when share_of is given)."""
    base = alt.Chart(df)
    if share_of:
        base = base.transform_calculate(shown=f"datum.{value} / datum.{share_of} * 100")
    else:
        base = base.transform_calculate(shown=f"datum.{value}")
    rect = base.mark_rect().encode(
        x=alt.X("months_since_first:O", title=month_title),
        y=alt.Y("cohort:N", title=cohort_title),
        color=alt.Color("shown:Q", title=value_title, scale=alt.Scale(scheme="blues")),
        tooltip=["cohort:N", "months_since_first:O", alt.Tooltip("shown:Q", title=value_title, format=",.1f")],
    )
    text = base.mark_text(fontSize=9, font=FONT).encode(
        x="months_since_first:O",
        y="cohort:N",
        text=alt.Text("shown:Q", format=(".0f" if percent else ",.0f")),
        color=alt.condition("datum.shown > 0", alt.value("#222"), alt.value("#999")),
    )
    rows = max(1, df["cohort"].nunique())
    return themed((rect + text).properties(height=min(22 * rows + 40, 900)))


def ltv_curves(df: pd.DataFrame, month_title: str, ltv_title: str, partial_field: str, legend_title: str) -> alt.Chart:
    """Cumulative LTV per cohort; cohorts flagged in `partial_field` are dashed and thinner."""
    chart = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("months_since_first:Q", title=month_title),
            y=alt.Y("cumulative_sales_per_customer:Q", title=ltv_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color("cohort:N", title=legend_title, scale=alt.Scale(range=PALETTE)),
            strokeDash=alt.StrokeDash(f"{partial_field}:N", title=None),
            tooltip=[
                "cohort:N",
                "months_since_first:Q",
                alt.Tooltip("cumulative_sales_per_customer:Q", title=ltv_title, format=",.0f"),
            ],
        )
    )
    return themed(chart.properties(height=360))


def stacked_by_color(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    x_title: str,
    y_title: str,
    color_title: str,
    x_type: str = "N",
    order: list | None = None,
) -> alt.Chart:
    """Stacked bars of `y` per `x`, split by `color` (kept in `order`)."""
    sort = order if order is not None else None
    c = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{x}:{x_type}",
                title=x_title,
                sort=None,
                axis=alt.Axis(labelAngle=0 if x_type == "N" and len(df[x].unique()) <= 12 else -45),
            ),
            y=alt.Y(f"{y}:Q", title=y_title, stack=True),
            color=alt.Color(
                f"{color}:N", title=color_title, sort=sort, scale=alt.Scale(range=PALETTE + ["#333333", "#bbbbbb"])
            ),
            order=alt.Order("_pos:Q") if "_pos" in df.columns else alt.Undefined,
            tooltip=[
                alt.Tooltip(f"{x}:{x_type}", title=x_title),
                alt.Tooltip(f"{color}:N", title=color_title),
                alt.Tooltip(f"{y}:Q", title=y_title, format=","),
            ],
        )
    )
    return themed(c)


def heatmap_labelled(
    df: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str, value_title: str, x_sort=None, y_sort=None
) -> alt.Chart:
    """A grid of cells coloured by `value`, with the number written in each cell."""
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=x_sort), y=alt.Y(f"{y}:O", title=y_title, sort=y_sort)
    )
    rect = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
        tooltip=[
            alt.Tooltip(f"{x}:O", title=x_title),
            alt.Tooltip(f"{y}:O", title=y_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=","),
        ],
    )
    text = base.mark_text(font=FONT, fontSize=13).encode(
        text=alt.Text(f"{value}:Q", format=","),
        color=alt.condition(f"datum.{value} > 0", alt.value("#222222"), alt.value("#bbbbbb")),
    )
    return themed(alt.layer(rect, text).properties(height=alt.Step(36)))


def pareto(
    df: pd.DataFrame, x: str, y: str, color: str, x_title: str, y_title: str, color_title: str, cutoffs: tuple = ()
) -> alt.Chart:
    """A cumulative-share curve (both axes 0–100%) coloured by rank, with horizontal cut-off rules."""
    line = (
        alt.Chart(df)
        .mark_area(opacity=0.7)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(f"{color}:N", title=color_title, scale=alt.Scale(range=PALETTE)),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title, format=".1%"),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".1%"),
            ],
        )
    )
    rules = alt.Chart(pd.DataFrame({"c": list(cutoffs)})).mark_rule(strokeDash=[4, 4], color="#666666").encode(y="c:Q")
    return themed(alt.layer(line, rules))
