-- The most recent runs, newest first, for `matterhouse status`.
select
    run_id,
    started_at,
    epoch(finished_at - started_at) as seconds,
    status,
    files_seen,
    files_new,
    files_changed,
    files_deleted,
    files_rejected,
    data_warnings,
    articles,
    checks_failed
from etl_runs
order by started_at desc
limit $limit
