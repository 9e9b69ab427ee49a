-- The reason most files are rejected for, with how many: what a run that loaded nothing says.
select reason, count(*) as files
from source_files
where status = 'rejected'
group by reason
order by files desc, reason
limit 1
