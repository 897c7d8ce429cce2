"""The sample shop: a deterministic, realistic 定期通販 dataset in the canonical tables.

`generate(customers, seed)` returns every table of `contract.TABLES` as a DataFrame;
`write(out_dir, customers, seed)` writes them as `<table>.parquet` (zstd, explicit Arrow types).
The same arguments always give byte-identical files: every random draw comes from one
`numpy.random.default_rng(seed)` in a fixed order, and nothing reads the clock, `hash()` or
set iteration order.

The shop sells three subscription lines (すこやか青汁, うるおいセラム, スリムティー), each with an
お試しセット (trial) and a main product sold as 定期, plus a few normal products, a gift and an
excluded 社販 product. Orders run from 2024-11-01 to 2026-10-31 (shop-local, naive timestamps).

Vocabularies used in the data (beside the contract's own):
  channel: online, phone, mall
  gender: 女性, 男性, 不明
  member_tier: レギュラー, シルバー, ゴールド (by lifetime counted sales: ≥¥20,000 / ≥¥60,000)
  cancel_reason: 商品が余っている, 効果を実感できない, 価格が高い, 飲みにくい/使いにくい, 引越し, その他
  coupon_code: WELCOME500 (¥500 off a first main-product order), SPRING10 (10% off, March–April)
Paused subscriptions carry the pause time in cancelled_at (and a reason), so 定期停止者 can be
dated; their status tells them apart from cancelled ones. Only the first delivery of a contract
carries the acquiring ad_code (= subscriptions.ad_code); later deliveries (subscription_seq ≥ 2)
have none. When a contract stopped after its next order was already created, that order stays
with the next subscription_seq and status cancelled (cancelled contract) or on_hold (paused).
The 3rd delivery holds the gift (節目特典). Trial and 定期 orders ship free; normal orders under
¥5,000 pay ¥550. ad_traffic.clicks are ad clicks (≥ visits, the LP sessions).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .contract import BOOL, DATE, DECIMAL, INT, TABLES, TEXT, TIMESTAMP

START = np.datetime64("2024-11-01", "D")
END = np.datetime64("2026-10-31", "D")  # the last day with orders (inclusive)
N_DAYS = int((END - START).astype(np.int64)) + 1
DAY = 86_400
END_SEC = N_DAYS * DAY  # seconds from START 00:00; every order is strictly before this

ARROW_TYPES = {
    TEXT: pa.string(),
    INT: pa.int64(),
    DECIMAL: pa.decimal128(18, 2),
    TIMESTAMP: pa.timestamp("us"),
    DATE: pa.date32(),
    BOOL: pa.bool_(),
}

# ----------------------------------------------------------------------------- catalogue
# product_id, product_name, product_line, list_price, unit_cost, product_role, is_subscription, excluded
PRODUCTS = (
    ("P101", "すこやか青汁 お試しセット(7包)", "すこやか青汁", 980, 290, "trial", False, False),
    ("P102", "すこやか青汁 30包", "すこやか青汁", 3980, 1150, "main", True, False),
    ("P201", "うるおいセラム お試しセット(10日分)", "うるおいセラム", 1480, 420, "trial", False, False),
    ("P202", "うるおいセラム 30mL", "うるおいセラム", 5800, 1560, "main", True, False),
    ("P301", "スリムティー お試しセット(5包)", "スリムティー", 500, 170, "trial", False, False),
    ("P302", "スリムティー 30包", "スリムティー", 3280, 1080, "main", True, False),
    ("P401", "すこやか青汁 90包 お徳用", "すこやか青汁", 10800, 3350, "main", False, False),
    ("P402", "うるおいクレンジングジェル 150g", "うるおいセラム", 2980, 830, "main", False, False),
    ("P403", "うるおいUVミルク 50mL", "うるおいセラム", 3520, 1090, "main", False, False),
    ("P404", "青汁シェイカーボトル", "雑貨", 1100, 380, "main", False, False),
    ("P405", "はちみつ黒酢ドリンク 24本", "黒酢ドリンク", 4320, 1380, "main", False, False),
    ("P901", "オリジナルポーチ(プレゼント)", "ノベルティ", 0, 150, "gift", False, False),
    ("P902", "【社販】すこやか青汁 30包", "すこやか青汁", 1990, 1150, "main", False, True),
)
PID = {p[0]: i for i, p in enumerate(PRODUCTS)}
PRICE = np.array([p[3] for p in PRODUCTS], dtype=np.int64)
# the subscription lines: (trial product, main product)
LINES = ((PID["P101"], PID["P102"]), (PID["P201"], PID["P202"]), (PID["P301"], PID["P302"]))
LINE_TRIAL = np.array([t for t, _ in LINES])
LINE_MAIN = np.array([m for _, m in LINES])
LINE_CROSS = np.array([PID["P404"], PID["P402"], PID["P405"]])  # cross-sell beside a first main order
DIET_LINE = 2
GIFT, EXCLUDED = PID["P901"], PID["P902"]
# normal-order basket: candidates and their weights per customer line
BASKET = np.array([PID[p] for p in ("P102", "P202", "P302", "P401", "P402", "P403", "P404", "P405")])
BASKET_W = np.array(
    [
        [3.0, 0.4, 0.4, 1.5, 0.4, 0.3, 0.8, 1.0],
        [0.4, 3.0, 0.4, 0.2, 2.0, 1.6, 0.1, 0.5],
        [0.6, 0.4, 3.0, 0.3, 0.4, 0.3, 0.2, 1.2],
    ]
)

# ad_code, media_name, media_type, step, landing_product_id
MEDIA = (
    ("trial001", "リスティング広告(Google) 青汁お試しLP", "web", "two_step", "P102"),
    ("trial002", "アフィリエイト(ASP) セラムお試しLP", "affiliate", "two_step", "P202"),
    ("trial003", "Instagram広告 スリムティーお試しLP", "web", "two_step", "P302"),
    ("web_main01", "Yahoo!広告 青汁本品LP", "web", "one_step", "P102"),
    ("np_2024a", "新聞折込チラシ 2024秋冬 青汁お試し", "print", "two_step", "P102"),
    ("mag_2025", "女性誌 純広告 2025秋 セラムお試し", "print", "two_step", "P202"),
    ("tv_2025", "BSインフォマーシャル 2025 スリムティー", "broadcast", "one_step", "P302"),
    ("stepmail01", "ステップメール(定期引上げ)", "email", "one_step", "P102"),
    ("dm_spring", "春の感謝DM(既存顧客)", "dm", "one_step", "P202"),
    ("reco01", "カート内レコメンド", "recommend", "one_step", "P402"),
)
CODE = {m[0]: i for i, m in enumerate(MEDIA)}
NULL = -1  # index meaning "no value" in the lookup arrays below (they end with None)

# Acquisition media: line, two-step?, weight, active window, cost per first order (CPR for
# two-step, CPO for one-step), upgrade rate, share of 定期 among one-step first orders,
# churn multiplier, phone share, CVR (web only).
ACQ = (
    # code,        line, two, weight, from,         to,           cost, upgrade, sub, churn, phone, cvr
    ("trial001", 0, True, 1.00, "2024-11-01", "2026-10-31", 1100, 0.31, 0.0, 0.85, 0.00, 0.025),
    ("trial002", 1, True, 0.75, "2025-02-01", "2026-10-31", 1800, 0.12, 0.0, 1.25, 0.00, 0.018),
    ("trial003", 2, True, 0.85, "2025-06-01", "2026-10-31", 2600, 0.19, 0.0, 1.05, 0.00, 0.012),
    ("web_main01", 0, False, 0.45, "2024-11-01", "2026-10-31", 6500, 0.00, 0.55, 1.00, 0.00, 0.008),
    ("np_2024a", 0, True, 5.00, "2024-11-01", "2025-03-31", 1500, 0.29, 0.0, 0.90, 0.55, 0.0),
    ("mag_2025", 1, True, 2.50, "2025-09-01", "2026-02-28", 3200, 0.16, 0.0, 1.10, 0.40, 0.0),
    ("tv_2025", 2, False, 3.00, "2025-04-01", "2025-12-31", 9000, 0.00, 0.50, 1.15, 0.65, 0.0),
)
ACQ_CODE = np.array([CODE[a[0]] for a in ACQ])
ORGANIC = len(ACQ)  # acquisition slot for customers without an ad_code
TV_SLOT_HOUR = 10  # the infomercial airs 10:00 on Tuesdays and Saturdays

CHANNELS = ("online", "phone", "mall", None)
ONLINE, PHONE, MALL = 0, 1, 2
STATUS_NAMES = (
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
ST = {s: i for i, s in enumerate(STATUS_NAMES)}
COUNTED = np.array([s in ("awaiting_shipment", "preparing", "shipped", "delivered") for s in STATUS_NAMES])
SUB_STATUS = ("active", "paused", "cancelled")
CANCEL_REASONS = (
    "商品が余っている",
    "効果を実感できない",
    "価格が高い",
    "飲みにくい/使いにくい",
    "引越し",
    "その他",
    None,
)
CANCEL_W = np.array([0.31, 0.23, 0.18, 0.14, 0.04, 0.10])
COUPONS = ("WELCOME500", "SPRING10", None)
GENDERS = ("女性", "男性", "不明")
TIERS = ("レギュラー", "シルバー", "ゴールド")
PREFECTURES = (  # name, population (10k) — weights for where customers live
    ("北海道", 514),
    ("青森県", 120),
    ("岩手県", 118),
    ("宮城県", 228),
    ("秋田県", 93),
    ("山形県", 104),
    ("福島県", 179),
    ("茨城県", 284),
    ("栃木県", 191),
    ("群馬県", 191),
    ("埼玉県", 734),
    ("千葉県", 627),
    ("東京都", 1404),
    ("神奈川県", 923),
    ("新潟県", 213),
    ("富山県", 102),
    ("石川県", 111),
    ("福井県", 75),
    ("山梨県", 80),
    ("長野県", 201),
    ("岐阜県", 195),
    ("静岡県", 356),
    ("愛知県", 748),
    ("三重県", 172),
    ("滋賀県", 140),
    ("京都府", 255),
    ("大阪府", 878),
    ("兵庫県", 537),
    ("奈良県", 130),
    ("和歌山県", 90),
    ("鳥取県", 54),
    ("島根県", 65),
    ("岡山県", 184),
    ("広島県", 275),
    ("山口県", 131),
    ("徳島県", 70),
    ("香川県", 93),
    ("愛媛県", 130),
    ("高知県", 67),
    ("福岡県", 510),
    ("佐賀県", 80),
    ("長崎県", 128),
    ("熊本県", 171),
    ("大分県", 111),
    ("宮崎県", 105),
    ("鹿児島県", 156),
    ("沖縄県", 147),
)

# Local hour of day: web orders peak at lunch and 21–23h; the call centre works 9–21h.
HOURS_ONLINE = np.array(
    [
        3.0,
        1.8,
        1.0,
        0.6,
        0.4,
        0.5,
        1.0,
        2.0,
        3.2,
        4.0,
        4.6,
        5.4,
        7.6,
        6.2,
        4.8,
        4.4,
        4.3,
        4.6,
        5.2,
        6.0,
        7.0,
        8.6,
        8.9,
        6.4,
    ]
)
HOURS_PHONE = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 4.0, 6.0, 6.0, 5.0, 5.0, 6.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0, 1.0, 0, 0]
)
WEEKDAY_W = np.array([1.12, 1.08, 1.04, 1.00, 0.96, 0.86, 0.94])  # Monday first

# Churn after delivery k (k = 1, 2, …): most contracts go by the 3rd delivery (6:2:2).
MAX_DELIVERIES = 30
HAZARD = np.array([0.24, 0.25, 0.16, 0.10, 0.10, 0.10, 0.12, 0.12, 0.12] + [0.08] * (MAX_DELIVERIES - 9))


# ----------------------------------------------------------------------------- helpers
def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of `counts` rows: each row's group and its position within the group."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - starts[owner]


def _pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(w.size, size=n, p=w / w.sum())


def _time_of_day(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Seconds after midnight, by the channel's hour profile."""
    n = channel.size
    online = _pick(rng, n, HOURS_ONLINE)
    phone = _pick(rng, n, HOURS_PHONE)
    hour = np.where(channel == PHONE, phone, online)
    return hour * 3600 + rng.integers(0, 3600, n)


