-- Report: rejected files and data warnings per run, oldest first (the last 30 runs).
select strftime(started_at, '%Y-%m-%d %H:%M') as started, status, files_seen, files_rejected, data_warnings
from (select * from etl_runs order by started_at desc limit 30)
order by started
