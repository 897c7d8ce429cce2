-- order_fact: every counted order as of the as-of date, with the customer's purchase history.
-- param counted_statuses text[] = @counted_statuses: statuses counted as a purchase
-- param as_of date = @as_of: orders after this day are not yet known
-- columns: order_id, customer_id, ordered_at, order_date, amount, status, order_kind,
--   subscription_id, subscription_seq, ad_code, channel, coupon_code, is_trial, lead_product_id,
--   has_excluded_product, purchase_ordinal, first_ordered_at, prev_ordered_at, days_since_prev,
--   first_ad_code, first_channel, first_product_id, first_is_trial, customer_level
--
-- Excluded products (抽出対象除外, SPEC §2, seed 000): an order holding any product marked
-- `excluded` stays in sales totals but is left out of customer-level analyses. This is the one
-- place that rule lives: customer_level is false for it (and for orders without a customer),
-- and purchase_ordinal, prev_ordered_at, days_since_prev and the first_* columns are computed
-- over customer_level orders only (null on the others). Customer-level queries filter
-- `where customer_level`; customer_fact does.
with counted as (
    select o.*
    from orders o
    where o.ordered_at < cast($as_of as date) + interval 1 day
      -- a dataset without a status column counts every order
      and (o.status is null or o.status in (select unnest(cast($counted_statuses as varchar[]))))
),

item_roles as (
    -- an order is a trial order when it holds a trial product and no main product (issue 7)
    select
        i.order_id,
        max(case when coalesce(p.product_role, 'main') = 'trial' then 1 else 0 end) as has_trial,
        max(case when coalesce(p.product_role, 'main') = 'main' then 1 else 0 end) as has_main,
        max(case when p.excluded then 1 else 0 end) as has_excluded,
        -- the order's lead product: its biggest line, ties broken by product_id
        min(i.product_id) filter (where i.line_amount = i.top_line) as lead_product_id_top,
        min(i.product_id) filter (where i.line_amount is null) as lead_product_id_null
    from (
        -- one aggregate over the items instead of a window sorted per order (12M rows at 10M orders)
        select order_id, product_id, line_amount,
               max(line_amount) over (partition by order_id) as top_line
        from order_items
    ) i
    left join products p on p.product_id = i.product_id
    group by i.order_id
),

base as (
    select
        c.order_id, c.customer_id, c.ordered_at,
        cast(c.ordered_at as date) as order_date,
        cast(c.total_amount as double) as amount,
        c.status,
        coalesce(c.order_kind, 'normal') as order_kind,
        c.subscription_id, c.subscription_seq, c.ad_code, c.channel, c.coupon_code,
        coalesce(r.has_trial = 1 and r.has_main = 0, false) as is_trial,
        coalesce(r.lead_product_id_top, r.lead_product_id_null) as lead_product_id,
        coalesce(r.has_excluded = 1, false) as has_excluded_product,
        c.customer_id is not null and coalesce(r.has_excluded = 1, false) = false as customer_level
    from counted c
    left join item_roles r on r.order_id = c.order_id
),

ranked as (
    -- one window, one sort: ordinal, previous order and the first order's attributes together
    select b.*,
        case when b.customer_level then row_number() over w end as purchase_ordinal,
        case when b.customer_level then lag(b.ordered_at) over w end as prev_ordered_at,
        case when b.customer_level then first_value(b.ordered_at) over w end as first_ordered_at,
        case when b.customer_level then first_value(b.ad_code) over w end as first_ad_code,
        case when b.customer_level then first_value(b.channel) over w end as first_channel,
        case when b.customer_level then first_value(b.lead_product_id) over w end as first_product_id,
        case when b.customer_level then first_value(b.is_trial) over w end as first_is_trial
    from base b
    window w as (partition by b.customer_id, b.customer_level order by b.ordered_at, b.order_id
                 rows between unbounded preceding and current row)
),

final as (
    select
        order_id, customer_id, ordered_at, order_date, amount, status, order_kind,
        subscription_id, subscription_seq, ad_code, channel, coupon_code, is_trial,
        lead_product_id, has_excluded_product, purchase_ordinal, first_ordered_at, prev_ordered_at,
        date_diff('day', cast(prev_ordered_at as date), order_date) as days_since_prev,
        first_ad_code, first_channel, first_product_id, first_is_trial, customer_level
    from ranked
)

select * from final
