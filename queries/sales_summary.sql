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

bounds as (
    select min(s) as first_day, max(e) as last_day from spans
),

days as (
    -- The one pass over the orders: per day and the day of the customer's previous
    -- customer-level order (a few hundred thousand groups at 10M orders). A customer-level buyer
    -- is counted in a window on their first order in it: the one whose previous order is before
    -- the window starts (order_fact.prev_order_date), so no distinct count over the orders.
    select o.order_date, o.prev_order_date as prev_date,
        count(*) as orders,
        sum(o.amount) as sales,
        count(*) filter (where o.customer_level) as level_orders,
        count(*) filter (where o.customer_level and o.purchase_ordinal = 1) as new_customers,
        count(*) filter (where o.has_excluded_product) as excluded_orders
    from order_fact o
    cross join bounds b
    where o.order_date between b.first_day and b.last_day
    group by o.order_date, o.prev_order_date
),

measured as (
    select
        sp.pos, sp.which,
        cast(coalesce(sum(d.orders), 0) as bigint) as orders,
        coalesce(sum(d.sales), 0) as sales,
        cast(coalesce(sum(d.new_customers), 0) as bigint) as new_customers,
        cast(coalesce(sum(d.level_orders) filter (where d.prev_date is null or d.prev_date < sp.s), 0) as bigint)
            as customer_level_buyers,
        cast(coalesce(sum(d.excluded_orders), 0) as bigint) as excluded_orders
    from spans sp
    left join days d on d.order_date between sp.s and sp.e
    group by sp.pos, sp.which
),

other_orders as (
    -- orders that are not customer-level but have a customer (an excluded product): their
    -- customer is a buyer of the window too, unless a customer-level order already counted them
    select o.customer_id, o.order_date
    from order_fact o
    cross join bounds b
    where not o.customer_level and o.customer_id is not null
      and o.order_date between b.first_day and b.last_day
),

other_customers_level as (
    -- the customer-level orders of those few customers
    select customer_id, order_date
    from order_fact
    where customer_level and customer_id in (select customer_id from other_orders)
),

other_buyers as (
    select sp.pos, sp.which, count(distinct x.customer_id) as buyers
    from spans sp
    join other_orders x on x.order_date between sp.s and sp.e
    where not exists (
        select 1 from other_customers_level l
        where l.customer_id = x.customer_id and l.order_date between sp.s and sp.e)
    group by sp.pos, sp.which
),

metrics as (
    select m.*,
        m.customer_level_buyers + coalesce(x.buyers, 0) as buyers,
        case when m.orders > 0 then m.sales / m.orders end as aov,
        -- a customer-level buyer is new (first order in the window) or repeat, never both
        m.customer_level_buyers - m.new_customers as repeat_customers
    from measured m
    left join other_buyers x on x.pos = m.pos and x.which = m.which
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
