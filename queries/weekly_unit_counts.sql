-- One row per unit of $dimension (district, category, community or grid) and week among the weeks
-- starting on $week_starts (dates, Mondays): cases received. Params: $dimension; $week_starts;
-- $basis ('assessment' or 'all'); $streets, $communities, $grids (empty = any).
select
    case $dimension
        when 'category' then category
        when 'community' then community_name
        when 'grid' then grid_id
        else 'district'
    end as unit,
    coalesce(case $dimension when 'grid' then grid_name end,
             case $dimension when 'category' then category when 'community' then community_name
                             when 'grid' then grid_id else 'district' end) as unit_name,
    case $dimension when 'community' then street_name when 'grid' then community_name end as parent,
    week_start,
    cast(count(*) as bigint) as cases
from case_facts
where received_at >= list_min(cast($week_starts as date[]))
  and received_at < list_max(cast($week_starts as date[])) + interval 7 day
  and week_start = any(cast($week_starts as date[]))
  and ($basis = 'all' or in_assessment)
  and (len($streets) = 0 or street_name = any($streets))
  and (len($communities) = 0 or community_name = any($communities))
  and (len($grids) = 0 or grid_id = any($grids))
group by all
order by unit nulls last, parent, week_start
