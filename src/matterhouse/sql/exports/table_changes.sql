-- The table_changes Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select run_id, table_name, rows_inserted, rows_updated, rows_deleted
    from table_changes
    order by run_id, table_name
) to $file (format parquet, compression zstd)
