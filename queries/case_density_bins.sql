-- One row per square bin of $bin_lon × $bin_lat degrees holding at least one located case received in
-- [$start, $end) that matches $streets, $categories, $channels (empty list = all) and $basis:
-- bin_x, bin_y (the bin's corner is bin_x·$bin_lon, bin_y·$bin_lat) and the count of cases.
select
    cast(floor(c.lon / $bin_lon) as bigint) as bin_x,
    cast(floor(c.lat / $bin_lat) as bigint) as bin_y,
    count(*) as cases
from cases as c
left join grids as g on g.grid_id = c.grid_id
where c.received_at >= $start and c.received_at < $end
  and c.lon is not null and c.lat is not null
  and (len($streets) = 0 or g.street_name = any($streets))
  and (len($categories) = 0 or c.category = any($categories))
  and (len($channels) = 0 or c.channel = any($channels))
  and ($basis = 'all' or not coalesce(c.excluded, false))
group by all
order by bin_x, bin_y
