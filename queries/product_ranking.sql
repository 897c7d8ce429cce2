-- product_ranking: 商品ランキング: top products by sales this month (1st to the as-of date), with their rank last month and the movement.
-- param as_of date = @as_of: this month is its month, from the 1st to this day
-- param top int = 10: how many products to list
-- columns: rank, product_id, product_name, quantity, sales, last_rank, last_sales, rank_change, movement
--
-- Sales are order_items.line_amount of counted orders (order_fact, every counted order: a sales
-- view). Rank by sales, ties by product_id. last_rank = the rank over the whole previous month
-- (null when the product did not sell then). rank_change = last_rank − rank (positive = moved up).
-- movement: new (not ranked last month), up, down, same.
with lines as (
    select
        i.product_id,
        case when o.order_date >= cast(date_trunc('month', cast($as_of as date)) as date) then 'cur' else 'last' end as month,
        i.quantity, i.line_amount
    from order_items i
    join order_fact o on o.order_id = i.order_id
    where o.order_date >= cast(date_trunc('month', cast($as_of as date)) - interval 1 month as date)
      and o.order_date <= cast($as_of as date)
),

per_product as (
    select month, product_id, sum(quantity) as quantity, sum(line_amount) as sales
    from lines
    group by month, product_id
),

ranked as (
    select *, row_number() over (partition by month order by sales desc, product_id) as rank
    from per_product
),

final as (
    select
        c.rank, c.product_id, p.product_name,
        cast(c.quantity as bigint) as quantity, cast(c.sales as double) as sales,
        l.rank as last_rank, cast(l.sales as double) as last_sales,
        l.rank - c.rank as rank_change,
        case
            when l.rank is null then 'new'
            when l.rank > c.rank then 'up'
            when l.rank < c.rank then 'down'
            else 'same'
        end as movement
    from ranked c
    left join ranked l on l.product_id = c.product_id and l.month = 'last'
    left join products p on p.product_id = c.product_id
    where c.month = 'cur' and c.rank <= $top
    order by c.rank
)

select * from final
