-- One row per value of $dimension (street, community, grid, category, subcategory, channel,
-- handling_level, handling_unit or day) among cases received in [$start, $end) inside a place scope:
-- unit, unit_name, parent and the additive counts of case_facts plus handled_in_grid. Params:
-- $dimension; $start; $end; $basis ('assessment' or 'all'); $streets, $communities, $grids (empty = any).
with scoped as (
    select *
    from case_facts
    where received_at >= $start and received_at < $end
      and ($basis = 'all' or in_assessment)
      and (len($streets) = 0 or street_name = any($streets))
      and (len($communities) = 0 or community_name = any($communities))
      and (len($grids) = 0 or grid_id = any($grids))
),
keyed as (
    select
        *,
        case $dimension
            when 'street' then street_name
            when 'community' then community_name
            when 'grid' then grid_id
            when 'category' then category
            when 'subcategory' then subcategory
            when 'channel' then channel
            when 'handling_level' then handling_level
            when 'handling_unit' then handling_unit
            when 'day' then strftime(received_on, '%Y-%m-%d')
        end as unit,
        case $dimension when 'grid' then grid_name end as unit_name,
        case $dimension
            when 'community' then street_name
            when 'grid' then community_name
            when 'subcategory' then category
            when 'handling_unit' then handling_level
        end as parent
    from scoped
)
select
    unit,
    coalesce(unit_name, unit) as unit_name,
    parent,
    cast(sum(received) as bigint) as received,
    cast(sum(closed) as bigint) as closed,
    cast(sum(closed_with_deadline) as bigint) as closed_with_deadline,
    cast(sum(closed_on_time) as bigint) as closed_on_time,
    cast(sum(rated) as bigint) as rated,
    cast(sum(rated_contacted) as bigint) as rated_contacted,
    cast(sum(rated_resolved) as bigint) as rated_resolved,
    cast(sum(satisfied) as bigint) as satisfied,
    cast(sum(basically_satisfied) as bigint) as basically_satisfied,
    cast(sum(dissatisfied) as bigint) as dissatisfied,
    cast(sum(repeats) as bigint) as repeats,
    cast(sum(case when handling_level = 'grid' then 1 else 0 end) as bigint) as handled_in_grid
from keyed
group by all
order by unit nulls last, parent