def _day(s: str) -> int:
    return int((np.datetime64(s, "D") - START).astype(np.int64))


def _lookup(values: tuple, idx: np.ndarray) -> np.ndarray:
    """Object array of values[idx]; idx == -1 picks the trailing None."""
    return np.array(values, dtype=object)[idx]


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _ts(seconds: np.ndarray) -> np.ndarray:
    base = START.astype("datetime64[us]")
    return base + (np.asarray(seconds, dtype=np.int64) * 1_000_000).astype("timedelta64[us]")


def _dates(days: np.ndarray) -> np.ndarray:
    return (START + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")).astype(object)


def _month(day_index: np.ndarray) -> np.ndarray:
    """Calendar month (1–12) of day indices counted from START."""
    d = START + np.asarray(day_index, dtype=np.int64).astype("timedelta64[D]")
    return d.astype("datetime64[M]").astype(np.int64) % 12 + 1


def _frame(name: str, cols: dict) -> pd.DataFrame:
    """A DataFrame of canonical table `name` with pandas dtypes matching the contract types."""
    spec = TABLES[name]
    data = {}
    for col in spec.columns:
        v = cols[col.name]
        if col.type == TEXT:
            s = pd.Series(np.asarray(v, dtype=object), dtype=object)
        elif col.type == INT:
            s = pd.Series(v).astype("Int64")
        elif col.type == DECIMAL:
            s = pd.Series(np.asarray(v, dtype=np.float64))
        elif col.type == BOOL:
            s = pd.Series(np.asarray(v, dtype=bool)).astype("boolean")
        elif col.type == TIMESTAMP:
            s = pd.Series(np.asarray(v, dtype="datetime64[us]"))
        else:  # DATE: datetime.date objects
            s = pd.Series(np.asarray(v, dtype=object), dtype=object)
        data[col.name] = s
    return pd.DataFrame(data, columns=spec.column_names)


# ----------------------------------------------------------------------------- generator
def generate(customers: int = 3000, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Every canonical table of a sample shop with `customers` customers (deterministic in seed)."""
    n = int(customers)
    if n < 1:
        raise ValueError("customers must be at least 1")
    rng = np.random.default_rng(seed)
    days = np.arange(N_DAYS)
    weekday = (days + int((START - np.datetime64("1970-01-01", "D")).astype(np.int64)) + 3) % 7
    dates = START + days.astype("timedelta64[D]")
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    month = _month(days)
    doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1

    # --- acquisition intensity per day and medium (organic last) ---------------------------
    trend = 0.8 + 0.5 * days / N_DAYS
    season = 1.0 + 0.12 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    base = trend * season * WEEKDAY_W[weekday]
    tv_air = np.isin(weekday, (1, 5))
    W = np.zeros((N_DAYS, len(ACQ) + 1))
    for j, (code, _line, _two, weight, lo, hi, *_rest) in enumerate(ACQ):
        active = (days >= _day(lo)) & (days <= _day(hi))
        if code.startswith("np_") or code.startswith("mag_"):
            shape = np.exp(-(day_of_month - 1) / (6.0 if code.startswith("np_") else 10.0))  # inserted on the 1st
        elif code.startswith("tv_"):
            shape = np.where(tv_air, 1.0, np.where(np.roll(tv_air, 1), 0.2, 0.03))
        else:
            shape = np.ones(N_DAYS)
        W[:, j] = weight * shape * active * base
    W[:, ORGANIC] = 0.9 * (0.6 + 0.9 * days / N_DAYS) * season * WEEKDAY_W[weekday]
    expected = n * W / W.sum()  # expected first orders per day and medium (drives cost and traffic)

    # --- customers: day, medium, channel, first order time ---------------------------------
    day_tot = W.sum(axis=1)
    c_day = rng.choice(N_DAYS, size=n, p=day_tot / day_tot.sum())
    cum = np.cumsum(W[c_day], axis=1) / day_tot[c_day][:, None]
    acq = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), ORGANIC)
    acq_line = np.array([a[1] for a in ACQ] + [0])[acq]
    acq_two = np.array([a[2] for a in ACQ] + [False])[acq]
    phone_share = np.array([a[10] for a in ACQ] + [0.0])[acq]
    org = acq == ORGANIC
    org_line = _pick(rng, n, (0.45, 0.35, 0.20))
    line = np.where(org, org_line, acq_line)
    u = rng.random(n)
    channel = np.where(u < phone_share, PHONE, ONLINE)
    channel = np.where(org & (rng.random(n) < 0.25), MALL, channel)
    tod = _time_of_day(rng, channel)
    tv = acq == [a[0] for a in ACQ].index("tv_2025")
    spike = tv & tv_air[c_day] & (rng.random(n) < 0.75)
    tv_tod = TV_SLOT_HOUR * 3600 + np.minimum(rng.exponential(1500, n), 3 * 3600 - 1).astype(np.int64)
    tod = np.where(spike, tv_tod, tod)
    t_first = c_day.astype(np.int64) * DAY + tod

    # customers in order of their first order: C000001 is the earliest
    order = np.lexsort((np.arange(n), t_first))
    c_day, acq, line, channel, t_first = c_day[order], acq[order], line[order], channel[order], t_first[order]
    acq_two, org = acq_two[order], org[order]
    acq_code = np.where(org, NULL, ACQ_CODE[np.minimum(acq, ORGANIC - 1)])

    # first order kind: trial (two-step and some organic), main as 定期, or a normal basket
    u = rng.random(n)
    trial = acq_two | (org & (channel != MALL) & (u < 0.35))
    sub_share = np.array([a[8] for a in ACQ] + [0.30])[acq]
    u2 = rng.random(n)
    first_sub = ~trial & (channel != MALL) & (u2 < sub_share)
    first_basket = org & ~trial & ~first_sub  # organic customers buying normal products

    # --- upgrades: trial customers who later buy the main product ---------------------------
    upgrade_rate = np.array([a[7] for a in ACQ] + [0.22])[acq]
    gap = (3 + rng.gamma(2.0, 8.0, n)) * DAY
    up_t = t_first + gap.astype(np.int64)
    up_tod = _time_of_day(rng, channel)
    up_t = (up_t // DAY) * DAY + up_tod
    upgraded = trial & (rng.random(n) < upgrade_rate) & (up_t < END_SEC)
    up_sub = upgraded & (rng.random(n) < 0.8)
    r = rng.random(n)
    up_code = np.where(up_sub | (r < 0.40), acq_code, np.where(r < 0.75, CODE["stepmail01"], NULL))
    up_channel = np.where((channel == PHONE) & (rng.random(n) < 0.4), ONLINE, channel)
    up_channel = np.where(up_channel == MALL, ONLINE, up_channel)

    # --- subscription contracts -------------------------------------------------------------
    sub_cust = np.flatnonzero(first_sub | up_sub)
    nc = sub_cust.size
    s_t1 = np.where(first_sub[sub_cust], t_first[sub_cust], up_t[sub_cust])
    s_code = np.where(first_sub[sub_cust], acq_code[sub_cust], up_code[sub_cust])
    s_channel = np.where(first_sub[sub_cust], channel[sub_cust], up_channel[sub_cust])
    s_line = line[sub_cust]
    churn_mult = np.array([a[9] for a in ACQ] + [1.0])[acq[sub_cust]]
    h = HAZARD[None, :] * churn_mult[:, None]
    h[:, :3] *= np.where(s_line == DIET_LINE, 1.2, 1.0)[:, None]
    churn = rng.random((nc, MAX_DELIVERIES)) < np.minimum(h, 0.95)
    churn[:, -1] = True
    K = np.argmax(churn, axis=1) + 1  # deliveries before the customer stops
    gaps = 30 + rng.integers(-3, 4, (nc, MAX_DELIVERIES))
    D = (s_t1 // DAY)[:, None] + np.concatenate([np.zeros((nc, 1), np.int64), np.cumsum(gaps, axis=1)], axis=1)
    shipped = np.minimum(K, (D[:, :MAX_DELIVERIES] < N_DAYS).sum(axis=1))
    rows = np.arange(nc)
    # the stop falls between the K-th delivery and the one after it
    last_day, next_day = D[rows, K - 1], D[rows, np.minimum(K, MAX_DELIVERIES)]
    stop_t = (last_day + 2) * DAY + (rng.random(nc) * np.maximum(next_day - last_day - 3, 1) * DAY).astype(np.int64)
    stopped = (shipped == K) & (stop_t < END_SEC)
    paused = stopped & (rng.random(nc) < 0.12)
    s_status = np.where(paused, 1, np.where(stopped, 2, 0))
    reason = np.where(stopped, _pick(rng, nc, CANCEL_W), NULL)

    # deliveries 2..shipped
    owner, pos = _expand(np.maximum(shipped - 1, 0))
    seq = pos + 2
    dl_channel = s_channel[owner]
    dl_t = D[owner, seq - 1] * DAY + _time_of_day(rng, dl_channel)
    dl_qty = np.where(rng.random(owner.size) < 0.06, 2, 1)
    # the next order was already created when the contract stopped: cancelled / on hold
    created = (next_day - 10) * DAY + _time_of_day(rng, s_channel)
    last_t = np.where(K == 1, s_t1, D[rows, K - 1] * DAY)
    nxt = stopped & (created > last_t + DAY) & (created < stop_t)
    nx = np.flatnonzero(nxt)

    # --- normal repeat purchases ------------------------------------------------------------
    heavy = rng.random(n) < 0.04
    p_any = np.where(trial & ~upgraded, 0.06, np.where(first_basket, 0.50, 0.42))
    q = np.where(trial & ~upgraded, 0.35, 0.55)
    p_any = np.where(heavy & ~(trial & ~upgraded), 1.0, p_any)
    q = np.where(heavy & ~(trial & ~upgraded), 0.91, q)
    reps = np.where(rng.random(n) < p_any, rng.geometric(1 - q), 0)
    winback = (reps == 0) & (rng.random(n) < 0.06)  # one-time buyers who come back a year later
    reps = np.where(winback, 1, reps)
    r_owner, r_pos = _expand(reps)
    m = r_owner.size
    long_gap = (rng.random(m) < 0.06) | winback[r_owner]  # back after more than a year (再獲得)
    r_gap = np.where(
        long_gap, rng.integers(370, 560, m), np.minimum(20 + rng.gamma(1.6, 35.0, m), 200).astype(np.int64)
    )
    r_gap = np.where(heavy[r_owner] & ~long_gap, np.maximum(r_gap // 2, 20), r_gap)
    csum = np.cumsum(r_gap)
    r_days = csum - (csum - r_gap)[np.arange(m) - r_pos]  # cumulative gap within each customer
    r_base = np.where(upgraded, up_t, t_first)[r_owner] // DAY
    r_day = r_base + r_days
    r_channel = np.where(channel[r_owner] == PHONE, np.where(rng.random(m) < 0.5, PHONE, ONLINE), channel[r_owner])
    r_t = r_day * DAY + _time_of_day(rng, r_channel)
    keep = r_t < END_SEC
    r_owner, r_t, r_channel, r_day = r_owner[keep], r_t[keep], r_channel[keep], r_day[keep]
    m = r_owner.size
    r_month = _month(r_day)
    u = rng.random(m)
    # most repeat orders come without a code; some through the recommend widget, step mail or the first ad
    r_code = np.select([u < 0.60, u < 0.78, u < 0.88], [NULL, CODE["reco01"], CODE["stepmail01"]], acq_code[r_owner])
    spring = np.isin(r_month, (3, 4))
    r_code = np.where(spring & (rng.random(m) < 0.35), CODE["dm_spring"], r_code)
    r_code = np.where(r_channel == MALL, NULL, r_code)
    r_excl = rng.random(m) < 0.012

    # --- all orders -------------------------------------------------------------------------
    # otype: 0 trial, 1 first main, 2 upgrade, 3 renewal, 4 normal basket, 5 excluded, 6 next (stopped)
    first_type = np.where(trial, 0, np.where(first_basket, 4, 1))
    up_i = np.flatnonzero(upgraded)
    sub_of_cust = np.full(n, NULL)
    sub_of_cust[sub_cust] = np.arange(nc)
    parts = [
        # customer, time, otype, 定期?, contract, seq, ad code, channel
        (
            np.arange(n),
            t_first,
            first_type,
            first_sub,
            np.where(first_sub, sub_of_cust, NULL),
            np.where(first_sub, 1, 0),
            acq_code,
            channel,
        ),
        (
            up_i,
            up_t[up_i],
            np.full(up_i.size, 2),
            up_sub[up_i],
            np.where(up_sub[up_i], sub_of_cust[up_i], NULL),
            np.where(up_sub[up_i], 1, 0),
            up_code[up_i],
            up_channel[up_i],
        ),
        (
            sub_cust[owner],
            dl_t,
            np.full(owner.size, 3),
            np.ones(owner.size, bool),
            owner,
            seq,
            np.full(owner.size, NULL),
            dl_channel,
        ),
        (
            sub_cust[nx],
            created[nx],
            np.full(nx.size, 6),
            np.ones(nx.size, bool),
            nx,
            K[nx] + 1,
            np.full(nx.size, NULL),
            s_channel[nx],
        ),
        (
            r_owner,
            r_t,
            np.where(r_excl, 5, 4),
            np.zeros(m, bool),
            np.full(m, NULL),
            np.zeros(m, np.int64),
            r_code,
            r_channel,
        ),
    ]
    o_cust, o_t, o_type, o_sub_kind, o_sub, o_seq, o_code, o_ch = (
        np.concatenate([p[k] for p in parts]) for k in range(8)
    )
    o_first = np.zeros(o_t.size, bool)
    o_first[:n] = True
    o_qty = np.ones(o_t.size, np.int64)
    o_qty[np.flatnonzero(o_type == 3)] = dl_qty

    # the sample ends on its last day: make sure some order falls on it
    if o_t.size and o_t.max() < END_SEC - DAY:
        cand = np.flatnonzero(~o_first & (o_type == 4))
        if cand.size:
            j = cand[np.argmax(o_t[cand])]
            o_t[j] = END_SEC - DAY + o_t[j] % DAY

    srt = np.lexsort((o_seq, o_type, o_cust, o_t))
    o_cust, o_t, o_type, o_sub_kind, o_sub, o_seq, o_code, o_ch, o_first, o_qty = (
        a[srt] for a in (o_cust, o_t, o_type, o_sub_kind, o_sub, o_seq, o_code, o_ch, o_first, o_qty)
    )
    no = o_t.size
    o_line = line[o_cust]

    # --- order items ------------------------------------------------------------------------
    it_order, it_prod, it_qty = [], [], []

    def add(orders_, prods, qtys):
        it_order.append(np.asarray(orders_, np.int64))
        it_prod.append(np.asarray(prods, np.int64))
        it_qty.append(np.asarray(qtys, np.int64))

    i0 = np.flatnonzero(o_type == 0)
    add(i0, LINE_TRIAL[o_line[i0]], np.ones(i0.size))
    gift = i0[rng.random(i0.size) < 0.3]
    add(gift, np.full(gift.size, GIFT), np.ones(gift.size))
    i_main = np.flatnonzero(np.isin(o_type, (1, 2, 3, 6)))
    normal_main = ~o_sub_kind[i_main]
    qty = np.where(normal_main & (rng.random(i_main.size) < 0.10), 2, o_qty[i_main])
    add(i_main, LINE_MAIN[o_line[i_main]], qty)
    cross = i_main[normal_main & (rng.random(i_main.size) < 0.15)]
    add(cross, LINE_CROSS[o_line[cross]], np.ones(cross.size))
    milestone = np.flatnonzero((o_type == 3) & (o_seq == 3))  # 節目特典 in the 3rd delivery
    add(milestone, np.full(milestone.size, GIFT), np.ones(milestone.size))
    i5 = np.flatnonzero(o_type == 5)
    add(i5, np.full(i5.size, EXCLUDED), rng.integers(1, 3, i5.size))
    i4 = np.flatnonzero(o_type == 4)
    n_lines = _pick(rng, i4.size, (0.65, 0.27, 0.08)) + 1
    keys = np.log(BASKET_W[o_line[i4]]) + rng.gumbel(size=(i4.size, BASKET.size))
    ranked = np.argsort(-keys, axis=1, kind="stable")
    take = np.arange(BASKET.size)[None, :] < n_lines[:, None]
    b_order = np.broadcast_to(i4[:, None], ranked.shape)[take]
    b_prod = BASKET[ranked[take]]
    add(b_order, b_prod, _pick(rng, b_prod.size, (0.85, 0.12, 0.03)) + 1)

    it_order, it_prod, it_qty = (np.concatenate(a) for a in (it_order, it_prod, it_qty))
    it_sort = np.argsort(it_order, kind="stable")
    it_order, it_prod, it_qty = it_order[it_sort], it_prod[it_sort], it_qty[it_sort]
    it_price = PRICE[it_prod]
    it_amount = it_qty * it_price

    # --- money --------------------------------------------------------------------------------
    lines_sum = np.bincount(it_order, weights=it_amount, minlength=no).round().astype(np.int64)
    normalish = np.isin(o_type, (4, 5)) | ((o_type == 1) | (o_type == 2)) & ~o_sub_kind
    shipping = np.where(normalish & (lines_sum < 5000), 550, 0)
    o_month = _month(o_t // DAY)
    coupon = np.full(no, NULL)
    u = rng.random(no)
    welcome = np.isin(o_type, (1, 2)) & (o_ch == ONLINE) & (u < 0.12)
    spring = (o_type == 4) & np.isin(o_month, (3, 4)) & (o_ch != MALL) & (u > 0.75)
    coupon[welcome] = 0
    coupon[spring] = 1
    discount = np.where(welcome, np.minimum(500, lines_sum), np.where(spring, lines_sum // 10, 0))
    use_pts = (o_type == 4) & (o_ch != MALL) & (rng.random(no) < 0.10)
    points = np.where(use_pts, rng.integers(1, 21, no) * 100, 0)
    points = np.minimum(points, lines_sum + shipping - discount)
    total = lines_sum + shipping - discount - points

    # --- statuses -----------------------------------------------------------------------------
    age = (END_SEC - o_t) / DAY
    u = rng.random(no)
    flow = np.select(  # where an order is in the shipping flow, by its age
        [age < 2, (age < 5) & (u < 0.65), (age < 5) & (u < 0.75)],
        [np.where(u < 0.45, ST["awaiting_shipment"], ST["preparing"]), ST["shipped"], ST["preparing"]],
        ST["delivered"],
    )
    status = flow
    u = rng.random(no)
    cancel_rate = np.where(o_type == 3, 0.008, 0.028)
    status = np.where(u < cancel_rate, ST["cancelled"], status)
    status = np.where((u >= 0.95) & (u < 0.956) & (age >= 7), ST["returned"], status)
    status = np.where((u >= 0.96) & (u < 0.963) & (o_type != 3), ST["on_hold"], status)
    status = np.where((u >= 0.97) & (u < 0.975) & (o_type != 3) & (o_ch != PHONE), ST["unpaid"], status)
    nxt_paused = np.zeros(no, bool)
    nxt_paused[o_type == 6] = paused[o_sub[o_type == 6]]
    status = np.where(o_type == 6, np.where(nxt_paused, ST["on_hold"], ST["cancelled"]), status)
    # a contract's first delivery always goes out (it starts the contract)
    status = np.where(np.isin(o_type, (1, 2)) & o_sub_kind, flow, status)

    # --- tables -------------------------------------------------------------------------------
    order_ids = _ids("O", no, 7)
    sub_order = np.lexsort((sub_cust, s_t1))  # S000001 is the earliest contract
    sub_rank = np.empty(nc, np.int64)
    sub_rank[sub_order] = np.arange(nc)
    sub_ids = _ids("S", nc, 6)
    cust_ids = _ids("C", n, 6)
    o_sub_id = np.where(o_sub >= 0, sub_ids[sub_rank[np.maximum(o_sub, 0)]] if nc else None, None)
    is_sub = o_sub >= 0
    seq_col = pd.array(o_seq, dtype="Int64")
    seq_col[~is_sub] = pd.NA
    orders = _frame(
        "orders",
        {
            "order_id": order_ids,
            "customer_id": cust_ids[o_cust],
            "ordered_at": _ts(o_t),
            "total_amount": total,
            "status": _lookup(STATUS_NAMES, status),
            "order_kind": np.where(is_sub, "subscription", "normal").astype(object),
            "subscription_id": o_sub_id,
            "subscription_seq": seq_col,
            "ad_code": _lookup(tuple(m[0] for m in MEDIA) + (None,), o_code),
            "channel": _lookup(CHANNELS, o_ch),
            "coupon_code": _lookup(COUPONS, coupon),
            "discount_amount": discount,
            "shipping_fee": shipping,
            "points_used": points,
        },
    )
    order_items = _frame(
        "order_items",
        {
            "order_id": order_ids[it_order],
            "product_id": np.array([p[0] for p in PRODUCTS], dtype=object)[it_prod],
            "quantity": it_qty,
            "unit_price": it_price,
            "line_amount": it_amount,
        },
    )
    products = _frame(
        "products",
        {
            "product_id": [p[0] for p in PRODUCTS],
            "product_name": [p[1] for p in PRODUCTS],
            "product_line": [p[2] for p in PRODUCTS],
            "list_price": [p[3] for p in PRODUCTS],
            "unit_cost": [p[4] for p in PRODUCTS],
            "product_role": [p[5] for p in PRODUCTS],
            "is_subscription": [p[6] for p in PRODUCTS],
            "excluded": [p[7] for p in PRODUCTS],
        },
    )

    # customers
    counted_sales = np.bincount(o_cust, weights=np.where(COUNTED[status], total, 0), minlength=n)
    tier = np.where(counted_sales >= 60000, 2, np.where(counted_sales >= 20000, 1, 0))
    early = rng.random(n) < 0.15
    reg_back = np.where(early, rng.integers(DAY, 90 * DAY, n), rng.integers(60, 900, n))
    registered = np.maximum(t_first - reg_back, 0)
    female = np.array([0.62, 0.90, 0.80])[line]
    u = rng.random(n)
    gender = np.where(u < 0.04, 2, np.where(u < 0.04 + 0.96 * female, 0, 1))
    age_y = np.clip(rng.normal(50, 11, n), 20, 75)
    ref_day = c_day - (age_y * 365.25).astype(np.int64)
    birth = _dates(ref_day - rng.integers(0, 365, n))
    pref_w = np.array([p[1] for p in PREFECTURES], dtype=float)
    pref = _pick(rng, n, pref_w)
    mail = rng.random(n) < 0.66
    dm = rng.random(n) < np.where(channel == PHONE, 0.70, 0.42)
    call = rng.random(n) < np.where(channel == PHONE, 0.55, 0.18)
    customers_df = _frame(
        "customers",
        {
            "customer_id": cust_ids,
            "registered_at": _ts(registered),
            "gender": _lookup(GENDERS, gender),
            "birth_date": birth,
            "prefecture": _lookup(tuple(p[0] for p in PREFECTURES), pref),
            "member_tier": _lookup(TIERS, tier),
            "mail_optin": mail,
            "dm_optin": dm,
            "call_optin": call,
        },
    )

    # subscriptions, in contract id order
    so = sub_order
    subs = _frame(
        "subscriptions",
        {
            "subscription_id": sub_ids,
            "customer_id": cust_ids[sub_cust[so]],
            "product_id": np.array([p[0] for p in PRODUCTS], dtype=object)[LINE_MAIN[s_line[so]]],
            "started_at": _ts(s_t1[so]),
            "status": _lookup(SUB_STATUS, s_status[so]),
            "cancelled_at": np.where(stopped[so], _ts(np.minimum(stop_t[so], END_SEC - 1)), np.datetime64("NaT", "us")),
            "cancel_reason": _lookup(CANCEL_REASONS, reason[so]),
            "ad_code": _lookup(tuple(m[0] for m in MEDIA) + (None,), s_code[so]),
        },
    )

    # --- ad spend and traffic ----------------------------------------------------------------
    sp_code, sp_day, sp_cost = [], [], []
    tr_code, tr_day, tr_visits, tr_clicks = [], [], [], []

    def spend(code: str, on_days: np.ndarray, cost: np.ndarray) -> None:
        sp_code.append(np.full(on_days.size, CODE[code]))
        sp_day.append(on_days)
        sp_cost.append(np.asarray(cost, dtype=np.int64))

    firsts = np.flatnonzero(day_of_month == 1)
    for j, (code, _line, _two, _w, lo, hi, cost, *_r, cvr) in enumerate(ACQ):
        active = np.flatnonzero((days >= _day(lo)) & (days <= _day(hi)))
        exp_j = expected[:, j]
        if code.startswith(("np_", "mag_", "tv_")):
            # print and broadcast: a month's cost booked on its 1st, in round thousands
            months = firsts[(firsts >= active[0]) & (firsts <= active[-1])]
            month_of = np.searchsorted(months, active, side="right") - 1
            per_month = np.bincount(month_of, weights=exp_j[active], minlength=months.size)
            c = per_month * cost * rng.lognormal(0, 0.12, months.size)
            spend(code, months, np.round(c / 1000) * 1000)
        else:
            spend(code, active, np.round(exp_j[active] * cost * rng.lognormal(0, 0.25, active.size)))
        if cvr:  # web media: daily visits (LP sessions) and ad clicks
            visits = rng.poisson(exp_j[active] / cvr * rng.lognormal(0, 0.15, active.size))
            tr_code.append(np.full(active.size, CODE[code]))
            tr_day.append(active)
            tr_visits.append(visits)
            tr_clicks.append(visits + rng.binomial(visits, 0.12))
    # step mail tool fee; spring DMs at ¥130 a piece to ~60% of the customers so far; recommend is free
    spend("stepmail01", firsts, np.full(firsts.size, 5000))
    dm_days = firsts[month[firsts] == 3]
    spend("dm_spring", dm_days, np.round(np.searchsorted(np.sort(c_day), dm_days) * 0.6) * 130)
    spend("reco01", firsts, np.zeros(firsts.size))
    sp_code, sp_day, sp_cost = (np.concatenate(a) for a in (sp_code, sp_day, sp_cost))
    so2 = np.lexsort((sp_day, sp_code))
    ad_spend = _frame(
        "ad_spend",
        {
            "ad_code": _lookup(tuple(m[0] for m in MEDIA), sp_code[so2]),
            "spend_date": _dates(sp_day[so2]),
            "cost": sp_cost[so2],
        },
    )
    tr_code, tr_day, tr_visits, tr_clicks = (np.concatenate(a) for a in (tr_code, tr_day, tr_visits, tr_clicks))
    so3 = np.lexsort((tr_day, tr_code))
    ad_traffic = _frame(
        "ad_traffic",
        {
            "ad_code": _lookup(tuple(m[0] for m in MEDIA), tr_code[so3]),
            "traffic_date": _dates(tr_day[so3]),
            "visits": tr_visits[so3],
            "clicks": tr_clicks[so3],
        },
    )
    ad_media = _frame(
        "ad_media",
        {
            "ad_code": [m[0] for m in MEDIA],
            "media_name": [m[1] for m in MEDIA],
            "media_type": [m[2] for m in MEDIA],
            "step": [m[3] for m in MEDIA],
            "landing_product_id": [m[4] for m in MEDIA],
        },
    )
    out = {
        "orders": orders,
        "order_items": order_items,
        "products": products,
        "customers": customers_df,
        "subscriptions": subs,
        "ad_media": ad_media,
        "ad_spend": ad_spend,
        "ad_traffic": ad_traffic,
    }
    return {name: out[name] for name in TABLES}


# ----------------------------------------------------------------------------- writing
def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of canonical table `name`."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[name].columns])


def to_arrow(name: str, df: pd.DataFrame) -> pa.Table:
    """A generated DataFrame as an Arrow table with the contract's types (no pandas metadata)."""
    arrays = []
    for col in TABLES[name].columns:
        s = df[col.name]
        if col.type == DECIMAL:
            ints = pd.array(s.round(), dtype="Int64") if s.dtype.kind == "f" else pd.array(s, dtype="Int64")
            # via a wide decimal: int64 → decimal128(18, 2) is refused statically, values are checked here
            arr = pa.array(ints, type=pa.int64(), from_pandas=True)
            arr = arr.cast(pa.decimal128(38, 2)).cast(ARROW_TYPES[DECIMAL])
        elif col.type == TIMESTAMP:
            arr = pa.array(s.to_numpy(dtype="datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
        else:
            arr = pa.array(s, type=ARROW_TYPES[col.type], from_pandas=True)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=arrow_schema(name))


def write(out_dir, customers: int = 3000, seed: int = 7) -> dict[str, int]:
    """Write the sample shop as `out_dir/<table>.parquet`; returns the row count per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, df in generate(customers, seed).items():
        pq.write_table(to_arrow(name, df), out / f"{name}.parquet", compression="zstd")
        counts[name] = len(df)
    return counts
