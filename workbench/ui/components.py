"""Widgets every page shares: table with CSV download, empty state, errors, the CLI line."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Callable

import pandas as pd
import streamlit as st

from workbench import export
from workbench.errors import WorkbenchError
from workbench.limits import DOWNLOAD_MAX, MAX_SHOWN  # noqa: F401 - pages import them from here

from .state import current_dataset, lang, settings, tr


def error(exc: Exception) -> None:
    """A clear message in the UI language; never a traceback."""
    if isinstance(exc, WorkbenchError):
        st.error(exc.message(lang()))
        if hasattr(exc, "report"):
            st.code(exc.report(lang()), language=None)
    else:
        st.error(tr("query.failed", name="-", why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))


def _to_url(key: str, value, default) -> None:
    """Keep a filter in the address so the view can be shared as a link (dropped when at its default)."""
    if value is None or value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value.isoformat() if isinstance(value, dt.date) else str(value)


def url_select(container, label: str, options, key: str, index: int = 0, **kw):
    """A selectbox whose value is read from and written to the URL (`?key=value`, the option itself,
    not its label, so a link works in either language)."""
    options = list(options)
    as_text = [str(o) for o in options]
    raw = st.query_params.get(key)
    chosen = as_text.index(raw) if raw in as_text else index
    value = container.selectbox(label, options, index=chosen, key=key, **kw)
    _to_url(key, value, options[index] if options else None)
    return value


def url_segmented(container, label: str, options, key: str, default, **kw):
    """A segmented control whose value lives in the URL like url_select's."""
    options = list(options)
    raw = st.query_params.get(key)
    start = next((o for o in options if str(o) == raw), default)
    value = container.segmented_control(label, options, default=start, key=key, **kw) or default
    _to_url(key, value, default)
    return value


def url_date(container, label: str, value, key: str, **kw):
    """A date input whose value lives in the URL as YYYY-MM-DD (a bad date in a link is ignored)."""
    try:
        start = dt.date.fromisoformat(st.query_params.get(key) or "")
    except ValueError:
        start = value
    chosen = container.date_input(label, value=start, key=key, format="YYYY-MM-DD", **kw)
    _to_url(key, chosen, value)
    return chosen


def seg_label(segmentation: str, key: str) -> str:
    """Display name of a segment key of segment_movement / extract_customers."""
    if key == "none":
        return tr("cust.seg.none")
    if segmentation == "classes":
        base, dormant = (key[:-8], True) if key.endswith("_dormant") else (key, False)
        return tr(f"cust.class.{base}") + (tr("cust.dormant") if dormant else "")
    if segmentation == "cpm":
        base, state = key.rsplit("_", 1)
        return f"{tr(f'cust.cpm.{base}')}・{tr(f'cust.{state}')}"
    return tr(f"cust.rfm.{key}")


def empty(message_key: str = "common.no_data") -> None:
    st.info(tr(message_key))


def needs(*tables: str) -> bool:
    """True when the dataset has the tables; otherwise say which are missing."""
    ds, _ = current_dataset()
    missing = [t for t in tables if t not in ds.present]
    if missing:
        st.info(tr("common.needs_table", tables=", ".join(missing)))
        return False
    return True


def labels(df: pd.DataFrame, prefix: str) -> dict[str, str]:
    """Column labels from the catalogue (`prefix.column`), falling back to the column name."""
    out = {}
    for col in df.columns:
        text = tr(f"{prefix}.{col}")
        out[col] = col if text == f"{prefix}.{col}" else text
    return out


def table(
    df: pd.DataFrame,
    name: str,
    prefix: str,
    money: tuple[str, ...] = (),
    percent: tuple[str, ...] = (),
    key: str | None = None,
    ratio: tuple[str, ...] = (),
    csv: pd.DataFrame | None = None,
    total: int | None = None,
    full: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """A table with labelled columns, yen formatting, and a CSV download of the plain numbers.

    csv: what the download holds when the shown frame carries formatted text (default: df itself).
    total, full: when df is only the first rows of a long list (a query's preview), the list's
    length and a function that builds the whole list for the download (called when clicked).

    money: yen columns; percent: values already in percent (12.5 → 12.5%); ratio: fractions (0.125 → 12.5%).
    """
    s = settings()
    config = {}
    for col, label in labels(df, prefix).items():
        if col in money:
            yen = s.currency_symbol == "¥" and s.currency_decimals == 0
            config[col] = st.column_config.NumberColumn(
                label, format="yen" if yen else f"{s.currency_symbol}%.{s.currency_decimals}f"
            )
        elif col in percent:
            config[col] = st.column_config.NumberColumn(label, format="%.1f%%")
        elif col in ratio:
            config[col] = st.column_config.NumberColumn(label, format="percent")
        elif pd.api.types.is_datetime64_any_dtype(df[col]):
            config[col] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif pd.api.types.is_numeric_dtype(df[col]):
            config[col] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[col] = st.column_config.Column(label)
    # a column with no value at all (e.g. ad cost when cohorts are not split by ad) would read "None"
    # in every row; it stays in the CSV
    shown = df[[c for c in df.columns if df[c].notna().any()]] if len(df) else df
    shown = shown.head(MAX_SHOWN)
    st.dataframe(
        shown, column_config={c: v for c, v in config.items() if c in shown.columns}, hide_index=True, width="stretch"
    )
    rows = len(df) if total is None else total
    if rows > len(shown):
        st.caption(tr("common.capped", shown=f"{len(shown):,}", total=f"{rows:,}"))
    if downloadable(rows):

        def whole() -> pd.DataFrame:
            return full() if full is not None else df if csv is None else csv

        # built when clicked (in its own thread), not on every rerun
        st.download_button(
            tr("common.download_csv"),
            lambda: export.to_csv_excel(whole()),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=key or f"dl_{name}",
        )


def downloadable(rows: int) -> bool:
    """True when a download of `rows` rows may be built in the page; else say to use the command line."""
    if rows <= DOWNLOAD_MAX:
        return True
    st.caption(tr("common.too_big_to_download", total=f"{rows:,}", limit=f"{DOWNLOAD_MAX:,}"))
    return False


def reproduce(name: str, params: dict) -> None:
    """The command line that gives the same numbers (the app and the CLI run the same files)."""
    _, key = current_dataset()
    data = key.split(":", 1)[1] if key.startswith("folder:") else "sample_data"
    parts = ["python", "-m", "workbench", "query", name, "--data", data]
    for k, v in params.items():
        if v is None or v == "":
            continue
        v = v.isoformat() if isinstance(v, dt.date) else ",".join(v) if isinstance(v, (list, tuple)) else v
        parts += ["--param", f"{k}={v}"]
    s = settings()
    if s.as_of:
        parts += ["--as-of", s.as_of.isoformat()]
    with st.expander(tr("common.reproduce")):
        st.code(" ".join(shlex.quote(str(p)) for p in parts), language="bash")
