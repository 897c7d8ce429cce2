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
with deliveries as (
    select
        order_id,
        case
            when subscription_id is not null then
                row_number() over (partition by subscription_id order by ordered_at, order_id) = 1
            else coalesce(subscription_seq, 1) = 1
        end as first_delivery
    from order_fact
    where order_kind = 'subscription'
),

typed as (
    select
        cast(date_trunc($grain, o.order_date) as date) as period,
        case
            when o.order_kind <> 'subscription' and o.purchase_ordinal = 1 then 'normal_new'
            when o.order_kind <> 'subscription' then 'normal_repeat'
            when d.first_delivery and o.purchase_ordinal = 1 then 'sub_first_new'
            when d.first_delivery then 'sub_first_repeat'
            else 'sub_later'
        end as order_type,
        o.amount
    from order_fact o
    left join deliveries d on d.order_id = o.order_id
    where o.customer_level
      and ($start is null or o.order_date >= cast($start as date))
      and ($end is null or o.order_date <= cast($end as date))
),

kinds as (
    select * from (values (1, 'normal_new'), (2, 'normal_repeat'), (3, 'sub_first_new'),
                          (4, 'sub_first_repeat'), (5, 'sub_later')) as k(pos, order_type)
),

grid as (
    select p.period, k.pos, k.order_type
    from (select distinct period from typed) p
    cross join kinds k
),

counted as (
    select g.period, g.pos, g.order_type,
           count(t.amount) as orders,
           coalesce(sum(t.amount), 0) as sales
    from grid g
    left join typed t on t.period = g.period and t.order_type = g.order_type
    group by g.period, g.pos, g.order_type
),

final as (
    select period, order_type, orders, sales,
           orders * 100.0 / sum(orders) over (partition by period) as share
    from counted
    order by period, pos
)

select * from final
