-- One row per column of every table and view analysts can query, in catalogue order. No parameters.
select
    t.table_name,
    t.table_type,
    c.column_name,
    c.data_type,
    c.ordinal_position
from information_schema.tables as t
join information_schema.columns as c
  on c.table_schema = t.table_schema and c.table_name = t.table_name
where t.table_schema = 'main'
order by t.table_name, c.ordinal_position
