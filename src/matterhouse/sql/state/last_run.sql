-- The last run the warehouse committed; its Parquet snapshot should be the published one.
select run_id
from etl_runs
order by started_at desc, run_id desc
limit 1
