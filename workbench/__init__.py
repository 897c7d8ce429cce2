"""Repeat-commerce analyst workbench: the headless core (no streamlit outside workbench.ui)."""

__version__ = "0.1.0"
