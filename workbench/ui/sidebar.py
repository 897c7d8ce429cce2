"""The sidebar: dataset, as-of date, counted statuses, language."""

from __future__ import annotations

import streamlit as st

from workbench import config
from workbench.contract import DEFAULT_COUNTED_STATUSES, STATUSES
from workbench.i18n import LANGUAGES

from . import state
from .state import tr


def _on_lang():
    st.query_params["lang"] = st.session_state["lang"]


def render() -> None:
    """Draw the sidebar; widget values land in st.session_state for state.settings()."""
    with st.sidebar:
        if "lang" not in st.session_state:
            st.session_state["lang"] = state.lang()
        st.selectbox(
            tr("sidebar.language"),
            LANGUAGES,
            key="lang",
            on_change=_on_lang,
            format_func=lambda v: {"ja": "日本語", "en": "English"}[v],
        )
        _dataset_picker()
        ds, _ = state.current_dataset()
        default_as_of = ds.default_as_of
        st.date_input(
            tr("sidebar.as_of"),
            value=default_as_of,
            key="setting_as_of",
            help=tr("sidebar.as_of.help"),
            format="YYYY-MM-DD",
        )
        if "setting_counted_statuses" not in st.session_state:
            st.session_state["setting_counted_statuses"] = list(
                state.base_settings().counted_statuses or DEFAULT_COUNTED_STATUSES
            )
        names = {v: tr(f"status.{v}") for v in STATUSES}  # labels fixed at render time (AppTest-safe)
        st.multiselect(
            tr("sidebar.counted_statuses"), STATUSES, key="setting_counted_statuses", format_func=names.__getitem__
        )
        st.caption(
            tr(
                "sidebar.summary",
                name=ds.name,
                orders=f"{ds.row_counts['orders']:,}",
                first=ds.first_order_date,
                last=ds.default_as_of,
            )
        )


def _dataset_picker() -> None:
    options = ["sample"]
    if not config.current().read_only:  # a read-only instance offers no server folders
        options.append("folder")
    if st.session_state.get("upload_dataset") is not None:
        options.append("upload")
    current = (st.session_state.get("dataset_key") or "sample").split(":", 1)[0]
    names = {v: tr(f"sidebar.dataset.{v}") for v in options}
    choice = st.radio(
        tr("sidebar.dataset"),
        options,
        index=options.index(current) if current in options else 0,
        format_func=names.__getitem__,
        key="dataset_choice",
    )
    if choice == "sample":
        st.session_state["dataset_key"] = "sample"
    elif choice == "upload":
        st.session_state["dataset_key"] = st.session_state.get("upload_key")
    else:
        path = st.text_input(
            tr("sidebar.dataset.path"),
            key="dataset_path",
            value=(st.session_state.get("dataset_key") or "")[len("folder:") :] if current == "folder" else "",
        )
        if st.button(tr("sidebar.dataset.load"), key="dataset_load") and path:
            try:
                state.load_shared(path)
            except Exception as exc:  # noqa: BLE001 - shown in the UI language, data unchanged
                from .components import error

                error(exc)
            else:
                st.session_state["dataset_key"] = f"folder:{path}"
                st.session_state.pop("setting_as_of", None)
