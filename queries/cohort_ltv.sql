-- cohort_ltv: コホートLTV: cumulative sales per cohort customer by months since the first purchase (SPEC §4.4).
-- param cohort_by text = 'first_month' {first_month|first_ad_code|first_media_type|first_product|first_channel}: how customers are grouped
-- param start date = null: first-purchase date from (inclusive); empty = from the beginning
-- param end date = null: first-purchase date up to (inclusive); empty = no limit
-- param horizon_months int = 24: last months_since_first shown
-- param as_of date = @as_of: the as-of date; months after its month are not shown
-- columns: cohort, months_since_first, cohort_customers, active_customers, orders, sales,
--   cumulative_sales_per_customer
with customers_in as (
    select
        c.customer_id,
        cast(date_trunc('month', c.first_ordered_at) as date) as first_month,
        case $cohort_by
            when 'first_month' then strftime(c.first_ordered_at, '%Y-%m')
            when 'first_ad_code' then coalesce(c.first_ad_code, '(none)')
            when 'first_media_type' then coalesce(m.media_type, '(none)')
            when 'first_product' then coalesce(c.first_product_id, '(none)')
            when 'first_channel' then coalesce(c.first_channel, '(none)')
        end as cohort
    from customer_fact c
    left join ad_media m on m.ad_code = c.first_ad_code
    where ($start is null or cast(c.first_ordered_at as date) >= cast($start as date))
      and ($end is null or cast(c.first_ordered_at as date) <= cast($end as date))
),

-- months a customer's cohort can show: from its first month to the as-of month, capped
customer_span as (
    select *,
        least(cast($horizon_months as integer),
              (year(cast($as_of as date)) - year(first_month)) * 12
              + month(cast($as_of as date)) - month(first_month)) as max_month
    from customers_in
),

cohorts as (
    select cohort, count(*) as cohort_customers, max(max_month) as max_month
    from customer_span
    group by cohort
),

grid as (
    select c.cohort, c.cohort_customers, cast(g.m as integer) as months_since_first
    from cohorts c
    cross join generate_series(0, cast($horizon_months as bigint)) as g(m)
    where g.m <= c.max_month
),

order_months as (
    select
        s.cohort, o.customer_id, o.amount,
        (year(o.order_date) - year(s.first_month)) * 12 + month(o.order_date) - month(s.first_month)
            as months_since_first
    from order_fact o
    join customer_span s on s.customer_id = o.customer_id
),

monthly as (
    select cohort, months_since_first,
        count(distinct customer_id) as active_customers,
        count(*) as orders,
        sum(amount) as sales
    from order_months
    where months_since_first <= $horizon_months
    group by cohort, months_since_first
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
