-- order_fact_ties: a customer's orders at the same moment, put in order_id order (order_fact numbers them in the orders table's order).
-- build: update
-- columns: purchase_ordinal, prev_order_date, days_since_prev, next_order_date, cumulative_sales
--
-- Purchase ordinals run by (ordered_at, order_id) (SPEC §4). order_fact's history window breaks a
-- tie of (customer, ordered_at) by the order's row in the orders table instead, an integer:
-- sorting every order on the text order_id cost half a second at 10M orders, for the few
-- customers with two orders at the same moment (and for date-only exports, every same-day pair).
-- Tied orders are always neighbours on the same day, so a filter finds them; here each group
-- takes its order_id order. A group of n tied orders holds the ordinals a .. a+n-1 whichever way
-- round, so only which order carries which values changes: the ordinal, the previous and next
-- order's day (the group's own day inside it) and the sales so far.
update order_fact set
    purchase_ordinal = t.purchase_ordinal,
    prev_order_date = t.prev_order_date,
    days_since_prev = date_diff('day', t.prev_order_date, order_fact.order_date),
    next_order_date = t.next_order_date,
    cumulative_sales = t.cumulative_sales
from (
    select rid,
        first_ordinal + k - 1 as purchase_ordinal,
        case when k = 1 then group_prev else order_date end as prev_order_date,
        case when k = n then group_next else order_date end as next_order_date,
        sales_before + running as cumulative_sales
    from (
        -- the group as order_fact numbered it (ordinal order: its first and last member's
        -- neighbours, nulls included) and as it should be (order_id order)
        select rid, order_date,
            count(*) over g as n,
            row_number() over (g order by order_id) as k,
            min(purchase_ordinal) over g as first_ordinal,
            first_value(prev_order_date) over (g order by purchase_ordinal) as group_prev,
            last_value(next_order_date) over (g order by purchase_ordinal
                                              rows between unbounded preceding and unbounded following) as group_next,
            first_value(cumulative_sales - amount) over (g order by purchase_ordinal) as sales_before,
            sum(amount) over (g order by order_id rows between unbounded preceding and current row) as running
        from (
            select rowid as rid, customer_id, ordered_at, order_id, order_date, amount, purchase_ordinal,
                prev_order_date, next_order_date, cumulative_sales
            from order_fact
            where customer_level and (prev_order_date = order_date or next_order_date = order_date)
        ) same_day
        window g as (partition by customer_id, ordered_at)
    ) groups
    where n > 1
) t
where order_fact.rowid = t.rid
