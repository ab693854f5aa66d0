-- One row per received day, street and unit (street, community or grid): petition counts.
-- Params: $start, $end (received_at in [start, end)); $level ('street', 'community' or 'grid'); $streets (empty list = all).
select
    cast(p.received_at as date) as received_on,
    g.street_name,
    case $level
        when 'community' then g.community_name
        when 'grid' then p.grid_id
        else g.street_name
    end as unit,
    count(*) as petitions,
    count(*) filter (where p.is_repeat) as repeat_petitions,
    count(*) filter (where p.is_skip_level) as skip_level_petitions,
    count(*) filter (where p.is_collective) as collective_petitions
from petitions as p
left join grids as g on g.grid_id = p.grid_id
where p.received_at >= $start and p.received_at < $end
  and (len($streets) = 0 or g.street_name = any($streets))
group by all
order by received_on, g.street_name, unit
