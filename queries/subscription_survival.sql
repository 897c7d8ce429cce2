-- subscription_survival: Kaplan–Meier survival by delivery number per product, active and paused contracts censored, with a 95% Greenwood band.
-- param product_id text = null: one subscription product; empty = every product
-- param max_delivery int = 12: last delivery number shown
-- columns: product_id, delivery_no, at_risk, churned, censored, survival, ci_low, ci_high
with chosen as (
    select product_id, state, deliveries
    from contract_fact
    where $product_id is null or product_id = $product_id
),

delivery_numbers as (
    select generate_series as delivery_no from generate_series(1, cast($max_delivery as bigint))
),

steps as (
    -- at delivery n: churned(n) = cancelled with d = n − 1 (the event); pending(n) = active or paused
    -- with d = n − 1, not yet seen at n (censored); at risk = reached n − 1 and not censored before n
    select
        c.product_id, n.delivery_no,
        count(*) filter (where c.deliveries >= n.delivery_no - 1) as reached_previous,
        count(*) filter (where c.deliveries = n.delivery_no - 1 and c.state = 'cancelled') as churned,
        count(*) filter (where c.deliveries = n.delivery_no - 1 and c.state in ('active', 'paused')) as censored
    from chosen c
    cross join delivery_numbers n
    group by c.product_id, n.delivery_no
),

factors as (
    select *,
        reached_previous - censored as at_risk,
        case when reached_previous - censored > 0
             then 1.0 - cast(churned as double) / (reached_previous - censored) else 1.0 end as factor,
        case when reached_previous - censored > churned
             then cast(churned as double) / ((reached_previous - censored) * (reached_previous - censored - churned))
             else 0.0 end as greenwood_term
    from steps
),

cumulative as (
    select *,
        -- product of the factors; once a factor is 0 the curve stays at 0
        case when min(factor) over w = 0 then 0.0
             else exp(sum(case when factor > 0 then ln(factor) else 0 end) over w) end as survival,
        sum(greenwood_term) over w as greenwood_sum
    from factors
    window w as (partition by product_id order by delivery_no rows between unbounded preceding and current row)
),

final as (
    select
        product_id, delivery_no, at_risk, churned, censored, survival,
        greatest(0.0, survival - 1.96 * survival * sqrt(greenwood_sum)) as ci_low,
        least(1.0, survival + 1.96 * survival * sqrt(greenwood_sum)) as ci_high
    from cumulative
)

select * from final
order by product_id, delivery_no
