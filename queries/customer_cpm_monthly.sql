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
    select cast(m as date) as month,
        least(cast(m + interval 1 month - interval 1 day as date), cast($as_of as date)) as month_end
    from bounds, unnest(generate_series(first_month, last_month, interval 1 month)) as t(m)
    where first_month is not null
),

-- Each counted order leaves its customer in a state (orders and sales so far, first and last
-- purchase) that holds until the customer's next order. A month-end snapshot sees the state of
-- the last order on or before it, so a state shows from its order's month up to the month of
-- the next order (exclusive); a state replaced within its own month never shows. Counting
-- states per month from these intervals reads order_fact once instead of re-aggregating every
-- customer's history at every month end.
states as (
    select
        cast(date_trunc('month', order_date) as date) as from_month,
        coalesce(cast(date_trunc('month', next_order_date) as date), date '9999-12-01') as to_month,
        case
            when purchase_ordinal = 1 then 'first'
            when order_date - cast(first_ordered_at as date) < $short_days then 'toddler'
            when cumulative_sales < $loyal_amount then 'steady'
            when order_date - cast(first_ordered_at as date) >= $long_days then 'loyal'
            else 'trend'
        end as grp,
        -- 離脱 from the first month whose snapshot day is dormant_days or more after the last order
        case when order_date + $dormant_days <= cast($as_of as date)
             then cast(date_trunc('month', order_date + $dormant_days) as date)
             else date '9999-12-01' end as lapse_month,
        cumulative_sales as sales
    from order_fact
    where customer_level  -- excluded-product orders stay out of customer-level analyses
),

intervals as (
    -- a few thousand rows: states with the same months and group
    select from_month, to_month, lapse_month, grp, count(*) as customers, sum(sales) as sales
    from states
    where to_month > from_month
    group by from_month, to_month, lapse_month, grp
),

events as (
    -- +1 where a state starts showing (active, then 離脱), -1 where it stops
    select from_month as month, grp, true as active, customers, sales
    from intervals where from_month < least(to_month, lapse_month)
    union all
    select least(to_month, lapse_month), grp, true, -customers, -sales
    from intervals where from_month < least(to_month, lapse_month)
    union all
    select greatest(from_month, lapse_month), grp, false, customers, sales
    from intervals where greatest(from_month, lapse_month) < to_month
    union all
    select to_month, grp, false, -customers, -sales
    from intervals where greatest(from_month, lapse_month) < to_month
),

grid as (
    select m.month, m.month_end, k.grp, k.pos, a.active
    from months m
    cross join (values ('first', 1), ('toddler', 2), ('steady', 3), ('trend', 4), ('loyal', 5)) as k(grp, pos)
    cross join (values (true), (false)) as a(active)
),

final as (
    select g.month_end, g.grp as "group", g.active,
        coalesce(sum(e.customers), 0) as customers, coalesce(sum(e.sales), 0) as sales
    from grid g
    left join events e on e.grp = g.grp and e.active = g.active and e.month <= g.month
    group by g.month_end, g.grp, g.active, g.pos
    order by g.month_end, g.pos, g.active desc
)

select * from final
