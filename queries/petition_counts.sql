-- One row per received day, street and unit (street, community or grid): petition counts, summed
-- from petition_facts. Params: $start, $end (received_at in [start, end)); $level ('street',
-- 'community' or 'grid'); $streets (empty list = all).
select
    received_on,
    street_name,
    case $level
        when 'community' then community_name
        when 'grid' then grid_id
        else street_name
    end as unit,
    cast(sum(petitions) as bigint) as petitions,
    cast(sum(repeat_petitions) as bigint) as repeat_petitions,
    cast(sum(skip_level_petitions) as bigint) as skip_level_petitions,
    cast(sum(collective_petitions) as bigint) as collective_petitions
from petition_facts
where received_at >= $start and received_at < $end
  and (len($streets) = 0 or street_name = any($streets))
group by all
order by received_on, street_name, unit
