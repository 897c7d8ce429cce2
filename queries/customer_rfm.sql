-- customer_rfm: RFM分析: customers and sales per named RFM segment (初回&アクティブ, 初回&離脱リスク, リピート&アクティブ, リピート&離反, 優良, 休眠) (SPEC §4.5).
-- param dormant_days int = @dormant_days: recency in days from which a customer is 休眠
-- param r_bins text[] = @rfm_recency_bins: four recency day cut-offs; below the 1st R=5, ..., from the 4th on R=1
-- param f_bins text[] = @rfm_frequency_bins: four order-count cut-offs; below the 1st F=1, ..., from the 4th on F=5
-- param m_bins text[] = @rfm_monetary_bins: four lifetime-sales cut-offs; below the 1st M=1, ..., from the 4th on M=5
-- columns: segment, customers, sales, share
with scored as (
    select customer_id, orders, sales, recency_days,
        5 - ((recency_days >= cast($r_bins[1] as int))::int + (recency_days >= cast($r_bins[2] as int))::int
           + (recency_days >= cast($r_bins[3] as int))::int + (recency_days >= cast($r_bins[4] as int))::int) as r,
        1 + ((orders >= cast($f_bins[1] as int))::int + (orders >= cast($f_bins[2] as int))::int
           + (orders >= cast($f_bins[3] as int))::int + (orders >= cast($f_bins[4] as int))::int) as f,
        1 + ((sales >= cast($m_bins[1] as double))::int + (sales >= cast($m_bins[2] as double))::int
           + (sales >= cast($m_bins[3] as double))::int + (sales >= cast($m_bins[4] as double))::int) as m
    from customer_fact
),

segmented as (
    -- first match wins: 休眠 → 初回 (R≥3 active, else at risk) → 優良 (R≥4, F≥4) → リピート (R≥3 active, else 離反)
    select *,
        case
            when recency_days >= $dormant_days then 'dormant'
            when orders = 1 and r >= 3 then 'first_active'
            when orders = 1 then 'first_at_risk'
            when r >= 4 and f >= 4 then 'best'
            when r >= 3 then 'repeat_active'
            else 'repeat_lapsing'
        end as segment
    from scored
),

keys as (
    select * from (values ('first_active', 1), ('first_at_risk', 2), ('repeat_active', 3), ('repeat_lapsing', 4),
                          ('best', 5), ('dormant', 6)) as k(segment, pos)
),

final as (
    select k.segment, count(s.segment) as customers, coalesce(sum(s.sales), 0) as sales,
        coalesce(count(s.segment) / nullif(sum(count(s.segment)) over (), 0), 0) as share
    from keys k
    left join segmented s on s.segment = k.segment
    group by k.segment, k.pos
    order by k.pos
)

select * from final
