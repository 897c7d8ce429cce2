-- ltv_summary: 購入単価と年間平均LTV: AOV = sales ÷ orders (slide 41), annual LTV = sales ÷ buyers (slide 43).
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- columns: orders, buyers, sales, aov, annual_ltv
with in_range as (
    select customer_id, amount
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

final as (
    select
        count(*) as orders,
        count(distinct customer_id) as buyers,
        coalesce(sum(amount), 0.0) as sales,
        sum(amount) / nullif(count(*), 0) as aov,
        sum(amount) / nullif(count(distinct customer_id), 0) as annual_ltv
    from in_range
)

select * from final
