-- One row per value of $dimension (street, community, grid, form, category or day) among petitions
-- registered in [$start, $end) inside a place scope: unit, unit_name, parent and additive counts.
-- Params: $dimension; $start; $end; $as_of and $accept_days (acceptance due once accepted or
-- $accept_days after registration); $streets, $communities, $grids (empty = any).
with scoped as (
    select p.*, g.grid_name, g.community_name, g.street_name
    from petitions as p
    left join grids as g on g.grid_id = p.grid_id
    where p.received_at >= $start and p.received_at < $end
      and (len($streets) = 0 or g.street_name = any($streets))
      and (len($communities) = 0 or g.community_name = any($communities))
      and (len($grids) = 0 or p.grid_id = any($grids))
),
keyed as (
    select
        *,
        case $dimension
            when 'street' then street_name
            when 'community' then community_name
            when 'grid' then grid_id
            when 'form' then form
            when 'category' then category
            when 'day' then strftime(cast(received_at as date), '%Y-%m-%d')
        end as unit,
        case $dimension when 'grid' then grid_name end as unit_name,
        case $dimension when 'community' then street_name when 'grid' then community_name end as parent,
        status is distinct from 'cancelled'
            and (accepted_at is not null or received_at + to_days(cast($accept_days as integer)) <= $as_of) as due,
        status = 'closed' as is_closed
    from scoped
)
select
    unit,
    coalesce(unit_name, unit) as unit_name,
    parent,
    cast(count(*) as bigint) as petitions,
    cast(count(*) filter (where is_repeat) as bigint) as repeat_petitions,
    cast(count(*) filter (where is_skip_level) as bigint) as skip_level_petitions,
    cast(count(*) filter (where is_collective) as bigint) as collective_petitions,
    cast(coalesce(sum(persons), 0) as bigint) as persons,
    cast(count(*) filter (where due) as bigint) as acceptance_due,
    cast(count(*) filter (where due and accepted_at <= received_at + to_days(cast($accept_days as integer))) as bigint)
        as accepted_timely,
    cast(count(*) filter (where is_closed) as bigint) as petitions_closed,
    cast(count(*) filter (where is_closed and deadline_at is not null) as bigint) as petitions_closed_with_deadline,
    cast(count(*) filter (where is_closed and closed_at <= deadline_at) as bigint) as petitions_closed_on_time,
    cast(count(*) filter (where satisfaction is not null) as bigint) as petitions_rated,
    cast(count(*) filter (where satisfaction = 'satisfied') as bigint) as petitions_satisfied,
    cast(count(*) filter (where satisfaction = 'basically_satisfied') as bigint) as petitions_basically_satisfied,
    cast(count(*) filter (where satisfaction = 'dissatisfied') as bigint) as petitions_dissatisfied
from keyed
group by all
order by unit nulls last, parent
