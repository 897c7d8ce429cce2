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

cumulative as (
    select *,
        coalesce(sum(value) over (order by value desc, customer_id rows between unbounded preceding and 1 preceding), 0)
            / nullif(sum(value) over (), 0) as share_before
    from valued
),

ranked as (
    select *,
        case
            when coalesce(share_before, 0) < cast($cutoffs[1] as double) then 'A'
            when coalesce(share_before, 0) < cast($cutoffs[2] as double) then 'B'
            else 'C'
        end as rank
    from cumulative
),

keys as (select * from (values ('A'), ('B'), ('C')) as k(rank)),

final as (
    select k.rank, count(r.customer_id) as customers, coalesce(sum(r.sales), 0) as sales,
        coalesce(sum(r.value), 0) as value,
        coalesce(sum(r.value) / nullif(sum(sum(r.value)) over (), 0), 0) as share
    from keys k
    left join ranked r on r.rank = k.rank
    group by k.rank
    order by k.rank
)

select * from final
