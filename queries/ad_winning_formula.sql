-- ad_winning_formula: 勝利の方程式 (slide 46) per ad code with a landing product: CPR, CPO(本商品), CPO(定期商品) and 引上率 against limits from the landing product's list price and the media type, pass/fail per line.
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param upgrade_window_days int = null: an upgrade counts only within this many days of the first trial order; empty = up to the as-of date
-- param print_cpr float = @wf_print_cpr: print/broadcast/dm: CPR ≤ this × price
-- param print_cpo_main float = @wf_print_cpo_main: print/broadcast/dm: CPO(main) ≤ this × price
-- param print_cpo_subscription float = @wf_print_cpo_subscription: print/broadcast/dm: CPO(subscription) ≤ this × price
-- param web_cpr float = @wf_web_cpr: web/affiliate/email/recommend: CPR ≤ this × price
-- param web_cpo_main float = @wf_web_cpo_main: web/affiliate/email/recommend: CPO(main) ≤ this × price
-- param web_cpo_subscription float = @wf_web_cpo_subscription: web/affiliate/email/recommend: CPO(subscription) ≤ this × price
-- param upgrade_rate_target float = @upgrade_rate_target: 引上率 ≥ this % (2-step codes)
-- columns: ad_code, media_name, media_type, step, landing_product_id, product_name, price, rule,
--   cost, cpr, cpr_limit, cpr_pass, cpo_main, cpo_main_limit, cpo_main_pass, cpo_subscription,
--   cpo_subscription_limit, cpo_subscription_pass, upgrade_rate, upgrade_rate_target,
--   upgrade_rate_pass, all_pass
with period_orders as not materialized (
    select *
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

trial_customers as (
    -- as in ad_media_summary (a test checks both give the same CPR/CPO): customers whose first
    -- trial order (trial_fact) falls in the period and came through a code
    select *
    from trial_fact
    where ad_code is not null
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

upgrade_orders as (
    select customer_id, ad_code, upgrade_kind as order_kind
    from trial_customers
    where upgrade_kind is not null
      and ($upgrade_window_days is null or date_diff('day', order_date, upgrade_date) <= $upgrade_window_days)
),

direct as (
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

has_spend as (
    select count(*) > 0 as known from ad_spend
),

trial_order_counts as (
    select ad_code, count(*) as trial_orders from period_orders where is_trial and ad_code is not null group by ad_code
),

trial_counts as (
    select ad_code, count(*) as trial_customers from trial_customers group by ad_code
),

upgrade_counts as (
    select ad_code, count(*) as upgrades,
        count(*) filter (where order_kind = 'subscription') as upgrades_subscription
    from upgrade_orders
    group by ad_code
),

direct_counts as (
    select ad_code, count(*) as direct_orders,
        count(*) filter (where order_kind = 'subscription') as direct_subscription
    from direct
    group by ad_code
),

per_code as (
    select
        m.ad_code, m.media_name, m.media_type, m.step, m.landing_product_id, p.product_name,
        cast(p.list_price as double) as price,
        case when m.media_type in ('print', 'broadcast', 'dm') then 'print'
             when m.media_type in ('web', 'affiliate', 'email', 'recommend') then 'web' end as rule,
        case when (select known from has_spend) then coalesce(s.cost, 0) end as cost,
        coalesce(o.trial_orders, 0) as trial_orders,
        coalesce(t.trial_customers, 0) as trial_customers,
        coalesce(u.upgrades, 0) as upgrades,
        coalesce(u.upgrades_subscription, 0) as upgrades_subscription,
        coalesce(d.direct_orders, 0) as direct_orders,
        coalesce(d.direct_subscription, 0) as direct_subscription
    from ad_media m
    left join products p on p.product_id = m.landing_product_id
    left join spend s on s.ad_code = m.ad_code
    left join trial_order_counts o on o.ad_code = m.ad_code
    left join trial_counts t on t.ad_code = m.ad_code
    left join upgrade_counts u on u.ad_code = m.ad_code
    left join direct_counts d on d.ad_code = m.ad_code
    where m.landing_product_id is not null
),

actual as (
    select *,
        trial_orders as cpr_den,
        upgrades + direct_orders as main_den,
        upgrades_subscription + direct_subscription as sub_den,
        case rule when 'print' then $print_cpr when 'web' then $web_cpr end * price as cpr_limit,
        case rule when 'print' then $print_cpo_main when 'web' then $web_cpo_main end * price as cpo_main_limit,
        case rule when 'print' then $print_cpo_subscription when 'web' then $web_cpo_subscription end * price as cpo_subscription_limit
    from per_code
),

judged as (
    select *,
        cost / nullif(cpr_den, 0) as cpr,
        cost / nullif(main_den, 0) as cpo_main,
        cost / nullif(sub_den, 0) as cpo_subscription,
        cast(upgrades as double) / nullif(trial_customers, 0) * 100 as upgrade_rate,
        -- a line with money spent and nothing bought fails (the cost per order is unbounded);
        -- no cost, no limit or nothing to judge leaves it empty. CPR applies to 2-step codes only.
        case when coalesce(step, '') = 'one_step' or cost is null or cpr_limit is null then null
             when cpr_den = 0 then case when cost > 0 then false end
             else cost / cpr_den <= cpr_limit end as cpr_pass,
        case when cost is null or cpo_main_limit is null then null
             when main_den = 0 then case when cost > 0 then false end
             else cost / main_den <= cpo_main_limit end as cpo_main_pass,
        case when cost is null or cpo_subscription_limit is null then null
             when sub_den = 0 then case when cost > 0 then false end
             else cost / sub_den <= cpo_subscription_limit end as cpo_subscription_pass,
        case when trial_customers > 0 then cast(upgrades as double) / trial_customers * 100 >= $upgrade_rate_target end as upgrade_rate_pass
    from actual
),

final as (
    select
        ad_code, media_name, media_type, step, landing_product_id, product_name, price, rule,
        cost, cpr, cpr_limit, cpr_pass, cpo_main, cpo_main_limit, cpo_main_pass,
        cpo_subscription, cpo_subscription_limit, cpo_subscription_pass,
        upgrade_rate, cast($upgrade_rate_target as double) as upgrade_rate_target, upgrade_rate_pass,
        case when cpr_pass is null and cpo_main_pass is null and cpo_subscription_pass is null
                  and upgrade_rate_pass is null then null
             else coalesce(cpr_pass, true) and coalesce(cpo_main_pass, true)
                  and coalesce(cpo_subscription_pass, true) and coalesce(upgrade_rate_pass, true) end as all_pass
    from judged
)

select * from final
order by step desc nulls last, ad_code
