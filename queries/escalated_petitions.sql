-- 诉转访: one row per petition registered in [$start, $end) inside a place scope that followed a case:
-- from the same person (caller_key = petitioner_key) within $person_days before it, or from its grid
-- in a mapped category within $place_days before it and not settled by then (dissatisfied, not
-- resolved, or not closed when the petition came). The row names the case it followed (a person link
-- first, else the latest), the link kind and how many cases link to it. Params: $start; $end;
-- $person_days; $place_days; $map_petition_categories, $map_case_categories (parallel lists);
-- $streets, $communities, $grids (empty = any).
with scoped as (
    select p.petition_id, p.received_at, p.category, p.grid_id, p.petitioner_key,
           g.street_name, g.community_name, g.grid_name
    from petitions as p
    left join grids as g on g.grid_id = p.grid_id
    where p.received_at >= $start and p.received_at < $end
      and (len($streets) = 0 or g.street_name = any($streets))
      and (len($communities) = 0 or g.community_name = any($communities))
      and (len($grids) = 0 or p.grid_id = any($grids))
),
category_map as (
    select
        unnest(cast($map_petition_categories as varchar[])) as petition_category,
        unnest(cast($map_case_categories as varchar[])) as case_category
),
person_links as (
    select s.petition_id, c.case_id, c.received_at as case_received_at, 'person' as link
    from scoped as s
    join cases as c on c.caller_key = s.petitioner_key
    where c.received_at < s.received_at
      and c.received_at >= s.received_at - to_days(cast($person_days as integer))
),
place_links as (
    select s.petition_id, c.case_id, c.received_at as case_received_at, 'place' as link
    from scoped as s
    join category_map as m on m.petition_category = s.category
    join cases as c on c.grid_id = s.grid_id and c.category = m.case_category
    where c.received_at < s.received_at
      and c.received_at >= s.received_at - to_days(cast($place_days as integer))
      and c.status is distinct from 'cancelled'
      and (c.satisfaction = 'dissatisfied'
           or c.resolved = false
           or not coalesce(c.status = 'closed' and c.closed_at <= s.received_at, false))
),
links as (
    -- a case linked both ways is one case, linked as a person
    select petition_id, case_id, any_value(case_received_at) as case_received_at,
           case when bool_or(link = 'person') then 'person' else 'place' end as link
    from (select * from person_links union all select * from place_links)
    group by petition_id, case_id
),
ranked as (
    select
        *,
        row_number() over (partition by petition_id
                           order by link = 'person' desc, case_received_at desc, case_id) as pick,
        count(*) over (partition by petition_id) as linked_cases
    from links
)
select
    s.petition_id,
    s.received_at as petition_received_at,
    s.category as petition_category,
    s.street_name,
    s.community_name,
    s.grid_id,
    s.grid_name,
    r.case_id,
    r.case_received_at,
    c.category as case_category,
    c.status as case_status,
    c.satisfaction as case_satisfaction,
    r.link,
    (epoch(s.received_at) - epoch(r.case_received_at)) / 86400.0 as days_between,
    cast(r.linked_cases as bigint) as linked_cases
from ranked as r
join scoped as s on s.petition_id = r.petition_id
join cases as c on c.case_id = r.case_id
where r.pick = 1
order by s.received_at desc, s.petition_id
