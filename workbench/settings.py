"""Settings: every threshold and default of SPEC §3, in one place.

Each setting has a default and a one-line description (a test checks that none lacks one).
A TOML file overrides them (`load_settings(path)`); the UI overrides them per session.
Tests never read the developer's own settings file: nothing is read unless a path is given
or WORKBENCH_SETTINGS is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .contract import DEFAULT_COUNTED_STATUSES


def _s(default, doc: str, **kw):
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc, **kw})
    return field(default=default, metadata={"doc": doc, **kw})


@dataclass(frozen=True)
class Settings:
    as_of: dt.date | None = _s(None, "Date every analysis is computed as of; default the latest order date.")
    counted_statuses: tuple[str, ...] = _s(DEFAULT_COUNTED_STATUSES, "Order statuses counted as a purchase (slide 24).")
    reacquire_days: int = _s(
        365, "A repeat order this many days or more after the previous one is 再獲得 (reacquired)."
    )
    dormant_days: int = _s(240, "Recency in days from which a customer is 休眠 (dormant) / 離脱 (lapsed).")
    cpm_tenure_short_days: int = _s(90, "CPM: tenure below this is よちよち; from it on コツコツ/流行.")
    cpm_tenure_long_days: int = _s(210, "CPM and classes: tenure from this on is 優良; below it 流行.")
    loyal_amount: int = _s(70000, "CPM and classes: lifetime sales (yen) from which a customer is 流行/優良.")
    rfm_recency_bins: tuple[int, ...] = _s((30, 90, 180, 365), "RFM: recency day cut-offs for scores 5..1.")
    rfm_frequency_bins: tuple[int, ...] = _s((2, 3, 5, 10), "RFM: order-count cut-offs for scores 1..5.")
    rfm_monetary_bins: tuple[int, ...] = _s(
        (10000, 30000, 70000, 150000), "RFM: lifetime-sales (yen) cut-offs for scores 1..5."
    )
    abc_cutoffs: tuple[float, ...] = _s((0.70, 0.90), "Customer ABC: cumulative-share cut-offs for A and B.")
    benchmark_622: tuple[int, int, int] = _s(
        (60, 20, 20), "6:2:2 rule: churn share (%) by deliveries 1-3 / 4-6 / 7-9 (slide 16)."
    )
    benchmark_622_diet: tuple[int, int, int] = _s(
        (70, 15, 15), "6:2:2 rule for diet products: +10 points in the first band."
    )
    diet_keywords: tuple[str, ...] = _s(
        ("ダイエット", "スリム", "diet", "slim"),
        "A product whose name or line holds one of these gets the diet 6:2:2 benchmark.",
    )
    avg_deliveries_target: float = _s(5.0, "Target 平均定期継続回数 (slide 46).")
    upgrade_rate_target: float = _s(35.0, "Target 引上率 in % (slide 46).")
    upgrade_rate_average: tuple[float, float] = _s(
        (15.0, 17.0), "Seed average 引上率 in % (main product), shown for reference."
    )
    repeat_2nd_target: float = _s(50.0, "Target 2nd-purchase conversion (初回→2回目) in % (seed 003).")
    wf_print_cpr: float = _s(4.0, "勝利の方程式, print/broadcast: CPR ≤ this × landing price.")
    wf_print_cpo_main: float = _s(1.0, "勝利の方程式, print/broadcast: CPO(main) ≤ this × price.")
    wf_print_cpo_subscription: float = _s(2.0, "勝利の方程式, print/broadcast: CPO(subscription) ≤ this × price.")
    wf_web_cpr: float = _s(3.0, "勝利の方程式, web: CPR ≤ this × landing price.")
    wf_web_cpo_main: float = _s(0.8, "勝利の方程式, web: CPO(main) ≤ this × price.")
    wf_web_cpo_subscription: float = _s(1.5, "勝利の方程式, web: CPO(subscription) ≤ this × price.")
    ltv_vs_aov_factor: float = _s(3.0, "勝利の方程式: 年間平均LTV ≥ this × main-product AOV.")
    existing_aov_factor: float = _s(2.0, "勝利の方程式: existing-customer AOV ≥ this × lead-product price.")
    variable_cost_per_order: float = _s(0.0, "Variable cost per order (yen) for 限界CPO (slide 44).")
    ltv_months: int = _s(12, "Months of cumulative sales that make the LTV used for 限界CPO and ROAS.")
    currency_symbol: str = _s("¥", "Currency symbol for money.")
    currency_decimals: int = _s(0, "Decimals shown for money.")
    timezone: str = _s("Asia/Tokyo", "Shop-local time zone; hours and days are local.")
    language: str = _s("ja", "UI language: ja or en.", choices=("ja", "en"))

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)


def describe() -> list[tuple[str, object, str]]:
    """(name, default, description) for every setting."""
    base = Settings()
    return [(f.name, getattr(base, f.name), f.metadata["doc"]) for f in fields(Settings)]


class SettingsError(ValueError):
    pass


def from_mapping(values: dict, base: Settings | None = None) -> Settings:
    """Settings from a mapping (e.g. parsed TOML); unknown keys and bad types are errors."""
    base = base or Settings()
    known = {f.name: f for f in fields(Settings)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"unknown setting: {key}")
        current = getattr(Settings(), key)
        try:
            if key == "as_of":
                value = (
                    None
                    if value in (None, "")
                    else (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
                )
            elif isinstance(current, tuple):
                value = tuple(type(current[0])(v) for v in value) if current else tuple(value)
            elif isinstance(current, bool):
                value = bool(value)
            elif isinstance(current, (int, float, str)):
                value = type(current)(value)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {key}: {exc}") from exc
        changes[key] = value
    return base.replace(**changes)


def load_settings(path: str | Path | None = None) -> Settings:
    """Defaults, overridden by the TOML file at `path` or $WORKBENCH_SETTINGS when set."""
    path = path or os.environ.get("WORKBENCH_SETTINGS")
    if not path:
        return Settings()
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return from_mapping(data.get("settings", data))
