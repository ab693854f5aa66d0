-- One row: the case $case_id with its place, its timeline (received, dispatched, responded,
-- deadline, closed), its follow-up and its light and reason as of $as_of. Params: $case_id; $as_of.
select
    c.case_id,
    c.received_at,
    c.dispatched_at,
    c.responded_at,
    c.deadline_at,
    c.closed_at,
    c.status,
    c.channel,
    c.category,
    c.subcategory,
    c.description,
    c.address,
    g.street_name,
    g.community_name,
    c.grid_id,
    g.grid_name,
    c.handling_unit,
    c.handling_level,
    c.contacted,
    c.resolved,
    c.satisfaction,
    coalesce(c.is_repeat, false) as is_repeat,
    coalesce(c.excluded, false) as excluded,
    case_light(c.status, c.closed_at, c.deadline_at, c.is_repeat, c.satisfaction, $as_of) as light,
    case_light_reason(c.status, c.closed_at, c.deadline_at, c.is_repeat, c.satisfaction, $as_of) as reason
from cases as c
left join grids as g on g.grid_id = c.grid_id
where c.case_id = $case_id
