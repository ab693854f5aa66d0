-- One row per quarantined problem behind one figure of the 数据质量 panel: rows of one file's latest
-- import, received in one month ('' = the time was unreadable), with the given reasons (empty = all).
-- Params: $table_name, $source_file, $month, $reasons (list), $row_limit.
with latest_import as (
    select import_id
    from import_log
    where status = 'imported' and file_name = $source_file and table_name = $table_name
    order by started_at desc
    limit 1
)
select q.file_name, q.source_row, q.record_id, q.column_name, q.value, q.reason, q.action, q.received_at, q.row_json
from import_quarantine as q
where q.import_id in (select import_id from latest_import)
  and coalesce(strftime(q.received_at, '%Y-%m'), '') = $month
  and (len($reasons) = 0 or q.reason = any($reasons))
order by q.source_row, q.reason
limit $row_limit
