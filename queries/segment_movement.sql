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
--
-- A customer's state on a day is their last counted order on or before it (orders and sales so
-- far: order_fact.purchase_ordinal, cumulative_sales). Between the two days (a week by default)
-- most customers order nothing: their state is the same order on both days and only their
-- recency differs, so their segment can change only where the recency crosses a threshold
-- (dormant_days, an RFM recency bin). Those customers keep their segment and are counted from
-- their later state alone; only customers who ordered in between or cross a threshold have
-- their earlier state looked up (no join of every customer's two states at 10M orders).
with days as (
    select
        least(coalesce(cast($from_date as date), cast($as_of as date) - 7),
              coalesce(cast($to_date as date), cast($as_of as date))) as early,
        greatest(coalesce(cast($from_date as date), cast($as_of as date) - 7),
                 coalesce(cast($to_date as date), cast($as_of as date))) as late,
        coalesce(cast($from_date as date), cast($as_of as date) - 7)
            <= coalesce(cast($to_date as date), cast($as_of as date)) as forward
),

late_states as (
    -- each customer's state on the later day
    select o.customer_id, o.order_date, o.purchase_ordinal as orders, o.cumulative_sales as sales,
        o.order_date - cast(o.first_ordered_at as date) as tenure_days,
        d.late - o.order_date as recency_days,
        -- the same state on the earlier day, and no threshold of recency crossed in between
        o.order_date <= d.early
            and not (d.early - o.order_date < $dormant_days and d.late - o.order_date >= $dormant_days)
            and not (d.early - o.order_date < cast($r_bins[1] as int) and d.late - o.order_date >= cast($r_bins[1] as int))
            and not (d.early - o.order_date < cast($r_bins[2] as int) and d.late - o.order_date >= cast($r_bins[2] as int))
            and not (d.early - o.order_date < cast($r_bins[3] as int) and d.late - o.order_date >= cast($r_bins[3] as int))
            and not (d.early - o.order_date < cast($r_bins[4] as int) and d.late - o.order_date >= cast($r_bins[4] as int))
            as stable
    from order_fact o
    cross join days d
    where o.customer_level  -- excluded-product orders stay out of customer-level analyses
      and o.order_date <= d.late
      and (o.next_order_date is null or o.next_order_date > d.late)
),

states as (
    select 2 as side, customer_id, stable, orders, sales, tenure_days, recency_days from late_states
    union all
    -- on the earlier day: the customers above whose segment may differ then ...
    select 1, s.customer_id, false, s.orders, s.sales, s.tenure_days, d.early - s.order_date
    from late_states s
    cross join days d
    where s.order_date <= d.early and not s.stable
    union all
    -- ... and those who ordered in between, from their last order before it
    select 1, o.customer_id, false, o.purchase_ordinal, o.cumulative_sales,
        o.order_date - cast(o.first_ordered_at as date), d.early - o.order_date
    from order_fact o
    cross join days d
    where o.customer_level
      and o.order_date <= d.early
      and o.next_order_date > d.early and o.next_order_date <= d.late
),

scored as (
    select *,
        5 - ((recency_days >= cast($r_bins[1] as int))::int + (recency_days >= cast($r_bins[2] as int))::int
           + (recency_days >= cast($r_bins[3] as int))::int + (recency_days >= cast($r_bins[4] as int))::int) as r,
        1 + ((orders >= cast($f_bins[1] as int))::int + (orders >= cast($f_bins[2] as int))::int
           + (orders >= cast($f_bins[3] as int))::int + (orders >= cast($f_bins[4] as int))::int) as f
    from states
),

segmented as (
    select side, customer_id, stable,
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
    -- (earlier, later) segments; a customer without a state on the earlier day was 'none'
    select segment as early_segment, segment as late_segment
    from segmented
    where side = 2 and stable
    union all
    select coalesce(e.segment, 'none'), l.segment
    from (select * from segmented where side = 2 and not stable) l
    left join (select * from segmented where side = 1) e on e.customer_id = l.customer_id
),

oriented as (
    select
        case when d.forward then p.early_segment else p.late_segment end as from_segment,
        case when d.forward then p.late_segment else p.early_segment end as to_segment
    from pairs p
    cross join days d
),

final as (
    select from_segment, to_segment, count(*) as customers
    from oriented
    group by from_segment, to_segment
    order by from_segment, to_segment
)

select * from final
