-- customer_fact: one row per customer with a counted order as of the as-of date.
-- param as_of date = @as_of: recency is counted to this day
-- columns: customer_id, first_ordered_at, last_ordered_at, orders, sales, tenure_days,
--   recency_days, first_ad_code, first_channel, first_product_id, first_is_trial
--
-- Read off order_fact without a group-by: a customer's last customer-level order (no next
-- order) carries the purchase count (its ordinal) and the sales so far, and the first one
-- (ordinal 1) the first order's attributes. Orders with an excluded product are not customer
-- history (order_fact.customer_level).
with last_orders as (
    select customer_id, first_ordered_at, ordered_at as last_ordered_at,
        purchase_ordinal as orders, cumulative_sales as sales
    from order_fact
    where customer_level and next_order_date is null
),

first_orders as (
    select customer_id, ad_code as first_ad_code, channel as first_channel,
        lead_product_id as first_product_id, is_trial as first_is_trial
    from order_fact
    where customer_level and purchase_ordinal = 1
),

final as (
    select
        l.customer_id, l.first_ordered_at, l.last_ordered_at, l.orders, l.sales,
        date_diff('day', cast(l.first_ordered_at as date), cast(l.last_ordered_at as date)) as tenure_days,
        date_diff('day', cast(l.last_ordered_at as date), cast($as_of as date)) as recency_days,
        f.first_ad_code, f.first_channel, f.first_product_id, f.first_is_trial
    from last_orders l
    join first_orders f on f.customer_id = l.customer_id
)

select * from final
