-- How many rows published table {table} has, and in how many folders ({folder}: its
-- publication month for articles), to choose its number of buckets (steps/export.py).
select count(*) as row_count, count(distinct {folder}) as folders
from {table}
