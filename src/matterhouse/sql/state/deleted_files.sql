-- Files the warehouse knew that this run's scan no longer finds.
select known.source_file_id
from parsed.files as known
anti join scan
    on scan.source = known.source and scan.path = known.path
order by known.source_file_id
