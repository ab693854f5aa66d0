-- One row per value of $dimension (street, community, grid, handling_unit or category): case lights
-- as of $as_of (macros case_light and case_light_reason, migration 3) over the cases received in
-- [$start, $end) by then plus the open cases received earlier (carried over). Params: $dimension;
-- $start; $end; $as_of; $basis ('assessment' or 'all'); $streets, $communities, $grids (empty = any).
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
),
keyed as (
    select
        *,
        received_at < $start as carried_over,
        case $dimension
            when 'street' then street_name
            when 'community' then community_name
            when 'grid' then grid_id
            when 'handling_unit' then handling_unit
            when 'category' then category
        end as unit,
        case $dimension when 'grid' then grid_name end as unit_name,
        case $dimension when 'community' then street_name when 'grid' then community_name end as parent
    from scoped
    where received_at >= $start or reason in ('overdue', 'repeat_open', 'in_time')
)
select
    unit,
    coalesce(unit_name, unit) as unit_name,
    parent,
    cast(count(*) filter (where light = 'red') as bigint) as red_cases,
    cast(count(*) filter (where light = 'yellow') as bigint) as yellow_cases,
    cast(count(*) filter (where light = 'green') as bigint) as green_cases,
    cast(count(*) filter (where reason = 'overdue') as bigint) as red_overdue,
    cast(count(*) filter (where reason = 'repeat_open') as bigint) as red_repeat_open,
    cast(count(*) filter (where reason = 'dissatisfied') as bigint) as red_dissatisfied,
    cast(count(*) filter (where carried_over) as bigint) as carried_over,
    cast(count(*) filter (where reason = 'cancelled') as bigint) as cancelled
from keyed
group by all
order by unit nulls last, parent
