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
with orders_in as (
    -- customer-level orders of the customers whose first purchase is in [start, end]: a cohort
    -- customer's orders holding an excluded product are left out (seed 000), as in cohort_ltv
    select o.customer_id, o.first_ordered_at, o.amount, o.purchase_ordinal,
        (year(o.order_date) - year(o.first_ordered_at)) * 12 + month(o.order_date) - month(o.first_ordered_at)
            as msf
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

cohorts as (
    -- one aggregation over the orders: a cohort's customers are its first orders; its sales
    -- and orders those inside each customer's own LTV window (months 0 .. ltv_months - 1 from
    -- their first month); the months observed are those of its latest first month
    select cohort,
        count(*) filter (where purchase_ordinal = 1) as cohort_customers,
        (year(cast($as_of as date)) - year(max(first_ordered_at))) * 12
            + month(cast($as_of as date)) - month(max(first_ordered_at)) + 1 as months_observed,
        count(*) filter (where msf < $ltv_months) as orders,
        coalesce(sum(amount) filter (where msf < $ltv_months), 0) as sales
    from cohort_orders
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
        c.sales / c.cohort_customers as ltv_to_date,
        c.orders * 1.0 / c.cohort_customers as orders_per_customer,
        k.cost
    from cohorts c
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
