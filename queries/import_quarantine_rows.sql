-- One row per quarantined problem of the given imports (rejected rows and flagged rows), in file order,
-- with whether a record of that id is stored now (e.g. a later export fixed it).
-- Params: $import_ids (list), $reasons (list; empty = every reason), $row_limit.
select
    q.import_id, q.file_name, q.table_name, q.source_row, q.record_id, q.column_name, q.value,
    q.reason, q.action, q.received_at, q.row_json,
    case q.table_name
        when 'cases' then exists (select 1 from cases as c where c.case_id = q.record_id)
        when 'petitions' then exists (select 1 from petitions as p where p.petition_id = q.record_id)
        when 'grids' then exists (select 1 from grids as g where g.grid_id = q.record_id)
        when 'boundaries' then exists (select 1 from boundaries as b where b.boundary_id = q.record_id)
    end as stored_now
from import_quarantine as q
where q.import_id = any($import_ids)
  and (len($reasons) = 0 or q.reason = any($reasons))
order by q.file_name, q.source_row, q.reason
limit $row_limit
