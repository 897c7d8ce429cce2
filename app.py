"""Entry point: `streamlit run app.py` (or `make run`)."""

import streamlit as st

from workbench.ui import auth, navigation, sidebar
from workbench.ui.state import tr

st.set_page_config(page_title=tr("app.title"), page_icon="📈", layout="wide")
if not auth.gate():  # hosted instances: nothing below runs before login
    st.stop()
nav = st.navigation(navigation.pages())
sidebar.render()
auth.logout_button()
nav.run()
