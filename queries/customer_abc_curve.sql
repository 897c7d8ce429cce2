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

runs as (
    -- Customers with equal value form runs (about 3,000 at 3.8M customers), ranked by value
    -- descending, customer_id deciding within a run (as customer_abc): the run's j-th customer
    -- (j from 0) is at position start + j + 1, with (before + j × value) of the total before them.
    select value, count(*) as n
    from valued
    group by value
),

placed as (
    select value, n,
        coalesce(sum(value * n) over (order by value desc rows between unbounded preceding and 1 preceding), 0)
            as before,
        cast(coalesce(sum(n) over (order by value desc rows between unbounded preceding and 1 preceding), 0) as bigint)
            as start,
        sum(value * n) over () as total,
        cast(sum(n) over () as bigint) as customers,
        lead(value) over (order by value desc) as next_value
    from runs
),

shares as (
    -- the rank of a run's first and last customer, and of the next run's first
    select *,
        case when coalesce(before / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 1
             when coalesce(before / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 2
             else 3 end as first_rank,
        case when coalesce((before + (n - 1) * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 1
             when coalesce((before + (n - 1) * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 2
             else 3 end as last_rank,
        case when coalesce((before + n * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 1
             when coalesce((before + n * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 2
             else 3 end as next_rank
    from placed
),

step as (
    select greatest(1, cast(ceil(max(customers) / cast($points as double)) as bigint)) as k from placed
),

chosen as (
    -- with points: the positions a chart needs (every k-th, the first, the last and the last of
    -- each rank, where the colour changes), as (run, j)
    select s.value, g.p - s.start - 1 as j
    from shares s, step,
        generate_series((s.start // step.k + 1) * step.k, s.start + s.n, step.k) as g(p)
    where $points is not null
    union
    select value, 0 from shares where $points is not null and start = 0
    union
    select value, n - 1 from shares where $points is not null and (next_value is null or last_rank <> next_rank)
    union
    -- inside a run the share grows (or falls) by value per customer: the rank can change only
    -- next to where it crosses a cut-off; the candidates there are kept where it does
    select value, j
    from (
        select s.value, s.n, s.before, s.total, c.j
        from shares s,
            (select unnest([floor((cast($cutoffs[1] as double) * s.total - s.before) / s.value),
                            floor((cast($cutoffs[2] as double) * s.total - s.before) / s.value)]) + d.d as j
             from (select unnest([-1, 0, 1]) as d) d) c
        where $points is not null and s.first_rank <> s.last_rank and s.value <> 0
    ) w
    where j between 0 and n - 2
      and case when coalesce((before + j * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 1
               when coalesce((before + j * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 2
               else 3 end
       <> case when coalesce((before + (j + 1) * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 1
               when coalesce((before + (j + 1) * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 2
               else 3 end
),

numbered as (
    -- customers of the runs needed, numbered by customer_id within their run
    select v.customer_id, v.value,
        row_number() over (partition by v.value order by v.customer_id) - 1 as j
    from valued v
    where $points is null or v.value in (select value from chosen)
),

final as (
    select
        s.start + n.j + 1 as position,
        n.customer_id, n.value,
        (s.start + n.j + 1) / s.customers as customer_share,
        coalesce((s.before + (n.j + 1) * s.value) / nullif(s.total, 0), 0) as cumulative_share,
        case when coalesce((s.before + n.j * s.value) / nullif(s.total, 0), 0) < cast($cutoffs[1] as double) then 'A'
             when coalesce((s.before + n.j * s.value) / nullif(s.total, 0), 0) < cast($cutoffs[2] as double) then 'B'
             else 'C' end as rank,
        n.j, s.n
    from numbered n
    join shares s on s.value = n.value
),

kept as (
    select f.* from final f
    where $points is null or (f.value, f.j) in (select value, j from chosen)
)

select position, customer_id, value, customer_share, cumulative_share, rank
from kept
order by position
