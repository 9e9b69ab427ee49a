-- The article_urls Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, url, kind
    from article_urls
    order by article_id, url
) to $file (format parquet, compression zstd)
