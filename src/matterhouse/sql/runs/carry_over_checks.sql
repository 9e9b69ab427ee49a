-- A run that changed no data, with the same checks as the run that last checked that data,
-- takes over that run's check results instead of running the checks again: same data,
-- same queries, same outcome. Inserts nothing when the checks differ.
insert into check_results (run_id, check_name, status, failing_rows, sample)
select $run_id, results.check_name, results.status, results.failing_rows, results.sample
from check_results as results
join state.last_checks as last on results.run_id = last.run_id
where last.fingerprint = $fingerprint
