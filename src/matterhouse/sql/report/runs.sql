-- Report: rejected files and data warnings for the last $limit runs, oldest first. Runs are
-- numbered from the first ever recorded, so that two runs in the same minute stay apart.
with

runs as (
    select run_id, started_at, status, files_seen, files_rejected, data_warnings from etl_runs
),

numbered as (
    select
        row_number() over (order by started_at, run_id) as run_number,
        count(*) over () as runs_recorded,
        run_id,
        started_at,
        status,
        files_seen,
        files_rejected,
        data_warnings
    from runs
),

final as (
    select * from numbered
    order by run_number desc
    limit $limit
)

select run_number, runs_recorded, started_at, status, files_seen, files_rejected, data_warnings from final
order by run_number
