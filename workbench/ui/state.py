"""Session state at the UI edge: language, settings, the current dataset, cached query runs.

One DuckDB database per dataset: the sample shop and Parquet folders are shared read-only
resources (st.cache_resource by path); an upload lives only in its session's state. Query
results are cached per (dataset key, settings, query, parameters); an upload's key holds a
random token, so no other session can hit its cache entries.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench import config as _config
from workbench import dataset as ds_mod
from workbench.i18n import LANGUAGES, t
from workbench.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
# the dataset the app opens on: a hosted instance's shared dataset (workbench.toml [data]
# shared_dataset), else $WORKBENCH_SAMPLE, else the sample shop
SAMPLE_DIR = Path(_config.current().shared_dataset or os.environ.get("WORKBENCH_SAMPLE", ROOT / "sample_data"))


def lang() -> str:
    """The UI language of this session (?lang=en in the URL, default Japanese)."""
    value = st.session_state.get("lang") or st.query_params.get("lang") or "ja"
    return value if value in LANGUAGES else "ja"


def tr(key: str, **fields) -> str:
    """A catalogue message in this session's language."""
    return t(key, lang(), **fields)


@st.cache_resource(show_spinner=False)
def base_settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_folder(path: str) -> ds_mod.Dataset:
    """A Parquet folder loaded once per server process and shared read-only."""
    return ds_mod.load_folder(path, base_settings())


def load_shared(path: str | Path) -> ds_mod.Dataset:
    return _shared_folder(str(Path(path).expanduser().resolve()))


def current_dataset() -> tuple[ds_mod.Dataset, str]:
    """The dataset this session looks at, and its cache key."""
    chosen = st.session_state.get("dataset_key")
    upload = st.session_state.get("upload_dataset")
    if chosen and chosen.startswith("upload:") and upload is not None:
        return upload, chosen
    if chosen and chosen.startswith("folder:"):
        try:
            return load_shared(chosen[len("folder:") :]), chosen
        except Exception:  # noqa: BLE001 - fall back to the sample; the sidebar reported the error
            st.session_state["dataset_key"] = None
    return load_shared(SAMPLE_DIR), "sample"


def settings() -> Settings:
    """Base settings with this session's sidebar choices applied."""
    s = base_settings()
    changes = {
        k: st.session_state[f"setting_{k}"]
        for k in ("as_of", "counted_statuses")
        if st.session_state.get(f"setting_{k}") is not None
    }
    if "counted_statuses" in changes:
        changes["counted_statuses"] = tuple(changes["counted_statuses"])
    changes["language"] = lang()
    return s.replace(**changes)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_run(_ds: ds_mod.Dataset, ds_key: str, name: str, params: tuple, settings: Settings) -> pd.DataFrame:
    return _ds.run(name, dict(params), settings)


def run(name: str, params: dict | None = None) -> pd.DataFrame:
    """Run a query on the session's dataset with its settings (cached)."""
    ds, key = current_dataset()
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (params or {}).items()))
    return _cached_run(ds, key, name, items, settings())


def deferred(name: str, params: dict | None = None):
    """A function that runs the query later, e.g. when a download is clicked: the dataset and
    settings are taken now, so it needs no page run (and nothing is cached: a whole list is big)."""
    ds, _ = current_dataset()
    s = settings()
    params = dict(params or {})
    return lambda: ds.run(name, params, s)
