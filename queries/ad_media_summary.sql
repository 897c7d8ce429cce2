-- ad_media_summary: 広告媒体集計: per ad code (or media name / media type) cost, trial orders, upgrades (引上げ) attributed to the trial code, 1-step direct orders, CPR, CPO, 引上率 with its 95% Wilson interval, CVR and sales (SPEC §4.3, issue 7).
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param upgrade_window_days int = null: an upgrade counts only when the main order comes within this many days of the first trial order; empty = any time up to the as-of date
-- param group_by text = 'ad_code' {ad_code|media_name|media_type}: one row per ad code, per media name or per media type (finer columns then empty)
-- columns: ad_code, media_name, media_type, step, cost, visits, trial_orders, trial_customers,
--   upgrades, upgrades_normal, upgrades_subscription, direct_orders, cpr, cpo, upgrade_rate,
--   upgrade_rate_low, upgrade_rate_high, cvr, sales
with period_orders as (
    select *
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

first_trial as (
    -- each customer's first counted trial order (ever)
    select customer_id, ad_code, order_date, purchase_ordinal
    from (
        select customer_id, ad_code, order_date, purchase_ordinal,
               row_number() over (partition by customer_id order by purchase_ordinal) as rn
        from order_fact
        where is_trial and customer_id is not null
    ) t
    where rn = 1
),

trial_customers as (
    -- customers whose first trial order falls in the period and came through a code
    select *
    from first_trial
    where ad_code is not null
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

upgrade_orders as (
    -- the first counted main order after the first trial order (order_fact stops at the as-of
    -- date); it belongs to the trial code whatever code it came through
    select customer_id, ad_code, order_kind
    from (
        select t.customer_id, t.ad_code, m.order_kind,
               row_number() over (partition by t.customer_id order by m.purchase_ordinal) as rn
        from trial_customers t
        join order_fact m
          on m.customer_id = t.customer_id
         and not m.is_trial
         and m.purchase_ordinal > t.purchase_ordinal
         and ($upgrade_window_days is null or date_diff('day', t.order_date, m.order_date) <= $upgrade_window_days)
    ) u
    where rn = 1
),

direct as (
    -- 1-step: the customer's first-ever counted order is a main order, in the period
    select customer_id, ad_code, order_kind
    from period_orders
    where purchase_ordinal = 1 and not is_trial and ad_code is not null
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
    select ad_code from period_orders where ad_code is not null
    union select ad_code from spend
    union select ad_code from traffic
),

per_code as (
    select
        c.ad_code, m.media_name, m.media_type, m.step,
        case when (select known from has_spend) then coalesce(s.cost, 0) end as cost,
        tr.visits,
        (select count(*) from period_orders o where o.ad_code = c.ad_code and o.is_trial) as trial_orders,
        (select count(*) from trial_customers t where t.ad_code = c.ad_code) as trial_customers,
        (select count(*) from upgrade_orders u where u.ad_code = c.ad_code) as upgrades,
        (select count(*) from upgrade_orders u where u.ad_code = c.ad_code and u.order_kind = 'normal') as upgrades_normal,
        (select count(*) from upgrade_orders u where u.ad_code = c.ad_code and u.order_kind = 'subscription') as upgrades_subscription,
        (select count(*) from direct d where d.ad_code = c.ad_code) as direct_orders
    from codes c
    left join ad_media m on m.ad_code = c.ad_code
    left join spend s on s.ad_code = c.ad_code
    left join traffic tr on tr.ad_code = c.ad_code
),

keyed as (
    select *,
        case $group_by when 'ad_code' then ad_code when 'media_name' then media_name else media_type end as gkey
    from per_code
),

acquired as (
    -- customers a group acquired (trial or direct), once per group, for the sales column
    select distinct k.gkey, a.customer_id
    from (select customer_id, ad_code from trial_customers
          union all select customer_id, ad_code from direct) a
    join keyed k on k.ad_code = a.ad_code
),

group_sales as (
    select a.gkey, sum(o.amount) as sales
    from acquired a
    join period_orders o on o.customer_id = a.customer_id
    group by a.gkey
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
