-- ltv_roas: 限界CPO・ROAS per cohort: LTV over ltv_months, ad cost, CPO, 限界CPO (slide 44), ROAS (slide 45).
-- param cohort_by text = 'first_month' {first_month|first_ad_code|first_media_type|first_product|first_channel}: how customers are grouped; cost is known only for first_ad_code and first_media_type
-- param start date = null: first-purchase date from (inclusive); also bounds the ad spend counted
-- param end date = null: first-purchase date up to (inclusive); also bounds the ad spend counted
-- param ltv_months int = @ltv_months: months of cumulative sales in the LTV (12 = first month + 11)
-- param variable_cost_per_order float = @variable_cost_per_order: variable cost per order (yen) subtracted for 限界CPO
-- param target_roas float = 100.0: what-if: the ROAS (%) to reach; break_even_cpo = 限界CPO × 100 ÷ target_roas
-- param as_of date = @as_of: the as-of date; a cohort whose customers have not all reached ltv_months is incomplete
-- columns: cohort, cohort_customers, months_observed, complete, ltv_to_date, ltv, orders_per_customer,
--   cost, cpo, marginal_cpo, roas, cpo_within_marginal, break_even_cpo
with customers_in as (
    select
        c.customer_id,
        c.first_ad_code,
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

customer_span as (
    select *,
        (year(cast($as_of as date)) - year(first_month)) * 12
            + month(cast($as_of as date)) - month(first_month) as max_month
    from customers_in
),

-- orders inside each customer's LTV window (months 0 .. ltv_months - 1 from their own first month)
window_orders as (
    select s.cohort, o.customer_id, o.amount,
        (year(o.order_date) - year(s.first_month)) * 12 + month(o.order_date) - month(s.first_month) as msf
    from order_fact o
    join customer_span s on s.customer_id = o.customer_id
),

cohorts as (
    select cohort, count(*) as cohort_customers, min(max_month) + 1 as months_observed
    from customer_span
    group by cohort
),

cohort_sales as (
    select cohort, count(*) as orders, sum(amount) as sales
    from window_orders
    where msf < $ltv_months
    group by cohort
),

-- cost is attributed only on an ad dimension: the spend of the cohort's ad codes (in [start, end])
cost_by_code as (
    select ad_code, sum(cost) as cost
    from ad_spend
    where ($start is null or spend_date >= cast($start as date))
      and ($end is null or spend_date <= cast($end as date))
    group by ad_code
),

cohort_cost as (
    select
        case $cohort_by
            when 'first_ad_code' then k.ad_code
            when 'first_media_type' then coalesce(m.media_type, '(none)')
        end as cohort,
        sum(k.cost) as cost
    from cost_by_code k
    left join ad_media m on m.ad_code = k.ad_code
    where $cohort_by in ('first_ad_code', 'first_media_type')
    group by 1
),

measured as (
    select
        c.cohort, c.cohort_customers, c.months_observed,
        c.months_observed >= $ltv_months as complete,
        coalesce(s.sales, 0.0) / c.cohort_customers as ltv_to_date,
        coalesce(s.orders, 0) * 1.0 / c.cohort_customers as orders_per_customer,
        k.cost
    from cohorts c
    left join cohort_sales s on s.cohort = c.cohort
    left join cohort_cost k on k.cohort = c.cohort
),

valued as (
    select *,
        case when complete then ltv_to_date end as ltv,
        cost / nullif(cohort_customers, 0) as cpo
    from measured
),

margins as (
    select *,
        ltv - cast($variable_cost_per_order as double) * orders_per_customer as marginal_cpo,
        ltv / nullif(cpo, 0) * 100 as roas
    from valued
),

final as (
    select
        cohort, cohort_customers, months_observed, complete, ltv_to_date, ltv, orders_per_customer,
        cost, cpo, marginal_cpo, roas,
        case when marginal_cpo is not null and cpo is not null then cpo <= marginal_cpo end as cpo_within_marginal,
        marginal_cpo * 100 / nullif(cast($target_roas as double), 0) as break_even_cpo
    from margins
)

select * from final
order by cohort
