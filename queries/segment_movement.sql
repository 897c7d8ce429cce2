-- segment_movement: セグメント移動: how many customers moved from each segment at from_date to each segment at to_date; 'none' = no counted order yet on from_date (seed 002).
-- param as_of date = @as_of: the as-of date (default to_date; from_date defaults to 7 days before it)
-- param segmentation text = 'cpm' {classes|cpm|rfm}: which segments: 顧客分類 (class_dormant), CPM (group_active|group_lapsed) or RFM segments
-- param from_date date = null: first snapshot; empty = 7 days before the as-of date
-- param to_date date = null: second snapshot; empty = the as-of date
-- param dormant_days int = @dormant_days: recency from which a customer is 休眠/離脱
-- param short_days int = @cpm_tenure_short_days: CPM tenure below this is よちよち
-- param long_days int = @cpm_tenure_long_days: tenure from this on is 優良
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a customer is 流行/優良
-- param r_bins text[] = @rfm_recency_bins: RFM recency day cut-offs
-- param f_bins text[] = @rfm_frequency_bins: RFM order-count cut-offs
-- columns: from_segment, to_segment, customers
with dates as (
    select 1 as side, coalesce(cast($from_date as date), cast($as_of as date) - 7) as d
    union all
    select 2, coalesce(cast($to_date as date), cast($as_of as date))
),

snap as (
    -- each customer's state on the snapshot day: the last counted order on or before it
    -- carries the orders and sales so far (order_fact.purchase_ordinal, cumulative_sales)
    select t.side, t.d, o.customer_id,
        o.purchase_ordinal as orders, o.cumulative_sales as sales,
        o.order_date - cast(o.first_ordered_at as date) as tenure_days,
        t.d - o.order_date as recency_days
    from dates t
    join order_fact o on o.order_date <= t.d
        and (o.next_order_date is null or o.next_order_date > t.d)
    where o.customer_level  -- excluded-product orders stay out of customer-level analyses
),

scored as (
    select *,
        5 - ((recency_days >= cast($r_bins[1] as int))::int + (recency_days >= cast($r_bins[2] as int))::int
           + (recency_days >= cast($r_bins[3] as int))::int + (recency_days >= cast($r_bins[4] as int))::int) as r,
        1 + ((orders >= cast($f_bins[1] as int))::int + (orders >= cast($f_bins[2] as int))::int
           + (orders >= cast($f_bins[3] as int))::int + (orders >= cast($f_bins[4] as int))::int) as f
    from snap
),

segmented as (
    select side, customer_id,
        case $segmentation
            when 'classes' then
                case
                    when orders = 1 then 'new'
                    when orders = 2 then 'beginner'
                    when sales < $loyal_amount then 'steady'
                    when tenure_days >= $long_days then 'loyal'
                    else 'trend'
                end || case when recency_days >= $dormant_days then '_dormant' else '' end
            when 'cpm' then
                case
                    when orders = 1 then 'first'
                    when tenure_days < $short_days then 'toddler'
                    when sales < $loyal_amount then 'steady'
                    when tenure_days >= $long_days then 'loyal'
                    else 'trend'
                end || case when recency_days >= $dormant_days then '_lapsed' else '_active' end
            else
                case
                    when recency_days >= $dormant_days then 'dormant'
                    when orders = 1 and r >= 3 then 'first_active'
                    when orders = 1 then 'first_at_risk'
                    when r >= 4 and f >= 4 then 'best'
                    when r >= 3 then 'repeat_active'
                    else 'repeat_lapsing'
                end
        end as segment
    from scored
),

pairs as (
    select coalesce(a.segment, 'none') as from_segment, coalesce(b.segment, 'none') as to_segment
    from (select * from segmented where side = 1) a
    full outer join (select * from segmented where side = 2) b on a.customer_id = b.customer_id
),

final as (
    select from_segment, to_segment, count(*) as customers
    from pairs
    group by from_segment, to_segment
    order by from_segment, to_segment
)

select * from final
