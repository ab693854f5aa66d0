-- One row per table (cases / petitions), source file ('' = rows no import wrote, e.g. the demo) and month:
-- the 数据质量 counts. Received-month checks on stored rows; closures counted in the month they closed;
-- rows the import set aside (from the latest import of each file) by the month they were received.
-- Params: $month_end_days (a closure in a month's last N days counts as at month end).
with stored as (
    select 'cases' as table_name, coalesce(c.source_file, '') as source_file, c.received_at, c.closed_at,
           c.status, c.satisfaction, c.grid_id, g.grid_id is not null as grid_known,
           (c.lon is null or c.lat is null) as no_coordinates
    from cases as c left join grids as g on g.grid_id = c.grid_id
    union all
    select 'petitions', coalesce(p.source_file, ''), p.received_at, p.closed_at, p.status, p.satisfaction,
           p.grid_id, g.grid_id is not null, null
    from petitions as p left join grids as g on g.grid_id = p.grid_id
),
received as (
    select table_name, source_file, strftime(received_at, '%Y-%m') as month,
           count(*) as rows_stored,
           count(*) filter (where closed_at < received_at) as closed_before_received_stored,
           count(*) filter (where grid_id is null) as missing_grid,
           count(*) filter (where grid_id is not null and not grid_known) as unknown_grid,
           count(*) filter (where no_coordinates) as missing_coordinates,
           count(*) filter (where status = 'closed' and satisfaction is null) as unrated_closed,
           count(*) filter (where status = 'closed') as closed
    from stored
    group by all
),
closures as (
    select table_name, source_file, strftime(closed_at, '%Y-%m') as month,
           count(*) as closed_in_month,
           count(*) filter (where day(last_day(closed_at)) - day(closed_at) < $month_end_days) as closed_at_month_end
    from stored
    where status = 'closed' and closed_at is not null
    group by all
),
latest_import as (
    select import_id
    from import_log
    where status = 'imported'
    qualify row_number() over (partition by file_name, table_name order by started_at desc) = 1
),
set_aside as (
    select q.table_name, q.file_name as source_file, coalesce(strftime(q.received_at, '%Y-%m'), '') as month,
           count(distinct q.source_row) filter (where q.action = 'rejected') as rows_rejected,
           count(distinct q.source_row) filter (where q.reason = 'closed_before_received') as closed_before_received_rejected,
           count(distinct q.source_row) filter (where q.reason in ('duplicate_row', 'duplicate_key')) as duplicates_merged
    from import_quarantine as q
    where q.import_id in (select import_id from latest_import) and q.table_name in ('cases', 'petitions')
    group by all
),
months as (
    select table_name, source_file, month from received
    union select table_name, source_file, month from closures
    union select table_name, source_file, month from set_aside
)
select
    m.table_name, m.source_file, m.month,
    coalesce(r.rows_stored, 0) as rows_stored,
    coalesce(s.rows_rejected, 0) as rows_rejected,
    coalesce(r.closed_before_received_stored, 0) + coalesce(s.closed_before_received_rejected, 0) as closed_before_received,
    coalesce(r.missing_grid, 0) as missing_grid,
    coalesce(r.unknown_grid, 0) as unknown_grid,
    case when m.table_name = 'cases' then coalesce(r.missing_coordinates, 0) end as missing_coordinates,
    coalesce(s.duplicates_merged, 0) as duplicates_merged,
    coalesce(r.unrated_closed, 0) as unrated_closed,
    coalesce(r.closed, 0) as closed,
    coalesce(c.closed_in_month, 0) as closed_in_month,
    coalesce(c.closed_at_month_end, 0) as closed_at_month_end,
    c.closed_at_month_end / nullif(c.closed_in_month, 0) as month_end_share
from months as m
left join received as r using (table_name, source_file, month)
left join closures as c using (table_name, source_file, month)
left join set_aside as s using (table_name, source_file, month)
order by m.table_name, m.source_file, m.month desc
