-- Records that this run's checks passed on the data it commits (see schema/last_checks.sql):
-- the one row is replaced.
delete from state.last_checks;
insert into state.last_checks (fingerprint, run_id) values ($fingerprint, $run_id)
