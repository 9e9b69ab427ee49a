-- The file_changes Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select run_id, source_file_id, source, path, change, content_hash
    from file_changes
    order by run_id, source, path
) to $file (format parquet, compression zstd)
