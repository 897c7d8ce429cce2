"""Formatting for people: money as ¥1,234, counts with separators, percentages."""

from __future__ import annotations

import math

from .settings import Settings


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value, settings: Settings | None = None) -> str:
    """¥1,234 (currency symbol and decimals from the settings); '—' for no value."""
    s = settings or Settings()
    if _missing(value):
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}{s.currency_symbol}{abs(value):,.{s.currency_decimals}f}"


def count(value) -> str:
    return "—" if _missing(value) else f"{int(round(value)):,}"


def percent(value, decimals: int = 1) -> str:
    """A percentage given in percent units (12.5 → '12.5%')."""
    return "—" if _missing(value) else f"{value:,.{decimals}f}%"


def ratio_percent(value, decimals: int = 1) -> str:
    """A share given as a fraction (0.125 → '12.5%')."""
    return "—" if _missing(value) else f"{value * 100:,.{decimals}f}%"


def number(value, decimals: int = 1) -> str:
    return "—" if _missing(value) else f"{value:,.{decimals}f}"
