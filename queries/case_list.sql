-- One row per case inside a place scope received in [$start, $end) by $as_of (with $carry_over,
-- also the open cases received earlier), with its light and reason as of $as_of, whose light is in
-- $lights (empty = any, cancelled included); most overdue first, then newest; at most $row_limit.
-- Params: $start; $end; $as_of; $basis; $streets, $communities, $grids; $lights; $carry_over; $row_limit.
with scoped as (
    select
        *,
        case_light(status, closed_at, deadline_at, is_repeat, satisfaction, $as_of) as light,
        case_light_reason(status, closed_at, deadline_at, is_repeat, satisfaction, $as_of) as reason
    from case_facts
    where received_at < $end and received_at <= $as_of
      and ($basis = 'all' or in_assessment)
      and (len($streets) = 0 or street_name = any($streets))
      and (len($communities) = 0 or community_name = any($communities))
      and (len($grids) = 0 or grid_id = any($grids))
)
select
    case_id,
    received_at,
    category,
    subcategory,
    channel,
    street_name,
    community_name,
    grid_name,
    handling_unit,
    handling_level,
    deadline_at,
    closed_at,
    status,
    satisfaction,
    light,
    reason,
    case when reason = 'overdue' then (epoch($as_of) - epoch(deadline_at)) / 86400.0 end as days_overdue
from scoped
where (received_at >= $start or ($carry_over and reason in ('overdue', 'repeat_open', 'in_time')))
  and (len($lights) = 0 or light = any($lights))
order by days_overdue desc nulls last, received_at desc, case_id
limit $row_limit
