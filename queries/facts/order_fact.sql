-- order_fact: every counted order as of the as-of date, with the customer's purchase history.
-- param counted_statuses text[] = @counted_statuses: statuses counted as a purchase
-- param as_of date = @as_of: orders after this day are not yet known
-- columns: order_id, customer_id, ordered_at, order_date, amount, status, order_kind,
--   subscription_id, subscription_seq, ad_code, channel, coupon_code, is_trial, lead_product_id,
--   has_excluded_product, purchase_ordinal, first_ordered_at, prev_ordered_at, days_since_prev,
--   first_ad_code, first_channel, first_product_id, first_is_trial, customer_level,
--   cumulative_sales, next_ordered_at
--
-- Excluded products (抽出対象除外, SPEC §2, seed 000): an order holding any product marked
-- `excluded` stays in sales totals but is left out of customer-level analyses. This is the one
-- place that rule lives: customer_level is false for it (and for orders without a customer),
-- and purchase_ordinal, prev_ordered_at, days_since_prev and the first_* columns are computed
-- over customer_level orders only (null on the others). Customer-level queries filter
-- `where customer_level`; customer_fact does.
--
-- cumulative_sales (the customer's sales up to and including this order) and next_ordered_at
-- (the customer's next counted order) make each order row the customer's state from this order
-- until the next one: a snapshot on any day is a filter, not a group-by over all earlier orders
-- (customer_cpm_monthly, extract_customers, segment_movement at 10M orders).
with counted as (
    select o.*
    from orders o
    where o.ordered_at < cast($as_of as date) + interval 1 day
      -- a dataset without a status column counts every order
      and (o.status is null or o.status in (select unnest(cast($counted_statuses as varchar[]))))
),

item_products as (
    -- every product on an order line, numbered in product_id order (a handful to thousands of rows)
    select product_id, row_number() over (order by product_id) as product_no, count(*) over () as products
    from (select distinct product_id from order_items) p
),

item_roles as (
    -- an order is a trial order when it holds a trial product and no main product (issue 7).
    -- The lead product is the order's biggest line, ties broken by the smallest product_id: one
    -- integer key per line (amount first, then product order) lets a single max() pick it, so the
    -- items are grouped once, without a window sorted per order (12M lines at 10M orders).
    select
        i.order_id,
        max(case when coalesce(p.product_role, 'main') = 'trial' then 1 else 0 end) as has_trial,
        max(case when coalesce(p.product_role, 'main') = 'main' then 1 else 0 end) as has_main,
        max(case when p.excluded then 1 else 0 end) as has_excluded,
        max((coalesce(cast(round(i.line_amount * 100) as bigint) + 1, 0)) * (n.products + 1)
            + (n.products - n.product_no)) as lead_key,
        max(n.products) as products
    from order_items i
    left join item_products n on n.product_id = i.product_id
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
        lp.product_id as lead_product_id,
        coalesce(r.has_excluded = 1, false) as has_excluded_product,
        c.customer_id is not null and coalesce(r.has_excluded = 1, false) = false as customer_level
    from counted c
    left join item_roles r on r.order_id = c.order_id
    left join item_products lp on lp.product_no = r.products - r.lead_key % (r.products + 1)
),

ranks as (
    -- purchase ordinal and previous order from one window over narrow rows; sorting the whole
    -- order rows per customer cost three times as much at 10M orders
    select order_id,
        row_number() over w as purchase_ordinal,
        lag(ordered_at) over w as prev_ordered_at,
        lead(ordered_at) over w as next_ordered_at,
        sum(amount) over (w rows between unbounded preceding and current row) as cumulative_sales
    from base
    where customer_level
    window w as (partition by customer_id order by ordered_at, order_id)
),

ranked as (
    select b.*, r.purchase_ordinal, r.prev_ordered_at, r.next_ordered_at, r.cumulative_sales
    from base b
    left join ranks r on r.order_id = b.order_id
),

firsts as (
    select customer_id, ordered_at as first_ordered_at, ad_code as first_ad_code,
           channel as first_channel, lead_product_id as first_product_id, is_trial as first_is_trial
    from ranked
    where purchase_ordinal = 1
),

final as (
    select
        r.order_id, r.customer_id, r.ordered_at, r.order_date, r.amount, r.status, r.order_kind,
        r.subscription_id, r.subscription_seq, r.ad_code, r.channel, r.coupon_code, r.is_trial,
        r.lead_product_id, r.has_excluded_product, r.purchase_ordinal,
        f.first_ordered_at,
        r.prev_ordered_at,
        date_diff('day', cast(r.prev_ordered_at as date), r.order_date) as days_since_prev,
        f.first_ad_code, f.first_channel, f.first_product_id, f.first_is_trial,
        r.customer_level, r.cumulative_sales, r.next_ordered_at
    from ranked r
    -- only customer-level orders carry the first order's attributes
    left join firsts f on f.customer_id = r.customer_id and r.customer_level
)

select * from final
