-- Report: the reasons files are rejected for, commonest first, with how many: what the
-- page says of a warehouse whose every file was rejected.
select reason, count(*) as files
from source_files
where status = 'rejected'
group by reason
order by files desc, reason
limit $limit
