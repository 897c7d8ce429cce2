-- kpi_scorecard: 勝利の方程式 KPI scorecard (slide 46): each KPI's value, its bar and pass/fail; a KPI without its data names the table it needs.
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param ltv_vs_aov_factor float = @ltv_vs_aov_factor: 年間平均LTV bar = this × main-product AOV
-- param avg_deliveries_target float = @avg_deliveries_target: 平均定期継続回数 bar
-- param existing_aov_factor float = @existing_aov_factor: existing-customer AOV bar = this × lead-product price
-- param upgrade_rate_target float = @upgrade_rate_target: 引上率 bar in %
-- columns: kpi, value, bar, passed, needs
with in_range as not materialized (
    select *
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

have as (
    select
        (select count(*) from products) > 0 as has_products,
        (select count(*) from order_items) > 0 as has_items,
        (select count(*) from contract_fact) > 0 as has_subscriptions
),

-- 年間平均LTV (slide 43) against main-product AOV (counted non-trial orders of the period).
-- Buyers are the customers with a counted order in the period (excluded products included, as in
-- ltv_summary): a customer-level buyer counted on their first order of the period (its previous
-- order before it), plus the few whose orders in it all hold an excluded product.
other_orders as (
    select customer_id from in_range where not customer_level and customer_id is not null
),

annual_ltv as (
    select
        sum(amount) / nullif(
            count(*) filter (where customer_level
                             and (prev_order_date is null or ($start is not null and prev_order_date < cast($start as date))))
            + (select count(distinct x.customer_id) from other_orders x
               where x.customer_id not in (select customer_id from in_range
                                           where customer_level and customer_id in (select customer_id from other_orders))),
            0) as value,
        avg(amount) filter (where not is_trial) as main_aov
    from in_range
),

-- 平均定期継続回数 = Σₙ retained(n) ÷ retained(1) = Σ d ÷ #contracts with d ≥ 1, from the same contract
-- fact as subscription_summary (tests check they agree); contracts started in the period
avg_deliveries as (
    select sum(deliveries) * 1.0 / nullif(count(*) filter (where deliveries >= 1), 0) as value
    from contract_fact
    where ($start is null or started_at >= cast($start as date))
      and ($end is null or started_at < cast($end as date) + interval 1 day)
),

-- existing-customer AOV (2nd and later orders) against the lead (trial) product's list price
existing_aov as (
    select
        (select avg(amount) from in_range where purchase_ordinal >= 2) as value,
        (select avg(list_price) from products where product_role = 'trial') as lead_price
),

-- 引上率 over all codes together: upgrades ÷ trial customers × 100 as in ad_media_summary (customers whose
-- first counted trial order is in the period, upgraded when a counted main order follows by the as-of
-- date: trial_fact); tests check it equals Σ upgrades ÷ Σ trial_customers of ad_media_summary.
upgrade_rate as (
    select count(upgrade_kind) * 100.0 / nullif(count(*), 0) as value
    from trial_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

lines as (
    select 1 as k, 'annual_ltv' as kpi,
        a.value,
        case when h.has_products and h.has_items then cast($ltv_vs_aov_factor as double) * a.main_aov end as bar,
        case when not (h.has_products and h.has_items) then 'products, order_items' end as needs
    from annual_ltv a, have h
    union all
    select 2, 'avg_deliveries',
        case when h.has_subscriptions then d.value end,
        cast($avg_deliveries_target as double),
        case when not h.has_subscriptions then 'subscriptions' end
    from avg_deliveries d, have h
    union all
    select 3, 'existing_aov',
        e.value,
        case when h.has_products then cast($existing_aov_factor as double) * e.lead_price end,
        case when not h.has_products then 'products' end
    from existing_aov e, have h
    union all
    select 4, 'upgrade_rate',
        case when h.has_products and h.has_items then u.value end,
        cast($upgrade_rate_target as double),
        case when not (h.has_products and h.has_items) then 'products, order_items' end
    from upgrade_rate u, have h
),

final as (
    select kpi, value, bar,
        case when value is not null and bar is not null then value >= bar end as passed,
        needs
    from lines
    order by k
)

select * from final
