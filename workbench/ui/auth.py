"""The login gate: called first in app.py, so nothing (no page, no data) is served before login.

Modes (workbench.toml `[auth] mode`):
- "none": no gate (local use).
- "password": one shared password, `workbench_password` in .streamlit/secrets.toml (small teams).
- "oidc": Streamlit's built-in OIDC login (`st.login`), configured under `[auth]` in secrets.
"""

from __future__ import annotations

import hmac

import streamlit as st

from workbench import config

from .state import tr


def _secret(key: str):
    try:
        return st.secrets.get(key)
    except Exception:  # noqa: BLE001 - no secrets file at all
        return None


def _password_gate() -> bool:
    expected = _secret("workbench_password")
    if not expected:
        st.error(tr("auth.not_configured"))
        return False
    if st.session_state.get("auth_ok"):
        return True
    st.title(tr("auth.title"))
    with st.form("auth_form"):
        given = st.text_input(tr("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(tr("auth.login"))
    if submitted:
        if hmac.compare_digest(str(given).encode(), str(expected).encode()):
            st.session_state["auth_ok"] = True
            st.session_state.pop("auth_password", None)
            st.rerun()
        st.error(tr("auth.wrong"))
    return False


def _oidc_gate() -> bool:
    if not _secret("auth"):
        st.error(tr("auth.not_configured"))
        return False
    if getattr(st.user, "is_logged_in", False):
        return True
    st.title(tr("auth.title"))
    if st.button(tr("auth.login"), key="auth_oidc"):
        st.login()
    return False


def _authorized(cfg: config.Config) -> bool:
    if cfg.auth == "password":
        return bool(st.session_state.get("auth_ok")) and bool(_secret("workbench_password"))
    return bool(_secret("auth")) and bool(getattr(st.user, "is_logged_in", False))


def _login_page() -> None:
    cfg = config.current()
    _password_gate() if cfg.auth == "password" else _oidc_gate()


def gate(cfg: config.Config | None = None) -> bool:
    """True when this session may see the app; otherwise serves only the login page and returns False.

    The login page is registered with st.navigation as the only page: without a navigation call
    Streamlit would fall back to serving the pages/ folder directly, bypassing app.py.
    """
    cfg = cfg or config.current()
    if cfg.auth == "none" or _authorized(cfg):
        return True
    st.navigation(
        [st.Page(_login_page, title=tr("auth.title"), url_path="login", default=True)], position="hidden"
    ).run()
    return False


def logout_button(cfg: config.Config | None = None) -> None:
    cfg = cfg or config.current()
    if cfg.auth == "none":
        return
    if st.sidebar.button(tr("auth.logout"), key="auth_logout"):
        if cfg.auth == "oidc":
            st.logout()
        st.session_state.pop("auth_ok", None)
        st.rerun()
