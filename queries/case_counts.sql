-- One row per received day, street and unit (street, community or grid): the additive case counts
-- behind every case measure. Params: $start, $end (received_at in [start, end)); $level ('street',
-- 'community' or 'grid'); $streets (empty list = all); $basis ('assessment' leaves excluded cases out, 'all' keeps them).
with scoped as (
    select
        c.received_at, c.status, c.closed_at, c.deadline_at, c.satisfaction,
        c.contacted, c.resolved, c.is_repeat, c.grid_id,
        g.street_name, g.community_name
    from cases as c
    left join grids as g on g.grid_id = c.grid_id
    where c.received_at >= $start and c.received_at < $end
      and (len($streets) = 0 or g.street_name = any($streets))
      and ($basis = 'all' or not coalesce(c.excluded, false))
)
select
    cast(received_at as date) as received_on,
    street_name,
    case $level
        when 'community' then community_name
        when 'grid' then grid_id
        else street_name
    end as unit,
    count(*) as received,
    count(*) filter (where status = 'closed') as closed,
    count(*) filter (where status = 'closed' and deadline_at is not null) as closed_with_deadline,
    count(*) filter (where status = 'closed' and closed_at <= deadline_at) as closed_on_time,
    count(*) filter (where satisfaction is not null) as rated,
    count(*) filter (where satisfaction is not null and contacted) as rated_contacted,
    count(*) filter (where satisfaction is not null and resolved) as rated_resolved,
    count(*) filter (where satisfaction = 'satisfied') as satisfied,
    count(*) filter (where satisfaction = 'basically_satisfied') as basically_satisfied,
    count(*) filter (where satisfaction = 'dissatisfied') as dissatisfied,
    count(*) filter (where is_repeat) as repeats
from scoped
group by all
order by received_on, street_name, unit
