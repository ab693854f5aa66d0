-- One row per value of a case filter ('category' or 'channel') with its case count, most cases
-- first. No parameters.
select 'category' as dimension, category as value, count(*) as cases
from cases
where category is not null
group by all
union all
select 'channel' as dimension, channel as value, count(*) as cases
from cases
where channel is not null
group by all
order by dimension, cases desc, value
