"""The page list: every `pages/views/NN_key.py`, in file order; titles from the catalogue (nav.key).

The page files sit one folder below `pages/` on purpose: Streamlit treats Python files directly in
a `pages/` folder beside the entry script as old-style pages and, on a fresh server, would run a
deep-linked page without app.py (no sidebar, no login gate) until st.navigation has run once.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .state import ROOT, tr

PAGES_DIR = ROOT / "pages" / "views"


def page_files() -> list[Path]:
    return sorted(p for p in PAGES_DIR.glob("[0-9][0-9]_*.py"))


def page_key(path: Path) -> str:
    return path.stem.split("_", 1)[1]


def pages() -> list:
    files = page_files()
    return [
        st.Page(str(p), title=tr(f"nav.{page_key(p)}"), url_path=page_key(p), default=(i == 0))
        for i, p in enumerate(files)
    ]
