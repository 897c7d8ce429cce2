-- new_repeat_mix: 新規・リピート: buyers per period split into new and repeat, with the repeat breakdown (SPEC §4.1).
-- param grain text = 'month' {day|week|month|year|all}: period length; weeks start on Monday; all = one period from start (or the first order)
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param reacquire_days int = @reacquire_days: a repeat buyer whose previous order is at least this many days earlier is 再獲得
-- columns: period, buyers, new_customers, repeat_customers, reacquired_customers, repeat_2nd,
--   repeat_3_9, repeat_10plus, orders, sales, new_sales, repeat_sales
with in_range as (
    select order_date, customer_id, purchase_ordinal, prev_ordered_at, next_ordered_at, days_since_prev, amount
    from order_fact
    where customer_level  -- leaves out orders without a customer and orders with excluded products
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

period_orders as (
    select
        case when $grain = 'all'
            then coalesce(cast($start as date), min(order_date) over ())
            else cast(date_trunc(case when $grain = 'all' then 'year' else $grain end, order_date) as date)
        end as period,
        customer_id, purchase_ordinal, prev_ordered_at, next_ordered_at, days_since_prev, amount
    from in_range
),

marked as (
    -- The buyer's first order inside the period decides new (ordinal 1) and 再獲得 (its gap); the
    -- last decides the ordinal reached. Both are read off the order itself: the first has its
    -- previous order (order_fact.prev_ordered_at) before the period or the range, the last its
    -- next one (next_ordered_at) after them. No window over each buyer's orders in the period.
    select *,
        prev_ordered_at is null
            or cast(prev_ordered_at as date) < greatest(period, coalesce(cast($start as date), period))
            as first_in_period,
        next_ordered_at is null
            or cast(next_ordered_at as date) >= case $grain
                   when 'day' then period + interval 1 day
                   when 'week' then period + interval 7 day
                   when 'month' then period + interval 1 month
                   when 'year' then period + interval 1 year
                   else date '9999-12-31' end
            or ($end is not null and cast(next_ordered_at as date) > cast($end as date))
            as last_in_period
    from period_orders
),

buyer_period as (
    -- most buyers order once in a period: that order is the buyer's row as it is; only buyers
    -- with several orders in the period are grouped (a tenth of the rows at 10M orders)
    select period, purchase_ordinal as min_ordinal, purchase_ordinal as max_ordinal,
        days_since_prev as gap_days, 1 as orders, amount as sales
    from marked
    where first_in_period and last_in_period
    union all
    select
        period,
        min(purchase_ordinal) as min_ordinal,
        max(purchase_ordinal) as max_ordinal,
        max(case when first_in_period then days_since_prev end) as gap_days,
        count(*) as orders,
        sum(amount) as sales
    from marked
    where not (first_in_period and last_in_period)
    group by period, customer_id
),

classified as (
    select *,
        case
            when min_ordinal = 1 then 'new'
            when gap_days >= $reacquire_days then 'reacquired'
            when max_ordinal = 2 then 'repeat_2nd'
            when max_ordinal between 3 and 9 then 'repeat_3_9'
            else 'repeat_10plus'
        end as kind
    from buyer_period
),

final as (
    select
        period,
        count(*) as buyers,
        count(*) filter (where kind = 'new') as new_customers,
        count(*) filter (where kind <> 'new') as repeat_customers,
        count(*) filter (where kind = 'reacquired') as reacquired_customers,
        count(*) filter (where kind = 'repeat_2nd') as repeat_2nd,
        count(*) filter (where kind = 'repeat_3_9') as repeat_3_9,
        count(*) filter (where kind = 'repeat_10plus') as repeat_10plus,
        cast(sum(orders) as bigint) as orders,
        sum(sales) as sales,
        coalesce(sum(sales) filter (where kind = 'new'), 0) as new_sales,
        coalesce(sum(sales) filter (where kind <> 'new'), 0) as repeat_sales
    from classified
    group by period
)

select * from final
order by period
