-- customer_profile: 購入者のプロフィール: customers and sales by gender, age band, prefecture, member tier and lifetime-sales band (seed 000); a field without data gives no rows.
-- param as_of date = @as_of: ages are taken on this date
-- param m_bins text[] = @rfm_monetary_bins: lifetime-sales (yen) cut-offs of the amount bands
-- columns: dimension, band, pos, customers, sales
with base as (
    -- each customer's bands; the age on the as-of day from the date's numbers, not its text
    select c.sales, p.gender, p.prefecture, p.member_tier,
        case when p.birth_date is not null
            then year(cast($as_of as date)) - year(p.birth_date)
                 - case when month(p.birth_date) * 100 + day(p.birth_date)
                             > month(cast($as_of as date)) * 100 + day(cast($as_of as date)) then 1 else 0 end
        end as age
    from customer_fact c
    left join customers p on p.customer_id = c.customer_id
),

bins as (
    select cast($m_bins[1] as int) as b1, cast($m_bins[2] as int) as b2, cast($m_bins[3] as int) as b3,
        cast($m_bins[4] as int) as b4
),

profiles as (
    -- one pass over the customers: every combination of the five bands (a few thousand rows)
    select gender, prefecture, member_tier,
        case when age < 20 then '<20' when age >= 70 then '70+' else cast(age // 10 * 10 as varchar) || 's' end
            as age_band,
        cast(least(greatest(age // 10, 1), 7) as integer) as age_pos,
        (sales >= b1)::int + (sales >= b2)::int + (sales >= b3)::int + (sales >= b4)::int as amount_pos,
        count(*) as customers,
        sum(sales) as sales
    from base, bins
    group by all
),

long as (
    select 'gender' as dimension, gender as band, 0 as pos, customers, sales from profiles where gender is not null
    union all
    select 'age_band', age_band, age_pos, customers, sales from profiles where age_band is not null
    union all
    select 'prefecture', prefecture, 0, customers, sales from profiles where prefecture is not null
    union all
    select 'member_tier', member_tier, 0, customers, sales from profiles where member_tier is not null
    union all
    select 'amount_band',
        case amount_pos when 0 then '< ¥' || format('{:,}', b1)
                        when 1 then '¥' || format('{:,}', b1) || '–'
                        when 2 then '¥' || format('{:,}', b2) || '–'
                        when 3 then '¥' || format('{:,}', b3) || '–'
                        else '¥' || format('{:,}', b4) || '–' end,
        cast(amount_pos as integer), customers, sales
    from profiles, bins
),

final as (
    select dimension, band, min(pos) as pos, cast(sum(customers) as bigint) as customers, sum(sales) as sales
    from long
    group by dimension, band
    order by dimension, min(pos), sum(customers) desc, band
)

select * from final
