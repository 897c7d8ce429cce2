-- cohort_ltv: コホートLTV: cumulative sales per cohort customer by months since the first purchase (SPEC §4.4).
-- param cohort_by text = 'first_month' {first_month|first_ad_code|first_media_type|first_product|first_channel}: how customers are grouped
-- param start date = null: first-purchase date from (inclusive); empty = from the beginning
-- param end date = null: first-purchase date up to (inclusive); empty = no limit
-- param horizon_months int = 24: last months_since_first shown
-- param as_of date = @as_of: the as-of date; months after its month are not shown
-- columns: cohort, months_since_first, cohort_customers, active_customers, orders, sales,
--   cumulative_sales_per_customer
--
-- Customer-level (order_fact.customer_level): a cohort customer's orders holding an excluded
-- product are left out, as in every analysis of customer retention and growth (seed 000).
-- active_customers counts each customer once per month, on their first order of the month (the
-- one whose previous order is in an earlier month), so no distinct count over the orders.
with orders_in as (
    -- customer-level orders of the customers whose first purchase is in [start, end]
    select
        o.customer_id, o.first_ordered_at, o.order_date, o.amount, o.purchase_ordinal,
        o.prev_order_date is null or o.prev_order_date < date_trunc('month', o.order_date) as first_in_month
    from order_fact o
    where o.customer_level
      and ($start is null or cast(o.first_ordered_at as date) >= cast($start as date))
      and ($end is null or cast(o.first_ordered_at as date) <= cast($end as date))
),

cohort_orders as (
    -- by first month the cohort is on the order row itself; the other groupings take the
    -- customer's first order from customer_fact (only the chosen branch runs)
    select strftime(o.first_ordered_at, '%Y-%m') as cohort, o.*
    from orders_in o
    where $cohort_by = 'first_month'
    union all
    select
        case $cohort_by
            when 'first_ad_code' then coalesce(c.first_ad_code, '(none)')
            when 'first_media_type' then coalesce(m.media_type, '(none)')
            when 'first_product' then coalesce(c.first_product_id, '(none)')
            when 'first_channel' then coalesce(c.first_channel, '(none)')
        end as cohort,
        o.*
    from orders_in o
    join customer_fact c on c.customer_id = o.customer_id
    left join ad_media m on m.ad_code = c.first_ad_code
    where $cohort_by <> 'first_month'
),

order_months as (
    select cohort, amount, purchase_ordinal, first_in_month, first_ordered_at,
        (year(order_date) - year(first_ordered_at)) * 12 + month(order_date) - month(first_ordered_at)
            as months_since_first
    from cohort_orders
),

monthly as (
    -- the one aggregation over the orders; a cohort's customers are its first orders (all in
    -- month 0), so the cohorts come from these rows too
    select cohort, months_since_first,
        count(*) filter (where first_in_month) as active_customers,
        count(*) as orders,
        sum(amount) as sales,
        count(*) filter (where purchase_ordinal = 1) as first_orders,
        min(first_ordered_at) as earliest_first
    from order_months
    where months_since_first <= $horizon_months
    group by cohort, months_since_first
),

cohorts as (
    -- months a cohort can show run from its earliest first month to the as-of month, capped at
    -- the horizon
    select cohort,
        cast(sum(first_orders) as bigint) as cohort_customers,
        least(cast($horizon_months as integer),
              (year(cast($as_of as date)) - year(min(earliest_first))) * 12
              + month(cast($as_of as date)) - month(min(earliest_first))) as max_month
    from monthly
    group by cohort
),

grid as (
    select c.cohort, c.cohort_customers, cast(g.m as integer) as months_since_first
    from cohorts c
    cross join generate_series(0, cast($horizon_months as bigint)) as g(m)
    where g.m <= c.max_month
),

final as (
    select
        g.cohort, g.months_since_first, g.cohort_customers,
        coalesce(m.active_customers, 0) as active_customers,
        coalesce(m.orders, 0) as orders,
        coalesce(m.sales, 0.0) as sales,
        sum(coalesce(m.sales, 0.0)) over (partition by g.cohort order by g.months_since_first)
            / g.cohort_customers as cumulative_sales_per_customer
    from grid g
    left join monthly m on m.cohort = g.cohort and m.months_since_first = g.months_since_first
)

select * from final
order by cohort, months_since_first
