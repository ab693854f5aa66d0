-- One row per case still open (pending or in progress) and past its deadline as of $as_of, most
-- overdue first. Params: $as_of (timestamp); $streets (empty list = all); $row_limit.
select
    c.case_id,
    c.received_at,
    c.category,
    c.subcategory,
    g.street_name,
    g.community_name,
    g.grid_name,
    c.handling_unit,
    c.deadline_at,
    (epoch($as_of) - epoch(c.deadline_at)) / 86400.0 as days_overdue
from cases as c
left join grids as g on g.grid_id = c.grid_id
where c.status in ('pending', 'in_progress')
  and c.deadline_at < $as_of
  and c.received_at <= $as_of
  and (len($streets) = 0 or g.street_name = any($streets))
order by c.deadline_at, c.case_id
limit $row_limit
