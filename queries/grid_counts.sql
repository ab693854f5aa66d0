-- One row per grid of the register: its attributes and, for received_at in [$start, $end), the cases
-- matching $categories and $channels (empty list = all) on $basis ('assessment' leaves excluded cases
-- out, 'all' keeps them) and all its petitions. Grading passes channels = ['hotline'], basis 'assessment'.
with scoped_cases as (
    select grid_id, count(*) as cases
    from case_facts
    where received_at >= $start and received_at < $end
      and grid_id is not null
      and (len($categories) = 0 or category = any($categories))
      and (len($channels) = 0 or channel = any($channels))
      and ($basis = 'all' or in_assessment)
    group by all
),
scoped_petitions as (
    select grid_id, count(*) as petitions
    from petition_facts
    where received_at >= $start and received_at < $end
      and grid_id is not null
    group by all
)
select
    g.grid_id,
    g.grid_name,
    g.community_name,
    g.street_name,
    g.grid_type,
    g.households,
    g.population,
    g.full_time_staff,
    g.part_time_staff,
    g.volunteers,
    g.has_party_branch,
    g.leader_is_party_member,
    cast(coalesce(c.cases, 0) as bigint) as cases,
    cast(coalesce(p.petitions, 0) as bigint) as petitions
from grids as g
left join scoped_cases as c on c.grid_id = g.grid_id
left join scoped_petitions as p on p.grid_id = g.grid_id
order by g.grid_id
