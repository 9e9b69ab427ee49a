-- Records one data check's outcome for this run.
insert into check_results (run_id, check_name, status, failing_rows, sample)
values ($run_id, $check_name, $status, $failing_rows, $sample)
