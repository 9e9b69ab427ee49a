-- Appends this run's row to etl_runs; counts are read from the tables just built.
insert into etl_runs (
    run_id, started_at, finished_at, status, sources,
    files_seen, files_read, files_new, files_changed, files_unchanged, files_deleted,
    files_loaded, files_superseded, files_rejected, data_warnings,
    articles, providers, images, article_relations, article_topics, checks_passed, checks_failed,
    scan_seconds, parse_seconds, load_seconds, export_seconds
)
with

changes as (
    select
        count(*) filter (where change = 'added') as files_new,
        count(*) filter (where change = 'changed') as files_changed,
        count(*) filter (where change = 'deleted') as files_deleted
    from file_changes
    where run_id = $run_id
),

final as (
    select
        $run_id,
        $started_at,
        $finished_at,
        $status,
        $sources,
        $files_seen,
        $files_read,
        changes.files_new,
        changes.files_changed,
        $files_seen - changes.files_new - changes.files_changed,
        changes.files_deleted,
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
        $load_seconds,
        $export_seconds
    from changes
)

select * from final
