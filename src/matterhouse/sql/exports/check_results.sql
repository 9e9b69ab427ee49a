-- The check_results Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select run_id, check_name, status, failing_rows, sample
    from check_results
    order by run_id, check_name
) to $file (format parquet, compression zstd)
