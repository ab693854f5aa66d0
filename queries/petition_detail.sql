-- One row: the petition $petition_id with its place and timeline (registered, accepted, deadline,
-- closed) and its rating; no petitioner identity. Params: $petition_id.
select
    p.petition_id,
    p.received_at,
    p.accepted_at,
    p.deadline_at,
    p.closed_at,
    p.status,
    p.form,
    p.category,
    g.street_name,
    g.community_name,
    p.grid_id,
    g.grid_name,
    p.persons,
    coalesce(p.is_repeat, false) as is_repeat,
    coalesce(p.is_skip_level, false) as is_skip_level,
    coalesce(p.is_collective, false) as is_collective,
    p.satisfaction
from petitions as p
left join grids as g on g.grid_id = p.grid_id
where p.petition_id = $petition_id
