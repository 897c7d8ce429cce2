-- ltv_summary: 購入単価と年間平均LTV: AOV = sales ÷ orders (slide 41), annual LTV = sales ÷ buyers (slide 43).
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- columns: orders, buyers, sales, aov, annual_ltv
with in_range as not materialized (
    select customer_id, amount, customer_level, prev_order_date
    from order_fact
    where ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

other_orders as (
    -- orders with a customer that are not customer-level (they hold an excluded product)
    select customer_id from in_range where not customer_level and customer_id is not null
),

counted as (
    -- buyers: the customers with a counted order in the period (excluded products included, as
    -- in kpi_scorecard): a customer-level buyer counted on their first order of the period (its
    -- previous order before it), plus the few whose orders in it all hold an excluded product
    select
        count(*) as orders,
        count(*) filter (where customer_level
                         and (prev_order_date is null or ($start is not null and prev_order_date < cast($start as date))))
        + (select count(distinct x.customer_id) from other_orders x
           where x.customer_id not in (select customer_id from in_range
                                       where customer_level and customer_id in (select customer_id from other_orders)))
            as buyers,
        sum(amount) as sales
    from in_range
),

final as (
    select orders, buyers, coalesce(sales, 0.0) as sales,
        sales / nullif(orders, 0) as aov,
        sales / nullif(buyers, 0) as annual_ltv
    from counted
)

select * from final
