-- One row per combination of up to three chosen place or time dimensions: petition counts, summed
-- from petition_facts. Params: $dim_1, $dim_2, $dim_3 (each street, community, grid, week, month or
-- none); $start, $end (received_at in [start, end)); $streets (empty list = all).
with scoped as (
    select *,
        case when grid_name is null then grid_id else grid_id || ' ' || grid_name end as grid_label
    from petition_facts
    where received_at >= $start and received_at < $end
      and (len($streets) = 0 or street_name = any($streets))
)
select
    case $dim_1
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'week' then week when 'month' then month
        else ''
    end as dim_1,
    case $dim_2
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'week' then week when 'month' then month
        else ''
    end as dim_2,
    case $dim_3
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'week' then week when 'month' then month
        else ''
    end as dim_3,
    cast(sum(petitions) as bigint) as petitions,
    cast(sum(repeat_petitions) as bigint) as repeat_petitions,
    cast(sum(skip_level_petitions) as bigint) as skip_level_petitions,
    cast(sum(collective_petitions) as bigint) as collective_petitions
from scoped
group by all
order by all
