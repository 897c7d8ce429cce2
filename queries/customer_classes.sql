-- customer_classes: 顧客分類: customers and sales per class (新規/ビギナー/流行/継続/優良) split by dormant (休眠) (SPEC §4.5, slide 27).
-- param dormant_days int = @dormant_days: recency in days from which a customer is 休眠
-- param long_days int = @cpm_tenure_long_days: tenure in days from which a ≥3-purchase high spender is 優良 (below: 流行)
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a ≥3-purchase customer is 流行/優良 (below: 継続)
-- columns: class, dormant, customers, sales
with classed as (
    select
        case
            when orders = 1 then 'new'
            when orders = 2 then 'beginner'
            when sales < $loyal_amount then 'steady'
            when tenure_days >= $long_days then 'loyal'
            else 'trend'
        end as class,
        recency_days >= $dormant_days as dormant,
        sales
    from customer_fact
),

grid as (
    select k.class, k.pos, d.dormant
    from (values ('new', 1), ('beginner', 2), ('trend', 3), ('steady', 4), ('loyal', 5)) as k(class, pos)
    cross join (values (false), (true)) as d(dormant)
),

final as (
    select g.class, g.dormant, count(c.class) as customers, coalesce(sum(c.sales), 0) as sales
    from grid g
    left join classed c on c.class = g.class and c.dormant = g.dormant
    group by g.class, g.dormant, g.pos
    order by g.pos, g.dormant
)

select * from final
