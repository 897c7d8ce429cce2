"""Header synonyms and value words used by the importer: the one list to extend per cart vendor.

Headers are compared after NFKC normalisation, trimming and lower-casing; every canonical column
name also matches itself.
"""

from __future__ import annotations

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": ("注文番号", "受注番号", "注文ID", "受注ID", "注文No", "伝票番号"),
        "customer_id": ("顧客ID", "顧客番号", "会員ID", "会員番号", "顧客コード"),
        "ordered_at": ("注文日", "注文日時", "受注日", "受注日時", "購入日", "購入日時"),
        "total_amount": ("合計金額", "注文金額", "購入金額", "売上金額", "支払金額", "金額", "請求金額"),
        "status": ("ステータス", "注文ステータス", "対応状況", "受注ステータス"),
        "order_kind": ("注文種別", "受注種別", "購入区分", "定期区分"),
        "subscription_id": ("定期ID", "定期番号", "定期購入ID", "定期受注番号"),
        "subscription_seq": ("定期回数", "お届け回数"),
        "ad_code": ("広告コード", "媒体コード", "受付番号"),
        "channel": ("販売チャネル", "チャネル", "販路"),
        "coupon_code": ("クーポンコード", "クーポン"),
        "discount_amount": ("値引額", "割引金額", "値引き金額"),
        "shipping_fee": ("送料",),
        "points_used": ("利用ポイント", "ポイント利用額"),
    },
    "order_items": {
        "order_id": ("注文番号", "受注番号", "注文ID"),
        "product_id": ("商品コード", "商品ID", "商品番号"),
        "quantity": ("数量", "個数"),
        "unit_price": ("単価", "販売単価"),
        "line_amount": ("小計", "明細金額"),
    },
    "products": {
        "product_id": ("商品コード", "商品ID", "商品番号"),
        "product_name": ("商品名",),
        "product_line": ("商品ライン", "商品カテゴリ", "カテゴリ"),
        "list_price": ("定価", "販売価格", "価格"),
        "unit_cost": ("原価",),
        "product_role": ("商品区分", "商品種別"),
        "is_subscription": ("定期商品", "定期フラグ"),
        "excluded": ("抽出対象除外", "除外"),
    },
    "customers": {
        "customer_id": ("顧客ID", "顧客番号", "会員ID", "会員番号"),
        "registered_at": ("登録日", "登録日時", "会員登録日"),
        "gender": ("性別",),
        "birth_date": ("生年月日", "誕生日"),
        "prefecture": ("都道府県",),
        "member_tier": ("会員ランク", "ランク"),
        "mail_optin": ("メルマガ", "メルマガ受信", "メール許諾"),
        "dm_optin": ("DM", "DM許諾", "DM送付"),
        "call_optin": ("架電許諾", "アウトバウンド"),
    },
    "subscriptions": {
        "subscription_id": ("定期ID", "定期番号", "定期購入ID"),
        "customer_id": ("顧客ID", "顧客番号", "会員ID", "会員番号"),
        "product_id": ("商品コード", "商品ID", "商品番号"),
        "started_at": ("開始日", "定期開始日", "申込日"),
        "status": ("ステータス", "定期ステータス", "契約状況"),
        "cancelled_at": ("解約日", "停止日"),
        "cancel_reason": ("解約理由", "停止理由"),
        "ad_code": ("広告コード", "媒体コード", "受付番号"),
    },
    "ad_media": {
        "ad_code": ("広告コード", "媒体コード", "受付番号"),
        "media_name": ("媒体名", "広告名"),
        "media_type": ("媒体種別", "媒体区分"),
        "step": ("ステップ", "獲得方式"),
        "landing_product_id": ("LP商品", "訴求商品コード"),
    },
    "ad_spend": {
        "ad_code": ("広告コード", "媒体コード", "受付番号"),
        "spend_date": ("日付", "出稿日", "掲載日"),
        "cost": ("広告費", "費用", "出稿費"),
    },
    "ad_traffic": {
        "ad_code": ("広告コード", "媒体コード", "受付番号"),
        "traffic_date": ("日付",),
        "visits": ("訪問数", "セッション数", "アクセス数"),
        "clicks": ("クリック数",),
    },
}

# Japanese (and English) words for canonical values, per value set.
STATUS_WORDS = {
    "awaiting_shipment": ("発送待ち", "出荷待ち", "新規受付", "受付", "入金済み"),
    "preparing": ("発送準備中", "出荷準備中", "準備中", "処理中"),
    "shipped": ("発送済み", "発送済", "出荷済み", "出荷済", "発送完了", "出荷完了"),
    "delivered": ("配送完了", "配達完了", "お届け済み", "完了"),
    "scheduled": ("お届け予定", "予定", "次回予定"),
    "cancelled": ("キャンセル", "キャンセル済み", "取消", "取り消し"),
    "on_hold": ("保留", "保留中"),
    "unpaid": ("未入金", "入金待ち"),
    "returned": ("返品", "返品済み"),
}
VALUE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders.status": STATUS_WORDS,
    "orders.order_kind": {"normal": ("通常", "通常購入", "単品"), "subscription": ("定期", "定期購入", "定期便")},
    "products.product_role": {
        "trial": ("サンプル", "お試し", "トライアル", "引上げ対象"),
        "main": ("本品", "本商品"),
        "gift": ("プレゼント", "同梱", "ノベルティ"),
    },
    "subscriptions.status": {
        "active": ("継続", "継続中", "有効"),
        "paused": ("休止", "休止中", "一時停止"),
        "cancelled": ("解約", "停止", "解約済み", "キャンセル"),
    },
    "ad_media.media_type": {
        "web": ("ウェブ", "WEB広告", "ネット"),
        "print": ("紙", "新聞", "雑誌", "チラシ"),
        "broadcast": ("テレビ", "TV", "ラジオ"),
        "email": ("メール", "メルマガ"),
        "dm": ("DM", "ダイレクトメール"),
        "recommend": ("レコメンド",),
        "affiliate": ("アフィリエイト",),
        "other": ("その他",),
    },
    "ad_media.step": {"one_step": ("1ステップ", "ワンステップ"), "two_step": ("2ステップ", "ツーステップ")},
}
TRUE_WORDS = ("true", "1", "yes", "y", "はい", "○", "〇", "◯", "有", "あり", "する", "許可", "希望")
FALSE_WORDS = ("false", "0", "no", "n", "いいえ", "×", "無", "なし", "しない", "拒否", "不要")
