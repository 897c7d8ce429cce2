"""Entry point: `streamlit run app.py` (or `make run`)."""
import streamlit as st

from workbench.ui import navigation, sidebar
from workbench.ui.state import tr

st.set_page_config(page_title=tr("app.title"), page_icon="📈", layout="wide")
nav = st.navigation(navigation.pages())
sidebar.render()
nav.run()
