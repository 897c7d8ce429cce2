-- customer_fact: one row per customer with a counted order as of the as-of date.
-- param as_of date = @as_of: recency is counted to this day
-- columns: customer_id, first_ordered_at, last_ordered_at, orders, sales, tenure_days,
--   recency_days, first_ad_code, first_channel, first_product_id, first_is_trial
with per_customer as (
    select
        customer_id,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        count(*) as orders,
        sum(amount) as sales,
        min(first_ad_code) as first_ad_code,
        min(first_channel) as first_channel,
        min(first_product_id) as first_product_id,
        bool_or(first_is_trial) as first_is_trial
    from order_fact
    where customer_level  -- orders with an excluded product are not customer history (order_fact)
    group by customer_id
),

final as (
    select
        customer_id, first_ordered_at, last_ordered_at, orders, sales,
        date_diff('day', cast(first_ordered_at as date), cast(last_ordered_at as date)) as tenure_days,
        date_diff('day', cast(last_ordered_at as date), cast($as_of as date)) as recency_days,
        first_ad_code, first_channel, first_product_id, first_is_trial
    from per_customer
)

select * from final
