-- The source_files Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select source_file_id, source, path, status, reason, article_id, size_bytes, modified_at, content_hash, run_id
    from source_files
    order by source, path
) to $file (format parquet, compression zstd)
