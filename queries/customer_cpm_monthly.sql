-- customer_cpm_monthly: CPM推移: the 10 CPM groups at each month end (the as-of date for the last month), using only orders up to that day.
-- param as_of date = @as_of: the as-of date; the last snapshot is taken on it
-- param start date = null: first month shown (its month end is the first snapshot); empty = the month of the first order
-- param dormant_days int = @dormant_days: recency in days from which a customer is 離脱
-- param short_days int = @cpm_tenure_short_days: tenure below this is よちよち
-- param long_days int = @cpm_tenure_long_days: tenure from this on is 優良 (high spenders), below it 流行
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a customer is 流行/優良
-- columns: month_end, group, active, customers, sales
--
-- Plan (10M orders): a customer's CPM group can only change in a month with an order, and between
-- two such months only 現役/離脱 flips, once, when recency reaches dormant_days. So each customer
-- month with orders opens a state that lasts until the next one; the state adds +1 to its
-- (group, active) from its first month and −1 from its last, and a running sum over the months
-- gives the counts, instead of re-aggregating every customer's history at every month end.
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

customer_months as (
    select customer_id, cast(date_trunc('month', order_date) as date) as month,
        count(*) as orders, sum(cast(amount as decimal(38, 2))) as sales,
        min(order_date) as first_date, max(order_date) as last_date
    from order_fact
    where customer_level  -- excluded-product orders stay out of customer-level analyses
      and order_date <= cast($as_of as date)
    group by customer_id, cast(date_trunc('month', order_date) as date)
),

states as (
    -- the customer's history up to the end of `month`, valid until next_month
    select customer_id, month,
        coalesce(lead(month) over (partition by customer_id order by month),
                 cast((select last_month from bounds) + interval 1 month as date)) as next_month,
        sum(orders) over (partition by customer_id order by month rows unbounded preceding) as orders,
        sum(sales) over (partition by customer_id order by month rows unbounded preceding) as sales,
        min(first_date) over (partition by customer_id order by month rows unbounded preceding) as first_date,
        last_date
    from customer_months
),

classified as (
    select month, next_month, sales,
        case
            when orders = 1 then 'first'
            when last_date - first_date < $short_days then 'toddler'
            when sales < $loyal_amount then 'steady'
            when last_date - first_date >= $long_days then 'loyal'
            else 'trend'
        end as grp,
        -- first month whose snapshot day is at least dormant_days after the last order (離脱 from then on)
        case
            when last_date + cast($dormant_days as integer) <= cast($as_of as date)
                then greatest(month, cast(date_trunc('month', last_date + cast($dormant_days as integer)) as date))
            else next_month
        end as dormant_from
    from states
),

spans as (
    select grp, true as active, month as span_start, least(next_month, dormant_from) as span_end, sales
    from classified
    union all
    select grp, false, greatest(month, dormant_from), next_month, sales
    from classified
),

deltas as (
    select grp, active, month, sum(customers) as customers, sum(sales) as sales
    from (
        select grp, active, span_start as month, 1 as customers, sales from spans where span_start < span_end
        union all
        select grp, active, span_end, -1, -sales from spans where span_start < span_end
    ) d
    group by grp, active, month
),

grid as (
    select m.month, m.month_end, k.grp, k.pos, a.active
    from months m
    cross join (values ('first', 1), ('toddler', 2), ('steady', 3), ('trend', 4), ('loyal', 5)) as k(grp, pos)
    cross join (values (true), (false)) as a(active)
),

final as (
    select g.month_end, g.grp as "group", g.active,
        cast(coalesce(sum(d.customers), 0) as bigint) as customers,
        cast(coalesce(sum(d.sales), 0) as double) as sales
    from grid g
    left join deltas d on d.grp = g.grp and d.active = g.active and d.month <= g.month
    group by g.month_end, g.grp, g.active, g.pos
    order by g.month_end, g.pos, g.active desc
)

select * from final
