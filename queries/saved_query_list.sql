-- One row per saved workbench query, most recently updated first. No parameters.
select query_id, name, description, sql, created_at, updated_at
from saved_queries
order by updated_at desc, name
