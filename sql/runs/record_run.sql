-- Appends this run's row to etl_runs; counts are read from the tables just built.
insert into etl_runs (
    run_id, started_at, finished_at, status, sources,
    files_seen, files_loaded, files_superseded, files_rejected, data_warnings,
    articles, providers, images, article_relations, article_topics, checks_passed, checks_failed,
    scan_seconds, parse_seconds, load_seconds
)
select
    $run_id,
    $started_at,
    $finished_at,
    $status,
    $sources,
    (select count(*) from source_files),
    (select count(*) from source_files where status = 'loaded'),
    (select count(*) from source_files where status = 'superseded'),
    (select count(*) from source_files where status = 'rejected'),
    (select count(*) from data_warnings),
    (select count(*) from articles),
    (select count(*) from providers),
    (select count(*) from images),
    (select count(*) from article_relations),
    (select count(*) from article_topics),
    (select count(*) from check_results where run_id = $run_id and status = 'passed'),
    (select count(*) from check_results where run_id = $run_id and status = 'failed'),
    $scan_seconds,
    $parse_seconds,
    $load_seconds
