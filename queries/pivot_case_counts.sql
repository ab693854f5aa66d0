-- One row per combination of up to three chosen dimensions: the additive case counts, summed from
-- case_facts. Params: $dim_1, $dim_2, $dim_3 (each street, community, grid, category, subcategory,
-- channel, handling_level, week, month or none); $start, $end (received_at in [start, end));
-- $streets, $categories, $channels (empty list = all); $basis ('assessment' or 'all').
with scoped as (
    select *,
        case when grid_name is null then grid_id else grid_id || ' ' || grid_name end as grid_label
    from case_facts
    where received_at >= $start and received_at < $end
      and (len($streets) = 0 or street_name = any($streets))
      and (len($categories) = 0 or category = any($categories))
      and (len($channels) = 0 or channel = any($channels))
      and ($basis = 'all' or in_assessment)
)
select
    case $dim_1
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'category' then category when 'subcategory' then subcategory when 'channel' then channel
        when 'handling_level' then handling_level when 'week' then week when 'month' then month
        else ''
    end as dim_1,
    case $dim_2
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'category' then category when 'subcategory' then subcategory when 'channel' then channel
        when 'handling_level' then handling_level when 'week' then week when 'month' then month
        else ''
    end as dim_2,
    case $dim_3
        when 'street' then street_name when 'community' then community_name when 'grid' then grid_label
        when 'category' then category when 'subcategory' then subcategory when 'channel' then channel
        when 'handling_level' then handling_level when 'week' then week when 'month' then month
        else ''
    end as dim_3,
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
    cast(sum(repeats) as bigint) as repeats
from scoped
group by all
order by all
