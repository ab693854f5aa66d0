-- One row per file imported or refused, newest first: what, when, how and the counts.
-- Params: $row_limit.
select
    import_id, started_at, file_name, table_name, profile, encoding, origin, status, message,
    rows_read, inserted, updated, unchanged, rejected, flagged, file_sha256
from import_log
order by started_at desc, file_name
limit $row_limit
