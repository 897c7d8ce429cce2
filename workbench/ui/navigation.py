"""The page list: every `pages/NN_key.py`, in file order; titles from the catalogue (nav.key)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from .state import ROOT, tr

PAGES_DIR = ROOT / "pages"


def page_files() -> list[Path]:
    return sorted(p for p in PAGES_DIR.glob("[0-9][0-9]_*.py"))


def page_key(path: Path) -> str:
    return path.stem.split("_", 1)[1]


def pages() -> list:
    files = page_files()
    return [st.Page(str(p), title=tr(f"nav.{page_key(p)}"), url_path=page_key(p), default=(i == 0))
            for i, p in enumerate(files)]
