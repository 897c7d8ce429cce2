-- customer_abc_curve: 顧客ABCパレート図: every customer in rank order with cumulative customer and value shares (for the Pareto chart).
-- param measure text = 'sales' {sales|gross_profit|items}: what customers are ranked by; gross_profit needs products.unit_cost
-- param cutoffs text[] = @abc_cutoffs: cumulative shares where A ends and B ends
-- param points int = null: at most about this many rows, evenly spaced by rank, plus each rank's last customer (for charts); empty = every customer
-- columns: position, customer_id, value, customer_share, cumulative_share, rank
with item_value as (
    select o.customer_id,
        sum(coalesce(i.quantity, 1)) as items,
        sum(coalesce(i.line_amount, i.unit_price * coalesce(i.quantity, 1)) - p.unit_cost * coalesce(i.quantity, 1)) as gross_profit
    from order_fact o
    join order_items i on i.order_id = o.order_id
    left join products p on p.product_id = i.product_id
    group by o.customer_id
),

valued as (
    select c.customer_id,
        coalesce(case $measure when 'sales' then c.sales when 'items' then v.items else v.gross_profit end, 0) as value
    from customer_fact c
    left join item_value v on v.customer_id = c.customer_id
),

final as (
    select
        row_number() over w as position,
        customer_id, value,
        row_number() over w / count(*) over () as customer_share,
        coalesce(sum(value) over w / nullif(sum(value) over (), 0), 0) as cumulative_share,
        case
            when coalesce(coalesce(sum(value) over (order by value desc, customer_id rows between unbounded preceding and 1 preceding), 0)
                 / nullif(sum(value) over (), 0), 0) < cast($cutoffs[1] as double) then 'A'
            when coalesce(coalesce(sum(value) over (order by value desc, customer_id rows between unbounded preceding and 1 preceding), 0)
                 / nullif(sum(value) over (), 0), 0) < cast($cutoffs[2] as double) then 'B'
            else 'C'
        end as rank
    from valued
    window w as (order by value desc, customer_id rows between unbounded preceding and current row)
),

thinned as (
    -- a chart of millions of customers needs only a few hundred points: every k-th position,
    -- the last one, and the last of each rank (where the colour changes)
    select f.*,
        count(*) over () as n_all,
        f.position = count(*) over () as is_last,
        f.rank <> lead(f.rank) over (order by f.position) as rank_ends
    from final f
)

select position, customer_id, value, customer_share, cumulative_share, rank
from thinned
where $points is null
   or position = 1 or is_last or rank_ends
   or position % greatest(1, cast(ceil(n_all / cast($points as double)) as bigint)) = 0
order by position
