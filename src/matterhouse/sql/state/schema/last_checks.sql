-- The data checks that last ran on the warehouse's data as committed: a fingerprint of
-- their names and texts, and the run whose check_results hold their outcomes (all passed,
-- or that run's data would have been rolled back). One row, or none yet.
create table if not exists state.last_checks (
    fingerprint varchar not null,
    run_id varchar not null
)
