-- The etl_runs Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select run_id, started_at, finished_at, status, sources, files_seen, files_read, files_new, files_changed, files_unchanged, files_deleted, files_loaded, files_superseded, files_rejected, data_warnings, articles, providers, images, article_relations, article_topics, checks_passed, checks_failed, scan_seconds, parse_seconds, load_seconds, export_seconds
    from etl_runs
    order by started_at, run_id
) to $file (format parquet, compression zstd)
