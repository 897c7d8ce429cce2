-- subscription_stops: 定期停止者集計: contracts started and stopped per period, overall or by ad code or cancel reason (slides 12–13).
-- param grain text = 'month' {day|week|month|year}: period length; weeks start on Monday
-- param by text = 'total' {total|ad_code|cancel_reason}: split of the counts
-- param start date = null: first day counted (inclusive)
-- param end date = null: last day counted (inclusive)
-- columns: period, group_value, started, stopped, net_change
with events as (
    -- a stop is any state but active (paused or cancelled) as of the as-of date, dated at its stop time
    select cast(started_at as date) as day, 1 as started, 0 as stopped, ad_code, cast(null as varchar) as cancel_reason
    from contract_fact
    where started_at is not null
    union all
    select cast(stopped_at as date), 0, 1, ad_code, coalesce(cancel_reason, '(未設定)')
    from contract_fact
    where state <> 'active' and stopped_at is not null
),

in_range as (
    select
        cast(date_trunc($grain, day) as date) as period,
        case $by when 'ad_code' then coalesce(ad_code, '(なし)')
                 when 'cancel_reason' then cancel_reason
                 else 'total' end as group_value,
        started, stopped
    from events
    where ($start is null or day >= cast($start as date))
      and ($end is null or day <= cast($end as date))
      -- by reason only stops have a value; starts have no reason
      and not ($by = 'cancel_reason' and started = 1)
),

final as (
    select period, group_value, sum(started) as started, sum(stopped) as stopped,
           sum(started) - sum(stopped) as net_change
    from in_range
    group by period, group_value
)

select period, group_value, cast(started as bigint) as started, cast(stopped as bigint) as stopped,
       cast(net_change as bigint) as net_change
from final
order by period, stopped desc, group_value
