-- Records that this run's checks passed on the data it commits (see create_last_checks.sql).
create or replace table staging.last_checks as
select $fingerprint::varchar as fingerprint, $run_id::varchar as run_id
