"""The data contract: canonical tables, their columns and types (SPEC §2).

One place for what a dataset may hold. Loading, validation, importers and the sample
generator all read these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# DuckDB logical types used by the contract.
TEXT, INT, DECIMAL, TIMESTAMP, DATE, BOOL = "VARCHAR", "BIGINT", "DECIMAL(18,2)", "TIMESTAMP", "DATE", "BOOLEAN"

STATUSES = (
    "awaiting_shipment",
    "preparing",
    "shipped",
    "delivered",
    "scheduled",
    "cancelled",
    "on_hold",
    "unpaid",
    "returned",
)
# Counted as a purchase by default (slide 24).
DEFAULT_COUNTED_STATUSES = ("awaiting_shipment", "preparing", "shipped", "delivered")
ORDER_KINDS = ("normal", "subscription")
PRODUCT_ROLES = ("trial", "main", "gift")
SUBSCRIPTION_STATUSES = ("active", "paused", "cancelled")
MEDIA_TYPES = ("web", "print", "broadcast", "email", "dm", "recommend", "affiliate", "other")
STEPS = ("one_step", "two_step")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    unique: bool = False
    non_negative: bool = False
    allowed: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    unlocks: tuple[str, ...] = field(default=())  # page keys this table enables

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "orders",
            (
                C("order_id", TEXT, required=True, unique=True),
                C("customer_id", TEXT),
                C("ordered_at", TIMESTAMP, required=True),
                C("total_amount", DECIMAL, required=True, non_negative=True),
                C("status", TEXT, allowed=STATUSES),
                C("order_kind", TEXT, allowed=ORDER_KINDS),
                C("subscription_id", TEXT),
                C("subscription_seq", INT),
                C("ad_code", TEXT),
                C("channel", TEXT),
                C("coupon_code", TEXT),
                C("discount_amount", DECIMAL),
                C("shipping_fee", DECIMAL),
                C("points_used", DECIMAL),
            ),
            required=True,
        ),
        Table(
            "order_items",
            (
                C("order_id", TEXT, required=True),
                C("product_id", TEXT, required=True),
                C("quantity", INT),
                C("unit_price", DECIMAL, non_negative=True),
                C("line_amount", DECIMAL),
            ),
            unlocks=("ad_media", "products"),
        ),
        Table(
            "products",
            (
                C("product_id", TEXT, required=True, unique=True),
                C("product_name", TEXT),
                C("product_line", TEXT),
                C("list_price", DECIMAL, non_negative=True),
                C("unit_cost", DECIMAL, non_negative=True),
                C("product_role", TEXT, allowed=PRODUCT_ROLES),
                C("is_subscription", BOOL),
                C("excluded", BOOL),
            ),
            unlocks=("ad_media", "products"),
        ),
        Table(
            "customers",
            (
                C("customer_id", TEXT, required=True, unique=True),
                C("registered_at", TIMESTAMP),
                C("gender", TEXT),
                C("birth_date", DATE),
                C("prefecture", TEXT),
                C("member_tier", TEXT),
                C("mail_optin", BOOL),
                C("dm_optin", BOOL),
                C("call_optin", BOOL),
            ),
            unlocks=("customers",),
        ),
        Table(
            "subscriptions",
            (
                C("subscription_id", TEXT, required=True, unique=True),
                C("customer_id", TEXT),
                C("product_id", TEXT),
                C("started_at", TIMESTAMP),
                C("status", TEXT, allowed=SUBSCRIPTION_STATUSES),
                C("cancelled_at", TIMESTAMP),
                C("cancel_reason", TEXT),
                C("ad_code", TEXT),
            ),
            unlocks=("retention",),
        ),
        Table(
            "ad_media",
            (
                C("ad_code", TEXT, required=True, unique=True),
                C("media_name", TEXT),
                C("media_type", TEXT, allowed=MEDIA_TYPES),
                C("step", TEXT, allowed=STEPS),
                C("landing_product_id", TEXT),
            ),
            unlocks=("ad_media",),
        ),
        Table(
            "ad_spend",
            (
                C("ad_code", TEXT, required=True),
                C("spend_date", DATE, required=True),
                C("cost", DECIMAL, required=True, non_negative=True),
            ),
            unlocks=("ad_media", "ltv"),
        ),
        Table(
            "ad_traffic",
            (
                C("ad_code", TEXT, required=True),
                C("traffic_date", DATE, required=True),
                C("visits", INT, non_negative=True),
                C("clicks", INT, non_negative=True),
            ),
            unlocks=("ad_media",),
        ),
    )
}


def table(name: str) -> Table:
    """The canonical table called `name` (KeyError when there is none)."""
    return TABLES[name]
