-- ad_hourly: 時間帯別受注: counted orders and sales per ad code by weekday (1 = Monday … 7 = Sunday) and shop-local hour (slide 20); every cell of the 7×24 grid of each code with orders.
-- param start date = null: first order date counted (inclusive); empty = from the beginning
-- param end date = null: last order date counted (inclusive); empty = up to the as-of date
-- param ad_code text = null: only this ad code; empty = every code
-- columns: ad_code, weekday, hour, orders, sales
with recursive hours(hour) as (
    select 0
    union all
    select hour + 1 from hours where hour < 23
),

weekdays(weekday) as (
    select 1
    union all
    select weekday + 1 from weekdays where weekday < 7
),

coded as (
    -- ordered_at is shop-local time
    select ad_code,
           cast(extract(isodow from ordered_at) as integer) as weekday,
           cast(extract(hour from ordered_at) as integer) as hour,
           amount
    from order_fact
    where ad_code is not null
      and ($ad_code is null or ad_code = $ad_code)
      and ($start is null or order_date >= cast($start as date))
      and ($end is null or order_date <= cast($end as date))
),

grid as (
    select c.ad_code, w.weekday, h.hour
    from (select distinct ad_code from coded) c
    cross join weekdays w
    cross join hours h
),

final as (
    select g.ad_code, cast(g.weekday as integer) as weekday, cast(g.hour as integer) as hour,
           count(c.ad_code) as orders,
           coalesce(sum(c.amount), 0) as sales
    from grid g
    left join coded c on c.ad_code = g.ad_code and c.weekday = g.weekday and c.hour = g.hour
    group by g.ad_code, g.weekday, g.hour
)

select * from final
order by ad_code, weekday, hour
