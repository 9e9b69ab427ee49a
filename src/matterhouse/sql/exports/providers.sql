-- The providers Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select provider_id, domain, name
    from providers
    order by provider_id
) to $file (format parquet, compression zstd)
