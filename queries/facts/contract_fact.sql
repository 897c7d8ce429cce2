-- contract_fact: one row per subscription contract (定期契約) as of the as-of date, with its counted deliveries.
-- param as_of date = @as_of: contracts started later do not exist yet; stops later have not happened yet
-- columns: subscription_id, customer_id, product_id, started_at, state, stopped_at, cancel_reason,
--   ad_code, deliveries, last_delivery_at
with deliveries as (
    -- a contract's deliveries are its counted orders as of the as-of date
    select subscription_id, count(*) as deliveries, max(ordered_at) as last_delivery_at
    from order_fact
    where subscription_id is not null
    group by subscription_id
),

known_orders as (
    select
        o.subscription_id, o.customer_id, o.ordered_at, o.status, o.ad_code, f.lead_product_id,
        row_number() over (partition by o.subscription_id order by o.ordered_at, o.order_id) as first_rank,
        row_number() over (partition by o.subscription_id order by o.ordered_at desc, o.order_id desc) as last_rank
    from orders o
    left join order_fact f on f.order_id = o.order_id
    where o.subscription_id is not null
      and o.ordered_at < cast($as_of as date) + interval 1 day
      -- only needed without a subscriptions table (from_orders): skip the two sorts otherwise
      and not exists (select 1 from subscriptions)
),

from_orders as (
    -- without a subscriptions table: one contract per subscription_id; its last order cancelled ⇒ cancelled
    select
        subscription_id,
        max(case when first_rank = 1 then customer_id end) as customer_id,
        max(case when first_rank = 1 then lead_product_id end) as product_id,
        min(ordered_at) as started_at,
        max(case when last_rank = 1 and status = 'cancelled' then 'cancelled' end) as status,
        max(case when last_rank = 1 and status = 'cancelled' then ordered_at end) as cancelled_at,
        cast(null as varchar) as cancel_reason,
        max(case when first_rank = 1 then ad_code end) as ad_code
    from known_orders
    group by subscription_id
),

contracts as (
    select subscription_id, customer_id, product_id, started_at, status, cancelled_at, cancel_reason, ad_code
    from subscriptions
    union all
    select subscription_id, customer_id, product_id, started_at, coalesce(status, 'active'), cancelled_at,
           cancel_reason, ad_code
    from from_orders
    where not exists (select 1 from subscriptions)
),

final as (
    select
        c.subscription_id, c.customer_id, c.product_id, c.started_at,
        -- a stop dated after the as-of date has not happened yet
        case when c.status in ('cancelled', 'paused')
                  and (c.cancelled_at is null or c.cancelled_at < cast($as_of as date) + interval 1 day)
             then c.status else 'active' end as state,
        c.cancelled_at, c.cancel_reason, c.ad_code,
        coalesce(d.deliveries, 0) as deliveries,
        d.last_delivery_at
    from contracts c
    left join deliveries d on d.subscription_id = c.subscription_id
    where c.started_at is null or c.started_at < cast($as_of as date) + interval 1 day
)

select
    subscription_id, customer_id, product_id, started_at, state,
    case when state <> 'active' then coalesce(cancelled_at, last_delivery_at, started_at) end as stopped_at,
    case when state <> 'active' then cancel_reason end as cancel_reason,
    ad_code, deliveries, last_delivery_at
from final
