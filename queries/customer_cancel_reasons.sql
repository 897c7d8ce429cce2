-- customer_cancel_reasons: 定期停止理由: the cancel reasons of stopped subscriptions, with how many customers gave each (for the extraction's choices).
-- columns: cancel_reason, customers
with final as (
    select cancel_reason, count(distinct customer_id) as customers
    from subscriptions
    where status = 'cancelled' and cancel_reason is not null
    group by cancel_reason
    order by customers desc, cancel_reason
)

select * from final
