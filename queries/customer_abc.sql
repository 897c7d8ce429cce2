-- customer_abc: 顧客ABC分析: customers ranked by sales (or gross profit, or items), A/B/C at the cumulative-share cut-offs (SPEC §4.5).
-- param measure text = 'sales' {sales|gross_profit|items}: what customers are ranked by; gross_profit needs products.unit_cost
-- param cutoffs text[] = @abc_cutoffs: cumulative shares where A ends and B ends; a customer is A while the share before them is below the 1st
-- columns: rank, customers, sales, value, share
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
    select c.customer_id, c.sales,
        coalesce(case $measure when 'sales' then c.sales when 'items' then v.items else v.gross_profit end, 0) as value
    from customer_fact c
    left join item_value v on v.customer_id = c.customer_id
),

runs as (
    -- Customers with equal value form runs (about 3,000 at 3.8M customers), ranked by value
    -- descending; within a run customer_id decides, so the share of value before the run's j-th
    -- customer (j from 0) is (value before the run + j × value) ÷ total. Ranking runs instead of
    -- customers needs no sort of every customer.
    select value, count(*) as n, sum(sales) as sales
    from valued
    group by value
),

placed as (
    select *,
        coalesce(sum(value * n) over (order by value desc rows between unbounded preceding and 1 preceding), 0)
            as before,
        sum(value * n) over () as total
    from runs
),

run_ranks as (
    -- a customer is A while the share before them is below the 1st cut-off, B below the 2nd; the
    -- share is linear in j, so a run whose first and last customers share a rank is all of it
    select *,
        case when coalesce(before / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 'A'
             when coalesce(before / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 'B'
             else 'C' end as first_rank,
        case when coalesce((before + (n - 1) * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 'A'
             when coalesce((before + (n - 1) * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 'B'
             else 'C' end as last_rank
    from placed
),

split_customers as (
    -- the customers of the few runs a cut-off goes through, each with its place in the run
    select v.customer_id, v.sales, v.value, r.before, r.total,
        row_number() over (partition by v.value order by v.customer_id) - 1 as j
    from valued v
    join run_ranks r on r.value = v.value and r.first_rank <> r.last_rank
),

ranked as (
    select first_rank as rank, n as customers, sales, value * n as value
    from run_ranks
    where first_rank = last_rank
    union all
    select
        case when coalesce((before + j * value) / nullif(total, 0), 0) < cast($cutoffs[1] as double) then 'A'
             when coalesce((before + j * value) / nullif(total, 0), 0) < cast($cutoffs[2] as double) then 'B'
             else 'C' end,
        1, sales, value
    from split_customers
),

keys as (select * from (values ('A'), ('B'), ('C')) as k(rank)),

final as (
    select k.rank, cast(coalesce(sum(r.customers), 0) as bigint) as customers, coalesce(sum(r.sales), 0) as sales,
        coalesce(sum(r.value), 0) as value,
        coalesce(sum(r.value) / nullif(sum(sum(r.value)) over (), 0), 0) as share
    from keys k
    left join ranked r on r.rank = k.rank
    group by k.rank
    order by k.rank
)

select * from final
