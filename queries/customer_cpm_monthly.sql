-- customer_cpm_monthly: CPM推移: the 10 CPM groups at each month end (the as-of date for the last month), using only orders up to that day.
-- param as_of date = @as_of: the as-of date; the last snapshot is taken on it
-- param start date = null: first month shown (its month end is the first snapshot); empty = the month of the first order
-- param dormant_days int = @dormant_days: recency in days from which a customer is 離脱
-- param short_days int = @cpm_tenure_short_days: tenure below this is よちよち
-- param long_days int = @cpm_tenure_long_days: tenure from this on is 優良 (high spenders), below it 流行
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a customer is 流行/優良
-- columns: month_end, group, active, customers, sales
with bounds as (
    select
        cast(date_trunc('month', coalesce(cast($start as date), min(order_date))) as date) as first_month,
        cast(date_trunc('month', cast($as_of as date)) as date) as last_month
    from order_fact
),

months as (
    select least(cast(m + interval 1 month - interval 1 day as date), cast($as_of as date)) as month_end
    from bounds, unnest(generate_series(first_month, last_month, interval 1 month)) as t(m)
    where first_month is not null
),

snap as (
    select m.month_end, o.customer_id,
        count(*) as orders, sum(o.amount) as sales,
        min(o.order_date) as first_date, max(o.order_date) as last_date
    from months m
    join order_fact o on o.order_date <= m.month_end
    where o.customer_level  -- excluded-product orders stay out of customer-level analyses
    group by m.month_end, o.customer_id
),

grouped as (
    select month_end,
        case
            when orders = 1 then 'first'
            when last_date - first_date < $short_days then 'toddler'
            when sales < $loyal_amount then 'steady'
            when last_date - first_date >= $long_days then 'loyal'
            else 'trend'
        end as grp,
        month_end - last_date < $dormant_days as active,
        sales
    from snap
),

grid as (
    select m.month_end, k.grp, k.pos, a.active
    from months m
    cross join (values ('first', 1), ('toddler', 2), ('steady', 3), ('trend', 4), ('loyal', 5)) as k(grp, pos)
    cross join (values (true), (false)) as a(active)
),

final as (
    select g.month_end, g.grp as "group", g.active, count(c.grp) as customers, coalesce(sum(c.sales), 0) as sales
    from grid g
    left join grouped c on c.month_end = g.month_end and c.grp = g.grp and c.active = g.active
    group by g.month_end, g.grp, g.active, g.pos
    order by g.month_end, g.pos, g.active desc
)

select * from final
