-- The data_warnings Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select source_file_id, path, field, raw_value, message, run_id
    from data_warnings
    order by path, source_file_id, field, message
) to $file (format parquet, compression zstd)
