-- Grain: one row per (run, data check). Key: (run_id, check_name).
create table if not exists check_results (
    run_id varchar not null,         -- -> etl_runs.run_id
    check_name varchar not null,     -- the file name under sql/checks/ (or the extra checks folder)
    status varchar not null,         -- passed | failed
    failing_rows bigint not null,
    sample json                      -- up to 5 offending rows
)
