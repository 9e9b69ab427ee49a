-- The article_versions Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, version, title, excerpt, updated_at, source_path, first_seen_run, last_seen_run
    from article_versions
    order by article_id, version
) to $file (format parquet, compression zstd)
