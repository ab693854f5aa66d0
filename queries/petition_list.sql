-- One row per petition inside a place scope registered in [$start, $end), newest first, at most
-- $row_limit rows; no petitioner identity. Params: $start; $end; $streets, $communities, $grids
-- (empty = any); $row_limit.
select
    p.petition_id,
    p.received_at,
    p.form,
    p.category,
    g.street_name,
    g.community_name,
    g.grid_name,
    p.persons,
    coalesce(p.is_repeat, false) as is_repeat,
    coalesce(p.is_skip_level, false) as is_skip_level,
    coalesce(p.is_collective, false) as is_collective,
    p.accepted_at,
    p.deadline_at,
    p.closed_at,
    p.status,
    p.satisfaction
from petitions as p
left join grids as g on g.grid_id = p.grid_id
where p.received_at >= $start and p.received_at < $end
  and (len($streets) = 0 or g.street_name = any($streets))
  and (len($communities) = 0 or g.community_name = any($communities))
  and (len($grids) = 0 or p.grid_id = any($grids))
order by p.received_at desc, p.petition_id
limit $row_limit
