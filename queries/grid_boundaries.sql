-- One row per grid: its street, its centroid and its boundary (GeoJSON Polygon or MultiPolygon,
-- WGS-84, may be null). No parameters.
select grid_id, grid_name, community_name, street_name, centroid_lon, centroid_lat, boundary
from grids
order by grid_id
