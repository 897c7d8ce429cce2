-- order_fact: every counted order as of the as-of date, with the customer's purchase history.
-- param counted_statuses text[] = @counted_statuses: statuses counted as a purchase
-- param as_of date = @as_of: orders after this day are not yet known
-- columns: order_id, customer_id, ordered_at, order_date, amount, status, order_kind,
--   subscription_id, subscription_seq, ad_code, channel, coupon_code, is_trial, lead_product_id,
--   has_excluded_product, purchase_ordinal, first_ordered_at, prev_order_date, days_since_prev,
--   customer_level, cumulative_sales, next_order_date
--
-- Excluded products (抽出対象除外, SPEC §2, seed 000): an order holding any product marked
-- `excluded` stays in sales totals but is left out of customer-level analyses. This is the one
-- place that rule lives: customer_level is false for it (and for orders without a customer),
-- and purchase_ordinal, first_ordered_at, prev_order_date, days_since_prev, cumulative_sales
-- and next_order_date are computed over customer_level orders only (null on the others).
-- Customer-level queries filter `where customer_level`; customer_fact does. The first order's
-- other attributes (ad code, channel, product, trial) are in customer_fact.
--
-- cumulative_sales (the customer's sales up to and including this order) and next_order_date
-- (the day of the customer's next counted order) make each order row the customer's state from this order
-- until the next one: a snapshot on any day is a filter, not a group-by over all earlier orders
-- (customer_cpm_monthly, extract_customers, segment_movement), and the customer's last order
-- (next_order_date null) is the customer's row of customer_fact.
--
-- Plan (10M orders, 2 cores): every pass over the wide order rows costs 1.5–2.5 s, so the wide
-- rows are read twice and joined once; the work in between runs on narrow rows keyed by the
-- orders table's rowid (a DuckDB row number: an integer join instead of a second join on the
-- text order_id; the portable form joins on order_id). A customer's orders at the same moment
-- are put in order_id order by order_fact_ties, which runs next.
with product_keys as (
    -- every product on an order line (a handful to thousands of rows), with what each of its lines
    -- adds to the order's role_lines and lead_key below, worked out here once per product rather
    -- than on 12M lines
    select product_id,
        case product_role when 'trial' then 1 when 'main' then 1048576 else 0 end
            + case when excluded then 1099511627776 else 0 end as role_bits,
        products + 1 as lead_scale,
        products - product_no as lead_rank
    from (
        select p.product_id,
            row_number() over (order by p.product_id) as product_no,
            count(*) over () as products,
            coalesce(d.product_role, 'main') as product_role,
            coalesce(d.excluded, false) as excluded
        from (select distinct product_id from order_items) p
        left join products d on d.product_id = p.product_id
    ) numbered
),

item_roles as (
    -- One group-by over the order lines, with two aggregates (each aggregate over 12M lines
    -- costs about half a second):
    -- role_lines counts the order's trial, main and excluded lines in separate bit ranges
    -- (2^0, 2^20, 2^40; an order has fewer than 2^20 lines). An order is a trial order when it
    -- holds a trial product and no main product (issue 7).
    -- lead_key: the lead product is the order's biggest line, ties broken by the smallest
    -- product_id: amount first, then product order (lead_rank), in one integer that max() picks.
    select
        i.order_id,
        sum(n.role_bits) as role_lines,
        max((coalesce(cast(i.line_amount * 100 as bigint) + 1, 0)) * n.lead_scale + n.lead_rank) as lead_key
    from order_items i
    join product_keys n on n.product_id = i.product_id
    group by i.order_id
),

narrow as (
    -- the counted orders, only the columns the purchase history needs
    select
        o.rowid as order_no, o.customer_id, o.ordered_at, cast(o.ordered_at as date) as order_date,
        o.total_amount,
        coalesce(r.role_lines % 1048576 > 0 and (r.role_lines // 1048576) % 1048576 = 0, false) as is_trial,
        r.lead_key % k.lead_scale as lead_rank,
        coalesce(r.role_lines >= 1099511627776, false) as has_excluded_product
    from orders o
    left join item_roles r on r.order_id = o.order_id
    cross join (select max(lead_scale) as lead_scale from product_keys) k
    where o.ordered_at < cast($as_of as date) + interval 1 day
      -- a dataset without a status column counts every order
      and (o.status is null or o.status in (select unnest(cast($counted_statuses as varchar[]))))
),

leveled as (
    select *, customer_id is not null and not has_excluded_product as customer_level
    from narrow
),

history as (
    -- One window over narrow rows: ordinal, first, previous and next order, sales so far.
    -- customer_level is part of the partition, so a customer's excluded-product orders form
    -- their own partition and never shift the ordinals; their values are then nulled. Orders of
    -- a customer at the same moment are taken in table order here (order_no, an integer) and put
    -- in order_id order afterwards by order_fact_ties. The sales so far are summed as decimals:
    -- exact, whatever the order of summation.
    select order_no, is_trial, lead_rank, has_excluded_product, customer_level,
        case when customer_level then row_number() over w end as purchase_ordinal,
        case when customer_level then first_value(ordered_at) over w end as first_ordered_at,
        case when customer_level then lag(order_date) over w end as prev_order_date,
        case when customer_level then lead(order_date) over w end as next_order_date,
        case when customer_level then sum(total_amount) over (w rows between unbounded preceding and current row) end
            as cumulative_sales
    from leveled
    window w as (partition by customer_id, customer_level order by ordered_at, order_no)
),

final as (
    select
        o.order_id, o.customer_id, o.ordered_at,
        cast(o.ordered_at as date) as order_date,
        cast(o.total_amount as double) as amount,
        o.status,
        coalesce(o.order_kind, 'normal') as order_kind,
        o.subscription_id, o.subscription_seq, o.ad_code, o.channel, o.coupon_code,
        h.is_trial,
        p.product_id as lead_product_id,
        h.has_excluded_product, h.purchase_ordinal, h.first_ordered_at, h.prev_order_date,
        date_diff('day', h.prev_order_date, cast(o.ordered_at as date)) as days_since_prev,
        h.customer_level, cast(h.cumulative_sales as double) as cumulative_sales, h.next_order_date
    from orders o
    join history h on h.order_no = o.rowid
    left join product_keys p on p.lead_rank = h.lead_rank
)

select * from final
