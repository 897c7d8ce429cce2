"""データ: upload shop exports (or pick a Parquet folder), map columns, check, load for this session."""

import hashlib
import secrets
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench import config, dataset_info, importer
from workbench.contract import TABLES
from workbench.ui.components import error
from workbench.ui.state import current_dataset, lang, load_shared, settings, tr

s = settings()
st.title(tr("data.title"))


def page_name(key: str) -> str:
    text = tr(f"nav.{key}")
    return key if text == f"nav.{key}" else text


# ---------------------------------------------------------------- the current dataset's shape
st.subheader(tr("data.current"))
try:
    ds, key = current_dataset()
    info = dataset_info.shape(ds, s)
except Exception as exc:  # noqa: BLE001 - a message, never a traceback
    error(exc)
    st.stop()
m = st.columns([1, 1, 2.2, 1, 1.4])
m[0].metric(tr("data.tables"), f"{info['present']} / {len(TABLES)}")
m[1].metric(tr("data.orders_rows"), f"{ds.row_counts['orders']:,}")
m[2].metric(tr("data.period"), f"{info['first']} 〜 {info['last']}")
m[3].metric(tr("data.customers"), f"{info['customers']:,}")
m[4].metric(tr("data.counted_orders"), f"{info['counted_orders']:,}")
rows = [
    {
        tr("data.col.table"): t["table"],
        tr("data.col.present"): t["present"],
        tr("data.col.rows"): t["rows"],
        tr("data.col.unlocks"): ", ".join(page_name(u) for u in t["unlocks"]) or "-",
        tr("data.col.limited"): "-" if t["present"] else (", ".join(page_name(u) for u in t["unlocks"]) or "-"),
    }
    for t in info["tables"]
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
if key.startswith("upload:"):
    if st.session_state.get("data_zip_key") != key:
        st.session_state["data_zip"] = dataset_info.zip_parquet(ds)
        st.session_state["data_zip_key"] = key
    st.download_button(
        tr("data.download_zip"),
        st.session_state["data_zip"],
        file_name="dataset.zip",
        mime="application/zip",
        key="data_download",
    )

# ---------------------------------------------------------------- uploads (this session only)
st.subheader(tr("data.upload"))
st.caption(tr("data.upload.help"))
files = st.file_uploader(
    tr("data.upload"),
    type=[e.lstrip(".") for e in importer.EXTENSIONS],
    accept_multiple_files=True,
    key="data_files",
    label_visibility="collapsed",
)
if "data_tmp" not in st.session_state:
    st.session_state["data_tmp"] = tempfile.mkdtemp(prefix="wb-upload-")
tmp = Path(st.session_state["data_tmp"])
cache = st.session_state.setdefault("data_cache", {})
plans, ready = [], bool(files)
table_names = {t: t for t in TABLES}
none = tr("data.none")
for _i, f in enumerate(files or []):
    try:  # hosted limits (workbench.toml [limits]); local use has generous defaults
        config.check_upload_size(f.size)
    except config.LimitError as exc:
        ready = False
        st.error(f"{f.name}: {exc.message(lang())}")
        continue
    data = f.getvalue()
    digest = hashlib.sha1(data).hexdigest()[:16]
    path = tmp / digest / Path(f.name).name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with st.expander(f.name, expanded=True):
        if ("inspect", digest) not in cache:
            cache[("inspect", digest)] = importer.inspect(path, label=f.name)
        headers, encoding, preview, guess, problems = cache[("inspect", digest)]
        if problems:
            ready = False
            st.warning(tr("data.invalid"))
            st.code("\n".join(p.message(lang()) for p in problems), language=None)
            continue
        table = st.selectbox(
            tr("data.table"), list(table_names), index=list(TABLES).index(guess), key=f"data_table_{digest}"
        )
        st.caption(tr("data.encoding", encoding=encoding or "-", count=len(headers)))
        st.caption(tr("data.preview"))
        st.dataframe(preview, hide_index=True, width="stretch")
        proposed = importer.propose_mapping(table, headers)
        st.caption(tr("data.mapping"))
        options = [none] + headers
        mapping = {}
        cols = st.columns(4)
        for j, col in enumerate(TABLES[table].columns):
            label = col.name + (" *" if col.required else "")
            choice = cols[j % 4].selectbox(
                label,
                options,
                index=options.index(proposed.get(col.name, none)),
                key=f"data_map_{digest}_{table}_{col.name}",
            )
            if choice != none:
                mapping[col.name] = choice
        unused = [h for h in headers if h not in mapping.values()]
        if unused:
            st.caption(tr("data.ignored", columns=", ".join(unused)))
        check_key = ("check", digest, table, tuple(sorted(mapping.items())))
        if check_key not in cache:
            try:
                res = importer.run_import(
                    table, path, tmp / "check" / digest, encoding or "auto", mapping, label=f.name
                )
                config.check_rows({f"{f.name} ({table})": res.rows})
                cache[check_key] = (res.rows, [])
            except importer.ImportFailed as exc:
                cache[check_key] = (0, exc.problems)
            except config.LimitError as exc:
                cache[check_key] = (0, [exc])
        n, problems = cache[check_key]
        if problems:
            ready = False
            st.warning(tr("data.invalid"))
            st.code("\n".join(p.message(lang()) for p in problems), language=None)
        else:
            st.success(tr("data.valid", rows=f"{n:,}"))
            plans.append(importer.FilePlan(path, table, mapping, encoding or "auto", f.name))

if files and st.button(tr("data.load"), key="data_load", disabled=not ready, type="primary"):
    new, problems = importer.load_files(plans, tmp, s)
    if problems:  # the loaded data stays as it was
        st.warning(tr("data.invalid"))
        st.code("\n".join(p.message(lang()) for p in problems), language=None)
    else:
        st.session_state["upload_dataset"] = new
        st.session_state["upload_key"] = "upload:" + secrets.token_hex(8)
        st.session_state["dataset_key"] = st.session_state["upload_key"]
        st.session_state.pop("setting_as_of", None)
        st.session_state.pop("dataset_choice", None)
        st.rerun()

# ---------------------------------------------------------------- a Parquet folder on disk
if config.current().read_only:  # a shared instance never reads other server paths
    st.stop()
st.subheader(tr("data.folder"))
c1, c2 = st.columns([4, 1])
folder = c1.text_input(tr("sidebar.dataset.path"), key="data_folder")
if c2.button(tr("sidebar.dataset.load"), key="data_folder_load") and folder:
    try:
        load_shared(folder)
    except Exception as exc:  # noqa: BLE001 - shown in the UI language, data unchanged
        error(exc)
    else:
        st.session_state["dataset_key"] = f"folder:{folder}"
        st.session_state.pop("setting_as_of", None)
        st.session_state.pop("dataset_choice", None)
        st.rerun()
