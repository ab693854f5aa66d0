-- One row per case of grid $grid_id received in [$start, $end) matching $categories, $channels (empty
-- list = all) and $basis, newest first, at most $row_limit rows, with its case light as of $as_of
-- (red / yellow / green per SCHEMA.md; cancelled cases have none).
select
    case_id,
    received_at,
    channel,
    category,
    subcategory,
    status,
    deadline_at,
    closed_at,
    satisfaction,
    case_light(status, closed_at, deadline_at, is_repeat, satisfaction, $as_of) as light  -- macro, migration 3
from cases
where grid_id = $grid_id
  and received_at >= $start and received_at < $end and received_at <= $as_of
  and (len($categories) = 0 or category = any($categories))
  and (len($channels) = 0 or channel = any($channels))
  and ($basis = 'all' or not coalesce(excluded, false))
order by received_at desc, case_id
limit $row_limit
