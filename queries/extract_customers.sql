-- extract_customers: 顧客抽出: the customer list for mail, DM or calls by segment, recency, purchase count, products, birthday month, optins, stopped subscriptions or one segment_movement cell (slides 28–31).
-- param as_of date = @as_of: the as-of date (segments, recency and the default movement dates use it)
-- param segmentation text = 'cpm' {classes|cpm|rfm}: which segment names the segment column and the segments filter use
-- param segments text[] = null: keep customers whose current segment is one of these (e.g. loyal_active, steady_dormant, best); empty = any
-- param min_recency int = null: days since the last purchase at least this
-- param max_recency int = null: days since the last purchase at most this
-- param min_orders int = null: counted purchases at least this
-- param max_orders int = null: counted purchases at most this
-- param bought text[] = null: bought at least one of these product_ids (counted orders)
-- param not_bought text[] = null: bought none of these product_ids (counted orders)
-- param birth_month int = null: birthday in this month (1–12)
-- param mail_optin bool = null: true = only customers who accept mail
-- param dm_optin bool = null: true = only customers who accept DM
-- param call_optin bool = null: true = only customers who accept calls
-- param cancel_reasons text[] = null: has a cancelled subscription with one of these cancel_reasons
-- param stopped_only bool = false: has a cancelled subscription (any reason)
-- param move_from text = null: segment_movement cell: segment on move_from_date ('none' = no order yet)
-- param move_to text = null: segment_movement cell: segment on move_to_date
-- param move_from_date date = null: empty = 7 days before the as-of date
-- param move_to_date date = null: empty = the as-of date
-- param dormant_days int = @dormant_days: recency from which a customer is 休眠/離脱
-- param short_days int = @cpm_tenure_short_days: CPM tenure below this is よちよち
-- param long_days int = @cpm_tenure_long_days: tenure from this on is 優良
-- param loyal_amount int = @loyal_amount: lifetime sales (yen) from which a customer is 流行/優良
-- param r_bins text[] = @rfm_recency_bins: RFM recency day cut-offs
-- param f_bins text[] = @rfm_frequency_bins: RFM order-count cut-offs
-- param limit int = null: at most this many customers, the highest sales first (a page's preview); empty = all
-- columns: customer_id, gender, birth_date, prefecture, member_tier, mail_optin, dm_optin, call_optin,
--   first_ordered_at, last_ordered_at, orders, sales, recency_days, segment, matched
--
-- matched: how many customers pass the filters (the whole list's length, whatever the limit).
-- A customer's state on the as-of date is their customer_fact row; the movement dates take it
-- from order_fact (the last order on or before the day). Without a filter on the profile
-- (birth month, optins), only the customers listed are looked up in customers.
with dates as (
    -- the movement cell's two days (a segment_movement cell), only when one is asked for
    select 1 as side, coalesce(cast($move_from_date as date), cast($as_of as date) - 7) as d
    where $move_from is not null or $move_to is not null
    union all
    select 2, coalesce(cast($move_to_date as date), cast($as_of as date))
    where $move_from is not null or $move_to is not null
),

states as (
    -- on the as-of date (side 0): the customer's row of customer_fact
    select 0 as side, customer_id, orders, sales, tenure_days, recency_days, first_ordered_at, last_ordered_at
    from customer_fact
    union all
    -- on a movement day: the last counted order on or before it carries the orders and sales so
    -- far (order_fact.purchase_ordinal, cumulative_sales)
    select t.side, o.customer_id,
        o.purchase_ordinal, o.cumulative_sales,
        o.order_date - cast(o.first_ordered_at as date),
        t.d - o.order_date,
        null, null
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
    from states
),

segmented as (
    select side, customer_id, orders, sales, recency_days, first_ordered_at, last_ordered_at,
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

moved as (
    select b.customer_id
    from (select * from segmented where side = 2) b
    left join (select * from segmented where side = 1) a on a.customer_id = b.customer_id
    where ($move_from is null or coalesce(a.segment, 'none') = $move_from)
      and ($move_to is null or b.segment = $move_to)
),

bought_ids as (
    select distinct o.customer_id
    from order_fact o join order_items i on i.order_id = o.order_id
    where i.product_id in (select unnest(coalesce($bought, []::varchar[])))
),

not_bought_ids as (
    select distinct o.customer_id
    from order_fact o join order_items i on i.order_id = o.order_id
    where i.product_id in (select unnest(coalesce($not_bought, []::varchar[])))
),

stopped_ids as (
    select distinct customer_id
    from subscriptions
    where status = 'cancelled'
      and ($cancel_reasons is null or len($cancel_reasons) = 0 or cancel_reason in (select unnest($cancel_reasons)))
),

now as (
    -- on the as-of date, filters on the customer's own numbers
    select s.customer_id, s.first_ordered_at, s.last_ordered_at, s.orders, s.sales, s.recency_days, s.segment
    from segmented s
    where s.side = 0
      and ($segments is null or len($segments) = 0 or s.segment in (select unnest($segments)))
      and ($min_recency is null or s.recency_days >= $min_recency)
      and ($max_recency is null or s.recency_days <= $max_recency)
      and ($min_orders is null or s.orders >= $min_orders)
      and ($max_orders is null or s.orders <= $max_orders)
),

candidates as (
    -- customers passing the filters that need no profile; the filters on other lists (products
    -- bought, stopped subscriptions, a movement cell) only when one is set (each would otherwise
    -- still be looked up for every customer)
    select * from now
    where ($bought is null or len($bought) = 0) and ($not_bought is null or len($not_bought) = 0)
      and not $stopped_only and ($cancel_reasons is null or len($cancel_reasons) = 0)
      and $move_from is null and $move_to is null
    union all
    select * from now n
    where not (($bought is null or len($bought) = 0) and ($not_bought is null or len($not_bought) = 0)
               and not $stopped_only and ($cancel_reasons is null or len($cancel_reasons) = 0)
               and $move_from is null and $move_to is null)
      and ($bought is null or len($bought) = 0 or n.customer_id in (select customer_id from bought_ids))
      and ($not_bought is null or len($not_bought) = 0 or n.customer_id not in (select customer_id from not_bought_ids))
      and ((not $stopped_only and ($cancel_reasons is null or len($cancel_reasons) = 0))
           or n.customer_id in (select customer_id from stopped_ids))
      and (($move_from is null and $move_to is null) or n.customer_id in (select customer_id from moved))
),

profile_filtered as (
    -- with a filter on the profile, every candidate is looked up
    select c.*, p.gender, p.birth_date, p.prefecture, p.member_tier, p.mail_optin, p.dm_optin, p.call_optin
    from candidates c
    left join customers p on p.customer_id = c.customer_id
    where ($birth_month is not null or $mail_optin is not null or $dm_optin is not null or $call_optin is not null)
      and ($birth_month is null or month(p.birth_date) = $birth_month)
      and ($mail_optin is null or coalesce(p.mail_optin, false) = $mail_optin)
      and ($dm_optin is null or coalesce(p.dm_optin, false) = $dm_optin)
      and ($call_optin is null or coalesce(p.call_optin, false) = $call_optin)
),

listed as (
    select * from profile_filtered
    union all
    -- without one, only the customers listed: the top of the list when there is a limit
    select c.*, p.gender, p.birth_date, p.prefecture, p.member_tier, p.mail_optin, p.dm_optin, p.call_optin
    from (
        select * from candidates where $limit is null
        union all
        (select * from candidates where $limit is not null order by sales desc, customer_id limit $limit)
    ) c
    left join customers p on p.customer_id = c.customer_id
    where $birth_month is null and $mail_optin is null and $dm_optin is null and $call_optin is null
),

matched as (
    select case when $birth_month is not null or $mail_optin is not null or $dm_optin is not null
                     or $call_optin is not null
                then (select count(*) from profile_filtered)
                else (select count(*) from candidates) end as matched
),

final as (
    select l.customer_id, l.gender, l.birth_date, l.prefecture, l.member_tier, l.mail_optin, l.dm_optin,
        l.call_optin, l.first_ordered_at, l.last_ordered_at, l.orders, l.sales, l.recency_days, l.segment,
        m.matched
    from listed l
    cross join matched m
    order by l.sales desc, l.customer_id
    limit $limit
)

select * from final
