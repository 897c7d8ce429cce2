-- order_mix: 注文別集計 (通常集計, slide 11): orders, sales and share per period of the five order kinds.
-- param grain text = 'month' {day|week|month|year}: period length; weeks start on Monday
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- columns: period, order_type, orders, sales, share
--
-- order_type: normal_new 通常【新規】, normal_repeat 通常【リピーター】, sub_first_new 定期(初回)【新規】,
-- sub_first_repeat 定期(初回)【リピーター】, sub_later 定期(2回目以降). An order is 定期(初回) when it
-- is the first counted delivery of its contract (by ordered_at, order_id; without a
-- subscription_id, when subscription_seq is 1 or empty); 【新規】 when it is the customer's first
-- counted order (purchase_ordinal 1). Customer-level: orders with excluded products or without a
-- customer are left out (order_fact.customer_level). share = % of the period's orders; every
-- period lists all five kinds, so the shares of a period sum to 100.
with typed_orders as (
    -- every customer-level order in the range, typed on its own row (kinds as their position
    -- in kinds below: cheaper per order than text); here every delivery of a contract (an order
    -- with a subscription_id) is 定期(2回目以降) (5): its first one moves below
    select
        order_date,
        case
            when order_kind <> 'subscription' then case when purchase_ordinal = 1 then 1 else 2 end
            when subscription_id is null and coalesce(subscription_seq, 1) = 1 then
                case when purchase_ordinal = 1 then 3 else 4 end
            else 5
        end as pos,
        1 as n,
        amount
    from order_fact
    where customer_level
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

first_deliveries as (
    -- each contract's first counted delivery, by (ordered_at, order_id), with what its typing
    -- needs: one group-by, not a window sorted per contract joined back (a third of the time at
    -- 10M orders). It may be before the range or not customer-level.
    select arg_min({'order_date': order_date, 'purchase_ordinal': purchase_ordinal, 'amount': amount,
                    'customer_level': customer_level}, (ordered_at, order_id)) as d
    from order_fact
    where order_kind = 'subscription' and subscription_id is not null
    group by subscription_id
),

moved as (
    -- a first delivery counted above: out of 定期(2回目以降) (5), into 定期(初回) (3 new, 4 repeat)
    select f.d.order_date as order_date, case when f.d.purchase_ordinal = 1 then 3 else 4 end as pos,
        f.d.amount as amount
    from first_deliveries f
    where f.d.customer_level
      and ($start is null or f.d.order_date >= cast($start as date))
      and ($end is null or f.d.order_date <= cast($end as date))
),

daily as (
    -- per day and kind first (hundreds of rows), then per period
    select order_date, pos, sum(n) as orders, sum(amount) as sales
    from (
        select order_date, pos, n, amount from typed_orders
        union all
        select order_date, 5, -1, -amount from moved
        union all
        select order_date, pos, 1, amount from moved
    ) t
    group by order_date, pos
),

typed as (
    select cast(date_trunc($grain, order_date) as date) as period, pos,
        cast(sum(orders) as bigint) as orders, sum(sales) as sales
    from daily
    group by 1, pos
),

kinds as (
    select * from (values (1, 'normal_new'), (2, 'normal_repeat'), (3, 'sub_first_new'),
                          (4, 'sub_first_repeat'), (5, 'sub_later')) as k(pos, order_type)
),

grid as (
    -- every period lists all five kinds
    select p.period, k.pos, k.order_type
    from (select distinct period from typed) p
    cross join kinds k
),

counted as (
    select g.period, g.pos, g.order_type,
           coalesce(t.orders, 0) as orders,
           coalesce(t.sales, 0) as sales
    from grid g
    left join typed t on t.period = g.period and t.pos = g.pos
),

final as (
    select period, order_type, orders, sales,
           orders * 100.0 / sum(orders) over (partition by period) as share
    from counted
    order by period, pos
)

select * from final
