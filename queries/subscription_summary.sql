-- subscription_summary: 定期商品別サマリー: contract states, 平均定期継続回数 and the shop's churn split beside the 6:2:2 rule (slides 16, 40).
-- param benchmark float[] = @benchmark_622: 6:2:2 benchmark in % for deliveries 1–3 / 4–6 / 7–9
-- param benchmark_diet float[] = @benchmark_622_diet: the benchmark for diet products
-- param diet_keywords text[] = @diet_keywords: a product whose name or line holds one of these is a diet product
-- columns: product_id, product_name, contracts, active, paused, cancelled, avg_deliveries,
--   churned_by_9th, churn_1_3, churn_4_6, churn_7_9, benchmark_1_3, benchmark_4_6, benchmark_7_9,
--   is_diet, peak_delivery, announce_delivery
with per_product as (
    select
        product_id,
        count(*) as contracts,
        count(*) filter (where state = 'active') as active,
        count(*) filter (where state = 'paused') as paused,
        count(*) filter (where state = 'cancelled') as cancelled,
        -- Σ retained(n) over n ≥ 1 is the sum of deliveries; retained(1) the contracts with one
        cast(sum(deliveries) as double) / nullif(count(*) filter (where deliveries >= 1), 0) as avg_deliveries,
        -- churned(n) = cancelled with d = n − 1: by the 9th delivery means d ≤ 8
        count(*) filter (where state = 'cancelled' and deliveries <= 8) as churned_by_9th,
        count(*) filter (where state = 'cancelled' and deliveries between 0 and 2) as churn_band_1,
        count(*) filter (where state = 'cancelled' and deliveries between 3 and 5) as churn_band_2,
        count(*) filter (where state = 'cancelled' and deliveries between 6 and 8) as churn_band_3
    from contract_fact
    group by product_id
),

churn_by_delivery as (
    select product_id, deliveries + 1 as delivery_no, count(*) as churned
    from contract_fact
    where state = 'cancelled' and deliveries <= 8
    group by product_id, deliveries + 1
),

peak as (
    -- the delivery number where churn peaks (the earliest on a tie)
    select product_id, delivery_no
    from (
        select product_id, delivery_no,
               row_number() over (partition by product_id order by churned desc, delivery_no) as rn
        from churn_by_delivery
    ) ranked
    where rn = 1
),

diet as (
    select p.product_id,
           max(case when position(lower(k) in lower(coalesce(p.product_name, '') || ' ' || coalesce(p.product_line, ''))) > 0
                    then 1 else 0 end) = 1 as is_diet
    from products p
    cross join (select unnest(cast($diet_keywords as varchar[])) as k) keywords
    group by p.product_id
),

final as (
    select
        pp.product_id, pr.product_name, pp.contracts, pp.active, pp.paused, pp.cancelled, pp.avg_deliveries,
        pp.churned_by_9th,
        100.0 * pp.churn_band_1 / nullif(pp.churned_by_9th, 0) as churn_1_3,
        100.0 * pp.churn_band_2 / nullif(pp.churned_by_9th, 0) as churn_4_6,
        100.0 * pp.churn_band_3 / nullif(pp.churned_by_9th, 0) as churn_7_9,
        case when coalesce(d.is_diet, false) then cast($benchmark_diet as double[])[1] else cast($benchmark as double[])[1] end as benchmark_1_3,
        case when coalesce(d.is_diet, false) then cast($benchmark_diet as double[])[2] else cast($benchmark as double[])[2] end as benchmark_4_6,
        case when coalesce(d.is_diet, false) then cast($benchmark_diet as double[])[3] else cast($benchmark as double[])[3] end as benchmark_7_9,
        coalesce(d.is_diet, false) as is_diet,
        pk.delivery_no as peak_delivery,
        -- the milestone gift goes in the peak delivery and is announced in the one before (slide 40)
        case when pk.delivery_no > 1 then pk.delivery_no - 1 end as announce_delivery
    from per_product pp
    left join products pr on pr.product_id = pp.product_id
    left join diet d on d.product_id = pp.product_id
    left join peak pk on pk.product_id = pp.product_id
)

select * from final
order by contracts desc, product_id
