-- 示例 Example: one row per week and street over the last eight weeks in the data: cases received and
-- closed on the assessment basis (考核口径). No parameters. Edit it, or pick a saved query.
select
    week,
    street_name,
    sum(received) as received,
    sum(closed) as closed
from case_facts
where in_assessment
  and week_start > (select max(week_start) from case_facts) - interval 8 weeks
group by all
order by week, street_name
