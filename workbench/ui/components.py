"""Widgets every page shares: table with CSV download, empty state, errors, the CLI line."""
from __future__ import annotations

import datetime as dt
import shlex

import pandas as pd
import streamlit as st

from workbench import export
from workbench.errors import WorkbenchError

from .state import current_dataset, lang, settings, tr

# A browser table never gets more rows than this (the rest stays on the server), and downloads
# are built only up to DOWNLOAD_MAX rows: beyond that the page points to the command line, which
# writes any size. Large shops have millions of customers in an extraction list.
MAX_SHOWN = 1_000
DOWNLOAD_MAX = 200_000


def error(exc: Exception) -> None:
    """A clear message in the UI language; never a traceback."""
    if isinstance(exc, WorkbenchError):
        st.error(exc.message(lang()))
        if hasattr(exc, "report"):
            st.code(exc.report(lang()), language=None)
    else:
        st.error(tr("query.failed", name="-", why=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))


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


def table(df: pd.DataFrame, name: str, prefix: str, money: tuple[str, ...] = (), percent: tuple[str, ...] = (),
          key: str | None = None, ratio: tuple[str, ...] = ()) -> None:
    """A table with labelled columns, yen formatting, and a CSV download of the plain numbers.

    money: yen columns; percent: values already in percent (12.5 → 12.5%); ratio: fractions (0.125 → 12.5%).
    """
    s = settings()
    config = {}
    for col, label in labels(df, prefix).items():
        if col in money:
            yen = s.currency_symbol == "¥" and s.currency_decimals == 0
            config[col] = st.column_config.NumberColumn(label, format="yen" if yen else f"{s.currency_symbol}%.{s.currency_decimals}f")
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
    shown = df.head(MAX_SHOWN)
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch")
    if len(df) > MAX_SHOWN:
        st.caption(tr("common.capped", shown=f"{len(shown):,}", total=f"{len(df):,}"))
    if downloadable(df):
        st.download_button(tr("common.download_csv"), export.to_csv_excel(df), file_name=f"{name}.csv",
                           mime="text/csv", key=key or f"dl_{name}")


def downloadable(df: pd.DataFrame) -> bool:
    """True when a download of `df` may be built in the page; else say to use the command line."""
    if len(df) <= DOWNLOAD_MAX:
        return True
    st.caption(tr("common.too_big_to_download", total=f"{len(df):,}", limit=f"{DOWNLOAD_MAX:,}"))
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
