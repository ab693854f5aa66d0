-- One row per stored case or petition behind one figure of the 数据质量 panel.
-- Params: $table_name ('cases' / 'petitions'), $source_file ('' = rows no import wrote), $month ('YYYY-MM'),
-- $check (closed_before_received, missing_grid, unknown_grid, missing_coordinates, unrated_closed,
-- closed_at_month_end), $month_end_days, $row_limit.
with stored as (
    select 'cases' as table_name, c.case_id as record_id, c.received_at, c.closed_at, c.status, c.satisfaction,
           c.grid_id, g.grid_id is not null as grid_known, c.lon, c.lat, c.category,
           coalesce(c.source_file, '') as source_file, c.source_row
    from cases as c left join grids as g on g.grid_id = c.grid_id
    where $table_name = 'cases'
    union all
    select 'petitions', p.petition_id, p.received_at, p.closed_at, p.status, p.satisfaction,
           p.grid_id, g.grid_id is not null, null, null, p.category,
           coalesce(p.source_file, ''), p.source_row
    from petitions as p left join grids as g on g.grid_id = p.grid_id
    where $table_name = 'petitions'
)
select record_id, received_at, closed_at, status, satisfaction, grid_id, lon, lat, category, source_file, source_row
from stored
where source_file = $source_file
  and case
        when $check = 'closed_at_month_end' then
            status = 'closed' and strftime(closed_at, '%Y-%m') = $month
            and day(last_day(closed_at)) - day(closed_at) < $month_end_days
        else strftime(received_at, '%Y-%m') = $month and case $check
            when 'closed_before_received' then closed_at < received_at
            when 'missing_grid' then grid_id is null
            when 'unknown_grid' then grid_id is not null and not grid_known
            when 'missing_coordinates' then table_name = 'cases' and (lon is null or lat is null)
            when 'unrated_closed' then status = 'closed' and satisfaction is null
            else false
        end
      end
order by received_at, record_id
limit $row_limit
