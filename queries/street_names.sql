-- One row per street (街道/镇) with its grid count and population, by name. No parameters.
select street_name, count(*) as grids, sum(population) as population
from grids
where street_name is not null
group by all
order by street_name
