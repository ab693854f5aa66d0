-- One row per red-light case (SCHEMA.md case light as of $as_of: not closed and past its deadline, a
-- repeat not closed, or closed with the resident dissatisfied) received in [$start, $end) matching
-- $streets, $categories, $channels and $basis, most urgent first, at most $row_limit rows; red_total
-- counts them all. Params: $as_of, $start, $end, $streets, $categories, $channels, $basis, $row_limit.
with scoped as (
    select
        c.case_id, c.received_at, c.category, c.subcategory, c.channel, c.lon, c.lat, c.grid_id,
        g.grid_name, g.street_name, c.deadline_at,
        -- the one definition of the case light: macros of migration 3
        case_light_reason(c.status, c.closed_at, c.deadline_at, c.is_repeat, c.satisfaction, $as_of) as reason
    from cases as c
    left join grids as g on g.grid_id = c.grid_id
    where c.received_at >= $start and c.received_at < $end and c.received_at <= $as_of
      and (len($streets) = 0 or g.street_name = any($streets))
      and (len($categories) = 0 or c.category = any($categories))
      and (len($channels) = 0 or c.channel = any($channels))
      and ($basis = 'all' or not coalesce(c.excluded, false))
),
red as (
    select
        *,
        reason = 'overdue' as overdue_open,
        reason = 'repeat_open' as repeat_open,
        case reason when 'overdue' then 'overdue_open' when 'repeat_open' then 'repeat_open'
            else 'closed_dissatisfied' end as red_reason,
        case when reason = 'overdue' then (epoch($as_of) - epoch(deadline_at)) / 86400.0 end as days_overdue
    from scoped
    where reason in ('overdue', 'repeat_open', 'dissatisfied')
)
select
    case_id, received_at, category, subcategory, channel, lon, lat, grid_id, grid_name, street_name,
    deadline_at, red_reason, days_overdue,
    count(*) over () as red_total
from red
order by overdue_open desc, repeat_open desc, days_overdue desc nulls last, received_at desc, case_id
limit $row_limit
