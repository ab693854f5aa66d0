-- One row: the span of the data and its as-of time (the demo's stated time, else the latest received or closed case).
-- No parameters.
select
    (select min(received_at) from cases) as first_received_at,
    (select max(received_at) from cases) as last_received_at,
    coalesce(
        (select try_cast(value as timestamp) from meta where key = 'as_of'),
        greatest((select max(received_at) from cases), (select max(closed_at) from cases))
    ) as as_of,
    (select count(*) from cases) as cases,
    (select count(*) from petitions) as petitions,
    (select count(*) from grids) as grids,
    (select value from meta where key = 'source') as source
