-- customer_rfm_grid: RFMグリッド: customers and sales in each cell of the recency score × frequency score grid (5 × 5).
-- param r_bins text[] = @rfm_recency_bins: four recency day cut-offs; below the 1st R=5, ..., from the 4th on R=1
-- param f_bins text[] = @rfm_frequency_bins: four order-count cut-offs; below the 1st F=1, ..., from the 4th on F=5
-- columns: r, f, customers, sales, avg_sales
with scored as (
    select sales,
        5 - ((recency_days >= cast($r_bins[1] as int))::int + (recency_days >= cast($r_bins[2] as int))::int
           + (recency_days >= cast($r_bins[3] as int))::int + (recency_days >= cast($r_bins[4] as int))::int) as r,
        1 + ((orders >= cast($f_bins[1] as int))::int + (orders >= cast($f_bins[2] as int))::int
           + (orders >= cast($f_bins[3] as int))::int + (orders >= cast($f_bins[4] as int))::int) as f
    from customer_fact
),

grid as (
    select r.v as r, f.v as f
    from (values (1), (2), (3), (4), (5)) as r(v)
    cross join (values (1), (2), (3), (4), (5)) as f(v)
),

final as (
    select g.r, g.f, count(s.r) as customers, coalesce(sum(s.sales), 0) as sales,
        coalesce(sum(s.sales) / nullif(count(s.r), 0), 0) as avg_sales
    from grid g
    left join scored s on s.r = g.r and s.f = g.f
    group by g.r, g.f
    order by g.r desc, g.f
)

select * from final
