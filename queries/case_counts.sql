-- One row per received day, street and unit (street, community or grid): the additive case counts
-- behind every case measure, summed from case_facts (where each count is defined). Params: $start,
-- $end (received_at in [start, end)); $level ('street', 'community' or 'grid'); $streets (empty
-- list = all); $basis ('assessment' leaves excluded cases out, 'all' keeps them).
with scoped as (
    select *
    from case_facts
    where received_at >= $start and received_at < $end
      and (len($streets) = 0 or street_name = any($streets))
      and ($basis = 'all' or in_assessment)
)
select
    received_on,
    street_name,
    case $level
        when 'community' then community_name
        when 'grid' then grid_id
        else street_name
    end as unit,
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
order by received_on, street_name, unit
