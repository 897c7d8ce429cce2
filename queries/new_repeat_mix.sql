-- new_repeat_mix: 新規・リピート: buyers per period split into new and repeat, with the repeat breakdown (SPEC §4.1).
-- param grain text = 'month' {day|week|month|year|all}: period length; weeks start on Monday; all = one period from start (or the first order)
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param reacquire_days int = @reacquire_days: a repeat buyer whose previous order is at least this many days earlier is 再獲得
-- columns: period, buyers, new_customers, repeat_customers, reacquired_customers, repeat_2nd,
--   repeat_3_9, repeat_10plus, orders, sales, new_sales, repeat_sales
with in_range as not materialized (
    select order_date, customer_id, purchase_ordinal, prev_order_date, next_order_date, days_since_prev, amount
    from order_fact
    where customer_level  -- leaves out orders without a customer and orders with excluded products
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

period_orders as not materialized (
    select
        case when $grain = 'all'
            then coalesce(cast($start as date), (select min(order_date) from in_range))
            else cast(date_trunc(case when $grain = 'all' then 'year' else $grain end, order_date) as date)
        end as period,
        customer_id, purchase_ordinal, prev_order_date, next_order_date, days_since_prev, amount
    from in_range
),

marked as not materialized (
    -- The buyer's first order inside the period decides new (ordinal 1) and 再獲得 (its gap); the
    -- last decides the ordinal reached. Both are read off the order itself: the first has its
    -- previous order (order_fact.prev_order_date) before the period or the range, the last its
    -- next one (next_order_date) in a later period or after the range. No window over each
    -- buyer's orders in the period, and one date_trunc per order, not interval arithmetic.
    select *,
        prev_order_date is null
            or prev_order_date < greatest(period, coalesce(cast($start as date), period))
            as first_in_period,
        next_order_date is null
            or ($end is not null and next_order_date > cast($end as date))
            or ($grain <> 'all'
                and cast(date_trunc(case when $grain = 'all' then 'year' else $grain end,
                                    next_order_date) as date) <> period)
            as last_in_period
    from period_orders
),

buyer_period as (
    -- One group-by over the period's orders. Most buyers order once in a period: that order is
    -- the buyer-period as it is, classified on its own row (single_kind), and such rows collapse
    -- into one group per period and kind; only buyers with several orders in the period are
    -- grouped per customer (a tenth of the rows at 10M orders).
    select
        period, grouped_customer, single_kind,
        count(*) as orders,
        sum(amount) as sales,
        min(purchase_ordinal) as min_ordinal,
        max(purchase_ordinal) as max_ordinal,
        max(case when first_in_period then days_since_prev end) as gap_days
    from (
        select period, purchase_ordinal, days_since_prev, amount, first_in_period,
            case when not (first_in_period and last_in_period) then customer_id end as grouped_customer,
            case when first_in_period and last_in_period then
                -- kinds as numbers until the end (cheaper per order): 1 new, 2 再獲得,
                -- 3 2nd, 4 3rd–9th, 5 10th+
                case
                    when purchase_ordinal = 1 then 1
                    when days_since_prev >= $reacquire_days then 2
                    when purchase_ordinal = 2 then 3
                    when purchase_ordinal between 3 and 9 then 4
                    else 5
                end
            end as single_kind
        from marked
    ) m
    group by period, grouped_customer, single_kind
),

classified as (
    -- a group of single-order buyers holds one buyer per order; a grouped buyer is one buyer,
    -- classified by the first order in the period (new, 再獲得) and the ordinal reached
    select period, orders, sales,
        case when grouped_customer is null then orders else 1 end as buyers,
        case
            when grouped_customer is null then single_kind
            when min_ordinal = 1 then 1
            when gap_days >= $reacquire_days then 2
            when max_ordinal = 2 then 3
            when max_ordinal between 3 and 9 then 4
            else 5
        end as kind
    from buyer_period
),

final as (
    select
        period,
        cast(sum(buyers) as bigint) as buyers,
        cast(coalesce(sum(buyers) filter (where kind = 1), 0) as bigint) as new_customers,
        cast(coalesce(sum(buyers) filter (where kind <> 1), 0) as bigint) as repeat_customers,
        cast(coalesce(sum(buyers) filter (where kind = 2), 0) as bigint) as reacquired_customers,
        cast(coalesce(sum(buyers) filter (where kind = 3), 0) as bigint) as repeat_2nd,
        cast(coalesce(sum(buyers) filter (where kind = 4), 0) as bigint) as repeat_3_9,
        cast(coalesce(sum(buyers) filter (where kind = 5), 0) as bigint) as repeat_10plus,
        cast(sum(orders) as bigint) as orders,
        sum(sales) as sales,
        coalesce(sum(sales) filter (where kind = 1), 0) as new_sales,
        coalesce(sum(sales) filter (where kind <> 1), 0) as repeat_sales
    from classified
    group by period
)

select * from final
order by period
