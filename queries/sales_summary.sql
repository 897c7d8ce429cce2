-- sales_summary: 全体サマリー: today, yesterday, this month, last month, the same month a year ago and the last 365 days, each with its change against the comparable window (seed 000).
-- param as_of date = @as_of: the day the windows are counted from
-- columns: window, start_date, end_date, orders, buyers, sales, aov, new_customers, repeat_customers,
--   excluded_orders, compare_start, compare_end, orders_change, buyers_change, sales_change,
--   sales_change_pct, aov_change, new_customers_change, repeat_customers_change
--
-- Windows (inclusive dates): today = as_of; yesterday = as_of − 1; this_month = 1st of the month
-- to as_of; last_month = the whole previous month; year_ago = the same month a year ago, 1st to
-- the same day (month arithmetic clamps to the month end: 2024-02-29 − 1 year = 2023-02-28);
-- last_365_days = as_of − 364 to as_of.
-- Comparable window = the same span one period earlier: a day against the day before; a month
-- against the month before over the same days (this_month against last month's 1st..same day).
-- orders, buyers, sales, aov count every counted order (取扱額・注文者数 include excluded
-- products, seed 000); new/repeat customers are customer-level (order_fact.customer_level), and
-- excluded_orders says how many orders that left out.
with anchor as (
    select cast($as_of as date) as d, cast(date_trunc('month', cast($as_of as date)) as date) as m
),

windows as (
    select 1 as pos, 'today' as window, d as start_date, d as end_date,
           cast(d - interval 1 day as date) as compare_start, cast(d - interval 1 day as date) as compare_end
    from anchor
    union all
    select 2, 'yesterday', cast(d - interval 1 day as date), cast(d - interval 1 day as date),
           cast(d - interval 2 day as date), cast(d - interval 2 day as date)
    from anchor
    union all
    select 3, 'this_month', m, d, cast(m - interval 1 month as date), cast(d - interval 1 month as date)
    from anchor
    union all
    select 4, 'last_month', cast(m - interval 1 month as date), cast(m - interval 1 day as date),
           cast(m - interval 2 month as date), cast(m - interval 1 month - interval 1 day as date)
    from anchor
    union all
    select 5, 'year_ago', cast(m - interval 12 month as date), cast(d - interval 12 month as date),
           cast(m - interval 13 month as date), cast(d - interval 12 month - interval 1 month as date)
    from anchor
    union all
    -- the 365-day block of the dashboard (new_repeat_mix over the same days), against the 365 before
    select 6, 'last_365_days', cast(d - interval 364 day as date), d,
           cast(d - interval 729 day as date), cast(d - interval 365 day as date)
    from anchor
),

spans as (
    -- every window and its comparable, as (pos, which, start, end)
    select pos, 'cur' as which, start_date as s, end_date as e from windows
    union all
    select pos, 'cmp', compare_start, compare_end from windows
),

measured as (
    select
        sp.pos, sp.which,
        count(o.order_id) as orders,
        count(distinct o.customer_id) as buyers,
        coalesce(sum(o.amount), 0) as sales,
        count(distinct case when o.customer_level and o.purchase_ordinal = 1 then o.customer_id end) as new_customers,
        count(distinct case when o.customer_level then o.customer_id end) as customer_level_buyers,
        count(o.order_id) filter (where o.has_excluded_product) as excluded_orders
    from spans sp
    left join order_fact o on o.order_date between sp.s and sp.e
    group by sp.pos, sp.which
),

metrics as (
    select *,
        case when orders > 0 then sales / orders end as aov,
        -- a customer-level buyer is new (first order in the window) or repeat, never both
        customer_level_buyers - new_customers as repeat_customers
    from measured
),

final as (
    select
        w.window, w.start_date, w.end_date,
        c.orders, c.buyers, c.sales, c.aov, c.new_customers, c.repeat_customers, c.excluded_orders,
        w.compare_start, w.compare_end,
        c.orders - p.orders as orders_change,
        c.buyers - p.buyers as buyers_change,
        c.sales - p.sales as sales_change,
        case when p.sales > 0 then round((c.sales - p.sales) / p.sales * 100, 1) end as sales_change_pct,
        c.aov - p.aov as aov_change,
        c.new_customers - p.new_customers as new_customers_change,
        c.repeat_customers - p.repeat_customers as repeat_customers_change
    from windows w
    join metrics c on c.pos = w.pos and c.which = 'cur'
    join metrics p on p.pos = w.pos and p.which = 'cmp'
    order by w.pos
)

select * from final
