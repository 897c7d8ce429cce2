-- campaign_summary: キャンペーン別集計: orders, sales and new customers per ad_code and per coupon_code for the windows of sales_summary.
-- param as_of date = @as_of: the day the windows are counted from
-- columns: window, start_date, end_date, dimension, code, orders, sales, new_customers
--
-- Windows as in sales_summary (today, yesterday, this_month = 1st..as_of, last_month, year_ago =
-- the same month a year ago 1st..same day). dimension is ad_code or coupon_code; orders without
-- a code are not listed. orders and sales count every counted order (campaign results include
-- excluded products, seed 000); new_customers are customer-level first orders.
with anchor as (
    select cast($as_of as date) as d, cast(date_trunc('month', cast($as_of as date)) as date) as m
),

windows as (
    select 1 as pos, 'today' as window, d as start_date, d as end_date from anchor
    union all
    select 2, 'yesterday', cast(d - interval 1 day as date), cast(d - interval 1 day as date) from anchor
    union all
    select 3, 'this_month', m, d from anchor
    union all
    select 4, 'last_month', cast(m - interval 1 month as date), cast(m - interval 1 day as date) from anchor
    union all
    select 5, 'year_ago', cast(m - interval 12 month as date), cast(d - interval 12 month as date) from anchor
),

coded as (
    select 1 as dpos, 'ad_code' as dimension, ad_code as code, order_id, order_date, amount,
           customer_level and purchase_ordinal = 1 as is_new, customer_id
    from order_fact where ad_code is not null
    union all
    select 2, 'coupon_code', coupon_code, order_id, order_date, amount,
           customer_level and purchase_ordinal = 1, customer_id
    from order_fact where coupon_code is not null
),

final as (
    select
        w.window, w.start_date, w.end_date, c.dimension, c.code,
        count(*) as orders,
        sum(c.amount) as sales,
        count(distinct case when c.is_new then c.customer_id end) as new_customers
    from windows w
    join coded c on c.order_date between w.start_date and w.end_date
    group by w.pos, w.window, w.start_date, w.end_date, c.dpos, c.dimension, c.code
    order by w.pos, c.dpos, sales desc, c.code
)

select * from final
