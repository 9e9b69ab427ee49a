-- How many files the warehouse knows (read, rejected or superseded), for --max-delete.
select count(*) as files
from parsed.files
