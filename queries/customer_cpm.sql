-- customer_cpm: CPM分析: customers and sales in the 10 CPM groups (初回/よちよち/コツコツ/流行/優良 × 現役/離脱) (SPEC §4.5).
-- param dormant_days int = @dormant_days: recency in days from which a customer is 離脱
-- param short_days int = @cpm_tenure_short_days: tenure below this is よちよち
-- param long_days int = @cpm_tenure_long_days: tenure from this on is 優良 (high spenders), below it 流行
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a customer is 流行/優良
-- columns: group, active, customers, sales
with grouped as (
    select
        case
            when orders = 1 then 'first'
            when tenure_days < $short_days then 'toddler'
            when sales < $loyal_amount then 'steady'
            when tenure_days >= $long_days then 'loyal'
            else 'trend'
        end as grp,
        recency_days < $dormant_days as active,
        sales
    from customer_fact
),

grid as (
    select k.grp, k.pos, a.active
    from (values ('first', 1), ('toddler', 2), ('steady', 3), ('trend', 4), ('loyal', 5)) as k(grp, pos)
    cross join (values (true), (false)) as a(active)
),

final as (
    select g.grp as "group", g.active, count(c.grp) as customers, coalesce(sum(c.sales), 0) as sales
    from grid g
    left join grouped c on c.grp = g.grp and c.active = g.active
    group by g.grp, g.active, g.pos
    order by g.pos, g.active desc
)

select * from final
