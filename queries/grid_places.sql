-- One row per grid of the register with its community, street and population (the drill-down's
-- places and the denominators of per-population rates), by street, community and grid. No parameters.
select grid_id, grid_name, community_name, street_name, coalesce(population, 0) as population
from grids
order by street_name, community_name, grid_id
