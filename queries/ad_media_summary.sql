-- ad_media_summary: 広告媒体集計: per ad code (or media name / media type) cost, trial orders, upgrades (引上げ) attributed to the trial code, 1-step direct orders, CPR, CPO, 引上率 with its 95% Wilson interval, CVR and sales (SPEC §4.3, issue 7).
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param upgrade_window_days int = null: an upgrade counts only when the main order comes within this many days of the first trial order; empty = any time up to the as-of date
-- param group_by text = 'ad_code' {ad_code|media_name|media_type}: one row per ad code, per media name or per media type (finer columns then empty)
-- param as_of date = @as_of: the as-of date (order_fact stops there; an end on or after it is no bound)
-- columns: ad_code, media_name, media_type, step, cost, visits, trial_orders, trial_customers,
--   upgrades, upgrades_normal, upgrades_subscription, direct_orders, cpr, cpo, upgrade_rate,
--   upgrade_rate_low, upgrade_rate_high, cvr, sales
--
-- sales: the customer-level sales in the period of the customers a group acquired (trial or
-- 1-step), each customer once per group; orders holding an excluded product are left out
-- (seed 000).
with period_orders as not materialized (
    select *
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

trial_customers as (
    -- customers whose first trial order (trial_fact) falls in the period and came through a code
    select *
    from trial_fact
    where ad_code is not null
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

upgrade_orders as (
    -- upgrades within upgrade_window_days of the first trial (trial_fact: the first main order
    -- after it is the first within any window, when it is within it)
    select customer_id, ad_code, upgrade_kind as order_kind
    from trial_customers
    where upgrade_kind is not null
      and ($upgrade_window_days is null or date_diff('day', order_date, upgrade_date) <= $upgrade_window_days)
),

direct as (
    -- 1-step: the customer's first-ever counted order is a main order, in the period (the
    -- customer's row of customer_fact, with the sales so far)
    select customer_id, first_ad_code as ad_code, sales
    from customer_fact
    where not first_is_trial and first_ad_code is not null
      and ($start is null or cast(first_ordered_at as date) >= cast($start as date))
      and ($end is null or cast(first_ordered_at as date) <= cast($end as date))
),

period_counts as (
    -- trial orders per code in the period (one pass over the period's orders)
    select ad_code, count(*) as trial_orders
    from period_orders
    where is_trial and ad_code is not null
    group by ad_code
),

trial_counts as (
    select ad_code, count(*) as trial_customers from trial_customers group by ad_code
),

upgrade_counts as (
    select ad_code, count(*) as upgrades,
        count(*) filter (where order_kind = 'normal') as upgrades_normal,
        count(*) filter (where order_kind = 'subscription') as upgrades_subscription
    from upgrade_orders
    group by ad_code
),

direct_counts as (
    select ad_code, count(*) as direct_orders from direct group by ad_code
),

spend as (
    select ad_code, sum(cast(cost as double)) as cost
    from ad_spend
    where ($start is null or spend_date >= cast($start as date))
      and ($end is null or spend_date <= cast($end as date))
    group by ad_code
),

traffic as (
    select ad_code, sum(visits) as visits
    from ad_traffic
    where ($start is null or traffic_date >= cast($start as date))
      and ($end is null or traffic_date <= cast($end as date))
    group by ad_code
),

has_spend as (
    -- without any ad_spend rows the cost is unknown (null), not zero
    select count(*) > 0 as known from ad_spend
),

codes as (
    -- every code with activity in the period
    select distinct ad_code from period_orders where ad_code is not null
    union select ad_code from spend
    union select ad_code from traffic
),

per_code as (
    select
        c.ad_code, m.media_name, m.media_type, m.step,
        case when (select known from has_spend) then coalesce(s.cost, 0) end as cost,
        tr.visits,
        coalesce(pc.trial_orders, 0) as trial_orders,
        coalesce(tc.trial_customers, 0) as trial_customers,
        coalesce(uc.upgrades, 0) as upgrades,
        coalesce(uc.upgrades_normal, 0) as upgrades_normal,
        coalesce(uc.upgrades_subscription, 0) as upgrades_subscription,
        coalesce(dc.direct_orders, 0) as direct_orders
    from codes c
    left join ad_media m on m.ad_code = c.ad_code
    left join spend s on s.ad_code = c.ad_code
    left join traffic tr on tr.ad_code = c.ad_code
    left join period_counts pc on pc.ad_code = c.ad_code
    left join trial_counts tc on tc.ad_code = c.ad_code
    left join upgrade_counts uc on uc.ad_code = c.ad_code
    left join direct_counts dc on dc.ad_code = c.ad_code
),

keyed as (
    select *,
        case $group_by when 'ad_code' then ad_code when 'media_name' then media_name else media_type end as gkey
    from per_code
),

sales_before as (
    -- a customer's sales before the period: the sales so far at their last order before it
    -- (order_fact.cumulative_sales; none without a start)
    select customer_id, cumulative_sales as sales
    from order_fact
    where $start is not null and customer_level
      and order_date < cast($start as date)
      and (next_order_date is null or next_order_date >= cast($start as date))
),

sales_to_end as (
    -- with an end before the as-of date: a customer's sales up to the end, at their last order
    -- on or before it (without one, customer_fact's sales are those up to the as-of date)
    select customer_id, cumulative_sales as sales
    from order_fact
    where $end is not null and cast($end as date) < cast($as_of as date) and customer_level
      and order_date <= cast($end as date)
      and (next_order_date is null or next_order_date > cast($end as date))
),

direct_sales as (
    -- a 1-step customer's first order is in the period: nothing before it to take off
    select d.customer_id, k.gkey,
        case when $end is null or cast($end as date) >= cast($as_of as date) then d.sales else e.sales end as sales
    from direct d
    join keyed k on k.ad_code = d.ad_code
    left join sales_to_end e on e.customer_id = d.customer_id
),

trial_sales as (
    -- A trial customer once per group. A first order that is a trial with no order after it
    -- (most trial customers) is the customer's whole history: its sales so far are the sales.
    -- The others are looked up, and not counted again when the same group acquired them 1-step
    -- (their first order a main order with a code of the group, in the period: customer_fact).
    select t.customer_id, k.gkey, t.cumulative_sales as sales
    from trial_customers t
    join keyed k on k.ad_code = t.ad_code
    where t.purchase_ordinal = 1 and t.next_order_date is null
    union all
    select t.customer_id, k.gkey,
        case when $end is null or cast($end as date) >= cast($as_of as date) then c.sales else e.sales end
            - coalesce(b.sales, 0)
    from trial_customers t
    join keyed k on k.ad_code = t.ad_code
    join customer_fact c on c.customer_id = t.customer_id
    left join keyed f on f.ad_code = c.first_ad_code
    left join sales_before b on b.customer_id = t.customer_id
    left join sales_to_end e on e.customer_id = t.customer_id
    where not (t.purchase_ordinal = 1 and t.next_order_date is null)
      and not (not c.first_is_trial and c.first_ad_code is not null
               and ($start is null or cast(c.first_ordered_at as date) >= cast($start as date))
               and ($end is null or cast(c.first_ordered_at as date) <= cast($end as date))
               and f.gkey is not distinct from k.gkey)
),

group_sales as (
    select gkey, sum(sales) as sales
    from (select gkey, sales from direct_sales union all select gkey, sales from trial_sales) a
    group by gkey
),

grouped as (
    select
        gkey,
        case when $group_by = 'ad_code' then min(ad_code) end as ad_code,
        case when $group_by in ('ad_code', 'media_name') then min(media_name) end as media_name,
        case when count(distinct media_type) = 1 and count(media_type) = count(*) then min(media_type) end as media_type,
        case when count(distinct step) = 1 and count(step) = count(*) then min(step) end as step,
        sum(cost) as cost,
        sum(visits) as visits,
        sum(trial_orders) as trial_orders,
        sum(trial_customers) as trial_customers,
        sum(upgrades) as upgrades,
        sum(upgrades_normal) as upgrades_normal,
        sum(upgrades_subscription) as upgrades_subscription,
        sum(direct_orders) as direct_orders
    from keyed
    group by gkey
),

rated as (
    select g.*,
        cast(g.upgrades as double) / nullif(g.trial_customers, 0) as p,
        cast(g.trial_customers as double) as n,
        1.959963984540054 as z
    from grouped g
),

final as (
    select
        ad_code, media_name, media_type, step, cost,
        cast(visits as bigint) as visits,
        cast(trial_orders as bigint) as trial_orders,
        cast(trial_customers as bigint) as trial_customers,
        cast(upgrades as bigint) as upgrades,
        cast(upgrades_normal as bigint) as upgrades_normal,
        cast(upgrades_subscription as bigint) as upgrades_subscription,
        cast(direct_orders as bigint) as direct_orders,
        cost / nullif(trial_orders, 0) as cpr,
        cost / nullif(upgrades + direct_orders, 0) as cpo,
        p * 100 as upgrade_rate,
        -- 95% Wilson score interval of upgrades ÷ trial_customers, in %
        case when n > 0 then greatest(0.0, (p + z * z / (2 * n) - z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)) * 100 end as upgrade_rate_low,
        case when n > 0 then least(1.0, (p + z * z / (2 * n) + z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)) * 100 end as upgrade_rate_high,
        cast(trial_orders + direct_orders as double) / nullif(visits, 0) * 100 as cvr,
        coalesce(s.sales, 0) as sales
    from rated r
    left join group_sales s on s.gkey is not distinct from r.gkey
)

select * from final
order by step desc nulls last, ad_code, media_name, media_type
