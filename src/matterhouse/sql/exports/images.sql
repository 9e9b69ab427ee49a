-- The images Parquet dataset: every column, sorted by its key for deterministic files.
copy (
    select article_id, position, url, width, height, title, extra
    from images
    order by article_id, position
) to $file (format parquet, compression zstd)
