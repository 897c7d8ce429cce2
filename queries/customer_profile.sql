-- customer_profile: 購入者のプロフィール: customers and sales by gender, age band, prefecture, member tier and lifetime-sales band (seed 000); a field without data gives no rows.
-- param as_of date = @as_of: ages are taken on this date
-- param m_bins text[] = @rfm_monetary_bins: lifetime-sales (yen) cut-offs of the amount bands
-- columns: dimension, band, pos, customers, sales
with base as (
    select c.customer_id, c.sales, p.gender, p.prefecture, p.member_tier,
        case when p.birth_date is not null
            then cast(floor(date_diff('year', p.birth_date, cast($as_of as date))
                 - case when strftime(p.birth_date, '%m%d') > strftime(cast($as_of as date), '%m%d') then 1 else 0 end) as int)
        end as age
    from customer_fact c
    left join customers p on p.customer_id = c.customer_id
),

bins as (
    select cast($m_bins[1] as int) as b1, cast($m_bins[2] as int) as b2, cast($m_bins[3] as int) as b3,
        cast($m_bins[4] as int) as b4
),

long as (
    select 'gender' as dimension, gender as band, 0 as pos, sales from base where gender is not null
    union all
    select 'age_band', case when age < 20 then '<20' when age >= 70 then '70+' else cast(age // 10 * 10 as varchar) || 's' end,
        least(greatest(age // 10, 1), 7), sales from base where age is not null
    union all
    select 'prefecture', prefecture, 0, sales from base where prefecture is not null
    union all
    select 'member_tier', member_tier, 0, sales from base where member_tier is not null
    union all
    select 'amount_band',
        case when sales < b1 then '< ¥' || format('{:,}', b1)
             when sales < b2 then '¥' || format('{:,}', b1) || '–'
             when sales < b3 then '¥' || format('{:,}', b2) || '–'
             when sales < b4 then '¥' || format('{:,}', b3) || '–'
             else '¥' || format('{:,}', b4) || '–' end,
        (sales >= b1)::int + (sales >= b2)::int + (sales >= b3)::int + (sales >= b4)::int, sales
    from base, bins
),

final as (
    select dimension, band, min(pos) as pos, count(*) as customers, sum(sales) as sales
    from long
    group by dimension, band
    order by dimension, min(pos), count(*) desc, band
)

select * from final
