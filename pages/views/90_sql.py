"""SQL scratchpad: one SELECT over the session's tables and facts, run in a locked-down worker."""

import tempfile

import streamlit as st

from workbench import config, sandbox, userqueries
from workbench.errors import WorkbenchError
from workbench.ui import state
from workbench.ui.components import error, table
from workbench.ui.state import tr

cfg = config.current()
st.title(tr("sql.title"))
st.caption(tr("sql.caption", rows=cfg.result_rows, seconds=f"{cfg.query_seconds:g}"))

sql = st.text_area(
    tr("sql.input"),
    key="sql_text",
    height=180,
    value="select order_kind, count(*) as orders, sum(amount) as sales\nfrom order_fact\ngroup by all\norder by 1",
)


def _snapshot() -> str:
    """This session's private read-only copy of its dataset and facts (rebuilt when either changes)."""
    ds, key = state.current_dataset()
    settings = state.settings()
    tag = (key, settings.as_of, tuple(settings.counted_statuses))
    if "sql_tmp" not in st.session_state:  # removed with the session (TemporaryDirectory finaliser)
        st.session_state["sql_tmp"] = tempfile.TemporaryDirectory(prefix="wb_sql_")
    snap = st.session_state.get("sql_snap")
    if not snap or snap[0] != tag:
        path = sandbox.snapshot(ds, settings.replace(as_of=ds.as_of(settings)), st.session_state["sql_tmp"].name)
        if snap:
            from pathlib import Path

            Path(snap[1]).unlink(missing_ok=True)
        snap = (tag, str(path))
        st.session_state["sql_snap"] = snap
    return snap[1]


clicked = st.button(tr("sql.run"), key="sql_run", type="primary")
first_visit = not st.session_state.get("sql_tried")  # run the example once, so the page shows a result
if clicked or first_visit:
    st.session_state["sql_tried"] = True
    try:
        with st.spinner():
            result = sandbox.run(
                sql,
                _snapshot(),
                row_cap=cfg.result_rows,
                timeout=cfg.query_seconds,
                memory_limit=cfg.memory_limit,
                threads=cfg.threads,
            )
        st.session_state["sql_result"] = (sql, result)
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        st.session_state.pop("sql_result", None)
        error(exc)

if (kept := st.session_state.get("sql_result")) is not None:
    ran_sql, result = kept
    st.caption(tr("sql.rows", rows=len(result.frame), seconds=result.seconds))
    if result.truncated:
        st.warning(tr("sql.truncated", rows=cfg.result_rows))
    table(result.frame, "sql_result", "sql_col")
    with st.form("sql_save_form"):
        name = st.text_input(tr("sql.save.name"), key="sql_save_name")
        doc = st.text_input(tr("sql.save.doc"), key="sql_save_doc")
        if st.form_submit_button(tr("sql.save")):
            try:
                path = userqueries.save(ran_sql, name, doc, list(result.frame.columns), cfg.user_queries)
                st.success(tr("sql.saved", path=path.name))
            except WorkbenchError as exc:
                error(exc)
