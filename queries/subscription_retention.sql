-- subscription_retention: 定期継続: contracts retained, pending and churned at each delivery number, per product (slides 14–15).
-- param product_id text = null: one subscription product; empty = every product
-- param started_from date = null: contracts started on or after this day
-- param started_to date = null: contracts started on or before this day
-- param ad_code text = null: contracts acquired through this ad code
-- param max_delivery int = 12: last delivery number shown
-- columns: product_id, delivery_no, retained, pending, churned, retention_rate, churn_share
with chosen as (
    select product_id, state, deliveries
    from contract_fact
    where ($product_id is null or product_id = $product_id)
      and ($started_from is null or started_at >= cast($started_from as date))
      and ($started_to is null or started_at < cast($started_to as date) + interval 1 day)
      and ($ad_code is null or ad_code = $ad_code)
),

delivery_numbers as (
    select generate_series as delivery_no from generate_series(1, cast($max_delivery as bigint))
),

grid as (
    -- retained(n): d >= n; pending(n): d = n - 1 and still active or paused; churned(n): d = n - 1 and cancelled
    select
        c.product_id, n.delivery_no,
        count(*) filter (where c.deliveries >= n.delivery_no) as retained,
        count(*) filter (where c.deliveries = n.delivery_no - 1 and c.state in ('active', 'paused')) as pending,
        count(*) filter (where c.deliveries = n.delivery_no - 1 and c.state = 'cancelled') as churned
    from chosen c
    cross join delivery_numbers n
    group by c.product_id, n.delivery_no
),

final as (
    select
        product_id, delivery_no, retained, pending, churned,
        retained / nullif(max(case when delivery_no = 1 then retained end) over (partition by product_id), 0)
            as retention_rate,
        churned / nullif(sum(churned) over (partition by product_id), 0) as churn_share
    from grid
)

select
    product_id, delivery_no, retained, pending, churned,
    cast(retention_rate as double) as retention_rate, cast(churn_share as double) as churn_share
from final
order by product_id, delivery_no
